#include "telemetry/bucketstore.h"
#include "telemetry/fieldformat.h"
#include "telemetry/namepattern.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/chartview.h"
#include "ui/livechartwidget.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPaintEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QValueAxis>

#include <cmath>
#include <numeric>

using namespace Sightline;

namespace {

constexpr int kFrameTimeoutMs = 10000; // generous: CI runs on a loaded 2-core machine
constexpr qint64 kMinuteMs = 60000;
const QString kField = QStringLiteral("cpu_temp_c");

TelemetryData point(const QString &device, qint64 tMs, double value, const QString &field = kField)
{
    TelemetryData p;
    p.deviceId = device;
    p.tsMs = tMs;
    p.fields.insert(field, value);
    return p;
}

// The raw-point lines (not the mean lines or bands drawn from buckets).
QList<QLineSeries *> lineSeries(QChart *chart)
{
    QList<QLineSeries *> list;
    for (QAbstractSeries *s : chart->series())
        if (s->objectName() == QLatin1String("points"))
            list.append(qobject_cast<QLineSeries *>(s));
    return list;
}

QList<QAbstractSeries *> seriesNamed(QChart *chart, const QString &objectName)
{
    QList<QAbstractSeries *> list;
    for (QAbstractSeries *s : chart->series())
        if (s->objectName() == objectName)
            list.append(s);
    return list;
}

int nonEmptySeries(QChart *chart)
{
    int n = 0;
    for (QLineSeries *s : lineSeries(chart))
        n += s->count() > 0 ? 1 : 0;
    return n;
}

// What the server answers for history with step (API.md "History for long
// ranges"), computed from the points the test made.
HistoryBucketPage bucketsOf(const QList<TelemetryData> &points, qint64 stepMs)
{
    HistoryBucketPage page;
    page.stepMs = stepMs;
    QMap<qint64, QList<double>> values;
    for (const TelemetryData &p : points)
        values[p.tsMs - p.tsMs % stepMs].append(p.fields.value(kField));
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        HistoryBucket b;
        b.tsMs = it.key();
        b.count = static_cast<int>(it.value().size());
        b.min.insert(kField, *std::min_element(it.value().cbegin(), it.value().cend()));
        b.max.insert(kField, *std::max_element(it.value().cbegin(), it.value().cend()));
        b.mean.insert(kField, std::accumulate(it.value().cbegin(), it.value().cend(), 0.0) / b.count);
        b.last.insert(kField, it.value().constLast());
        page.buckets.append(b);
    }
    return page;
}

} // namespace

class tst_LiveChartWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void pointsReachTheChartAtDeviceTime();
    void redrawsAreCoalescedPerFrame();
    void pauseFreezesAndResumeCatchesUp();
    void zoomKeepsPositionWhileDataArrives();
    void panWithTheMouse();
    void backToLive();
    void windowChoices_data();
    void windowChoices();
    void gapBreaksTheLine();
    void yAxisFitsTheData_data();
    void yAxisFitsTheData();
    void aBurstDenserThanThePixelsIsDecimatedKeepingSpikes();
    void csvExport();
    void pngExport();
    void valueUnderCursor();
    void seriesFollowThePatterns_data();
    void seriesFollowThePatterns();
    void devicesAndFieldsAreResolvedAsTheyAppear();
    void legendClickActivatesTheDevice();
    void legendSaysWhatTellsTheLinesApart_data();
    void legendSaysWhatTellsTheLinesApart();
    void twoUnitsGetTwoAxes();
    void crosshairIsSharedBetweenCharts();
    void zoomInOneChartMovesTheOther();
    void roundTicks_data();
    void roundTicks();
    void ticksInLocalTime();
    void aDayIsDrawnFromBuckets();
    void fiveMinutesAreDrawnFromPoints();
    void aFrameRepaintsTheLinesNotTheAxes();
    void aFrameKeepsTheChartLayout();
    void aChangeAfterAQuietSpellIsDrawnAtOnce();
    void theStoreKeepsWhatTheWorkspaceShows();

private:
    void feed(const QString &device, int first, int last, double base = 40);
    void waitForIdleFrame(LiveChartWidget *chart = nullptr);
    void verifyFollowing(qint64 newestMs);
    void dragOnPlot(Qt::MouseButton button, double fromFraction, double toFraction);
    void hoverAt(ChartView *view, int x);

    qint64 m_t0 = 0;
    qint64 m_now = 0; // the workspace's clock
    SeriesStore *m_store = nullptr;
    BucketStore *m_buckets = nullptr;
    WorkspaceTime *m_time = nullptr;
    LiveChartWidget *m_chart = nullptr;
};

void tst_LiveChartWidget::init()
{
    m_t0 = QDateTime::currentMSecsSinceEpoch() - 600000;
    m_now = m_t0;
    m_store = new SeriesStore;
    m_buckets = new BucketStore;
    m_time = new WorkspaceTime([this] { return m_now; });
    m_time->setLiveWindow(5 * kMinuteMs);
    // What the workspace does for its charts.
    const auto keep = [this] { keepWhatTimeShows(*m_store, *m_time); };
    connect(m_time, &WorkspaceTime::rangeChanged, m_store, keep);
    connect(m_time, &WorkspaceTime::modeChanged, m_store, keep);
    connect(m_time, &WorkspaceTime::pausedChanged, m_store, keep);
    keep();
    m_chart = new LiveChartWidget(m_store, m_buckets, m_time);
    m_chart->resize(900, 500);
    m_chart->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_chart));
}

void tst_LiveChartWidget::cleanup()
{
    delete m_chart;
    delete m_time;
    delete m_buckets;
    delete m_store;
}

// Points every 500 ms: index i at m_t0 + i * 500, value base + i. The
// newest arrives now: the clock moves on to it.
void tst_LiveChartWidget::feed(const QString &device, int first, int last, double base)
{
    m_now = std::max(m_now, m_t0 + last * 500);
    for (int i = first; i <= last; ++i)
        m_store->addPoint(point(device, m_t0 + i * 500, base + i));
}

void tst_LiveChartWidget::waitForIdleFrame(LiveChartWidget *chart)
{
    if (!chart)
        chart = m_chart;
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isFramePending(), kFrameTimeoutMs);
}

// Following live, the range ends just after now: rounded up to a second,
// or to a pixel's worth of time when that is longer.
void tst_LiveChartWidget::verifyFollowing(qint64 newestMs)
{
    const qint64 step = std::max<qint64>(1000, m_time->windowMs() / qint64(m_chart->chart()->plotArea().width()));
    const qint64 to = m_chart->visibleToMs();
    QVERIFY2(to > newestMs && to <= newestMs + step, qPrintable(QStringLiteral("ends %1 ms after the newest point").arg(to - newestMs)));
    QCOMPARE(to - m_chart->visibleFromMs(), m_time->windowMs());
}

void tst_LiveChartWidget::dragOnPlot(Qt::MouseButton button, double fromFraction, double toFraction)
{
    ChartView *view = m_chart->view();
    const QRectF plot = m_chart->chart()->plotArea();
    const int y = int(plot.center().y());
    const QPoint from(int(plot.left() + plot.width() * fromFraction), y);
    const QPoint to(int(plot.left() + plot.width() * toFraction), y);
    QTest::mousePress(view->viewport(), button, {}, from);
    QTest::mouseMove(view->viewport(), to);
    QTest::mouseRelease(view->viewport(), button, {}, to);
}

