// Tests for issue 8 end to end: several sightline-server instances over one
// Redis (the shared event log) and InfluxDB (points), all real and on
// 127.0.0.1: redis-server and influxd from RedisProcess / InfluxProcess,
// servers in-process (TestServer) or as processes (ServerProcess) sharing
// one data dir, clients on raw sockets (StreamReader) and HTTP.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <signal.h>

#include <memory>

#include "server/authservice.h"
#include "server/hub.h"
#include "server/rfc3339.h"
#include "server/server.h"
#include "server/telemetryapi.h"
#include "server/tokenservice.h"
#include "support/httpclient.h"
#include "support/influxprocess.h"
#include "support/redisprocess.h"
#include "support/serverprocess.h"
#include "support/streamreader.h"
#include "support/testserver.h"
#include "support/ranges.h"

using namespace Sightline;
using namespace Sightline::Test;

namespace {

constexpr int kTimeoutMs = 30000;
const QByteArray kTelemetry = QByteArrayLiteral("types=telemetry");

QJsonObject point(const QString &deviceId, qint64 seq, double gpuTemp = 50)
{
    return QJsonObject{{QStringLiteral("deviceId"), deviceId},
                       {QStringLiteral("ts"), formatRfc3339Utc(QDateTime::currentDateTimeUtc())},
                       {QStringLiteral("seq"), seq},
                       {QStringLiteral("fields"), QJsonObject{{QStringLiteral("gpu_temp_c"), gpuTemp},
                                                              {QStringLiteral("load"), double(seq)}}}};
}

// Posts points with seq first..first+count-1 to the ingest endpoint at
// `base`; the whole answer.
HttpResponse post(const QUrl &base, const QByteArray &key, const QString &deviceId, qint64 first, int count,
                  double gpuTemp = 50)
{
    QJsonArray batch;
    for (int i = 0; i < count; ++i)
        batch.append(point(deviceId, first + i, gpuTemp));
    HttpClient http;
    return http.post(base.resolved(QUrl(QStringLiteral("/api/v1/telemetry"))),
                     QJsonDocument(batch).toJson(QJsonDocument::Compact), {{"x-api-key", key}});
}

QList<quint64> idsOf(const HttpResponse &response)
{
    QList<quint64> ids;
    for (const QJsonValue &id : response.json().value(QStringLiteral("ids")).toArray())
        ids.append(id.toString().toULongLong());
    return ids;
}

// data.<key> of the events of one type a reader got, in order.
QStringList values(const StreamReader &reader, const QString &type, const QString &key)
{
    QStringList out;
    for (const QJsonObject &event : reader.eventsOfType(type))
        out.append(event.value(QStringLiteral("data")).toObject().value(key).toString());
    return out;
}

} // namespace

class tst_ScaleOut : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void clientOnBReceivesWhatIsPostedToA();
    void statusAndAlertsAreOneEventAcrossInstances();
    void resumeOnAAfterBIsKilled();
    void resumeAheadOfThisInstanceAsksRedis();
    void serversRecoverWhenRedisRestarts();
    void pointsGoToInfluxAndHistory();
    void influxDownMeans503AndNothingAcknowledged();

private:
    // Two in-process instances on one data dir and one Redis (and InfluxDB
    // when given), with a device "n1" and a token for account acme.
    bool startPair(const QString &influxUrl = {});
    QByteArray token() const;

    std::unique_ptr<RedisProcess> m_redis;
    std::unique_ptr<TestServer> m_a;
    std::unique_ptr<TestServer> m_b;
    QByteArray m_key;
};

void tst_ScaleOut::init()
{
    m_redis = std::make_unique<RedisProcess>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
}

void tst_ScaleOut::cleanup()
{
    m_b.reset();
    m_a.reset();
    m_redis.reset();
}

