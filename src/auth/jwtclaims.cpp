#include "auth/jwtclaims.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

#include <cmath>

namespace Sightline {

namespace {

std::optional<JwtClaims> fail(QString *error, const QString &reason)
{
    if (error)
        *error = reason;
    return std::nullopt;
}

// RFC 7519 2: NumericDate, seconds since the epoch (fractions allowed).
std::optional<QDateTime> numericDate(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double seconds = value.toDouble();
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 253402300799.0) // year 9999
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000), Qt::UTC);
}

std::optional<QJsonObject> decodeJsonPart(QByteArrayView part)
{
    const auto decoded = QByteArray::fromBase64Encoding(part.toByteArray(),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(*decoded, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

} // namespace

qint64 JwtClaims::lifetimeSeconds() const
{
    if (!issuedAt.isValid())
        return -1;
    return issuedAt.secsTo(expiresAt);
}

std::optional<JwtClaims> JwtClaims::parse(QByteArrayView token, QString *error)
{
    // RFC 7515 7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature)
    const QList<QByteArray> parts = token.toByteArray().split('.');
    if (parts.size() != 3)
        return fail(error,
            QStringLiteral("not a JWT: expected three dot-separated parts, found %1")
                .arg(parts.size()));
    if (parts.at(0).isEmpty() || parts.at(1).isEmpty())
        return fail(error, QStringLiteral("not a JWT: empty header or payload"));

    const std::optional<QJsonObject> header = decodeJsonPart(parts.at(0));
    if (!header)
        return fail(error, QStringLiteral("JWT header is not base64url-encoded JSON"));
    if (header->value(QLatin1String("alg")).toString().isEmpty())
        return fail(error, QStringLiteral("JWT header has no \"alg\""));

    const std::optional<QJsonObject> payload = decodeJsonPart(parts.at(1));
    if (!payload)
        return fail(error, QStringLiteral("JWT payload is not base64url-encoded JSON"));

    JwtClaims claims;
    const std::optional<QDateTime> exp = numericDate(payload->value(QLatin1String("exp")));
    if (!exp)
        return fail(error, QStringLiteral("JWT has no valid \"exp\" claim"));
    claims.expiresAt = *exp;
    if (payload->contains(QLatin1String("iat"))) {
        const std::optional<QDateTime> iat = numericDate(payload->value(QLatin1String("iat")));
        if (!iat)
            return fail(error, QStringLiteral("JWT \"iat\" claim is not a NumericDate"));
        claims.issuedAt = *iat;
    }
    claims.subject = payload->value(QLatin1String("sub")).toString();
    claims.accountId = payload->value(QLatin1String("acc")).toString();
    claims.issuer = payload->value(QLatin1String("iss")).toString();
    const QJsonValue sites = payload->value(QLatin1String("sites"));
    if (!sites.isUndefined() && !sites.isArray())
        return fail(error, QStringLiteral("JWT \"sites\" claim is not an array"));
    for (const QJsonValue &site : sites.toArray())
        claims.sites << site.toString();
    if (error)
        error->clear();
    return claims;
}

} // namespace Sightline
