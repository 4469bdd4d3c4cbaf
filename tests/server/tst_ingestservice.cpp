// Tests of the IngestService without HTTP (issue 3): real SQLite storage and
// hub; the device keys come from a fixed table (the Authenticator interface).
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include "server/clock.h"
#include "server/hub.h"
#include "server/identity.h"
#include "server/ingestservice.h"
#include "server/rfc3339.h"
#include "server/sqlitestorage.h"
#include "server/telemetrymetrics.h"
#include "support/hubfixture.h"

using namespace Sightline;

namespace {

constexpr int kStorageTimeoutMs = 30000;
const DeviceRecord kDevice{QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-01")};
const QByteArray kKey = QByteArrayLiteral("key-jetson-01");
const QByteArray kJson = QByteArrayLiteral("application/json");

// Device keys from a fixed table: enough for the service, which only asks
// "whose key is this".
class FixedKeys : public Authenticator
{
public:
    BearerResult authenticateBearer(const QHttpServerRequest &) const override { return BearerResult{}; }
    std::optional<DeviceRecord> authenticateDeviceKey(const QByteArray &apiKey) const override
    {
        if (apiKey == kKey)
            return kDevice;
        return std::nullopt;
    }
    QList<DeviceRecord> devices(const QString &) const override { return {kDevice}; }
};

QByteArray pointJson(const QDateTime &ts, std::optional<qint64> seq, double value = 1,
                     const QString &deviceId = kDevice.deviceId)
{
    QJsonObject point{{QStringLiteral("deviceId"), deviceId},
                      {QStringLiteral("ts"), formatRfc3339Utc(ts)},
                      {QStringLiteral("fields"), QJsonObject{{QStringLiteral("cpu_temp_c"), value}}}};
    if (seq)
        point.insert(QStringLiteral("seq"), double(*seq));
    return QJsonDocument(point).toJson(QJsonDocument::Compact);
}

QByteArray batchJson(const QDateTime &ts, int first, int count)
{
    QJsonArray array;
    for (int i = 0; i < count; ++i)
        array.append(QJsonDocument::fromJson(pointJson(ts, first + i, i)).object());
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

} // namespace

class tst_IngestService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void acceptsAndPublishes();
    void refusals_data();
    void refusals();
    void duplicatesReturnOriginalIds();
    void answersOnlyAfterDurableStore();
    void storageDownIs503AndStoresNothing();
    void metricsCount();
    void rateLimitedIs429AndStoresNothing();

private:
    IngestService::Result ingestAndWait(const QByteArray &key, const QByteArray &contentType, const QByteArray &body);
    int storedPoints();

    std::unique_ptr<Test::HubFixture> m_fixture;
    std::unique_ptr<TelemetryMetrics> m_metrics;
    FixedKeys m_keys;
    std::unique_ptr<IngestService> m_service;
};

void tst_IngestService::init()
{
    m_fixture = std::make_unique<Test::HubFixture>();
    QString error;
    QVERIFY2(m_fixture->open(&error), qPrintable(error));
    m_metrics = std::make_unique<TelemetryMetrics>();
    m_service = std::make_unique<IngestService>(IngestLimits(), &m_keys, m_fixture->storage(), m_fixture->hub(), m_fixture->clock(),
                                                m_metrics.get());
}

void tst_IngestService::cleanup()
{
    // Close first: answers still queued reach the service while it lives.
    m_fixture->storage()->close();
    m_service.reset();
    m_fixture.reset();
}

IngestService::Result tst_IngestService::ingestAndWait(const QByteArray &key, const QByteArray &contentType,
                                                       const QByteArray &body)
{
    std::optional<IngestService::Result> result;
    m_service->ingest(key, contentType, body, [&result](const IngestService::Result &r) { result = r; });
    if (result)
        qWarning("answered synchronously");
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, kStorageTimeoutMs)) {
        IngestService::Result timeout;
        timeout.error = ApiError{0, QByteArrayLiteral("test_timeout"), QString(), {}};
        return timeout;
    }
    return *result;
}

int tst_IngestService::storedPoints()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
    db.setDatabaseName(m_fixture->databasePath());
    int count = -1;
    if (db.open()) {
        QSqlQuery query(db);
        if (query.exec(QStringLiteral("SELECT COUNT(*) FROM points")) && query.next())
            count = query.value(0).toInt();
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    return count;
}

