#include "telemetry/workspacetime.h"
#include "ui/timecontrolbar.h"

#include <QComboBox>
#include <QTest>
#include <QToolButton>

using namespace Sightline;

namespace {
constexpr qint64 kNowMs = 1'764'000'000'000; // 2025-11-24 16:00:00 UTC
}

class tst_TimeControlBar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void pickingAWindowGoesLive_data();
    void pickingAWindowGoesLive();
    void pauseFreezesAndSaysSo();
    void aZoomElsewhereShowsTheRange();
    void utcIsMarked();

private:
    qint64 m_now = kNowMs;
    std::unique_ptr<WorkspaceTime> m_time;
    std::unique_ptr<TimeControlBar> m_bar;
};

void tst_TimeControlBar::init()
{
    m_now = kNowMs;
    m_time = std::make_unique<WorkspaceTime>([this] { return m_now; });
    m_bar = std::make_unique<TimeControlBar>(m_time.get());
    m_bar->show();
}

void tst_TimeControlBar::cleanup()
{
    m_bar.reset();
    m_time.reset();
}

void tst_TimeControlBar::pickingAWindowGoesLive_data()
{
    QTest::addColumn<int>("minutes");
    QTest::addColumn<QString>("label");
    QTest::newRow("1 minute") << 1 << QStringLiteral("Live · last minute");
    QTest::newRow("5 minutes") << 5 << QStringLiteral("Live · last 5 minutes");
    QTest::newRow("1 hour") << 60 << QStringLiteral("Live · last hour");
    QTest::newRow("24 hours") << 1440 << QStringLiteral("Live · last 24 hours");
}

void tst_TimeControlBar::pickingAWindowGoesLive()
{
    QFETCH(int, minutes);
    QFETCH(QString, label);
    m_time->setAbsoluteRange(kNowMs - 10'000'000, kNowMs - 5'000'000);
    QComboBox *picker = m_bar->windowPicker();
    const int index = picker->findData(minutes);
    QVERIFY(index >= 0);
    picker->setCurrentIndex(index);
    Q_EMIT picker->activated(index);
    QVERIFY(m_time->isFollowing());
    QCOMPARE(m_time->windowMs(), qint64(minutes) * 60'000);
    QCOMPARE(m_bar->rangeText(), label);
    QVERIFY(!m_bar->liveButton()->isVisible());
}

void tst_TimeControlBar::pauseFreezesAndSaysSo()
{
    m_bar->pauseButton()->click();
    QVERIFY(m_time->isPaused());
    QVERIFY(m_bar->rangeText().startsWith(QStringLiteral("Paused at ")));
    QVERIFY(m_bar->liveButton()->isVisible());
    m_bar->liveButton()->click();
    QVERIFY(m_time->isFollowing());
    QVERIFY(!m_bar->pauseButton()->isChecked());
}

void tst_TimeControlBar::aZoomElsewhereShowsTheRange()
{
    // A chart zoomed: the bar follows the shared time, not its own state.
    m_bar->setUtc(true);
    QVERIFY(m_time->setAbsoluteRange(kNowMs - 3'600'000, kNowMs - 1'800'000));
    QComboBox *picker = m_bar->windowPicker();
    QCOMPARE(picker->currentText(), QStringLiteral("Custom range…"));
    QVERIFY(!m_bar->pauseButton()->isEnabled());
    QVERIFY(m_bar->liveButton()->isVisible());
    QCOMPARE(m_bar->rangeText(), QStringLiteral("24 Nov 15:00:00 – 15:30:00 UTC"));
}

void tst_TimeControlBar::utcIsMarked()
{
    m_bar->pauseButton()->click();
    QVERIFY(!m_bar->rangeText().contains(QStringLiteral("UTC")));
    m_bar->setUtc(true);
    QVERIFY(m_bar->rangeText().contains(QStringLiteral("16:00:00 UTC")));
}

QTEST_MAIN(tst_TimeControlBar)
#include "tst_timecontrolbar.moc"
