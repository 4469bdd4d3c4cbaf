#include "telemetry/seriesstore.h"

#include "telemetry/logging.h"

#include <algorithm>
#include <vector>

namespace Sightline {

namespace {

constexpr int kIntervalSamples = 64; // spacings the usual interval is the median of

template<typename T>
std::size_t firstAtOrAfter(const RingBuffer<T> &buffer, qint64 tMs)
{
    return buffer.lowerBound(tMs, [](const T &item, qint64 t) { return item.tMs < t; });
}

template<typename T>
std::size_t firstAfter(const RingBuffer<T> &buffer, qint64 tMs)
{
    return buffer.lowerBound(tMs, [](const T &item, qint64 t) { return item.tMs <= t; });
}

} // namespace

SeriesStore::SeriesStore(QObject *parent)
    : QObject(parent)
{
}

SeriesStore::~SeriesStore() = default;

void SeriesStore::setRetentionMs(qint64 ms)
{
    ms = std::max<qint64>(ms, 1);
    if (ms == m_retentionMs)
        return;
    const bool shrinks = ms < m_retentionMs;
    m_retentionMs = ms;
    if (shrinks)
        trimAll();
}

void SeriesStore::setKeepSinceMs(qint64 sinceMs)
{
    sinceMs = std::max<qint64>(sinceMs, 0);
    if (sinceMs == m_keepSinceMs)
        return;
    const bool shrinks = m_keepSinceMs > 0 && (sinceMs == 0 || sinceMs > m_keepSinceMs);
    m_keepSinceMs = sinceMs;
    if (shrinks)
        trimAll();
}

qint64 SeriesStore::cutoffMs(qint64 newestMs) const
{
    const qint64 byWindow = newestMs - m_retentionMs;
    return m_keepSinceMs > 0 ? std::min(byWindow, m_keepSinceMs) : byWindow;
}

void SeriesStore::trimAll()
{
    // What a longer look back or window held is given back: the buffers
    // shrink to what they keep, so memory follows the window down again.
    for (auto &entry : m_devices) {
        DeviceData &data = entry.second;
        trim(data);
        data.keys.squeeze();
        for (auto &field : data.fields)
            field.second.squeeze();
    }
}

SeriesStore::DeviceData &SeriesStore::deviceData(const QString &deviceId)
{
    auto it = m_devices.find(deviceId);
    if (it == m_devices.end())
        it = m_devices.emplace(deviceId, DeviceData(m_capacity)).first;
    return it->second;
}

const SeriesStore::DeviceData *SeriesStore::findDevice(const QString &deviceId) const
{
    const auto it = m_devices.find(deviceId);
    return it == m_devices.end() ? nullptr : &it->second;
}

bool SeriesStore::isDuplicate(const DeviceData &data, const TelemetryData &point) const
{
    // Dedupe by seq when the device sends one (API.md ingest: a retried POST
    // keeps its seq), else by the device timestamp.
    if (point.hasSeq() && data.seqs.contains(point.seq))
        return true;
    for (std::size_t i = firstAtOrAfter(data.keys, point.tsMs);
         i < data.keys.size() && data.keys.at(i).tMs == point.tsMs; ++i) {
        const PointKey &key = data.keys.at(i);
        if (key.seq < 0 || !point.hasSeq())
            return true;
    }
    return false;
}

void SeriesStore::forgetSeq(DeviceData &data, qint64 seq)
{
    if (seq < 0)
        return;
    auto it = data.seqs.find(seq);
    if (it != data.seqs.end() && --it.value() <= 0)
        data.seqs.erase(it);
}

bool SeriesStore::storePoint(DeviceData &data, const TelemetryData &point, bool *newField)
{
    if (!data.keys.isEmpty() && point.tsMs < cutoffMs(data.keys.back().tMs))
        return false; // older than the window: it would be trimmed at once
    if (isDuplicate(data, point))
        return false;
    const std::size_t at = firstAfter(data.keys, point.tsMs);
    if (data.keys.isFull()) {
        if (at == 0)
            return false; // older than everything in a full buffer
        forgetSeq(data, data.keys.front().seq); // the buffer drops its oldest key
    }
    if (at == data.keys.size())
        data.keys.pushBack(PointKey{point.tsMs, point.seq});
    else
        data.keys.insert(at, PointKey{point.tsMs, point.seq});
    if (point.hasSeq())
        data.seqs[point.seq] += 1;
    for (auto it = point.fields.begin(); it != point.fields.end(); ++it) {
        auto series = data.fields.find(it.key());
        if (series == data.fields.end()) {
            series = data.fields.emplace(it.key(), RingBuffer<Sample>(m_capacity)).first;
            *newField = true;
        }
        RingBuffer<Sample> &buffer = series->second;
        const Sample sample{point.tsMs, it.value()};
        const std::size_t pos = firstAfter(buffer, point.tsMs);
        if (pos == buffer.size())
            buffer.pushBack(sample);
        else
            buffer.insert(pos, sample);
    }
    data.cachedIntervalMs = -1;
    return true;
}

void SeriesStore::trim(DeviceData &data)
{
    if (data.keys.isEmpty())
        return;
    const qint64 cutoff = cutoffMs(data.keys.back().tMs);
    while (!data.keys.isEmpty() && data.keys.front().tMs < cutoff) {
        forgetSeq(data, data.keys.front().seq);
        data.keys.popFront();
    }
    for (auto &entry : data.fields) {
        RingBuffer<Sample> &buffer = entry.second;
        while (!buffer.isEmpty() && buffer.front().tMs < cutoff)
            buffer.popFront();
    }
    data.cachedIntervalMs = -1;
}

bool SeriesStore::addPoint(const TelemetryData &point)
{
    if (point.deviceId.isEmpty() || point.fields.isEmpty())
        return false;
    DeviceData &data = deviceData(point.deviceId);
    bool newField = false;
    if (!storePoint(data, point, &newField))
        return false;
    trim(data);
    if (newField)
        Q_EMIT fieldsChanged(point.deviceId);
    Q_EMIT pointsAdded(point.deviceId, 1);
    return true;
}

int SeriesStore::mergeHistory(const QString &deviceId, const QList<TelemetryData> &points)
{
    if (deviceId.isEmpty() || points.isEmpty())
        return 0;
    // Oldest first, of the points the window keeps (measured back from the
    // newest point) and at most the newest capacity of them: each then goes
    // at the back, or just before the few live points already stored.
    // Storing newest first inserted every point at the front, moving every
    // sample stored so far: quadratic in the page (an hour of 50 devices x
    // 21 fields took ~40 s of the GUI thread).
    std::vector<const TelemetryData *> ordered;
    ordered.reserve(static_cast<std::size_t>(points.size()));
    for (const TelemetryData &point : points)
        ordered.push_back(&point);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const TelemetryData *a, const TelemetryData *b) { return a->tsMs < b->tsMs; });
    DeviceData &data = deviceData(deviceId);
    int added = 0;
    bool newField = false;
    const qint64 newest = data.keys.isEmpty() ? ordered.back()->tsMs
                                              : std::max(data.keys.back().tMs, ordered.back()->tsMs);
    auto first = std::lower_bound(ordered.begin(), ordered.end(), cutoffMs(newest),
                                  [](const TelemetryData *point, qint64 cutoff) { return point->tsMs < cutoff; });
    if (static_cast<std::size_t>(ordered.end() - first) > m_capacity)
        first = ordered.end() - static_cast<std::ptrdiff_t>(m_capacity);
    for (auto it = first; it != ordered.end(); ++it) {
        if ((*it)->fields.isEmpty())
            continue;
        if (storePoint(data, **it, &newField))
            ++added;
    }
    trim(data);
    qCDebug(lcTelemetry) << "merged history of" << deviceId << ":" << added << "new of"
                         << points.size();
    if (newField)
        Q_EMIT fieldsChanged(deviceId);
    if (added > 0)
        Q_EMIT pointsAdded(deviceId, added);
    return added;
}

