#include "server/streamfilter.h"

#include <QHash>
#include <QSet>

namespace Sightline {

namespace {

const QString kSiteId = QStringLiteral("siteId");
const QString kDeviceId = QStringLiteral("deviceId");
const QString kTypes = QStringLiteral("types");

ApiError forbidden(const QString &message)
{
    return ApiError{403, QByteArrayLiteral("forbidden"), message, {}};
}

// "a,b,c" -> [a, b, c]; an empty item ("a,,b", "a,") is an error, and
// repeats are kept once.
bool splitList(const QString &name, const QString &value, QStringList *items, ApiError *error)
{
    const QStringList parts = value.split(QLatin1Char(','));
    for (const QString &part : parts) {
        if (part.isEmpty()) {
            *error = ApiError::invalidRequest(
                QStringLiteral("\"%1\" has an empty item; give a comma-separated list like a,b.").arg(name));
            return false;
        }
        if (!items->contains(part))
            items->append(part);
    }
    return true;
}

} // namespace

unsigned StreamFilter::typeBit(const QString &type)
{
    if (type == QLatin1String("telemetry"))
        return Telemetry;
    if (type == QLatin1String("alert"))
        return Alert;
    if (type == QLatin1String("device_status"))
        return DeviceStatus;
    if (type == QLatin1String("system"))
        return System;
    return 0;
}

std::optional<StreamFilter> StreamFilter::fromQuery(const AccessClaims &claims, const QUrlQuery &query,
                                                    const DeviceLookup &devices, ApiError *error)
{
    // Unknown and repeated parameters are refused, like the other routes do:
    // a typo such as "device=" must not silently widen the stream.
    QHash<QString, QString> values;
    const QList<QPair<QString, QString>> items = query.queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (key != kSiteId && key != kDeviceId && key != kTypes) {
            *error = ApiError::invalidRequest(
                QStringLiteral("Unknown query parameter \"%1\"; allowed: siteId, deviceId, types.").arg(key));
            return std::nullopt;
        }
        if (values.contains(key)) {
            *error = ApiError::invalidRequest(QStringLiteral("Query parameter \"%1\" is given twice.").arg(key));
            return std::nullopt;
        }
        values.insert(key, value);
    }

    StreamFilter filter;
    filter.m_accountId = claims.accountId;
    filter.m_sites = claims.sites;

    if (values.contains(kTypes)) {
        QStringList types;
        if (!splitList(kTypes, values.value(kTypes), &types, error))
            return std::nullopt;
        filter.m_types = 0;
        for (const QString &type : std::as_const(types)) {
            const unsigned bit = typeBit(type);
            if (!bit) {
                *error = ApiError::invalidRequest(
                    QStringLiteral("Unknown type \"%1\" in types; use telemetry, alert, device_status, system.")
                        .arg(type));
                return std::nullopt;
            }
            filter.m_types |= bit;
        }
    }

    const bool hasSite = values.contains(kSiteId);
    const bool hasDevices = values.contains(kDeviceId);
    if (!hasSite && !hasDevices)
        return filter;

    // A named site or device must be the caller's: in the token's account
    // (its provisioned devices tell) and in the token's sites. Anything else
    // is 403, never an empty stream that hides the mistake.
    const QList<DeviceRecord> accountDevices = devices();
    QString siteId;
    if (hasSite) {
        siteId = values.value(kSiteId);
        if (siteId.isEmpty()) {
            *error = ApiError::invalidRequest(QStringLiteral("\"siteId\" is empty; leave it out for every site."));
            return std::nullopt;
        }
        bool known = claims.sites.contains(siteId);
        for (const DeviceRecord &device : accountDevices)
            known = known || device.siteId == siteId;
        if (!known || !claims.allowsSite(siteId)) {
            *error = forbidden(QStringLiteral("Site \"%1\" is not one of the sites your sign-in may see.").arg(siteId));
            return std::nullopt;
        }
        filter.m_sites = QStringList{siteId};
    }
    if (hasDevices) {
        QStringList wanted;
        if (!splitList(kDeviceId, values.value(kDeviceId), &wanted, error))
            return std::nullopt;
        for (const QString &deviceId : std::as_const(wanted)) {
            const DeviceRecord *found = nullptr;
            for (const DeviceRecord &device : accountDevices) {
                if (device.deviceId == deviceId) {
                    found = &device;
                    break;
                }
            }
            if (!found || !claims.allowsSite(found->siteId)) {
                *error = forbidden(
                    QStringLiteral("Device \"%1\" is not one of the devices your sign-in may see.").arg(deviceId));
                return std::nullopt;
            }
            if (hasSite && found->siteId != siteId) {
                *error = ApiError::invalidRequest(QStringLiteral("Device \"%1\" is in site \"%2\", not in siteId \"%3\".")
                                                      .arg(deviceId, found->siteId, siteId));
                return std::nullopt;
            }
        }
        filter.m_devices = wanted;
    }
    return filter;
}

std::optional<quint64> StreamFilter::parseLastEventId(const QByteArray &header, quint64 lastIssuedId,
                                                      ApiError *error)
{
    if (header.isEmpty())
        return std::nullopt; // WHATWG: an empty last event ID is not sent; treat it as absent
    const auto invalid = [error](const QString &why) {
        *error = ApiError::invalidRequest(QStringLiteral("Last-Event-ID %1; send the id of the last event "
                                                         "received, or leave it out.")
                                              .arg(why));
        return std::nullopt;
    };
    bool digitsOnly = header.size() <= 20;
    for (const char c : header)
        digitsOnly = digitsOnly && c >= '0' && c <= '9';
    bool ok = false;
    const quint64 id = digitsOnly ? header.toULongLong(&ok) : 0;
    if (!digitsOnly || !ok || (header.size() > 1 && header.startsWith('0')))
        return invalid(QStringLiteral("is not an event id of this server (ids are decimal integers)"));
    if (id > lastIssuedId)
        return invalid(QStringLiteral("is above the newest event id this server has issued (%1)")
                           .arg(lastIssuedId));
    return id;
}

EventQuery StreamFilter::eventQuery(quint64 afterId, int limit) const
{
    EventQuery query;
    query.afterId = afterId;
    query.limit = limit;
    query.accountId = m_accountId;
    query.sites = m_sites;
    query.devices = m_devices;
    if ((m_types & (Telemetry | Alert | DeviceStatus)) != (Telemetry | Alert | DeviceStatus)) {
        if (m_types & Telemetry)
            query.types.append(QStringLiteral("telemetry"));
        if (m_types & Alert)
            query.types.append(QStringLiteral("alert"));
        if (m_types & DeviceStatus)
            query.types.append(QStringLiteral("device_status"));
    }
    return query;
}

} // namespace Sightline
