#include "device/pointbuffer.h"

#include <algorithm>

namespace Sightline {

PointBuffer::PointBuffer(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(1, capacity))
{
}

PointBuffer::Drop PointBuffer::append(const DevicePoint &point)
{
    m_points.push_back(point);
    return trim();
}

QList<DevicePoint> PointBuffer::takeBatch(qsizetype maxCount)
{
    QList<DevicePoint> batch;
    const qsizetype n = std::min<qsizetype>(std::max<qsizetype>(0, maxCount), size());
    batch.reserve(n);
    for (qsizetype i = 0; i < n; ++i) {
        batch.append(std::move(m_points.front()));
        m_points.pop_front();
    }
    return batch;
}

PointBuffer::Drop PointBuffer::restoreBatch(const QList<DevicePoint> &batch)
{
    m_points.insert(m_points.begin(), batch.cbegin(), batch.cend());
    return trim();
}

PointBuffer::Drop PointBuffer::trim()
{
    Drop drop;
    while (size() > m_capacity) {
        const qint64 seq = m_points.front().seq;
        if (drop.count == 0)
            drop.firstSeq = seq;
        drop.lastSeq = seq;
        ++drop.count;
        m_points.pop_front();
    }
    m_droppedTotal += drop.count;
    return drop;
}

} // namespace Sightline