void SeriesStore::clear()
{
    m_devices.clear();
}

void SeriesStore::removeDevice(const QString &deviceId)
{
    m_devices.erase(deviceId);
}

QStringList SeriesStore::devices() const
{
    QStringList list;
    for (const auto &entry : m_devices)
        list.append(entry.first);
    return list;
}

QStringList SeriesStore::fields(const QString &deviceId) const
{
    QStringList list;
    if (const DeviceData *data = findDevice(deviceId))
        for (const auto &entry : data->fields)
            list.append(entry.first);
    return list;
}

QStringList SeriesStore::allFields() const
{
    QStringList list;
    for (const auto &device : m_devices)
        for (const auto &entry : device.second.fields)
            list.append(entry.first);
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    return list;
}

int SeriesStore::pointCount(const QString &deviceId) const
{
    const DeviceData *data = findDevice(deviceId);
    return data ? static_cast<int>(data->keys.size()) : 0;
}

qint64 SeriesStore::newestMs(const QString &deviceId) const
{
    const DeviceData *data = findDevice(deviceId);
    return data && !data->keys.isEmpty() ? data->keys.back().tMs : 0;
}

qint64 SeriesStore::oldestMs(const QString &deviceId) const
{
    const DeviceData *data = findDevice(deviceId);
    return data && !data->keys.isEmpty() ? data->keys.front().tMs : 0;
}

