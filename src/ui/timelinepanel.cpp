#include "ui/timelinepanel.h"

#include "telemetry/devicelistmodel.h"
#include "telemetry/namepattern.h"
#include "telemetry/workspacetime.h"
#include "ui/severitycolors.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>

namespace Sightline {

namespace {

constexpr int kMargin = 6;
constexpr int kFrameMs = 1000; // the bands move a pixel in seconds, not milliseconds
constexpr qint64 kSecondMs = 1000;
constexpr qint64 kMinuteMs = 60 * kSecondMs;
constexpr qint64 kHourMs = 60 * kMinuteMs;

// Round tick steps, smallest first: every label lands on a whole second,
// minute or hour (issue 14: no ticks on odd seconds).
constexpr std::array<qint64, 18> kTickSteps { kSecondMs, 2 * kSecondMs, 5 * kSecondMs,
    10 * kSecondMs, 15 * kSecondMs, 30 * kSecondMs, kMinuteMs, 2 * kMinuteMs, 5 * kMinuteMs,
    10 * kMinuteMs, 15 * kMinuteMs, 30 * kMinuteMs, kHourMs, 2 * kHourMs, 3 * kHourMs, 6 * kHourMs,
    12 * kHourMs, 24 * kHourMs };

QColor textTint(const QPalette &palette, double strength)
{
    return blend(palette.color(QPalette::Base), palette.color(QPalette::Text), strength);
}

QString formatDuration(qint64 ms)
{
    const qint64 seconds = std::max<qint64>(ms / 1000, 0);
    if (seconds < 60)
        return TimelinePanel::tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return TimelinePanel::tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return TimelinePanel::tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

QString severityWord(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return TimelinePanel::tr("info");
    case Severity::Warning:
        return TimelinePanel::tr("warning");
    case Severity::Critical:
        return TimelinePanel::tr("critical");
    }
    return QString();
}

// What a state means, said plainly (where it comes from matters: a gap in
// the stored data is not the same claim as seeing the server say offline).
QString stateWords(const StateTimeline::Segment &segment)
{
    using State = StateTimeline::State;
    if (segment.state == State::Unknown)
        return TimelinePanel::tr("unknown (not observed)");
    if (segment.source == StateTimeline::Source::StoredData)
        return segment.state == State::Offline ? TimelinePanel::tr("offline (no data stored)")
                                               : TimelinePanel::tr("online (data stored)");
    return StateTimeline::stateName(segment.state);
}

} // namespace

TimelinePanel::TimelinePanel(
    StateTimeline *timeline, DeviceListModel *devices, WorkspaceTime *time, QWidget *parent)
    : QWidget(parent)
    , m_timeline(timeline)
    , m_devices(devices)
    , m_time(time)
    , m_scroll(new QScrollBar(Qt::Vertical, this))
    , m_frameTimer(new QTimer(this))
{
    setAccessibleName(tr("Device timeline"));
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setMouseTracking(true);
    m_scroll->hide();
    m_frameTimer->setInterval(kFrameMs);

    connect(m_scroll, &QScrollBar::valueChanged, this, qOverload<>(&QWidget::update));
    connect(m_frameTimer, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    connect(m_time, &WorkspaceTime::rangeChanged, this, [this] {
        updateFrameTimer();
        update();
    });
    connect(m_time, &WorkspaceTime::pausedChanged, this, &TimelinePanel::updateFrameTimer);
    connect(m_time, &WorkspaceTime::modeChanged, this, &TimelinePanel::updateFrameTimer);
    connect(m_time, &WorkspaceTime::crosshairChanged, this, qOverload<>(&QWidget::update));
    connect(m_timeline, &StateTimeline::changed, this, [this](const QString &deviceId) {
        if (m_rows.contains(deviceId))
            update();
    });
    connect(m_devices, &QAbstractItemModel::modelReset, this, &TimelinePanel::updateRows);
    connect(m_devices, &QAbstractItemModel::rowsInserted, this, &TimelinePanel::updateRows);
    connect(m_devices, &QAbstractItemModel::rowsRemoved, this, &TimelinePanel::updateRows);
    connect(m_devices, &QAbstractItemModel::layoutChanged, this, &TimelinePanel::updateRows);

    updateRows();
    updateFrameTimer();
}

TimelinePanel::~TimelinePanel() = default;

void TimelinePanel::setDevicePatterns(const QStringList &patterns)
{
    if (patterns == m_patterns)
        return;
    m_patterns = patterns;
    updateRows();
}

void TimelinePanel::updateRows()
{
    const QStringList rows = filterByNamePatterns(m_patterns, m_devices->deviceIds());
    if (rows == m_rows)
        return;
    m_rows = rows;
    updateLayout();
    updateGeometry();
    update();
}

void TimelinePanel::updateFrameTimer()
{
    // Following the clock: the range moves without a signal, so redraw on a
    // timer. Paused or absolute: only the signals change what is drawn.
    if (m_time->isFollowing())
        m_frameTimer->start();
    else
        m_frameTimer->stop();
}

// ---- geometry --------------------------------------------------------------

void TimelinePanel::updateLayout()
{
    const QFontMetrics metrics = fontMetrics();
    Layout layout;
    layout.rowHeight = metrics.height() + 8;
    layout.legend
        = QRect(kMargin, kMargin, std::max(width() - 2 * kMargin, 0), metrics.height() + 4);
    const int axisHeight = metrics.height() + 8;
    const int top = layout.legend.bottom() + 1 + kMargin;
    const int available = std::max(height() - kMargin - axisHeight - top, 0);
    layout.visibleRows = std::max(available / layout.rowHeight, 1);
    const bool scrolls = m_rows.size() > layout.visibleRows;
    const int shownRows = std::min<int>(static_cast<int>(m_rows.size()), layout.visibleRows);
    const int scrollWidth = scrolls ? m_scroll->sizeHint().width() : 0;

    int nameWidth = 0;
    for (const QString &id : std::as_const(m_rows))
        nameWidth = std::max(nameWidth, metrics.horizontalAdvance(id));
    // Names get what they need, but never more than about a third of the panel.
    nameWidth = std::clamp(
        nameWidth + 2 * kMargin, std::min(60, width() / 3), std::max(width() * 35 / 100, 1));

    const int rowsHeight = shownRows * layout.rowHeight;
    layout.names = QRect(kMargin, top, nameWidth, rowsHeight);
    const int plotLeft = kMargin + nameWidth;
    const int plotRight = width() - kMargin - scrollWidth;
    layout.plot = QRect(plotLeft, top, std::max(plotRight - plotLeft, 1), rowsHeight);
    layout.axis = QRect(plotLeft, top + rowsHeight, layout.plot.width(), axisHeight);
    m_layout = layout;

    m_scroll->setVisible(scrolls);
    if (scrolls) {
        m_scroll->setGeometry(width() - kMargin - scrollWidth, top, scrollWidth, rowsHeight);
        m_scroll->setRange(0, static_cast<int>(m_rows.size()) - layout.visibleRows);
        m_scroll->setPageStep(layout.visibleRows);
    } else {
        m_scroll->setValue(0);
    }
}

int TimelinePanel::rowAt(const QPoint &pos) const
{
    const QRect rows(
        m_layout.names.topLeft(), QPoint(m_layout.plot.right(), m_layout.plot.bottom()));
    if (!rows.contains(pos) || m_layout.rowHeight <= 0)
        return -1;
    const int row = m_scroll->value() + (pos.y() - rows.top()) / m_layout.rowHeight;
    return row < m_rows.size() ? row : -1;
}

QRect TimelinePanel::bandRect(const QString &deviceId) const
{
    const int row = static_cast<int>(m_rows.indexOf(deviceId)) - m_scroll->value();
    if (row < 0 || row >= m_layout.visibleRows || row >= m_rows.size())
        return QRect();
    const int top = m_layout.plot.top() + row * m_layout.rowHeight;
    return QRect(m_layout.plot.left(), top + 2, m_layout.plot.width(), m_layout.rowHeight - 4);
}

int TimelinePanel::xForMs(qint64 ms) const
{
    const qint64 from = m_time->fromMs();
    const qint64 span = std::max<qint64>(m_time->toMs() - from, 1);
    return m_layout.plot.left()
        + static_cast<int>(std::lround(double(ms - from) * m_layout.plot.width() / double(span)));
}

qint64 TimelinePanel::msForX(int x) const
{
    const qint64 from = m_time->fromMs();
    const qint64 span = m_time->toMs() - from;
    return from
        + std::llround(
            double(x - m_layout.plot.left()) * double(span) / std::max(m_layout.plot.width(), 1));
}

QSize TimelinePanel::sizeHint() const
{
    const int rows = std::clamp<int>(static_cast<int>(m_rows.size()), 3, 12);
    const QFontMetrics metrics = fontMetrics();
    return QSize(640,
        2 * kMargin + metrics.height() + 4 + kMargin + rows * (metrics.height() + 8)
            + metrics.height() + 8);
}

QSize TimelinePanel::minimumSizeHint() const
{
    const QFontMetrics metrics = fontMetrics();
    return QSize(240,
        2 * kMargin + metrics.height() + 4 + kMargin + 2 * (metrics.height() + 8) + metrics.height()
            + 8);
}

// ---- colours ---------------------------------------------------------------

QColor TimelinePanel::stateColor(StateTimeline::State state, const QPalette &palette)
{
    // Bands are large areas: the tone blended into the base, so they read
    // as colour without glaring, in light and dark themes alike.
    const bool dark = isDarkPalette(palette);
    const QColor base = palette.color(QPalette::Base);
    switch (state) {
    case StateTimeline::State::Online:
        return blend(base, toneColor(Tone::Healthy, palette), dark ? 0.7 : 0.65);
    case StateTimeline::State::Stale:
        // Yellow, apart from the warning stripe's orange.
        return blend(
            base, dark ? QColor(0xe6, 0xd0, 0x4a) : QColor(0xd9, 0xb8, 0x00), dark ? 0.75 : 0.7);
    case StateTimeline::State::Offline:
        return textTint(palette, dark ? 0.5 : 0.55);
    case StateTimeline::State::Unknown:
        return textTint(palette, 0.06);
    }
    return base;
}

void TimelinePanel::fillState(
    QPainter &painter, const QRect &rect, StateTimeline::State state) const
{
    painter.fillRect(rect, stateColor(state, palette()));
    if (state == StateTimeline::State::Unknown) // hatched: nothing known, not a colour of its own
        painter.fillRect(rect, QBrush(textTint(palette(), 0.3), Qt::BDiagPattern));
}

// ---- painting --------------------------------------------------------------

void TimelinePanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateLayout();
}

bool TimelinePanel::event(QEvent *event)
{
    switch (event->type()) {
    case QEvent::ToolTip: {
        auto *help = static_cast<QHelpEvent *>(event);
        QRect area;
        const QString text = toolTipAt(help->pos(), &area);
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, this, area);
        }
        return true;
    }
    case QEvent::FontChange:
    case QEvent::StyleChange:
        updateLayout();
        break;
    default:
        break;
    }
    return QWidget::event(event);
}

