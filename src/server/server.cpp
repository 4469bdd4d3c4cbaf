#include "server/server.h"

#include "server/apierror.h"
#include "server/authapi.h"
#include "server/authservice.h"
#include "server/logging.h"
#include "server/streamendpoint.h"
#include "server/telemetryapi.h"

#include <QAbstractSocket>
#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QTcpServer>

namespace Sightline {

namespace {

using Method = QHttpServerRequest::Method;

// Every path of API.md with the methods it answers. Used only for the
// fallbacks: a request on one of these paths that no route took gets 405
// (method not listed, with Allow) or 404 (listed but not served by this
// build, e.g. the stream endpoint before its issue lands).
struct KnownPath
{
    const char *path;
    Method method;
};
const KnownPath kKnownPaths[] = {
    {"/api/v1/auth/login", Method::Post},
    {"/api/v1/auth/refresh", Method::Post},
    {"/api/v1/auth/logout", Method::Post},
    {"/api/v1/telemetry", Method::Post},
    {"/api/v1/telemetry/stream", Method::Get},
    {"/api/v1/telemetry/history", Method::Get},
    {"/api/v1/alerts", Method::Get},
    {"/api/v1/devices", Method::Get},
    {"/health", Method::Get},
    {"/metrics", Method::Get},
};

QByteArray methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return "GET";
    case Method::Post:
        return "POST";
    default:
        return {};
    }
}

ApiError notFound(const QHttpServerRequest &request)
{
    return ApiError{404, QByteArrayLiteral("not_found"),
                    QStringLiteral("There is no endpoint %1; see API.md for the paths.")
                        .arg(request.url().path()),
                    {}};
}

} // namespace

Server::Server(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
}

Server::~Server()
{
    shutdown();
    // Routes hold raw pointers to the services, and the telemetry side holds
    // the Authenticator: tear down in that order, whatever order QObject
    // would pick for children.
    delete m_stream;
    m_stream = nullptr;
    delete m_http;
    m_http = nullptr;
    delete m_telemetry;
    m_telemetry = nullptr;
    delete m_auth;
    m_auth = nullptr;
}

bool Server::start(QString *error)
{
    if (m_started) {
        *error = QStringLiteral("the server was already started");
        return false;
    }
    m_startedAt = QDateTime::currentSecsSinceEpoch();
    m_auth = new AuthService(m_config, this);
    if (!m_auth->start(error))
        return false;
    m_telemetry = new TelemetryApi(m_config, m_auth, this);
    if (!m_telemetry->start(error))
        return false;

    m_http = new QHttpServer(this);
    m_authApi = std::make_unique<AuthApi>(m_auth);
    m_authApi->registerRoutes(*m_http);
    m_telemetry->registerRoutes(*m_http);
    m_stream = new StreamEndpoint(m_config, m_auth, m_telemetry->hub(), this);
    m_stream->registerRoutes(*m_http);
    registerOwnRoutes();
    registerFallbacks(); // last: the router takes the first rule that matches

    m_tcp = new QTcpServer(this);
    // Room for bursts of new connections (many devices reconnecting at once).
    m_tcp->setListenBacklogSize(1024);
    m_tcp->setMaxPendingConnections(1024);
    if (!m_tcp->listen(m_config.listenAddress, m_config.listenPort)) {
        *error = QStringLiteral("cannot listen on %1: %2")
                     .arg(formatHostPort(m_config.listenAddress, m_config.listenPort),
                          m_tcp->errorString());
        delete m_tcp;
        m_tcp = nullptr;
        return false;
    }
    m_http->bind(m_tcp);
    m_started = true;
    qCInfo(lcServerHttp, "listening on %s", qPrintable(url().toString()));
    return true;
}

