// HTTP-level tests of the telemetry half of sightline-server (issue 3):
// a real Server (auth + telemetry, SQLite) on 127.0.0.1, port 0.
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include "server/hub.h"
#include "server/ingestservice.h"
#include "server/rfc3339.h"
#include "server/server.h"
#include "server/sqlitestorage.h"
#include "server/telemetryapi.h"
#include "support/httpclient.h"
#include "support/testserver.h"

using namespace Sightline;
using Sightline::Test::HttpClient;
using Sightline::Test::HttpResponse;
using Sightline::Test::TestServer;

namespace {

constexpr int kHttpTimeoutMs = 60000;
const QByteArray kPassword = QByteArrayLiteral("correct horse");

QByteArray pointJson(const QString &deviceId, std::optional<qint64> seq, double value = 1,
                     const QDateTime &ts = QDateTime::currentDateTimeUtc(), const QString &field = QStringLiteral("gpu_temp_c"))
{
    QJsonObject point{{QStringLiteral("deviceId"), deviceId},
                      {QStringLiteral("ts"), formatRfc3339Utc(ts)},
                      {QStringLiteral("fields"), QJsonObject{{field, value}}}};
    if (seq)
        point.insert(QStringLiteral("seq"), double(*seq));
    return QJsonDocument(point).toJson(QJsonDocument::Compact);
}

QByteArray batchJson(const QString &deviceId, int firstSeq, int count)
{
    QJsonArray array;
    for (int i = 0; i < count; ++i)
        array.append(QJsonDocument::fromJson(pointJson(deviceId, firstSeq + i, i)).object());
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

HttpClient::Headers deviceHeaders(const QByteArray &key, const QByteArray &contentType = "application/json")
{
    HttpClient::Headers headers{{"Content-Type", contentType}};
    if (!key.isNull())
        headers.append({"x-api-key", key});
    return headers;
}

HttpClient::Headers bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toUtf8()}};
}

QByteArray rawPost(const QByteArray &key, const QByteArray &body)
{
    return "POST /api/v1/telemetry HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-api-key: " + key
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// Reads `count` whole HTTP responses (Content-Length framed) from a socket:
// each as "<status line>\n<body>", or fewer on timeout.
QList<QByteArray> readResponses(QTcpSocket &socket, int count, int timeoutMs)
{
    QByteArray buffer;
    QList<QByteArray> responses;
    const bool complete = QTest::qWaitFor(
        [&] {
            buffer += socket.readAll();
            for (;;) {
                const qsizetype end = buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    break;
                const QByteArray head = buffer.left(end).toLower();
                const qsizetype at = head.indexOf("content-length: ");
                const qsizetype length = at < 0 ? 0 : head.mid(at + 16, head.indexOf("\r\n", at) - at - 16).toLongLong();
                if (buffer.size() < end + 4 + length)
                    break;
                responses.append(buffer.left(buffer.indexOf("\r\n")) + '\n' + buffer.mid(end + 4, length));
                buffer.remove(0, end + 4 + length);
            }
            return responses.size() >= count;
        },
        timeoutMs);
    if (!complete)
        qWarning("%d of %d responses arrived in time", int(responses.size()), count);
    return responses;
}

// One bucket of a history with step, as the server writes it; "ts" is an
// offset in ms from the test's base minute until bucketTime() replaces it.
QJsonObject bucketJson(qint64 offsetMs, int count, const QJsonObject &min, const QJsonObject &max,
                       const QJsonObject &mean, const QJsonObject &last)
{
    return QJsonObject{{QStringLiteral("ts"), double(offsetMs)}, {QStringLiteral("count"), count},
                       {QStringLiteral("min"), min},        {QStringLiteral("max"), max},
                       {QStringLiteral("mean"), mean},      {QStringLiteral("last"), last}};
}

// A bucket whose fields each have one value.
QJsonObject bucketJson(qint64 offsetMs, int count, const QJsonObject &values)
{
    return bucketJson(offsetMs, count, values, values, values, values);
}

QStringList ids(const HttpResponse &response)
{
    QStringList list;
    for (const QJsonValue &id : response.json().value(QStringLiteral("ids")).toArray())
        list.append(id.toString());
    return list;
}

} // namespace

class tst_TelemetryApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void cleanupTestCase();
    void ingestRefusals_data();
    void ingestRefusals();
    void exactlyOneMebibyteIsAllowed();
    void acceptedPointsShowInHistory();
    void duplicatesOverHttp();
    void duplicateRepostBurnsNoId();
    void historyQueries_data();
    void historyQueries();
    void historyStepRefusals_data();
    void historyStepRefusals();
    void historyBuckets_data();
    void historyBuckets();
    void bucketsOfADay();
    void bucketsOfAnotherAccount();
    void accountsNeverSeeEachOther();
    void siteLimitedUser();
    void alertsEndpoint();
    void alertsKeepTheNewest();
    void devicesEndpoint();
    void storageDownIs503();
    void metricsText();
    void keepAliveConnectionGetsEachAnswer();
    void clientLeavingBeforeTheAnswer();
    void pipelinedRequestsAnsweredInOrder();
    void fiftyConcurrentClientsLoseNothing();
    void restartKeepsEverythingAcknowledged();
    void shutdownKeepsWhatWasAcknowledged();
    void deviceGoesOfflineAfterSilence();
    void firingAlertSurvivesRestart();

private:
    HttpResponse post(const QByteArray &body, const QByteArray &key);
    int historyCount(const QString &token, const QString &deviceId);
    void postBucketPoints();
    QString bucketTime(qint64 offsetMs) const;

    std::unique_ptr<TestServer> m_server;
    HttpClient m_http;
    QByteArray m_key1;     // acme / lab / jetson-01
    QByteArray m_key2;     // acme / roof / jetson-02
    QByteArray m_otherKey; // globex / lab / jetson-01 (same device id, other account)
    QString m_token;       // alice@acme, all sites
    QString m_serverFunction; // the test function m_server was made for
    // History with step: the start of a minute a minute ago, and the server
    // that has postBucketPoints()' points.
    QDateTime m_bucketBase;
    const TestServer *m_bucketServer = nullptr;
};

