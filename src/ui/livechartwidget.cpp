#include "ui/livechartwidget.h"

#include "telemetry/events.h"
#include "telemetry/fieldformat.h"
#include "telemetry/seriesstore.h"
#include "ui/chartview.h"
#include "ui/logging.h"
#include "ui/severitycolors.h"

#include <QButtonGroup>
#include <QChart>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QTextStream>
#include <QToolButton>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Sightline {

namespace {

constexpr qint64 kMinSpanMs = 2000; // zooming in stops at 2 s
constexpr double kYPadding = 0.05;
constexpr int kYTargetTicks = 5;
constexpr qint64 kFollowStepMs = 1000;

qint64 minutesToMs(int minutes)
{
    return static_cast<qint64>(minutes) * 60 * 1000;
}

// Keeps the shape of a run that has more points than the plot has pixels:
// per pixel column, the first, lowest, highest and last point, in time
// order. Spikes survive; a 60-minute window draws ~4 points per pixel
// instead of thousands per series.
QList<QPointF> decimate(const QList<QPointF> &run, double fromMs, double toMs, int columns)
{
    if (columns <= 0 || run.size() <= columns * 4)
        return run;
    QList<QPointF> out;
    out.reserve(columns * 4);
    const double width = (toMs - fromMs) / columns;
    qsizetype i = 0;
    while (i < run.size()) {
        const qint64 column = static_cast<qint64>(std::floor((run.at(i).x() - fromMs) / width));
        const qsizetype first = i;
        qsizetype low = i;
        qsizetype high = i;
        while (i < run.size() && static_cast<qint64>(std::floor((run.at(i).x() - fromMs) / width)) == column) {
            if (run.at(i).y() < run.at(low).y())
                low = i;
            if (run.at(i).y() > run.at(high).y())
                high = i;
            ++i;
        }
        const qsizetype last = i - 1;
        qsizetype picks[4] = {first, std::min(low, high), std::max(low, high), last};
        qsizetype previous = -1;
        for (qsizetype pick : picks) {
            if (pick != previous)
                out.append(run.at(pick));
            previous = pick;
        }
    }
    return out;
}

// 1, 2, 2.5 or 5 times a power of ten: tick steps people read at a glance.
double niceStep(double raw)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / magnitude;
    const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nice * magnitude;
}

} // namespace

const QList<int> &LiveChartWidget::windowChoicesMinutes()
{
    static const QList<int> choices{1, 5, 15, 60};
    return choices;
}