bool tst_ScaleOut::startPair(const QString &influxUrl)
{
    m_a = std::make_unique<TestServer>();
    m_b = std::make_unique<TestServer>();
    m_b->config().dataDir = m_a->dataDir(); // one host: accounts, keys and the signing key are shared
    for (TestServer *server : {m_a.get(), m_b.get()}) {
        server->config().redisUrl = m_redis->url();
        server->config().influxUrl = influxUrl;
        server->config().alertRules = {AlertRule{QStringLiteral("gpu-hot"), QStringLiteral("gpu_temp_c"),
                                                 AlertRule::Op::Greater, 85, AlertRule::Severity::Critical,
                                                 QStringLiteral("*"), 0, QStringLiteral("GPU hot")}};
    }
    m_key = m_a->addDevice(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1"));
    if (m_key.isEmpty() || !m_a->start() || !m_b->start()) {
        qWarning("cannot start the pair: %s %s", qPrintable(m_a->errorString()), qPrintable(m_b->errorString()));
        return false;
    }
    return true;
}

QByteArray tst_ScaleOut::token() const
{
    return m_a->server()->auth()->tokens().issue(QStringLiteral("alice"), QStringLiteral("acme"), {},
                                                 QStringLiteral("test-family"));
}

void tst_ScaleOut::clientOnBReceivesWhatIsPostedToA()
{
    QVERIFY(startPair());
    StreamReader onA;
    StreamReader onB;
    onA.open(m_a->port(), token(), kTelemetry);
    onB.open(m_b->port(), token(), kTelemetry);
    QVERIFY(onA.waitUntil([&] { return onA.body().startsWith("retry: 10000"); }));
    QVERIFY(onB.waitUntil([&] { return onB.body().startsWith("retry: 10000"); }));

    // Posts alternate between the instances: one id sequence, one order.
    QList<quint64> posted;
    for (int i = 0; i < 6; ++i) {
        const HttpResponse response = post((i % 2 ? m_b : m_a)->url(), m_key, QStringLiteral("n1"), i * 3, 3);
        QCOMPARE(response.status, 202);
        posted += idsOf(response);
    }
    QVERIFY(onA.waitForIds(18));
    QVERIFY(onB.waitForIds(18));
    QCOMPARE(onB.ids(), posted);
    QCOMPARE(onA.ids(), posted);
    for (qsizetype i = 1; i < posted.size(); ++i)
        QVERIFY2(posted.at(i) > posted.at(i - 1), "ids grow in publish order");

    // History and the device list on B show what was posted to A.
    HttpClient http;
    const QList<QPair<QByteArray, QByteArray>> auth{{"Authorization", "Bearer " + token()}};
    const HttpResponse history = http.get(m_b->url(QStringLiteral("/api/v1/telemetry/history?deviceId=n1")), auth);
    QCOMPARE(history.status, 200);
    QCOMPARE(history.json().value(QStringLiteral("points")).toArray().size(), 18);
    const HttpResponse devices = http.get(m_b->url(QStringLiteral("/api/v1/devices")), auth);
    const QJsonObject n1 = devices.json().value(QStringLiteral("devices")).toArray().first().toObject();
    QCOMPARE(n1.value(QStringLiteral("status")).toString(), QStringLiteral("online"));
    QCOMPARE(n1.value(QStringLiteral("fields")).toArray().size(), 2);
    const HttpResponse health = http.get(m_b->url(QStringLiteral("/health")));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QStringLiteral("redis")).toString(), QStringLiteral("ok"));
    // A retry of the first batch through B is a duplicate, whichever instance stored it.
    const HttpResponse retry = post(m_b->url(), m_key, QStringLiteral("n1"), 0, 3);
    QCOMPARE(retry.json().value(QStringLiteral("duplicates")).toInt(), 3);
    QCOMPARE(idsOf(retry), posted.mid(0, 3));
}