void tst_TelemetryApi::init()
{
    // Rows of one data-driven function only read or are refused, so they
    // share one server (signing up users hashes passwords: slow on purpose).
    if (m_server && m_serverFunction == QLatin1String(QTest::currentTestFunction()))
        return;
    m_server.reset();
    m_serverFunction = QLatin1String(QTest::currentTestFunction());
    m_server = std::make_unique<TestServer>();
    AlertRule rule;
    rule.id = QStringLiteral("gpu-hot");
    rule.field = QStringLiteral("gpu_temp_c");
    rule.value = 85;
    rule.severity = AlertRule::Severity::Critical;
    rule.message = QStringLiteral("GPU temperature above 85 °C");
    m_server->config().alertRules = {rule};
    QVERIFY(m_server->addUser(QStringLiteral("acme"), QStringLiteral("alice"), kPassword));
    QVERIFY(m_server->addUser(QStringLiteral("acme"), QStringLiteral("roofer"), kPassword, {QStringLiteral("roof")}));
    QVERIFY(m_server->addUser(QStringLiteral("globex"), QStringLiteral("gary"), kPassword));
    m_key1 = m_server->addDevice(QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-01"));
    m_key2 = m_server->addDevice(QStringLiteral("acme"), QStringLiteral("roof"), QStringLiteral("jetson-02"));
    m_otherKey = m_server->addDevice(QStringLiteral("globex"), QStringLiteral("lab"), QStringLiteral("jetson-01"));
    QVERIFY(!m_key1.isEmpty() && !m_key2.isEmpty() && !m_otherKey.isEmpty());
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_token = m_server->signIn(QStringLiteral("alice"), kPassword);
    QVERIFY2(!m_token.isEmpty(), qPrintable(m_server->errorString()));
}

void tst_TelemetryApi::cleanup()
{
    if (QTest::currentTestFailed())
        m_server.reset();
}

void tst_TelemetryApi::cleanupTestCase()
{
    m_server.reset();
}

HttpResponse tst_TelemetryApi::post(const QByteArray &body, const QByteArray &key)
{
    return m_http.send("POST", m_server->url(QStringLiteral("/api/v1/telemetry")), body, deviceHeaders(key),
                       kHttpTimeoutMs);
}

int tst_TelemetryApi::historyCount(const QString &token, const QString &deviceId)
{
    const HttpResponse response = m_http.get(
        m_server->url(QStringLiteral("/api/v1/telemetry/history?limit=100000&since=")
                      + QString::fromLatin1(QUrl::toPercentEncoding(formatRfc3339Utc(QDateTime::currentDateTimeUtc().addSecs(-600))))
                      + QStringLiteral("&until=")
                      + QString::fromLatin1(QUrl::toPercentEncoding(formatRfc3339Utc(QDateTime::currentDateTimeUtc().addSecs(600))))
                      + QStringLiteral("&deviceId=") + deviceId),
        bearer(token));
    if (response.status != 200)
        return -response.status;
    return int(response.json().value(QStringLiteral("points")).toArray().size());
}

void tst_TelemetryApi::ingestRefusals_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("key"); // 0 none, 1 own, 2 unknown
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const QByteArray good = pointJson(QStringLiteral("jetson-01"), 1);
    const QByteArray json = "application/json";
    QTest::newRow("missing key") << good << 0 << json << 401 << "invalid_api_key";
    QTest::newRow("unknown key") << good << 2 << json << 401 << "invalid_api_key";
    QTest::newRow("wrong content type") << good << 1 << QByteArray("text/plain") << 415 << "unsupported_media_type";
    QTest::newRow("2 MiB body") << (good + QByteArray(2 * 1048576, ' ')) << 1 << json << 413 << "payload_too_large";
    QTest::newRow("malformed JSON") << QByteArray("{\"deviceId\": \"jetson-01\",") << 1 << json << 400 << "invalid_json";
    QTest::newRow("NaN") << QByteArray("{\"deviceId\":\"jetson-01\",\"ts\":\"2026-11-22T10:00:00Z\",\"fields\":{\"a\":NaN}}")
                         << 1 << json << 400 << "invalid_json";
    QTest::newRow("1e400") << QByteArray("{\"deviceId\":\"jetson-01\",\"ts\":\"2026-11-22T10:00:00Z\",\"fields\":{\"a\":1e400}}")
                           << 1 << json << 400 << "invalid_json";
    QTest::newRow("deep nesting") << (QByteArray(100000, '[') + QByteArray(100000, ']')) << 1 << json << 400
                                  << "invalid_json";
    QJsonObject many;
    for (int i = 0; i < 65; ++i)
        many.insert(QStringLiteral("f%1").arg(i), i);
    QJsonObject sixtyFive{{QStringLiteral("deviceId"), QStringLiteral("jetson-01")},
                          {QStringLiteral("ts"), formatRfc3339Utc(QDateTime::currentDateTimeUtc())},
                          {QStringLiteral("fields"), many}};
    QTest::newRow("65 fields") << QJsonDocument(sixtyFive).toJson() << 1 << json << 400 << "invalid_point";
    QTest::newRow("string value") << pointJson(QStringLiteral("jetson-01"), 1).replace("\"gpu_temp_c\":1", "\"gpu_temp_c\":\"1\"")
                                  << 1 << json << 400 << "invalid_point";
    QTest::newRow("another device's id") << pointJson(QStringLiteral("jetson-02"), 1) << 1 << json << 403
                                         << "device_mismatch";
    QTest::newRow("clock an hour off") << pointJson(QStringLiteral("jetson-01"), 1, 1,
                                                    QDateTime::currentDateTimeUtc().addSecs(3600))
                                       << 1 << json << 422 << "timestamp_skew";
    QTest::newRow("empty array") << QByteArray("[]") << 1 << json << 400 << "invalid_point";
    QTest::newRow("1001 points") << batchJson(QStringLiteral("jetson-01"), 0, 1001) << 1 << json << 400
                                 << "too_many_points";
}

void tst_TelemetryApi::ingestRefusals()
{
    QFETCH(QByteArray, body);
    QFETCH(int, key);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(QString, code);
    const QByteArray apiKey = key == 0 ? QByteArray() : key == 1 ? m_key1 : QByteArray("not-a-key");
    const HttpResponse response = m_http.send("POST", m_server->url(QStringLiteral("/api/v1/telemetry")), body,
                                              deviceHeaders(apiKey, contentType), kHttpTimeoutMs);
    QCOMPARE(response.status, status);
    QCOMPARE(response.errorCode(), code);
    QVERIFY(!response.json().value(QStringLiteral("message")).toString().isEmpty());
    QVERIFY(response.header("Content-Type").startsWith("application/json"));
    QCOMPARE(historyCount(m_token, QStringLiteral("jetson-01")), 0); // nothing stored
}

void tst_TelemetryApi::exactlyOneMebibyteIsAllowed()
{
    QByteArray body = pointJson(QStringLiteral("jetson-01"), 7);
    body += QByteArray(1048576 - body.size(), ' '); // JSON allows trailing whitespace
    QCOMPARE(body.size(), 1048576);
    HttpResponse response = post(body, m_key1);
    QCOMPARE(response.status, 202);
    body += ' ';
    response = post(body, m_key1);
    QCOMPARE(response.status, 413);
}

