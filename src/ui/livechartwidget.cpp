#include "ui/livechartwidget.h"

#include "telemetry/bucketstore.h"
#include "telemetry/events.h"
#include "telemetry/fieldformat.h"
#include "telemetry/namepattern.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/chartview.h"
#include "ui/displaypreferences.h"
#include "ui/plotdecimation.h"
#include "ui/severitycolors.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QDateTime>
#include <QEvent>
#include <QFileDialog>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMessageBox>
#include <QSaveFile>
#include <QTextStream>
#include <QTimeZone>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Sightline {

namespace {

constexpr qint64 kMinSpanMs = 2000;                     // zooming in stops at 2 s
constexpr qint64 kMaxSpanMs = 31LL * 24 * 60 * 60 * 1000; // zooming out stops at a month
constexpr double kYPadding = 0.05;
constexpr int kYTargetTicks = 5;
constexpr qint64 kFollowStepMs = 1000;
constexpr qint64 kAssumedIntervalMs = 1000; // before a device's spacing is known
constexpr int kMinTickSpacingPx = 90;        // room for one "HH:mm:ss" label
constexpr int kMaxTicks = 8;
constexpr int kMaxLegendEntries = 24;
constexpr int kMaxReadoutLines = 12;
constexpr qint64 kMinuteMs = 60 * 1000;
constexpr qint64 kDayMs = 24 * 60 * kMinuteMs;

// Tableau 10: told apart at a glance on light and dark backgrounds alike.
const QList<QColor> &lineColors()
{
    static const QList<QColor> colors{QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b), QColor(0xe1, 0x57, 0x59),
                                      QColor(0x76, 0xb7, 0xb2), QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xc9, 0x48),
                                      QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7), QColor(0x9c, 0x75, 0x5f),
                                      QColor(0xba, 0xb0, 0xac)};
    return colors;
}

// 1, 2, 2.5 or 5 times a power of ten: tick steps people read at a glance.
double niceStep(double raw)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / magnitude;
    const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nice * magnitude;
}

qint64 floorTo(qint64 value, qint64 step)
{
    qint64 q = (value / step) * step;
    return q > value ? q - step : q;
}

qint64 ceilTo(qint64 value, qint64 step)
{
    const qint64 q = floorTo(value, step);
    return q < value ? q + step : q;
}

// Ranks a field by the first of the patterns that names it: a chart of
// ["gpu_temp_c", "power_*"] lists (and puts on axes) temperatures first.
int patternRank(const QStringList &patterns, const QString &field)
{
    for (qsizetype i = 0; i < patterns.size(); ++i)
        if (matchesNamePattern(patterns.at(i), field))
            return static_cast<int>(i);
    return 0;
}

} // namespace

const QList<qint64> &LiveChartWidget::roundStepsMs()
{
    static const QList<qint64> steps{1000,           2000,           5000,           10000,          15000,
                                     30000,          kMinuteMs,      2 * kMinuteMs,  5 * kMinuteMs,  10 * kMinuteMs,
                                     15 * kMinuteMs, 30 * kMinuteMs, 60 * kMinuteMs, 120 * kMinuteMs, 180 * kMinuteMs,
                                     360 * kMinuteMs, 720 * kMinuteMs, kDayMs};
    return steps;
}

qint64 LiveChartWidget::roundStepAtLeast(qint64 minMs)
{
    for (qint64 step : roundStepsMs())
        if (step >= minMs)
            return step;
    return roundStepsMs().constLast();
}

qint64 LiveChartWidget::tickStepMs(qint64 spanMs, int maxTicks)
{
    // At most maxTicks intervals: maxTicks + 1 ticks when both ends fall on one.
    maxTicks = std::max(1, maxTicks);
    return roundStepAtLeast((spanMs + maxTicks - 1) / maxTicks);
}

QList<qint64> LiveChartWidget::tickPositions(qint64 fromMs, qint64 toMs, qint64 stepMs, bool utc)
{
    QList<qint64> ticks;
    if (stepMs <= 0 || toMs < fromMs)
        return ticks;
    // Counted in local time, with the offset at the left edge: a change to
    // or from daylight saving inside the range shifts the later ticks by
    // its hour, which a range of a day or less tolerates.
    const qint64 offsetMs = utc ? 0 : qint64(QDateTime::fromMSecsSinceEpoch(fromMs).offsetFromUtc()) * 1000;
    for (qint64 t = ceilTo(fromMs + offsetMs, stepMs) - offsetMs; t <= toMs; t += stepMs)
        ticks.append(t);
    return ticks;
}

