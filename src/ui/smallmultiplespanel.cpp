#include "ui/smallmultiplespanel.h"

#include "telemetry/fieldformat.h"
#include "telemetry/namepattern.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/plotdecimation.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Sightline {

namespace {

constexpr int kGap = 8;          // between cells
constexpr int kTitleHeight = 22; // name and value line
constexpr int kPad = 6;

} // namespace

// The painted grid inside the scroll area. It only forwards paint and mouse
// events to the panel, which owns the state.
class SmallMultiplesCanvas : public QWidget
{
public:
    explicit SmallMultiplesCanvas(SmallMultiplesPanel *panel)
        : QWidget(panel)
        , m_panel(panel)
    {
        setMouseTracking(true);
        setAttribute(Qt::WA_OpaquePaintEvent);
    }

protected:
    void paintEvent(QPaintEvent *event) override
    {
        QPainter painter(this);
        m_panel->paintCanvas(painter, event->rect());
    }
    void mouseMoveEvent(QMouseEvent *event) override { m_panel->hoverAt(event->position().toPoint()); }
    void leaveEvent(QEvent *) override { m_panel->m_time->clearCrosshair(); }

private:
    SmallMultiplesPanel *m_panel;
};

SmallMultiplesPanel::SmallMultiplesPanel(SeriesStore *store, WorkspaceTime *time, QWidget *parent)
    : QScrollArea(parent)
    , m_store(store)
    , m_time(time)
{
    setObjectName(QStringLiteral("smallMultiplesPanel"));
    setWidgetResizable(false);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    setWidget(new SmallMultiplesCanvas(this));

    m_frameTimer.setSingleShot(true);
    m_frameTimer.setInterval(kFrameIntervalMs);
    connect(&m_frameTimer, &QTimer::timeout, this, [this] { widget()->update(); });
    m_liveTick.setInterval(1000);
    connect(&m_liveTick, &QTimer::timeout, this, [this] {
        if (m_time->isFollowing())
            scheduleFrame();
    });
    m_liveTick.start();

    connect(store, &SeriesStore::pointsAdded, this, [this](const QString &deviceId) {
        if (matchesAnyNamePattern(m_devicePatterns, deviceId))
            scheduleFrame();
    });
    connect(store, &SeriesStore::fieldsChanged, this, [this](const QString &deviceId) {
        if (matchesAnyNamePattern(m_devicePatterns, deviceId))
            rebuildCells();
    });
    connect(time, &WorkspaceTime::rangeChanged, this, &SmallMultiplesPanel::scheduleFrame);
    connect(time, &WorkspaceTime::crosshairChanged, this, [this] { widget()->update(); });
    rebuildCells();
}

SmallMultiplesPanel::~SmallMultiplesPanel() = default;

void SmallMultiplesPanel::setDevicePatterns(const QStringList &patterns)
{
    m_devicePatterns = patterns;
    rebuildCells();
}

void SmallMultiplesPanel::setFieldPatterns(const QStringList &patterns)
{
    m_fieldPatterns = patterns;
    rebuildCells();
}

void SmallMultiplesPanel::rebuildCells()
{
    QList<Cell> cells;
    for (const QString &device : filterByNamePatterns(m_devicePatterns, m_store->devices())) {
        for (const QString &field : filterByNamePatterns(m_fieldPatterns, m_store->fields(device)))
            cells.append({device, field});
    }
    if (cells != m_cells) {
        m_cells = cells;
        updateCanvasSize();
    }
    scheduleFrame();
}

void SmallMultiplesPanel::scheduleFrame()
{
    if (!m_frameTimer.isActive())
        m_frameTimer.start();
}

int SmallMultiplesPanel::columnCount() const
{
    const int width = viewport()->width();
    return std::max(1, (width + kGap) / (kCellMinWidth + kGap));
}

QRect SmallMultiplesPanel::cellRect(int index) const
{
    const int columns = columnCount();
    const int width = viewport()->width();
    const int cellWidth = std::max(kCellMinWidth, (width - kGap * (columns + 1)) / columns);
    const int row = index / columns;
    const int column = index % columns;
    return QRect(kGap + column * (cellWidth + kGap), kGap + row * (kCellHeight + kGap), cellWidth, kCellHeight);
}

QRect SmallMultiplesPanel::plotRect(int index) const
{
    const QRect cell = cellRect(index);
    return cell.adjusted(kPad, kTitleHeight + kPad, -kPad, -kPad - 12);
}

void SmallMultiplesPanel::updateCanvasSize()
{
    const int columns = columnCount();
    const int rows = m_cells.isEmpty() ? 1 : int((m_cells.size() + columns - 1) / columns);
    widget()->resize(viewport()->width(), kGap + rows * (kCellHeight + kGap));
}

void SmallMultiplesPanel::resizeEvent(QResizeEvent *event)
{
    QScrollArea::resizeEvent(event);
    updateCanvasSize();
}

void SmallMultiplesPanel::paintCanvas(QPainter &painter, const QRect &exposed)
{
    ++m_frameCount;
    painter.fillRect(exposed, palette().color(QPalette::Window));
    if (m_cells.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(widget()->rect().adjusted(12, 12, -12, -12), Qt::AlignTop | Qt::AlignLeft | Qt::TextWordWrap,
                         tr("No data of this device in the store yet. Its fields appear here as points arrive."));
        return;
    }
    const qint64 fromMs = m_time->fromMs();
    const qint64 toMs = m_time->toMs();
    painter.setRenderHint(QPainter::Antialiasing, true);
    for (int i = 0; i < m_cells.size(); ++i) {
        if (cellRect(i).intersects(exposed))
            paintCell(painter, i, fromMs, toMs);
    }
}

