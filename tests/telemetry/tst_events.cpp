#include "telemetry/events.h"

#include <QJsonDocument>
#include <QTest>

using namespace Sightline;

class tst_Events : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void timestamps_data();
    void timestamps();
    void envelope_data();
    void envelope();
    void telemetryPoint_data();
    void telemetryPoint();
    void alert_data();
    void alert();
    void deviceStatus_data();
    void deviceStatus();
    void systemEvent_data();
    void systemEvent();
    void roundTrip();
    void historyPage_data();
    void historyPage();
    void historyBucketPage_data();
    void historyBucketPage();
    void deviceList();
};

namespace {

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

void tst_Events::timestamps_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("expected"); // -1 = error
    QTest::newRow("utc with ms") << QStringLiteral("2026-11-22T10:00:00.123Z") << qint64(1795341600123);
    QTest::newRow("utc without fraction") << QStringLiteral("2026-11-22T10:00:00Z") << qint64(1795341600000);
    QTest::newRow("positive offset") << QStringLiteral("2026-11-22T11:00:00.123+01:00") << qint64(1795341600123);
    QTest::newRow("microseconds cut to ms") << QStringLiteral("2026-11-22T10:00:00.123456Z") << qint64(1795341600123);
    QTest::newRow("lower case z") << QStringLiteral("2026-11-22t10:00:00z") << qint64(1795341600000);
    QTest::newRow("no offset") << QStringLiteral("2026-11-22T10:00:00") << qint64(-1);
    QTest::newRow("date only") << QStringLiteral("2026-11-22") << qint64(-1);
    QTest::newRow("month 13") << QStringLiteral("2026-13-22T10:00:00Z") << qint64(-1);
    QTest::newRow("garbage") << QStringLiteral("yesterday") << qint64(-1);
}

void tst_Events::timestamps()
{
    QFETCH(QString, text);
    QFETCH(qint64, expected);
    const ParseResult<qint64> ts = parseTimestamp(text);
    QCOMPARE(ts.isOk(), expected >= 0);
    if (expected >= 0) {
        QCOMPARE(ts.value(), expected);
        QCOMPARE(parseTimestamp(formatTimestamp(ts.value())).value(), expected);
    } else {
        QVERIFY(ts.error().contains(text));
    }
}

void tst_Events::envelope_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error"); // empty = valid; else a word the error must contain
    QTest::newRow("telemetry")
            << QByteArray(R"({"id":"12","ts":"2026-11-22T10:00:00.200Z","topic":"account:a/site:s/device:d","type":"telemetry","data":{"deviceId":"d","ts":"2026-11-22T10:00:00.123Z","fields":{"x":1}}})")
            << QString();
    QTest::newRow("system with null id and topic")
            << QByteArray(R"({"id":null,"ts":"2026-11-22T10:00:00.200Z","topic":null,"type":"system","data":{"kind":"notice","message":"hi"}})")
            << QString();
    QTest::newRow("not json") << QByteArray("{nope") << QStringLiteral("JSON");
    QTest::newRow("array") << QByteArray("[1]") << QStringLiteral("object");
    QTest::newRow("unknown type")
            << QByteArray(R"({"id":"1","ts":"2026-11-22T10:00:00Z","topic":"t","type":"weather","data":{}})")
            << QStringLiteral("weather");
    QTest::newRow("telemetry without id")
            << QByteArray(R"({"id":null,"ts":"2026-11-22T10:00:00Z","topic":"t","type":"telemetry","data":{}})")
            << QStringLiteral("\"id\"");
    QTest::newRow("bad ts")
            << QByteArray(R"({"id":"1","ts":"noon","topic":"t","type":"alert","data":{}})")
            << QStringLiteral("\"ts\"");
    QTest::newRow("data not an object")
            << QByteArray(R"({"id":"1","ts":"2026-11-22T10:00:00Z","topic":"t","type":"alert","data":"x"})")
            << QStringLiteral("\"data\"");
}

