#pragma once

#include "telemetry/events.h"
#include "telemetry/ringbuffer.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QStringList>

#include <map>

namespace Sightline {

// One value of one field at the device's time.
struct Sample
{
    qint64 tMs = 0;
    double value = 0;
};

// A stretch of time where a device's data is missing: the points at start
// and end exist, nothing between them does.
struct Gap
{
    qint64 startMs = 0;
    qint64 endMs = 0;
    friend bool operator==(const Gap &a, const Gap &b)
    {
        return a.startMs == b.startMs && a.endMs == b.endMs;
    }
};

// Per-device, per-field time series of telemetry, ordered by the device's
// timestamp and bounded twice: by a time window (retention, measured back
// from the device's newest point) and by a hard point capacity per series.
// The chart sets the retention to the window it shows (issue 6: each series
// keeps only its time window) and, while the user looks further back, a
// keep-since time before which history loaded for that view may be dropped
// again; memory therefore follows what is on screen, not the session's age.
//
// History pages (API.md history endpoint) and live points merge into the
// same series with no duplicate: a point whose seq is already stored is
// dropped; without seq, a point at an already stored timestamp is dropped.
// Where consecutive points are further apart than gapFactor() times the
// device's usual interval, the data has a gap (gaps(), segments()).
//
// Fed by plain calls (the wiring forwards parsed events); observed through
// pointsAdded(). Knows nothing of widgets or the network.
class SeriesStore : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kDefaultRetentionMs = 60 * 60 * 1000;
    static constexpr std::size_t kDefaultCapacity = 40000;
    static constexpr double kDefaultGapFactor = 3.0;

    explicit SeriesStore(QObject *parent = nullptr);
    ~SeriesStore() override;

    qint64 retentionMs() const { return m_retentionMs; }
    // A shorter retention trims at once and gives the memory back.
    void setRetentionMs(qint64 ms);
    // Points at or after sinceMs are kept even when they are older than the
    // retention (a chart panned or zoomed out into the past); 0 for none.
    // Moving it later (or to 0) trims like a shorter retention.
    void setKeepSinceMs(qint64 sinceMs);
    qint64 keepSinceMs() const { return m_keepSinceMs; }
    // Applies to series created afterwards.
    void setCapacityPerSeries(std::size_t points) { m_capacity = points; }
    std::size_t capacityPerSeries() const { return m_capacity; }
    double gapFactor() const { return m_gapFactor; }
    void setGapFactor(double factor) { m_gapFactor = factor; }

    // A live point. Returns false (and stores nothing) for a duplicate or a
    // point older than the window.
    bool addPoint(const TelemetryData &point);
    // A page of history for one device, in any order. Returns how many
    // points were new.
    int mergeHistory(const QString &deviceId, const QList<TelemetryData> &points);
    void clear();
    void removeDevice(const QString &deviceId);

    QStringList devices() const;
    QStringList fields(const QString &deviceId) const;
    QStringList allFields() const;
    int pointCount(const QString &deviceId) const;
    // The device's newest timestamp, or 0 when it has no point.
    qint64 newestMs(const QString &deviceId) const;
    qint64 oldestMs(const QString &deviceId) const;
    // Over every device; 0 when the store is empty.
    qint64 newestMs() const;
    // The median spacing of the device's recent points; 0 when unknown.
    qint64 typicalIntervalMs(const QString &deviceId) const;
    // Spacing above which two neighbouring points enclose a gap; 0 when unknown.
    qint64 gapThresholdMs(const QString &deviceId) const;

    QList<Sample> samples(const QString &deviceId, const QString &field, qint64 fromMs,
                          qint64 toMs) const;
    // The samples in [fromMs, toMs] plus one neighbour on each side (so a
    // line reaches the edges of a window), split into runs at every gap.
    QList<QList<QPointF>> segments(const QString &deviceId, const QString &field, qint64 fromMs,
                                   qint64 toMs) const;
    // Gaps of the device's points that overlap [fromMs, toMs].
    QList<Gap> gaps(const QString &deviceId, qint64 fromMs, qint64 toMs) const;

Q_SIGNALS:
    // count new points of deviceId were stored (live or history).
    void pointsAdded(const QString &deviceId, int count);
    // deviceId reported a field it had not reported before.
    void fieldsChanged(const QString &deviceId);

private:
    struct PointKey
    {
        qint64 tMs = 0;
        qint64 seq = -1;
    };
    struct DeviceData
    {
        explicit DeviceData(std::size_t capacity)
            : keys(capacity)
        {
        }
        RingBuffer<PointKey> keys;
        QHash<qint64, int> seqs; // seq -> number of stored keys holding it
        std::map<QString, RingBuffer<Sample>> fields;
        mutable qint64 cachedIntervalMs = -1;
    };

    DeviceData &deviceData(const QString &deviceId);
    const DeviceData *findDevice(const QString &deviceId) const;
    bool isDuplicate(const DeviceData &data, const TelemetryData &point) const;
    bool storePoint(DeviceData &data, const TelemetryData &point, bool *newField);
    // Points before this are dropped, for a device whose newest point is at newestMs.
    qint64 cutoffMs(qint64 newestMs) const;
    void trim(DeviceData &data);
    void trimAll();
    static void forgetSeq(DeviceData &data, qint64 seq);

    std::map<QString, DeviceData> m_devices;
    qint64 m_retentionMs = kDefaultRetentionMs;
    qint64 m_keepSinceMs = 0;
    std::size_t m_capacity = kDefaultCapacity;
    double m_gapFactor = kDefaultGapFactor;
};

} // namespace Sightline