// Moves the mouse over the plot at x. Via a neighbouring pixel: Qt drops a
// move to where the cursor already is, and an earlier test may have left it there.
void tst_LiveChartWidget::hoverAt(ChartView *view, int x)
{
    const int y = int(m_chart->chart()->plotArea().center().y());
    QTest::mouseMove(view->viewport(), QPoint(x + 3, y));
    QTest::mouseMove(view->viewport(), QPoint(x, y));
}

void tst_LiveChartWidget::pointsReachTheChartAtDeviceTime()
{
    m_chart->setDevicePatterns({QStringLiteral("d1"), QStringLiteral("d2")});
    feed(QStringLiteral("d1"), 0, 9);
    feed(QStringLiteral("d2"), 0, 9, 60);
    waitForIdleFrame();
    QCOMPARE(m_chart->shownSeries(), (QList<ChartSeriesKey>{{QStringLiteral("d1"), kField}, {QStringLiteral("d2"), kField}}));
    QVERIFY(m_chart->frameCount() > 0);
    QVERIFY(!m_chart->isDrawingBuckets());
    QCOMPARE(nonEmptySeries(m_chart->chart()), 2);
    for (QLineSeries *s : lineSeries(m_chart->chart())) {
        QCOMPARE(s->count(), 10);
        QCOMPARE(qint64(s->at(0).x()), m_t0); // device timestamps, not arrival time
        QCOMPARE(qint64(s->at(9).x()), m_t0 + 4500);
    }
    QVERIFY(m_time->isFollowing());
    verifyFollowing(m_t0 + 4500); // the axis follows the clock
    QCOMPARE(m_chart->visibleToMs() - m_chart->visibleFromMs(), 5 * kMinuteMs);
}

void tst_LiveChartWidget::redrawsAreCoalescedPerFrame()
{
    m_now = m_t0 + 200000;
    m_chart->setDevicePatterns({QStringLiteral("d1"), QStringLiteral("d2")});
    feed(QStringLiteral("d1"), 0, 0);
    feed(QStringLiteral("d2"), 0, 0);
    waitForIdleFrame();
    const QList<QLineSeries *> series = lineSeries(m_chart->chart());
    QCOMPARE(series.size(), 2);
    int replaced = 0;
    for (QLineSeries *s : series)
        connect(s, &QXYSeries::pointsReplaced, this, [&replaced] { ++replaced; });
    QSignalSpy frames(m_chart, &LiveChartWidget::frameRendered);

    // 400 events delivered without returning to the event loop: one frame.
    int events = 0;
    for (int i = 1; i <= 200; ++i) {
        feed(QStringLiteral("d1"), i, i);
        feed(QStringLiteral("d2"), i, i);
        events += 2;
    }
    QCOMPARE(replaced, 0); // nothing is drawn per event
    waitForIdleFrame();
    QCOMPARE(frames.size(), 1);
    QCOMPARE(replaced, 2); // each series once in that frame

    // Events spread over event-loop turns: never more than one replace per
    // series per frame, and far fewer frames than events.
    frames.clear();
    replaced = 0;
    int next = 201;
    QTimer feeder;
    feeder.setInterval(1);
    connect(&feeder, &QTimer::timeout, this, [&] {
        if (next > 400) {
            feeder.stop();
            return;
        }
        feed(QStringLiteral("d1"), next, next);
        ++next;
    });
    feeder.start();
    constexpr int kFeedTimeoutMs = 20000;
    QTRY_VERIFY_WITH_TIMEOUT(!feeder.isActive(), kFeedTimeoutMs);
    waitForIdleFrame();
    QVERIFY(!frames.isEmpty());
    QVERIFY2(replaced <= frames.size() * 2, qPrintable(QStringLiteral("%1 replaces in %2 frames").arg(replaced).arg(frames.size())));
    QVERIFY2(frames.size() < 200, qPrintable(QStringLiteral("%1 frames for 200 events").arg(frames.size())));
    QCOMPARE(lineSeries(m_chart->chart()).at(0)->count(), 401);
}

void tst_LiveChartWidget::pauseFreezesAndResumeCatchesUp()
{
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 9);
    m_now = m_t0 + 10000; // the frozen range holds the points to come
    waitForIdleFrame();
    m_time->setPaused(true);
    waitForIdleFrame(); // the pause itself may draw the range it froze
    const int framesBefore = m_chart->frameCount();
    feed(QStringLiteral("d1"), 10, 19);
    // Frames only come from the frame timer, and paused new points do not start it.
    QVERIFY(!m_chart->isFramePending());
    QCoreApplication::processEvents();
    QCOMPARE(m_chart->frameCount(), framesBefore);
    QCOMPARE(lineSeries(m_chart->chart()).at(0)->count(), 10);
    m_time->setPaused(false);
    waitForIdleFrame();
    QCOMPARE(lineSeries(m_chart->chart()).at(0)->count(), 20);
}

void tst_LiveChartWidget::zoomKeepsPositionWhileDataArrives()
{
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    m_time->setLiveWindow(kMinuteMs);
    feed(QStringLiteral("d1"), 0, 119);
    waitForIdleFrame();
    // Drag with the left button across the middle of the plot: zoom in.
    QSignalSpy modes(m_time, &WorkspaceTime::modeChanged);
    dragOnPlot(Qt::LeftButton, 0.4, 0.6);
    QCOMPARE(modes.size(), 1);
    QVERIFY(!m_time->isLive()); // the whole workspace shows the absolute range
    const qint64 zoomFrom = m_time->fromMs();
    const qint64 zoomTo = m_time->toMs();
    QVERIFY(zoomTo - zoomFrom < 60000 * 0.3);
    QVERIFY(zoomTo - zoomFrom > 60000 * 0.1);
    waitForIdleFrame();
    QCOMPARE(m_chart->visibleFromMs(), zoomFrom);
    QCOMPARE(m_chart->visibleToMs(), zoomTo);
    // Data keeps arriving: it is stored and drawn, but the view stays put.
    feed(QStringLiteral("d1"), 120, 239);
    waitForIdleFrame();
    QCOMPARE(m_chart->visibleFromMs(), zoomFrom);
    QCOMPARE(m_chart->visibleToMs(), zoomTo);
    QCOMPARE(m_store->newestMs(QStringLiteral("d1")), m_t0 + 239 * 500);
    QVERIFY(m_store->oldestMs(QStringLiteral("d1")) <= zoomFrom); // what the zoom shows is kept
    // Keyboard zoom narrows around the centre, still not following.
    ChartView *view = m_chart->view();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Plus);
    QVERIFY(m_time->spanMs() < zoomTo - zoomFrom);
    QVERIFY(!m_time->isLive());
    // Zooming in stops at 2 s.
    for (int i = 0; i < 30; ++i)
        QTest::keyClick(view, Qt::Key_Plus);
    QCOMPARE(m_time->spanMs(), 2000);
}

void tst_LiveChartWidget::panWithTheMouse()
{
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    m_time->setLiveWindow(kMinuteMs);
    feed(QStringLiteral("d1"), 0, 239);
    waitForIdleFrame();
    const qint64 span = m_chart->visibleToMs() - m_chart->visibleFromMs();
    const qint64 before = m_chart->visibleFromMs();
    dragOnPlot(Qt::RightButton, 0.3, 0.55);
    // Dragging to the right shows older data by about a quarter of the span.
    const qint64 moved = before - m_time->fromMs();
    QVERIFY2(moved > span * 0.2 && moved < span * 0.3, qPrintable(QString::number(moved)));
    QCOMPARE(m_time->spanMs(), span);
    QVERIFY(!m_time->isLive());
    // Keys pan by a tenth.
    const qint64 from = m_time->fromMs();
    m_chart->view()->setFocus();
    QTest::keyClick(m_chart->view(), Qt::Key_Left);
    QCOMPARE(m_time->fromMs(), from - span / 10);
}