void tst_IngestService::acceptsAndPublishes()
{
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    QSignalSpy stored(m_service.get(), &IngestService::pointsStored);
    const IngestService::Result result = ingestAndWait(kKey, kJson, batchJson(m_fixture->clock()->now(), 1, 3));
    QVERIFY2(!result.error, qPrintable(result.error ? result.error->message : QString()));
    QCOMPARE(result.accepted, 3);
    QCOMPARE(result.duplicates, 0);
    QCOMPARE(result.ids, (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3")}));
    QCOMPARE(result.toJson().value(QStringLiteral("ids")).toArray().size(), 3);
    QCOMPARE(published.size(), 3);
    const StoredEvent event = published.first().first().value<StoredEvent>();
    QCOMPARE(event.type, QStringLiteral("telemetry"));
    QCOMPARE(event.topic, kDevice.topic());
    QCOMPARE(event.data.value(QStringLiteral("deviceId")).toString(), kDevice.deviceId);
    QCOMPARE(event.data.value(QStringLiteral("seq")).toInt(), 1);
    QCOMPARE(event.data.value(QStringLiteral("ts")).toString(), formatRfc3339Utc(m_fixture->clock()->now()));
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.first().at(1).value<QList<TelemetryPoint>>().size(), 3);
    QCOMPARE(storedPoints(), 3);
}

void tst_IngestService::refusals_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("code");

    const QDateTime now = QDateTime::currentDateTimeUtc(); // ManualClock starts at the real time
    const QByteArray good = pointJson(now, 1);
    QTest::newRow("missing key") << QByteArray() << kJson << good << 401 << QByteArray("invalid_api_key");
    QTest::newRow("unknown key") << QByteArray("nope") << kJson << good << 401 << QByteArray("invalid_api_key");
    QTest::newRow("wrong content type") << kKey << QByteArray("text/plain") << good << 415
                                        << QByteArray("unsupported_media_type");
    QTest::newRow("2 MiB body") << kKey << kJson << QByteArray(2 * 1048576, ' ') << 413
                                << QByteArray("payload_too_large");
    QTest::newRow("malformed JSON") << kKey << kJson << QByteArray("{\"deviceId\"") << 400
                                    << QByteArray("invalid_json");
    QTest::newRow("another device's id") << kKey << kJson << pointJson(now, 1, 1, QStringLiteral("jetson-02")) << 403
                                         << QByteArray("device_mismatch");
    QTest::newRow("clock far off") << kKey << kJson << pointJson(now.addSecs(-3600), 1) << 422
                                   << QByteArray("timestamp_skew");
    QTest::newRow("1001 points") << kKey << kJson << batchJson(now, 0, 1001) << 400 << QByteArray("too_many_points");
}

void tst_IngestService::refusals()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QByteArray, code);
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    const IngestService::Result result = ingestAndWait(key, contentType, body);
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->status, status);
    QCOMPARE(result.error->code, code);
    QVERIFY(!result.error->message.isEmpty());
    QCOMPARE(published.size(), 0);
    QCOMPARE(storedPoints(), 0);
    QCOMPARE(m_metrics->rejected(code), quint64(1));
}

void tst_IngestService::duplicatesReturnOriginalIds()
{
    const QDateTime now = m_fixture->clock()->now();
    const IngestService::Result first = ingestAndWait(kKey, kJson, batchJson(now, 10, 3));
    QVERIFY(!first.error);
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    // A retried POST (seq 10..12) plus one new point (seq 13).
    const IngestService::Result retry = ingestAndWait(kKey, kJson, batchJson(now, 10, 4));
    QVERIFY(!retry.error);
    QCOMPARE(retry.accepted, 1);
    QCOMPARE(retry.duplicates, 3);
    QCOMPARE(retry.ids.mid(0, 3), first.ids);
    QVERIFY(retry.ids.at(3).toULongLong() > first.ids.at(2).toULongLong());
    QCOMPARE(published.size(), 1); // only the new point is published
    QCOMPARE(storedPoints(), 4);
    // Points without seq are never de-duplicated.
    const IngestService::Result noSeq1 = ingestAndWait(kKey, kJson, pointJson(now, std::nullopt));
    const IngestService::Result noSeq2 = ingestAndWait(kKey, kJson, pointJson(now, std::nullopt));
    QCOMPARE(noSeq1.accepted + noSeq2.accepted, 2);
    QCOMPARE(storedPoints(), 6);
}

