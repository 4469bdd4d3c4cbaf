#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

#include "server/serverconfig.h"

class QHttpServer;
class QTcpServer;

namespace Sightline {

class AuthApi;
class AuthService;
class StreamEndpoint;
class TelemetryApi;

// sightline-server as one object: owns the QHttpServer and composes the two
// halves of issue 3, the auth side (AuthService + AuthApi: accounts, tokens,
// login/refresh/logout) and the telemetry side (TelemetryApi: ingest,
// storage, rules, hub, history/alerts/devices). Serves GET /health and GET
// /metrics (the metrics text of each part, concatenated), answers unknown
// paths with a 404 JSON error and known paths with the wrong method with a
// 405 JSON error (Allow header listed).
//
// Lifecycle: start() opens everything and listens; shutdown() stops
// accepting connections and lets the telemetry side flush everything it
// acknowledged. Usable in-process (tests) as well as by `serve`.
class Server : public QObject
{
    Q_OBJECT

public:
    explicit Server(const ServerConfig &config, QObject *parent = nullptr);
    ~Server() override;

    // Opens the accounts database and storage, registers the routes and
    // listens on config.listenAddress:listenPort (port 0 = any free port).
    // False with a readable *error (e.g. "address already in use").
    bool start(QString *error);

    // Stops accepting new connections, then lets the telemetry side answer
    // what is pending and flush storage. Idempotent; the destructor calls it.
    void shutdown();

    // Bytes accepted for sending but not yet handed to the kernel, over
    // every open connection. After shutdown() the caller lets the event loop
    // run until this is 0 (or a deadline), so last answers and the streams'
    // `shutdown` events reach the clients before the process exits.
    qint64 pendingWriteBytes() const;

    bool isListening() const;
    QHostAddress address() const;
    quint16 port() const; // the real port, also when 0 was asked for
    QUrl url() const;     // http://HOST:PORT

    bool isHealthy() const;
    QJsonObject health() const;
    QByteArray metricsText() const;

    // The parts, for tests and for the stream endpoint's issue.
    AuthService *auth() const { return m_auth; }
    TelemetryApi *telemetry() const { return m_telemetry; }
    QHttpServer *httpServer() const { return m_http; }
    StreamEndpoint *stream() const { return m_stream; }

private:
    void registerOwnRoutes();
    void registerFallbacks();

    ServerConfig m_config;
    QHttpServer *m_http = nullptr;     // child
    QTcpServer *m_tcp = nullptr;       // owned by m_http once bound
    AuthService *m_auth = nullptr;     // child
    TelemetryApi *m_telemetry = nullptr; // child
    StreamEndpoint *m_stream = nullptr;  // child (issue 4: GET /api/v1/telemetry/stream)
    std::unique_ptr<AuthApi> m_authApi;
    qint64 m_startedAt = 0;
    bool m_started = false;
    bool m_shutDown = false;
};

} // namespace Sightline
