#include "ui/chartview.h"

#include <QChart>
#include <QKeyEvent>
#include <QKeySequence>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace Sightline {

namespace {

constexpr int kMinZoomPixels = 6; // a shorter drag is a click, not a zoom
constexpr double kWheelZoomIn = 0.8;

} // namespace

ChartView::ChartView(QChart *chart, QWidget *parent)
    : QChartView(chart, parent)
{
    setRenderHint(QPainter::Antialiasing, true);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setRubberBand(QChartView::NoRubberBand);
    setDragMode(QGraphicsView::NoDrag);
    // A frame repaints the lines it replaced. As one rectangle, not the
    // union of each line's rectangle: clipped to a many-rectangle region,
    // Qt's raster engine clips every antialiased pixel of the grid lines
    // one span at a time, which cost a fifth of the app's CPU in bench/ui.
    setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
    // The chart's own background covers the whole viewport (QChartView keeps
    // the chart the viewport's size); filling it first as well doubled the
    // largest fill of every frame.
    viewport()->setAutoFillBackground(false);
    setToolTip(tr("Drag to zoom into a time span · right-drag to pan · wheel to zoom · double-click to go back to live"));
    setAccessibleName(tr("Live chart"));
}

ChartView::~ChartView() = default;

void ChartView::setXRange(qint64 fromMs, qint64 toMs)
{
    // Called every frame: repainting the whole viewport (axes, labels, every
    // line) only when the range moved keeps a frame to the changed series.
    const qint64 to = std::max(toMs, fromMs + 1);
    if (fromMs == m_fromMs && to == m_toMs)
        return;
    m_fromMs = fromMs;
    m_toMs = to;
    viewport()->update();
}

void ChartView::setGaps(const QList<GapBand> &gaps)
{
    if (gaps == m_gaps)
        return;
    m_gaps = gaps;
    viewport()->update();
}

void ChartView::setCursorReadout(qint64 xMs, const QString &text)
{
    // Set again by every frame while a crosshair is shown.
    if (xMs == m_cursorMs && text == m_cursorText)
        return;
    m_cursorMs = xMs;
    m_cursorText = text;
    viewport()->update();
}

void ChartView::setPlaceholderText(const QString &text)
{
    if (text == m_placeholder)
        return;
    m_placeholder = text;
    viewport()->update();
}

QRectF ChartView::plotRectInView() const
{
    const QRectF scene = chart()->mapToScene(chart()->plotArea()).boundingRect();
    return QRectF(mapFromScene(scene.topLeft()), mapFromScene(scene.bottomRight()));
}

qint64 ChartView::xValueAt(int widgetX) const
{
    const QRectF plot = plotRectInView();
    if (plot.width() <= 0)
        return m_fromMs;
    const double t = (widgetX - plot.left()) / plot.width();
    return m_fromMs + static_cast<qint64>(std::llround(t * static_cast<double>(m_toMs - m_fromMs)));
}

int ChartView::widgetXOf(qint64 xMs) const
{
    const QRectF plot = plotRectInView();
    const double t = static_cast<double>(xMs - m_fromMs) / static_cast<double>(m_toMs - m_fromMs);
    return static_cast<int>(std::lround(plot.left() + t * plot.width()));
}

QList<std::pair<QString, QString>> ChartView::gestures()
{
    const auto key = [](int k) { return QKeySequence(k).toString(QKeySequence::NativeText); };
    return {
        {tr("Drag"), tr("Zoom into the dragged time span")},
        {tr("Right-drag or middle-drag"), tr("Pan through time")},
        {tr("Wheel"), tr("Zoom in or out around the pointer")},
        {tr("Double-click"), tr("Back to live")},
        {QStringLiteral("%1, %2").arg(key(Qt::Key_Left), key(Qt::Key_Right)), tr("Pan by a tenth of the view")},
        {QStringLiteral("%1, %2").arg(key(Qt::Key_Plus), key(Qt::Key_Minus)), tr("Zoom in, zoom out")},
        {key(Qt::Key_End), tr("Back to live")},
    };
}

void ChartView::mousePressEvent(QMouseEvent *event)
{
    const int x = qRound(event->position().x());
    if (event->button() == Qt::LeftButton) {
        m_drag = Drag::Zoom;
    } else if (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton) {
        m_drag = Drag::Pan;
        m_panAnchorMs = xValueAt(x);
        setCursor(Qt::ClosedHandCursor);
    } else {
        QChartView::mousePressEvent(event);
        return;
    }
    m_dragStartX = m_dragCurrentX = x;
    event->accept();
}

void ChartView::mouseMoveEvent(QMouseEvent *event)
{
    const int x = qRound(event->position().x());
    m_dragCurrentX = x;
    if (m_drag == Drag::Pan) {
        // Keep the value grabbed under the pointer: shift the range by how
        // far the pointer's value moved away from it.
        const qint64 delta = m_panAnchorMs - xValueAt(x);
        if (delta != 0)
            Q_EMIT panRequested(delta);
    } else if (m_drag == Drag::Zoom) {
        viewport()->update();
    }
    if (plotRectInView().contains(event->position()))
        Q_EMIT hoverMoved(xValueAt(x));
    else
        Q_EMIT hoverLeft();
    event->accept();
}

void ChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_drag == Drag::Zoom && std::abs(m_dragCurrentX - m_dragStartX) >= kMinZoomPixels) {
        const qint64 a = xValueAt(m_dragStartX);
        const qint64 b = xValueAt(m_dragCurrentX);
        Q_EMIT rangeSelected(std::min(a, b), std::max(a, b));
    }
    m_drag = Drag::None;
    unsetCursor();
    viewport()->update();
    event->accept();
}

void ChartView::mouseDoubleClickEvent(QMouseEvent *event)
{
    Q_EMIT backToLiveRequested();
    event->accept();
}

