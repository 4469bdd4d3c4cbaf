#include "server/telemetryapi.h"

#include <QDir>
#include <QHttpServer>

#include "server/alertengine.h"
#include "server/clock.h"
#include "server/devicetracker.h"
#include "server/hub.h"
#include "server/ingestservice.h"
#include "server/logging.h"
#include "server/influxpointstore.h"
#include "server/rediseventlog.h"
#include "server/rfc3339.h"
#include "server/splitstorage.h"
#include "server/sqlitepointstore.h"
#include "server/sqlitestorage.h"
#include "server/telemetrymetrics.h"
#include "server/telemetryroutes.h"

namespace Sightline {

namespace {

// Offline detection and hold times are checked this often; the error is at
// most one interval (well under the 15 s default silence).
constexpr int kCheckIntervalMs = 500;

IngestLimits limitsFrom(const ServerConfig &config)
{
    IngestLimits limits;
    limits.maxBodyBytes = config.maxBodyBytes;
    limits.maxSkewSeconds = config.maxSkewSeconds;
    limits.maxPointsPerSecond = config.ingestMaxPointsPerSecond;
    return limits;
}

// The storage the configuration asks for (issue 8): SQLite alone by
// default; with --influx-url points go to InfluxDB and the log stays in
// SQLite; with --redis-url the log is in Redis and points stay in SQLite
// (shared by the instances of one host) unless InfluxDB takes them.
std::unique_ptr<Storage> makeStorage(const ServerConfig &config, QString *error)
{
    const QString sqlitePath = QDir(config.dataDir).filePath(QStringLiteral("telemetry.sqlite"));
    if (config.influxUrl.isEmpty() && config.redisUrl.isEmpty())
        return std::make_unique<SqliteStorage>(sqlitePath);
    std::unique_ptr<Storage> log;
    if (config.redisUrl.isEmpty()) {
        log = std::make_unique<SqliteStorage>(sqlitePath);
    } else {
        const std::optional<RedisAddress> address = RedisAddress::fromUrl(config.redisUrl, error);
        if (!address)
            return nullptr;
        log = std::make_unique<RedisEventLog>(*address, config.retentionHours);
    }
    std::unique_ptr<PointStore> points;
    if (config.influxUrl.isEmpty())
        points = std::make_unique<SqlitePointStore>(sqlitePath);
    else
        points = std::make_unique<InfluxPointStore>(QUrl(config.influxUrl), config.retentionHours);
    return std::make_unique<SplitStorage>(std::move(points), std::move(log));
}

// A telemetry event of the log as the point the rules and the device
// tracker take (shared logs feed them from the log, see the constructor).
std::optional<TelemetryPoint> pointOf(const StoredEvent &event)
{
    const std::optional<QDateTime> ts = parseRfc3339(event.data.value(QLatin1String("ts")).toString());
    if (!ts)
        return std::nullopt;
    TelemetryPoint point;
    point.deviceId = event.deviceId;
    point.ts = *ts;
    const QJsonValue seq = event.data.value(QLatin1String("seq"));
    if (seq.isDouble())
        point.seq = qint64(seq.toDouble());
    point.fields = event.data.value(QLatin1String("fields")).toObject();
    return point;
}

} // namespace

TelemetryApi::TelemetryApi(const ServerConfig &config, Authenticator *auth, QObject *parent)
    : TelemetryApi(config, auth, nullptr, parent)
{
}

TelemetryApi::TelemetryApi(const ServerConfig &config, Authenticator *auth, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_auth(auth)
    , m_ownClock(clock ? nullptr : std::make_unique<SystemClock>())
    , m_clock(clock ? clock : m_ownClock.get())
    , m_metrics(std::make_unique<TelemetryMetrics>())
{
    m_storage = makeStorage(m_config, &m_configError);
    if (!m_storage) // start() refuses with m_configError; the rest still needs a storage to point at
        m_storage = std::make_unique<SqliteStorage>(QDir(m_config.dataDir).filePath(QStringLiteral("telemetry.sqlite")));
    m_hub = std::make_unique<Hub>(m_storage.get(), m_clock);
    m_deviceTracker = std::make_unique<DeviceTracker>(m_config.offlineAfterSeconds, m_hub.get(), m_clock);
    m_alertEngine = std::make_unique<AlertEngine>(m_config.alertRules, m_hub.get(), m_clock);
    m_ingest = std::make_unique<IngestService>(limitsFrom(m_config), m_auth, m_storage.get(), m_hub.get(), m_clock,
                                               m_metrics.get());
    m_routes = std::make_unique<TelemetryRoutes>(m_config, m_auth, m_ingest.get(), m_storage.get(),
                                                 m_deviceTracker.get());

    // Device status first, so a device is online before its first alert.
    if (m_hub->isShared()) {
        // Every instance sees every instance's points in the log's order, so
        // each one's tracker and rules agree; the shared log appends a
        // status or alert change once, whichever instance proposes it first.
        connect(m_hub.get(), &Hub::eventPublished, this, [this](const StoredEvent &event) {
            if (event.type != QLatin1String("telemetry"))
                return;
            const std::optional<TelemetryPoint> point = pointOf(event);
            if (!point)
                return;
            const DeviceRecord device{event.accountId, event.siteId, event.deviceId};
            m_deviceTracker->recordPoints(device, {*point});
            m_alertEngine->evaluate(device, {*point});
        });
    } else {
        connect(m_ingest.get(), &IngestService::pointsStored, m_deviceTracker.get(), &DeviceTracker::recordPoints);
        connect(m_ingest.get(), &IngestService::pointsStored, m_alertEngine.get(), &AlertEngine::evaluate);
    }
    connect(m_storage.get(), &Storage::commitTimed, this,
            [this](double seconds) { m_metrics->observeStorageWrite(seconds); });

    m_checkTimer.setInterval(kCheckIntervalMs);
    connect(&m_checkTimer, &QTimer::timeout, this, [this] {
        m_alertEngine->checkHolds();
        m_deviceTracker->checkOffline();
    });
    // Retention: purge every minute (or a tenth of the retention, if shorter).
    m_purgeTimer.setInterval(int(qBound(qint64(1000), qint64(m_config.retentionHours) * 360 * 1000, qint64(60 * 1000))));
    connect(&m_purgeTimer, &QTimer::timeout, this, &TelemetryApi::purgeExpired);
}

TelemetryApi::~TelemetryApi()
{
    shutdown();
}

bool TelemetryApi::start(QString *error)
{
    if (m_started)
        return true;
    if (m_config.dataDir.isEmpty()) {
        *error = QStringLiteral("no data directory configured");
        return false;
    }
    if (!m_configError.isEmpty()) {
        *error = m_configError;
        return false;
    }
    QString storageError;
    if (!m_storage->open(&storageError)) {
        *error = QStringLiteral("telemetry storage: ") + storageError;
        return false;
    }
    m_hub->setLastEventId(m_storage->lastEventId());
    const QList<StoredEvent> stateEvents = m_storage->latestStateEvents();
    m_deviceTracker->restore(m_storage->deviceStates(), stateEvents);
    m_alertEngine->restore(stateEvents);
    m_checkTimer.start();
    m_purgeTimer.start();
    m_started = true;
    purgeExpired();
    return true;
}

void TelemetryApi::registerRoutes(QHttpServer &server)
{
    m_routes->registerRoutes(server);
}

void TelemetryApi::shutdown()
{
    if (m_shutDown || !m_started)
        return;
    m_shutDown = true;
    m_checkTimer.stop();
    m_purgeTimer.stop();
    // Commits every write already made and runs its callback, so each
    // pending ingest request gets its 202 (or 503) before we return.
    m_storage->close();
    qCInfo(lcServerStore) << "telemetry storage closed; last event id" << m_hub->lastIssuedId();
}

void TelemetryApi::runPeriodicChecks()
{
    m_alertEngine->checkHolds();
    m_deviceTracker->checkOffline();
    purgeExpired();
}

void TelemetryApi::purgeExpired()
{
    const QDateTime cutoff = m_clock->now().addSecs(-qint64(m_config.retentionHours) * 3600);
    m_storage->purge(cutoff, [](bool) {});
}

bool TelemetryApi::isHealthy() const
{
    return m_started && !m_shutDown && m_storage->isHealthy();
}

QJsonObject TelemetryApi::health() const
{
    QJsonObject health{{QStringLiteral("lastEventId"), QString::number(m_hub->lastIssuedId())}};
    if (!m_started || m_shutDown) {
        health.insert(QStringLiteral("storage"), m_started ? QStringLiteral("shut down") : QStringLiteral("not started"));
        return health;
    }
    // One key per part ("storage", "influx", "redis"), so the degraded one
    // is named.
    for (const auto &[key, status] : m_storage->healthParts())
        health.insert(key, status);
    return health;
}

QByteArray TelemetryApi::metricsText() const
{
    QByteArray text = m_metrics->text(m_hub->publishedCount())
        + "# HELP sightline_ingest_pending_requests Ingest requests waiting for their storage commit.\n"
          "# TYPE sightline_ingest_pending_requests gauge\n"
          "sightline_ingest_pending_requests "
        + QByteArray::number(m_ingest->pendingCount()) + '\n';
    // The parts /health names (storage, influx, redis), for alerting.
    text += "# HELP sightline_storage_up Whether a storage part works (1) or not (0), by part as in /health.\n"
            "# TYPE sightline_storage_up gauge\n";
    if (m_started && !m_shutDown) {
        for (const auto &[part, status] : m_storage->healthParts())
            text += "sightline_storage_up{part=\"" + part.toUtf8() + "\"} " + (status == QLatin1String("ok") ? "1" : "0") + '\n';
    }
    return text;
}

Hub *TelemetryApi::hub() const
{
    return m_hub.get();
}

} // namespace Sightline