void TimelinePanel::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paintLegend(painter);
    if (m_rows.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        const QRect area
            = rect().adjusted(kMargin, m_layout.legend.bottom() + kMargin, -kMargin, -kMargin);
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
            m_devices->deviceIds().isEmpty() ? tr("No devices yet")
                                             : tr("No device matches this panel's devices"));
        return;
    }
    // One range for the whole frame: in live mode it moves while we draw.
    const qint64 from = m_time->fromMs();
    const qint64 to = m_time->toMs();
    paintAxis(painter, from, to);
    const int first = m_scroll->value();
    for (int i = 0; i < m_layout.visibleRows && first + i < m_rows.size(); ++i) {
        const QRect rowRect(m_layout.names.left(), m_layout.plot.top() + i * m_layout.rowHeight,
            m_layout.plot.right() - m_layout.names.left() + 1, m_layout.rowHeight);
        paintRow(painter, first + i, rowRect, from, to);
    }

    const qint64 crosshair = m_time->crosshairMs();
    if (crosshair > 0 && crosshair >= from && crosshair <= to) {
        const int x = xForMs(crosshair);
        painter.setPen(QPen(palette().color(QPalette::Text), 1));
        painter.drawLine(x, m_layout.plot.top(), x, m_layout.axis.top() + 4);
        // Its time, in a box over the axis labels.
        const QString label = formatTime(crosshair);
        const QFontMetrics metrics = fontMetrics();
        QRect box(0, 0, metrics.horizontalAdvance(label) + 8, metrics.height() + 2);
        box.moveCenter(QPoint(x, m_layout.axis.top() + 4 + metrics.height() / 2 + 2));
        box.moveLeft(std::clamp(box.left(), m_layout.axis.left(),
            std::max(m_layout.axis.right() - box.width(), m_layout.axis.left())));
        painter.fillRect(box, palette().color(QPalette::Text));
        painter.setPen(palette().color(QPalette::Base));
        painter.drawText(box, Qt::AlignCenter, label);
    }
}

