#include "telemetry/seriesstore.h"
#include "ui/chartview.h"
#include "ui/livechartwidget.h"

#include <QChart>
#include <QValueAxis>
#include <QDateTime>
#include <QElapsedTimer>
#include <QImage>
#include <QLineSeries>
#include <QPaintEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <numeric>

using namespace Sightline;

namespace {

constexpr int kFrameTimeoutMs = 10000; // generous: CI runs on a loaded 2-core machine
const QString kField = QStringLiteral("cpu_temp_c");

TelemetryData point(const QString &device, qint64 tMs, double value)
{
    TelemetryData p;
    p.deviceId = device;
    p.tsMs = tMs;
    p.fields.insert(kField, value);
    return p;
}

QList<QLineSeries *> lineSeries(QChart *chart)
{
    QList<QLineSeries *> list;
    for (QAbstractSeries *s : chart->series())
        list.append(qobject_cast<QLineSeries *>(s));
    return list;
}

int nonEmptySeries(QChart *chart)
{
    int n = 0;
    for (QLineSeries *s : lineSeries(chart))
        n += s->count() > 0 ? 1 : 0;
    return n;
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
    void longWindowsAreDecimatedKeepingSpikes();
    void csvExport();
    void pngExport();
    void valueUnderCursor();
    void defaultField_data();
    void defaultField();
    void chosenFieldWinsOverTheDefault();
    void aFrameRepaintsTheLinesNotTheAxes();
    void aFrameKeepsTheChartLayout();
    void aChangeAfterAQuietSpellIsDrawnAtOnce();
    void theStoreKeepsWhatTheChartCanShow();

private:
    void feed(const QString &device, int first, int last, double base = 40);
    void waitForIdleFrame();
    void verifyFollowing(qint64 newestMs);

    qint64 m_t0 = 0;
    SeriesStore *m_store = nullptr;
    LiveChartWidget *m_chart = nullptr;
};

void tst_LiveChartWidget::init()
{
    m_t0 = QDateTime::currentMSecsSinceEpoch() - 600000;
    m_store = new SeriesStore;
    m_chart = new LiveChartWidget(m_store);
    m_chart->resize(900, 500);
    m_chart->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_chart));
}

void tst_LiveChartWidget::cleanup()
{
    delete m_chart;
    delete m_store;
}

// Points every 500 ms: index i at m_t0 + i * 500, value base + i.
void tst_LiveChartWidget::feed(const QString &device, int first, int last, double base)
{
    for (int i = first; i <= last; ++i)
        m_store->addPoint(point(device, m_t0 + i * 500, base + i));
}

void tst_LiveChartWidget::waitForIdleFrame()
{
    QTRY_VERIFY_WITH_TIMEOUT(!m_chart->isFramePending(), kFrameTimeoutMs);
}

// Following live, the window ends just after the newest point: rounded up
// to a second, or to a pixel's worth of time when that is longer.
void tst_LiveChartWidget::verifyFollowing(qint64 newestMs)
{
    const qint64 window = qint64(m_chart->windowMinutes()) * 60000;
    const qint64 step = std::max<qint64>(1000, window / qint64(m_chart->chart()->plotArea().width()));
    const qint64 to = m_chart->visibleToMs();
    QVERIFY2(to > newestMs && to <= newestMs + step, qPrintable(QStringLiteral("ends %1 ms after the newest point").arg(to - newestMs)));
}

void tst_LiveChartWidget::pointsReachTheChartAtDeviceTime()
{
    m_chart->setDevices({QStringLiteral("d1"), QStringLiteral("d2")});
    feed(QStringLiteral("d1"), 0, 9);
    feed(QStringLiteral("d2"), 0, 9, 60);
    QCOMPARE(m_chart->field(), kField);
    waitForIdleFrame();
    QVERIFY(m_chart->frameCount() > 0);
    QCOMPARE(nonEmptySeries(m_chart->chart()), 2);
    for (QLineSeries *s : lineSeries(m_chart->chart())) {
        QCOMPARE(s->count(), 10);
        QCOMPARE(qint64(s->at(0).x()), m_t0); // device timestamps, not arrival time
        QCOMPARE(qint64(s->at(9).x()), m_t0 + 4500);
    }
    QVERIFY(m_chart->isFollowingLive());
    verifyFollowing(m_t0 + 4500); // the axis follows the data
    QCOMPARE(m_chart->visibleToMs() - m_chart->visibleFromMs(), 5 * 60000);
}

