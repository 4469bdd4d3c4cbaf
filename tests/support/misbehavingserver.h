#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>

#include <functional>

class QTcpSocket;

namespace Sightline::Test {

// One HTTP request as the misbehaving server received it.
struct ReceivedRequest
{
    QByteArray method;
    QByteArray target; // path and query, as sent
    QByteArray path; // target without the query
    QList<QPair<QByteArray, QByteArray>> headers; // in order, names as sent
    QByteArray body;

    // The first header of that name (case-insensitive), or a null QByteArray.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const { return !header(name).isNull(); }
};

// What the server does on one connection once the request is in: a list of
// steps run in order. Build it with the named constructors and the chaining
// methods:
//
//   ServerScript::eventStream().send("retry: 50\n\nid: 1\ndata: a\n\n").close();
//   ServerScript::eventStream({}, 1).send("data: x\n\n");        // 1-byte chunks
//   ServerScript::response(503, "application/json", "{}", {{"Retry-After", "2"}});
//
// A script that runs out of steps closes the connection gracefully (after
// the final chunk when chunked). stall() keeps it open and silent instead.
// held() keeps a script back until the test releases it, so the test decides
// when, and in which order, requests are answered:
//
//   ServerScript::held(ServerScript::response(204, {}, {}));  // server.release(0)
class ServerScript
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // 200, Content-Type: text/event-stream, Cache-Control: no-cache, then the
    // body until the connection closes; with chunkSize > 0 the body uses
    // Transfer-Encoding: chunked with chunks of at most chunkSize bytes.
    static ServerScript eventStream(const Headers &extraHeaders = {}, int chunkSize = 0);
    // A complete response with Content-Length and Connection: close.
    static ServerScript response(int status, const QByteArray &contentType, const QByteArray &body,
        const Headers &extraHeaders = {});
    // A JSON error body of the wire contract: {"error": code, "message": ...}.
    static ServerScript jsonError(
        int status, const QByteArray &code, const Headers &extraHeaders = {});
    // Only the status line and headers (for custom bodies sent with send()).
    static ServerScript head(int status, const Headers &headers, int chunkSize = 0);
    // Says nothing until MisbehavingServer::release() names the request,
    // then runs `then`.
    static ServerScript held(const ServerScript &then);

    ServerScript &send(const QByteArray &bytes);
    ServerScript &pause(int ms);
    // Closes the connection right away, wherever the body is (mid-event,
    // without the final chunk).
    ServerScript &close();
    // Keeps the connection open and says nothing more.
    ServerScript &stall();

    struct Step
    {
        enum class Kind { Send, Pause, Close, Stall, Hold };
        Kind kind = Kind::Send;
        QByteArray bytes;
        int ms = 0;
    };
    const QList<Step> &steps() const { return m_steps; }
    int chunkSize() const { return m_chunkSize; }

private:
    QList<Step> m_steps;
    int m_chunkSize = 0;
};

// A QTcpServer on 127.0.0.1, port 0, that speaks just enough HTTP/1.1 to
// play a scripted server, including every way a real one misbehaves: close
// mid-event, stall after the headers, 1-byte chunks, huge events, bursts,
// any status and content type. It records every request it received
// (Last-Event-ID, Authorization, ...). Each connection takes the next script
// queued for its path, else the next one queued for any path, else the
// handler's answer, else a 404.
//
// A TLS ClientHello (a client told https://) counts as a request with
// method "TLS" and gets a script like any other.
//
// It can go down (stopListening: refuse connections and drop the open ones)
// and come back on the same port (resumeListening).
class MisbehavingServer : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<ServerScript(const ReceivedRequest &request)>;

    explicit MisbehavingServer(QObject *parent = nullptr);
    ~MisbehavingServer() override;

    bool isListening() const { return m_server.isListening(); }
    quint16 port() const { return m_port; }
    // http://127.0.0.1:<port><path>
    QUrl url(const QString &path = {}) const;

    void enqueue(const ServerScript &script);
    void enqueue(const QByteArray &path, const ServerScript &script);
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    int pendingScripts() const;

    QList<ReceivedRequest> requests() const { return m_requests; }
    int requestCount() const { return m_requests.size(); }
    ReceivedRequest lastRequest() const
    {
        return m_requests.isEmpty() ? ReceivedRequest {} : m_requests.last();
    }

    // The requests whose scripts wait in ServerScript::held(), in the order
    // they came; release(i) answers heldRequests().at(i).
    QList<ReceivedRequest> heldRequests() const;
    int heldCount() const { return m_held.size(); }
    void release(int index);

    int connectionCount() const { return m_connectionCount; }
    int openConnectionCount() const;
    // The most connections that were ever open at the same time.
    int maxOpenConnections() const { return m_maxOpen; }

    // Server down: stop accepting, abort the open connections.
    void stopListening();
    // Server up again on the same port.
    bool resumeListening();
    // Aborts the open connections (e.g. to end stalled ones).
    void abortConnections();

signals:
    void requestReceived(const Sightline::Test::ReceivedRequest &request);

private:
    struct Connection;
    void acceptConnections();
    void readRequest(Connection *connection);
    void startScript(Connection *connection, const ReceivedRequest &request);
    void runSteps(Connection *connection);
    void finish(Connection *connection, bool graceful);
    ServerScript takeScript(const ReceivedRequest &request);

    QTcpServer m_server;
    quint16 m_port = 0;
    QList<ServerScript> m_anyPath;
    QHash<QByteArray, QList<ServerScript>> m_byPath;
    Handler m_handler;
    QList<ReceivedRequest> m_requests;
    QList<Connection *> m_connections;
    QList<Connection *> m_held; // waiting in a Hold step, oldest first
    int m_connectionCount = 0;
    int m_maxOpen = 0;
};

} // namespace Sightline::Test