void TimelinePanel::paintLegend(QPainter &painter) const
{
    const QFontMetrics metrics = fontMetrics();
    const QRect area = m_layout.legend;
    const int swatch = std::max(metrics.height() - 4, 6);
    using State = StateTimeline::State;
    const QList<State> states { State::Online, State::Stale, State::Offline, State::Unknown };
    const QList<Severity> severities { Severity::Warning, Severity::Critical };
    QStringList names;
    for (const State state : states) {
        QString name = StateTimeline::stateName(state);
        name[0] = name[0].toUpper();
        names << name;
    }
    for (const Severity severity : severities)
        names << tr("%1 alert").arg(severityWord(severity));
    int needed = 0;
    for (const QString &name : std::as_const(names))
        needed += swatch + 4 + metrics.horizontalAdvance(name) + 14;
    // Over the bands when it fits there, else from the left edge; items that
    // still do not fit are left out whole.
    int x = area.left()
        + (m_layout.names.width() + needed <= area.width() ? m_layout.names.width() : 0);
    const auto label = [&](const QString &text) {
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QRect(x, area.top(), metrics.horizontalAdvance(text) + 1, area.height()),
            Qt::AlignVCenter, text);
        x += metrics.horizontalAdvance(text) + 14;
    };
    int item = 0;
    for (const State state : states) {
        const QString &name = names.at(item++);
        if (x + swatch + 4 + metrics.horizontalAdvance(name) > area.right())
            return;
        const QRect box(x, area.center().y() - swatch / 2, swatch, swatch);
        fillState(painter, box, state);
        x += swatch + 4;
        label(name);
    }
    for (const Severity severity : severities) {
        const QString &name = names.at(item++);
        if (x + swatch + 4 + metrics.horizontalAdvance(name) > area.right())
            return;
        // The stripe as drawn on a band: a thin bar on top.
        const QRect box(x, area.center().y() - swatch / 2, swatch, swatch);
        painter.fillRect(box, textTint(palette(), 0.12));
        painter.fillRect(QRect(box.left(), box.top(), box.width(), std::max(swatch / 3, 3)),
            toneColor(toneFor(severity), palette()));
        x += swatch + 4;
        label(name);
    }
}