qint64 SeriesStore::newestMs() const
{
    qint64 newest = 0;
    for (const auto &entry : m_devices)
        if (!entry.second.keys.isEmpty())
            newest = std::max(newest, entry.second.keys.back().tMs);
    return newest;
}

qint64 SeriesStore::typicalIntervalMs(const QString &deviceId) const
{
    const DeviceData *data = findDevice(deviceId);
    if (!data)
        return 0;
    if (data->cachedIntervalMs >= 0)
        return data->cachedIntervalMs;
    // The median is robust against the very gaps we want to find.
    std::vector<qint64> spacings;
    const std::size_t n = data->keys.size();
    const std::size_t first = n > kIntervalSamples ? n - kIntervalSamples - 1 : 0;
    for (std::size_t i = first + 1; i < n; ++i) {
        const qint64 d = data->keys.at(i).tMs - data->keys.at(i - 1).tMs;
        if (d > 0)
            spacings.push_back(d);
    }
    qint64 interval = 0;
    if (!spacings.empty()) {
        auto mid = spacings.begin() + static_cast<std::ptrdiff_t>(spacings.size() / 2);
        std::nth_element(spacings.begin(), mid, spacings.end());
        interval = *mid;
    }
    data->cachedIntervalMs = interval;
    return interval;
}

qint64 SeriesStore::gapThresholdMs(const QString &deviceId) const
{
    const qint64 interval = typicalIntervalMs(deviceId);
    return interval > 0 ? static_cast<qint64>(interval * m_gapFactor) : 0;
}

QList<Sample> SeriesStore::samples(const QString &deviceId, const QString &field, qint64 fromMs,
                                   qint64 toMs) const
{
    QList<Sample> list;
    const DeviceData *data = findDevice(deviceId);
    if (!data)
        return list;
    const auto series = data->fields.find(field);
    if (series == data->fields.end())
        return list;
    const RingBuffer<Sample> &buffer = series->second;
    for (std::size_t i = firstAtOrAfter(buffer, fromMs); i < buffer.size() && buffer.at(i).tMs <= toMs; ++i)
        list.append(buffer.at(i));
    return list;
}

QList<QList<QPointF>> SeriesStore::segments(const QString &deviceId, const QString &field,
                                            qint64 fromMs, qint64 toMs) const
{
    QList<QList<QPointF>> runs;
    const DeviceData *data = findDevice(deviceId);
    if (!data)
        return runs;
    const auto series = data->fields.find(field);
    if (series == data->fields.end() || series->second.isEmpty())
        return runs;
    const RingBuffer<Sample> &buffer = series->second;
    const qint64 threshold = gapThresholdMs(deviceId);
    std::size_t begin = firstAtOrAfter(buffer, fromMs);
    if (begin > 0)
        --begin;
    std::size_t end = firstAfter(buffer, toMs);
    if (end < buffer.size())
        ++end;
    QList<QPointF> run;
    qint64 previous = 0;
    for (std::size_t i = begin; i < end; ++i) {
        const Sample &s = buffer.at(i);
        if (!run.isEmpty() && threshold > 0 && s.tMs - previous > threshold) {
            runs.append(run);
            run.clear();
        }
        run.append(QPointF(static_cast<qreal>(s.tMs), s.value));
        previous = s.tMs;
    }
    if (!run.isEmpty())
        runs.append(run);
    return runs;
}

QList<Gap> SeriesStore::gaps(const QString &deviceId, qint64 fromMs, qint64 toMs) const
{
    QList<Gap> list;
    const DeviceData *data = findDevice(deviceId);
    const qint64 threshold = gapThresholdMs(deviceId);
    if (!data || threshold <= 0)
        return list;
    std::size_t i = firstAtOrAfter(data->keys, fromMs);
    if (i > 0)
        --i;
    for (++i; i < data->keys.size(); ++i) {
        const qint64 start = data->keys.at(i - 1).tMs;
        const qint64 end = data->keys.at(i).tMs;
        if (start > toMs)
            break;
        if (end - start > threshold && end >= fromMs)
            list.append(Gap{start, end});
    }
    return list;
}

} // namespace Sightline