void tst_LiveChartWidget::backToLive()
{
    // The Back to live button is the workspace's now; End and a double-click
    // on the chart still get there.
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 99);
    waitForIdleFrame();
    m_time->setAbsoluteRange(m_t0, m_t0 + 10000);
    feed(QStringLiteral("d1"), 100, 199);
    waitForIdleFrame();
    QCOMPARE(m_chart->visibleToMs(), m_t0 + 10000);
    m_chart->view()->setFocus();
    QTest::keyClick(m_chart->view(), Qt::Key_End);
    QVERIFY(m_time->isFollowing());
    waitForIdleFrame();
    verifyFollowing(m_t0 + 199 * 500);
    // Double-click is the mouse way back.
    m_time->setAbsoluteRange(m_t0, m_t0 + 10000);
    const QPoint center = m_chart->view()->viewport()->rect().center();
    QTest::mouseDClick(m_chart->view()->viewport(), Qt::LeftButton, {}, center);
    QVERIFY(m_time->isFollowing());
    // QTest's double-click ends with the button down (press, double-click):
    // let it go, or later tests' mouse moves go to this chart's grab.
    QTest::mouseRelease(m_chart->view()->viewport(), Qt::LeftButton, {}, center);
}

void tst_LiveChartWidget::windowChoices_data()
{
    QTest::addColumn<int>("minutes");
    for (int m : WorkspaceTime::windowChoicesMinutes())
        QTest::newRow(qPrintable(QStringLiteral("%1 min").arg(m))) << m;
}

void tst_LiveChartWidget::windowChoices()
{
    QFETCH(int, minutes);
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 199); // 100 s of data at 2 Hz
    QSignalSpy bucketsNeeded(m_chart, &LiveChartWidget::bucketsNeeded);
    m_time->setAbsoluteRange(m_t0, m_t0 + 5000);
    waitForIdleFrame();
    m_time->setLiveWindow(qint64(minutes) * kMinuteMs); // choosing a window also returns to live
    QVERIFY(m_time->isFollowing());
    waitForIdleFrame();
    QCOMPARE(m_chart->visibleToMs() - m_chart->visibleFromMs(), qint64(minutes) * kMinuteMs);
    const int columns = int(m_chart->chart()->plotArea().width());
    if (qint64(minutes) * kMinuteMs / 500 > columns) {
        // More points than pixel columns: drawn from buckets, asked for.
        QVERIFY(m_chart->isDrawingBuckets());
        QVERIFY(lineSeries(m_chart->chart()).isEmpty());
        QCOMPARE(bucketsNeeded.size(), 1);
        return;
    }
    QVERIFY(!m_chart->isDrawingBuckets());
    QVERIFY(bucketsNeeded.isEmpty());
    // Only points inside the window (plus a neighbour to reach each edge) are drawn.
    int inWindow = 0;
    for (int i = 0; i < 200; ++i)
        inWindow += m_t0 + i * 500 >= m_chart->visibleFromMs() && m_t0 + i * 500 <= m_chart->visibleToMs() ? 1 : 0;
    QVERIFY(inWindow >= std::min(200, minutes * 120 - 2));
    const int drawn = lineSeries(m_chart->chart()).at(0)->count();
    QVERIFY2(drawn >= inWindow && drawn <= inWindow + 2, qPrintable(QStringLiteral("%1 drawn, %2 in window").arg(drawn).arg(inWindow)));
}

void tst_LiveChartWidget::gapBreaksTheLine()
{
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 19);
    feed(QStringLiteral("d1"), 40, 59); // 10 s missing
    waitForIdleFrame();
    QCOMPARE(nonEmptySeries(m_chart->chart()), 2);
    const auto gaps = m_chart->view()->gaps();
    QCOMPARE(gaps.size(), 1);
    QCOMPARE(gaps.at(0), (GapBand{m_t0 + 19 * 500, m_t0 + 40 * 500, QStringLiteral("d1")}));
    // Both runs share one colour and one legend entry.
    const QList<QLineSeries *> series = lineSeries(m_chart->chart());
    QCOMPARE(series.at(0)->color(), series.at(1)->color());
    int visibleMarkers = 0;
    for (QLegendMarker *marker : m_chart->chart()->legend()->markers())
        visibleMarkers += marker->isVisible() ? 1 : 0;
    QCOMPARE(visibleMarkers, 1);
    // History that fills the gap joins the line again.
    QList<TelemetryData> history;
    for (int i = 20; i < 40; ++i)
        history.append(point(QStringLiteral("d1"), m_t0 + i * 500, 40 + i));
    m_store->mergeHistory(QStringLiteral("d1"), history);
    waitForIdleFrame();
    QCOMPARE(nonEmptySeries(m_chart->chart()), 1);
    QVERIFY(m_chart->view()->gaps().isEmpty());
}

void tst_LiveChartWidget::yAxisFitsTheData_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    QTest::addColumn<double>("axisMin");
    QTest::addColumn<double>("axisMax");
    QTest::newRow("percent from 0 to 100 stays within 0..100") << QStringLiteral("gpu_util_pct") << 0.0 << 100.0 << 0.0 << 100.0;
    QTest::newRow("temperatures get a nice tight range") << QStringLiteral("cpu_temp_c") << 42.3 << 47.9 << 42.0 << 50.0;
    QTest::newRow("non-negative data keeps zero as floor") << QStringLiteral("power_mw") << 0.0 << 5100.0 << 0.0 << 6000.0;
    QTest::newRow("negative values") << QStringLiteral("offset_mv") << -3.0 << 2.0 << -4.0 << 4.0;
}

void tst_LiveChartWidget::yAxisFitsTheData()
{
    QFETCH(QString, field);
    QFETCH(double, low);
    QFETCH(double, high);
    QFETCH(double, axisMin);
    QFETCH(double, axisMax);
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    m_now = m_t0 + 10000;
    for (int i = 0; i < 20; ++i)
        m_store->addPoint(point(QStringLiteral("d1"), m_t0 + i * 500, i % 2 ? high : low, field));
    waitForIdleFrame();
    QCOMPARE(m_chart->chart()->axes(Qt::Vertical).size(), 1); // one unit, one axis
    auto *axis = qobject_cast<QValueAxis *>(m_chart->chart()->axes(Qt::Vertical).constFirst());
    QVERIFY(axis);
    QCOMPARE(axis, m_chart->leftAxis());
    QCOMPARE(axis->min(), axisMin);
    QCOMPARE(axis->max(), axisMax);
    QCOMPARE(axis->titleText(), fieldUnit(field));
}

void tst_LiveChartWidget::aBurstDenserThanThePixelsIsDecimatedKeepingSpikes()
{
    // The device sends once a second, so 5 minutes are drawn from points;
    // history of an earlier burst at 50 Hz holds more points than pixels.
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    QList<TelemetryData> history;
    for (int i = 0; i < 10000; ++i) // 200 s at 20 ms, one spike
        history.append(point(QStringLiteral("d1"), m_t0 + i * 20, i == 4000 ? 500.0 : 40.0 + (i % 7)));
    for (int i = 1; i <= 90; ++i)
        history.append(point(QStringLiteral("d1"), m_t0 + 200000 + i * 1000, 45.0));
    m_now = m_t0 + 290000;
    m_store->mergeHistory(QStringLiteral("d1"), history);
    waitForIdleFrame();
    QVERIFY(!m_chart->isDrawingBuckets());
    const int columns = int(m_chart->chart()->plotArea().width());
    QLineSeries *line = lineSeries(m_chart->chart()).at(0);
    QVERIFY2(line->count() <= columns * 4, qPrintable(QStringLiteral("%1 points for %2 px").arg(line->count()).arg(columns)));
    QVERIFY(line->count() >= columns / 2); // the burst covers two thirds of the plot
    double highest = 0;
    for (const QPointF &p : line->points())
        highest = std::max(highest, p.y());
    QCOMPARE(highest, 500.0);
    QCOMPARE(qint64(line->at(line->count() - 1).x()), m_t0 + 290000);
    // The export still holds every point of the window.
    int inWindow = 0;
    for (const TelemetryData &p : std::as_const(history))
        inWindow += p.tsMs >= m_chart->visibleFromMs() ? 1 : 0;
    QVERIFY(inWindow >= 10000);
    QCOMPARE(m_chart->visibleWindowCsv().count(QLatin1Char('\n')), 1 + inWindow);
}

