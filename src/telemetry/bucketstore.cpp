#include "telemetry/bucketstore.h"

#include <algorithm>
#include <utility>

namespace Sightline {

namespace {

// The start of the bucket that holds tMs: a multiple of the step since the
// epoch (API.md: buckets are aligned that way), also for times before 1970.
qint64 bucketStart(qint64 tMs, qint64 stepMs)
{
    qint64 start = (tMs / stepMs) * stepMs;
    if (start > tMs)
        start -= stepMs;
    return start;
}

} // namespace

BucketStore::BucketStore(QObject *parent)
    : QObject(parent)
{
}

BucketStore::~BucketStore() = default;

void BucketStore::setCapacityPerDevice(int buckets)
{
    m_capacity = std::max(1, buckets);
    for (auto &entry : m_devices) {
        const std::size_t before = entry.second.entries.size();
        trim(entry.second);
        if (entry.second.entries.size() != before)
            Q_EMIT bucketsChanged(entry.first);
    }
}

int BucketStore::mergeBuckets(const QString &deviceId, const HistoryBucketPage &page)
{
    if (page.stepMs <= 0)
        return 0;
    DeviceBuckets &data = m_devices[deviceId];
    bool newField = false;
    if (data.stepMs != page.stepMs) {
        // One step at a time: buckets of two sizes cannot share a line.
        data.stepMs = page.stepMs;
        data.entries.clear();
        const QStringList before = std::exchange(data.fields, QStringList());
        for (const HistoryBucket &bucket : page.buckets)
            noteFields(data, bucket);
        for (const QString &field : std::as_const(data.fields))
            newField = newField || !before.contains(field);
    } else {
        for (const HistoryBucket &bucket : page.buckets)
            newField = noteFields(data, bucket) || newField;
    }
    for (const HistoryBucket &bucket : page.buckets) {
        // The server's aggregates win over what live points folded into the
        // same bucket: they cover every point it stored. A page asked for
        // some fields only (a chart's) leaves the others of the bucket as
        // they were, so pages of different charts add up.
        Entry &entry = data.entries[bucket.tsMs];
        entry.bucket.tsMs = bucket.tsMs;
        entry.bucket.count = bucket.count;
        for (auto it = bucket.mean.cbegin(); it != bucket.mean.cend(); ++it) {
            const QString &field = it.key();
            entry.bucket.mean.insert(field, it.value());
            entry.bucket.min.insert(field, bucket.min.value(field, it.value()));
            entry.bucket.max.insert(field, bucket.max.value(field, it.value()));
            entry.bucket.last.insert(field, bucket.last.value(field, it.value()));
            entry.fieldCounts.insert(field, std::max(1, bucket.count));
        }
    }
    trim(data);
    if (newField)
        Q_EMIT fieldsChanged(deviceId);
    Q_EMIT bucketsChanged(deviceId);
    return static_cast<int>(std::min<qsizetype>(page.buckets.size(), m_capacity));
}

qint64 BucketStore::newestFoldedMs(const QString &deviceId) const
{
    const auto found = m_devices.find(deviceId);
    return found == m_devices.end() ? 0 : found->second.newestFoldedMs;
}

bool BucketStore::addPoint(const TelemetryData &point)
{
    const auto found = m_devices.find(point.deviceId);
    if (found == m_devices.end() || found->second.entries.empty() || point.fields.isEmpty())
        return false;
    DeviceBuckets &data = found->second;
    const qint64 start = bucketStart(point.tsMs, data.stepMs);
    if (start < data.entries.begin()->first || point.tsMs <= data.newestFoldedMs)
        return false;
    data.newestFoldedMs = point.tsMs;
    Entry &entry = data.entries[start];
    HistoryBucket &bucket = entry.bucket;
    bucket.tsMs = start;
    ++bucket.count;
    bool newField = false;
    for (auto it = point.fields.cbegin(); it != point.fields.cend(); ++it) {
        const QString &field = it.key();
        const double value = it.value();
        int &n = entry.fieldCounts[field];
        if (n == 0) {
            bucket.min.insert(field, value);
            bucket.max.insert(field, value);
            bucket.mean.insert(field, value);
            if (!data.fields.contains(field)) {
                data.fields.insert(std::lower_bound(data.fields.begin(), data.fields.end(), field), field);
                newField = true;
            }
        } else {
            bucket.min[field] = std::min(bucket.min.value(field), value);
            bucket.max[field] = std::max(bucket.max.value(field), value);
            bucket.mean[field] += (value - bucket.mean.value(field)) / (n + 1);
        }
        // Points are folded in time order (older ones are refused above).
        bucket.last.insert(field, value);
        ++n;
    }
    trim(data);
    if (newField)
        Q_EMIT fieldsChanged(point.deviceId);
    Q_EMIT bucketsChanged(point.deviceId);
    return true;
}

void BucketStore::removeDevice(const QString &deviceId)
{
    if (m_devices.erase(deviceId) > 0)
        Q_EMIT bucketsChanged(deviceId);
}

void BucketStore::clear()
{
    const QStringList ids = devices();
    m_devices.clear();
    for (const QString &id : ids)
        Q_EMIT bucketsChanged(id);
}

QStringList BucketStore::devices() const
{
    QStringList ids;
    ids.reserve(static_cast<qsizetype>(m_devices.size()));
    for (const auto &entry : m_devices)
        ids.append(entry.first);
    return ids;
}

QStringList BucketStore::fields(const QString &deviceId) const
{
    const auto found = m_devices.find(deviceId);
    return found == m_devices.end() ? QStringList() : found->second.fields;
}

qint64 BucketStore::stepMs(const QString &deviceId) const
{
    const auto found = m_devices.find(deviceId);
    return found == m_devices.end() ? 0 : found->second.stepMs;
}

int BucketStore::bucketCount(const QString &deviceId) const
{
    const auto found = m_devices.find(deviceId);
    return found == m_devices.end() ? 0 : static_cast<int>(found->second.entries.size());
}

qint64 BucketStore::oldestMs(const QString &deviceId) const
{
    const auto found = m_devices.find(deviceId);
    return found == m_devices.end() || found->second.entries.empty() ? 0 : found->second.entries.begin()->first;
}

qint64 BucketStore::newestMs(const QString &deviceId) const
{
    const auto found = m_devices.find(deviceId);
    return found == m_devices.end() || found->second.entries.empty() ? 0 : found->second.entries.rbegin()->first;
}

QList<HistoryBucket> BucketStore::buckets(const QString &deviceId, qint64 fromMs, qint64 toMs) const
{
    QList<HistoryBucket> list;
    const auto found = m_devices.find(deviceId);
    if (found == m_devices.end() || toMs < fromMs)
        return list;
    const DeviceBuckets &data = found->second;
    // The bucket that starts before fromMs but reaches into it counts too.
    auto it = data.entries.lower_bound(bucketStart(fromMs, data.stepMs));
    for (; it != data.entries.end() && it->first <= toMs; ++it)
        list.append(it->second.bucket);
    return list;
}

bool BucketStore::noteFields(DeviceBuckets &data, const HistoryBucket &bucket)
{
    bool added = false;
    for (auto it = bucket.mean.cbegin(); it != bucket.mean.cend(); ++it) {
        if (data.fields.contains(it.key()))
            continue;
        data.fields.insert(std::lower_bound(data.fields.begin(), data.fields.end(), it.key()), it.key());
        added = true;
    }
    return added;
}

void BucketStore::setRetentionMs(qint64 ms)
{
    m_retentionMs = std::max<qint64>(0, ms);
    for (auto &device : m_devices)
        trim(device.second);
}

void BucketStore::setKeepSinceMs(qint64 sinceMs)
{
    m_keepSinceMs = std::max<qint64>(0, sinceMs);
    for (auto &device : m_devices)
        trim(device.second);
}

void BucketStore::trim(DeviceBuckets &data) const
{
    while (data.entries.size() > static_cast<std::size_t>(m_capacity))
        data.entries.erase(data.entries.begin());
    if (m_retentionMs <= 0 || data.entries.empty())
        return;
    // Live points keep folding into new buckets: without a bound by time a
    // live range drawn from buckets would grow for as long as it runs.
    const qint64 newest = data.entries.rbegin()->first;
    qint64 floor = newest - m_retentionMs;
    if (m_keepSinceMs > 0)
        floor = std::min(floor, m_keepSinceMs);
    while (!data.entries.empty() && data.entries.begin()->first + data.stepMs < floor)
        data.entries.erase(data.entries.begin());
}

} // namespace Sightline