void tst_TelemetryApi::acceptedPointsShowInHistory()
{
    HttpResponse response = post(batchJson(QStringLiteral("jetson-01"), 1, 5), m_key1);
    QCOMPARE(response.status, 202);
    QCOMPARE(response.json().value(QStringLiteral("accepted")).toInt(), 5);
    QCOMPARE(response.json().value(QStringLiteral("duplicates")).toInt(), 0);
    const QStringList got = ids(response);
    QCOMPARE(got.size(), 5);
    for (int i = 1; i < got.size(); ++i)
        QVERIFY(got.at(i).toULongLong() > got.at(i - 1).toULongLong());
    response = post(pointJson(QStringLiteral("jetson-01"), std::nullopt, 3, QDateTime::currentDateTimeUtc(),
                              QStringLiteral("power_mw")),
                    m_key1);
    QCOMPARE(response.status, 202);
    QCOMPARE(historyCount(m_token, QStringLiteral("jetson-01")), 6);

    // fields= narrows, limit= keeps the newest and says so.
    const HttpResponse history = m_http.get(
        m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=jetson-01&fields=power_mw&limit=2")),
        bearer(m_token));
    QCOMPARE(history.status, 200);
    const QJsonArray points = history.json().value(QStringLiteral("points")).toArray();
    QCOMPARE(points.size(), 2);
    QVERIFY(history.json().value(QStringLiteral("truncated")).toBool());
    QCOMPARE(points.last().toObject().value(QStringLiteral("fields")).toObject(),
             (QJsonObject{{QStringLiteral("power_mw"), 3}}));
    QVERIFY(!points.last().toObject().contains(QStringLiteral("seq")));
    QVERIFY(parseRfc3339(points.last().toObject().value(QStringLiteral("ts")).toString()).has_value());
}

void tst_TelemetryApi::duplicatesOverHttp()
{
    const HttpResponse first = post(batchJson(QStringLiteral("jetson-01"), 100, 3), m_key1);
    QCOMPARE(first.status, 202);
    const HttpResponse retry = post(batchJson(QStringLiteral("jetson-01"), 100, 3), m_key1);
    QCOMPARE(retry.status, 202);
    QCOMPARE(retry.json().value(QStringLiteral("accepted")).toInt(), 0);
    QCOMPARE(retry.json().value(QStringLiteral("duplicates")).toInt(), 3);
    QCOMPARE(ids(retry), ids(first));
    QCOMPARE(historyCount(m_token, QStringLiteral("jetson-01")), 3);
}

void tst_TelemetryApi::duplicateRepostBurnsNoId()
{
    // Every id handed out on this fresh server is published, also after a
    // re-post of stored points (a duplicate used to take an id it never
    // published: /health lastEventId ran ahead of the published count).
    const Hub *hub = m_server->server()->telemetry()->hub();
    const HttpResponse first = post(pointJson(QStringLiteral("jetson-01"), 1), m_key1);
    QCOMPARE(first.status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(hub->lastIssuedId(), hub->publishedCount(), kHttpTimeoutMs); // + device_status
    for (int i = 0; i < 3; ++i) {
        const HttpResponse retry = post(pointJson(QStringLiteral("jetson-01"), 1), m_key1);
        QCOMPARE(retry.json().value(QStringLiteral("duplicates")).toInt(), 1);
        QCOMPARE(hub->lastIssuedId(), hub->publishedCount());
    }
    const quint64 before = hub->lastIssuedId();
    const HttpResponse next = post(pointJson(QStringLiteral("jetson-01"), 2), m_key1);
    QCOMPARE(next.status, 202);
    QCOMPARE(ids(next), QStringList{QString::number(before + 1)});
    QCOMPARE(hub->lastIssuedId(), hub->publishedCount());
}

void tst_TelemetryApi::historyQueries_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("auth"); // 0 none, 1 alice, 2 garbage token
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("own device") << "deviceId=jetson-01" << 1 << 200 << QString();
    QTest::newRow("no token") << "deviceId=jetson-01" << 0 << 401 << "missing_token";
    QTest::newRow("garbage token") << "deviceId=jetson-01" << 2 << 401 << "invalid_token";
    QTest::newRow("missing deviceId") << "" << 1 << 400 << "invalid_request";
    QTest::newRow("since not RFC 3339") << "deviceId=jetson-01&since=yesterday" << 1 << 400 << "invalid_request";
    QTest::newRow("since without offset") << "deviceId=jetson-01&since=2026-11-22T10:00:00" << 1 << 400
                                          << "invalid_request";
    QTest::newRow("since after until")
        << "deviceId=jetson-01&since=2026-11-22T10:00:00Z&until=2026-11-22T09:00:00Z" << 1 << 400 << "invalid_request";
    QTest::newRow("limit zero") << "deviceId=jetson-01&limit=0" << 1 << 400 << "invalid_request";
    QTest::newRow("limit too high") << "deviceId=jetson-01&limit=100001" << 1 << 400 << "invalid_request";
    QTest::newRow("limit not a number") << "deviceId=jetson-01&limit=ten" << 1 << 400 << "invalid_request";
    QTest::newRow("bad field name") << "deviceId=jetson-01&fields=a%20b" << 1 << 400 << "invalid_request";
    QTest::newRow("unknown parameter") << "deviceId=jetson-01&colour=red" << 1 << 400 << "invalid_request";
    QTest::newRow("repeated parameter") << "deviceId=jetson-01&deviceId=jetson-02" << 1 << 400 << "invalid_request";
    QTest::newRow("device of no account") << "deviceId=nobody" << 1 << 403 << "forbidden";
}

void tst_TelemetryApi::historyQueries()
{
    QFETCH(QString, query);
    QFETCH(int, auth);
    QFETCH(int, status);
    QFETCH(QString, code);
    HttpClient::Headers headers;
    if (auth == 1)
        headers = bearer(m_token);
    else if (auth == 2)
        headers = bearer(QStringLiteral("not.a.jwt"));
    const HttpResponse response
        = m_http.get(m_server->url(QStringLiteral("/api/v1/telemetry/history?") + query), headers);
    QCOMPARE(response.status, status);
    if (status == 200) {
        QVERIFY(response.json().value(QStringLiteral("points")).isArray());
        QVERIFY(response.json().value(QStringLiteral("truncated")).isBool());
    } else {
        QCOMPARE(response.errorCode(), code);
    }
    if (status == 401)
        QVERIFY(response.header("WWW-Authenticate").startsWith("Bearer realm=\"sightline\""));
}

QString tst_TelemetryApi::bucketTime(qint64 offsetMs) const
{
    return formatRfc3339Utc(m_bucketBase.addMSecs(offsetMs));
}

