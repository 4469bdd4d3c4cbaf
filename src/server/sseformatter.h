#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>

namespace Sightline {

struct StoredEvent;

// The bytes of the event stream (issue 4, API.md "Live stream"), following
// the WHATWG HTML "9.2.5 Server-sent events" syntax. Pure: no sockets, no
// state, no QObject. The stream endpoint builds each published event's frame
// once with storedEvent() and shares the QByteArray among every client that
// may see it.
class SseFormatter
{
public:
    // "retry: <ms>\n\n": the reconnection time, alone in its block.
    static QByteArray retryField(int milliseconds);

    // ": <text>\n": a comment line (the heartbeat is comment("ping")).
    // Line breaks in text are replaced by spaces: a comment is one line.
    static QByteArray comment(QByteArrayView text);

    // One event block: "id: <id>\n" (left out when id is empty), "event:
    // <type>\n", one "data: <line>\n" per line of data, then the blank line
    // that dispatches it. CR and LF are removed from id and type (they would
    // end the field early); data is split at CRLF, CR and LF so that a parser
    // joins it back with LF.
    static QByteArray event(QByteArrayView id, QByteArrayView type, QByteArrayView data);

    // A stored event of the log: id, type and its JSON on one line
    // ({"id", "ts", "topic", "type", "data"}).
    static QByteArray storedEvent(const StoredEvent &event);

    // A per-connection `system` event: no id line; its JSON has "id": null
    // and "topic": null, and data {"kind", "message"}.
    static QByteArray systemEvent(const QString &kind, const QString &message, const QDateTime &ts);
};

} // namespace Sightline