LiveChartWidget::LiveChartWidget(SeriesStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_chart(new QChart)
    , m_axisX(new QDateTimeAxis(m_chart))
    , m_axisY(new QValueAxis(m_chart))
{
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_axisX->setTickCount(6); // one label a minute in the default 5-minute window
    m_axisX->setFormat(QStringLiteral("HH:mm:ss"));
    m_axisY->setTickCount(6);
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    m_view = new ChartView(m_chart, this);

    // Toolbar: field, window, pause, back to live, export.
    m_fieldPicker = new QComboBox(this);
    m_fieldPicker->setAccessibleName(tr("Field"));
    m_fieldPicker->setMinimumContentsLength(14);
    m_fieldPicker->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    auto *fieldLabel = new QLabel(tr("&Field:"), this);
    fieldLabel->setBuddy(m_fieldPicker);

    m_windowButtons = new QButtonGroup(this);
    m_windowButtons->setExclusive(true);
    auto *toolbar = new QHBoxLayout;
    toolbar->setContentsMargins(0, 0, 0, 0);
    toolbar->setSpacing(6);
    toolbar->addWidget(fieldLabel);
    toolbar->addWidget(m_fieldPicker);
    toolbar->addSpacing(12);
    auto *windowBox = new QHBoxLayout;
    windowBox->setSpacing(0);
    for (int minutes : windowChoicesMinutes()) {
        auto *button = new QToolButton(this);
        button->setText(tr("%1 min").arg(minutes));
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setToolTip(minutes == 1 ? tr("Show the last minute") : tr("Show the last %1 minutes").arg(minutes));
        m_windowButtons->addButton(button, minutes);
        windowBox->addWidget(button);
    }
    toolbar->addLayout(windowBox);
    toolbar->addStretch(1);
    m_modeLabel = new QLabel(this);
    m_modeLabel->setForegroundRole(QPalette::PlaceholderText);
    toolbar->addWidget(m_modeLabel);
    m_liveButton = new QToolButton(this);
    m_liveButton->setText(tr("Back to live"));
    m_liveButton->setToolTip(tr("Follow the newest data again (End)"));
    toolbar->addWidget(m_liveButton);
    m_pauseButton = new QToolButton(this);
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Freeze the chart; data keeps arriving in the background"));
    toolbar->addWidget(m_pauseButton);
    m_exportButton = new QToolButton(this);
    m_exportButton->setText(tr("Export"));
    m_exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *exportMenu = new QMenu(m_exportButton);
    exportMenu->addAction(tr("Visible window as CSV…"), this, [this] { exportWithDialog(false); });
    exportMenu->addAction(tr("Visible window as PNG…"), this, [this] { exportWithDialog(true); });
    m_exportButton->setMenu(exportMenu);
    toolbar->addWidget(m_exportButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(toolbar);
    layout->addWidget(m_view, 1);

    m_frameTimer.setInterval(kFrameIntervalMs);
    m_frameTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_frameTimer, &QTimer::timeout, this, &LiveChartWidget::renderFrame);
    connect(m_store, &SeriesStore::pointsAdded, this, [this](const QString &deviceId) { handlePointsAdded(deviceId); });
    connect(m_store, &SeriesStore::fieldsChanged, this, [this](const QString &deviceId) {
        if (m_devices.contains(deviceId))
            updateFieldChoices();
    });
    connect(m_fieldPicker, &QComboBox::activated, this, [this](int index) {
        setField(m_fieldPicker->itemData(index).toString());
    });
    connect(m_windowButtons, &QButtonGroup::idClicked, this, &LiveChartWidget::setWindowMinutes);
    connect(m_pauseButton, &QToolButton::toggled, this, &LiveChartWidget::setPaused);
    connect(m_liveButton, &QToolButton::clicked, this, &LiveChartWidget::backToLive);
    connect(m_view, &ChartView::rangeSelected, this, &LiveChartWidget::setVisibleRange);
    connect(m_view, &ChartView::panRequested, this, &LiveChartWidget::panBy);
    connect(m_view, &ChartView::zoomRequested, this, &LiveChartWidget::zoomAround);
    connect(m_view, &ChartView::backToLiveRequested, this, &LiveChartWidget::backToLive);
    connect(m_view, &ChartView::hoverMoved, this, &LiveChartWidget::showReadout);
    connect(m_view, &ChartView::hoverLeft, this, [this] { m_view->setCursorReadout(0, QString()); });

    applyPalette();
    updateControls();
    updateFieldChoices();
    keepWhatIsShown();
    scheduleFrame();
}

LiveChartWidget::~LiveChartWidget() = default;

void LiveChartWidget::setDevices(const QStringList &deviceIds)
{
    if (deviceIds == m_devices)
        return;
    for (const QString &old : std::as_const(m_devices))
        if (!deviceIds.contains(old))
            removeSeriesOf(old);
    m_devices = deviceIds;
    updateFieldChoices();
    scheduleFrame();
}

void LiveChartWidget::setField(const QString &field)
{
    m_chosenField = field;
    showField(field);
}

QString LiveChartWidget::defaultField(const QStringList &fields)
{
    // Issue 6: a temperature says most about a Jetson at a glance; the
    // alphabetical first ("CPU0 util") says little.
    static const QStringList preferred{QStringLiteral("gpu_temp_c"), QStringLiteral("cpu_temp_c"),
                                       QStringLiteral("cpu_util_pct")};
    for (const QString &field : preferred)
        if (fields.contains(field))
            return field;
    if (fields.isEmpty())
        return QString();
    return *std::min_element(fields.cbegin(), fields.cend());
}

void LiveChartWidget::showField(const QString &field)
{
    if (field == m_field)
        return;
    m_field = field;
    const int index = m_fieldPicker->findData(field);
    if (index >= 0)
        m_fieldPicker->setCurrentIndex(index);
    const QString unit = fieldUnit(field);
    m_axisY->setTitleText(unit.isEmpty() ? fieldLabel(field) : tr("%1 (%2)").arg(fieldLabel(field), unit));
    Q_EMIT fieldChanged(field);
    scheduleFrame();
}

void LiveChartWidget::setWindowMinutes(int minutes)
{
    if (!windowChoicesMinutes().contains(minutes))
        return;
    if (QAbstractButton *button = m_windowButtons->button(minutes))
        button->setChecked(true);
    if (minutes == m_windowMinutes && m_following)
        return;
    m_windowMinutes = minutes;
    m_axisX->setFormat(minutes <= 5 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
    // Round spacing between time labels: 10 s, 1 min, 3 min, 10 min.
    m_axisX->setTickCount(minutes <= 1 ? 7 : minutes <= 5 ? 6 : minutes <= 15 ? 6 : 7);
    m_axisNeedsRelayout = true;
    // Picking a window means "show me the last N minutes": follow live again.
    setFollowing(true);
    keepWhatIsShown();
    Q_EMIT windowMinutesChanged(minutes);
    scheduleFrame();
}

qint64 LiveChartWidget::windowMs() const
{
    return minutesToMs(m_windowMinutes);
}

void LiveChartWidget::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    m_pauseButton->setChecked(paused);
    updateControls();
    keepWhatIsShown();
    Q_EMIT pausedChanged(paused);
    if (!paused)
        scheduleFrame();
}

void LiveChartWidget::backToLive()
{
    setFollowing(true);
    setPaused(false);
    scheduleFrame();
}

void LiveChartWidget::setVisibleRange(qint64 fromMs, qint64 toMs)
{
    if (toMs - fromMs < kMinSpanMs) {
        const qint64 center = fromMs + (toMs - fromMs) / 2;
        fromMs = center - kMinSpanMs / 2;
        toMs = fromMs + kMinSpanMs;
    }
    m_fromMs = fromMs;
    m_toMs = toMs;
    setFollowing(false);
    keepWhatIsShown();
    Q_EMIT visibleRangeChanged(fromMs, toMs);
    scheduleFrame();
}

void LiveChartWidget::setFollowing(bool following)
{
    if (following == m_following)
        return;
    m_following = following;
    updateControls();
    keepWhatIsShown();
    Q_EMIT followingLiveChanged(following);
}

void LiveChartWidget::keepWhatIsShown()
{
    // The store keeps the window (plus a tenth, so a line still enters at
    // the left edge from the point before it) and, while the picture stands
    // still or looks back, everything from the left edge on; following live
    // again lets it forget the rest.
    const qint64 marginMs = windowMs() / 10;
    m_store->setRetentionMs(windowMs() + marginMs);
    const bool live = m_following && !m_paused;
    m_store->setKeepSinceMs(live ? 0 : std::max<qint64>(m_fromMs - marginMs, 1));
}

void LiveChartWidget::zoomAround(qint64 centerMs, double factor)
{
    const double from = static_cast<double>(centerMs) - static_cast<double>(centerMs - m_fromMs) * factor;
    const double to = static_cast<double>(centerMs) + static_cast<double>(m_toMs - centerMs) * factor;
    setVisibleRange(static_cast<qint64>(std::llround(from)), static_cast<qint64>(std::llround(to)));
}

void LiveChartWidget::panBy(qint64 deltaMs)
{
    setVisibleRange(m_fromMs + deltaMs, m_toMs + deltaMs);
}

void LiveChartWidget::handlePointsAdded(const QString &deviceId)
{
    if (!m_devices.contains(deviceId))
        return;
    // Only this device's lines need new points, unless the range moves too.
    m_dirtyDevices.insert(deviceId);
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
    if (m_paused || m_frameTimer.isActive())
        return;
    // A change after a quiet spell is drawn at the next turn of the event
    // loop (which still takes in whatever else arrived with it); within a
    // frame interval of the last frame it waits for the interval's end.
    const qint64 sinceFrame = m_sinceFrame.isValid() ? m_sinceFrame.elapsed() : kFrameIntervalMs;
    m_frameTimer.start(static_cast<int>(std::max<qint64>(0, kFrameIntervalMs - sinceFrame)));
}

QList<QLineSeries *> &LiveChartWidget::seriesFor(const QString &deviceId, int segments)
{
    QList<QLineSeries *> &list = m_series[deviceId];
    while (list.size() < segments) {
        auto *series = new QLineSeries(m_chart);
        series->setName(deviceId);
        m_chart->addSeries(series);
        series->attachAxis(m_axisX);
        series->attachAxis(m_axisY);
        // The runs after the first continue the same line: same colour, no
        // second legend entry.
        QPen pen = series->pen();
        pen.setWidthF(2.0);
        if (!list.isEmpty()) {
            pen.setColor(list.constFirst()->color());
            const auto markers = m_chart->legend()->markers(series);
            for (QLegendMarker *marker : markers)
                marker->setVisible(false);
        }
        series->setPen(pen);
        list.append(series);
    }
    return list;
}

void LiveChartWidget::removeSeriesOf(const QString &deviceId)
{
    m_frameCache.remove(deviceId);
    const QList<QLineSeries *> list = m_series.take(deviceId);
    for (QLineSeries *series : list) {
        m_chart->removeSeries(series);
        delete series;
    }
}

void LiveChartWidget::renderFrame()
{
    if (!m_dirty || m_paused) {
        m_frameTimer.stop();
        return;
    }
    m_dirty = false;
    m_sinceFrame.start();
    if (m_frameTimer.interval() != kFrameIntervalMs)
        m_frameTimer.setInterval(kFrameIntervalMs); // the next frame, if any, a whole interval later
    const qint64 window = windowMs();
    qint64 newest = 0;
    for (const QString &device : std::as_const(m_devices))
        newest = std::max(newest, m_store->newestMs(device));
    if (m_following) {
        // Axes follow the data: the window ends just after the newest device
        // time, rounded up to a step of a second (or a pixel's worth of time,
        // if longer), so the axes and their labels, the costly part of a
        // frame, change about once a second instead of every frame.
        const qint64 latest = newest > 0 ? newest : QDateTime::currentMSecsSinceEpoch();
        const qint64 pixelMs = window / std::max<qint64>(1, static_cast<qint64>(m_chart->plotArea().width()));
        const qint64 step = std::max<qint64>(kFollowStepMs, pixelMs);
        m_toMs = (latest / step + 1) * step;
        m_fromMs = m_toMs - window;
    }

    const int plotColumns = static_cast<int>(m_chart->plotArea().width());
    // A device's lines are rebuilt when it got points or when anything that
    // shapes every line changed; the others keep their series untouched.
    const bool rebuildAll = m_allDirty || m_fromMs != m_lastFromMs || m_toMs != m_lastToMs
            || plotColumns != m_lastPlotColumns;
    double yMin = std::numeric_limits<double>::max();
    double yMax = std::numeric_limits<double>::lowest();
    qint64 newestShown = 0;
    QList<GapBand> gapBands;
    for (const QString &device : std::as_const(m_devices)) {
        auto cached = m_frameCache.find(device);
        if (rebuildAll || m_dirtyDevices.contains(device) || cached == m_frameCache.end())
            cached = m_frameCache.insert(device, rebuildDevice(device, plotColumns));
        yMin = std::min(yMin, cached->yMin);
        yMax = std::max(yMax, cached->yMax);
        newestShown = std::max(newestShown, cached->newestShownMs);
        gapBands += cached->gaps;
    }
    m_dirtyDevices.clear();
    m_allDirty = false;
    m_lastFromMs = m_fromMs;
    m_lastToMs = m_toMs;
    m_lastPlotColumns = plotColumns;

    applyYRange(yMin, yMax);
    m_axisX->setRange(QDateTime::fromMSecsSinceEpoch(m_fromMs), QDateTime::fromMSecsSinceEpoch(m_toMs));
    if (m_axisNeedsRelayout && isVisible()) {
        // Qt Charts 6.4 can lay the date-time axis out with no room for its
        // labels when the chart was first laid out before it got its range;
        // toggling the labels makes it measure them again.
        m_axisX->setLabelsVisible(false);
        m_axisX->setLabelsVisible(true);
        m_axisNeedsRelayout = false;
    }
    m_view->setXRange(m_fromMs, m_toMs);
    m_view->setGaps(gapBands);
    if (m_devices.isEmpty())
        m_view->setPlaceholderText(tr("Tick devices in the list to chart them"));
    else if (m_field.isEmpty())
        m_view->setPlaceholderText(tr("Waiting for data…"));
    else if (newestShown == 0)
        m_view->setPlaceholderText(m_following ? tr("No %1 data yet").arg(fieldLabel(m_field)) : tr("No data in this time span"));
    else
        m_view->setPlaceholderText(QString());
    ++m_frameCount;
    Q_EMIT frameRendered(newestShown);
}

void LiveChartWidget::applyYRange(double dataMin, double dataMax)
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
    if (fieldUnit(m_field) == QLatin1String("%") && dataMax <= 100 && hi > 100)
        hi = 100;
    const double step = niceStep((hi - lo) / kYTargetTicks);
    lo = std::floor(lo / step + 1e-9) * step;
    hi = std::ceil(hi / step - 1e-9) * step;
    const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    // Only what changed: QValueAxis::setLabelFormat re-lays the whole chart
    // out (measuring every label anew) even when given the same format.
    const QString format = QStringLiteral("%.%1f").arg(decimals);
    if (m_axisY->labelFormat() != format)
        m_axisY->setLabelFormat(format);
    const int ticks = static_cast<int>(std::lround((hi - lo) / step)) + 1;
    if (m_axisY->tickCount() != ticks)
        m_axisY->setTickCount(ticks);
    if (m_axisY->min() != lo || m_axisY->max() != hi)
        m_axisY->setRange(lo, hi);
}

