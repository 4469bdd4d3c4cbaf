#pragma once

#include "ui/chartview.h"

#include <QElapsedTimer>
#include <QHash>
#include <QImage>
#include <QList>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <limits>

class QAreaSeries;
class QCategoryAxis;
class QChart;
class QLineSeries;
class QValueAxis;

namespace Sightline {

class BucketStore;
struct HistoryBucket;
class SeriesStore;
class WorkspaceTime;

// One line of a chart: one field of one device.
struct ChartSeriesKey
{
    QString deviceId;
    QString field;
    friend bool operator==(const ChartSeriesKey &a, const ChartSeriesKey &b)
    {
        return a.deviceId == b.deviceId && a.field == b.field;
    }
    friend size_t qHash(const ChartSeriesKey &key, size_t seed = 0) noexcept
    {
        return qHashMulti(seed, key.deviceId, key.field);
    }
};

// The workspace's chart panel (issue 14): a line for every device × field
// that matches its device and field patterns (API.md "Workspace layouts",
// `*` globs, resolved against the devices and fields the stores hold as
// they appear), over the time range of the shared WorkspaceTime.
//
// It observes three things it does not own: the SeriesStore (raw points),
// the BucketStore (step buckets of the history endpoint) and the
// WorkspaceTime. It never loads anything: when it lacks data it asks with
// historyNeeded() or bucketsNeeded(), and the wiring loads and merges.
//
// Per frame it chooses how to draw: a range that holds more points than
// the plot has pixel columns is drawn from buckets (a translucent min/max
// band and a mean line per device × field, never raw points); a shorter one
// from the raw points, where the line breaks at every gap and the view
// hatches a "no data" band per device. Fields of two units get two y axes
// (the first unit left, the second right); more units share the right axis
// and their legend entries say so.
//
// Redraws happen on a frame timer (kFrameIntervalMs, at most ~30 frames/s)
// that only runs while something changed (a change after a quiet spell is
// drawn at once, not an interval later): each frame pushes each visible
// series once with QXYSeries::replace(QList<QPointF>), never once per event.
// While the workspace is paused, new points wait for the resume.
//
// Zooming and panning (mouse and keys, ChartView) set the workspace's
// absolute range, so every chart moves together; hovering sets the shared
// crosshair, which every chart draws with the values of its own series.
class LiveChartWidget : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kFrameIntervalMs = 33;
    // Drawn from buckets, a live point changes only the newest bucket (a
    // step of at least a pixel's time): a frame a second is enough, and 30
    // frames/s of band and mean series of a fleet cost 40 % of a core
    // (bench/ui, issue 14).
    static constexpr int kBucketFrameIntervalMs = 1000;
    // More lines than this drawn from buckets get their mean lines only: 50
    // translucent min/max bands over each other read as a grey blur and cost
    // ~130 ms of raster fill each on the first frame of a day (bench/ui).
    static constexpr int kMaxBands = 8;

    // Round steps for time-axis ticks and history buckets: 1, 2, 5, 10, 15,
    // 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1 d (in ms).
    static const QList<qint64> &roundStepsMs();
    // The smallest round step of at least minMs; 1 d when none is.
    static qint64 roundStepAtLeast(qint64 minMs);
    // The round tick step that puts at most maxTicks ticks on spanMs.
    static qint64 tickStepMs(qint64 spanMs, int maxTicks);
    // The ticks in [fromMs, toMs]: the multiples of stepMs, counted in
    // local time (so 6-hour ticks fall on local midnight), or in UTC.
    static QList<qint64> tickPositions(qint64 fromMs, qint64 toMs, qint64 stepMs, bool utc);


    // None is owned; all must outlive the widget.
    LiveChartWidget(SeriesStore *store, BucketStore *buckets, WorkspaceTime *time, QWidget *parent = nullptr);
    ~LiveChartWidget() override;

    // Names or `*` globs; empty = all devices / all fields.
    void setDevicePatterns(const QStringList &patterns);
    QStringList devicePatterns() const { return m_devicePatterns; }
    void setFieldPatterns(const QStringList &patterns);
    QStringList fieldPatterns() const { return m_fieldPatterns; }
    // Times on the axis and in the readout in UTC instead of local time.
    void setUtc(bool utc);
    bool isUtc() const { return m_utc; }

    // What the patterns resolve to now: the devices (also a pattern without
    // `*` whose device has sent nothing yet) and the lines, device by device.
    QStringList shownDevices() const { return m_deviceIds; }
    QList<ChartSeriesKey> shownSeries() const { return m_keys; }
    // "jetson-01 · GPU temp" (and the unit when it shares the right axis).
    QString seriesName(const ChartSeriesKey &key) const;
    // The units in axis order: the first on the left axis, the rest right.
    QStringList units() const { return m_units; }
    QValueAxis *leftAxis() const { return m_axisLeft; }
    // nullptr while the fields have one unit.
    QValueAxis *rightAxis() const { return m_rightAxisShown ? m_axisRight : nullptr; }

    // How the last frame was drawn, and what it showed.
    bool isDrawingBuckets() const { return m_drawingBuckets; }
    qint64 visibleFromMs() const { return m_fromMs; }
    qint64 visibleToMs() const { return m_toMs; }
    qint64 xTickStepMs() const { return m_tickStepMs; }
    QList<qint64> xTickPositions() const { return m_ticks; }

