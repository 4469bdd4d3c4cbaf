#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

#include "server/serverconfig.h"

class QHttpServer;

namespace Sightline {

class AlertEngine;
class Authenticator;
class Clock;
class DeviceTracker;
class Hub;
class IngestService;
class Storage;
class TelemetryMetrics;
class TelemetryRoutes;

// The telemetry half of sightline-server (issue 3): ingest, storage, event
// ids, the hub, alert rules, device status, and the history/alerts/devices
// routes. The Server class (auth side) owns one TelemetryApi, calls start()
// before listening, registerRoutes() once, and shutdown() before it stops.
//
// Owns: the storage (SQLite on its own worker thread; with issue 8's
// --influx-url / --redis-url a SplitStorage of InfluxDB or SQLite points and
// a SQLite or Redis event log), the Hub, IngestService,
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

    // For tests: the services, and a constructor with an injected clock
    // (not owned; must outlive this object).
    TelemetryApi(const ServerConfig &config, Authenticator *auth, const Clock *clock, QObject *parent = nullptr);
    Storage *storage() const { return m_storage.get(); }
    IngestService *ingestService() const { return m_ingest.get(); }
    AlertEngine *alertEngine() const { return m_alertEngine.get(); }
    DeviceTracker *deviceTracker() const { return m_deviceTracker.get(); }
    const TelemetryMetrics &metrics() const { return *m_metrics; }
    // Runs the periodic work now: hold times, offline detection, retention.
    void runPeriodicChecks();

private:
    void purgeExpired();

    ServerConfig m_config;
    Authenticator *m_auth; // not owned
    std::unique_ptr<Clock> m_ownClock;
    const Clock *m_clock; // m_ownClock or injected
    std::unique_ptr<TelemetryMetrics> m_metrics;
    std::unique_ptr<Storage> m_storage;
    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<DeviceTracker> m_deviceTracker;
    std::unique_ptr<AlertEngine> m_alertEngine;
    std::unique_ptr<IngestService> m_ingest;
    std::unique_ptr<TelemetryRoutes> m_routes;
    QTimer m_checkTimer;  // hold times and offline detection
    QTimer m_purgeTimer;  // retention
    QString m_configError; // a storage URL that cannot be used (start() fails with it)
    bool m_started = false;
    bool m_shutDown = false;
};

} // namespace Sightline