// The points of the bucket tests, once per server: around the start of the
// last whole two minutes (a multiple of both steps of the tests), within the
// allowed clock skew (the last ones may be up to 30 s ahead of the clock).
void tst_TelemetryApi::postBucketPoints()
{
    if (m_bucketServer == m_server.get())
        return;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    m_bucketBase = QDateTime::fromMSecsSinceEpoch(nowMs - nowMs % 120000, Qt::UTC);
    const auto point = [this](qint64 offsetMs, int seq, const QJsonObject &fields) {
        return QJsonObject{{QStringLiteral("deviceId"), QStringLiteral("jetson-01")},
                           {QStringLiteral("ts"), formatRfc3339Utc(m_bucketBase.addMSecs(offsetMs))},
                           {QStringLiteral("seq"), seq},
                           {QStringLiteral("fields"), fields}};
    };
    const QJsonObject p0 = point(-61000, 1, {{QStringLiteral("a"), 10}});
    const QJsonObject p1 = point(-1, 2, {{QStringLiteral("a"), 2}, {QStringLiteral("c"), -1.5}}); // 59.999 s
    const QJsonObject p2 = point(0, 3, {{QStringLiteral("a"), 1}}); // 60.000 s: the next minute
    const QJsonObject p3 = point(10000, 4, {{QStringLiteral("a"), 5}});
    const QJsonObject p4 = point(30000, 5, {{QStringLiteral("a"), 3}, {QStringLiteral("b"), 7}});
    // Two posts with a read between them: the second folds new points into
    // rollup minutes that already exist.
    QCOMPARE(post(QJsonDocument(QJsonArray{p0, p1, p2}).toJson(QJsonDocument::Compact), m_key1).status, 202);
    const HttpResponse between = m_http.get(
        m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=jetson-01&step=60")), bearer(m_token));
    QCOMPARE(between.status, 200);
    QCOMPARE(between.json().value(QStringLiteral("buckets")).toArray().size(), 3);
    QCOMPARE(post(QJsonDocument(QJsonArray{p3, p4}).toJson(QJsonDocument::Compact), m_key1).status, 202);
    // Another device of the account: never in jetson-01's buckets.
    QCOMPARE(post(pointJson(QStringLiteral("jetson-02"), 1, 99, m_bucketBase), m_key2).status, 202);
    m_bucketServer = m_server.get();
}

void tst_TelemetryApi::historyStepRefusals_data()
{
    QTest::addColumn<QString>("step");
    QTest::newRow("zero") << "0";
    QTest::newRow("negative") << "-1";
    QTest::newRow("fraction") << "1.5";
    QTest::newRow("more than a day") << "86401";
    QTest::newRow("not a number") << "abc";
    QTest::newRow("empty") << "";
    QTest::newRow("with a plus sign") << "%2B60";
    QTest::newRow("with a space") << "%2060";
    QTest::newRow("beyond int") << "99999999999";
}

void tst_TelemetryApi::historyStepRefusals()
{
    QFETCH(QString, step);
    const HttpResponse response = m_http.get(
        m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=jetson-01&step=") + step), bearer(m_token));
    QCOMPARE(response.status, 400);
    QCOMPARE(response.errorCode(), QStringLiteral("invalid_request"));
    const QString message = response.json().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QLatin1String("\"step\"")), qPrintable(message));
}

void tst_TelemetryApi::historyBuckets_data()
{
    QTest::addColumn<qint64>("sinceMs"); // offsets from the base minute
    QTest::addColumn<qint64>("untilMs");
    QTest::addColumn<QString>("extra"); // more query parameters
    QTest::addColumn<QJsonArray>("buckets"); // "ts" as an offset
    QTest::addColumn<bool>("truncated");

    using O = QJsonObject;
    const QString a = QStringLiteral("a");
    const QJsonObject minuteBefore = bucketJson(-120000, 1, O{{a, 10}});
    const QJsonObject lastSecond = bucketJson(-60000, 1, O{{a, 2}, {QStringLiteral("c"), -1.5}});
    const QJsonObject baseMinute = bucketJson(0, 3, O{{a, 1}, {QStringLiteral("b"), 7}}, O{{a, 5}, {QStringLiteral("b"), 7}},
                                              O{{a, 3}, {QStringLiteral("b"), 7}}, O{{a, 3}, {QStringLiteral("b"), 7}});
    const QJsonArray all{minuteBefore, lastSecond, baseMinute};

    QTest::newRow("whole minutes: 59.999 s and 60.000 s in different buckets")
        << qint64(-120000) << qint64(60000) << "step=60" << all << false;
    QTest::newRow("partial minutes at both ends") << qint64(-65000) << qint64(45000) << "step=60" << all << false;
    QTest::newRow("since inclusive") << qint64(0) << qint64(60000) << "step=60" << QJsonArray{baseMinute} << false;
    QTest::newRow("since cuts the first point off") << qint64(-60999) << qint64(60000) << "step=60"
                                                    << QJsonArray{lastSecond, baseMinute} << false;
    QTest::newRow("until exclusive")
        << qint64(-120000) << qint64(30000) << "step=60"
        << QJsonArray{minuteBefore, lastSecond, bucketJson(0, 2, O{{a, 1}}, O{{a, 5}}, O{{a, 3}}, O{{a, 5}})} << false;
    QTest::newRow("two-minute buckets")
        << qint64(-180000) << qint64(60000) << "step=120"
        << QJsonArray{bucketJson(-120000, 2, O{{a, 2}, {QStringLiteral("c"), -1.5}}, O{{a, 10}, {QStringLiteral("c"), -1.5}},
                                 O{{a, 6}, {QStringLiteral("c"), -1.5}}, O{{a, 2}, {QStringLiteral("c"), -1.5}}),
                      baseMinute}
        << false;
    QTest::newRow("30 s buckets from the points")
        << qint64(-120000) << qint64(60000) << "step=30"
        << QJsonArray{bucketJson(-90000, 1, O{{a, 10}}), bucketJson(-30000, 1, O{{a, 2}, {QStringLiteral("c"), -1.5}}),
                      bucketJson(0, 2, O{{a, 1}}, O{{a, 5}}, O{{a, 3}}, O{{a, 5}}),
                      bucketJson(30000, 1, O{{a, 3}, {QStringLiteral("b"), 7}})}
        << false;
    QTest::newRow("fields filter: a field of one point")
        << qint64(-120000) << qint64(60000) << "step=60&fields=b"
        << QJsonArray{bucketJson(-120000, 1, O{}), bucketJson(-60000, 1, O{}), bucketJson(0, 3, O{{QStringLiteral("b"), 7}})}
        << false;
    QTest::newRow("fields filter: two fields")
        << qint64(-120000) << qint64(60000) << "step=60&fields=c,a"
        << QJsonArray{minuteBefore, lastSecond, bucketJson(0, 3, O{{a, 1}}, O{{a, 5}}, O{{a, 3}}, O{{a, 3}})} << false;
    QTest::newRow("limit counts buckets, the newest kept")
        << qint64(-120000) << qint64(60000) << "step=60&limit=2" << QJsonArray{lastSecond, baseMinute} << true;
    QTest::newRow("limit equal to the buckets") << qint64(-120000) << qint64(60000) << "step=60&limit=3" << all << false;
    QTest::newRow("limit one from the points")
        << qint64(-120000) << qint64(60000) << "step=30&limit=1"
        << QJsonArray{bucketJson(30000, 1, O{{a, 3}, {QStringLiteral("b"), 7}})} << true;
    QTest::newRow("range without points") << qint64(-600000) << qint64(-300000) << "step=60" << QJsonArray{} << false;
    QTest::newRow("empty range") << qint64(0) << qint64(0) << "step=60" << QJsonArray{} << false;
}