LiveChartWidget::DeviceFrame LiveChartWidget::rebuildDevice(const QString &device, int plotColumns)
{
    DeviceFrame frame;
    const QList<QList<QPointF>> runs = m_field.isEmpty() ? QList<QList<QPointF>>()
                                                         : m_store->segments(device, m_field, m_fromMs, m_toMs);
    QList<QLineSeries *> &list = seriesFor(device, std::max<int>(1, static_cast<int>(runs.size())));
    for (int i = 0; i < list.size(); ++i) {
        QLineSeries *series = list.at(i);
        if (i < runs.size()) {
            series->replace(decimate(runs.at(i), double(m_fromMs), double(m_toMs), plotColumns));
            for (const QPointF &p : runs.at(i)) {
                if (p.x() < m_fromMs || p.x() > m_toMs)
                    continue;
                frame.yMin = std::min(frame.yMin, p.y());
                frame.yMax = std::max(frame.yMax, p.y());
                frame.newestShownMs = std::max(frame.newestShownMs, static_cast<qint64>(p.x()));
            }
        } else if (series->count() > 0) {
            series->clear();
        }
    }
    if (!m_field.isEmpty())
        for (const Gap &gap : m_store->gaps(device, m_fromMs, m_toMs))
            frame.gaps.append(GapBand{gap.startMs, gap.endMs, device});
    return frame;
}

