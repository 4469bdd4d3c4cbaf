#include "server/ingestratelimiter.h"

#include <QtMath>

#include <algorithm>

namespace Sightline {

IngestRateLimiter::IngestRateLimiter(double pointsPerSecond)
    : m_rate(pointsPerSecond)
    , m_burst(2 * pointsPerSecond)
{
}

IngestRateLimiter::Decision IngestRateLimiter::take(const QString &deviceKey, int points,
                                                    const QDateTime &now)
{
    if (isUnlimited())
        return {};
    const qint64 nowMs = now.toMSecsSinceEpoch();
    auto it = m_buckets.find(deviceKey);
    if (it == m_buckets.end())
        it = m_buckets.insert(deviceKey, Bucket{m_burst, nowMs});
    Bucket &bucket = *it;
    // A clock that steps back refills nothing rather than draining.
    const double elapsedSeconds = std::max<qint64>(0, nowMs - bucket.updatedMs) / 1000.0;
    bucket.tokens = std::min(m_burst, bucket.tokens + elapsedSeconds * m_rate);
    bucket.updatedMs = std::max(bucket.updatedMs, nowMs);

    // A batch larger than the burst needs a full bucket, not more than that.
    const double needed = std::min<double>(points, m_burst);
    if (bucket.tokens >= needed) {
        bucket.tokens -= points;
        return {};
    }
    const double waitSeconds = (needed - bucket.tokens) / m_rate;
    return {false, std::max(1, int(qCeil(waitSeconds)))};
}

} // namespace Sightline