LiveChartWidget::LiveChartWidget(SeriesStore *store, BucketStore *buckets, WorkspaceTime *time, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_buckets(buckets)
    , m_time(time)
    , m_chart(new QChart)
    , m_axisX(new QCategoryAxis(m_chart))
    , m_axisLeft(new QValueAxis(m_chart))
    , m_axisRight(new QValueAxis(this))
{
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    // Time labels at round ticks (issue 14): QDateTimeAxis spreads a tick
    // count evenly and lands on odd seconds, so the labels are categories
    // placed on the tick values (applyXAxis).
    m_axisX->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_axisLeft->setTickCount(6);
    m_axisRight->setTickCount(6);
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisLeft, Qt::AlignLeft);
    m_view = new ChartView(m_chart, this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);

    m_frameTimer.setInterval(kFrameIntervalMs);
    m_frameTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_frameTimer, &QTimer::timeout, this, &LiveChartWidget::renderFrame);
    m_clockTimer.setSingleShot(true);
    connect(&m_clockTimer, &QTimer::timeout, this, [this] {
        // Live, the range moves with the clock in steps (visibleRange): a
        // frame is due when the next step begins.
        qint64 from = 0;
        qint64 to = 0;
        visibleRange(static_cast<int>(m_chart->plotArea().width()), &from, &to);
        if (from != m_lastFromMs || to != m_lastToMs)
            startFrameTimer();
        else if (m_time->isFollowing())
            m_clockTimer.start(static_cast<int>(kFollowStepMs));
    });

    connect(m_store, &SeriesStore::pointsAdded, this, [this](const QString &deviceId) { handlePointsAdded(deviceId); });
    connect(m_store, &SeriesStore::fieldsChanged, this, [this] {
        m_seriesDirty = true;
        scheduleFrame();
    });
    connect(m_buckets, &BucketStore::bucketsChanged, this, [this](const QString &deviceId) {
        if (m_drawingBuckets)
            handlePointsAdded(deviceId);
    });
    connect(m_buckets, &BucketStore::fieldsChanged, this, [this] {
        m_seriesDirty = true;
        scheduleFrame();
    });
    connect(m_time, &WorkspaceTime::rangeChanged, this, &LiveChartWidget::scheduleFrame);
    connect(m_time, &WorkspaceTime::modeChanged, this, &LiveChartWidget::forgetRequests);
    connect(m_time, &WorkspaceTime::pausedChanged, this, [this](bool paused) {
        forgetRequests();
        if (!paused)
            scheduleFrame();
    });
    connect(m_time, &WorkspaceTime::crosshairChanged, this, &LiveChartWidget::updateReadout);

    connect(m_view, &ChartView::rangeSelected, this, &LiveChartWidget::selectRange);
    connect(m_view, &ChartView::panRequested, this, &LiveChartWidget::panBy);
    connect(m_view, &ChartView::zoomRequested, this, &LiveChartWidget::zoomAround);
    connect(m_view, &ChartView::backToLiveRequested, m_time, &WorkspaceTime::backToLive);
    connect(m_view, &ChartView::hoverMoved, m_time, &WorkspaceTime::setCrosshair);
    connect(m_view, &ChartView::hoverLeft, m_time, &WorkspaceTime::clearCrosshair);

    applyPalette();
    scheduleFrame();
}

LiveChartWidget::~LiveChartWidget()
{
    // The view goes after this class's members (it is a child widget) and
    // may report the mouse leaving as it hides: that must not reach the
    // workspace time, whose crosshairChanged would call back into a
    // half-destroyed chart. The observed objects may already be gone.
    disconnect(m_view, nullptr, nullptr, nullptr);
}

void LiveChartWidget::setDevicePatterns(const QStringList &patterns)
{
    if (patterns == m_devicePatterns)
        return;
    m_devicePatterns = patterns;
    m_seriesDirty = true;
    scheduleFrame();
}

void LiveChartWidget::setFieldPatterns(const QStringList &patterns)
{
    if (patterns == m_fieldPatterns)
        return;
    m_fieldPatterns = patterns;
    m_seriesDirty = true;
    scheduleFrame();
}

void LiveChartWidget::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    m_ticks.clear(); // the labels change even where the ticks stay
    scheduleFrame();
    updateReadout();
}

QString LiveChartWidget::seriesName(const ChartSeriesKey &key) const
{
    // Say only what tells the lines apart: the device when the chart shows
    // one field, the field when it shows one device (a legend of
    // "jetson-01 · GPU temp" entries elides to "jetso…" in a panel).
    bool oneField = true;
    bool oneDevice = true;
    for (const ChartSeriesKey &other : m_keys) {
        oneField = oneField && other.field == key.field;
        oneDevice = oneDevice && other.deviceId == key.deviceId;
    }
    const QString name = oneField && !oneDevice ? key.deviceId
                         : oneDevice && !oneField ? fieldLabel(key.field)
                                                  : QStringLiteral("%1 · %2").arg(key.deviceId, fieldLabel(key.field));
    // A third unit has no axis of its own: it shares the right one (two
    // scales on one side would be unreadable, and a third axis takes room
    // from every chart that needs only two). With more than one unit on the
    // right axis, its lines say which unit they are in.
    const qsizetype unitIndex = m_units.indexOf(fieldUnit(key.field));
    if (m_units.size() > 2 && unitIndex >= 1) {
        const QString unit = m_units.at(unitIndex);
        return unit.isEmpty() ? tr("%1 (right axis)").arg(name) : tr("%1 (%2, right axis)").arg(name, unit);
    }
    return name;
}