void tst_Events::envelope()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const ParseResult<EventEnvelope> envelope = EventEnvelope::fromJson(json);
    QCOMPARE(envelope.isOk(), error.isEmpty());
    if (!error.isEmpty())
        QVERIFY2(envelope.error().contains(error), qPrintable(envelope.error()));
}

void tst_Events::telemetryPoint_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<int>("fieldCount");
    QTest::newRow("with seq") << QByteArray(R"({"deviceId":"d","ts":"2026-11-22T10:00:00Z","seq":812,"fields":{"a":1,"b":2.5}})") << QString() << qint64(812) << 2;
    QTest::newRow("without seq") << QByteArray(R"({"deviceId":"d","ts":"2026-11-22T10:00:00Z","fields":{"a":1}})") << QString() << qint64(-1) << 1;
    QTest::newRow("history point without deviceId") << QByteArray(R"({"ts":"2026-11-22T10:00:00Z","fields":{"a":1}})") << QString() << qint64(-1) << 1;
    QTest::newRow("negative seq") << QByteArray(R"({"deviceId":"d","ts":"2026-11-22T10:00:00Z","seq":-1,"fields":{"a":1}})") << QStringLiteral("seq") << qint64(-1) << 0;
    QTest::newRow("fractional seq") << QByteArray(R"({"deviceId":"d","ts":"2026-11-22T10:00:00Z","seq":1.5,"fields":{"a":1}})") << QStringLiteral("seq") << qint64(-1) << 0;
    QTest::newRow("string field value") << QByteArray(R"({"deviceId":"d","ts":"2026-11-22T10:00:00Z","fields":{"a":"1"}})") << QStringLiteral("\"a\"") << qint64(-1) << 0;
    QTest::newRow("no fields") << QByteArray(R"({"deviceId":"d","ts":"2026-11-22T10:00:00Z","fields":{}})") << QStringLiteral("fields") << qint64(-1) << 0;
    QTest::newRow("missing ts") << QByteArray(R"({"deviceId":"d","fields":{"a":1}})") << QStringLiteral("\"ts\"") << qint64(-1) << 0;
    QTest::newRow("empty deviceId") << QByteArray(R"({"deviceId":"","ts":"2026-11-22T10:00:00Z","fields":{"a":1}})") << QStringLiteral("deviceId") << qint64(-1) << 0;
}

void tst_Events::telemetryPoint()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QFETCH(qint64, seq);
    QFETCH(int, fieldCount);
    const ParseResult<TelemetryData> point = TelemetryData::fromJson(QJsonDocument::fromJson(json).object());
    QCOMPARE(point.isOk(), error.isEmpty());
    if (!error.isEmpty()) {
        QVERIFY2(point.error().contains(error), qPrintable(point.error()));
        return;
    }
    QCOMPARE(point.value().seq, seq);
    QCOMPARE(point.value().fields.size(), fieldCount);
    QCOMPARE(point.value().tsMs, qint64(1795341600000));
}

void tst_Events::alert_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("critical firing") << QByteArray(R"({"deviceId":"d","ruleId":"gpu-hot","severity":"critical","state":"firing","field":"gpu_temp_c","value":91,"threshold":85,"message":"hot"})") << QString();
    QTest::newRow("resolved") << QByteArray(R"({"deviceId":"d","ruleId":"r","severity":"info","state":"resolved","field":"f","value":1,"threshold":2,"message":""})") << QString();
    QTest::newRow("unknown severity") << QByteArray(R"({"deviceId":"d","ruleId":"r","severity":"doom","state":"firing"})") << QStringLiteral("doom");
    QTest::newRow("unknown state") << QByteArray(R"({"deviceId":"d","ruleId":"r","severity":"info","state":"sleeping"})") << QStringLiteral("sleeping");
    QTest::newRow("value not a number") << QByteArray(R"({"deviceId":"d","ruleId":"r","severity":"info","state":"firing","value":"hot"})") << QStringLiteral("\"value\"");
    QTest::newRow("missing ruleId") << QByteArray(R"({"deviceId":"d","severity":"info","state":"firing"})") << QStringLiteral("ruleId");
}

