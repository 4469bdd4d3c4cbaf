#include "stream/heartbeatwatchdog.h"

#include <QSignalSpy>
#include <QTest>

using Sightline::HeartbeatWatchdog;

namespace {
constexpr int kRealTimeoutMs = 200;
constexpr int kWaitMs = 10000; // generous: a loaded 2-core CI machine
} // namespace

class tst_HeartbeatWatchdog : public QObject
{
    Q_OBJECT

private slots:
    void silence_data();
    void silence();
    void stoppedWatchdogStaysQuiet();
    void firesByItselfOnRealTime();
    void activityKeepsItQuiet();
};

void tst_HeartbeatWatchdog::silence_data()
{
    QTest::addColumn<QList<int>>("activityAt"); // ms after start when a byte arrives
    QTest::addColumn<int>("checkAt");
    QTest::addColumn<bool>("timesOut");

    QTest::newRow("silent just below the limit") << QList<int> {} << 44999 << false;
    QTest::newRow("silent exactly the limit") << QList<int> {} << 45000 << true;
    QTest::newRow("silent past the limit") << QList<int> {} << 60000 << true;
    QTest::newRow("a comment resets the silence") << QList<int> { 30000 } << 60000 << false;
    QTest::newRow("old activity does not help") << QList<int> { 10000 } << 55000 << true;
    QTest::newRow("steady heartbeats")
        << QList<int> { 15000, 30000, 45000, 60000, 75000 } << 90000 << false;
}

void tst_HeartbeatWatchdog::silence()
{
    QFETCH(QList<int>, activityAt);
    QFETCH(int, checkAt);
    QFETCH(bool, timesOut);

    qint64 now = 1000000;
    HeartbeatWatchdog watchdog;
    watchdog.setClock([&now] { return now; });
    QCOMPARE(watchdog.timeout(), 45000);
    QSignalSpy spy(&watchdog, &HeartbeatWatchdog::timedOut);

    const qint64 start = now;
    watchdog.start();
    for (int at : activityAt) {
        now = start + at;
        watchdog.recordActivity();
        watchdog.check();
    }
    now = start + checkAt;
    watchdog.check();
    QCOMPARE(spy.size(), timesOut ? 1 : 0);
    QCOMPARE(watchdog.isRunning(), !timesOut);
    if (timesOut)
        QVERIFY(spy.at(0).at(0).toLongLong() >= 45000);
}

void tst_HeartbeatWatchdog::stoppedWatchdogStaysQuiet()
{
    qint64 now = 0;
    HeartbeatWatchdog watchdog;
    watchdog.setClock([&now] { return now; });
    QSignalSpy spy(&watchdog, &HeartbeatWatchdog::timedOut);
    watchdog.start();
    watchdog.stop();
    now = 100000;
    watchdog.check();
    QCOMPARE(spy.size(), 0);
}

void tst_HeartbeatWatchdog::firesByItselfOnRealTime()
{
    HeartbeatWatchdog watchdog;
    watchdog.setTimeout(kRealTimeoutMs);
    QSignalSpy spy(&watchdog, &HeartbeatWatchdog::timedOut);
    watchdog.start();
    QVERIFY(spy.wait(kWaitMs));
    QVERIFY(spy.at(0).at(0).toLongLong() >= kRealTimeoutMs);
    QVERIFY(!watchdog.isRunning());
}

void tst_HeartbeatWatchdog::activityKeepsItQuiet()
{
    // The timer fires at the original deadline, sees recent activity and
    // re-arms instead of timing out.
    qint64 now = 0;
    HeartbeatWatchdog watchdog;
    watchdog.setClock([&now] { return now; });
    watchdog.setTimeout(50);
    QSignalSpy spy(&watchdog, &HeartbeatWatchdog::timedOut);
    watchdog.start();
    now = 40;
    watchdog.recordActivity();
    now = 60; // past the first deadline, 20 ms after the activity
    watchdog.check();
    QCOMPARE(spy.size(), 0);
    now = 90;
    watchdog.check();
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toLongLong(), 50);
}

QTEST_GUILESS_MAIN(tst_HeartbeatWatchdog)
#include "tst_heartbeatwatchdog.moc"