void tst_IngestService::answersOnlyAfterDurableStore()
{
    int storedWhenAnswered = -1;
    bool answered = false;
    m_service->ingest(kKey, kJson, batchJson(m_fixture->clock()->now(), 1, 100), [&](const IngestService::Result &result) {
        QVERIFY(!result.error);
        storedWhenAnswered = storedPoints();
        answered = true;
    });
    QVERIFY(!answered);
    QVERIFY(QTest::qWaitFor([&answered] { return answered; }, kStorageTimeoutMs));
    QCOMPARE(storedWhenAnswered, 100);
}

void tst_IngestService::storageDownIs503AndStoresNothing()
{
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    m_fixture->storage()->dropConnectionForTest();
    const IngestService::Result result = ingestAndWait(kKey, kJson, batchJson(m_fixture->clock()->now(), 1, 5));
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->status, 503);
    QCOMPARE(result.error->code, QByteArray("storage_unavailable"));
    QCOMPARE(result.accepted, 0);
    QVERIFY(result.ids.isEmpty());
    QCOMPARE(published.size(), 0);
    QCOMPARE(storedPoints(), 0);
    QCOMPARE(m_metrics->rejected("storage_unavailable"), quint64(1));
}

void tst_IngestService::metricsCount()
{
    const QDateTime now = m_fixture->clock()->now();
    QVERIFY(!ingestAndWait(kKey, kJson, batchJson(now, 1, 4)).error);
    QVERIFY(!ingestAndWait(kKey, kJson, batchJson(now, 1, 2)).error);
    QVERIFY(ingestAndWait(QByteArray("bad"), kJson, batchJson(now, 1, 2)).error);
    QCOMPARE(m_metrics->points("accepted"), quint64(4));
    QCOMPARE(m_metrics->points("duplicate"), quint64(2));
    QCOMPARE(m_metrics->rejected("invalid_api_key"), quint64(1));
    const QByteArray text = m_metrics->text(m_fixture->hub()->publishedCount());
    QVERIFY(text.contains("sightline_ingest_points_total{result=\"accepted\"} 4\n"));
    QVERIFY(text.contains("sightline_ingest_points_total{result=\"duplicate\"} 2\n"));
    QVERIFY(text.contains("sightline_ingest_rejected_total{reason=\"invalid_api_key\"} 1\n"));
    QVERIFY(text.contains("sightline_events_published_total 4\n"));
    QVERIFY(text.contains("# TYPE sightline_storage_write_seconds histogram\n"));
}

void tst_IngestService::rateLimitedIs429AndStoresNothing()
{
    IngestLimits limits;
    limits.maxPointsPerSecond = 2; // a burst of 4 points per device
    m_service = std::make_unique<IngestService>(limits, &m_keys, m_fixture->storage(), m_fixture->hub(), m_fixture->clock(),
                                                m_metrics.get());
    const IngestService::Result burst = ingestAndWait(kKey, kJson, batchJson(m_fixture->clock()->now(), 1, 4));
    QVERIFY2(!burst.error, qPrintable(burst.error ? burst.error->message : QString()));
    QCOMPARE(burst.accepted, 4);
    const quint64 lastId = m_fixture->hub()->lastIssuedId();

    const IngestService::Result limited = ingestAndWait(kKey, kJson, batchJson(m_fixture->clock()->now(), 5, 1));
    QVERIFY(limited.error);
    QCOMPARE(limited.error->status, 429);
    QCOMPARE(limited.error->code, QByteArrayLiteral("rate_limited"));
    QVERIFY2(limited.error->message.contains(kDevice.deviceId), qPrintable(limited.error->message));
    QCOMPARE(limited.error->headers.size(), 1);
    QCOMPARE(limited.error->headers.first().first, QByteArrayLiteral("Retry-After"));
    QCOMPARE(limited.error->headers.first().second, QByteArrayLiteral("1"));
    QCOMPARE(storedPoints(), 4);
    QCOMPARE(m_fixture->hub()->lastIssuedId(), lastId); // a refused request takes no event id

    m_fixture->clock()->advance(1000);
    const IngestService::Result later = ingestAndWait(kKey, kJson, batchJson(m_fixture->clock()->now(), 5, 1));
    QVERIFY2(!later.error, qPrintable(later.error ? later.error->message : QString()));
    QCOMPARE(later.accepted, 1);
    QCOMPARE(storedPoints(), 5);
    QCOMPARE(m_metrics->rejected("rate_limited"), quint64(1));
}

QTEST_GUILESS_MAIN(tst_IngestService)
#include "tst_ingestservice.moc"
