#include "telemetry/workspacetime.h"

#include "telemetry/bucketstore.h"
#include "telemetry/seriesstore.h"

#include <algorithm>
#include <utility>

namespace Sightline {

const QList<int> &WorkspaceTime::windowChoicesMinutes()
{
    static const QList<int> choices{1, 5, 15, 60, 6 * 60, 24 * 60};
    return choices;
}

WorkspaceTime::WorkspaceTime(Clock clock, QObject *parent)
    : QObject(parent)
    , m_clock(std::move(clock))
{
}

WorkspaceTime::~WorkspaceTime() = default;

void WorkspaceTime::setLiveWindow(qint64 windowMs)
{
    windowMs = std::clamp(windowMs, kMinWindowMs, kMaxWindowMs);
    const bool modeChange = m_mode != Mode::Live;
    const bool pauseChange = m_paused;
    if (!modeChange && !pauseChange && windowMs == m_windowMs)
        return;
    m_windowMs = windowMs;
    m_mode = Mode::Live;
    m_paused = false;
    if (modeChange)
        Q_EMIT modeChanged(m_mode);
    if (pauseChange)
        Q_EMIT pausedChanged(false);
    Q_EMIT rangeChanged();
}

bool WorkspaceTime::setAbsoluteRange(qint64 fromMs, qint64 toMs)
{
    if (toMs <= fromMs)
        return false;
    const bool modeChange = m_mode != Mode::Absolute;
    const bool pauseChange = m_paused;
    if (!modeChange && fromMs == m_fromMs && toMs == m_toMs)
        return true;
    m_mode = Mode::Absolute;
    m_paused = false;
    m_fromMs = fromMs;
    m_toMs = toMs;
    if (modeChange)
        Q_EMIT modeChanged(m_mode);
    if (pauseChange)
        Q_EMIT pausedChanged(false);
    Q_EMIT rangeChanged();
    return true;
}

void WorkspaceTime::setPaused(bool paused)
{
    if (m_mode != Mode::Live || paused == m_paused)
        return;
    m_paused = paused;
    if (paused)
        m_pausedAtMs = m_clock();
    Q_EMIT pausedChanged(paused);
    Q_EMIT rangeChanged();
}

void WorkspaceTime::backToLive()
{
    setLiveWindow(m_windowMs);
}

qint64 WorkspaceTime::toMs() const
{
    if (m_mode == Mode::Absolute)
        return m_toMs;
    return m_paused ? m_pausedAtMs : m_clock();
}

qint64 WorkspaceTime::fromMs() const
{
    if (m_mode == Mode::Absolute)
        return m_fromMs;
    return toMs() - m_windowMs;
}

void WorkspaceTime::setCrosshair(qint64 ms)
{
    if (ms == m_crosshairMs)
        return;
    m_crosshairMs = ms;
    Q_EMIT crosshairChanged(ms);
}

void keepWhatTimeShows(SeriesStore &store, const WorkspaceTime &time)
{
    const qint64 liveSpan = std::min(time.windowMs(), WorkspaceTime::kMaxRawSpanMs);
    store.setRetentionMs(liveSpan + liveSpan / 10);
    if (time.isFollowing()) {
        store.setKeepSinceMs(0);
        return;
    }
    const qint64 from = std::max(time.fromMs(), time.toMs() - WorkspaceTime::kMaxRawSpanMs);
    store.setKeepSinceMs(std::max<qint64>(from - (time.toMs() - from) / 10, 1));
}

void keepWhatTimeShows(SeriesStore &store, BucketStore &buckets, const WorkspaceTime &time)
{
    keepWhatTimeShows(store, time);
    const qint64 margin = time.spanMs() / 10;
    buckets.setRetentionMs(time.windowMs() + time.windowMs() / 10);
    buckets.setKeepSinceMs(time.isFollowing() ? 0 : std::max<qint64>(time.fromMs() - margin, 1));
}

} // namespace Sightline
