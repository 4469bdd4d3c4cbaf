#include "server/storagetypes.h"

#include "server/rfc3339.h"

namespace Sightline {

QJsonObject StoredEvent::toJson() const
{
    return QJsonObject{
        {QStringLiteral("id"), idString()},
        {QStringLiteral("ts"), formatRfc3339Utc(ts)},
        {QStringLiteral("topic"), topic},
        {QStringLiteral("type"), type},
        {QStringLiteral("data"), data},
    };
}

bool EventQuery::matches(const StoredEvent &event) const
{
    return event.accountId == accountId && (sites.isEmpty() || sites.contains(event.siteId))
        && (devices.isEmpty() || devices.contains(event.deviceId)) && (types.isEmpty() || types.contains(event.type))
        && (!since || event.ts >= *since)
        && (state.isEmpty() || event.data.value(QLatin1String("state")).toString() == state);
}

} // namespace Sightline
