#pragma once

#include "telemetry/clock.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/events.h"
#include "telemetry/seriesstore.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <optional>

namespace Sightline {

class AlertTableModel;

// What each device's connection and alert state was over time (issue 14,
// the timeline panel): a view may ask for any range of the last 24 hours
// and gets a list of segments that cover it whole.
//
// Three layers, the first that knows a moment wins:
//   observed     the states the dashboard saw while it was live (Online,
//                Stale, Offline, from DeviceListModel); while the stream is
//                down ("Disconnected") nothing is observed;
//   stored data  where the server's stored points say the device was
//                sending (Online) or had a gap in its data (Offline); fed
//                from history, so the time before the session started is not
//                blank when the server has data for it;
//   Unknown      everything else. Nothing is guessed: no state is carried
//                back before its first observation or across a disconnect.
// Alerts overlay the state: per moment, the worst severity among the rules
// firing on the device, or none. An alert whose firing was never seen (a
// "resolved" alone) draws nothing, as its start is not known.
//
// Fed by plain calls, or by watching the models the wiring already feeds
// (watchDevices, watchAlerts), so the same events reach it as the device
// tree and the alert table, including the alerts loaded at sign-in.
// Memory is bounded: intervals older than kKeepMs are dropped, and each
// device keeps at most kMaxIntervals per layer (a flapping device loses its
// oldest intervals first). No widgets, no network.
class StateTimeline : public QObject
{
    Q_OBJECT

public:
    enum class State { Unknown, Online, Stale, Offline };
    Q_ENUM(State)
    // Where a segment's state comes from.
    enum class Source { None, Observed, StoredData };
    Q_ENUM(Source)

    struct Segment
    {
        qint64 startMs = 0;
        qint64 endMs = 0; // exclusive
        State state = State::Unknown;
        std::optional<Severity> alertSeverity; // the worst firing alert; none when no rule fires
        Source source = Source::None;

        friend bool operator==(const Segment &a, const Segment &b)
        {
            return a.startMs == b.startMs && a.endMs == b.endMs && a.state == b.state
                && a.alertSeverity == b.alertSeverity && a.source == b.source;
        }
    };

    // The longest live window (24 h) and an hour of margin for panning.
    static constexpr qint64 kKeepMs = 25 * 60 * 60 * 1000LL;
    static constexpr int kMaxIntervals = 10000;

    explicit StateTimeline(Clock clock = systemClock(), QObject *parent = nullptr);
    ~StateTimeline() override;

    // Follows the devices' states (StateRole) from now on; model is not
    // owned (the connections end when it is destroyed).
    void watchDevices(const DeviceListModel *model);
    // Follows the alert table: each firing row opens an episode at its time,
    // a resolved row closes it. model is not owned.
    void watchAlerts(const AlertTableModel *model);

    // The device was seen in state from atMs on (Unknown: no longer seen).
    void noteDeviceState(const QString &deviceId, State state, qint64 atMs);
    // An alert event of one rule, taking effect at atMs.
    void noteAlert(const AlertEvent &alert, qint64 atMs);
    // The server's stored points of deviceId span [fromMs, toMs] with
    // exactly these gaps (SeriesStore::gaps): online outside the gaps,
    // offline in them. Replaces what an earlier call said about that range.
    void noteDataCoverage(
        const QString &deviceId, qint64 fromMs, qint64 toMs, const QList<Gap> &gaps);
    // The same from what store holds for deviceId (call it after a history merge).
    void noteDataCoverage(const SeriesStore &store, const QString &deviceId);
    // Forgets everything (another user's data, sign-out).
    void clear();

    // Segments covering [fromMs, toMs) whole, in time order; neighbours
    // always differ. Nothing is known after the clock's now.
    QList<Segment> segments(const QString &deviceId, qint64 fromMs, qint64 toMs) const;
    QStringList devices() const;

    static State stateFor(DeviceListModel::DeviceState state);
    // "online", "stale", "offline", "unknown" (lower case, for sentences).
    static QString stateName(State state);

Q_SIGNALS:
    // What segments() answers for deviceId changed (not sent for the clock moving).
    void changed(const QString &deviceId);

private:
    struct Span
    {
        qint64 startMs = 0;
        qint64 endMs = 0;
        int value = 0; // a State, or a Severity for alerts
    };
    struct Firing
    {
        qint64 sinceMs = 0;
        Severity severity = Severity::Info;
    };
    struct Device
    {
        QList<Span> observed; // closed, ascending, disjoint; never Unknown
        State openState = State::Unknown;
        qint64 openSinceMs = 0;
        QList<Span> stored; // ascending, disjoint
        QList<Span> alerts; // closed episodes, in the order they ended
        QHash<QString, Firing> firing; // ruleId → open episode
    };

    void readDeviceRows(const DeviceListModel *model, const QModelIndex &site, int first, int last);
    void readAllDevices(const DeviceListModel *model);
    void readAlertRows(const AlertTableModel *model, int first, int last);
    void pruneIfDue(qint64 now);
    static void prune(Device &device, qint64 horizonMs);
    static bool isEmpty(const Device &device);

    Clock m_clock;
    QHash<QString, Device> m_devices;
    qint64 m_lastPruneMs = 0;
};

} // namespace Sightline
