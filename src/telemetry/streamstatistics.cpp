#include "telemetry/streamstatistics.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace Sightline {

StreamStatistics::StreamStatistics(Clock clock)
    : m_clock(std::move(clock))
    , m_eventTimes(65536)
    , m_latencies(64)
{
}

void StreamStatistics::noteEvent()
{
    const qint64 now = m_clock();
    m_eventTimes.pushBack(now);
    m_lastEventMs = now;
    ++m_total;
    dropOld(now);
}

void StreamStatistics::noteLatency(qint64 ms)
{
    m_latencies.pushBack(std::max<qint64>(ms, 0));
}

void StreamStatistics::reset()
{
    m_eventTimes.clear();
    m_latencies.clear();
    m_lastEventMs = -1;
    m_total = 0;
}

void StreamStatistics::dropOld(qint64 now) const
{
    while (!m_eventTimes.isEmpty() && m_eventTimes.front() <= now - kRateWindowMs)
        m_eventTimes.popFront();
}

double StreamStatistics::eventsPerSecond() const
{
    dropOld(m_clock());
    // A full buffer means more events than it holds; the rate is then a floor.
    return static_cast<double>(m_eventTimes.size()) * 1000.0 / kRateWindowMs;
}

qint64 StreamStatistics::lastEventAgeMs() const
{
    return m_lastEventMs < 0 ? -1 : std::max<qint64>(m_clock() - m_lastEventMs, 0);
}

qint64 StreamStatistics::latencyMs() const
{
    if (m_latencies.isEmpty())
        return -1;
    std::vector<qint64> values;
    for (std::size_t i = 0; i < m_latencies.size(); ++i)
        values.push_back(m_latencies.at(i));
    auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

} // namespace Sightline