void LiveChartWidget::resolveSeries()
{
    m_seriesDirty = false;
    QStringList known = m_store->devices();
    for (const QString &id : m_buckets->devices())
        if (!known.contains(id))
            known.append(id);
    QStringList devices = filterByNamePatterns(m_devicePatterns, known);
    // A plain name is a device even before it sent anything: its history
    // can be asked for.
    for (const QString &pattern : std::as_const(m_devicePatterns))
        if (!pattern.isEmpty() && !pattern.contains(QLatin1Char('*')) && !devices.contains(pattern))
            devices.append(pattern);
    std::sort(devices.begin(), devices.end());

    const auto fieldOrder = [this](const QString &a, const QString &b) {
        const int ra = patternRank(m_fieldPatterns, a);
        const int rb = patternRank(m_fieldPatterns, b);
        return ra != rb ? ra < rb : a < b;
    };
    QList<ChartSeriesKey> keys;
    QStringList allFields;
    for (const QString &device : std::as_const(devices)) {
        QStringList fields = m_store->fields(device);
        for (const QString &field : m_buckets->fields(device))
            if (!fields.contains(field))
                fields.append(field);
        fields = filterByNamePatterns(m_fieldPatterns, fields);
        std::sort(fields.begin(), fields.end(), fieldOrder);
        for (const QString &field : std::as_const(fields)) {
            keys.append(ChartSeriesKey{device, field});
            if (!allFields.contains(field))
                allFields.append(field);
        }
    }
    std::sort(allFields.begin(), allFields.end(), fieldOrder);
    QStringList units;
    for (const QString &field : std::as_const(allFields))
        if (!units.contains(fieldUnit(field)))
            units.append(fieldUnit(field));

    m_deviceIds = devices;
    if (keys == m_keys && units == m_units)
        return;
    // Lines that move to another axis or get another name are made anew;
    // this happens when a device or field appears, not per frame.
    removeAllSeries();
    m_keys = keys;
    m_units = units;
    m_lines.clear();
    m_keysOf.clear();
    for (const ChartSeriesKey &key : std::as_const(m_keys)) {
        m_keysOf[key.deviceId].append(key);
        Lines lines;
        lines.axisGroup = std::min<int>(1, static_cast<int>(m_units.indexOf(fieldUnit(key.field))));
        m_lines.insert(key, lines);
        if (!m_colorIndex.contains(key))
            m_colorIndex.insert(key, static_cast<int>(m_colorIndex.size()));
    }
    rebuildAxes();
    m_chart->legend()->setVisible(m_keys.size() <= kMaxLegendEntries);
    m_frameCache.clear();
    m_allDirty = true;
}

void LiveChartWidget::rebuildAxes()
{
    const bool wantRight = m_units.size() > 1;
    if (wantRight != m_rightAxisShown) {
        if (wantRight) {
            m_chart->addAxis(m_axisRight, Qt::AlignRight);
        } else {
            m_chart->removeAxis(m_axisRight);
            m_axisRight->setParent(this); // the chart gives it back
        }
        m_rightAxisShown = wantRight;
    }
    m_axisLeft->setTitleText(m_units.isEmpty() ? QString() : m_units.constFirst());
    m_axisRight->setTitleText(wantRight ? m_units.mid(1).join(QStringLiteral(", ")) : QString());
}

void LiveChartWidget::removeAllSeries()
{
    for (Lines &lines : m_lines) {
        for (QLineSeries *series : std::as_const(lines.lines)) {
            m_chart->removeSeries(series);
            delete series;
        }
        for (QAreaSeries *band : std::as_const(lines.bands)) {
            m_chart->removeSeries(band);
            delete band; // and its upper and lower lines, its children
        }
        lines.lines.clear();
        lines.bands.clear();
    }
    m_frameCache.clear();
}

QColor LiveChartWidget::colorOf(const ChartSeriesKey &key)
{
    const QList<QColor> &colors = lineColors();
    return colors.at(m_colorIndex.value(key) % colors.size());
}

QLineSeries *LiveChartWidget::newLine(const ChartSeriesKey &key, Lines &lines, bool first)
{
    auto *series = new QLineSeries(m_chart);
    series->setObjectName(m_drawingBuckets ? QStringLiteral("mean") : QStringLiteral("points"));
    series->setName(seriesName(key));
    m_chart->addSeries(series);
    series->attachAxis(m_axisX);
    series->attachAxis(lines.axisGroup == 0 ? m_axisLeft : m_axisRight);
    QPen pen(colorOf(key));
    pen.setWidthF(m_drawingBuckets ? 1.5 : 2.0);
    series->setPen(pen);
    const auto markers = m_chart->legend()->markers(series);
    for (QLegendMarker *marker : markers) {
        // The runs after the first continue the same line: no second entry.
        if (!first)
            marker->setVisible(false);
        else
            connect(marker, &QLegendMarker::clicked, this, [this, device = key.deviceId] { Q_EMIT deviceActivated(device); });
    }
    lines.lines.append(series);
    return series;
}

QAreaSeries *LiveChartWidget::newBand(const ChartSeriesKey &key, Lines &lines)
{
    auto *upper = new QLineSeries;
    auto *lower = new QLineSeries;
    auto *band = new QAreaSeries(upper, lower);
    upper->setParent(band);
    lower->setParent(band);
    band->setObjectName(QStringLiteral("band"));
    band->setName(seriesName(key));
    m_chart->addSeries(band);
    band->attachAxis(m_axisX);
    band->attachAxis(lines.axisGroup == 0 ? m_axisLeft : m_axisRight);
    QColor fill = colorOf(key);
    fill.setAlphaF(0.22f);
    band->setBrush(fill);
    band->setPen(Qt::NoPen);
    const auto markers = m_chart->legend()->markers(band);
    for (QLegendMarker *marker : markers)
        marker->setVisible(false); // the mean line names it
    lines.bands.append(band);
    return band;
}