void TimelinePanel::paintRow(
    QPainter &painter, int row, const QRect &rowRect, qint64 fromMs, qint64 toMs) const
{
    const QString &id = m_rows.at(row);
    const QFontMetrics metrics = fontMetrics();
    painter.setPen(palette().color(QPalette::Text));
    const QRect nameRect(
        rowRect.left(), rowRect.top(), m_layout.names.width() - kMargin, rowRect.height());
    painter.drawText(nameRect, Qt::AlignVCenter | Qt::AlignLeft,
        metrics.elidedText(id, Qt::ElideMiddle, nameRect.width()));

    const QRect band(
        m_layout.plot.left(), rowRect.top() + 2, m_layout.plot.width(), rowRect.height() - 4);
    const qint64 span = std::max<qint64>(toMs - fromMs, 1);
    const auto xFor = [&](qint64 ms) {
        return band.left()
            + static_cast<int>(std::lround(double(ms - fromMs) * band.width() / double(span)));
    };
    const int stripe = std::max(band.height() / 4, 3);
    const QList<StateTimeline::Segment> segments = m_timeline->segments(id, fromMs, toMs);
    for (const StateTimeline::Segment &segment : segments) {
        const int x0 = xFor(segment.startMs);
        // A short problem still gets a pixel: an operator looks for those.
        const int x1 = std::max(
            xFor(segment.endMs), segment.state == StateTimeline::State::Online ? x0 : x0 + 1);
        if (x1 <= x0)
            continue;
        const QRect piece(x0, band.top(), x1 - x0, band.height());
        fillState(painter, piece, segment.state);
        if (segment.alertSeverity)
            painter.fillRect(QRect(x0, band.top(), x1 - x0, stripe),
                toneColor(toneFor(*segment.alertSeverity), palette()));
    }
}

