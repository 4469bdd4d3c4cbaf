#include "server/devicetracker.h"

#include <QJsonObject>

#include "server/clock.h"
#include "server/hub.h"
#include "server/rfc3339.h"

namespace Sightline {

namespace {

QString entryKey(const QString &accountId, const QString &deviceId)
{
    return accountId + QLatin1Char('\n') + deviceId;
}

} // namespace

DeviceTracker::DeviceTracker(int offlineAfterSeconds, Hub *hub, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_offlineAfterSeconds(offlineAfterSeconds)
    , m_hub(hub)
    , m_clock(clock)
{
}

void DeviceTracker::restore(const QList<DeviceState> &states, const QList<StoredEvent> &statusEvents)
{
    for (const DeviceState &state : states) {
        Entry &entry = m_entries[entryKey(state.accountId, state.deviceId)];
        entry.device = DeviceRecord{state.accountId, state.siteId, state.deviceId};
        entry.online = false;
        entry.lastSeen = state.lastSeen;
        entry.fields = state.fields;
        entry.fields.sort();
    }
    for (const StoredEvent &event : statusEvents) {
        if (event.type != u"device_status")
            continue;
        const auto it = m_entries.find(entryKey(event.accountId, event.deviceId));
        if (it != m_entries.end())
            it->online = event.data.value(QStringLiteral("status")).toString() == u"online";
    }
}

void DeviceTracker::recordPoints(const DeviceRecord &device, const QList<TelemetryPoint> &points)
{
    Entry &entry = m_entries[entryKey(device.accountId, device.deviceId)];
    entry.device = device;
    entry.lastSeen = m_clock->now();
    bool fieldsChanged = false;
    for (const TelemetryPoint &point : points) {
        for (auto it = point.fields.begin(); it != point.fields.end(); ++it) {
            if (!entry.fields.contains(it.key())) {
                entry.fields.append(it.key());
                fieldsChanged = true;
            }
        }
    }
    if (fieldsChanged)
        entry.fields.sort();
    if (!entry.online) {
        entry.online = true;
        publishStatus(entry);
    }
}

void DeviceTracker::checkOffline()
{
    const QDateTime now = m_clock->now();
    for (Entry &entry : m_entries) {
        if (entry.online && entry.lastSeen.msecsTo(now) >= qint64(m_offlineAfterSeconds) * 1000) {
            entry.online = false;
            publishStatus(entry);
        }
    }
}

DeviceTracker::Status DeviceTracker::status(const QString &accountId, const QString &deviceId) const
{
    const auto it = m_entries.constFind(entryKey(accountId, deviceId));
    if (it == m_entries.constEnd())
        return Status{};
    return Status{it->online, it->lastSeen, it->fields};
}

void DeviceTracker::publishStatus(const Entry &entry)
{
    const QJsonObject data{
        {QStringLiteral("deviceId"), entry.device.deviceId},
        {QStringLiteral("status"), entry.online ? QStringLiteral("online") : QStringLiteral("offline")},
        {QStringLiteral("lastSeen"), formatRfc3339Utc(entry.lastSeen)},
    };
    m_hub->publish(entry.device.topic(), QStringLiteral("device_status"), data);
}

} // namespace Sightline