void tst_LiveChartWidget::redrawsAreCoalescedPerFrame()
{
    m_chart->setDevices({QStringLiteral("d1"), QStringLiteral("d2")});
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
    m_chart->setDevices({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 9);
    waitForIdleFrame();
    m_chart->setPaused(true);
    const int framesBefore = m_chart->frameCount();
    feed(QStringLiteral("d1"), 10, 19);
    // Frames only come from the frame timer, and paused it does not run.
    QVERIFY(!m_chart->isFramePending());
    QCoreApplication::processEvents();
    QCOMPARE(m_chart->frameCount(), framesBefore);
    QCOMPARE(lineSeries(m_chart->chart()).at(0)->count(), 10);
    m_chart->setPaused(false);
    waitForIdleFrame();
    QCOMPARE(lineSeries(m_chart->chart()).at(0)->count(), 20);
}

void tst_LiveChartWidget::zoomKeepsPositionWhileDataArrives()
{
    m_chart->setDevices({QStringLiteral("d1")});
    m_chart->setWindowMinutes(1);
    feed(QStringLiteral("d1"), 0, 119);
    waitForIdleFrame();
    // Drag with the left button across the middle of the plot: zoom in.
    ChartView *view = m_chart->view();
    const QRectF plot = m_chart->chart()->plotArea();
    const int y = int(plot.center().y());
    const QPoint from(int(plot.left() + plot.width() * 0.4), y);
    const QPoint to(int(plot.left() + plot.width() * 0.6), y);
    QSignalSpy following(m_chart, &LiveChartWidget::followingLiveChanged);
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
    QTest::mouseMove(view->viewport(), to);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, to);
    QCOMPARE(following.size(), 1);
    QVERIFY(!m_chart->isFollowingLive());
    const qint64 zoomFrom = m_chart->visibleFromMs();
    const qint64 zoomTo = m_chart->visibleToMs();
    QVERIFY(zoomTo - zoomFrom < 60000 * 0.3);
    QVERIFY(zoomTo - zoomFrom > 60000 * 0.1);
    waitForIdleFrame();
    // Data keeps arriving: it is stored and drawn, but the view stays put.
    feed(QStringLiteral("d1"), 120, 239);
    waitForIdleFrame();
    QCOMPARE(m_chart->visibleFromMs(), zoomFrom);
    QCOMPARE(m_chart->visibleToMs(), zoomTo);
    QCOMPARE(m_store->newestMs(QStringLiteral("d1")), m_t0 + 239 * 500);
    QVERIFY(m_store->oldestMs(QStringLiteral("d1")) <= zoomFrom); // what the zoom shows is kept
    // Keyboard zoom narrows around the centre, still not following.
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Plus);
    QVERIFY(m_chart->visibleToMs() - m_chart->visibleFromMs() < zoomTo - zoomFrom);
    QVERIFY(!m_chart->isFollowingLive());
}

void tst_LiveChartWidget::panWithTheMouse()
{
    m_chart->setDevices({QStringLiteral("d1")});
    m_chart->setWindowMinutes(1);
    feed(QStringLiteral("d1"), 0, 239);
    waitForIdleFrame();
    const qint64 span = m_chart->visibleToMs() - m_chart->visibleFromMs();
    const qint64 before = m_chart->visibleFromMs();
    ChartView *view = m_chart->view();
    const QRectF plot = m_chart->chart()->plotArea();
    const int y = int(plot.center().y());
    const QPoint start(int(plot.left() + plot.width() * 0.3), y);
    const QPoint end(int(plot.left() + plot.width() * 0.55), y);
    QTest::mousePress(view->viewport(), Qt::RightButton, {}, start);
    QTest::mouseMove(view->viewport(), end);
    QTest::mouseRelease(view->viewport(), Qt::RightButton, {}, end);
    // Dragging to the right shows older data by about a quarter of the span.
    const qint64 moved = before - m_chart->visibleFromMs();
    QVERIFY2(moved > span * 0.2 && moved < span * 0.3, qPrintable(QString::number(moved)));
    QCOMPARE(m_chart->visibleToMs() - m_chart->visibleFromMs(), span);
    QVERIFY(!m_chart->isFollowingLive());
}

