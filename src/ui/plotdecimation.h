#pragma once

#include <QList>
#include <QPointF>

namespace Sightline {

// Keeps the shape of a run (x ascending) that has more points than the plot
// has pixel columns: per column of [fromX, toX], the first, lowest, highest
// and last point, in x order, so spikes survive. A run of at most four
// points per column comes back as it is. The chart panel draws with it, and
// so does the device view's small multiples.
QList<QPointF> decimateToColumns(const QList<QPointF> &run, double fromX, double toX, int columns);

} // namespace Sightline
