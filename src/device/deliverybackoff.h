#pragma once

#include <QByteArray>
#include <QDateTime>

#include <functional>
#include <optional>

namespace Sightline {

// How long TelemetryUploader waits before it tries a failed batch again
// (issue 7): exponential backoff with "equal jitter", and the server's
// Retry-After as a floor. A plain value class: no timers, no sockets. The
// random source is injected so tests pin the jitter to either end.
//
// For the k-th consecutive failure (k >= 1):
//   upper = min(max, initial * 2^(k-1)), delay uniform in [upper / 2, upper],
//   and never below the caller's minimum (Retry-After), even above max.
// Jitter spreads the retries of a fleet that lost its server at the same
// moment, so they do not all come back in the same millisecond.
class DeliveryBackoff
{
public:
    // Uniform in [0, 1]. The default draws from QRandomGenerator::global().
    using RandomSource = std::function<double()>;

    static constexpr int kDefaultInitialDelayMs = 500;
    static constexpr int kDefaultMaxDelayMs = 30000;
    // Retry-After values above this are taken as this (a broken or hostile
    // header must not park a device for days).
    static constexpr int kMaxRetryAfterMs = 3600 * 1000;

    explicit DeliveryBackoff(RandomSource random = {});

    void setRandomSource(RandomSource random);
    void setInitialDelay(int ms);
    int initialDelay() const { return m_initialMs; }
    void setMaxDelay(int ms);
    int maxDelay() const { return m_maxMs; }

    int failureCount() const { return m_failures; }

    // Records one more failure; returns the delay before the next attempt,
    // at least minimumMs.
    int nextDelay(int minimumMs = 0);
    // The upper end of the range for the given failure count (k >= 1).
    int upperBoundFor(int failures) const;
    // After a success.
    void reset() { m_failures = 0; }

    // RFC 9110 section 10.2.3: delta-seconds or an HTTP-date. Returns the
    // wait in ms (0 for a date in the past, capped at kMaxRetryAfterMs), or
    // nothing when the header is absent or unreadable.
    static std::optional<int> parseRetryAfter(const QByteArray &value, const QDateTime &now);

private:
    RandomSource m_random;
    int m_initialMs = kDefaultInitialDelayMs;
    int m_maxMs = kDefaultMaxDelayMs;
    int m_failures = 0;
};

} // namespace Sightline
