#pragma once

#include "telemetry/clock.h"

#include <QObject>

namespace Sightline {

class BucketStore;
class SeriesStore;

// The one time control of the workspace (issue 14): every panel that draws
// time (charts, sparklines, the timeline) shows the range this object says,
// so switching the window, pausing or picking an absolute range moves all
// of them at once. It also carries the shared crosshair: the time under the
// mouse in any chart, drawn by every other chart.
//
// Two modes:
//   Live      the range ends "now" (the injected clock) and is windowMs()
//             long; it moves with the clock. Pausing freezes it where it
//             is (data keeps arriving into the stores meanwhile); resuming
//             or backToLive() follows the clock again.
//   Absolute  a fixed [from, to] the user picked, or reached by zooming or
//             panning a chart.
// In Live mode the range moves continuously, and no signal is emitted for
// that: panels redraw on their own frame timers and read fromMs()/toMs().
// rangeChanged() means the range changed for another reason (mode, window,
// pause, a new absolute range).
//
// Plain state, no widgets and no network (src/telemetry).
class WorkspaceTime : public QObject
{
    Q_OBJECT

public:
    enum class Mode { Live, Absolute };
    Q_ENUM(Mode)

    static constexpr qint64 kMinWindowMs = 60 * 1000;
    static constexpr qint64 kMaxWindowMs = 24 * 60 * 60 * 1000;
    static constexpr qint64 kDefaultWindowMs = 15 * 60 * 1000;
    // Raw points are kept (and loaded) for at most this much of a range;
    // charts draw longer ranges from buckets (API.md "History for long ranges").
    static constexpr qint64 kMaxRawSpanMs = 60 * 60 * 1000;
    // The live windows the time control offers, in minutes: 1 min to 24 h.
    static const QList<int> &windowChoicesMinutes();

    explicit WorkspaceTime(Clock clock = systemClock(), QObject *parent = nullptr);
    ~WorkspaceTime() override;

    Mode mode() const { return m_mode; }
    bool isLive() const { return m_mode == Mode::Live; }
    // Live and not paused: the range follows the clock.
    bool isFollowing() const { return m_mode == Mode::Live && !m_paused; }
    bool isPaused() const { return m_paused; }
    // The live window (kept while an absolute range is shown, for backToLive()).
    qint64 windowMs() const { return m_windowMs; }

    // Follows the clock with a window of windowMs (clamped to 1 min .. 24 h);
    // ends a pause and an absolute range.
    void setLiveWindow(qint64 windowMs);
    // Shows [fromMs, toMs] and stops following; an empty or inverted range
    // is ignored (returns false).
    bool setAbsoluteRange(qint64 fromMs, qint64 toMs);
    // Live mode only: freezes the range at the current instant, or follows
    // the clock again.
    void setPaused(bool paused);
    // Live with the current window, not paused.
    void backToLive();

    // The range on screen now, ms since the epoch.
    qint64 fromMs() const;
    qint64 toMs() const;
    qint64 spanMs() const { return toMs() - fromMs(); }
    qint64 now() const { return m_clock(); }

    // The shared crosshair: the time under the mouse in some chart, or 0
    // when the mouse is in none.
    void setCrosshair(qint64 ms);
    void clearCrosshair() { setCrosshair(0); }
    qint64 crosshairMs() const { return m_crosshairMs; }

Q_SIGNALS:
    // The range changed other than by the clock moving (see above).
    void rangeChanged();
    void modeChanged(Sightline::WorkspaceTime::Mode mode);
    void pausedChanged(bool paused);
    void crosshairChanged(qint64 ms);

private:
    Clock m_clock;
    Mode m_mode = Mode::Live;
    qint64 m_windowMs = kDefaultWindowMs;
    bool m_paused = false;
    qint64 m_pausedAtMs = 0;
    qint64 m_fromMs = 0; // absolute mode
    qint64 m_toMs = 0;
    qint64 m_crosshairMs = 0;
};

// The one retention policy of the shared stores (several panels share them
// and one time, so the wiring calls this on every change of the time, not
// each panel): the live window and a tenth more; while the range stands
// still (paused, or an absolute range) everything from its left edge on.
// Raw points for at most kMaxRawSpanMs of that; buckets (when given) for all
// of it.
void keepWhatTimeShows(SeriesStore &store, const WorkspaceTime &time);
void keepWhatTimeShows(SeriesStore &store, BucketStore &buckets, const WorkspaceTime &time);

} // namespace Sightline