void tst_TelemetryApi::historyBuckets()
{
    QFETCH(qint64, sinceMs);
    QFETCH(qint64, untilMs);
    QFETCH(QString, extra);
    QFETCH(QJsonArray, buckets);
    QFETCH(bool, truncated);
    postBucketPoints();
    if (QTest::currentTestFailed())
        return;
    const auto encoded = [](const QString &time) { return QString::fromLatin1(QUrl::toPercentEncoding(time)); };
    const HttpResponse response = m_http.get(
        m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=jetson-01&since=%1&until=%2&")
                          .arg(encoded(bucketTime(sinceMs)), encoded(bucketTime(untilMs)))
                      + extra),
        bearer(m_token));
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("Content-Type").startsWith("application/json"));
    const QJsonObject body = response.json();
    QVERIFY2(!body.isEmpty(), response.body.constData());
    QJsonArray expected;
    for (const QJsonValue &bucket : std::as_const(buckets)) {
        QJsonObject object = bucket.toObject();
        object.insert(QStringLiteral("ts"), bucketTime(qint64(object.value(QStringLiteral("ts")).toDouble())));
        expected.append(object);
    }
    const int step = extra.section(QStringLiteral("step="), 1).section(QLatin1Char('&'), 0, 0).toInt();
    QCOMPARE(body.value(QStringLiteral("buckets")).toArray(), expected);
    QCOMPARE(body.value(QStringLiteral("step")).toInt(), step);
    QCOMPARE(body.value(QStringLiteral("truncated")).toBool(), truncated);
    QCOMPARE(body.keys(), (QStringList{QStringLiteral("buckets"), QStringLiteral("step"), QStringLiteral("truncated")}));
    // Bucket starts are multiples of the step since the epoch.
    for (const QJsonValue &bucket : body.value(QStringLiteral("buckets")).toArray()) {
        const auto start = parseRfc3339(bucket.toObject().value(QStringLiteral("ts")).toString());
        QVERIFY(start);
        QCOMPARE(start->toMSecsSinceEpoch() % (qint64(step) * 1000), 0);
    }
}

void tst_TelemetryApi::bucketsOfADay()
{
    postBucketPoints();
    if (QTest::currentTestFailed())
        return;
    // The last hour in buckets of a day: the points may straddle midnight
    // UTC, so one or two buckets, each at a midnight.
    const HttpResponse response = m_http.get(
        m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=jetson-01&step=86400&until=")
                      + QString::fromLatin1(QUrl::toPercentEncoding(bucketTime(600000)))),
        bearer(m_token));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("step")).toInt(), 86400);
    const QJsonArray buckets = response.json().value(QStringLiteral("buckets")).toArray();
    QVERIFY(!buckets.isEmpty() && buckets.size() <= 2);
    int count = 0;
    for (const QJsonValue &bucket : buckets) {
        const auto start = parseRfc3339(bucket.toObject().value(QStringLiteral("ts")).toString());
        QVERIFY(start);
        QCOMPARE(start->time(), QTime(0, 0));
        count += bucket.toObject().value(QStringLiteral("count")).toInt();
    }
    QCOMPARE(count, 5);
}

void tst_TelemetryApi::bucketsOfAnotherAccount()
{
    postBucketPoints();
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 1, 42, m_bucketBase), m_otherKey).status, 202);
    const QString gary = m_server->signIn(QStringLiteral("gary"), kPassword);
    QVERIFY(!gary.isEmpty());
    // As for points: a device of another account is 403, not an empty list ...
    const HttpResponse refused = m_http.get(
        m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=jetson-02&step=60")), bearer(gary));
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.errorCode(), QStringLiteral("forbidden"));
    // ... and the same device id in gary's account has only gary's point.
    const HttpResponse own = m_http.get(
        m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=jetson-01&step=60")), bearer(gary));
    QCOMPARE(own.status, 200);
    const QJsonArray buckets = own.json().value(QStringLiteral("buckets")).toArray();
    QCOMPARE(buckets.size(), 1);
    QCOMPARE(buckets.first().toObject().value(QStringLiteral("count")).toInt(), 1);
    QCOMPARE(buckets.first().toObject().value(QStringLiteral("last")).toObject(),
             (QJsonObject{{QStringLiteral("gpu_temp_c"), 42}}));
    // A token without the device's site: 403 too.
    const QString roofer = m_server->signIn(QStringLiteral("roofer"), kPassword);
    QCOMPARE(m_http.get(m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=jetson-01&step=60")),
                        bearer(roofer)).status,
             403);
}

void tst_TelemetryApi::accountsNeverSeeEachOther()
{
    // Both accounts have a "jetson-01"; each sees only its own.
    QCOMPARE(post(batchJson(QStringLiteral("jetson-01"), 1, 4), m_key1).status, 202);
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 1, 99), m_otherKey).status, 202);
    const QString gary = m_server->signIn(QStringLiteral("gary"), kPassword);
    QVERIFY(!gary.isEmpty());
    QCOMPARE(historyCount(m_token, QStringLiteral("jetson-01")), 4);
    QCOMPARE(historyCount(gary, QStringLiteral("jetson-01")), 1);
    // gary cannot name acme's other device.
    QCOMPARE(historyCount(gary, QStringLiteral("jetson-02")), -403);

    const HttpResponse devices = m_http.get(m_server->url(QStringLiteral("/api/v1/devices")), bearer(gary));
    QCOMPARE(devices.status, 200);
    const QJsonArray list = devices.json().value(QStringLiteral("devices")).toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.first().toObject().value(QStringLiteral("siteId")).toString(), QStringLiteral("lab"));

    // acme's alert is not in globex's list.
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 50, 95), m_key1).status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_http.get(m_server->url(QStringLiteral("/api/v1/alerts")), bearer(m_token)).json().value(QStringLiteral("alerts")).toArray().isEmpty(),
        kHttpTimeoutMs);
    const HttpResponse alerts = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts")), bearer(gary));
    QCOMPARE(alerts.status, 200);
    // globex's own point (99) fired its own alert; acme's must not show.
    for (const QJsonValue &alert : alerts.json().value(QStringLiteral("alerts")).toArray())
        QCOMPARE(alert.toObject().value(QStringLiteral("value")).toDouble(), 99.0);
}

