#pragma once

#include <QDateTime>

#include <functional>

namespace Sightline {

// A source of "now" in milliseconds since the Unix epoch (UTC). Models take
// one so tests can drive time by hand instead of waiting.
using Clock = std::function<qint64()>;

inline Clock systemClock()
{
    return [] { return QDateTime::currentMSecsSinceEpoch(); };
}

} // namespace Sightline