void ChartView::wheelEvent(QWheelEvent *event)
{
    const int steps = event->angleDelta().y() / 120;
    if (steps == 0) {
        event->ignore();
        return;
    }
    const double factor = std::pow(kWheelZoomIn, steps);
    Q_EMIT zoomRequested(xValueAt(qRound(event->position().x())), factor);
    event->accept();
}

void ChartView::keyPressEvent(QKeyEvent *event)
{
    const qint64 span = m_toMs - m_fromMs;
    const qint64 center = m_fromMs + span / 2;
    switch (event->key()) {
    case Qt::Key_Left:
        Q_EMIT panRequested(-span / 10);
        break;
    case Qt::Key_Right:
        Q_EMIT panRequested(span / 10);
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        Q_EMIT zoomRequested(center, kWheelZoomIn);
        break;
    case Qt::Key_Minus:
        Q_EMIT zoomRequested(center, 1.0 / kWheelZoomIn);
        break;
    case Qt::Key_End:
        Q_EMIT backToLiveRequested();
        break;
    default:
        QChartView::keyPressEvent(event);
        return;
    }
    event->accept();
}

void ChartView::leaveEvent(QEvent *event)
{
    Q_EMIT hoverLeft();
    QChartView::leaveEvent(event);
}

void ChartView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    const QRectF plotScene = chart()->mapToScene(chart()->plotArea()).boundingRect();
    const QPalette pal = palette();
    painter->save();
    painter->setClipRect(plotScene);

    // Gap bands: hatched, in a muted text colour, with a label when wide enough.
    QColor hatch = pal.color(QPalette::Text);
    hatch.setAlphaF(0.28f);
    for (const auto &gap : std::as_const(m_gaps)) {
        const double t0 = static_cast<double>(gap.fromMs - m_fromMs) / static_cast<double>(m_toMs - m_fromMs);
        const double t1 = static_cast<double>(gap.toMs - m_fromMs) / static_cast<double>(m_toMs - m_fromMs);
        QRectF band(plotScene.left() + t0 * plotScene.width(), plotScene.top(),
                    (t1 - t0) * plotScene.width(), plotScene.height());
        band = band.intersected(plotScene);
        if (band.width() <= 0)
            continue;
        painter->fillRect(band, QBrush(hatch, Qt::BDiagPattern));
        QPen edge(hatch, 1, Qt::DashLine);
        painter->setPen(edge);
        painter->drawLine(band.topLeft(), band.bottomLeft());
        painter->drawLine(band.topRight(), band.bottomRight());
        const QString text = gap.label.isEmpty() ? tr("no data") : tr("%1:\nno data").arg(gap.label);
        const QFontMetrics fm(font());
        if (band.width() > fm.horizontalAdvance(gap.label) + 8) {
            const QRectF textRect = band.adjusted(2, 4, -2, 0);
            painter->setPen(Qt::NoPen);
            painter->setBrush(pal.color(QPalette::Base));
            const QRect needed = fm.boundingRect(textRect.toRect(), Qt::AlignHCenter | Qt::AlignTop, text);
            painter->drawRoundedRect(QRectF(needed).adjusted(-3, -1, 3, 1), 3, 3);
            painter->setPen(pal.color(QPalette::PlaceholderText));
            painter->drawText(textRect, Qt::AlignHCenter | Qt::AlignTop, text);
        }
    }

    // The zoom band while dragging.
    if (m_drag == Drag::Zoom && std::abs(m_dragCurrentX - m_dragStartX) >= kMinZoomPixels) {
        const double x0 = mapToScene(QPoint(std::min(m_dragStartX, m_dragCurrentX), 0)).x();
        const double x1 = mapToScene(QPoint(std::max(m_dragStartX, m_dragCurrentX), 0)).x();
        QColor fill = pal.color(QPalette::Highlight);
        fill.setAlphaF(0.18f);
        painter->fillRect(QRectF(x0, plotScene.top(), x1 - x0, plotScene.height()), fill);
    }

    // The cursor line and its readout.
    if (!m_cursorText.isEmpty() && m_cursorMs >= m_fromMs && m_cursorMs <= m_toMs) {
        const double t = static_cast<double>(m_cursorMs - m_fromMs) / static_cast<double>(m_toMs - m_fromMs);
        const double x = plotScene.left() + t * plotScene.width();
        QColor line = pal.color(QPalette::Text);
        line.setAlphaF(0.5f);
        painter->setPen(QPen(line, 1, Qt::DotLine));
        painter->drawLine(QPointF(x, plotScene.top()), QPointF(x, plotScene.bottom()));
        painter->setClipping(false);
        const QFontMetrics fm(font());
        const QRect textRect = fm.boundingRect(QRect(0, 0, 400, 400), Qt::AlignLeft, m_cursorText);
        QRectF box(x + 10, plotScene.top() + 8, textRect.width() + 16, textRect.height() + 10);
        if (box.right() > plotScene.right())
            box.moveRight(x - 10);
        painter->setPen(pal.color(QPalette::Mid));
        painter->setBrush(pal.color(QPalette::ToolTipBase));
        painter->drawRoundedRect(box, 4, 4);
        painter->setPen(pal.color(QPalette::ToolTipText));
        painter->drawText(box.adjusted(8, 5, -8, -5), Qt::AlignLeft | Qt::AlignTop, m_cursorText);
    }

    if (!m_placeholder.isEmpty()) {
        painter->setClipping(false);
        painter->setPen(pal.color(QPalette::PlaceholderText));
        QFont big = font();
        big.setPointSizeF(big.pointSizeF() * 1.2);
        painter->setFont(big);
        painter->drawText(plotScene, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    }
    painter->restore();
}

} // namespace Sightline
