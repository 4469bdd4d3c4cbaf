#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

#include "server/identity.h"

namespace Sightline {

// Issues and verifies the HS256 access tokens of API.md "Auth" through
// libjwt. Owns the signing secret (kept in the data dir, 0600). Not a
// QObject; no I/O after construction except loadOrCreateSecret().
//
// Claims: sub (username), acc (account), sites (array; empty = all), iat,
// nbf, exp, iss, and "fam": the id of the refresh-token family the token was
// issued from. "fam" is how POST /api/v1/auth/logout knows which family to
// revoke: it names a family the caller owns, and the token is signed, so a
// caller can only ever revoke its own session.
class TokenService
{
public:
    // Seconds since the epoch; injectable so tests can forge past or future
    // tokens without waiting.
    using Clock = std::function<qint64()>;

    // How much a peer's clock may run ahead for iat/nbf ("not in the future
    // beyond a small leeway").
    static constexpr int kClockLeewaySeconds = 60;
    // Longer tokens are refused before any parsing.
    static constexpr int kMaxTokenBytes = 8192;

    // The signing secret in DIR/jwt-secret: read if present, otherwise 64
    // random bytes are written there with mode 0600 (created atomically, so
    // a concurrent admin command and server agree on one secret).
    static std::optional<QByteArray> loadOrCreateSecret(const QString &dataDir, QString *error);

    TokenService(const QByteArray &secret, const QString &issuer, int accessTtlSeconds);

    void setClock(Clock clock) { m_clock = std::move(clock); }
    qint64 now() const;
    int accessTtlSeconds() const { return m_ttl; }

    // A signed access token for the user, valid for accessTtlSeconds from now.
    QByteArray issue(const QString &subject, const QString &accountId, const QStringList &sites,
                     const QString &familyId) const;

    struct Verified
    {
        AccessClaims claims;
        QString familyId;
    };
    enum class Failure { None, Invalid, Expired };
    struct Result
    {
        std::optional<Verified> token;
        Failure failure = Failure::None;
        QString reason; // for the error_description; never contains the token
    };

    // Strict verification: header alg exactly "HS256" (alg none and every
    // other alg refused before libjwt sees the token), the HMAC signature,
    // iss, the claim types, iat/nbf not in the future beyond the leeway,
    // exp in the future.
    Result verify(const QByteArray &token) const;

private:
    QByteArray m_secret;
    QString m_issuer;
    int m_ttl;
    Clock m_clock;
};

} // namespace Sightline