void LiveChartWidget::handlePointsAdded(const QString &deviceId)
{
    if (!m_deviceIds.contains(deviceId)) {
        // A device the patterns may match, seen for the first time.
        if (matchesAnyNamePattern(m_devicePatterns, deviceId))
            m_seriesDirty = true;
        else
            return;
    }
    // Only this device's lines need new points, unless the range moves too.
    m_dirtyDevices.insert(deviceId);
    if (m_time->isPaused()) {
        m_dirty = true; // drawn when the workspace resumes
        return;
    }
    startFrameTimer();
}

void LiveChartWidget::scheduleFrame()
{
    m_allDirty = true;
    startFrameTimer();
}

void LiveChartWidget::startFrameTimer()
{
    m_dirty = true;
    if (m_frameTimer.isActive())
        return;
    // A change after a quiet spell is drawn at the next turn of the event
    // loop (which still takes in whatever else arrived with it); within a
    // frame interval of the last frame it waits for the interval's end.
    const int interval = m_drawingBuckets ? kBucketFrameIntervalMs : kFrameIntervalMs;
    const qint64 sinceFrame = m_sinceFrame.isValid() ? m_sinceFrame.elapsed() : interval;
    m_frameTimer.start(static_cast<int>(std::max<qint64>(0, interval - sinceFrame)));
}

void LiveChartWidget::visibleRange(int plotColumns, qint64 *fromMs, qint64 *toMs) const
{
    const qint64 span = m_time->spanMs();
    if (m_time->isFollowing()) {
        // Live, the range ends just after now, rounded up to a step of a
        // second (or a pixel's worth of time, if longer), so the axes and
        // their labels, the costly part of a frame, change about once a
        // second instead of every frame.
        const qint64 step = std::max<qint64>(kFollowStepMs, span / std::max(1, plotColumns));
        *toMs = (m_time->toMs() / step + 1) * step;
        *fromMs = *toMs - span;
    } else {
        *fromMs = m_time->fromMs();
        *toMs = m_time->toMs();
    }
}

bool LiveChartWidget::wantsBuckets(qint64 spanMs, int plotColumns) const
{
    if (plotColumns <= 0 || !isVisible())
        return m_drawingBuckets; // not laid out (or hidden): its pixels are not known
    // The densest device decides for the whole chart: one chart draws
    // one way, so its lines compare.
    qint64 interval = 0;
    for (const QString &device : m_deviceIds) {
        const qint64 typical = m_store->typicalIntervalMs(device);
        if (typical > 0)
            interval = interval > 0 ? std::min(interval, typical) : typical;
    }
    if (interval <= 0)
        interval = kAssumedIntervalMs;
    return spanMs / interval > plotColumns;
}