void tst_TelemetryApi::siteLimitedUser()
{
    const QString roofer = m_server->signIn(QStringLiteral("roofer"), kPassword);
    QVERIFY(!roofer.isEmpty());
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 1, 95), m_key1).status, 202);
    QCOMPARE(post(pointJson(QStringLiteral("jetson-02"), 1, 96), m_key2).status, 202);
    QCOMPARE(historyCount(roofer, QStringLiteral("jetson-02")), 1);
    QCOMPARE(historyCount(roofer, QStringLiteral("jetson-01")), -403); // site lab is outside the token
    const HttpResponse devices = m_http.get(m_server->url(QStringLiteral("/api/v1/devices")), bearer(roofer));
    const QJsonArray list = devices.json().value(QStringLiteral("devices")).toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.first().toObject().value(QStringLiteral("deviceId")).toString(), QStringLiteral("jetson-02"));
    QJsonArray alerts;
    QTRY_VERIFY_WITH_TIMEOUT(
        !(alerts = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts")), bearer(roofer)).json().value(QStringLiteral("alerts")).toArray()).isEmpty(),
        kHttpTimeoutMs);
    for (const QJsonValue &alert : alerts)
        QCOMPARE(alert.toObject().value(QStringLiteral("deviceId")).toString(), QStringLiteral("jetson-02"));
}

void tst_TelemetryApi::alertsEndpoint()
{
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 1, 90), m_key1).status, 202);
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 2, 91), m_key1).status, 202); // still firing: no event
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 3, 70), m_key1).status, 202);
    QJsonArray alerts;
    QTRY_COMPARE_WITH_TIMEOUT(
        (alerts = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts")), bearer(m_token)).json().value(QStringLiteral("alerts")).toArray()).size(),
        2, kHttpTimeoutMs);
    const QJsonObject firing = alerts.at(0).toObject();
    QCOMPARE(firing.value(QStringLiteral("state")).toString(), QStringLiteral("firing"));
    QCOMPARE(firing.value(QStringLiteral("ruleId")).toString(), QStringLiteral("gpu-hot"));
    QCOMPARE(firing.value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
    QCOMPARE(firing.value(QStringLiteral("value")).toDouble(), 90.0);
    QCOMPARE(firing.value(QStringLiteral("threshold")).toDouble(), 85.0);
    QVERIFY(firing.value(QStringLiteral("id")).isString());
    QVERIFY(parseRfc3339(firing.value(QStringLiteral("ts")).toString()).has_value());
    QCOMPARE(alerts.at(1).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("resolved"));

    HttpResponse response = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts")), bearer(m_token));
    QCOMPARE(response.json().value(QStringLiteral("truncated")), QJsonValue(false));
    response = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts?state=resolved")), bearer(m_token));
    QCOMPARE(response.json().value(QStringLiteral("alerts")).toArray().size(), 1);
    response = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts?since=2099-01-01T00:00:00Z")), bearer(m_token));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("alerts")).toArray().size(), 0);
    response = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts?state=burning")), bearer(m_token));
    QCOMPARE(response.status, 400);
    QCOMPARE(response.errorCode(), QStringLiteral("invalid_request"));
    response = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts?since=soon")), bearer(m_token));
    QCOMPARE(response.status, 400);
    response = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts")));
    QCOMPARE(response.status, 401);
}

void tst_TelemetryApi::alertsKeepTheNewest()
{
    // More alerts than one answer holds (10,000): written straight to
    // storage, the way the alert engine stores them.
    constexpr int kMaxAlerts = 10000;
    constexpr int kExtra = 5;
    TelemetryApi *telemetry = m_server->server()->telemetry();
    const DeviceRecord device{QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-01")};
    WriteBatch batch;
    for (int i = 0; i < kMaxAlerts + kExtra; ++i) {
        batch.events.append(telemetry->hub()->prepareEvent(
            device, QStringLiteral("alert"),
            QJsonObject{{QStringLiteral("deviceId"), device.deviceId},
                        {QStringLiteral("ruleId"), QStringLiteral("gpu-hot")},
                        {QStringLiteral("state"), i % 2 ? QStringLiteral("resolved") : QStringLiteral("firing")},
                        {QStringLiteral("value"), i}}));
    }
    bool written = false;
    telemetry->storage()->write(batch, [&written](const WriteResult &result) { written = result.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(written, kHttpTimeoutMs);

    const HttpResponse response = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts")), bearer(m_token));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("truncated")), QJsonValue(true));
    const QJsonArray alerts = response.json().value(QStringLiteral("alerts")).toArray();
    QCOMPARE(alerts.size(), kMaxAlerts);
    // The oldest kExtra were left out; the rest come oldest first.
    QCOMPARE(alerts.first().toObject().value(QStringLiteral("value")).toInt(), kExtra);
    QCOMPARE(alerts.last().toObject().value(QStringLiteral("value")).toInt(), kMaxAlerts + kExtra - 1);
    for (qsizetype i = 1; i < alerts.size(); ++i) {
        QVERIFY(alerts.at(i - 1).toObject().value(QStringLiteral("id")).toString().toULongLong()
                < alerts.at(i).toObject().value(QStringLiteral("id")).toString().toULongLong());
    }
    // `state` filters before the limit: every firing alert fits in one answer.
    const HttpResponse firing = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts?state=firing")), bearer(m_token));
    QCOMPARE(firing.status, 200);
    QCOMPARE(firing.json().value(QStringLiteral("truncated")), QJsonValue(false));
    const QJsonArray firingAlerts = firing.json().value(QStringLiteral("alerts")).toArray();
    QCOMPARE(firingAlerts.size(), (kMaxAlerts + kExtra + 1) / 2);
    QCOMPARE(firingAlerts.first().toObject().value(QStringLiteral("value")).toInt(), 0);
    for (const QJsonValue &alert : firingAlerts)
        QCOMPARE(alert.toObject().value(QStringLiteral("state")).toString(), QStringLiteral("firing"));
}

void tst_TelemetryApi::devicesEndpoint()
{
    HttpResponse response = m_http.get(m_server->url(QStringLiteral("/api/v1/devices")), bearer(m_token));
    QCOMPARE(response.status, 200);
    QJsonArray list = response.json().value(QStringLiteral("devices")).toArray();
    QCOMPARE(list.size(), 2);
    for (const QJsonValue &device : list) {
        QCOMPARE(device.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
        QVERIFY(device.toObject().value(QStringLiteral("lastSeen")).isNull());
        QCOMPARE(device.toObject().value(QStringLiteral("fields")).toArray().size(), 0);
    }
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 1, 40), m_key1).status, 202);
    response = m_http.get(m_server->url(QStringLiteral("/api/v1/devices")), bearer(m_token));
    list = response.json().value(QStringLiteral("devices")).toArray();
    bool found = false;
    for (const QJsonValue &value : list) {
        const QJsonObject device = value.toObject();
        if (device.value(QStringLiteral("deviceId")).toString() != u"jetson-01")
            continue;
        found = true;
        QCOMPARE(device.value(QStringLiteral("siteId")).toString(), QStringLiteral("lab"));
        QCOMPARE(device.value(QStringLiteral("status")).toString(), QStringLiteral("online"));
        QVERIFY(parseRfc3339(device.value(QStringLiteral("lastSeen")).toString()).has_value());
        QCOMPARE(device.value(QStringLiteral("fields")).toArray(), QJsonArray{QStringLiteral("gpu_temp_c")});
    }
    QVERIFY(found);
    response = m_http.get(m_server->url(QStringLiteral("/api/v1/devices?x=1")), bearer(m_token));
    QCOMPARE(response.status, 400);
    response = m_http.get(m_server->url(QStringLiteral("/api/v1/devices")));
    QCOMPARE(response.status, 401);
}

void tst_TelemetryApi::storageDownIs503()
{
    auto *storage = qobject_cast<SqliteStorage *>(m_server->server()->telemetry()->storage());
    QVERIFY(storage);
    storage->dropConnectionForTest();
    const HttpResponse response = post(batchJson(QStringLiteral("jetson-01"), 1, 3), m_key1);
    QCOMPARE(response.status, 503);
    QCOMPARE(response.errorCode(), QStringLiteral("storage_unavailable"));
    QVERIFY(!response.json().contains(QStringLiteral("ids")));
    const HttpResponse health = m_http.get(m_server->url(QStringLiteral("/health")));
    QCOMPARE(health.status, 503);
    QVERIFY(!m_server->server()->telemetry()->isHealthy());
}

void tst_TelemetryApi::metricsText()
{
    QCOMPARE(post(batchJson(QStringLiteral("jetson-01"), 1, 3), m_key1).status, 202);
    QCOMPARE(post(batchJson(QStringLiteral("jetson-01"), 1, 3), m_key1).status, 202);
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 9), QByteArray("nope")).status, 401);
    const HttpResponse response = m_http.get(m_server->url(QStringLiteral("/metrics")));
    QCOMPARE(response.status, 200);
    const QByteArray text = response.body;
    QVERIFY2(text.contains("sightline_ingest_points_total{result=\"accepted\"} 3\n"), text.constData());
    QVERIFY(text.contains("sightline_ingest_points_total{result=\"duplicate\"} 3\n"));
    QVERIFY(text.contains("sightline_ingest_rejected_total{reason=\"invalid_api_key\"} 1\n"));
    QVERIFY(text.contains("sightline_events_published_total "));
    QVERIFY(text.contains("sightline_storage_write_seconds_count "));
    QVERIFY(text.contains("sightline_storage_write_seconds_bucket{le=\"+Inf\"} "));
    QVERIFY(text.contains("# TYPE sightline_ingest_pending_requests gauge\nsightline_ingest_pending_requests 0\n"));
}

