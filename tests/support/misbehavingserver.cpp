#include "misbehavingserver.h"

#include <QTcpSocket>
#include <QTimer>

namespace Sightline::Test {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 307:
        return "Temporary Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

QByteArray statusAndHeaders(int status, const ServerScript::Headers &headers)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &header : headers)
        out += header.first + ": " + header.second + "\r\n";
    out += "\r\n";
    return out;
}

} // namespace

QByteArray ReceivedRequest::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second.isNull() ? QByteArray("") : h.second;
    }
    return {};
}

ServerScript ServerScript::head(int status, const Headers &headers, int chunkSize)
{
    ServerScript script;
    Headers all = headers;
    if (chunkSize > 0)
        all.append(qMakePair(QByteArray("Transfer-Encoding"), QByteArray("chunked")));
    script.m_steps.append({ Step::Kind::Send, statusAndHeaders(status, all), 0 });
    // The head itself is never chunked; the body after it is.
    script.m_chunkSize = chunkSize;
    return script;
}

ServerScript ServerScript::held(const ServerScript &then)
{
    ServerScript script = then;
    script.m_steps.prepend({ Step::Kind::Hold, {}, 0 });
    return script;
}

ServerScript ServerScript::eventStream(const Headers &extraHeaders, int chunkSize)
{
    Headers headers { { "Content-Type", "text/event-stream" }, { "Cache-Control", "no-cache" },
        { "X-Accel-Buffering", "no" }, { "Connection", "close" } };
    headers += extraHeaders;
    return head(200, headers, chunkSize);
}

ServerScript ServerScript::response(
    int status, const QByteArray &contentType, const QByteArray &body, const Headers &extraHeaders)
{
    Headers headers { { "Connection", "close" },
        { "Content-Length", QByteArray::number(body.size()) } };
    if (!contentType.isEmpty())
        headers.append(qMakePair(QByteArray("Content-Type"), contentType));
    headers += extraHeaders;
    ServerScript script = head(status, headers);
    if (!body.isEmpty())
        script.send(body);
    return script;
}

ServerScript ServerScript::jsonError(
    int status, const QByteArray &code, const Headers &extraHeaders)
{
    const QByteArray body = "{\"error\": \"" + code + "\", \"message\": \"scripted " + code + "\"}";
    return response(status, "application/json", body, extraHeaders);
}

ServerScript &ServerScript::send(const QByteArray &bytes)
{
    m_steps.append({ Step::Kind::Send, bytes, 0 });
    return *this;
}

ServerScript &ServerScript::pause(int ms)
{
    m_steps.append({ Step::Kind::Pause, {}, ms });
    return *this;
}

ServerScript &ServerScript::close()
{
    m_steps.append({ Step::Kind::Close, {}, 0 });
    return *this;
}

ServerScript &ServerScript::stall()
{
    m_steps.append({ Step::Kind::Stall, {}, 0 });
    return *this;
}

struct MisbehavingServer::Connection
{
    QPointer<QTcpSocket> socket;
    QByteArray buffer;
    bool requestDone = false;
    ReceivedRequest request;
    ServerScript script;
    int nextStep = 0;
    bool headSent = false;
};

MisbehavingServer::MisbehavingServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &MisbehavingServer::acceptConnections);
    if (m_server.listen(QHostAddress::LocalHost, 0))
        m_port = m_server.serverPort();
    else
        qWarning("MisbehavingServer: cannot listen: %s", qPrintable(m_server.errorString()));
}

MisbehavingServer::~MisbehavingServer()
{
    stopListening();
}

QUrl MisbehavingServer::url(const QString &path) const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    url.setPath(path);
    return url;
}

void MisbehavingServer::enqueue(const ServerScript &script)
{
    m_anyPath.append(script);
}

void MisbehavingServer::enqueue(const QByteArray &path, const ServerScript &script)
{
    m_byPath[path].append(script);
}

int MisbehavingServer::pendingScripts() const
{
    int n = m_anyPath.size();
    for (const auto &list : m_byPath)
        n += list.size();
    return n;
}

QList<ReceivedRequest> MisbehavingServer::heldRequests() const
{
    QList<ReceivedRequest> requests;
    for (const Connection *connection : m_held)
        requests.append(connection->request);
    return requests;
}

void MisbehavingServer::release(int index)
{
    if (index < 0 || index >= m_held.size()) {
        qWarning("MisbehavingServer: no held request %d", index);
        return;
    }
    runSteps(m_held.takeAt(index));
}

int MisbehavingServer::openConnectionCount() const
{
    return m_connections.size();
}

void MisbehavingServer::stopListening()
{
    m_server.close();
    abortConnections();
}

bool MisbehavingServer::resumeListening()
{
    if (m_server.isListening())
        return true;
    return m_server.listen(QHostAddress::LocalHost, m_port);
}