void SmallMultiplesPanel::paintCell(QPainter &painter, int index, qint64 fromMs, qint64 toMs)
{
    const Cell &cell = m_cells.at(index);
    const QRect rect = cellRect(index);
    const QRect plot = plotRect(index);
    const QPalette pal = palette();
    painter.setPen(pal.color(QPalette::Mid));
    painter.setBrush(pal.color(QPalette::Base));
    painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);

    // The range's values, and its runs reduced to a few points per pixel
    // column (the chart panel's decimation).
    const QList<QList<QPointF>> runs = m_store->segments(cell.deviceId, cell.field, fromMs, toMs);
    const int columns = std::max(1, plot.width());
    const double msPerPx = double(toMs - fromMs) / columns;
    double lo = std::numeric_limits<double>::max();
    double hi = std::numeric_limits<double>::lowest();
    double latest = std::numeric_limits<double>::quiet_NaN();
    QList<QList<QPointF>> reduced;
    for (const QList<QPointF> &run : runs) {
        for (const QPointF &p : run) {
            if (p.x() < fromMs || p.x() > toMs)
                continue; // the neighbours segments() adds at the edges
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
            latest = p.y(); // runs and their points are in time order
        }
        reduced.append(decimateToColumns(run, double(fromMs), double(toMs), columns));
    }

    // Title: field (and device when the view shows several), value right.
    const QString title = m_devicePatterns.size() == 1 && !m_devicePatterns.first().contains(QLatin1Char('*'))
                                  ? fieldLabel(cell.field)
                                  : QStringLiteral("%1 · %2").arg(cell.deviceId, fieldLabel(cell.field));
    const QRect titleRect = rect.adjusted(kPad, 2, -kPad, 0);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    QFont bold = font();
    bold.setBold(true);
    const QString valueText = std::isnan(latest) ? tr("no data in range") : formatFieldValue(cell.field, latest);
    painter.setFont(bold);
    painter.setPen(pal.color(QPalette::Text));
    const int valueWidth = painter.fontMetrics().horizontalAdvance(valueText);
    painter.drawText(QRect(titleRect.right() - valueWidth, titleRect.top(), valueWidth, kTitleHeight),
                     Qt::AlignRight | Qt::AlignVCenter, valueText);
    painter.setFont(font());
    const QString elidedTitle = painter.fontMetrics().elidedText(title, Qt::ElideRight,
                                                                 std::max(0, titleRect.width() - valueWidth - 8));
    painter.drawText(QRect(titleRect.left(), titleRect.top(), titleRect.width() - valueWidth - 8, kTitleHeight),
                     Qt::AlignLeft | Qt::AlignVCenter, elidedTitle);

    if (std::isnan(latest))
        return;
    if (lo == hi) {
        lo -= 1;
        hi += 1;
    }
    const double pad = (hi - lo) * 0.08;
    const double yMin = lo - pad;
    const double yMax = hi + pad;
    const auto yOf = [&](double v) { return plot.bottom() - (v - yMin) / (yMax - yMin) * plot.height(); };

    painter.setFont(small);
    painter.setPen(pal.color(QPalette::PlaceholderText));
    const QString range = tr("min %1 · max %2").arg(formatFieldValue(cell.field, lo), formatFieldValue(cell.field, hi));
    painter.drawText(QRect(plot.left(), plot.bottom() + 2, plot.width(), 12), Qt::AlignLeft | Qt::AlignVCenter, range);

    painter.save();
    painter.setClipRect(plot.adjusted(-1, -1, 1, 1));
    QPen line(pal.color(QPalette::Highlight), 1.5);
    painter.setPen(line);
    painter.setBrush(Qt::NoBrush);
    for (const QList<QPointF> &run : reduced) {
        QPainterPath path;
        bool first = true;
        for (const QPointF &p : run) {
            const QPointF at(plot.left() + (p.x() - fromMs) / msPerPx, yOf(p.y()));
            if (first)
                path.moveTo(at);
            else
                path.lineTo(at);
            first = false;
        }
        if (run.size() == 1)
            painter.drawPoint(path.currentPosition());
        else
            painter.drawPath(path);
    }
    painter.restore();

    const qint64 crosshair = m_time->crosshairMs();
    if (crosshair >= fromMs && crosshair <= toMs) {
        const double x = plot.left() + (crosshair - fromMs) / msPerPx;
        painter.setPen(QPen(pal.color(QPalette::Text), 1, Qt::DashLine));
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
}

void SmallMultiplesPanel::hoverAt(const QPoint &pos)
{
    for (int i = 0; i < m_cells.size(); ++i) {
        const QRect plot = plotRect(i);
        if (plot.contains(pos)) {
            const qint64 fromMs = m_time->fromMs();
            const qint64 toMs = m_time->toMs();
            m_time->setCrosshair(fromMs + qint64(double(pos.x() - plot.left()) / plot.width() * (toMs - fromMs)));
            return;
        }
    }
    m_time->clearCrosshair();
}

} // namespace Sightline