void tst_Events::alert()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const ParseResult<AlertEvent> alert = AlertEvent::fromJson(QJsonDocument::fromJson(json).object());
    QCOMPARE(alert.isOk(), error.isEmpty());
    if (!error.isEmpty())
        QVERIFY2(alert.error().contains(error), qPrintable(alert.error()));
}

void tst_Events::deviceStatus_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::addColumn<qint64>("lastSeen");
    QTest::newRow("online") << QByteArray(R"({"deviceId":"d","status":"online","lastSeen":"2026-11-22T10:00:00Z"})") << QString() << qint64(1795341600000);
    QTest::newRow("never seen") << QByteArray(R"({"deviceId":"d","status":"offline","lastSeen":null})") << QString() << qint64(0);
    QTest::newRow("bad status") << QByteArray(R"({"deviceId":"d","status":"asleep","lastSeen":null})") << QStringLiteral("asleep") << qint64(0);
    QTest::newRow("bad lastSeen") << QByteArray(R"({"deviceId":"d","status":"online","lastSeen":"then"})") << QStringLiteral("lastSeen") << qint64(0);
}

void tst_Events::deviceStatus()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QFETCH(qint64, lastSeen);
    const ParseResult<DeviceStatusEvent> status = DeviceStatusEvent::fromJson(QJsonDocument::fromJson(json).object());
    QCOMPARE(status.isOk(), error.isEmpty());
    if (!error.isEmpty())
        QVERIFY2(status.error().contains(error), qPrintable(status.error()));
    else
        QCOMPARE(status.value().lastSeenMs, lastSeen);
}

void tst_Events::systemEvent_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("kind"); // -1 = error
    QTest::newRow("token expired") << QByteArray(R"({"kind":"token_expired","message":"m"})") << int(SystemEvent::Kind::TokenExpired);
    QTest::newRow("shutdown") << QByteArray(R"({"kind":"shutdown","message":"m"})") << int(SystemEvent::Kind::Shutdown);
    QTest::newRow("notice") << QByteArray(R"({"kind":"notice","message":"events were missed"})") << int(SystemEvent::Kind::Notice);
    QTest::newRow("unknown kind") << QByteArray(R"({"kind":"party"})") << -1;
}

void tst_Events::systemEvent()
{
    QFETCH(QByteArray, json);
    QFETCH(int, kind);
    const ParseResult<SystemEvent> event = SystemEvent::fromJson(QJsonDocument::fromJson(json).object());
    QCOMPARE(event.isOk(), kind >= 0);
    if (kind >= 0)
        QCOMPARE(int(event.value().kind), kind);
    else
        QVERIFY(event.error().contains(QStringLiteral("party")));
}

void tst_Events::roundTrip()
{
    TelemetryData point;
    point.deviceId = QStringLiteral("jetson-01");
    point.tsMs = 1795341600123;
    point.seq = 7;
    point.fields.insert(QStringLiteral("cpu_temp_c"), 47.5);
    const ParseResult<TelemetryData> back = TelemetryData::fromJson(point.toJson());
    QVERIFY(back.isOk());
    QCOMPARE(back.value().deviceId, point.deviceId);
    QCOMPARE(back.value().tsMs, point.tsMs);
    QCOMPARE(back.value().seq, point.seq);
    QCOMPARE(back.value().fields, point.fields);

    AlertEvent alert;
    alert.deviceId = QStringLiteral("d");
    alert.ruleId = QStringLiteral("r");
    alert.severity = Severity::Warning;
    alert.state = AlertEvent::State::Resolved;
    alert.value = 3;
    alert.threshold = 4;
    alert.message = QStringLiteral("m");
    const ParseResult<AlertEvent> alertBack = AlertEvent::fromJson(alert.toJson());
    QVERIFY(alertBack.isOk());
    QCOMPARE(alertBack.value().severity, Severity::Warning);
    QCOMPARE(alertBack.value().state, AlertEvent::State::Resolved);
    QCOMPARE(alertBack.value().threshold, 4.0);

    EventEnvelope system;
    system.type = EventType::System;
    system.tsMs = 1795341600000;
    system.data = SystemEvent{SystemEvent::Kind::Shutdown, QStringLiteral("bye")}.toJson();
    const QJsonObject json = system.toJson();
    QVERIFY(json.value(QStringLiteral("id")).isNull());
    QVERIFY(json.value(QStringLiteral("topic")).isNull());
    QVERIFY(EventEnvelope::fromJson(json).isOk());
}