void TimelinePanel::paintAxis(QPainter &painter, qint64 fromMs, qint64 toMs) const
{
    const QFontMetrics metrics = fontMetrics();
    const QRect axis = m_layout.axis;
    const qint64 span = std::max<qint64>(toMs - fromMs, 1);
    const double pxPerMs = double(axis.width()) / double(span);
    // Room for a label (with seconds below a minute) and some air between neighbours.
    const int withSeconds = metrics.horizontalAdvance(QStringLiteral("00:00:00")) + 16;
    const int withoutSeconds = metrics.horizontalAdvance(QStringLiteral("00:00")) + 16;
    qint64 step = kTickSteps.back();
    for (const qint64 candidate : kTickSteps) {
        if (candidate * pxPerMs >= (candidate < kMinuteMs ? withSeconds : withoutSeconds)) {
            step = candidate;
            break;
        }
    }
    // Round in local time (time zones with half-hour offsets included).
    const qint64 offset = QDateTime::fromMSecsSinceEpoch(fromMs).offsetFromUtc() * 1000LL;
    const qint64 firstTick = ((fromMs + offset + step - 1) / step) * step - offset;

    const QColor grid = textTint(palette(), 0.12);
    const QColor tick = textTint(palette(), 0.5);
    painter.setPen(tick);
    painter.drawLine(axis.left(), axis.top(), axis.right(), axis.top());
    for (qint64 t = firstTick; t <= toMs; t += step) {
        const int x = axis.left() + static_cast<int>(std::lround(double(t - fromMs) * pxPerMs));
        painter.setPen(grid);
        painter.drawLine(x, m_layout.plot.top(), x, axis.top());
        painter.setPen(tick);
        painter.drawLine(x, axis.top(), x, axis.top() + 4);
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(t);
        QString text;
        if (local.time() == QTime(0, 0))
            text = QLocale().toString(local.date(), QStringLiteral("d MMM"));
        else
            text = local.toString(
                step < kMinuteMs ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
        const int w = metrics.horizontalAdvance(text);
        if (x - w / 2 < axis.left() - m_layout.names.width() / 2 || x + w / 2 > width())
            continue;
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(
            QRect(x - w / 2 - 1, axis.top() + 5, w + 2, metrics.height()), Qt::AlignCenter, text);
    }
}

QString TimelinePanel::formatTime(qint64 ms) const
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(ms);
    // The date only when it is not today's: a 24-hour range spans two.
    if (local.date() != QDateTime::fromMSecsSinceEpoch(m_time->now()).date())
        return QLocale().toString(local, QStringLiteral("d MMM HH:mm:ss"));
    return local.toString(QStringLiteral("HH:mm:ss"));
}

// ---- interaction -----------------------------------------------------------