void tst_ScaleOut::statusAndAlertsAreOneEventAcrossInstances()
{
    QVERIFY(startPair());
    StreamReader reader;
    reader.open(m_b->port(), token(), "types=alert,device_status,telemetry");
    QVERIFY(reader.waitUntil([&] { return reader.body().startsWith("retry: 10000"); }));

    // Both instances follow the point, both rule engines and trackers see
    // it; the log appends each change once.
    QCOMPARE(post(m_a->url(), m_key, QStringLiteral("n1"), 1, 1, 90).status, 202);
    QVERIFY(reader.waitUntil([&] { return values(reader, QStringLiteral("alert"), QStringLiteral("state")).size() == 1; }));
    QCOMPARE(post(m_b->url(), m_key, QStringLiteral("n1"), 2, 1, 91).status, 202); // still hot: nothing new
    QCOMPARE(post(m_b->url(), m_key, QStringLiteral("n1"), 3, 1, 60).status, 202);
    QVERIFY(reader.waitUntil([&] { return values(reader, QStringLiteral("alert"), QStringLiteral("state")).size() == 2; }));
    // A last point through A: once it is in, every proposal made before it is too.
    QCOMPARE(post(m_a->url(), m_key, QStringLiteral("n1"), 4, 1, 60).status, 202);
    QVERIFY(reader.waitUntil([&] { return reader.eventsOfType(QStringLiteral("telemetry")).size() == 4; }));
    QCOMPARE(values(reader, QStringLiteral("device_status"), QStringLiteral("status")), QStringList{QStringLiteral("online")});
    QCOMPARE(values(reader, QStringLiteral("alert"), QStringLiteral("state")),
             (QStringList{QStringLiteral("firing"), QStringLiteral("resolved")}));
    const QList<quint64> ids = reader.ids();
    QCOMPARE(ids, inclusiveRange<quint64>(ids.first(), ids.first() + quint64(ids.size()) - 1)); // no gap: nothing skipped took an id
}

