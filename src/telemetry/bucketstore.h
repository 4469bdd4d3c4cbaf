#pragma once

#include "telemetry/events.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>

#include <map>

namespace Sightline {

// Per-device aggregates of telemetry in `step` buckets (API.md "History for
// long ranges"): what a chart draws for a range that holds more points than
// it has pixel columns (issue 14: min/max band + mean line, never raw points).
//
// Each device holds buckets of one step at a time: a page of another step
// replaces what the device had, a page of the same step merges into it
// (a bucket of the page replaces the fields it carries of a stored one with
// the same start, and keeps the others: pages of different fields add up). Live
// points fold into the bucket they fall in (addPoint), so the live edge of
// a long range stays current between loads. Bounded by a number of buckets
// per device (the oldest go first).
//
// Fed by plain calls (the wiring merges the history endpoint's pages and
// forwards live points); observed through bucketsChanged() and
// fieldsChanged(). Knows nothing of widgets or the network.
class BucketStore : public QObject
{
    Q_OBJECT

public:
    // A day at a 20 s step; a chart asks for about one bucket per pixel column.
    static constexpr int kDefaultCapacity = 5000;

    explicit BucketStore(QObject *parent = nullptr);
    ~BucketStore() override;

    // Applies at once (the oldest buckets beyond it are dropped) and to
    // every later merge. At least 1.
    void setCapacityPerDevice(int buckets);
    int capacityPerDevice() const { return m_capacity; }
    // Bounded by time too, as SeriesStore is (keepWhatTimeShows sets both):
    // buckets that end more than retentionMs before a device's newest one
    // are dropped, unless they end at or after keepSinceMs (a range the
    // user looks back at); 0 keeps by count alone. Applies at once.
    void setRetentionMs(qint64 ms);
    void setKeepSinceMs(qint64 sinceMs);
    qint64 retentionMs() const { return m_retentionMs; }
    qint64 keepSinceMs() const { return m_keepSinceMs; }

    // Merges a page of deviceId's buckets (see above). Returns how many
    // buckets of the page are stored; a page without a positive step is
    // refused (0, nothing changes).
    int mergeBuckets(const QString &deviceId, const HistoryBucketPage &page);
    // Folds a live point into its bucket, or starts that bucket. Returns
    // false (and changes nothing) when the device has no buckets yet (the
    // step is not known), the point lies before the oldest bucket (that
    // range was never loaded), or it is not newer than the newest point
    // folded so far (a repeat).
    bool addPoint(const TelemetryData &point);
    void removeDevice(const QString &deviceId);
    void clear();

    QStringList devices() const;
    // The fields the device's buckets carry, sorted.
    QStringList fields(const QString &deviceId) const;
    // The device's step; 0 when it has no buckets.
    qint64 stepMs(const QString &deviceId) const;
    int bucketCount(const QString &deviceId) const;
    // Start of the oldest / newest bucket; 0 when none.
    qint64 oldestMs(const QString &deviceId) const;
    qint64 newestMs(const QString &deviceId) const;
    // The device time of the newest live point folded in; 0 when none was.
    qint64 newestFoldedMs(const QString &deviceId) const;
    // The buckets that overlap [fromMs, toMs], ascending.
    QList<HistoryBucket> buckets(const QString &deviceId, qint64 fromMs, qint64 toMs) const;

Q_SIGNALS:
    // deviceId's buckets changed (a merge or a live point).
    void bucketsChanged(const QString &deviceId);
    // deviceId's buckets carry a field they did not carry before.
    void fieldsChanged(const QString &deviceId);

private:
    struct Entry
    {
        HistoryBucket bucket;
        // Points behind each field's mean: the server's bucket gives one
        // count for all fields, which every field starts from.
        QHash<QString, int> fieldCounts;
    };
    struct DeviceBuckets
    {
        qint64 stepMs = 0;
        std::map<qint64, Entry> entries; // by bucket start
        QStringList fields;              // sorted
        qint64 newestFoldedMs = 0;       // the newest live point folded in
    };

    // Adds the fields of bucket to data.fields; true when one was new.
    static bool noteFields(DeviceBuckets &data, const HistoryBucket &bucket);
    void trim(DeviceBuckets &data) const;

    std::map<QString, DeviceBuckets> m_devices;
    int m_capacity = kDefaultCapacity;
    qint64 m_retentionMs = 0;
    qint64 m_keepSinceMs = 0;
};

} // namespace Sightline
