#include "telemetry/streamstatistics.h"

#include <QTest>

using namespace Sightline;

class tst_StreamStatistics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rate_data();
    void rate();
    void lastEventAge();
    void latencyIsMedian();
};

void tst_StreamStatistics::rate_data()
{
    QTest::addColumn<int>("events");
    QTest::addColumn<qint64>("spacingMs");
    QTest::addColumn<double>("expected");
    QTest::newRow("none") << 0 << qint64(100) << 0.0;
    QTest::newRow("ten per second") << 100 << qint64(100) << 10.0;
    QTest::newRow("one per second") << 20 << qint64(1000) << 1.0;
    QTest::newRow("burst counts inside the window only") << 800 << qint64(10) << 100.0;
}

void tst_StreamStatistics::rate()
{
    QFETCH(int, events);
    QFETCH(qint64, spacingMs);
    QFETCH(double, expected);
    qint64 now = 1000000;
    StreamStatistics stats([&now] { return now; });
    for (int i = 0; i < events; ++i) {
        now += spacingMs;
        stats.noteEvent();
    }
    QCOMPARE(stats.eventsPerSecond(), expected);
    QCOMPARE(stats.totalEvents(), qint64(events));
    now += StreamStatistics::kRateWindowMs;
    QCOMPARE(stats.eventsPerSecond(), 0.0);
}

void tst_StreamStatistics::lastEventAge()
{
    qint64 now = 5000;
    StreamStatistics stats([&now] { return now; });
    QCOMPARE(stats.lastEventAgeMs(), qint64(-1));
    stats.noteEvent();
    now += 1234;
    QCOMPARE(stats.lastEventAgeMs(), qint64(1234));
    stats.reset();
    QCOMPARE(stats.lastEventAgeMs(), qint64(-1));
}

void tst_StreamStatistics::latencyIsMedian()
{
    StreamStatistics stats([] { return qint64(0); });
    QCOMPARE(stats.latencyMs(), qint64(-1));
    for (qint64 ms : {20, 25, 5000, 22, 21})
        stats.noteLatency(ms);
    QCOMPARE(stats.latencyMs(), qint64(22));
}

QTEST_APPLESS_MAIN(tst_StreamStatistics)
#include "tst_streamstatistics.moc"