    // The visible data as CSV: timestamp,device,field,value for raw points;
    // timestamp,device,field,min,mean,max,count for buckets (timestamp =
    // bucket start).
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
    // A frame was drawn; newestDeviceTsMs is the newest raw point on screen
    // (for the device-to-screen latency), 0 when none is.
    void frameRendered(qint64 newestDeviceTsMs);
    // The user clicked a device's legend entry.
    void deviceActivated(const QString &deviceId);
    // The SeriesStore does not hold the raw points of [fromMs, toMs] for
    // these devices (asked once per range, again after the mode changes).
    void historyNeeded(const QStringList &deviceIds, qint64 fromMs, qint64 toMs);
    // The BucketStore lacks these devices' buckets of stepSeconds over
    // [fromMs, toMs] (aligned to the step).
    void bucketsNeeded(const QStringList &deviceIds, qint64 fromMs, qint64 toMs, int stepSeconds);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    // The series of one device × field: one line per contiguous run (the
    // mean line when drawing buckets) and, for buckets, one band per run.
    struct Lines
    {
        QList<QLineSeries *> lines;
        QList<QAreaSeries *> bands;
        int axisGroup = 0; // 0 left, 1 right
    };
    // What one device contributed to the last frame.
    struct DeviceFrame
    {
        double yMin[2] = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
        double yMax[2] = {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
        qint64 newestShownMs = 0;
        bool hasData = false;
        QList<GapBand> gaps;
    };
    // What was last asked for a device, so a range is asked for once.
    struct Request
    {
        qint64 fromMs = 0;
        qint64 toMs = 0;
        qint64 stepMs = 0; // buckets only
    };

    void scheduleFrame();
    void startFrameTimer();
    void renderFrame();
    void visibleRange(int plotColumns, qint64 *fromMs, qint64 *toMs) const;
    bool wantsBuckets(qint64 spanMs, int plotColumns) const;
    void resolveSeries();
    void rebuildAxes();
    void removeAllSeries();
    DeviceFrame rebuildDevice(const QString &deviceId, int plotColumns);
    void drawPoints(const ChartSeriesKey &key, Lines &lines, int plotColumns, DeviceFrame *frame);
    void drawBuckets(const ChartSeriesKey &key, Lines &lines, const QList<HistoryBucket> &buckets, qint64 stepMs,
                     qint64 gapMs, DeviceFrame *frame);
    QLineSeries *newLine(const ChartSeriesKey &key, Lines &lines, bool first);
    QAreaSeries *newBand(const ChartSeriesKey &key, Lines &lines);
    QColor colorOf(const ChartSeriesKey &key);
    void applyYRange(QValueAxis *axis, int group, double dataMin, double dataMax);
    void applyXAxis(int plotColumns);
    void askForData();
    void forgetRequests();
    void handlePointsAdded(const QString &deviceId);
    void zoomAround(qint64 centerMs, double factor);
    void panBy(qint64 deltaMs);
    void selectRange(qint64 fromMs, qint64 toMs);
    void updateReadout();
    QString readoutAt(qint64 ms) const;
    QString formatTime(qint64 ms, const QString &format) const;
    void applyPalette();
    void exportWithDialog(bool png);

    SeriesStore *m_store;        // not owned
    BucketStore *m_buckets;      // not owned
    WorkspaceTime *m_time;       // not owned
    QChart *m_chart = nullptr;
    ChartView *m_view = nullptr;
    QCategoryAxis *m_axisX = nullptr;
    QValueAxis *m_axisLeft = nullptr;
    QValueAxis *m_axisRight = nullptr; // owned by the chart while shown, else by this widget
    bool m_rightAxisShown = false;
    QTimer m_frameTimer;
    QTimer m_clockTimer; // live: the range moves with the clock
    QElapsedTimer m_sinceFrame; // since the last frame was drawn

    QStringList m_devicePatterns;
    QStringList m_fieldPatterns;
    bool m_utc = false;
    QStringList m_deviceIds;
    QList<ChartSeriesKey> m_keys;
    QHash<QString, QList<ChartSeriesKey>> m_keysOf; // by device
    QStringList m_units;
    QHash<ChartSeriesKey, Lines> m_lines;
    QHash<ChartSeriesKey, int> m_colorIndex; // stays while the panel lives: lines keep their colour
    bool m_seriesDirty = true;

    bool m_drawingBuckets = false;
    qint64 m_bucketStepMs = 0; // the step the chart wants while drawing buckets
    bool m_dirty = false;
    bool m_allDirty = true;
    QSet<QString> m_dirtyDevices;
    QHash<QString, DeviceFrame> m_frameCache;
    QHash<QString, Request> m_historyAsked;
    QHash<QString, Request> m_bucketsAsked;
    qint64 m_lastFromMs = 0;
    qint64 m_lastToMs = 0;
    int m_lastPlotColumns = 0;
    bool m_axisNeedsRelayout = true;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    qint64 m_tickStepMs = 0;
    QList<qint64> m_ticks;
    int m_frameCount = 0;
};

} // namespace Sightline
