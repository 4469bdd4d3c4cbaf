#pragma once

#include <QByteArray>
#include <QString>
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

} // namespace Sightline

Q_DECLARE_TYPEINFO(Sightline::SseEvent, Q_RELOCATABLE_TYPE);
