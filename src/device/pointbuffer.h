#pragma once

#include "device/devicepoint.h"

#include <QList>

#include <deque>

namespace Sightline {

// The bounded queue of points that wait for delivery (issue 7): a plain
// class, no QObject, no timers. Points leave it in order, as batches, and a
// batch that could not be delivered goes back to the front, so the order
// the server sees is always the order the points were made in.
//
// The bound covers the queued points only; a batch in flight belongs to the
// uploader until it comes back. When a point arrives (or a batch comes back)
// and there is no room, the OLDEST points are dropped: for live telemetry
// the newest state matters most. Every drop is counted and described, so
// the caller can say how many points were lost.
class PointBuffer
{
public:
    // What was dropped by one call: `count` points, seq firstSeq..lastSeq
    // (seq of the oldest and newest dropped; -1 when count is 0).
    struct Drop
    {
        qsizetype count = 0;
        qint64 firstSeq = -1;
        qint64 lastSeq = -1;
    };

    explicit PointBuffer(qsizetype capacity);

    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return qsizetype(m_points.size()); }
    bool isEmpty() const { return m_points.empty(); }
    // Points dropped since construction.
    qint64 droppedTotal() const { return m_droppedTotal; }

    // Appends at the back, dropping the oldest if full.
    Drop append(const DevicePoint &point);
    // Removes and returns up to maxCount points from the front.
    QList<DevicePoint> takeBatch(qsizetype maxCount);
    // Puts a batch that was not delivered back at the front (in its order),
    // then drops the oldest points beyond the capacity.
    Drop restoreBatch(const QList<DevicePoint> &batch);

private:
    Drop trim();

    qsizetype m_capacity;
    std::deque<DevicePoint> m_points;
    qint64 m_droppedTotal = 0;
};

} // namespace Sightline
