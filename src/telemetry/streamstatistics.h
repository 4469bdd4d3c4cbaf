#pragma once

#include "telemetry/clock.h"
#include "telemetry/ringbuffer.h"

namespace Sightline {

// Figures for the status bar: events per second over a sliding window, the
// age of the last event, and the latency from a point's device timestamp to
// the frame that drew it. A plain class with an injected clock.
class StreamStatistics
{
public:
    static constexpr qint64 kRateWindowMs = 5000;

    explicit StreamStatistics(Clock clock = systemClock());

    void noteEvent();
    // One measured latency (device timestamp → drawn on screen), in ms.
    void noteLatency(qint64 ms);
    void reset();

    double eventsPerSecond() const;
    // -1 when no event arrived yet.
    qint64 lastEventAgeMs() const;
    // The median of recent latencies; -1 when none was measured.
    qint64 latencyMs() const;
    qint64 totalEvents() const { return m_total; }

private:
    void dropOld(qint64 now) const;

    Clock m_clock;
    mutable RingBuffer<qint64> m_eventTimes;
    RingBuffer<qint64> m_latencies;
    qint64 m_lastEventMs = -1;
    qint64 m_total = 0;
};

} // namespace Sightline
