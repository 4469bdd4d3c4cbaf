#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include "server/serverconfig.h"

class QHttpServer;

namespace Sightline {

class Authenticator;
class Hub;

// The telemetry half of sightline-server (issue 3): ingest, storage, event
// ids, the hub, alert rules, device status, and the history/alerts/devices
// routes. The Server class (auth side) owns one TelemetryApi, calls start()
// before listening, registerRoutes() once, and shutdown() before it stops.
//
// Owns: the storage (SQLite on its own worker thread), the Hub, IngestService,
// AlertEngine, DeviceTracker and the periodic timers (retention purge, offline
// detection, alert hold times). Does not own the Authenticator (not owned,
// must outlive this object) nor the QHttpServer.
class TelemetryApi : public QObject
{
    Q_OBJECT

public:
    // auth: not owned; must outlive this object.
    TelemetryApi(const ServerConfig &config, Authenticator *auth, QObject *parent = nullptr);
    ~TelemetryApi() override;

    // Opens storage (config.dataDir/telemetry.sqlite) and starts the timers.
    // Returns false with a readable *error when the server must not start.
    bool start(QString *error);

    // POST /api/v1/telemetry, GET /api/v1/telemetry/history,
    // GET /api/v1/alerts, GET /api/v1/devices.
    void registerRoutes(QHttpServer &server);

    // Answers every pending ingest request (everything acknowledged is on
    // disk when this returns) and stops the storage thread. Idempotent.
    void shutdown();

    bool isHealthy() const;
    // {"storage": "ok" | "<what is wrong>", ...} for GET /health.
    QJsonObject health() const;

    // Prometheus text (exposition format 0.0.4) of the telemetry metrics.
    QByteArray metricsText() const;

    // The in-process publish interface the stream endpoint serves.
    Hub *hub() const;

private:
    ServerConfig m_config;
    Authenticator *m_auth; // not owned
    bool m_started = false;
    bool m_shutDown = false;
};

} // namespace Sightline
