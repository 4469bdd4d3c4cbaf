#pragma once

#include <QByteArrayView>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace Sightline {

// The claims of an access token (API.md "Auth"; RFC 7519 section 4.1), read
// on the client to know when the token expires. Pure: no QObject, no I/O.
//
// The client cannot check the HS256 signature (only the server has the key)
// and does not need to: the server checks every token it is sent. This only
// decodes the payload of a well-formed compact JWS.
struct JwtClaims
{
    QString subject; // "sub"
    QString accountId; // "acc"
    QStringList sites; // "sites"; empty means every site of the account
    QString issuer; // "iss"
    QDateTime issuedAt; // "iat" (invalid when absent)
    QDateTime expiresAt; // "exp" (always valid in a parsed token)

    // Seconds from iat to exp, or -1 without iat.
    qint64 lifetimeSeconds() const;
    bool isExpiredAt(const QDateTime &now) const { return now >= expiresAt; }

    // The claims, or nothing and a readable reason in *error.
    static std::optional<JwtClaims> parse(QByteArrayView token, QString *error = nullptr);
};

} // namespace Sightline
