#pragma once

#include <QObject>
#include <QTimer>

#include <functional>

namespace Sightline {

// Notices a dead connection: no byte (event or comment) for timeout() ms
// (API.md: 45 s of silence). StreamClient calls recordActivity() for every
// read and start()/stop() around a live response. The clock is injected so
// tests can advance time and call check() instead of waiting; the internal
// single-shot timer only decides when check() runs by itself.
// Knows nothing about sockets or the stream.
class HeartbeatWatchdog : public QObject
{
    Q_OBJECT

public:
    // Monotonic milliseconds. The default is a process-wide QElapsedTimer.
    using Clock = std::function<qint64()>;

    static constexpr int kDefaultTimeoutMs = 45000;

    explicit HeartbeatWatchdog(QObject *parent = nullptr);

    void setClock(Clock clock);
    void setTimeout(int ms);
    int timeout() const { return m_timeoutMs; }

    // Starts watching; the silence counts from now.
    void start();
    void stop();
    bool isRunning() const { return m_running; }

    // A byte arrived. Cheap: only stores the time, never touches the timer.
    void recordActivity();

    // Milliseconds since the last activity (or start()).
    qint64 silence() const;

    // Emits timedOut() and stops if the silence reached timeout(); otherwise
    // re-arms the timer for the time that is left.
    void check();

signals:
    // No byte for at least timeout() ms; the watchdog has stopped itself.
    void timedOut(qint64 silenceMs);

private:
    void arm(qint64 ms);

    Clock m_clock;
    QTimer m_timer;
    int m_timeoutMs = kDefaultTimeoutMs;
    qint64 m_lastActivity = 0;
    bool m_running = false;
};

} // namespace Sightline
