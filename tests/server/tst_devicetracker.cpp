// Tests of the DeviceTracker: online on first data, offline after silence
// (issue 3). The clock is manual: nothing waits real seconds.
#include <QSignalSpy>
#include <QTest>

#include "server/clock.h"
#include "server/devicetracker.h"
#include "server/hub.h"
#include "server/rfc3339.h"
#include "server/sqlitestorage.h"
#include "support/hubfixture.h"

using namespace Sightline;

namespace {

constexpr int kStorageTimeoutMs = 30000;
const DeviceRecord kDevice{QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-01")};

QList<TelemetryPoint> onePoint(const QString &field = QStringLiteral("cpu"))
{
    TelemetryPoint point;
    point.deviceId = kDevice.deviceId;
    point.fields = QJsonObject{{field, 1}};
    return {point};
}

} // namespace

class tst_DeviceTracker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void onlineThenOffline_data();
    void onlineThenOffline();
    void statusDataMatchesContract();
    void restoredDevicesStartOffline();
    void collectsFieldNames();
    void restoredOnlineDeviceGoesOfflineBySilence();

private:
    QStringList statuses(QSignalSpy &spy) const;

    std::unique_ptr<Test::HubFixture> m_fixture;
};

void tst_DeviceTracker::init()
{
    m_fixture = std::make_unique<Test::HubFixture>();
    QString error;
    QVERIFY2(m_fixture->open(&error), qPrintable(error));
}

void tst_DeviceTracker::cleanup()
{
    m_fixture.reset();
}

QStringList tst_DeviceTracker::statuses(QSignalSpy &spy) const
{
    return Test::HubFixture::dataValues(spy, QStringLiteral("status"));
}

void tst_DeviceTracker::onlineThenOffline_data()
{
    // Seconds between steps: positive = a point after that many seconds,
    // negative = only a check after that many seconds.
    QTest::addColumn<QList<int>>("steps");
    QTest::addColumn<QStringList>("expected");
    const QString on = QStringLiteral("online");
    const QString off = QStringLiteral("offline");
    QTest::newRow("first point goes online") << QList<int>{1} << QStringList{on};
    QTest::newRow("steady data stays online") << QList<int>{1, 5, 5, 5, -14} << QStringList{on};
    QTest::newRow("15 s of silence goes offline") << QList<int>{1, -15} << QStringList{on, off};
    QTest::newRow("14 s of silence does not") << QList<int>{1, -14} << QStringList{on};
    QTest::newRow("back online after offline") << QList<int>{1, -20, 1, -30} << QStringList{on, off, on, off};
    QTest::newRow("offline only once") << QList<int>{1, -20, -20} << QStringList{on, off};
}

void tst_DeviceTracker::onlineThenOffline()
{
    QFETCH(QList<int>, steps);
    QFETCH(QStringList, expected);
    DeviceTracker tracker(15, m_fixture->hub(), m_fixture->clock());
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    for (int step : steps) {
        m_fixture->clock()->advance(qint64(qAbs(step)) * 1000);
        if (step > 0)
            tracker.recordPoints(kDevice, onePoint());
        tracker.checkOffline();
    }
    QTRY_COMPARE_WITH_TIMEOUT(statuses(published), expected, kStorageTimeoutMs);
    QCOMPARE(tracker.status(kDevice.accountId, kDevice.deviceId).online, expected.last() == u"online");
}

void tst_DeviceTracker::statusDataMatchesContract()
{
    DeviceTracker tracker(15, m_fixture->hub(), m_fixture->clock());
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    tracker.recordPoints(kDevice, onePoint());
    QVERIFY(published.wait(kStorageTimeoutMs));
    const StoredEvent event = published.first().first().value<StoredEvent>();
    QCOMPARE(event.type, QStringLiteral("device_status"));
    QCOMPARE(event.topic, kDevice.topic());
    QCOMPARE(event.data, (QJsonObject{{QStringLiteral("deviceId"), kDevice.deviceId},
                                      {QStringLiteral("status"), QStringLiteral("online")},
                                      {QStringLiteral("lastSeen"), formatRfc3339Utc(m_fixture->clock()->now())}}));
}

void tst_DeviceTracker::restoredDevicesStartOffline()
{
    DeviceTracker tracker(15, m_fixture->hub(), m_fixture->clock());
    const QDateTime lastSeen = m_fixture->clock()->now().addSecs(-3600);
    tracker.restore({DeviceState{kDevice.accountId, kDevice.siteId, kDevice.deviceId, lastSeen,
                                 {QStringLiteral("gpu"), QStringLiteral("cpu")}}});
    DeviceTracker::Status status = tracker.status(kDevice.accountId, kDevice.deviceId);
    QVERIFY(!status.online);
    QCOMPARE(status.lastSeen, lastSeen);
    QCOMPARE(status.fields, (QStringList{QStringLiteral("cpu"), QStringLiteral("gpu")}));
    // Unknown devices: offline, never seen.
    status = tracker.status(kDevice.accountId, QStringLiteral("nobody"));
    QVERIFY(!status.online);
    QVERIFY(!status.lastSeen.isValid());
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    tracker.recordPoints(kDevice, onePoint());
    QVERIFY(published.wait(kStorageTimeoutMs));
    QCOMPARE(statuses(published), QStringList{QStringLiteral("online")});
}

void tst_DeviceTracker::collectsFieldNames()
{
    DeviceTracker tracker(15, m_fixture->hub(), m_fixture->clock());
    tracker.recordPoints(kDevice, onePoint(QStringLiteral("power_mw")));
    tracker.recordPoints(kDevice, onePoint(QStringLiteral("cpu")));
    tracker.recordPoints(kDevice, onePoint(QStringLiteral("power_mw")));
    QCOMPARE(tracker.status(kDevice.accountId, kDevice.deviceId).fields,
             (QStringList{QStringLiteral("cpu"), QStringLiteral("power_mw")}));
    // The same device id in another account is another device.
    QVERIFY(!tracker.status(QStringLiteral("other"), kDevice.deviceId).online);
}

void tst_DeviceTracker::restoredOnlineDeviceGoesOfflineBySilence()
{
    // The log's last word on jetson-01 was "online", 5 s before now.
    DeviceTracker tracker(15, m_fixture->hub(), m_fixture->clock());
    StoredEvent online;
    online.type = QStringLiteral("device_status");
    online.accountId = kDevice.accountId;
    online.siteId = kDevice.siteId;
    online.deviceId = kDevice.deviceId;
    online.data = QJsonObject{{QStringLiteral("status"), QStringLiteral("online")}};
    tracker.restore({DeviceState{kDevice.accountId, kDevice.siteId, kDevice.deviceId, m_fixture->clock()->now().addSecs(-5), {}}},
                    {online});
    QVERIFY(tracker.status(kDevice.accountId, kDevice.deviceId).online);
    QSignalSpy published(m_fixture->hub(), &Hub::eventPublished);
    tracker.recordPoints(kDevice, onePoint()); // still online: nothing to say
    m_fixture->clock()->advance(15000);
    tracker.checkOffline();
    QTRY_COMPARE_WITH_TIMEOUT(statuses(published), QStringList{QStringLiteral("offline")}, kStorageTimeoutMs);
}

QTEST_GUILESS_MAIN(tst_DeviceTracker)
#include "tst_devicetracker.moc"
