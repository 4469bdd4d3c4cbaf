#include "ui/plotdecimation.h"

#include <algorithm>
#include <cmath>

namespace Sightline {

QList<QPointF> decimateToColumns(const QList<QPointF> &run, double fromX, double toX, int columns)
{
    if (columns <= 0 || run.size() <= columns * 4)
        return run;
    QList<QPointF> out;
    out.reserve(columns * 4);
    const double width = (toX - fromX) / columns;
    qsizetype i = 0;
    while (i < run.size()) {
        const qint64 column = static_cast<qint64>(std::floor((run.at(i).x() - fromX) / width));
        const qsizetype first = i;
        qsizetype low = i;
        qsizetype high = i;
        while (i < run.size() && static_cast<qint64>(std::floor((run.at(i).x() - fromX) / width)) == column) {
            if (run.at(i).y() < run.at(low).y())
                low = i;
            if (run.at(i).y() > run.at(high).y())
                high = i;
            ++i;
        }
        const qsizetype last = i - 1;
        qsizetype picks[4] = {first, std::min(low, high), std::max(low, high), last};
        qsizetype previous = -1;
        for (qsizetype pick : picks) {
            if (pick != previous)
                out.append(run.at(pick));
            previous = pick;
        }
    }
    return out;
}

} // namespace Sightline