void tst_TelemetryApi::keepAliveConnectionGetsEachAnswer()
{
    // One connection, requests one after another, each answered later by
    // the storage thread: every answer arrives, on the same connection.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(kHttpTimeoutMs));
    for (int i = 0; i < 5; ++i) {
        socket.write(rawPost(m_key1, pointJson(QStringLiteral("jetson-01"), 500 + i)));
        const QList<QByteArray> answers = readResponses(socket, 1, kHttpTimeoutMs);
        QCOMPARE(answers.size(), 1);
        QVERIFY2(answers.first().startsWith("HTTP/1.1 202"), answers.first().constData());
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    }
    QCOMPARE(historyCount(m_token, QStringLiteral("jetson-01")), 5);
}

void tst_TelemetryApi::clientLeavingBeforeTheAnswer()
{
    // The client sends a point and leaves before the storage answered: the
    // server must not write to the dead socket, and the point is still kept.
    for (int i = 0; i < 20; ++i) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(kHttpTimeoutMs));
        socket.write(rawPost(m_key1, batchJson(QStringLiteral("jetson-01"), 1000 + i * 100, 100)));
        QVERIFY(socket.waitForBytesWritten(kHttpTimeoutMs));
        socket.abort();
    }
    // Every request that reached the server is stored; the server still answers.
    QTRY_COMPARE_WITH_TIMEOUT(historyCount(m_token, QStringLiteral("jetson-01")), 2000, kHttpTimeoutMs);
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 1), m_key1).status, 202);
}

void tst_TelemetryApi::pipelinedRequestsAnsweredInOrder()
{
    // Three requests in one write: a big batch (slow to store), a single
    // point, and a refusal that is ready first. Answers come in request order.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(socket.waitForConnected(kHttpTimeoutMs));
    socket.write(rawPost(m_key1, batchJson(QStringLiteral("jetson-01"), 0, 1000))
                 + rawPost(m_key1, pointJson(QStringLiteral("jetson-01"), 5000))
                 + rawPost(m_key1, QByteArray("{\"deviceId\": ")));
    const QList<QByteArray> responses = readResponses(socket, 3, kHttpTimeoutMs);
    QCOMPARE(responses.size(), 3);
    QVERIFY2(responses.at(0).startsWith("HTTP/1.1 202"), responses.at(0).left(200).constData());
    QVERIFY(responses.at(0).contains("\"accepted\":1000"));
    QVERIFY2(responses.at(1).startsWith("HTTP/1.1 202"), responses.at(1).constData());
    QVERIFY(responses.at(1).contains("\"accepted\":1,"));
    QVERIFY2(responses.at(2).startsWith("HTTP/1.1 400"), responses.at(2).constData());
    QVERIFY(responses.at(2).contains("invalid_json"));
}

void tst_TelemetryApi::fiftyConcurrentClientsLoseNothing()
{
    // 50 clients (each its own connection manager), each posting 10 batches
    // of 10 points one after another, all at the same time.
    constexpr int kClients = 50;
    constexpr int kRequests = 10;
    constexpr int kPoints = 10;
    std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
    QList<QString> allIds;
    int answered = 0;
    int accepted = 0;
    std::function<void(int, int)> send = [&](int client, int request) {
        QNetworkRequest networkRequest(m_server->url(QStringLiteral("/api/v1/telemetry")));
        networkRequest.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        networkRequest.setRawHeader("x-api-key", client % 2 ? m_key1 : m_key2);
        const QString device = client % 2 ? QStringLiteral("jetson-01") : QStringLiteral("jetson-02");
        QNetworkReply *reply = managers[client]->post(
            networkRequest, batchJson(device, (client * kRequests + request) * kPoints, kPoints));
        QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, client, request] {
            reply->deleteLater();
            ++answered;
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 202) {
                ++accepted;
                for (const QJsonValue &id : QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("ids")).toArray())
                    allIds.append(id.toString());
            }
            if (request + 1 < kRequests)
                send(client, request + 1);
        });
    };
    for (int client = 0; client < kClients; ++client) {
        managers.push_back(std::make_unique<QNetworkAccessManager>());
        send(client, 0);
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, kClients * kRequests, 120000);
    QCOMPARE(accepted, kClients * kRequests);
    QCOMPARE(allIds.size(), kClients * kRequests * kPoints);
    QCOMPARE(QSet<QString>(allIds.begin(), allIds.end()).size(), allIds.size()); // every id distinct
    QCOMPARE(historyCount(m_token, QStringLiteral("jetson-01")) + historyCount(m_token, QStringLiteral("jetson-02")),
             kClients * kRequests * kPoints);
}

