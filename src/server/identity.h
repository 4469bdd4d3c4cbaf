#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

#include "server/apierror.h"

class QHttpServerRequest;

namespace Sightline {

// Who a verified access token speaks for (API.md "Auth").
struct AccessClaims
{
    QString subject;     // username
    QString accountId;   // "acc"
    QStringList sites;   // "sites": empty means every site of the account
    QDateTime issuedAt;  // "iat"
    QDateTime expiresAt; // "exp"

    bool allowsSite(const QString &siteId) const { return sites.isEmpty() || sites.contains(siteId); }
};

// A provisioned device: its account, site and id (unique within the account).
struct DeviceRecord
{
    QString accountId;
    QString siteId;
    QString deviceId;

    // account:<a>/site:<s>/device:<d>
    QString topic() const
    {
        return QStringLiteral("account:") + accountId + QStringLiteral("/site:") + siteId
            + QStringLiteral("/device:") + deviceId;
    }
};

// Either the claims of a valid bearer token, or the 401 to answer with
// (missing_token / invalid_token / token_expired, with WWW-Authenticate).
struct BearerResult
{
    std::optional<AccessClaims> claims;
    ApiError error;
};

// What the telemetry side of the server needs from accounts and auth.
// Implemented by the auth side (AccountStore + TokenService); the telemetry
// services and routes only see this interface. Not owned by its users.
class Authenticator
{
public:
    virtual ~Authenticator() = default;

    // Checks the Authorization: Bearer header of a dashboard request.
    virtual BearerResult authenticateBearer(const QHttpServerRequest &request) const = 0;

    // The device an x-api-key belongs to, or nothing for an unknown key.
    virtual std::optional<DeviceRecord> authenticateDeviceKey(const QByteArray &apiKey) const = 0;

    // Every provisioned device of an account (for GET /api/v1/devices and
    // for checking that a queried site or device belongs to the caller).
    virtual QList<DeviceRecord> devices(const QString &accountId) const = 0;
};

} // namespace Sightline
