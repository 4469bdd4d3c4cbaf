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

} // namespace Sightline
