#pragma once

#include <QHash>
#include <QScrollArea>
#include <QStringList>
#include <QTimer>

namespace Sightline {

class SeriesStore;
class WorkspaceTime;

// The device view (issue 14: "clicking a device anywhere opens a panel with
// small multiples of all its fields"): one small plot per device × field,
// in a grid that reflows with the panel's width, each with the field's
// name, its latest value in the range, its min and max, and a line over the
// workspace's time range. Lines break where the device's data has a gap.
// The shared crosshair (WorkspaceTime) is drawn in every plot and set by
// hovering one.
//
// Each plot reduces its points to at most two per pixel column (min and
// max of the column), so a plot costs the same whatever the point rate.
// Repaints are coalesced on a frame timer; while live the range moves, so
// the grid also repaints once a second.
class SmallMultiplesPanel : public QScrollArea
{
    Q_OBJECT

public:
    static constexpr int kFrameIntervalMs = 100;
    static constexpr int kCellMinWidth = 240;
    static constexpr int kCellHeight = 120;

    // store and time are not owned and must outlive the panel.
    SmallMultiplesPanel(SeriesStore *store, WorkspaceTime *time, QWidget *parent = nullptr);
    ~SmallMultiplesPanel() override;

    void setDevicePatterns(const QStringList &patterns);
    void setFieldPatterns(const QStringList &patterns);

    // The (device, field) pairs shown, in grid order (row by row).
    struct Cell
    {
        QString deviceId;
        QString field;
        friend bool operator==(const Cell &a, const Cell &b)
        {
            return a.deviceId == b.deviceId && a.field == b.field;
        }
    };
    QList<Cell> cells() const { return m_cells; }
    // Where a cell's plot area is, in canvas coordinates (tests).
    QRect plotRect(int index) const;
    QRect cellRect(int index) const;
    int columnCount() const;
    QWidget *canvas() const { return widget(); }
    int frameCount() const { return m_frameCount; }

Q_SIGNALS:
    void deviceActivated(const QString &deviceId);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    friend class SmallMultiplesCanvas;

    void rebuildCells();
    void scheduleFrame();
    void paintCanvas(QPainter &painter, const QRect &exposed);
    void paintCell(QPainter &painter, int index, qint64 fromMs, qint64 toMs);
    void hoverAt(const QPoint &pos);
    void updateCanvasSize();

    SeriesStore *m_store; // not owned
    WorkspaceTime *m_time; // not owned
    QStringList m_devicePatterns;
    QStringList m_fieldPatterns;
    QList<Cell> m_cells;
    QTimer m_frameTimer;
    QTimer m_liveTick;
    int m_frameCount = 0;
};

} // namespace Sightline
