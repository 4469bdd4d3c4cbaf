// Tests of DevicePoint (issue 7, API.md "POST /api/v1/telemetry"): the JSON
// a device sends, its RFC 3339 UTC timestamps with milliseconds, and the
// contract's field-name rule.
#include "device/devicepoint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>
#include <QtTest>

using Sightline::DevicePoint;

class tst_DevicePoint : public QObject
{
    Q_OBJECT

private slots:
    void formatsTimestamps_data();
    void formatsTimestamps();
    void checksFieldNames_data();
    void checksFieldNames();
    void writesTheContractsJson();
    void leavesOutAnUnassignedSeq();
};

void tst_DevicePoint::formatsTimestamps_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<QString>("expected");
    QTest::newRow("UTC with milliseconds") << QDateTime(QDate(2026, 11, 22), QTime(10, 0, 0, 123), Qt::UTC)
                                           << "2026-11-22T10:00:00.123Z";
    QTest::newRow("whole second keeps .000") << QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC)
                                             << "2026-01-02T03:04:05.000Z";
    QTest::newRow("an offset is turned into UTC")
        << QDateTime(QDate(2026, 11, 22), QTime(11, 30, 0, 5), QTimeZone(3600)) << "2026-11-22T10:30:00.005Z";
}

void tst_DevicePoint::formatsTimestamps()
{
    QFETCH(QDateTime, time);
    QFETCH(QString, expected);
    QCOMPARE(DevicePoint::formatTimestamp(time), expected);
}

void tst_DevicePoint::checksFieldNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("snake case") << "gpu_temp_c" << true;
    QTest::newRow("dots and dashes") << "rail.vdd-in" << true;
    QTest::newRow("64 characters") << QString(64, QLatin1Char('a')) << true;
    QTest::newRow("65 characters") << QString(65, QLatin1Char('a')) << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("space") << "gpu temp" << false;
    QTest::newRow("degree sign") << QStringLiteral("gpu_°c") << false;
    QTest::newRow("at sign") << "CPU@34C" << false;
}

void tst_DevicePoint::checksFieldNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(DevicePoint::isValidFieldName(name), valid);
}

void tst_DevicePoint::writesTheContractsJson()
{
    DevicePoint point;
    point.deviceId = QStringLiteral("jetson-01");
    point.ts = QDateTime(QDate(2026, 11, 22), QTime(10, 0, 0, 123), Qt::UTC);
    point.seq = 1795355760607000; // a start-time seq: above 2^32, below 2^53
    point.fields = {{QStringLiteral("cpu_temp_c"), 47.5}, {QStringLiteral("power_mw"), 5120}};

    const QJsonDocument document = QJsonDocument::fromJson(DevicePoint::batchBody({point, point}));
    QVERIFY(document.isArray());
    QCOMPARE(document.array().size(), 2);
    const QJsonObject object = document.array().first().toObject();
    QCOMPARE(object.value(QStringLiteral("deviceId")).toString(), QStringLiteral("jetson-01"));
    QCOMPARE(object.value(QStringLiteral("ts")).toString(), QStringLiteral("2026-11-22T10:00:00.123Z"));
    QCOMPARE(object.value(QStringLiteral("seq")).toInteger(), qint64(1795355760607000));
    QCOMPARE(object.value(QStringLiteral("fields")).toObject(),
             (QJsonObject{{QStringLiteral("cpu_temp_c"), 47.5}, {QStringLiteral("power_mw"), 5120}}));
    QCOMPARE(object.size(), 4);
}

void tst_DevicePoint::leavesOutAnUnassignedSeq()
{
    DevicePoint point;
    point.deviceId = QStringLiteral("d");
    point.ts = QDateTime::currentDateTimeUtc();
    point.fields = {{QStringLiteral("x"), 1}};
    QVERIFY(!point.toJson().contains(QStringLiteral("seq")));
}

QTEST_GUILESS_MAIN(tst_DevicePoint)
#include "tst_devicepoint.moc"
