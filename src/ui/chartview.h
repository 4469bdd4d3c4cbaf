#pragma once

#include <QChartView>
#include <QList>
#include <QString>

#include <utility>

namespace Sightline {

// A stretch of missing data to mark on the chart (ms since epoch).
struct GapBand
{
    qint64 fromMs = 0;
    qint64 toMs = 0;
    QString label; // who has no data there, e.g. the device id
    friend bool operator==(const GapBand &a, const GapBand &b)
    {
        return a.fromMs == b.fromMs && a.toMs == b.toMs && a.label == b.label;
    }
};

// The chart canvas of LiveChartWidget. It turns mouse and keys into range
// requests (it never changes the axes itself: the workspace's time control
// owns the visible range, so data can keep arriving while the user zooms
// and pans, and every chart moves together) and paints what Qt Charts
// cannot: gap bands, the cursor line with its values (the shared
// crosshair), the zoom band and an empty-state hint.
//
// Mouse: drag with the left button to zoom into a time span, drag with the
// right or middle button to pan, wheel to zoom around the pointer,
// double-click to go back to live. Keys: Left/Right pan, +/- zoom, End back to live.
class ChartView : public QChartView
{
    Q_OBJECT

public:
    explicit ChartView(QChart *chart, QWidget *parent = nullptr);
    ~ChartView() override;

    // The visible x range in ms since epoch, as the widget last set it.
    void setXRange(qint64 fromMs, qint64 toMs);
    // Gaps, painted as hatched bands labelled "<label>: no data".
    void setGaps(const QList<GapBand> &gaps);
    QList<GapBand> gaps() const { return m_gaps; }
    // The value readout under the cursor (empty text hides it).
    void setCursorReadout(qint64 xMs, const QString &text);
    QString cursorReadout() const { return m_cursorText; }
    void setPlaceholderText(const QString &text);

    // Maps a widget x coordinate to ms since epoch within the plot area.
    qint64 xValueAt(int widgetX) const;
    int widgetXOf(qint64 xMs) const;

    // The gestures above as (gesture or keys, what it does), for Help →
    // Keyboard shortcuts. Keep in step with the event handlers below.
    static QList<std::pair<QString, QString>> gestures();

Q_SIGNALS:
    void rangeSelected(qint64 fromMs, qint64 toMs);
    void panRequested(qint64 deltaMs);
    void zoomRequested(qint64 centerMs, double factor);
    void backToLiveRequested();
    void hoverMoved(qint64 xMs);
    void hoverLeft();

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    QRectF plotRectInView() const;

    qint64 m_fromMs = 0;
    qint64 m_toMs = 1;
    QList<GapBand> m_gaps;
    qint64 m_cursorMs = 0;
    QString m_cursorText;
    QString m_placeholder;
    enum class Drag { None, Zoom, Pan } m_drag = Drag::None;
    int m_dragStartX = 0;
    int m_dragCurrentX = 0;
    qint64 m_panAnchorMs = 0;
};

} // namespace Sightline