void MisbehavingServer::abortConnections()
{
    const QList<Connection *> connections = m_connections;
    for (Connection *connection : connections) {
        if (connection->socket)
            connection->socket->abort();
    }
}

void MisbehavingServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        auto *connection = new Connection;
        connection->socket = socket;
        m_connections.append(connection);
        ++m_connectionCount;
        m_maxOpen = std::max<int>(m_maxOpen, m_connections.size());
        connect(
            socket, &QTcpSocket::readyRead, this, [this, connection] { readRequest(connection); });
        connect(socket, &QTcpSocket::disconnected, this, [this, connection, socket] {
            m_connections.removeOne(connection);
            m_held.removeOne(connection);
            delete connection;
            socket->deleteLater();
        });
    }
}

void MisbehavingServer::readRequest(Connection *connection)
{
    QTcpSocket *socket = connection->socket;
    if (!socket)
        return;
    if (connection->requestDone) {
        socket->readAll(); // one request per connection; ignore the rest
        return;
    }
    connection->buffer += socket->readAll();
    if (connection->buffer.startsWith('\x16')) {
        // A TLS ClientHello (https:// against this plain server): recorded
        // as a request with method "TLS" so a script can answer it.
        ReceivedRequest hello;
        hello.method = "TLS";
        connection->buffer.clear();
        connection->requestDone = true;
        m_requests.append(hello);
        startScript(connection, hello);
        emit requestReceived(hello);
        return;
    }
    const qsizetype headEnd = connection->buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return;

    ReceivedRequest request;
    const QList<QByteArray> lines = connection->buffer.left(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request.method = requestLine.value(0);
    request.target = requestLine.value(1);
    request.path = request.target.left(
        request.target.indexOf('?') < 0 ? request.target.size() : request.target.indexOf('?'));
    qsizetype contentLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        const QByteArray value = line.mid(colon + 1).trimmed();
        request.headers.append({ name, value });
        if (name.compare("content-length", Qt::CaseInsensitive) == 0)
            contentLength = value.toLongLong();
    }
    const qsizetype bodyStart = headEnd + 4;
    if (connection->buffer.size() - bodyStart < contentLength)
        return; // wait for the rest of the body
    request.body = connection->buffer.mid(bodyStart, contentLength);
    connection->buffer.clear();
    connection->requestDone = true;
    m_requests.append(request);
    startScript(connection, request);
    emit requestReceived(request);
}

ServerScript MisbehavingServer::takeScript(const ReceivedRequest &request)
{
    auto byPath = m_byPath.find(request.path);
    if (byPath != m_byPath.end() && !byPath->isEmpty())
        return byPath->takeFirst();
    if (!m_anyPath.isEmpty())
        return m_anyPath.takeFirst();
    if (m_handler)
        return m_handler(request);
    return ServerScript::jsonError(404, "not_found");
}

void MisbehavingServer::startScript(Connection *connection, const ReceivedRequest &request)
{
    connection->request = request;
    connection->script = takeScript(request);
    connection->nextStep = 0;
    runSteps(connection);
}

void MisbehavingServer::runSteps(Connection *connection)
{
    QTcpSocket *socket = connection->socket;
    const QList<ServerScript::Step> &steps = connection->script.steps();
    const int chunkSize = connection->script.chunkSize();
    while (socket && connection->nextStep < steps.size()) {
        const ServerScript::Step &step = steps.at(connection->nextStep++);
        switch (step.kind) {
        case ServerScript::Step::Kind::Send:
            if (!connection->headSent || chunkSize <= 0) {
                socket->write(step.bytes);
            } else {
                QByteArray framed;
                framed.reserve(step.bytes.size() * (chunkSize == 1 ? 6 : 1) + 16);
                for (qsizetype at = 0; at < step.bytes.size(); at += chunkSize) {
                    const QByteArray piece = step.bytes.mid(at, chunkSize);
                    framed += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
                }
                socket->write(framed);
            }
            connection->headSent = true;
            break;
        case ServerScript::Step::Kind::Pause:
            QTimer::singleShot(step.ms, socket, [this, connection] {
                if (m_connections.contains(connection))
                    runSteps(connection);
            });
            return;
        case ServerScript::Step::Kind::Close:
            finish(connection, false);
            return;
        case ServerScript::Step::Kind::Stall:
            return;
        case ServerScript::Step::Kind::Hold:
            m_held.append(connection);
            return;
        }
    }
    if (socket)
        finish(connection, true);
}

void MisbehavingServer::finish(Connection *connection, bool graceful)
{
    QTcpSocket *socket = connection->socket;
    if (!socket)
        return;
    if (graceful && connection->script.chunkSize() > 0)
        socket->write("0\r\n\r\n");
    // Flushes what was written, then closes: "close mid-event" delivers the
    // partial event first.
    socket->disconnectFromHost();
}

} // namespace Sightline::Test
