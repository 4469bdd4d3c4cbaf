#pragma once

#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <functional>
#include <optional>

#include "server/apierror.h"
#include "server/identity.h"
#include "server/storagetypes.h"

namespace Sightline {

// What one stream may see (issue 4, API.md "Live stream"): the token decides
// the account and the sites; the query (siteId, deviceId list, types) only
// narrows that. Built once per connection so that matching a published event
// is a few comparisons. A plain value; pure (no networking, no QObject).
class StreamFilter
{
public:
    enum TypeBit : unsigned {
        Telemetry = 1u << 0,
        Alert = 1u << 1,
        DeviceStatus = 1u << 2,
        System = 1u << 3,
        AllTypes = Telemetry | Alert | DeviceStatus | System,
    };

    // The account's provisioned devices, asked for only when the query names
    // a site or devices (to tell "yours" from "not yours").
    using DeviceLookup = std::function<QList<DeviceRecord>()>;

    // Builds the filter for `claims` narrowed by `query`, or sets *error:
    // 400 invalid_request for an unknown or repeated parameter, an empty list
    // item or an unknown type; 403 forbidden for a site or device outside the
    // token's account or sites.
    static std::optional<StreamFilter> fromQuery(const AccessClaims &claims, const QUrlQuery &query,
                                                 const DeviceLookup &devices, ApiError *error);

    // The Last-Event-ID header: nothing when absent or empty; otherwise the
    // id, which must be a decimal integer as this server writes them (digits
    // only, no sign, no leading zero) and not above lastIssuedId. *error is
    // set (400 invalid_request) and nothing returned otherwise; check
    // error->code to tell the two apart.
    static std::optional<quint64> parseLastEventId(const QByteArray &header, quint64 lastIssuedId,
                                                   ApiError *error);

    // Whether a published event is for this stream.
    bool matches(const StoredEvent &event) const
    {
        return event.accountId == m_accountId && (m_types & typeBit(event.type))
            && (m_sites.isEmpty() || m_sites.contains(event.siteId))
            && (m_devices.isEmpty() || m_devices.contains(event.deviceId));
    }
    bool wantsSystemEvents() const { return m_types & System; }
    // False when only `system` was asked for: nothing of the log to replay.
    bool wantsLogEvents() const { return m_types & (Telemetry | Alert | DeviceStatus); }

    // The range read of the log that replays what this stream may see.
    EventQuery eventQuery(quint64 afterId, int limit) const;

    const QString &accountId() const { return m_accountId; }
    const QStringList &sites() const { return m_sites; }     // empty: every site
    const QStringList &devices() const { return m_devices; } // empty: every device
    unsigned types() const { return m_types; }

    static unsigned typeBit(const QString &type);

private:
    QString m_accountId;
    QStringList m_sites;
    QStringList m_devices;
    unsigned m_types = AllTypes;
};

} // namespace Sightline
