#include "stream/reconnectpolicy.h"

#include <QRandomGenerator>

#include <algorithm>

namespace Sightline {

ReconnectPolicy::ReconnectPolicy(RandomSource random)
{
    setRandomSource(std::move(random));
}

void ReconnectPolicy::setRandomSource(RandomSource random)
{
    if (random)
        m_random = std::move(random);
    else
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

void ReconnectPolicy::setRetryHint(int ms)
{
    if (ms >= 0)
        m_retryHintMs = ms;
}

void ReconnectPolicy::setMaxDelay(int ms)
{
    m_maxDelayMs = std::max(0, ms);
}

ReconnectPolicy::Bounds ReconnectPolicy::boundsFor(int failures) const
{
    const qint64 hint = m_retryHintMs;
    if (failures <= 1)
        return { m_retryHintMs, m_retryHintMs };

    // A hint above the cap wins: the server asked us not to come back sooner.
    const qint64 cap = std::max<qint64>(m_maxDelayMs, hint);
    const qint64 base = std::max<qint64>(hint, kMinGrowthBaseMs);
    // Shifting further than 30 cannot matter below a 32-bit cap.
    const int shift = std::min(failures - 1, 30);
    const qint64 upper = std::min(cap, base << shift);
    const qint64 lower = std::min(upper, std::max(hint, upper / 2));
    return { int(lower), int(upper) };
}

int ReconnectPolicy::nextDelay(int minimumMs)
{
    ++m_failures;
    const Bounds bounds = boundsFor(m_failures);
    const double r = std::clamp(m_random(), 0.0, 1.0);
    const int delay = bounds.lowerMs + int(r * (bounds.upperMs - bounds.lowerMs) + 0.5);
    return std::max(delay, minimumMs);
}

} // namespace Sightline