void LiveChartWidget::renderFrame()
{
    if (!m_dirty) {
        m_frameTimer.stop();
        return;
    }
    m_dirty = false;
    m_sinceFrame.start();
    const int interval = m_drawingBuckets ? kBucketFrameIntervalMs : kFrameIntervalMs;
    if (m_frameTimer.interval() != interval)
        m_frameTimer.setInterval(interval); // the next frame, if any, a whole interval later
    if (m_seriesDirty)
        resolveSeries();

    const int plotColumns = static_cast<int>(m_chart->plotArea().width());
    visibleRange(plotColumns, &m_fromMs, &m_toMs);
    const qint64 span = std::max<qint64>(1, m_toMs - m_fromMs);
    const bool buckets = wantsBuckets(span, plotColumns);
    if (buckets != m_drawingBuckets) {
        removeAllSeries();
        m_drawingBuckets = buckets;
        m_allDirty = true;
    }
    // A round step of at least a pixel column's time: about one bucket per column.
    m_bucketStepMs = buckets ? roundStepAtLeast((span + plotColumns - 1) / std::max(1, plotColumns)) : 0;

    // A device's lines are rebuilt when it got points or when anything that
    // shapes every line changed; the others keep their series untouched.
    const bool rebuildAll = m_allDirty || m_fromMs != m_lastFromMs || m_toMs != m_lastToMs
            || plotColumns != m_lastPlotColumns;
    double yMin[2] = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
    double yMax[2] = {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    qint64 newestShown = 0;
    bool hasData = false;
    bool rebuiltAny = false;
    QList<GapBand> gapBands;
    for (const QString &device : std::as_const(m_deviceIds)) {
        auto cached = m_frameCache.find(device);
        if (rebuildAll || m_dirtyDevices.contains(device) || cached == m_frameCache.end()) {
            cached = m_frameCache.insert(device, rebuildDevice(device, plotColumns));
            rebuiltAny = true;
        }
        for (int g = 0; g < 2; ++g) {
            yMin[g] = std::min(yMin[g], cached->yMin[g]);
            yMax[g] = std::max(yMax[g], cached->yMax[g]);
        }
        newestShown = std::max(newestShown, cached->newestShownMs);
        hasData = hasData || cached->hasData;
        gapBands += cached->gaps;
    }
    m_dirtyDevices.clear();
    m_allDirty = false;
    m_lastFromMs = m_fromMs;
    m_lastToMs = m_toMs;
    m_lastPlotColumns = plotColumns;

    applyYRange(m_axisLeft, 0, yMin[0], yMax[0]);
    if (m_rightAxisShown)
        applyYRange(m_axisRight, 1, yMin[1], yMax[1]);
    applyXAxis(plotColumns);
    m_view->setXRange(m_fromMs, m_toMs);
    m_view->setGaps(gapBands);
    if (isVisible() && plotColumns > 0)
        askForData(); // a hidden chart does not know its pixels, nor what it will show

    const bool bucketsLoaded = std::all_of(m_deviceIds.cbegin(), m_deviceIds.cend(), [this](const QString &device) {
        return m_buckets->stepMs(device) > 0;
    });
    if (m_deviceIds.isEmpty() || m_keys.isEmpty())
        m_view->setPlaceholderText(tr("Waiting for data…"));
    else if (!hasData && m_drawingBuckets && !bucketsLoaded)
        m_view->setPlaceholderText(tr("Waiting for the history of this time span…"));
    else if (!hasData)
        m_view->setPlaceholderText(m_time->isFollowing() ? tr("No data yet") : tr("No data in this time span"));
    else
        m_view->setPlaceholderText(QString());
    if (rebuiltAny && m_time->crosshairMs() != 0)
        updateReadout();

    if (m_time->isFollowing()) {
        // Wake up when the live range moves on by a step.
        const qint64 step = std::max<qint64>(kFollowStepMs, span / std::max(1, plotColumns));
        m_clockTimer.start(static_cast<int>(step - m_time->toMs() % step + 1));
    } else {
        m_clockTimer.stop();
    }
    ++m_frameCount;
    Q_EMIT frameRendered(newestShown);
}

LiveChartWidget::DeviceFrame LiveChartWidget::rebuildDevice(const QString &deviceId, int plotColumns)
{
    DeviceFrame frame;
    bool hasKeys = false;
    QList<HistoryBucket> buckets;
    qint64 stepMs = 0;
    qint64 gapMs = 0;
    if (m_drawingBuckets) {
        stepMs = m_buckets->stepMs(deviceId);
        if (stepMs > 0)
            buckets = m_buckets->buckets(deviceId, m_fromMs - stepMs, m_toMs + stepMs); // a neighbour each side
        // An empty bucket is a gap when the device's points are that far apart.
        gapMs = std::max(stepMs, m_store->gapThresholdMs(deviceId));
    }
    const QList<ChartSeriesKey> keys = m_keysOf.value(deviceId);
    for (const ChartSeriesKey &key : keys) {
        hasKeys = true;
        Lines &lines = m_lines[key];
        if (m_drawingBuckets)
            drawBuckets(key, lines, buckets, stepMs, gapMs, &frame);
        else
            drawPoints(key, lines, plotColumns, &frame);
    }
    if (!hasKeys)
        return frame;
    if (m_drawingBuckets) {
        for (qsizetype i = 1; i < buckets.size(); ++i) {
            const qint64 emptyFrom = buckets.at(i - 1).tsMs + stepMs;
            const qint64 emptyTo = buckets.at(i).tsMs;
            if (emptyTo - emptyFrom >= gapMs && emptyTo > m_fromMs && emptyFrom < m_toMs)
                frame.gaps.append(GapBand{emptyFrom, emptyTo, deviceId});
        }
    } else {
        for (const Gap &gap : m_store->gaps(deviceId, m_fromMs, m_toMs))
            frame.gaps.append(GapBand{gap.startMs, gap.endMs, deviceId});
    }
    return frame;
}

void LiveChartWidget::drawPoints(const ChartSeriesKey &key, Lines &lines, int plotColumns, DeviceFrame *frame)
{
    const QList<QList<QPointF>> runs = m_store->segments(key.deviceId, key.field, m_fromMs, m_toMs);
    while (lines.lines.size() < std::max<qsizetype>(1, runs.size()))
        newLine(key, lines, lines.lines.isEmpty());
    const int g = lines.axisGroup;
    for (qsizetype i = 0; i < lines.lines.size(); ++i) {
        QLineSeries *series = lines.lines.at(i);
        if (i >= runs.size()) {
            if (series->count() > 0)
                series->clear();
            continue;
        }
        series->replace(decimateToColumns(runs.at(i), double(m_fromMs), double(m_toMs), plotColumns));
        for (const QPointF &p : runs.at(i)) {
            if (p.x() < m_fromMs || p.x() > m_toMs)
                continue;
            frame->yMin[g] = std::min(frame->yMin[g], p.y());
            frame->yMax[g] = std::max(frame->yMax[g], p.y());
            frame->newestShownMs = std::max(frame->newestShownMs, static_cast<qint64>(p.x()));
            frame->hasData = true;
        }
    }
}

void LiveChartWidget::drawBuckets(const ChartSeriesKey &key, Lines &lines, const QList<HistoryBucket> &buckets,
                                  qint64 stepMs, qint64 gapMs, DeviceFrame *frame)
{
    // One run per stretch without a gap: the band and the mean break there
    // as the raw line does.
    struct Run
    {
        QList<QPointF> mean;
        QList<QPointF> upper;
        QList<QPointF> lower;
    };
    QList<Run> runs;
    qint64 previousEnd = std::numeric_limits<qint64>::min();
    const int g = lines.axisGroup;
    for (const HistoryBucket &bucket : buckets) {
        const auto mean = bucket.mean.constFind(key.field);
        if (mean == bucket.mean.cend())
            continue;
        if (runs.isEmpty() || bucket.tsMs - previousEnd >= gapMs)
            runs.append(Run());
        previousEnd = bucket.tsMs + stepMs;
        // Each bucket is drawn at its middle: it stands for its whole step.
        const double x = double(bucket.tsMs) + double(stepMs) / 2;
        const double lo = bucket.min.value(key.field, mean.value());
        const double hi = bucket.max.value(key.field, mean.value());
        runs.last().mean.append(QPointF(x, mean.value()));
        runs.last().upper.append(QPointF(x, hi));
        runs.last().lower.append(QPointF(x, lo));
        if (bucket.tsMs + stepMs > m_fromMs && bucket.tsMs <= m_toMs) {
            frame->yMin[g] = std::min(frame->yMin[g], lo);
            frame->yMax[g] = std::max(frame->yMax[g], hi);
            frame->hasData = true;
        }
    }
    // The newest live point folded in is on screen too (the status bar's
    // device-to-screen latency, also while the chart draws buckets).
    const qint64 folded = m_buckets->newestFoldedMs(key.deviceId);
    if (folded >= m_fromMs && folded <= m_toMs)
        frame->newestShownMs = std::max(frame->newestShownMs, folded);
    const bool withBands = m_keys.size() <= kMaxBands;
    while (withBands && lines.bands.size() < std::max<qsizetype>(1, runs.size()))
        newBand(key, lines);
    while (lines.lines.size() < std::max<qsizetype>(1, runs.size()))
        newLine(key, lines, lines.lines.isEmpty());
    for (qsizetype i = 0; i < lines.lines.size(); ++i) {
        QLineSeries *mean = lines.lines.at(i);
        QAreaSeries *band = i < lines.bands.size() ? lines.bands.at(i) : nullptr;
        if (i < runs.size()) {
            if (band) {
                band->upperSeries()->replace(runs.at(i).upper);
                band->lowerSeries()->replace(runs.at(i).lower);
            }
            mean->replace(runs.at(i).mean);
        } else if (mean->count() > 0) {
            if (band) {
                band->upperSeries()->clear();
                band->lowerSeries()->clear();
            }
            mean->clear();
        }
    }
}

void LiveChartWidget::applyYRange(QValueAxis *axis, int group, double dataMin, double dataMax)
{
    double lo = dataMin;
    double hi = dataMax;
    if (lo > hi) {
        lo = 0;
        hi = 1;
    } else if (hi - lo < 1e-9) {
        const double pad = std::max(std::fabs(lo) * 0.05, 0.5);
        lo -= pad;
        hi += pad;
    } else {
        const double pad = (hi - lo) * kYPadding;
        lo -= pad;
        hi += pad;
    }
    // Padding never invents impossible values: non-negative data keeps 0 as
    // its floor, percentages keep 100 as their ceiling.
    if (dataMin >= 0 && lo < 0)
        lo = 0;
    const QStringList units = group == 0 ? m_units.mid(0, 1) : m_units.mid(1);
    const bool percent = !units.isEmpty() && std::all_of(units.cbegin(), units.cend(), [](const QString &unit) {
        return unit == QLatin1String("%");
    });
    if (percent && dataMax <= 100 && hi > 100)
        hi = 100;
    const double step = niceStep((hi - lo) / kYTargetTicks);
    lo = std::floor(lo / step + 1e-9) * step;
    hi = std::ceil(hi / step - 1e-9) * step;
    const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    // Only what changed: QValueAxis::setLabelFormat re-lays the whole chart
    // out (measuring every label anew) even when given the same format.
    const QString format = QStringLiteral("%.%1f").arg(decimals);
    if (axis->labelFormat() != format)
        axis->setLabelFormat(format);
    const int ticks = static_cast<int>(std::lround((hi - lo) / step)) + 1;
    if (axis->tickCount() != ticks)
        axis->setTickCount(ticks);
    if (axis->min() != lo || axis->max() != hi)
        axis->setRange(lo, hi);
}

QString LiveChartWidget::formatTime(qint64 ms, const QString &format) const
{
    const QDateTime time = m_utc ? QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()) : QDateTime::fromMSecsSinceEpoch(ms);
    return time.toString(format);
}