void LiveChartWidget::updateFieldChoices()
{
    QStringList fields;
    for (const QString &device : std::as_const(m_devices))
        for (const QString &field : m_store->fields(device))
            if (!fields.contains(field))
                fields.append(field);
    std::sort(fields.begin(), fields.end());
    m_fieldPicker->clear();
    for (const QString &field : std::as_const(fields)) {
        const QString unit = fieldUnit(field);
        m_fieldPicker->addItem(unit.isEmpty() ? fieldLabel(field) : tr("%1 (%2)").arg(fieldLabel(field), unit), field);
    }
    m_fieldPicker->setEnabled(!fields.isEmpty());
    if (fields.isEmpty())
        return;
    // A chosen field (also one from settings) wins once a device reports
    // it; until then the default, which is kept while it stays reported.
    if (!m_chosenField.isEmpty() && fields.contains(m_chosenField))
        showField(m_chosenField);
    else if (m_field.isEmpty() || !fields.contains(m_field))
        showField(defaultField(fields));
    m_fieldPicker->setCurrentIndex(m_fieldPicker->findData(m_field));
}

void LiveChartWidget::updateControls()
{
    if (QAbstractButton *button = m_windowButtons->button(m_windowMinutes))
        button->setChecked(true);
    m_pauseButton->setText(m_paused ? tr("Resume") : tr("Pause"));
    m_liveButton->setVisible(!m_following || m_paused);
    if (m_paused)
        m_modeLabel->setText(tr("Paused"));
    else if (!m_following)
        m_modeLabel->setText(tr("Browsing — data keeps arriving"));
    else
        m_modeLabel->clear();
}