void tst_Events::historyPage_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("points"); // -1 = error
    QTest::addColumn<QString>("error");
    QTest::newRow("two points") << QByteArray(R"({"points":[{"ts":"2026-11-22T10:00:00Z","seq":1,"fields":{"a":1}},{"ts":"2026-11-22T10:00:01Z","fields":{"a":2}}],"truncated":true})") << 2 << QString();
    QTest::newRow("empty") << QByteArray(R"({"points":[],"truncated":false})") << 0 << QString();
    QTest::newRow("second point bad") << QByteArray(R"({"points":[{"ts":"2026-11-22T10:00:00Z","fields":{"a":1}},{"ts":"x","fields":{"a":2}}]})") << -1 << QStringLiteral("point 1");
    QTest::newRow("points missing") << QByteArray(R"({"truncated":false})") << -1 << QStringLiteral("\"points\"");
}

void tst_Events::historyPage()
{
    QFETCH(QByteArray, json);
    QFETCH(int, points);
    QFETCH(QString, error);
    const ParseResult<HistoryPage> page = HistoryPage::fromJson(QJsonDocument::fromJson(json).object(), QStringLiteral("dev"));
    QCOMPARE(page.isOk(), points >= 0);
    if (points < 0) {
        QVERIFY2(page.error().contains(error), qPrintable(page.error()));
        return;
    }
    QCOMPARE(page.value().points.size(), points);
    for (const TelemetryData &p : page.value().points)
        QCOMPARE(p.deviceId, QStringLiteral("dev"));
    QCOMPARE(page.value().truncated, points == 2);
}

void tst_Events::historyBucketPage_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("buckets"); // -1 = error
    QTest::addColumn<QString>("error");
    QTest::newRow("two buckets")
        << QByteArray(R"({"buckets":[{"ts":"2026-11-22T10:00:00.000Z","count":3,"min":{"a":1,"b":7},"max":{"a":5,"b":7},"mean":{"a":3,"b":7},"last":{"a":3,"b":7}},)"
                      R"({"ts":"2026-11-22T10:01:00.000Z","count":1,"min":{"a":2},"max":{"a":2},"mean":{"a":2},"last":{"a":2}}],"step":60,"truncated":true})")
        << 2 << QString();
    QTest::newRow("empty") << QByteArray(R"({"buckets":[],"step":86400,"truncated":false})") << 0 << QString();
    QTest::newRow("missing aggregate objects allowed")
        << QByteArray(R"({"buckets":[{"ts":"2026-11-22T10:00:00Z","count":2}],"step":60,"truncated":false})") << 1 << QString();
    QTest::newRow("step zero") << QByteArray(R"({"buckets":[],"step":0})") << -1 << QStringLiteral("\"step\"");
    QTest::newRow("step fraction") << QByteArray(R"({"buckets":[],"step":1.5})") << -1 << QStringLiteral("\"step\"");
    QTest::newRow("step missing") << QByteArray(R"({"buckets":[]})") << -1 << QStringLiteral("\"step\"");
    QTest::newRow("step as text") << QByteArray(R"({"buckets":[],"step":"60"})") << -1 << QStringLiteral("\"step\"");
    QTest::newRow("buckets missing") << QByteArray(R"({"step":60})") << -1 << QStringLiteral("\"buckets\"");
    QTest::newRow("bucket not an object") << QByteArray(R"({"buckets":[1],"step":60})") << -1 << QStringLiteral("bucket 0");
    QTest::newRow("second bucket with a bad ts")
        << QByteArray(R"({"buckets":[{"ts":"2026-11-22T10:00:00Z","count":1},{"ts":"soon","count":1}],"step":60})") << -1
        << QStringLiteral("bucket 1");
    QTest::newRow("count missing") << QByteArray(R"({"buckets":[{"ts":"2026-11-22T10:00:00Z"}],"step":60})") << -1
                                   << QStringLiteral("\"count\"");
    QTest::newRow("aggregate not an object")
        << QByteArray(R"({"buckets":[{"ts":"2026-11-22T10:00:00Z","count":1,"min":[1]}],"step":60})") << -1
        << QStringLiteral("\"min\"");
    QTest::newRow("aggregate value not a number")
        << QByteArray(R"({"buckets":[{"ts":"2026-11-22T10:00:00Z","count":1,"max":{"a":"1"}}],"step":60})") << -1
        << QStringLiteral("\"max\".\"a\"");
}