void LiveChartWidget::applyXAxis(int plotColumns)
{
    if (m_axisX->min() != double(m_fromMs) || m_axisX->max() != double(m_toMs))
        m_axisX->setRange(double(m_fromMs), double(m_toMs));
    // As many ticks as labels fit, at most kMaxTicks, on a round step
    // (issue 14: not on odd seconds).
    const int maxTicks = std::clamp(plotColumns / kMinTickSpacingPx, 2, kMaxTicks);
    const qint64 step = tickStepMs(m_toMs - m_fromMs, maxTicks);
    const QList<qint64> ticks = tickPositions(m_fromMs, m_toMs, step, m_utc);
    if (step == m_tickStepMs && ticks == m_ticks)
        return;
    m_tickStepMs = step;
    m_ticks = ticks;
    const QStringList old = m_axisX->categoriesLabels();
    for (const QString &label : old)
        m_axisX->remove(label);
    m_axisX->setStartValue(ticks.isEmpty() ? double(m_fromMs) : double(ticks.constFirst() - step));
    QStringList used;
    for (qint64 tick : ticks) {
        QString label;
        if (step < kMinuteMs)
            label = formatTime(tick, QStringLiteral("HH:mm:ss"));
        else if (step >= kDayMs || formatTime(tick, QStringLiteral("HH:mm")) == QLatin1String("00:00"))
            label = formatTime(tick, QStringLiteral("d MMM")); // a new day says which
        else
            label = formatTime(tick, QStringLiteral("HH:mm"));
        if (used.contains(label)) // a whole day's range ends at the time it began
            label = formatTime(tick, QStringLiteral("d MMM HH:mm"));
        used.append(label);
        m_axisX->append(label, double(tick));
    }
    if (m_axisNeedsRelayout && isVisible()) {
        // Qt Charts 6.4 can lay an axis out with no room for its labels when
        // the chart was first laid out before it got its range; toggling the
        // labels makes it measure them again.
        m_axisX->setLabelsVisible(false);
        m_axisX->setLabelsVisible(true);
        m_axisNeedsRelayout = false;
    }
}

