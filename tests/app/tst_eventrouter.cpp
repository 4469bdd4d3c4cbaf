// EventRouter: stream events (API.md "Live stream") into the telemetry
// models, and contract breaks dropped whole with a reason.
#include "eventrouter.h"

#include "support/workspacefixture.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Sightline;

namespace {

const QByteArray kTs = "\"2026-11-22T10:00:01.000Z\"";
const QByteArray kTopic = "\"account:acme/site:north/device:d1\"";

SseEvent sseEvent(const QString &type, const QByteArray &json, const QString &id = QStringLiteral("7"))
{
    return SseEvent{type, json, id};
}

QByteArray envelope(const QByteArray &type, const QByteArray &data)
{
    return "{\"id\":\"7\",\"ts\":" + kTs + ",\"topic\":" + kTopic + ",\"type\":\"" + type + "\",\"data\":" + data + "}";
}

struct Models
{
    WorkspaceFixture f;
    SeriesStore &series = f.series;
    BucketStore &buckets = f.buckets;
    DeviceListModel &devices = f.devices;
    AlertTableModel &alerts = f.alerts;
    LatestValuesModel &latest = f.latest;
    EventRouter router{f.models()};
};

} // namespace

class tst_EventRouter : public QObject
{
    Q_OBJECT

private slots:
    void telemetryReachesSeriesAndTiles();
    void telemetryExtendsLoadedBuckets();
    void alertReachesTheTable();
    void deviceStatusAddsTheDeviceUnderItsSite();
    void systemEventIsHandedOn();
    void brokenEventsAreDroppedWhole_data();
    void brokenEventsAreDroppedWhole();
    void siteOfTopic_data();
    void siteOfTopic();
};

void tst_EventRouter::telemetryReachesSeriesAndTiles()
{
    Models m;
    QAbstractItemModelTester latestTester(&m.latest);
    const QByteArray data = "{\"deviceId\":\"d1\",\"ts\":\"2026-11-22T10:00:00.500Z\",\"seq\":3,"
                            "\"fields\":{\"gpu_temp_c\":47.5,\"power_mw\":5120}}";
    QVERIFY(m.router.route(sseEvent(QStringLiteral("telemetry"), envelope("telemetry", data))));
    QCOMPARE(m.series.pointCount(QStringLiteral("d1")), 1);
    const auto samples = m.series.samples(QStringLiteral("d1"), QStringLiteral("gpu_temp_c"), 0, std::numeric_limits<qint64>::max());
    QCOMPARE(samples.size(), 1);
    QCOMPARE(samples.first().tMs, parseTimestamp(QStringLiteral("2026-11-22T10:00:00.500Z")).value()); // device time
    QCOMPARE(samples.first().value, 47.5);
    const int row = m.latest.rowOf(QStringLiteral("d1"), QStringLiteral("power_mw"));
    QVERIFY(row >= 0);
    QCOMPARE(m.latest.index(row).data(LatestValuesModel::ValueRole).toDouble(), 5120.0);
    // The same point again (a resend) is not a second point.
    QVERIFY(m.router.route(sseEvent(QStringLiteral("telemetry"), envelope("telemetry", data), QStringLiteral("8"))));
    QCOMPARE(m.series.pointCount(QStringLiteral("d1")), 1);
    QCOMPARE(m.router.routedCount(), 2);
}

