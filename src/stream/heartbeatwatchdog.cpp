#include "stream/heartbeatwatchdog.h"

#include <QElapsedTimer>

#include <algorithm>

namespace Sightline {

namespace {

qint64 monotonicNow()
{
    static QElapsedTimer timer = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return timer.elapsed();
}

} // namespace

HeartbeatWatchdog::HeartbeatWatchdog(QObject *parent)
    : QObject(parent)
    , m_clock(monotonicNow)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &HeartbeatWatchdog::check);
}

void HeartbeatWatchdog::setClock(Clock clock)
{
    m_clock = clock ? std::move(clock) : Clock(monotonicNow);
}

void HeartbeatWatchdog::setTimeout(int ms)
{
    m_timeoutMs = std::max(1, ms);
    if (m_running)
        check();
}

void HeartbeatWatchdog::start()
{
    m_running = true;
    m_lastActivity = m_clock();
    arm(m_timeoutMs);
}

void HeartbeatWatchdog::stop()
{
    m_running = false;
    m_timer.stop();
}

void HeartbeatWatchdog::recordActivity()
{
    m_lastActivity = m_clock();
}

qint64 HeartbeatWatchdog::silence() const
{
    return m_clock() - m_lastActivity;
}

void HeartbeatWatchdog::check()
{
    if (!m_running)
        return;
    const qint64 silent = silence();
    if (silent >= m_timeoutMs) {
        stop();
        emit timedOut(silent);
        return;
    }
    arm(m_timeoutMs - silent);
}

void HeartbeatWatchdog::arm(qint64 ms)
{
    m_timer.start(int(std::clamp<qint64>(ms, 1, m_timeoutMs)));
}

} // namespace Sightline