void LiveChartWidget::askForData()
{
    if (m_deviceIds.isEmpty())
        return;
    // Each range is asked for once (the wiring loads it while frames go
    // on); live, the right edge is what the stream brings, so only the
    // left edge counts. A change of mode forgets what was asked
    // (forgetRequests), since the store may have dropped it since.
    const bool following = m_time->isFollowing();
    const auto covers = [following](const Request &asked, qint64 from, qint64 to) {
        return asked.toMs > asked.fromMs && asked.fromMs <= from && (following || asked.toMs >= to);
    };
    QStringList lacking;
    if (m_drawingBuckets) {
        const qint64 step = m_bucketStepMs;
        const qint64 from = floorTo(m_fromMs, step);
        const qint64 to = ceilTo(m_toMs, step);
        for (const QString &device : std::as_const(m_deviceIds)) {
            const Request asked = m_bucketsAsked.value(device);
            if (asked.stepMs == step && covers(asked, from, to))
                continue;
            m_bucketsAsked.insert(device, Request{from, to, step});
            lacking.append(device);
        }
        if (!lacking.isEmpty())
            Q_EMIT bucketsNeeded(lacking, from, to, static_cast<int>(step / 1000));
        return;
    }
    for (const QString &device : std::as_const(m_deviceIds)) {
        // The store holds a device's points from its oldest one up to now.
        const qint64 oldest = m_store->oldestMs(device);
        if (oldest > 0 && oldest <= m_fromMs)
            continue;
        if (covers(m_historyAsked.value(device), m_fromMs, m_toMs))
            continue;
        m_historyAsked.insert(device, Request{m_fromMs, m_toMs, 0});
        lacking.append(device);
    }
    if (!lacking.isEmpty())
        Q_EMIT historyNeeded(lacking, m_fromMs, m_toMs);
}

void LiveChartWidget::forgetRequests()
{
    m_historyAsked.clear();
    m_bucketsAsked.clear();
}

void LiveChartWidget::selectRange(qint64 fromMs, qint64 toMs)
{
    const qint64 span = std::clamp(toMs - fromMs, kMinSpanMs, kMaxSpanMs);
    if (span != toMs - fromMs) {
        const qint64 center = fromMs + (toMs - fromMs) / 2;
        fromMs = center - span / 2;
        toMs = fromMs + span;
    }
    // Every chart of the workspace follows (WorkspaceTime::rangeChanged).
    m_time->setAbsoluteRange(fromMs, toMs);
}

void LiveChartWidget::zoomAround(qint64 centerMs, double factor)
{
    // From the range on screen, or the one just asked for while its frame is pending.
    const qint64 from0 = m_time->isLive() ? m_fromMs : m_time->fromMs();
    const qint64 to0 = m_time->isLive() ? m_toMs : m_time->toMs();
    const double from = static_cast<double>(centerMs) - static_cast<double>(centerMs - from0) * factor;
    const double to = static_cast<double>(centerMs) + static_cast<double>(to0 - centerMs) * factor;
    selectRange(static_cast<qint64>(std::llround(from)), static_cast<qint64>(std::llround(to)));
}

void LiveChartWidget::panBy(qint64 deltaMs)
{
    const qint64 from = m_time->isLive() ? m_fromMs : m_time->fromMs();
    const qint64 to = m_time->isLive() ? m_toMs : m_time->toMs();
    m_time->setAbsoluteRange(from + deltaMs, to + deltaMs);
}

void LiveChartWidget::updateReadout()
{
    const qint64 ms = m_time->crosshairMs();
    if (ms == 0)
        m_view->setCursorReadout(0, QString());
    else
        m_view->setCursorReadout(ms, readoutAt(ms));
}

