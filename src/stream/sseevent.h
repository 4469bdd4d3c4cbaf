#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QUtf8StringView>
#include <QtGlobal>

namespace Sightline {

// One dispatched server-sent event: a plain value, copy it freely (issue 2,
// WHATWG HTML "9.2.6 Interpreting an event stream", dispatch steps 4-6).
//
// `data` is UTF-8 rather than a QString: events carry JSON, and
// QJsonDocument::fromJson() reads UTF-8, so no UTF-16 round trip is paid per
// event. It is always valid UTF-8: the parser has already replaced every
// invalid byte sequence by U+FFFD as the standard's UTF-8 decode does.
struct SseEvent
{
    // The event type: the last `event:` field of the event, or "message" when
    // the event had none (or an empty one).
    QString type;
    // The `data:` field values joined with LF (the data buffer without its
    // final LF). Possibly empty: a lone `data` line dispatches an empty event.
    // A long value may keep the parser's line buffer (a few spare bytes in
    // front, up to one earlier line's size behind): squeeze() it before
    // keeping many such events for long.
    QByteArray data;
    // The parser's last event ID buffer when the event was dispatched: the
    // latest `id:` field of this event or of any earlier one, "" if none yet.
    QString lastEventId;

    // `data` as text, for callers that want a QString.
    QString text() const { return QString::fromUtf8(data); }

    friend bool operator==(const SseEvent &a, const SseEvent &b)
    {
        return a.type == b.type && a.data == b.data && a.lastEventId == b.lastEventId;
    }
    friend bool operator!=(const SseEvent &a, const SseEvent &b) { return !(a == b); }
};

// The same event as SseEvent, seen without copying it: what
// SseParser::feed(bytes, ViewHandler &) hands to ViewHandler::handleEvent().
// The views point into the chunk being fed (when the event's data is one
// valid line inside it) or into buffers the parser reuses, so they are valid
// only during that call; copy what must outlive it (toEvent() copies it all).
// The same guarantees as SseEvent: `type` is never empty, all three are valid
// UTF-8 (invalid input already replaced by U+FFFD).
struct SseEventView
{
    QUtf8StringView type;
    QByteArrayView data;
    QUtf8StringView lastEventId;

    // A copy as an SseEvent (defined in sseparser.cpp).
    SseEvent toEvent() const;
};

} // namespace Sightline

Q_DECLARE_TYPEINFO(Sightline::SseEvent, Q_RELOCATABLE_TYPE);