QString TimelinePanel::toolTipAt(const QPoint &pos, QRect *area) const
{
    const int row = rowAt(pos);
    if (row < 0)
        return QString();
    const QString &id = m_rows.at(row);
    const QRect rowRect(m_layout.names.left(),
        m_layout.plot.top() + (row - m_scroll->value()) * m_layout.rowHeight,
        m_layout.plot.right() - m_layout.names.left() + 1, m_layout.rowHeight);
    if (pos.x() < m_layout.plot.left()) {
        *area = QRect(rowRect.left(), rowRect.top(), m_layout.names.width(), rowRect.height());
        return tr("%1: click to open the device").arg(id);
    }
    const qint64 t = msForX(pos.x());
    const qint64 now = m_time->now();
    if (t >= now) {
        *area = rowRect;
        return QString();
    }
    // The whole interval, not the part on screen or between alert changes:
    // ask for everything the timeline keeps.
    const QList<StateTimeline::Segment> segments
        = m_timeline->segments(id, now - StateTimeline::kKeepMs, now);
    const auto hit = std::find_if(segments.cbegin(), segments.cend(),
        [t](const StateTimeline::Segment &s) { return s.startMs <= t && t < s.endMs; });
    if (hit == segments.cend())
        return QString();
    const auto sameState = [&](const StateTimeline::Segment &s) {
        return s.state == hit->state && s.source == hit->source;
    };
    const auto sameAlert
        = [&](const StateTimeline::Segment &s) { return s.alertSeverity == hit->alertSeverity; };
    const auto spanOf = [&](const auto &same) {
        auto first = hit;
        while (first != segments.cbegin() && same(*(first - 1)))
            --first;
        auto last = hit;
        while (last + 1 != segments.cend() && same(*(last + 1)))
            ++last;
        return std::make_pair(first->startMs, last->endMs);
    };
    const auto interval = [&](std::pair<qint64, qint64> span) {
        const QString end = span.second >= now ? tr("now") : formatTime(span.second);
        return tr("%1 – %2 (%3)")
            .arg(formatTime(span.first), end, formatDuration(span.second - span.first));
    };

    const auto stateSpan = spanOf(sameState);
    QString text
        = id + QLatin1Char('\n') + stateWords(*hit) + QLatin1Char(' ') + interval(stateSpan);
    int x0 = xForMs(stateSpan.first);
    int x1 = xForMs(stateSpan.second);
    if (hit->alertSeverity) {
        const auto alertSpan = spanOf(sameAlert);
        text += QLatin1Char('\n')
            + tr("%1 alert firing %2").arg(severityWord(*hit->alertSeverity), interval(alertSpan));
        x0 = std::max(x0, xForMs(alertSpan.first));
        x1 = std::min(x1, xForMs(alertSpan.second));
    } else {
        // The tooltip must go when the mouse reaches an alert.
        for (auto it = segments.cbegin(); it != segments.cend(); ++it) {
            if (it->alertSeverity && it->endMs <= hit->startMs)
                x0 = std::max(x0, xForMs(it->endMs));
            if (it->alertSeverity && it->startMs >= hit->endMs)
                x1 = std::min(x1, xForMs(it->startMs));
        }
    }
    *area = QRect(QPoint(std::max(x0, m_layout.plot.left()), rowRect.top()),
        QPoint(std::min(x1, m_layout.plot.right()), rowRect.bottom()));
    return text;
}

void TimelinePanel::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    const bool overTime = pos.x() >= m_layout.plot.left() && pos.x() <= m_layout.plot.right()
        && pos.y() >= m_layout.plot.top() && pos.y() <= m_layout.axis.bottom();
    if (overTime) {
        m_time->setCrosshair(msForX(pos.x()));
        m_ownsCrosshair = true;
    } else if (m_ownsCrosshair) {
        m_time->clearCrosshair();
        m_ownsCrosshair = false;
    }
    QWidget::mouseMoveEvent(event);
}

void TimelinePanel::leaveEvent(QEvent *event)
{
    if (m_ownsCrosshair) {
        m_time->clearCrosshair();
        m_ownsCrosshair = false;
    }
    QWidget::leaveEvent(event);
}

void TimelinePanel::mousePressEvent(QMouseEvent *event)
{
    const int row = event->button() == Qt::LeftButton ? rowAt(event->position().toPoint()) : -1;
    if (row < 0) {
        QWidget::mousePressEvent(event);
        return;
    }
    Q_EMIT deviceActivated(m_rows.at(row));
    event->accept();
}

void TimelinePanel::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (!m_scroll->isVisible() || delta == 0) {
        QWidget::wheelEvent(event);
        return;
    }
    // A row per notch; a touchpad's small deltas still move one row.
    const int steps = delta / 120;
    m_scroll->setValue(m_scroll->value() - (steps == 0 ? (delta > 0 ? 1 : -1) : steps));
    event->accept();
}

} // namespace Sightline