void tst_Events::historyBucketPage()
{
    QFETCH(QByteArray, json);
    QFETCH(int, buckets);
    QFETCH(QString, error);
    const ParseResult<HistoryBucketPage> page = HistoryBucketPage::fromJson(QJsonDocument::fromJson(json).object());
    QCOMPARE(page.isOk(), buckets >= 0);
    if (buckets < 0) {
        QVERIFY2(page.error().contains(error), qPrintable(page.error()));
        return;
    }
    QCOMPARE(page.value().buckets.size(), buckets);
    if (buckets == 2) {
        QCOMPARE(page.value().stepMs, 60000);
        QVERIFY(page.value().truncated);
        const HistoryBucket &first = page.value().buckets.at(0);
        QCOMPARE(first.tsMs, QDateTime(QDate(2026, 11, 22), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(first.count, 3);
        QCOMPARE(first.min.value(QStringLiteral("a")), 1.0);
        QCOMPARE(first.max.value(QStringLiteral("a")), 5.0);
        QCOMPARE(first.mean.value(QStringLiteral("a")), 3.0);
        QCOMPARE(first.last.value(QStringLiteral("b")), 7.0);
        QCOMPARE(page.value().buckets.at(1).tsMs - first.tsMs, 60000);
    }
    if (buckets == 1) {
        const HistoryBucket &only = page.value().buckets.at(0);
        QCOMPARE(only.count, 2);
        QVERIFY(only.min.isEmpty() && only.max.isEmpty() && only.mean.isEmpty() && only.last.isEmpty());
    }
}

void tst_Events::deviceList()
{
    const ParseResult<QList<DeviceInfo>> list = DeviceInfo::listFromJson(object(
            R"({"devices":[{"deviceId":"jetson-01","siteId":"lab","status":"online","lastSeen":"2026-11-22T10:00:00Z","fields":["a","b"]},
                           {"deviceId":"jetson-02","siteId":"lab","status":"offline","lastSeen":null,"fields":[]}]})"));
    QVERIFY2(list.isOk(), qPrintable(list.error()));
    QCOMPARE(list.value().size(), 2);
    QCOMPARE(list.value().at(0).fields, QStringList({QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(list.value().at(1).lastSeenMs, qint64(0));
    QCOMPARE(list.value().at(1).status, DeviceStatusEvent::Status::Offline);

    const ParseResult<QList<DeviceInfo>> bad = DeviceInfo::listFromJson(object(R"({"devices":[{"deviceId":"x"}]})"));
    QVERIFY(!bad.isOk());
    QVERIFY2(bad.error().contains(QStringLiteral("device 0")), qPrintable(bad.error()));
}

QTEST_APPLESS_MAIN(tst_Events)
#include "tst_events.moc"
