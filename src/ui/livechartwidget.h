#pragma once

#include "ui/chartview.h"

#include <QElapsedTimer>
#include <QHash>
#include <QImage>
#include <QMap>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <limits>

class QButtonGroup;
class QChart;
class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QToolButton;
class QValueAxis;

namespace Sightline {

class SeriesStore;

// Live line charts of one field for the selected devices (one line per
// device), drawn from a SeriesStore at each point's device timestamp.
//
// Redraws happen on a frame timer (kFrameIntervalMs, at most ~30 frames/s)
// that only runs while something changed (a change after a quiet spell is
// drawn at once, not an interval later): each frame pushes each visible
// series once with QXYSeries::replace(QList<QPointF>), never once per event.
// Where the store reports a gap, the line breaks (one QLineSeries per
// contiguous run) and the view paints a hatched "no data" band.
//
// The visible range either follows the newest data (live) or stays where
// the user zoomed or panned to, while data keeps arriving; "Back to live"
// returns to following. Pause freezes the picture; resume catches up.
class LiveChartWidget : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kFrameIntervalMs = 33;
    static const QList<int> &windowChoicesMinutes(); // 1, 5, 15, 60

    // store is not owned and must outlive the widget.
    explicit LiveChartWidget(SeriesStore *store, QWidget *parent = nullptr);
    ~LiveChartWidget() override;

    void setDevices(const QStringList &deviceIds);
    QStringList devices() const { return m_devices; }
    // Shows field and remembers it as the user's choice (the picker calls
    // it too): it stays chosen while devices come and go.
    void setField(const QString &field);
    QString field() const { return m_field; }
    // The field the user (or restored settings) picked; empty while the
    // chart shows its default. Only this is worth saving.
    QString chosenField() const { return m_chosenField; }
    // The field shown when none was chosen: the first of gpu_temp_c,
    // cpu_temp_c, cpu_util_pct the devices report, else the first by name.
    static QString defaultField(const QStringList &fields);
    void setWindowMinutes(int minutes);
    int windowMinutes() const { return m_windowMinutes; }
    qint64 windowMs() const;
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    bool isFollowingLive() const { return m_following; }
    void backToLive();
    // Shows [fromMs, toMs] and stops following live.
    void setVisibleRange(qint64 fromMs, qint64 toMs);
    // The store keeps what this chart can show: its window while live, and
    // from the left edge on while paused, panned or zoomed (setRetentionMs,
    // setKeepSinceMs). Loading the history of a range is the wiring's job
    // (visibleRangeChanged).
    qint64 visibleFromMs() const { return m_fromMs; }
    qint64 visibleToMs() const { return m_toMs; }

    // The points of the visible window as CSV: timestamp,device,field,value.
    QString visibleWindowCsv() const;
    bool exportCsv(const QString &path, QString *error = nullptr) const;
    QImage renderImage() const;
    bool exportPng(const QString &path, QString *error = nullptr) const;
    // Ask for a file name, then export (errors are shown in a message box).
    void promptExportCsv() { exportWithDialog(false); }
    void promptExportPng() { exportWithDialog(true); }

    QChart *chart() const { return m_chart; }
    ChartView *view() const { return m_view; }
    int frameCount() const { return m_frameCount; }
    bool isFramePending() const { return m_frameTimer.isActive(); }

Q_SIGNALS:
    // A frame was drawn; newestDeviceTsMs is the newest point on screen
    // (for the device-to-screen latency), 0 when none is.
    void frameRendered(qint64 newestDeviceTsMs);
    void followingLiveChanged(bool following);
    void pausedChanged(bool paused);
    void windowMinutesChanged(int minutes);
    // The user zoomed or panned to [fromMs, toMs] (not emitted while following live).
    void visibleRangeChanged(qint64 fromMs, qint64 toMs);
    void fieldChanged(const QString &field);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    // What one device contributed to the last frame.
    struct DeviceFrame
    {
        double yMin = std::numeric_limits<double>::max();
        double yMax = std::numeric_limits<double>::lowest();
        qint64 newestShownMs = 0;
        QList<GapBand> gaps;
    };

    void scheduleFrame();
    void startFrameTimer();
    void applyYRange(double dataMin, double dataMax);
    DeviceFrame rebuildDevice(const QString &device, int plotColumns);
    void renderFrame();
    void handlePointsAdded(const QString &deviceId);
    void updateFieldChoices();
    void showField(const QString &field);
    void updateControls();
    void applyPalette();
    void zoomAround(qint64 centerMs, double factor);
    void panBy(qint64 deltaMs);
    void showReadout(qint64 xMs);
    void setFollowing(bool following);
    void keepWhatIsShown();
    QList<QLineSeries *> &seriesFor(const QString &deviceId, int segments);
    void removeSeriesOf(const QString &deviceId);
    void exportWithDialog(bool png);

    SeriesStore *m_store; // not owned
    QChart *m_chart = nullptr;
    ChartView *m_view = nullptr;
    QDateTimeAxis *m_axisX = nullptr;
    QValueAxis *m_axisY = nullptr;
    QComboBox *m_fieldPicker = nullptr;
    QButtonGroup *m_windowButtons = nullptr;
    QToolButton *m_pauseButton = nullptr;
    QToolButton *m_liveButton = nullptr;
    QToolButton *m_exportButton = nullptr;
    QLabel *m_modeLabel = nullptr;
    QTimer m_frameTimer;
    QElapsedTimer m_sinceFrame; // since the last frame was drawn
    QMap<QString, QList<QLineSeries *>> m_series; // device -> one series per contiguous run
    QStringList m_devices;
    QString m_field;
    QString m_chosenField;
    int m_windowMinutes = 5;
    bool m_paused = false;
    bool m_following = true;
    bool m_dirty = false;
    bool m_allDirty = true;
    QSet<QString> m_dirtyDevices;
    QHash<QString, DeviceFrame> m_frameCache;
    qint64 m_lastFromMs = 0;
    qint64 m_lastToMs = 0;
    int m_lastPlotColumns = 0;
    bool m_axisNeedsRelayout = true;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    int m_frameCount = 0;
};

} // namespace Sightline
