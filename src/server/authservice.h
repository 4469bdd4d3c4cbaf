#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QThreadPool>

#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "server/accountstore.h"
#include "server/apierror.h"
#include "server/identity.h"
#include "server/loginthrottle.h"
#include "server/serverconfig.h"
#include "server/tokenservice.h"

namespace Sightline {

// The auth side of sightline-server (issue 3) as a service without HTTP:
// sign-in with throttling, refresh-token rotation with reuse detection,
// logout, bearer checks and device-key lookups. Implements Authenticator for
// the telemetry side.
//
// Owns the AccountStore (DIR/accounts.sqlite), the TokenService (signing
// secret DIR/jwt-secret) and the LoginThrottle. Password checks run on a
// private pool of at most two threads (Argon2id costs ~0.1 s and 64 MiB each),
// so the event loop never waits for them; everything else runs on the thread
// that owns this object.
class AuthService : public QObject, public Authenticator
{
    Q_OBJECT

public:
    explicit AuthService(const ServerConfig &config, QObject *parent = nullptr);
    ~AuthService() override;

    // Opens the accounts database and loads (or creates) the signing secret.
    bool start(QString *error);

    // The 200 body of login and refresh (API.md "POST /api/v1/auth/login").
    struct TokenPair
    {
        QByteArray accessToken;
        QByteArray refreshToken;
        int expiresIn = 0;
        QJsonObject toJson() const;
    };
    struct Outcome
    {
        std::optional<TokenPair> tokens;
        ApiError error; // when !tokens
    };
    using LoginCallback = std::function<void(const Outcome &)>;

    // Checks the password on the worker pool and calls done on this object's
    // thread (never synchronously from inside login()). Unknown users cost
    // the same hashing time as wrong passwords and get the same answer.
    void login(const QString &username, const QByteArray &password, const QHostAddress &address,
               LoginCallback done);
    Outcome refresh(const QByteArray &refreshToken);
    // Revokes the refresh family named by the caller's access token ("fam").
    bool logout(const TokenService::Verified &caller);

    // Verifies the Authorization: Bearer header value(s); the full verified
    // token (with its family) or the 401 to answer.
    struct BearerCheck
    {
        std::optional<TokenService::Verified> token;
        ApiError error;
    };
    BearerCheck checkBearer(const QHttpServerRequest &request) const;

    // Authenticator
    BearerResult authenticateBearer(const QHttpServerRequest &request) const override;
    std::optional<DeviceRecord> authenticateDeviceKey(const QByteArray &apiKey) const override;
    QList<DeviceRecord> devices(const QString &accountId) const override;

    bool isHealthy() const;
    QJsonObject health() const; // {"accounts": "ok" | "<problem>"}
    QByteArray metricsText() const;

    AccountStore &accounts() { return m_accounts; }
    TokenService &tokens() { return *m_tokens; }
    LoginThrottle &throttle() { return m_throttle; }

private:
    Outcome issueFor(const UserRecord &user, const AccountStore::NewRefreshToken &refresh);
    void count(std::map<QByteArray, quint64> &counter, const QByteArray &label) const;

    ServerConfig m_config;
    AccountStore m_accounts;
    std::unique_ptr<TokenService> m_tokens;
    LoginThrottle m_throttle;
    QThreadPool m_hashPool;
    // Prometheus counters by label value.
    mutable std::map<QByteArray, quint64> m_logins;
    mutable std::map<QByteArray, quint64> m_refreshes;
    mutable std::map<QByteArray, quint64> m_bearerRejections;
};

} // namespace Sightline