void tst_LiveChartWidget::csvExport()
{
    m_chart->setDevicePatterns({QStringLiteral("d1"), QStringLiteral("d2")});
    feed(QStringLiteral("d1"), 0, 19);
    feed(QStringLiteral("d2"), 0, 19, 100);
    waitForIdleFrame();
    m_time->setAbsoluteRange(m_t0 + 1000, m_t0 + 3000); // points 2..6 of each device
    waitForIdleFrame();
    const QString csv = m_chart->visibleWindowCsv();
    const QStringList lines = csv.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 2 * 5);
    QCOMPARE(lines.at(0), QStringLiteral("timestamp,device,field,value"));
    QCOMPARE(lines.at(1), QStringLiteral("%1,d1,cpu_temp_c,42").arg(formatTimestamp(m_t0 + 1000)));
    QCOMPARE(lines.at(10), QStringLiteral("%1,d2,cpu_temp_c,106").arg(formatTimestamp(m_t0 + 3000)));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("window.csv"));
    QString error;
    QVERIFY2(m_chart->exportCsv(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), csv);
    QVERIFY(!m_chart->exportCsv(dir.filePath(QStringLiteral("missing/dir/x.csv")), &error));
    QVERIFY(error.contains(QStringLiteral("Cannot write")));
}

void tst_LiveChartWidget::pngExport()
{
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 99);
    waitForIdleFrame();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("chart.png"));
    QString error;
    QVERIFY2(m_chart->exportPng(path, &error), qPrintable(error));
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), m_chart->view()->size() * m_chart->view()->devicePixelRatio());
    // Not blank: the line's colour is in the picture.
    const QColor line = lineSeries(m_chart->chart()).at(0)->color();
    bool found = false;
    for (int yy = 0; yy < image.height() && !found; ++yy)
        for (int xx = 0; xx < image.width() && !found; ++xx)
            found = image.pixelColor(xx, yy) == line;
    QVERIFY(found);
    QVERIFY(!m_chart->exportPng(dir.filePath(QStringLiteral("missing/dir/x.png")), &error));
    QVERIFY(error.contains(QStringLiteral("Cannot write")));
}

void tst_LiveChartWidget::valueUnderCursor()
{
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    m_time->setLiveWindow(kMinuteMs);
    feed(QStringLiteral("d1"), 0, 119);
    waitForIdleFrame();
    ChartView *view = m_chart->view();
    const int x = view->widgetXOf(m_t0 + 50 * 500);
    hoverAt(view, x);
    QTRY_VERIFY_WITH_TIMEOUT(std::llabs(m_time->crosshairMs() - (m_t0 + 50 * 500)) < 500, kFrameTimeoutMs); // the shared crosshair
    QTRY_VERIFY_WITH_TIMEOUT(!view->cursorReadout().isEmpty(), kFrameTimeoutMs);
    const QString expected = QStringLiteral("d1 · CPU temp  %1").arg(formatFieldValue(kField, 90));
    QVERIFY2(view->cursorReadout().contains(expected), qPrintable(view->cursorReadout()));
    m_time->clearCrosshair();
    QVERIFY(view->cursorReadout().isEmpty());
}

void tst_LiveChartWidget::seriesFollowThePatterns_data()
{
    QTest::addColumn<QStringList>("devices");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QStringList>("shownDevices");
    QTest::addColumn<int>("series");
    const QStringList all{QStringLiteral("cam-1"), QStringLiteral("d1"), QStringLiteral("d2")};
    QTest::newRow("empty patterns: every device and field") << QStringList() << QStringList() << all << 9;
    QTest::newRow("a device glob and one field")
        << QStringList{QStringLiteral("d*")} << QStringList{QStringLiteral("gpu_temp_c")}
        << QStringList{QStringLiteral("d1"), QStringLiteral("d2")} << 2;
    QTest::newRow("one device, a field glob")
        << QStringList{QStringLiteral("d1")} << QStringList{QStringLiteral("*_temp_c")} << QStringList{QStringLiteral("d1")} << 2;
    QTest::newRow("two patterns of each")
        << QStringList{QStringLiteral("cam-*"), QStringLiteral("d2")} << QStringList{QStringLiteral("power_mw"), QStringLiteral("cpu*")}
        << QStringList{QStringLiteral("cam-1"), QStringLiteral("d2")} << 4;
    QTest::newRow("a named device that has sent nothing yet")
        << QStringList{QStringLiteral("d9")} << QStringList() << QStringList{QStringLiteral("d9")} << 0;
    QTest::newRow("a glob that matches nothing") << QStringList{QStringLiteral("x*")} << QStringList() << QStringList() << 0;
}

void tst_LiveChartWidget::seriesFollowThePatterns()
{
    QFETCH(QStringList, devices);
    QFETCH(QStringList, fields);
    QFETCH(QStringList, shownDevices);
    QFETCH(int, series);
    m_now = m_t0 + 1000;
    for (const QString &device : {QStringLiteral("d1"), QStringLiteral("d2"), QStringLiteral("cam-1")}) {
        for (int i = 0; i < 2; ++i) {
            TelemetryData p = point(device, m_t0 + i * 500, 40);
            p.fields.insert(QStringLiteral("gpu_temp_c"), 50);
            p.fields.insert(QStringLiteral("power_mw"), 5000);
            m_store->addPoint(p);
        }
    }
    m_chart->setDevicePatterns(devices);
    m_chart->setFieldPatterns(fields);
    QCOMPARE(m_chart->devicePatterns(), devices);
    QCOMPARE(m_chart->fieldPatterns(), fields);
    waitForIdleFrame();
    QCOMPARE(m_chart->shownDevices(), shownDevices);
    QCOMPARE(m_chart->shownSeries().size(), series);
    QCOMPARE(nonEmptySeries(m_chart->chart()), series);
    for (const ChartSeriesKey &key : m_chart->shownSeries()) {
        QVERIFY(shownDevices.contains(key.deviceId));
        QVERIFY(matchesAnyNamePattern(fields, key.field));
    }
    // The legend names device · field, one entry per line.
    QStringList legend;
    for (QLegendMarker *marker : m_chart->chart()->legend()->markers())
        if (marker->isVisible())
            legend.append(marker->label());
    QCOMPARE(legend.size(), series);
    if (series > 0)
        QCOMPARE(legend.constFirst(), m_chart->seriesName(m_chart->shownSeries().constFirst()));
}

