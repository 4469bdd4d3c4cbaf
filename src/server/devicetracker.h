#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QStringList>

#include <optional>

#include "server/storagetypes.h"

namespace Sightline {

class Clock;
class Hub;

// Knows which devices are online (API.md "device_status"): a device goes
// `online` with its first stored point and `offline` after
// offlineAfterSeconds without one; each change is one device_status event on
// the hub. The clock is injected and checkOffline() is called by a timer the
// owner runs (TelemetryApi), so tests drive time by hand.
class DeviceTracker : public QObject
{
    Q_OBJECT

public:
    // hub, clock: not owned.
    DeviceTracker(int offlineAfterSeconds, Hub *hub, const Clock *clock, QObject *parent = nullptr);

    // What storage remembers from before a restart: each device's last-seen
    // time and field names, and the last device_status events of the log. A
    // device whose last event said `online` stays online (no second
    // `online`), and goes offline by the usual silence rule.
    void restore(const QList<DeviceState> &states, const QList<StoredEvent> &statusEvents = {});

    // A device stored points just now (server time from the clock).
    void recordPoints(const DeviceRecord &device, const QList<TelemetryPoint> &points);

    // Publishes `offline` for every online device silent for too long.
    void checkOffline();

    struct Status
    {
        bool online = false;
        QDateTime lastSeen; // invalid when never seen
        QStringList fields; // sorted
    };
    Status status(const QString &accountId, const QString &deviceId) const;

private:
    struct Entry
    {
        DeviceRecord device;
        bool online = false;
        QDateTime lastSeen;
        QStringList fields;
    };
    void publishStatus(const Entry &entry);

    int m_offlineAfterSeconds;
    Hub *m_hub;           // not owned
    const Clock *m_clock; // not owned
    QHash<QString, Entry> m_entries; // key: account + '\n' + device
};

} // namespace Sightline
