#pragma once

#include <functional>

namespace Sightline {

// Decides how long StreamClient waits before its next connection attempt
// (issue 5, API.md "Live stream"). A plain value class: no timers, no
// sockets, no QObject. The random source is injected so tests can pin the
// jitter to either end of its range.
//
// The rule, for the k-th consecutive failure (k >= 1):
//   k == 1: exactly the server's retry hint (3000 ms until a `retry:` field
//           has been seen), as the event-stream spec asks;
//   k >= 2: upper = min(cap, base * 2^(k-1)), lower = max(hint, upper / 2),
//           delay uniformly random in [lower, upper] ("equal jitter"),
//           where base = max(hint, kMinGrowthBaseMs) so that `retry: 0`
//           cannot turn failures into a busy loop.
// The delay is never below the hint (a hint above the cap wins over the cap)
// and never below a caller-given minimum such as a 503's Retry-After.
class ReconnectPolicy
{
public:
    // Uniform in [0, 1]. The default draws from QRandomGenerator::global().
    using RandomSource = std::function<double()>;

    static constexpr int kDefaultRetryHintMs = 3000;
    static constexpr int kDefaultMaxDelayMs = 60000;
    static constexpr int kMinGrowthBaseMs = 100;

    struct Bounds
    {
        int lowerMs = 0;
        int upperMs = 0;
    };

    explicit ReconnectPolicy(RandomSource random = {});

    void setRandomSource(RandomSource random);

    // The server's `retry:` hint in milliseconds (negative values ignored).
    void setRetryHint(int ms);
    int retryHint() const { return m_retryHintMs; }

    // The backoff cap (default 60 s).
    void setMaxDelay(int ms);
    int maxDelay() const { return m_maxDelayMs; }

    // Consecutive failures recorded since the last reset().
    int failureCount() const { return m_failures; }

    // Records one more consecutive failure and returns the delay before the
    // next attempt, at least minimumMs (e.g. Retry-After).
    int nextDelay(int minimumMs = 0);

    // The range nextDelay() draws from for the given failure count.
    Bounds boundsFor(int failures) const;

    // Forgets the failures (the stream stayed live long enough).
    void reset() { m_failures = 0; }

private:
    RandomSource m_random;
    int m_retryHintMs = kDefaultRetryHintMs;
    int m_maxDelayMs = kDefaultMaxDelayMs;
    int m_failures = 0;
};

} // namespace Sightline