void tst_ScaleOut::resumeOnAAfterBIsKilled()
{
    m_a = std::make_unique<TestServer>();
    m_a->config().redisUrl = m_redis->url();
    m_key = m_a->addDevice(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1"));
    QVERIFY(!m_key.isEmpty());
    QVERIFY2(m_a->start(), qPrintable(m_a->errorString()));
    ServerProcess b;
    QVERIFY2(b.start({QStringLiteral("serve"), QStringLiteral("--data-dir"), m_a->dataDir(), QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0"), QStringLiteral("--redis-url"), m_redis->url()}),
             qPrintable(b.errorString()));

    auto reader = std::make_unique<StreamReader>();
    reader->open(quint16(b.url().port()), token(), kTelemetry);
    QVERIFY(reader->waitUntil([&] { return reader->body().startsWith("retry: 10000"); }));
    QList<quint64> posted;
    for (int i = 0; i < 4; ++i) {
        const HttpResponse response = post(i % 2 ? b.url() : m_a->url(), m_key, QStringLiteral("n1"), i * 5, 5);
        QCOMPARE(response.status, 202);
        posted += idsOf(response);
    }
    QVERIFY(reader->waitForIds(20));
    QList<quint64> received = reader->ids();

    QVERIFY(::kill(pid_t(b.processId()), SIGKILL) == 0);
    QVERIFY(reader->waitUntil([&] { return reader->isClosed(); }));
    // Meanwhile devices go on posting (to A).
    for (int i = 4; i < 7; ++i) {
        const HttpResponse response = post(m_a->url(), m_key, QStringLiteral("n1"), i * 5, 5);
        QCOMPARE(response.status, 202);
        posted += idsOf(response);
    }
    reader = std::make_unique<StreamReader>();
    reader->open(m_a->port(), token(), kTelemetry, QByteArray::number(received.last()));
    QVERIFY(reader->waitForIds(15));
    // ... and live after the replay.
    const HttpResponse live = post(m_a->url(), m_key, QStringLiteral("n1"), 35, 5);
    posted += idsOf(live);
    QVERIFY(reader->waitForIds(20));
    received += reader->ids();
    QCOMPARE(received, posted); // nothing lost, nothing twice, in order
}

void tst_ScaleOut::resumeAheadOfThisInstanceAsksRedis()
{
    // An instance that cannot follow the log (Redis refuses it XREAD) still
    // appends; its clients then hold ids from the log that this instance has
    // not followed, as a client coming from a faster instance would.
    QVERIFY(m_redis->command({"ACL", "SETUSER", "default", "-xread"}).startsWith("+OK"));
    m_a = std::make_unique<TestServer>();
    m_a->config().redisUrl = m_redis->url();
    m_key = m_a->addDevice(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1"));
    QVERIFY2(m_a->start(), qPrintable(m_a->errorString()));
    const QList<quint64> posted = idsOf(post(m_a->url(), m_key, QStringLiteral("n1"), 0, 5));
    QCOMPARE(posted, inclusiveRange<quint64>(1, 5));
    QCOMPARE(m_a->server()->telemetry()->hub()->lastIssuedId(), quint64(0)); // followed nothing

    StreamReader resumed;
    resumed.open(m_a->port(), token(), kTelemetry, "2");
    QVERIFY(resumed.waitForIds(3));
    QCOMPARE(resumed.status(), 200);
    QCOMPARE(resumed.ids(), inclusiveRange<quint64>(3, 5));

    StreamReader ahead;
    ahead.open(m_a->port(), token(), kTelemetry, "6");
    QVERIFY(ahead.waitUntil([&] { return ahead.body().contains("}"); })); // the whole JSON error
    QCOMPARE(ahead.status(), 400);
    QVERIFY2(ahead.body().contains("above the newest event id this server has issued (5)"), ahead.body().constData());
}

void tst_ScaleOut::serversRecoverWhenRedisRestarts()
{
    QVERIFY(startPair());
    StreamReader reader;
    reader.open(m_b->port(), token(), kTelemetry);
    StreamReader everything; // telemetry, device status, alerts
    everything.open(m_b->port(), token());
    QVERIFY(reader.waitUntil([&] { return reader.body().startsWith("retry: 10000"); }));
    QVERIFY(everything.waitUntil([&] { return everything.body().startsWith("retry: 10000"); }));
    QList<quint64> posted = idsOf(post(m_a->url(), m_key, QStringLiteral("n1"), 0, 5));
    QCOMPARE(posted.size(), 5);
    QVERIFY(reader.waitForIds(5));

    m_redis->kill();
    // Down: ingest says so at once and acknowledges nothing; /health names Redis.
    HttpClient http;
    QTRY_COMPARE_WITH_TIMEOUT(http.get(m_a->url(QStringLiteral("/health"))).status, 503, kTimeoutMs);
    const HttpResponse health = http.get(m_a->url(QStringLiteral("/health")));
    QVERIFY2(health.json().value(QStringLiteral("redis")).toString().contains(QLatin1String("Redis")), health.body.constData());
    const QByteArray metrics = http.get(m_a->url(QStringLiteral("/metrics"))).body;
    QVERIFY2(metrics.contains("sightline_storage_up{part=\"redis\"} 0\n"), metrics.constData());
    QVERIFY2(metrics.contains("sightline_storage_up{part=\"storage\"} 1\n"), metrics.constData());
    const HttpResponse refused = post(m_a->url(), m_key, QStringLiteral("n1"), 5, 5);
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), QStringLiteral("storage_unavailable"));

    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    // The device's retry goes through once the servers have reconnected.
    HttpResponse accepted;
    QVERIFY(QTest::qWaitFor([&] {
        accepted = post(m_a->url(), m_key, QStringLiteral("n1"), 5, 5);
        return accepted.status == 202;
    }, kTimeoutMs));
    posted += idsOf(accepted);
    posted += idsOf(post(m_b->url(), m_key, QStringLiteral("n1"), 10, 5));
    QVERIFY(reader.waitForIds(15));
    QCOMPARE(reader.ids(), posted);
    // The whole log as one client saw it: no gap, nothing twice.
    QVERIFY(everything.waitUntil([&] { return everything.ids().contains(posted.last()); }));
    QCOMPARE(everything.ids(), inclusiveRange<quint64>(1, posted.last()));
    QTRY_COMPARE_WITH_TIMEOUT(http.get(m_a->url(QStringLiteral("/health"))).status, 200, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(http.get(m_b->url(QStringLiteral("/health"))).status, 200, kTimeoutMs);
    QVERIFY(http.get(m_a->url(QStringLiteral("/metrics"))).body.contains("sightline_storage_up{part=\"redis\"} 1\n"));
    QVERIFY(!reader.isClosed()); // the streams held through it
    QVERIFY(!everything.isClosed());
}

void tst_ScaleOut::pointsGoToInfluxAndHistory()
{
    InfluxProcess influx;
    QVERIFY2(influx.start(), qPrintable(influx.errorString()));
    QVERIFY(startPair(influx.url()));
    QCOMPARE(post(m_a->url(), m_key, QStringLiteral("n1"), 100, 4).status, 202);

    const QJsonObject answer =
        QJsonDocument::fromJson(influx.query(QStringLiteral("SELECT * FROM telemetry"), QStringLiteral("sightline"))).object();
    const QJsonObject series = answer.value(QStringLiteral("results")).toArray().first().toObject()
                                   .value(QStringLiteral("series")).toArray().first().toObject();
    QCOMPARE(series.value(QStringLiteral("values")).toArray().size(), 4);
    const QJsonArray columns = series.value(QStringLiteral("columns")).toArray();
    for (const char *column : {"account", "site", "device", "gpu_temp_c", "load", "@seq"})
        QVERIFY2(columns.contains(QString::fromLatin1(column)), column);

    HttpClient http;
    const HttpResponse history = http.get(m_b->url(QStringLiteral("/api/v1/telemetry/history?deviceId=n1")),
                                          {{"Authorization", "Bearer " + token()}});
    QCOMPARE(history.status, 200);
    const QJsonArray points = history.json().value(QStringLiteral("points")).toArray();
    QCOMPARE(points.size(), 4);
    QCOMPARE(points.at(0).toObject().value(QStringLiteral("seq")).toInteger(), 100);
    QCOMPARE(points.at(3).toObject().value(QStringLiteral("fields")).toObject().value(QStringLiteral("load")).toDouble(), 103.0);
    const QJsonObject health = http.get(m_a->url(QStringLiteral("/health"))).json();
    QCOMPARE(health.value(QStringLiteral("influx")).toString(), QStringLiteral("ok"));
    QCOMPARE(health.value(QStringLiteral("redis")).toString(), QStringLiteral("ok"));
}

void tst_ScaleOut::influxDownMeans503AndNothingAcknowledged()
{
    InfluxProcess influx;
    QVERIFY2(influx.start(), qPrintable(influx.errorString()));
    // One instance, InfluxDB for points, the event log in SQLite.
    m_a = std::make_unique<TestServer>();
    m_a->config().influxUrl = influx.url();
    m_key = m_a->addDevice(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1"));
    QVERIFY2(m_a->start(), qPrintable(m_a->errorString()));
    StreamReader reader;
    reader.open(m_a->port(), token(), kTelemetry);
    QVERIFY(reader.waitUntil([&] { return reader.body().startsWith("retry: 10000"); }));
    QList<quint64> posted = idsOf(post(m_a->url(), m_key, QStringLiteral("n1"), 0, 3));
    QCOMPARE(posted.size(), 3);
    QVERIFY(reader.waitForIds(3));

    influx.stop();
    const HttpResponse refused = post(m_a->url(), m_key, QStringLiteral("n1"), 3, 3);
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), QStringLiteral("storage_unavailable"));
    QVERIFY(!refused.header("Retry-After").isEmpty());
    HttpClient http;
    const HttpResponse health = http.get(m_a->url(QStringLiteral("/health")));
    QCOMPARE(health.status, 503);
    QVERIFY2(health.json().value(QStringLiteral("influx")).toString() != QLatin1String("ok"), health.body.constData());
    QCOMPARE(health.json().value(QStringLiteral("storage")).toString(), QStringLiteral("ok")); // the log is fine
    QVERIFY2(health.json().value(QStringLiteral("message")).toString().contains(QLatin1String("influx")),
             health.body.constData());

    QVERIFY2(influx.start(), qPrintable(influx.errorString()));
    HttpResponse accepted;
    QVERIFY(QTest::qWaitFor([&] {
        accepted = post(m_a->url(), m_key, QStringLiteral("n1"), 3, 3);
        return accepted.status == 202;
    }, kTimeoutMs));
    QCOMPARE(accepted.json().value(QStringLiteral("accepted")).toInt(), 3); // nothing of the refused try was kept
    posted += idsOf(accepted);
    QVERIFY(reader.waitForIds(6));
    QCOMPARE(reader.ids(), posted); // the refused request published nothing
    QTRY_COMPARE_WITH_TIMEOUT(http.get(m_a->url(QStringLiteral("/health"))).status, 200, kTimeoutMs);
    const QJsonObject answer = QJsonDocument::fromJson(
        influx.query(QStringLiteral("SELECT count(\"load\") FROM telemetry"), QStringLiteral("sightline"))).object();
    const QJsonArray row = answer.value(QStringLiteral("results")).toArray().first().toObject()
                               .value(QStringLiteral("series")).toArray().first().toObject()
                               .value(QStringLiteral("values")).toArray().first().toArray();
    QCOMPARE(row.at(1).toInteger(), 6);
}

QTEST_GUILESS_MAIN(tst_ScaleOut)
#include "tst_scaleout.moc"