void Server::registerOwnRoutes()
{
    m_http->route(QStringLiteral("/health"), Method::Get, [this] {
        QJsonObject body = health();
        if (isHealthy()) {
            body.insert(QStringLiteral("status"), QStringLiteral("ok"));
            return QHttpServerResponse(body);
        }
        // Still the one error shape (error + message), plus the per-part
        // detail so an operator sees what is down.
        QStringList down;
        for (auto it = body.begin(); it != body.end(); ++it) {
            if (it.key() != QLatin1String("lastEventId") && it.value().isString()
                && it.value().toString() != QLatin1String("ok"))
                down.append(it.key() + QStringLiteral(": ") + it.value().toString());
        }
        ApiError error{503, QByteArrayLiteral("unavailable"),
                       QStringLiteral("Not healthy: %1.").arg(down.join(QStringLiteral("; "))),
                       {}};
        QJsonObject answer = QJsonDocument::fromJson(errorBody(error)).object();
        for (auto it = body.begin(); it != body.end(); ++it)
            answer.insert(it.key(), it.value());
        answer.insert(QStringLiteral("status"), QStringLiteral("unavailable"));
        return QHttpServerResponse(answer, QHttpServerResponder::StatusCode::ServiceUnavailable);
    });

    m_http->route(QStringLiteral("/metrics"), Method::Get, [this] {
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                                   metricsText());
    });
}

void Server::registerFallbacks()
{
    for (const KnownPath &known : kKnownPaths) {
        const Method allowed = known.method;
        m_http->route(QString::fromLatin1(known.path), [allowed](const QHttpServerRequest &request) {
            if (request.method() == allowed)
                return toResponse(notFound(request));
            ApiError error{405, QByteArrayLiteral("method_not_allowed"),
                           QStringLiteral("%1 only answers %2.")
                               .arg(request.url().path(), QString::fromLatin1(methodName(allowed))),
                           {}};
            error.withHeader(QByteArrayLiteral("Allow"), methodName(allowed));
            return toResponse(error);
        });
    }
    m_http->setMissingHandler(
        [](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            toResponse(notFound(request)).write(std::move(responder));
        });
}

void Server::shutdown()
{
    if (m_shutDown || !m_started)
        return;
    m_shutDown = true;
    qCInfo(lcServerHttp, "shutting down: no new connections");
    if (m_http) {
        for (QTcpServer *tcp : m_http->servers())
            tcp->close();
    }
    if (m_stream)
        m_stream->shutdown(); // every stream gets `system` `shutdown`
    if (m_telemetry)
        m_telemetry->shutdown();
}

qint64 Server::pendingWriteBytes() const
{
    qint64 pending = 0;
    for (const QAbstractSocket *socket : findChildren<QAbstractSocket *>()) {
        if (socket->state() == QAbstractSocket::ConnectedState)
            pending += socket->bytesToWrite();
    }
    return pending;
}

bool Server::isListening() const
{
    return m_tcp && m_tcp->isListening();
}

QHostAddress Server::address() const
{
    return m_tcp ? m_tcp->serverAddress() : m_config.listenAddress;
}

quint16 Server::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QUrl Server::url() const
{
    return QUrl(QStringLiteral("http://") + formatHostPort(address(), port()));
}

bool Server::isHealthy() const
{
    return m_auth && m_auth->isHealthy() && m_telemetry && m_telemetry->isHealthy();
}

QJsonObject Server::health() const
{
    QJsonObject body;
    if (m_auth) {
        const QJsonObject part = m_auth->health();
        for (auto it = part.begin(); it != part.end(); ++it)
            body.insert(it.key(), it.value());
    }
    if (m_telemetry) {
        const QJsonObject part = m_telemetry->health();
        for (auto it = part.begin(); it != part.end(); ++it)
            body.insert(it.key(), it.value());
        if (!m_telemetry->isHealthy() && part.isEmpty())
            body.insert(QStringLiteral("telemetry"), QStringLiteral("not healthy"));
    } else {
        body.insert(QStringLiteral("telemetry"), QStringLiteral("not started"));
    }
    return body;
}

QByteArray Server::metricsText() const
{
    QByteArray text = QByteArrayLiteral(
        "# HELP sightline_server_start_time_seconds When this server started (Unix time).\n"
        "# TYPE sightline_server_start_time_seconds gauge\n"
        "sightline_server_start_time_seconds ")
        + QByteArray::number(m_startedAt) + '\n';
    if (m_auth)
        text += m_auth->metricsText();
    if (m_telemetry)
        text += m_telemetry->metricsText();
    if (m_stream)
        text += m_stream->metricsText();
    return text;
}

} // namespace Sightline