void tst_EventRouter::telemetryExtendsLoadedBuckets()
{
    // A long range is drawn from buckets: the live point folds into the
    // bucket it falls in, so the live edge stays current between loads.
    Models m;
    HistoryBucketPage page;
    page.stepMs = 60'000;
    HistoryBucket bucket;
    bucket.tsMs = parseTimestamp(QStringLiteral("2026-11-22T10:00:00Z")).value();
    bucket.count = 1;
    bucket.min.insert(QStringLiteral("gpu_temp_c"), 40);
    bucket.max.insert(QStringLiteral("gpu_temp_c"), 40);
    bucket.mean.insert(QStringLiteral("gpu_temp_c"), 40);
    bucket.last.insert(QStringLiteral("gpu_temp_c"), 40);
    page.buckets.append(bucket);
    QCOMPARE(m.buckets.mergeBuckets(QStringLiteral("d1"), page), 1);
    const QByteArray data = "{\"deviceId\":\"d1\",\"ts\":\"2026-11-22T10:00:30.000Z\",\"fields\":{\"gpu_temp_c\":50}}";
    QVERIFY(m.router.route(sseEvent(QStringLiteral("telemetry"), envelope("telemetry", data))));
    const QList<HistoryBucket> stored = m.buckets.buckets(QStringLiteral("d1"), bucket.tsMs, bucket.tsMs + 60'000);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.first().count, 2);
    QCOMPARE(stored.first().max.value(QStringLiteral("gpu_temp_c")), 50.0);
}

void tst_EventRouter::alertReachesTheTable()
{
    Models m;
    QAbstractItemModelTester tester(&m.alerts);
    QSignalSpy critical(&m.alerts, &AlertTableModel::criticalAlertFired);
    const QByteArray data = "{\"deviceId\":\"d1\",\"ruleId\":\"gpu-hot\",\"severity\":\"critical\",\"state\":\"firing\","
                            "\"field\":\"gpu_temp_c\",\"value\":91,\"threshold\":85,\"message\":\"GPU hot\"}";
    QVERIFY(m.router.route(sseEvent(QStringLiteral("alert"), envelope("alert", data))));
    QCOMPARE(m.alerts.rowCount(), 1);
    QCOMPARE(m.alerts.firingCount(), 1);
    QCOMPARE(critical.size(), 1);
    // No time of its own in the data: the envelope's publish time.
    QCOMPARE(m.alerts.alertAt(0).tsMs, parseTimestamp(QStringLiteral("2026-11-22T10:00:01.000Z")).value());
}

void tst_EventRouter::deviceStatusAddsTheDeviceUnderItsSite()
{
    Models m;
    QAbstractItemModelTester tester(&m.devices);
    const QByteArray data = "{\"deviceId\":\"d1\",\"status\":\"online\",\"lastSeen\":\"2026-11-22T10:00:00.000Z\"}";
    QVERIFY(m.router.route(sseEvent(QStringLiteral("device_status"), envelope("device_status", data))));
    QVERIFY(m.devices.contains(QStringLiteral("d1")));
    const QModelIndex index = m.devices.indexOfDevice(QStringLiteral("d1"));
    QCOMPARE(index.data(DeviceListModel::SiteIdRole).toString(), QStringLiteral("north"));
}

void tst_EventRouter::systemEventIsHandedOn()
{
    Models m;
    QSignalSpy system(&m.router, &EventRouter::systemEventReceived);
    const QByteArray json = "{\"id\":null,\"ts\":" + kTs
            + ",\"topic\":null,\"type\":\"system\",\"data\":{\"kind\":\"shutdown\",\"message\":\"bye\"}}";
    QVERIFY(m.router.route(sseEvent(QStringLiteral("system"), json, QString())));
    QCOMPARE(system.size(), 1);
    const auto received = system.at(0).at(0).value<SystemEvent>();
    QCOMPARE(received.kind, SystemEvent::Kind::Shutdown);
    QCOMPARE(received.message, QStringLiteral("bye"));
}

void tst_EventRouter::brokenEventsAreDroppedWhole_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("reasonContains");

    QTest::newRow("not JSON") << "telemetry" << QByteArray("{\"id\":") << "";
    QTest::newRow("event field and JSON type disagree")
            << "alert" << envelope("telemetry", "{\"deviceId\":\"d1\",\"ts\":" + kTs + ",\"fields\":{\"a\":1}}") << "alert";
    QTest::newRow("telemetry without fields")
            << "telemetry" << envelope("telemetry", "{\"deviceId\":\"d1\",\"ts\":" + kTs + "}") << "fields";
    QTest::newRow("telemetry with a text value")
            << "telemetry" << envelope("telemetry", "{\"deviceId\":\"d1\",\"ts\":" + kTs + ",\"fields\":{\"a\":\"hot\"}}") << "";
    QTest::newRow("alert with an unknown severity")
            << "alert" << envelope("alert", "{\"deviceId\":\"d1\",\"ruleId\":\"r\",\"severity\":\"doom\",\"state\":\"firing\","
                                            "\"field\":\"f\",\"value\":1,\"threshold\":0,\"message\":\"m\"}") << "severity";
    QTest::newRow("device status with an unknown status")
            << "device_status" << envelope("device_status", "{\"deviceId\":\"d1\",\"status\":\"asleep\",\"lastSeen\":null}") << "status";
}

void tst_EventRouter::brokenEventsAreDroppedWhole()
{
    QFETCH(QString, type);
    QFETCH(QByteArray, json);
    QFETCH(QString, reasonContains);

    Models m;
    QSignalSpy rejected(&m.router, &EventRouter::eventRejected);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("dropped")));
    QVERIFY(!m.router.route(sseEvent(type, json)));
    QCOMPARE(rejected.size(), 1);
    QVERIFY2(rejected.at(0).at(0).toString().contains(reasonContains), qPrintable(rejected.at(0).at(0).toString()));
    QCOMPARE(m.router.rejectedCount(), 1);
    QCOMPARE(m.router.routedCount(), 0);
    // Nothing half-read reached a model.
    QCOMPARE(m.series.devices(), QStringList());
    QCOMPARE(m.latest.rowCount(), 0);
    QCOMPARE(m.alerts.rowCount(), 0);
    QCOMPARE(m.devices.deviceIds(), QStringList());
}

void tst_EventRouter::siteOfTopic_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<QString>("site");
    QTest::newRow("full topic") << "account:a/site:lab/device:jetson-01" << "lab";
    QTest::newRow("no site part") << "account:a/device:jetson-01" << "";
    QTest::newRow("empty (system event)") << "" << "";
}

void tst_EventRouter::siteOfTopic()
{
    QFETCH(QString, topic);
    QFETCH(QString, site);
    QCOMPARE(EventRouter::siteOfTopic(topic), site);
}

QTEST_GUILESS_MAIN(tst_EventRouter)
#include "tst_eventrouter.moc"