void tst_TelemetryApi::restartKeepsEverythingAcknowledged()
{
    const HttpResponse before = post(batchJson(QStringLiteral("jetson-01"), 1, 50), m_key1);
    QCOMPARE(before.status, 202);
    const quint64 lastBefore = ids(before).last().toULongLong();
    QVERIFY2(m_server->restart(), qPrintable(m_server->errorString()));
    QCOMPARE(historyCount(m_token, QStringLiteral("jetson-01")), 50); // tokens survive restarts too
    // Ids continue above everything issued before the restart.
    const HttpResponse after = post(batchJson(QStringLiteral("jetson-01"), 1000, 2), m_key1);
    QCOMPARE(after.status, 202);
    QVERIFY(ids(after).first().toULongLong() > lastBefore);
    // A retry of a point stored before the restart is still a duplicate.
    const HttpResponse retry = post(batchJson(QStringLiteral("jetson-01"), 1, 1), m_key1);
    QCOMPARE(retry.json().value(QStringLiteral("duplicates")).toInt(), 1);
    QCOMPARE(ids(retry).first(), ids(before).first());
    // The device list remembers the device (offline until it posts again).
    const HttpResponse devices = m_http.get(m_server->url(QStringLiteral("/api/v1/devices")), bearer(m_token));
    bool seen = false;
    for (const QJsonValue &device : devices.json().value(QStringLiteral("devices")).toArray())
        seen = seen || !device.toObject().value(QStringLiteral("lastSeen")).isNull();
    QVERIFY(seen);
}

void tst_TelemetryApi::shutdownKeepsWhatWasAcknowledged()
{
    // Requests in flight while the server shuts down gracefully: whatever
    // got a 202 is on disk after the restart (some requests may get no
    // answer at all; a device retries those, and seq makes the retry safe).
    constexpr int kRequests = 40;
    // Large batches keep the storage busy long enough that requests are
    // surely waiting for it when the server stops.
    constexpr int kPoints = 1000;
    QNetworkAccessManager manager;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < kRequests; ++i) {
        QNetworkRequest request(m_server->url(QStringLiteral("/api/v1/telemetry")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("x-api-key", m_key1);
        replies.append(manager.post(request, batchJson(QStringLiteral("jetson-01"), i * kPoints, kPoints)));
    }
    // Let the first requests reach the server, then stop it under them.
    QVERIFY(QTest::qWaitFor([this] { return m_server->server()->telemetry()->ingestService()->pendingCount() > 0; },
                            kHttpTimeoutMs));
    m_server->stop();
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.begin(), replies.end(), [](QNetworkReply *r) { return r->isFinished(); }),
                             kHttpTimeoutMs);
    QSet<QString> acknowledged;
    for (QNetworkReply *reply : std::as_const(replies)) {
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 202) {
            for (const QJsonValue &id : QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("ids")).toArray())
                acknowledged.insert(id.toString());
        }
        reply->deleteLater();
    }
    // The requests the server held when it stopped were answered.
    QVERIFY(!acknowledged.isEmpty());
    QVERIFY2(m_server->restart(), qPrintable(m_server->errorString()));
    std::optional<EventPage> page;
    EventQuery query;
    query.accountId = QStringLiteral("acme");
    query.limit = 100000;
    m_server->server()->telemetry()->hub()->readEvents(query, [&page](const EventPage &p) { page = p; });
    QVERIFY(QTest::qWaitFor([&page] { return page.has_value(); }, kHttpTimeoutMs));
    QSet<QString> logged;
    for (const StoredEvent &event : page->events)
        logged.insert(event.idString());
    QVERIFY(logged.contains(acknowledged));
    qInfo() << acknowledged.size() << "points acknowledged," << logged.size() << "stored across the shutdown";
    // Retrying everything now stores only what was lost, never twice.
    for (int i = 0; i < kRequests; ++i)
        QCOMPARE(post(batchJson(QStringLiteral("jetson-01"), i * kPoints, kPoints), m_key1).status, 202);
    QCOMPARE(historyCount(m_token, QStringLiteral("jetson-01")), kRequests * kPoints);
}

void tst_TelemetryApi::deviceGoesOfflineAfterSilence()
{
    m_server->config().offlineAfterSeconds = 1;
    QVERIFY2(m_server->restart(), qPrintable(m_server->errorString()));
    QSignalSpy published(m_server->server()->telemetry()->hub(), &Hub::eventPublished);
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 1), m_key1).status, 202);
    auto statusOf = [this](const QString &deviceId) {
        const HttpResponse response = m_http.get(m_server->url(QStringLiteral("/api/v1/devices")), bearer(m_token));
        for (const QJsonValue &device : response.json().value(QStringLiteral("devices")).toArray()) {
            if (device.toObject().value(QStringLiteral("deviceId")).toString() == deviceId)
                return device.toObject().value(QStringLiteral("status")).toString();
        }
        return QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("jetson-01")), QStringLiteral("offline"), kHttpTimeoutMs);
    QStringList statuses;
    for (const QList<QVariant> &args : std::as_const(published)) {
        const StoredEvent event = args.first().value<StoredEvent>();
        if (event.type == u"device_status")
            statuses.append(event.data.value(QStringLiteral("status")).toString());
    }
    QCOMPARE(statuses, (QStringList{QStringLiteral("online"), QStringLiteral("offline")}));
}

void tst_TelemetryApi::firingAlertSurvivesRestart()
{
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 1, 95), m_key1).status, 202);
    auto alertStates = [this] {
        QStringList states;
        const HttpResponse response = m_http.get(m_server->url(QStringLiteral("/api/v1/alerts")), bearer(m_token));
        for (const QJsonValue &alert : response.json().value(QStringLiteral("alerts")).toArray())
            states.append(alert.toObject().value(QStringLiteral("state")).toString());
        return states;
    };
    QTRY_COMPARE_WITH_TIMEOUT(alertStates(), QStringList{QStringLiteral("firing")}, kHttpTimeoutMs);
    QVERIFY2(m_server->restart(), qPrintable(m_server->errorString()));
    // Still hot after the restart: no second "firing"; then it cools down.
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 2, 96), m_key1).status, 202);
    QCOMPARE(post(pointJson(QStringLiteral("jetson-01"), 3, 60), m_key1).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(alertStates(), (QStringList{QStringLiteral("firing"), QStringLiteral("resolved")}),
                              kHttpTimeoutMs);
}

QTEST_GUILESS_MAIN(tst_TelemetryApi)
#include "tst_telemetryapi.moc"