void LiveChartWidget::showReadout(qint64 xMs)
{
    if (m_field.isEmpty() || m_devices.isEmpty()) {
        m_view->setCursorReadout(xMs, QString());
        return;
    }
    const qint64 span = std::max<qint64>(m_toMs - m_fromMs, 1);
    QStringList lines;
    lines.append(QDateTime::fromMSecsSinceEpoch(xMs).toString(QStringLiteral("HH:mm:ss.zzz")));
    for (const QString &device : std::as_const(m_devices)) {
        const qint64 tolerance = std::max(m_store->gapThresholdMs(device), span / 100);
        const QList<Sample> near = m_store->samples(device, m_field, xMs - tolerance, xMs + tolerance);
        if (near.isEmpty())
            continue;
        const Sample best = *std::min_element(near.begin(), near.end(), [xMs](const Sample &a, const Sample &b) {
            return std::llabs(a.tMs - xMs) < std::llabs(b.tMs - xMs);
        });
        lines.append(QStringLiteral("%1  %2").arg(device, formatFieldValue(m_field, best.value)));
    }
    m_view->setCursorReadout(xMs, lines.size() > 1 ? lines.join(QLatin1Char('\n')) : QString());
}

QString LiveChartWidget::visibleWindowCsv() const
{
    QString csv;
    QTextStream out(&csv);
    out << "timestamp,device,field,value\n";
    for (const QString &device : m_devices) {
        for (const Sample &s : m_store->samples(device, m_field, m_fromMs, m_toMs)) {
            out << formatTimestamp(s.tMs) << ',' << device << ',' << m_field << ','
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
    const QString suggested = QStringLiteral("sightline-%1-%2.%3").arg(m_field, stamp, png ? QStringLiteral("png") : QStringLiteral("csv"));
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
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(m_axisX), static_cast<QAbstractAxis *>(m_axisY)}) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        axis->setTitleBrush(pal.brush(QPalette::Text));
        axis->setGridLineColor(grid);
        axis->setLinePenColor(axisLine);
    }
}

void LiveChartWidget::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_axisNeedsRelayout = true;
    scheduleFrame();
}

void LiveChartWidget::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

} // namespace Sightline