void tst_LiveChartWidget::legendSaysWhatTellsTheLinesApart_data()
{
    QTest::addColumn<QStringList>("devices");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QString>("firstName");
    QTest::newRow("one field, two devices: the device") << QStringList{QStringLiteral("d*")}
                                                       << QStringList{QStringLiteral("gpu_temp_c")} << QStringLiteral("d1");
    QTest::newRow("one device, two fields: the field") << QStringList{QStringLiteral("d1")}
                                                       << QStringList{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_temp_c")}
                                                       << QStringLiteral("GPU temp");
    QTest::newRow("both several: device and field")
            << QStringList{QStringLiteral("d*")} << QStringList{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_temp_c")}
            << QStringLiteral("d1 · GPU temp");
    QTest::newRow("one line: device and field") << QStringList{QStringLiteral("d1")}
                                                << QStringList{QStringLiteral("gpu_temp_c")} << QStringLiteral("d1 · GPU temp");
}

void tst_LiveChartWidget::legendSaysWhatTellsTheLinesApart()
{
    // Issue 14: "jetson-01 · GPU temp" in every entry elided to "jetso…".
    QFETCH(QStringList, devices);
    QFETCH(QStringList, fields);
    QFETCH(QString, firstName);
    m_now = m_t0 + 1000;
    for (const QString &device : {QStringLiteral("d1"), QStringLiteral("d2")}) {
        TelemetryData p = point(device, m_t0, 40);
        p.fields.insert(QStringLiteral("gpu_temp_c"), 50);
        p.fields.insert(QStringLiteral("cpu_temp_c"), 45);
        m_store->addPoint(p);
    }
    m_chart->setDevicePatterns(devices);
    m_chart->setFieldPatterns(fields);
    waitForIdleFrame();
    QVERIFY(!m_chart->shownSeries().isEmpty());
    QCOMPARE(m_chart->seriesName(m_chart->shownSeries().constFirst()), firstName);
    QStringList legend;
    for (QLegendMarker *marker : m_chart->chart()->legend()->markers())
        if (marker->isVisible())
            legend.append(marker->label());
    QVERIFY2(legend.contains(firstName), qPrintable(legend.join(QLatin1Char('|'))));
}

void tst_LiveChartWidget::devicesAndFieldsAreResolvedAsTheyAppear()
{
    m_chart->setDevicePatterns({QStringLiteral("jetson-*")});
    m_chart->setFieldPatterns({QStringLiteral("*_temp_c")});
    waitForIdleFrame();
    QVERIFY(m_chart->shownSeries().isEmpty());
    feed(QStringLiteral("jetson-01"), 0, 3);
    waitForIdleFrame();
    QCOMPARE(m_chart->shownSeries(), (QList<ChartSeriesKey>{{QStringLiteral("jetson-01"), kField}}));
    feed(QStringLiteral("other"), 0, 3); // not matched
    TelemetryData p = point(QStringLiteral("jetson-02"), m_t0 + 2000, 50, QStringLiteral("gpu_temp_c"));
    p.fields.insert(QStringLiteral("power_mw"), 5000); // not matched
    m_store->addPoint(p);
    waitForIdleFrame();
    QCOMPARE(m_chart->shownSeries(), (QList<ChartSeriesKey>{{QStringLiteral("jetson-01"), kField},
                                                            {QStringLiteral("jetson-02"), QStringLiteral("gpu_temp_c")}}));
    QCOMPARE(nonEmptySeries(m_chart->chart()), 2);
    // A line keeps its colour when another appears.
    const QColor first = lineSeries(m_chart->chart()).at(0)->color();
    m_store->addPoint(point(QStringLiteral("jetson-00"), m_t0 + 2000, 30));
    waitForIdleFrame();
    QCOMPARE(m_chart->shownSeries().size(), 3);
    for (QLineSeries *s : lineSeries(m_chart->chart()))
        if (s->name().startsWith(QStringLiteral("jetson-01")))
            QCOMPARE(s->color(), first);
}

void tst_LiveChartWidget::legendClickActivatesTheDevice()
{
    m_chart->setDevicePatterns({QStringLiteral("d1"), QStringLiteral("d2")});
    feed(QStringLiteral("d1"), 0, 3);
    feed(QStringLiteral("d2"), 0, 3);
    waitForIdleFrame();
    QSignalSpy activated(m_chart, &LiveChartWidget::deviceActivated);
    for (QLegendMarker *marker : m_chart->chart()->legend()->markers()) {
        if (marker->isVisible() && marker->label().startsWith(QStringLiteral("d2")))
            Q_EMIT marker->clicked(); // what QLegend does on a click on the entry
    }
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("d2"));
}

void tst_LiveChartWidget::twoUnitsGetTwoAxes()
{
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    m_chart->setFieldPatterns({QStringLiteral("cpu_temp_c"), QStringLiteral("power_mw")});
    m_now = m_t0 + 10000;
    for (int i = 0; i < 20; ++i) {
        TelemetryData p = point(QStringLiteral("d1"), m_t0 + i * 500, 40 + i % 3);
        p.fields.insert(QStringLiteral("power_mw"), 5000 + 10 * i);
        p.fields.insert(QStringLiteral("gpu_util_pct"), 30);
        m_store->addPoint(p);
    }
    waitForIdleFrame();
    QCOMPARE(m_chart->units(), (QStringList{QStringLiteral("°C"), QStringLiteral("mW")}));
    QCOMPARE(m_chart->chart()->axes(Qt::Vertical).size(), 2);
    QValueAxis *left = m_chart->leftAxis();
    QValueAxis *right = m_chart->rightAxis();
    QVERIFY(right);
    QVERIFY(right->alignment() == Qt::AlignRight);
    QCOMPARE(left->titleText(), QStringLiteral("°C"));
    QCOMPARE(right->titleText(), QStringLiteral("mW"));
    // Each line on the axis of its unit, each axis fitted to its lines.
    for (QLineSeries *s : lineSeries(m_chart->chart())) {
        const bool power = s->name().contains(fieldLabel(QStringLiteral("power_mw")));
        QCOMPARE(s->attachedAxes().contains(right), power);
        QCOMPARE(s->attachedAxes().contains(left), !power);
    }
    QVERIFY(left->min() <= 40 && left->max() >= 42 && left->max() < 100);
    QVERIFY(right->min() <= 5000 && right->max() >= 5190 && right->max() < 10000);

    // A third unit shares the right axis, and its legend entry says so.
    m_chart->setFieldPatterns({QStringLiteral("cpu_temp_c"), QStringLiteral("power_mw"), QStringLiteral("gpu_util_pct")});
    waitForIdleFrame();
    QCOMPARE(m_chart->chart()->axes(Qt::Vertical).size(), 2);
    QCOMPARE(m_chart->rightAxis()->titleText(), QStringLiteral("mW, %"));
    const QString util = m_chart->seriesName({QStringLiteral("d1"), QStringLiteral("gpu_util_pct")});
    QVERIFY2(util.contains(QStringLiteral("%, right axis")), qPrintable(util));
    QVERIFY(m_chart->seriesName({QStringLiteral("d1"), QStringLiteral("power_mw")}).contains(QStringLiteral("right axis")));
    QVERIFY(!m_chart->seriesName({QStringLiteral("d1"), kField}).contains(QStringLiteral("axis")));
    QCOMPARE(lineSeries(m_chart->chart()).size(), 3);

    // The patterns' order decides the left axis; one unit again: one axis.
    m_chart->setFieldPatterns({QStringLiteral("power_mw"), QStringLiteral("cpu_temp_c")});
    waitForIdleFrame();
    QCOMPARE(m_chart->leftAxis()->titleText(), QStringLiteral("mW"));
    m_chart->setFieldPatterns({QStringLiteral("*_temp_c")});
    waitForIdleFrame();
    QVERIFY(!m_chart->rightAxis());
    QCOMPARE(m_chart->chart()->axes(Qt::Vertical).size(), 1);
}

void tst_LiveChartWidget::crosshairIsSharedBetweenCharts()
{
    // Two charts of one workspace: the second shows another field.
    LiveChartWidget other(m_store, m_buckets, m_time);
    other.setFieldPatterns({QStringLiteral("power_mw")});
    other.resize(900, 300);
    other.show();
    QVERIFY(QTest::qWaitForWindowExposed(&other));
    m_chart->setFieldPatterns({kField});
    m_time->setLiveWindow(kMinuteMs);
    m_now = m_t0 + 59500;
    for (int i = 0; i < 120; ++i) {
        TelemetryData p = point(QStringLiteral("d1"), m_t0 + i * 500, 40 + i);
        p.fields.insert(QStringLiteral("power_mw"), 5000 + i);
        m_store->addPoint(p);
    }
    waitForIdleFrame();
    waitForIdleFrame(&other);
    ChartView *view = m_chart->view();
    const int x = view->widgetXOf(m_t0 + 50 * 500);
    hoverAt(view, x);
    QTRY_VERIFY_WITH_TIMEOUT(std::llabs(m_time->crosshairMs() - (m_t0 + 50 * 500)) < 500, kFrameTimeoutMs);
    // The other chart draws the line with the values of its own series.
    const QString expected = QStringLiteral("d1 · %1  %2").arg(fieldLabel(QStringLiteral("power_mw")),
                                                              formatFieldValue(QStringLiteral("power_mw"), 5050));
    QVERIFY2(other.view()->cursorReadout().contains(expected), qPrintable(other.view()->cursorReadout()));
    QVERIFY(!other.view()->cursorReadout().contains(fieldLabel(kField)));
    // Leaving the plot clears it everywhere.
    QTest::mouseMove(view->viewport(), QPoint(2, 2));
    QTRY_COMPARE_WITH_TIMEOUT(m_time->crosshairMs(), 0, kFrameTimeoutMs);
    QVERIFY(other.view()->cursorReadout().isEmpty());
    QVERIFY(view->cursorReadout().isEmpty());
}

void tst_LiveChartWidget::zoomInOneChartMovesTheOther()
{
    LiveChartWidget other(m_store, m_buckets, m_time);
    other.resize(900, 300);
    other.show();
    QVERIFY(QTest::qWaitForWindowExposed(&other));
    m_time->setLiveWindow(kMinuteMs);
    feed(QStringLiteral("d1"), 0, 119);
    waitForIdleFrame();
    waitForIdleFrame(&other);
    QCOMPARE(other.visibleFromMs(), m_chart->visibleFromMs()); // live, both show the window
    QVERIFY(m_time->isLive());
    // The wheel over the first chart zooms in around the pointer.
    ChartView *view = m_chart->view();
    const QPoint at(view->widgetXOf(m_t0 + 30000), int(m_chart->chart()->plotArea().center().y()));
    QWheelEvent wheel(at, view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(view->viewport(), &wheel);
    QCOMPARE(m_time->mode(), WorkspaceTime::Mode::Absolute);
    QVERIFY(m_time->spanMs() < kMinuteMs);
    waitForIdleFrame(&other);
    QCOMPARE(other.visibleFromMs(), m_time->fromMs());
    QCOMPARE(other.visibleToMs(), m_time->toMs());
    // ...and panning the other moves the first.
    const qint64 toBefore = m_time->toMs();
    other.view()->setFocus();
    QTest::keyClick(other.view(), Qt::Key_Right);
    QCOMPARE(m_time->toMs(), toBefore + m_time->spanMs() / 10);
    waitForIdleFrame();
    QCOMPARE(m_chart->visibleFromMs(), m_time->fromMs());
    QCOMPARE(m_chart->visibleToMs(), m_time->toMs());
}

void tst_LiveChartWidget::roundTicks_data()
{
    QTest::addColumn<qint64>("windowMs");
    QTest::addColumn<qint64>("step");
    QTest::addColumn<QString>("format");
    // A 900 px chart fits 8 ticks.
    QTest::newRow("1 min: every 10 s") << kMinuteMs << qint64(10000) << QStringLiteral("HH:mm:ss");
    QTest::newRow("5 min: every minute") << 5 * kMinuteMs << kMinuteMs << QStringLiteral("HH:mm");
    QTest::newRow("15 min: every 2 minutes") << 15 * kMinuteMs << 2 * kMinuteMs << QStringLiteral("HH:mm");
    QTest::newRow("60 min: every 10 minutes") << 60 * kMinuteMs << 10 * kMinuteMs << QStringLiteral("HH:mm");
    QTest::newRow("24 h: every 3 hours") << 24 * 60 * kMinuteMs << 3 * 60 * kMinuteMs << QStringLiteral("HH:mm");
}

void tst_LiveChartWidget::roundTicks()
{
    QFETCH(qint64, windowMs);
    QFETCH(qint64, step);
    QFETCH(QString, format);
    m_chart->setUtc(true);
    QVERIFY(m_chart->isUtc());
    m_now = m_t0 + 12345; // not on any round time
    m_time->setLiveWindow(windowMs);
    waitForIdleFrame();
    const qint64 from = m_chart->visibleFromMs();
    const qint64 to = m_chart->visibleToMs();
    QCOMPARE(m_chart->xTickStepMs(), step);
    QCOMPARE(LiveChartWidget::tickStepMs(to - from, 8), step);
    const QList<qint64> ticks = m_chart->xTickPositions();
    QVERIFY2(ticks.size() >= 5 && ticks.size() <= 9, qPrintable(QString::number(ticks.size())));
    QVERIFY(ticks.constFirst() - from < step); // the first tick is the first multiple in range
    for (qint64 tick : ticks) {
        QCOMPARE(tick % step, 0); // on a multiple of the step
        QVERIFY(tick >= from && tick <= to);
    }
    // The labels sit on the ticks and read as times (a new day by its date).
    auto *axis = qobject_cast<QCategoryAxis *>(m_chart->chart()->axes(Qt::Horizontal).constFirst());
    QVERIFY(axis);
    const QStringList labels = axis->categoriesLabels();
    QCOMPARE(labels.size(), ticks.size());
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        QCOMPARE(axis->endValue(labels.at(i)), double(ticks.at(i)));
        const QDateTime time = QDateTime::fromMSecsSinceEpoch(ticks.at(i), QTimeZone::utc());
        if (time.time() != QTime(0, 0)) // (a whole day's last label also names its day)
            QVERIFY2(labels.at(i).endsWith(time.toString(format)), qPrintable(labels.at(i)));
    }
}

void tst_LiveChartWidget::ticksInLocalTime()
{
    // Local ticks fall on local round times: 6-hour ticks on local midnight
    // and noon, whatever the zone's offset.
    const qint64 from = m_t0;
    const qint64 to = m_t0 + 24 * 60 * kMinuteMs;
    const qint64 step = 6 * 60 * kMinuteMs;
    const QList<qint64> ticks = LiveChartWidget::tickPositions(from, to, step, false);
    QCOMPARE(ticks.size(), 4);
    const int offset = QDateTime::fromMSecsSinceEpoch(from).offsetFromUtc();
    for (qint64 tick : ticks) {
        if (QDateTime::fromMSecsSinceEpoch(tick).offsetFromUtc() != offset)
            continue; // after a daylight-saving change (see tickPositions)
        const QTime local = QDateTime::fromMSecsSinceEpoch(tick).time();
        QCOMPARE(local.minute(), 0);
        QCOMPARE(local.hour() % 6, 0);
    }
    QCOMPARE(LiveChartWidget::roundStepAtLeast(1), qint64(1000));
    QCOMPARE(LiveChartWidget::roundStepAtLeast(1001), qint64(2000));
    QCOMPARE(LiveChartWidget::roundStepAtLeast(7 * 24 * 60 * kMinuteMs), 24 * 60 * kMinuteMs);
    QVERIFY(LiveChartWidget::tickPositions(to, from, step, true).isEmpty());
}

void tst_LiveChartWidget::aDayIsDrawnFromBuckets()
{
    const QString d1 = QStringLiteral("d1");
    m_chart->setDevicePatterns({d1});
    // Five minutes of live points at 1 Hz in the store.
    m_now = m_t0 + 300000;
    for (int i = 0; i < 300; ++i)
        m_store->addPoint(point(d1, m_t0 + i * 1000, 40));
    waitForIdleFrame();
    QVERIFY(!m_chart->isDrawingBuckets());

    QSignalSpy bucketsNeeded(m_chart, &LiveChartWidget::bucketsNeeded);
    QSignalSpy historyNeeded(m_chart, &LiveChartWidget::historyNeeded);
    m_time->setLiveWindow(24 * 60 * kMinuteMs);
    waitForIdleFrame();
    // 86,400 points for some 800 pixel columns: buckets, never raw points.
    QVERIFY(m_chart->isDrawingBuckets());
    QVERIFY(lineSeries(m_chart->chart()).isEmpty());
    QVERIFY(historyNeeded.isEmpty());
    QCOMPARE(bucketsNeeded.size(), 1);
    const QStringList devices = bucketsNeeded.at(0).at(0).toStringList();
    const qint64 from = bucketsNeeded.at(0).at(1).toLongLong();
    const qint64 to = bucketsNeeded.at(0).at(2).toLongLong();
    const qint64 stepMs = bucketsNeeded.at(0).at(3).toInt() * 1000LL;
    QCOMPARE(devices, QStringList{d1});
    // About one bucket per pixel column, on a round step the range is aligned to.
    const int columns = int(m_chart->chart()->plotArea().width());
    QVERIFY(LiveChartWidget::roundStepsMs().contains(stepMs));
    QVERIFY(stepMs >= 24 * 60 * kMinuteMs / columns);
    QVERIFY(stepMs < 3 * 24 * 60 * kMinuteMs / columns);
    QCOMPARE(from % stepMs, 0);
    QCOMPARE(to % stepMs, 0);
    QVERIFY(from <= m_chart->visibleFromMs() && to >= m_chart->visibleToMs());
    waitForIdleFrame();
    QCOMPARE(bucketsNeeded.size(), 1); // asked once

    // The wiring loads them: a day at 1 Hz with one spike, an hour missing.
    QList<TelemetryData> day;
    for (qint64 t = from; t < m_now; t += 1000) {
        if (t > m_now - 10 * 60 * kMinuteMs && t < m_now - 9 * 60 * kMinuteMs)
            continue;
        day.append(point(d1, t, t == from + 5000 * 1000 ? 500.0 : 40.0 + (t / 1000) % 7));
    }
    const HistoryBucketPage page = bucketsOf(day, stepMs);
    QVERIFY(m_buckets->mergeBuckets(d1, page) > 0);
    waitForIdleFrame();
    QVERIFY(lineSeries(m_chart->chart()).isEmpty());
    const QList<QAbstractSeries *> bands = seriesNamed(m_chart->chart(), QStringLiteral("band"));
    const QList<QAbstractSeries *> means = seriesNamed(m_chart->chart(), QStringLiteral("mean"));
    QCOMPARE(bands.size(), 2); // broken at the missing hour
    QCOMPARE(means.size(), 2);
    int meanPoints = 0;
    double highest = 0;
    for (QAbstractSeries *s : bands)
        for (const QPointF &p : qobject_cast<QAreaSeries *>(s)->upperSeries()->points())
            highest = std::max(highest, p.y());
    for (QAbstractSeries *s : means)
        meanPoints += int(qobject_cast<QLineSeries *>(s)->count());
    QCOMPARE(highest, 500.0); // a spike survives in the band
    QVERIFY2(meanPoints <= columns + 2, qPrintable(QStringLiteral("%1 buckets for %2 px").arg(meanPoints).arg(columns)));
    QVERIFY(meanPoints >= columns / 3);
    // The band is translucent, in the mean line's colour.
    auto *band = qobject_cast<QAreaSeries *>(bands.at(0));
    QCOMPARE(band->brush().color().rgb(), qobject_cast<QLineSeries *>(means.at(0))->color().rgb());
    QVERIFY(band->brush().color().alphaF() < 0.5);
    // The missing hour is a "no data" band of the device.
    QCOMPARE(m_chart->view()->gaps().size(), 1);
    QCOMPARE(m_chart->view()->gaps().at(0).label, d1);
    QVERIFY(m_chart->view()->gaps().at(0).toMs - m_chart->view()->gaps().at(0).fromMs >= 60 * kMinuteMs - stepMs);
    // The readout under the cursor gives a bucket's mean and range.
    hoverAt(m_chart->view(), m_chart->view()->widgetXOf(m_now - 3 * 60 * kMinuteMs));
    QTRY_VERIFY2_WITH_TIMEOUT(m_chart->view()->cursorReadout().contains(QStringLiteral("d1 · CPU temp  ")),
                              qPrintable(m_chart->view()->cursorReadout()), kFrameTimeoutMs);
    QVERIFY(m_chart->view()->cursorReadout().contains(QStringLiteral(" – ")));
    const QString dir = qEnvironmentVariable("SIGHTLINE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(m_chart->renderImage().save(QDir(dir).filePath(QStringLiteral("chart-24h-buckets.png"))));
    m_time->clearCrosshair();
    // The export holds the buckets.
    const QStringList csv = m_chart->visibleWindowCsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(csv.constFirst(), QStringLiteral("timestamp,device,field,min,mean,max,count"));
    QVERIFY(csv.size() > meanPoints / 2);

    // A live point folds into the newest bucket: the live edge stays current.
    QVERIFY(m_buckets->addPoint(point(d1, m_now + 1, 300)));
    waitForIdleFrame();
    highest = 0;
    for (QAbstractSeries *s : seriesNamed(m_chart->chart(), QStringLiteral("band"))) {
        const QList<QPointF> upper = qobject_cast<QAreaSeries *>(s)->upperSeries()->points();
        if (!upper.isEmpty() && upper.constLast().x() > m_now - stepMs)
            highest = upper.constLast().y();
    }
    QCOMPARE(highest, 300.0);
}

void tst_LiveChartWidget::fiveMinutesAreDrawnFromPoints()
{
    const QString d1 = QStringLiteral("d1");
    m_chart->setDevicePatterns({d1});
    m_time->setLiveWindow(24 * 60 * kMinuteMs);
    waitForIdleFrame();
    QVERIFY(m_chart->isDrawingBuckets()); // nothing known yet: a second apart is assumed
    QSignalSpy bucketsNeeded(m_chart, &LiveChartWidget::bucketsNeeded);
    QSignalSpy historyNeeded(m_chart, &LiveChartWidget::historyNeeded);
    m_time->setLiveWindow(5 * kMinuteMs);
    waitForIdleFrame();
    QVERIFY(!m_chart->isDrawingBuckets());
    QVERIFY(seriesNamed(m_chart->chart(), QStringLiteral("band")).isEmpty());
    QVERIFY(bucketsNeeded.isEmpty());
    // The store holds nothing of the range: its history is asked for, once.
    QCOMPARE(historyNeeded.size(), 1);
    QCOMPARE(historyNeeded.at(0).at(0).toStringList(), QStringList{d1});
    QCOMPARE(historyNeeded.at(0).at(1).toLongLong(), m_chart->visibleFromMs());
    QCOMPARE(historyNeeded.at(0).at(2).toLongLong(), m_chart->visibleToMs());
    QList<TelemetryData> history;
    for (int i = 0; i < 300; ++i)
        history.append(point(d1, m_now - 299000 + i * 1000, 40));
    m_store->mergeHistory(d1, history);
    waitForIdleFrame();
    QCOMPARE(historyNeeded.size(), 1);
    QCOMPARE(lineSeries(m_chart->chart()).size(), 1);
    QVERIFY(lineSeries(m_chart->chart()).at(0)->count() >= 299);
}

// Records the regions the chart's viewport is asked to paint.
class PaintRecorder : public QObject
{
public:
    QList<QRegion> regions;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            regions.append(static_cast<QPaintEvent *>(event)->region());
        return QObject::eventFilter(watched, event);
    }
};

void tst_LiveChartWidget::aFrameRepaintsTheLinesNotTheAxes()
{
    // Browsing a fixed span, so the axes stay put while points arrive: a
    // frame must not repaint the whole view (axes, labels, legend), only
    // what the changed line covers (bench/ui: the cost of a frame).
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 20);
    waitForIdleFrame();
    m_time->setAbsoluteRange(m_t0, m_t0 + 60000);
    waitForIdleFrame();
    QWidget *viewport = m_chart->view()->viewport();
    m_chart->window()->repaint(); // paints what the range change left pending, now
    PaintRecorder recorder;
    viewport->installEventFilter(&recorder);
    QSignalSpy frames(m_chart, &LiveChartWidget::frameRendered);
    feed(QStringLiteral("d1"), 21, 21);
    QVERIFY(frames.wait(kFrameTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(!recorder.regions.isEmpty(), kFrameTimeoutMs);
    const QRegion painted = std::accumulate(recorder.regions.cbegin(), recorder.regions.cend(), QRegion());
    QVERIFY2(!QRegion(viewport->rect()).subtracted(painted).isEmpty(),
             qPrintable(QStringLiteral("repainted %1 of a %2 viewport").arg(QDebug::toString(painted.boundingRect()), QDebug::toString(viewport->rect()))));
    viewport->removeEventFilter(&recorder);
}

namespace {

class LayoutRequestCounter : public QObject
{
public:
    int count = 0;

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::LayoutRequest)
            ++count;
        return false;
    }
};

} // namespace