QString LiveChartWidget::readoutAt(qint64 ms) const
{
    QStringList lines;
    lines.append(formatTimeOfDay(ms, m_utc, true)); // as every panel shows a time (UTC marked)
    const qint64 span = std::max<qint64>(m_toMs - m_fromMs, 1);
    int shown = 0;
    for (const ChartSeriesKey &key : m_keys) {
        QString value;
        if (m_drawingBuckets) {
            const qint64 step = m_buckets->stepMs(key.deviceId);
            for (const HistoryBucket &bucket : m_buckets->buckets(key.deviceId, ms, ms)) {
                if (bucket.tsMs > ms || bucket.tsMs + step <= ms || !bucket.mean.contains(key.field))
                    continue;
                value = tr("%1 (%2 – %3)")
                                .arg(formatFieldValue(key.field, bucket.mean.value(key.field)),
                                     formatFieldValue(key.field, bucket.min.value(key.field)),
                                     formatFieldValue(key.field, bucket.max.value(key.field)));
            }
        } else {
            const qint64 tolerance = std::max(m_store->gapThresholdMs(key.deviceId), span / 100);
            const QList<Sample> near = m_store->samples(key.deviceId, key.field, ms - tolerance, ms + tolerance);
            if (!near.isEmpty()) {
                const Sample best = *std::min_element(near.begin(), near.end(), [ms](const Sample &a, const Sample &b) {
                    return std::llabs(a.tMs - ms) < std::llabs(b.tMs - ms);
                });
                value = formatFieldValue(key.field, best.value);
            }
        }
        if (value.isEmpty())
            continue;
        if (shown == kMaxReadoutLines) {
            lines.append(tr("…"));
            break;
        }
        lines.append(QStringLiteral("%1  %2").arg(seriesName(key), value));
        ++shown;
    }
    return lines.join(QLatin1Char('\n'));
}

QString LiveChartWidget::visibleWindowCsv() const
{
    QString csv;
    QTextStream out(&csv);
    if (m_drawingBuckets) {
        out << "timestamp,device,field,min,mean,max,count\n";
        for (const ChartSeriesKey &key : m_keys) {
            for (const HistoryBucket &b : m_buckets->buckets(key.deviceId, m_fromMs, m_toMs)) {
                if (!b.mean.contains(key.field))
                    continue;
                out << formatTimestamp(b.tsMs) << ',' << key.deviceId << ',' << key.field << ','
                    << QString::number(b.min.value(key.field), 'g', 15) << ','
                    << QString::number(b.mean.value(key.field), 'g', 15) << ','
                    << QString::number(b.max.value(key.field), 'g', 15) << ',' << b.count << '\n';
            }
        }
        return csv;
    }
    out << "timestamp,device,field,value\n";
    for (const ChartSeriesKey &key : m_keys) {
        for (const Sample &s : m_store->samples(key.deviceId, key.field, m_fromMs, m_toMs)) {
            out << formatTimestamp(s.tMs) << ',' << key.deviceId << ',' << key.field << ','
                << QString::number(s.value, 'g', 15) << '\n';
        }
    }
    return csv;
}

bool LiveChartWidget::exportCsv(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(visibleWindowCsv().toUtf8());
    if (!file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QImage LiveChartWidget::renderImage() const
{
    return m_view->grab().toImage();
}

bool LiveChartWidget::exportPng(const QString &path, QString *error) const
{
    const QImage image = renderImage();
    if (image.isNull() || !image.save(path, "PNG")) {
        if (error)
            *error = tr("Cannot write the image to %1.").arg(path);
        return false;
    }
    return true;
}

void LiveChartWidget::exportWithDialog(bool png)
{
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QString suggested = QStringLiteral("sightline-chart-%1.%2").arg(stamp, png ? QStringLiteral("png") : QStringLiteral("csv"));
    const QString path = QFileDialog::getSaveFileName(this, png ? tr("Export chart as PNG") : tr("Export visible data as CSV"),
                                                      suggested, png ? tr("PNG images (*.png)") : tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!(png ? exportPng(path, &error) : exportCsv(path, &error)))
        QMessageBox::warning(this, tr("Export failed"), error);
}

void LiveChartWidget::applyPalette()
{
    const QPalette pal = palette();
    m_chart->setBackgroundBrush(pal.brush(QPalette::Base));
    m_chart->setBackgroundPen(Qt::NoPen);
    m_chart->setPlotAreaBackgroundVisible(false);
    m_chart->legend()->setLabelColor(pal.color(QPalette::Text));
    // Faint text colour for the grid and the axis lines, mixed with the
    // background beforehand: opaque lines draw without blending.
    const QColor grid = blend(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.12);
    const QColor axisLine = blend(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.35);
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(m_axisX), static_cast<QAbstractAxis *>(m_axisLeft),
                                static_cast<QAbstractAxis *>(m_axisRight)}) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        axis->setTitleBrush(pal.brush(QPalette::Text));
        axis->setGridLineColor(grid);
        axis->setLinePenColor(axisLine);
    }
    // The right axis draws no grid of its own: two grids that disagree
    // would cross the plot.
    m_axisRight->setGridLineVisible(false);
}

void LiveChartWidget::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_axisNeedsRelayout = true;
    m_ticks.clear();
    scheduleFrame();
}

void LiveChartWidget::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

} // namespace Sightline
