#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QTcpSocket>

#include <functional>

#include "stream/sseparser.h"

namespace Sightline::Test {

// One GET /api/v1/telemetry/stream as a client sees it, on a raw TCP
// socket: the status line and headers, the raw body bytes, and the events
// the project's own SseParser makes of them.
//
//   StreamReader reader;
//   reader.open(server.port(), token, "types=telemetry", lastEventId);
//   QVERIFY(reader.waitForIds(3));
//   QCOMPARE(reader.ids(), (QList<quint64>{4, 5, 6}));
class StreamReader
{
public:
    // Generous: CI runs two test programs at once on two loaded cores.
    static constexpr int kDefaultTimeoutMs = 20000;

    StreamReader() = default;
    StreamReader(const StreamReader &) = delete;
    StreamReader &operator=(const StreamReader &) = delete;

    // A null token or lastEventId sends no such header; extraRequestBytes
    // go right after the request head.
    void open(quint16 port, const QByteArray &token, const QByteArray &query = {},
              const QByteArray &lastEventId = {}, const QByteArray &extraRequestBytes = {});
    void close() { m_socket.abort(); }
    // Bytes a stream client has no business sending, after its request.
    bool sendRaw(const QByteArray &bytes) { return m_socket.write(bytes) == bytes.size(); }

    bool hasHeaders() const { return m_status != 0; }
    int status() const { return m_status; }
    QByteArray header(const QByteArray &name) const { return m_headers.value(name.toLower()); }
    bool hasHeader(const QByteArray &name) const { return m_headers.contains(name.toLower()); }
    const QByteArray &body() const { return m_body; }
    bool isClosed() const { return m_closed; }
    const QList<SseEvent> &events() const { return m_events; }
    qint64 retryHint() const { return m_parser.retryHint(); }

    // The ids of the logged (non-system) events, in arrival order.
    QList<quint64> ids() const;
    // The JSON of every event of that type, in arrival order.
    QList<QJsonObject> eventsOfType(const QString &type) const;
    QList<QJsonObject> systemEvents() const { return eventsOfType(QStringLiteral("system")); }
    bool hasSystemEvent(const QString &kind) const;
    // Events other than system ones, as ids().size() without parsing them.
    qsizetype idCount() const;
    bool waitForIds(qsizetype count) { return waitUntil([&] { return idCount() >= count; }); }

    // Runs the event loop until `done` holds, checking after every read
    // (not on a polling interval, so a thousand connections stay fast) and
    // now and then for conditions that change without a read.
    bool waitUntil(const std::function<bool()> &done, int timeoutMs = kDefaultTimeoutMs);

private:
    void read();
    void feed(const QByteArray &bytes);

    QTcpSocket m_socket;
    QByteArray m_head;
    int m_status = 0;
    QHash<QByteArray, QByteArray> m_headers;
    QByteArray m_body;
    SseParser m_parser;
    QList<SseEvent> m_events;
    bool m_closed = false;
};

} // namespace Sightline::Test