void tst_LiveChartWidget::aFrameKeepsTheChartLayout()
{
    // A point inside the axes' ranges changes a line, not the axes: the
    // frame must not lay the chart out again (measuring every label is most
    // of a frame's cost in bench/ui).
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 20); // values 40..60
    waitForIdleFrame();
    m_time->setAbsoluteRange(m_t0, m_t0 + 60000);
    waitForIdleFrame();
    QCoreApplication::sendPostedEvents(); // the layout the range change asked for
    LayoutRequestCounter counter;
    m_chart->chart()->installEventFilter(&counter);
    QSignalSpy frames(m_chart, &LiveChartWidget::frameRendered);
    for (int i = 21; i <= 25; ++i) {
        feed(QStringLiteral("d1"), i, i, 30); // values 51..55
        QVERIFY(frames.wait(kFrameTimeoutMs));
    }
    QCoreApplication::sendPostedEvents();
    QCOMPARE(frames.size(), 5);
    QCOMPARE(counter.count, 0);
}

void tst_LiveChartWidget::aChangeAfterAQuietSpellIsDrawnAtOnce()
{
    // The frame timer caps the rate; it must not delay a lone point by a
    // whole frame interval.
    m_chart->setDevicePatterns({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 5);
    m_now = m_t0 + 5000;
    waitForIdleFrame();
    QElapsedTimer quiet;
    quiet.start();
    QTRY_VERIFY(quiet.elapsed() > 2 * LiveChartWidget::kFrameIntervalMs); // no frame is due now
    QSignalSpy frames(m_chart, &LiveChartWidget::frameRendered);
    feed(QStringLiteral("d1"), 6, 6);
    QVERIFY(m_chart->isFramePending());
    QCoreApplication::processEvents(); // one turn of the event loop
    QCOMPARE(frames.size(), 1);
}

void tst_LiveChartWidget::theStoreKeepsWhatTheWorkspaceShows()
{
    // The wiring calls keepWhatTimeShows (init() wires it as the controller does);
    // the chart asks for the history of what its range lacks.
    const QString d1 = QStringLiteral("d1");
    m_chart->setDevicePatterns({d1});
    m_time->setLiveWindow(kMinuteMs);
    // Live: the window and a tenth more (the point before the left edge).
    QCOMPARE(m_store->retentionMs(), 66000);
    QCOMPARE(m_store->keepSinceMs(), 0);
    feed(d1, 0, 599); // 5 minutes at 2 Hz
    QCOMPARE(m_store->oldestMs(d1), m_t0 + 599 * 500 - 66000);
    waitForIdleFrame();

    // Looking back: the range is asked for (the wiring loads its history)
    // and what it shows is kept, however old.
    QSignalSpy historyNeeded(m_chart, &LiveChartWidget::historyNeeded);
    const qint64 from = m_t0 - 120000;
    m_time->setAbsoluteRange(from, from + 60000);
    QCOMPARE(m_store->keepSinceMs(), from - 6000);
    waitForIdleFrame();
    QCOMPARE(historyNeeded.size(), 1);
    QCOMPARE(historyNeeded.at(0).at(0).toStringList(), QStringList{d1});
    QCOMPARE(historyNeeded.at(0).at(1).toLongLong(), from);
    QCOMPARE(historyNeeded.at(0).at(2).toLongLong(), from + 60000);
    QList<TelemetryData> history;
    for (int i = -240; i < 600; ++i)
        history.append(point(d1, m_t0 + i * 500, 20.0 + i % 5));
    QCOMPARE(m_store->mergeHistory(d1, history), 240 + 600 - 133);
    QCOMPARE(m_store->oldestMs(d1), m_t0 - 120000);
    waitForIdleFrame();
    QCOMPARE(nonEmptySeries(m_chart->chart()), 1);
    QVERIFY(lineSeries(m_chart->chart()).at(0)->count() > 100);
    QCOMPARE(historyNeeded.size(), 1); // the store holds it now

    // Back to live: the store forgets what the window does not show.
    m_time->backToLive();
    QCOMPARE(m_store->keepSinceMs(), 0);
    QCOMPARE(m_store->oldestMs(d1), m_t0 + 599 * 500 - 66000);
    waitForIdleFrame();
    verifyFollowing(m_t0 + 599 * 500);
    QCOMPARE(historyNeeded.size(), 1); // the live window is held

    // Paused, the frozen picture is kept while data keeps arriving; a longer
    // window keeps more from then on.
    m_time->setPaused(true);
    const qint64 frozenFrom = m_time->fromMs();
    QCOMPARE(m_store->keepSinceMs(), frozenFrom - 6000);
    feed(d1, 600, 899);
    QVERIFY(m_store->oldestMs(d1) <= frozenFrom);
    m_time->setPaused(false);
    QCOMPARE(m_store->oldestMs(d1), m_t0 + 899 * 500 - 66000);
    m_time->setLiveWindow(15 * kMinuteMs);
    QCOMPARE(m_store->retentionMs(), 15 * 66000);
}

QTEST_MAIN(tst_LiveChartWidget)
#include "tst_livechartwidget.moc"
