#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"

#include <QSignalSpy>
#include <QTest>

using namespace Sightline;

class tst_WorkspaceTime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void liveFollowsTheClock();
    void windowIsClamped_data();
    void windowIsClamped();
    void pauseFreezesAndResumeFollows();
    void absoluteRangeAndBackToLive();
    void invertedRangeIsIgnored();
    void crosshairIsShared();
    void theStoreKeepsWhatTheTimeShows();

private:
    qint64 m_now = 1'000'000'000'000;
    Clock clock()
    {
        return [this] { return m_now; };
    }
};

void tst_WorkspaceTime::liveFollowsTheClock()
{
    WorkspaceTime time(clock());
    QSignalSpy ranges(&time, &WorkspaceTime::rangeChanged);
    time.setLiveWindow(5 * 60 * 1000);
    QCOMPARE(ranges.size(), 1);
    QVERIFY(time.isLive());
    QVERIFY(time.isFollowing());
    QCOMPARE(time.toMs(), m_now);
    QCOMPARE(time.fromMs(), m_now - 5 * 60 * 1000);
    m_now += 7000;
    QCOMPARE(time.toMs(), m_now);
    QCOMPARE(time.spanMs(), 5 * 60 * 1000);
    QCOMPARE(ranges.size(), 1); // the clock moving is not a change
    time.setLiveWindow(5 * 60 * 1000);
    QCOMPARE(ranges.size(), 1); // the same window again: nothing to tell
}

void tst_WorkspaceTime::windowIsClamped_data()
{
    QTest::addColumn<qint64>("asked");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("below a minute") << qint64(1000) << WorkspaceTime::kMinWindowMs;
    QTest::newRow("a minute") << qint64(60'000) << qint64(60'000);
    QTest::newRow("24 hours") << qint64(86'400'000) << qint64(86'400'000);
    QTest::newRow("beyond 24 hours") << qint64(2 * 86'400'000) << WorkspaceTime::kMaxWindowMs;
}

void tst_WorkspaceTime::windowIsClamped()
{
    QFETCH(qint64, asked);
    QFETCH(qint64, expected);
    WorkspaceTime time(clock());
    time.setLiveWindow(asked);
    QCOMPARE(time.windowMs(), expected);
    QCOMPARE(time.spanMs(), expected);
}

void tst_WorkspaceTime::pauseFreezesAndResumeFollows()
{
    WorkspaceTime time(clock());
    time.setLiveWindow(60'000);
    QSignalSpy paused(&time, &WorkspaceTime::pausedChanged);
    time.setPaused(true);
    QCOMPARE(paused.size(), 1);
    const qint64 frozenTo = m_now;
    m_now += 30'000;
    QVERIFY(!time.isFollowing());
    QCOMPARE(time.toMs(), frozenTo);
    QCOMPARE(time.fromMs(), frozenTo - 60'000);
    time.setPaused(false);
    QCOMPARE(paused.size(), 2);
    QVERIFY(time.isFollowing());
    QCOMPARE(time.toMs(), m_now);
}

void tst_WorkspaceTime::absoluteRangeAndBackToLive()
{
    WorkspaceTime time(clock());
    time.setLiveWindow(15 * 60'000);
    QSignalSpy modes(&time, &WorkspaceTime::modeChanged);
    time.setPaused(true);
    QVERIFY(time.setAbsoluteRange(m_now - 3'600'000, m_now - 1'800'000));
    QCOMPARE(modes.size(), 1);
    QVERIFY(!time.isLive());
    QVERIFY(!time.isPaused()); // a pause belongs to live mode
    m_now += 100'000;
    QCOMPARE(time.toMs(), m_now - 100'000 - 1'800'000);
    time.setPaused(true); // no pause of an absolute range
    QVERIFY(!time.isPaused());
    time.backToLive();
    QCOMPARE(modes.size(), 2);
    QVERIFY(time.isFollowing());
    QCOMPARE(time.windowMs(), 15 * 60'000); // the window it had
    QCOMPARE(time.toMs(), m_now);
}

void tst_WorkspaceTime::invertedRangeIsIgnored()
{
    WorkspaceTime time(clock());
    QSignalSpy ranges(&time, &WorkspaceTime::rangeChanged);
    QVERIFY(!time.setAbsoluteRange(m_now, m_now));
    QVERIFY(!time.setAbsoluteRange(m_now, m_now - 1));
    QVERIFY(time.isLive());
    QCOMPARE(ranges.size(), 0);
}

void tst_WorkspaceTime::crosshairIsShared()
{
    WorkspaceTime time(clock());
    QSignalSpy crosshair(&time, &WorkspaceTime::crosshairChanged);
    time.setCrosshair(m_now - 5000);
    time.setCrosshair(m_now - 5000);
    QCOMPARE(crosshair.size(), 1);
    QCOMPARE(time.crosshairMs(), m_now - 5000);
    time.clearCrosshair();
    QCOMPARE(crosshair.size(), 2);
    QCOMPARE(crosshair.last().at(0).toLongLong(), 0);
}

void tst_WorkspaceTime::theStoreKeepsWhatTheTimeShows()
{
    SeriesStore store;
    WorkspaceTime time(clock());
    time.setLiveWindow(5 * 60'000);
    keepWhatTimeShows(store, time);
    QCOMPARE(store.retentionMs(), 330'000); // the window and a tenth
    QCOMPARE(store.keepSinceMs(), 0);
    // A day is drawn from buckets: raw points for an hour at most.
    time.setLiveWindow(24 * 3'600'000);
    keepWhatTimeShows(store, time);
    QCOMPARE(store.retentionMs(), 66 * 60'000);
    // Looking back at a range: its left edge (and a tenth) is kept.
    QVERIFY(time.setAbsoluteRange(m_now - 3'600'000, m_now - 1'800'000));
    keepWhatTimeShows(store, time);
    QCOMPARE(store.keepSinceMs(), m_now - 3'600'000 - 180'000);
    // ...but never more than an hour of raw points back from its end.
    QVERIFY(time.setAbsoluteRange(m_now - 10 * 3'600'000, m_now));
    keepWhatTimeShows(store, time);
    QCOMPARE(store.keepSinceMs(), m_now - 3'600'000 - 360'000);
}

QTEST_APPLESS_MAIN(tst_WorkspaceTime)
#include "tst_workspacetime.moc"
