#pragma once

#include "telemetry/statetimeline.h"

#include <QStringList>
#include <QWidget>

class QScrollBar;
class QTimer;

namespace Sightline {

class DeviceListModel;
class WorkspaceTime;

// The `timeline` panel of a workspace (issue 14): one row per device that
// matches the panel's patterns (in the device list's order), the device's
// name on the left and, over the workspace's time range, coloured bands for
// online / stale / offline / unknown with a thin stripe on top where an
// alert fires (its worst severity). A time axis with round ticks runs along
// the bottom, a legend along the top; the shared crosshair is drawn as a
// vertical line and follows the mouse over the bands. A tooltip names the
// device, the state and its interval; a click on a row activates the device.
//
// A view: it reads StateTimeline and the device list and draws; it owns no
// data. It repaints about once a second while the range follows the clock
// and at once when the range, the crosshair or a shown device changes.
class TimelinePanel : public QWidget
{
    Q_OBJECT

public:
    // None owned; all must outlive the panel.
    TimelinePanel(StateTimeline *timeline, DeviceListModel *devices, WorkspaceTime *time,
        QWidget *parent = nullptr);
    ~TimelinePanel() override;

    // Device names or * globs (API.md "Workspace layouts"); empty = all devices.
    void setDevicePatterns(const QStringList &patterns);
    QStringList devicePatterns() const { return m_patterns; }
    // The devices shown, top to bottom.
    QStringList shownDevices() const { return m_rows; }

    // Where things are drawn (also what tooltips and clicks use): the band
    // of a device's row (empty when it is not shown or scrolled away), and
    // the x of a time in the current range and back.
    QRect bandRect(const QString &deviceId) const;
    int xForMs(qint64 ms) const;
    qint64 msForX(int x) const;

    // The fill of a state's band, readable on palette's base in light and dark themes.
    static QColor stateColor(StateTimeline::State state, const QPalette &palette);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    // The user clicked a device's row.
    void deviceActivated(const QString &deviceId);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    struct Layout
    {
        QRect legend;
        QRect names;
        QRect plot; // the bands' area: rows × time
        QRect axis;
        int rowHeight = 0;
        int visibleRows = 0;
    };

    void updateRows();
    void updateLayout();
    void updateFrameTimer();
    int rowAt(const QPoint &pos) const; // index into m_rows, -1 for none
    QString toolTipAt(const QPoint &pos, QRect *area) const;
    QString formatTime(qint64 ms) const;
    void paintLegend(QPainter &painter) const;
    void paintRow(
        QPainter &painter, int row, const QRect &rowRect, qint64 fromMs, qint64 toMs) const;
    void paintAxis(QPainter &painter, qint64 fromMs, qint64 toMs) const;
    void fillState(QPainter &painter, const QRect &rect, StateTimeline::State state) const;

    StateTimeline *m_timeline; // not owned
    DeviceListModel *m_devices; // not owned
    WorkspaceTime *m_time; // not owned
    QStringList m_patterns;
    QStringList m_rows;
    Layout m_layout;
    QScrollBar *m_scroll = nullptr;
    QTimer *m_frameTimer = nullptr;
    bool m_ownsCrosshair = false; // the crosshair shown was set from this panel
};

} // namespace Sightline
