#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

namespace Sightline {

// The ingest rate limit (API.md 429 rate_limited, issue 3): one token bucket
// per device, so one runaway device cannot starve the others. A bucket holds
// up to twice the per-second rate (the burst) and refills continuously; a
// request costs its number of points. A request is let through when the
// bucket holds what it costs (or is full, for a batch larger than the burst),
// and may drive the bucket into debt, so no request size is refused forever.
// Pure: the caller passes the time, so tests never wait.
class IngestRateLimiter
{
public:
    // pointsPerSecond <= 0 means unlimited.
    explicit IngestRateLimiter(double pointsPerSecond);

    struct Decision
    {
        bool allowed = true;
        int retryAfterSeconds = 0; // when refused: whole seconds, at least 1
    };

    Decision take(const QString &deviceKey, int points, const QDateTime &now);

    bool isUnlimited() const { return m_rate <= 0; }

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 updatedMs = 0;
    };

    double m_rate;
    double m_burst;
    QHash<QString, Bucket> m_buckets;
};

} // namespace Sightline