void tst_LiveChartWidget::backToLive()
{
    m_chart->setDevices({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 99);
    waitForIdleFrame();
    QToolButton *liveButton = nullptr;
    for (QToolButton *b : m_chart->findChildren<QToolButton *>())
        if (b->text() == QStringLiteral("Back to live"))
            liveButton = b;
    QVERIFY(liveButton);
    QVERIFY(!liveButton->isVisible());
    m_chart->setVisibleRange(m_t0, m_t0 + 10000);
    QVERIFY(liveButton->isVisible());
    feed(QStringLiteral("d1"), 100, 199);
    waitForIdleFrame();
    QCOMPARE(m_chart->visibleToMs(), m_t0 + 10000);
    QTest::mouseClick(liveButton, Qt::LeftButton);
    QVERIFY(m_chart->isFollowingLive());
    QVERIFY(!liveButton->isVisible());
    waitForIdleFrame();
    verifyFollowing(m_t0 + 199 * 500);
    // Double-click is the mouse way back.
    m_chart->setVisibleRange(m_t0, m_t0 + 10000);
    QTest::mouseDClick(m_chart->view()->viewport(), Qt::LeftButton, {}, m_chart->view()->rect().center());
    QVERIFY(m_chart->isFollowingLive());
}

void tst_LiveChartWidget::windowChoices_data()
{
    QTest::addColumn<int>("minutes");
    for (int m : LiveChartWidget::windowChoicesMinutes())
        QTest::newRow(qPrintable(QStringLiteral("%1 min").arg(m))) << m;
}

void tst_LiveChartWidget::windowChoices()
{
    QFETCH(int, minutes);
    m_chart->setDevices({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 199); // 100 s of data
    QToolButton *button = nullptr;
    for (QToolButton *b : m_chart->findChildren<QToolButton *>())
        if (b->text() == QStringLiteral("%1 min").arg(minutes))
            button = b;
    QVERIFY(button);
    m_chart->setVisibleRange(m_t0, m_t0 + 5000); // choosing a window also returns to live
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(m_chart->windowMinutes(), minutes);
    QVERIFY(m_chart->isFollowingLive());
    waitForIdleFrame();
    QCOMPARE(m_chart->visibleToMs() - m_chart->visibleFromMs(), qint64(minutes) * 60000);
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
    m_chart->setDevices({QStringLiteral("d1")});
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
    m_chart->setDevices({QStringLiteral("d1")});
    for (int i = 0; i < 20; ++i) {
        TelemetryData p;
        p.deviceId = QStringLiteral("d1");
        p.tsMs = m_t0 + i * 500;
        p.fields.insert(field, i % 2 ? high : low);
        m_store->addPoint(p);
    }
    waitForIdleFrame();
    auto *axis = qobject_cast<QValueAxis *>(m_chart->chart()->axes(Qt::Vertical).constFirst());
    QVERIFY(axis);
    QCOMPARE(axis->min(), axisMin);
    QCOMPARE(axis->max(), axisMax);
}

void tst_LiveChartWidget::longWindowsAreDecimatedKeepingSpikes()
{
    m_chart->setDevices({QStringLiteral("d1")});
    m_chart->setWindowMinutes(60);
    QList<TelemetryData> history;
    for (int i = 0; i < 7200; ++i) // one hour at 2 Hz, one spike
        history.append(point(QStringLiteral("d1"), m_t0 + i * 500, i == 4000 ? 500.0 : 40.0 + (i % 7)));
    m_store->mergeHistory(QStringLiteral("d1"), history);
    waitForIdleFrame();
    const int columns = int(m_chart->chart()->plotArea().width());
    QLineSeries *line = lineSeries(m_chart->chart()).at(0);
    QVERIFY2(line->count() <= columns * 4, qPrintable(QStringLiteral("%1 points for %2 px").arg(line->count()).arg(columns)));
    QVERIFY(line->count() >= columns);
    double highest = 0;
    for (const QPointF &p : line->points())
        highest = std::max(highest, p.y());
    QCOMPARE(highest, 500.0);
    QCOMPARE(qint64(line->at(line->count() - 1).x()), m_t0 + 7199 * 500);
    // The export still holds every point of the window.
    int inWindow = 0;
    for (int i = 0; i < 7200; ++i)
        inWindow += m_t0 + i * 500 >= m_chart->visibleFromMs() ? 1 : 0;
    QVERIFY(inWindow >= 7200 - 20); // the live window ends up to a pixel's worth of time after the newest point
    QCOMPARE(m_chart->visibleWindowCsv().count(QLatin1Char('\n')), 1 + inWindow);
}

void tst_LiveChartWidget::csvExport()
{
    m_chart->setDevices({QStringLiteral("d1"), QStringLiteral("d2")});
    feed(QStringLiteral("d1"), 0, 19);
    feed(QStringLiteral("d2"), 0, 19, 100);
    waitForIdleFrame();
    m_chart->setVisibleRange(m_t0 + 1000, m_t0 + 3000); // points 2..6 of each device
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
    m_chart->setDevices({QStringLiteral("d1")});
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
}

void tst_LiveChartWidget::valueUnderCursor()
{
    m_chart->setDevices({QStringLiteral("d1")});
    m_chart->setWindowMinutes(1);
    feed(QStringLiteral("d1"), 0, 119);
    waitForIdleFrame();
    ChartView *view = m_chart->view();
    const int x = view->widgetXOf(m_t0 + 50 * 500);
    QTest::mouseMove(view->viewport(), QPoint(x, int(m_chart->chart()->plotArea().center().y())));
    QTRY_VERIFY_WITH_TIMEOUT(!view->cursorReadout().isEmpty(), kFrameTimeoutMs);
    QVERIFY2(view->cursorReadout().contains(QStringLiteral("d1  90.0°C")), qPrintable(view->cursorReadout()));
}

void tst_LiveChartWidget::defaultField_data()
{
    QTest::addColumn<QStringList>("reported"); // fields of d1's point
    QTest::addColumn<QString>("shown");
    QTest::newRow("GPU temperature first")
        << QStringList{QStringLiteral("cpu0_util_pct"), QStringLiteral("cpu_temp_c"), QStringLiteral("gpu_temp_c")}
        << QStringLiteral("gpu_temp_c");
    QTest::newRow("else CPU temperature")
        << QStringList{QStringLiteral("cpu0_util_pct"), QStringLiteral("cpu_util_pct"), QStringLiteral("cpu_temp_c")}
        << QStringLiteral("cpu_temp_c");
    QTest::newRow("else CPU utilisation")
        << QStringList{QStringLiteral("cpu0_util_pct"), QStringLiteral("cpu_util_pct"), QStringLiteral("power_mw")}
        << QStringLiteral("cpu_util_pct");
    QTest::newRow("else the first by name")
        << QStringList{QStringLiteral("power_mw"), QStringLiteral("fan_pwm"), QStringLiteral("ram_used_mb")}
        << QStringLiteral("fan_pwm");
}

void tst_LiveChartWidget::defaultField()
{
    QFETCH(QStringList, reported);
    QFETCH(QString, shown);
    QCOMPARE(LiveChartWidget::defaultField(reported), shown);
    TelemetryData p;
    p.deviceId = QStringLiteral("d1");
    p.tsMs = m_t0;
    for (const QString &field : std::as_const(reported))
        p.fields.insert(field, 1);
    m_chart->setDevices({QStringLiteral("d1")});
    m_store->addPoint(p);
    QTRY_COMPARE_WITH_TIMEOUT(m_chart->field(), shown, kFrameTimeoutMs);
    QCOMPARE(m_chart->chosenField(), QString()); // a default is not a choice
}

void tst_LiveChartWidget::chosenFieldWinsOverTheDefault()
{
    // A choice restored from settings before any device reports it.
    m_chart->setField(QStringLiteral("power_mw"));
    m_chart->setDevices({QStringLiteral("d1"), QStringLiteral("d2")});
    TelemetryData p;
    p.deviceId = QStringLiteral("d1");
    p.tsMs = m_t0;
    p.fields.insert(QStringLiteral("gpu_temp_c"), 50);
    m_store->addPoint(p);
    QTRY_COMPARE_WITH_TIMEOUT(m_chart->field(), QStringLiteral("gpu_temp_c"), kFrameTimeoutMs);
    QCOMPARE(m_chart->chosenField(), QStringLiteral("power_mw"));
    // The chosen field shows once a device reports it.
    p.deviceId = QStringLiteral("d2");
    p.fields.insert(QStringLiteral("power_mw"), 5000);
    m_store->addPoint(p);
    QTRY_COMPARE_WITH_TIMEOUT(m_chart->field(), QStringLiteral("power_mw"), kFrameTimeoutMs);
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
    m_chart->setDevices({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 20);
    waitForIdleFrame();
    m_chart->setVisibleRange(m_t0, m_t0 + 60000);
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
    m_chart->setDevices({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 20); // values 40..60
    waitForIdleFrame();
    m_chart->setVisibleRange(m_t0, m_t0 + 60000);
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
    m_chart->setDevices({QStringLiteral("d1")});
    feed(QStringLiteral("d1"), 0, 5);
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

void tst_LiveChartWidget::theStoreKeepsWhatTheChartCanShow()
{
    const QString d1 = QStringLiteral("d1");
    m_chart->setDevices({d1});
    m_chart->setWindowMinutes(1);
    // Live: the window and a tenth more (the point before the left edge).
    QCOMPARE(m_store->retentionMs(), 66000);
    QCOMPARE(m_store->keepSinceMs(), 0);
    feed(d1, 0, 599); // 5 minutes at 2 Hz
    QCOMPARE(m_store->oldestMs(d1), m_t0 + 599 * 500 - 66000);
    waitForIdleFrame();

    // Looking back: the range is announced (the wiring loads its history)
    // and what it shows is kept, however old.
    QSignalSpy range(m_chart, &LiveChartWidget::visibleRangeChanged);
    const qint64 from = m_t0 - 120000;
    m_chart->setVisibleRange(from, from + 60000);
    QCOMPARE(range.size(), 1);
    QCOMPARE(range.at(0).at(0).toLongLong(), from);
    QCOMPARE(m_store->keepSinceMs(), from - 6000);
    QList<TelemetryData> history;
    for (int i = -240; i < 600; ++i)
        history.append(point(d1, m_t0 + i * 500, 20.0 + i % 5));
    QCOMPARE(m_store->mergeHistory(d1, history), 240 + 600 - 133);
    QCOMPARE(m_store->oldestMs(d1), m_t0 - 120000);
    waitForIdleFrame();
    QCOMPARE(nonEmptySeries(m_chart->chart()), 1);
    QVERIFY(lineSeries(m_chart->chart()).at(0)->count() > 100);

    // Back to live: the store forgets what the window does not show.
    m_chart->backToLive();
    QCOMPARE(m_store->keepSinceMs(), 0);
    QCOMPARE(m_store->oldestMs(d1), m_t0 + 599 * 500 - 66000);
    waitForIdleFrame();
    verifyFollowing(m_t0 + 599 * 500);

    // Paused, the frozen picture is kept while data keeps arriving; a longer
    // window keeps more from then on.
    m_chart->setPaused(true);
    const qint64 frozenFrom = m_chart->visibleFromMs();
    QCOMPARE(m_store->keepSinceMs(), frozenFrom - 6000);
    feed(d1, 600, 899);
    QVERIFY(m_store->oldestMs(d1) <= frozenFrom);
    m_chart->setPaused(false);
    QCOMPARE(m_store->oldestMs(d1), m_t0 + 899 * 500 - 66000);
    m_chart->setWindowMinutes(15);
    QCOMPARE(m_store->retentionMs(), 15 * 66000);
}

QTEST_MAIN(tst_LiveChartWidget)
#include "tst_livechartwidget.moc"
