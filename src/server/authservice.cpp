#include "server/authservice.h"

#include "server/logging.h"
#include "server/passwordhasher.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QRunnable>
#include <QTimer>

namespace Sightline {

namespace {

const QByteArray kWwwAuthenticate = QByteArrayLiteral("WWW-Authenticate");
const QByteArray kRealm = QByteArrayLiteral("Bearer realm=\"sightline\"");

// RFC 6750 section 3: error_description is limited to %x20-21 / %x23-5B /
// %x5D-7E; our reasons are plain ASCII sentences, but make sure.
QByteArray quotedDescription(const QString &text)
{
    QByteArray out;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u >= 0x20 && u <= 0x7e && u != '"' && u != '\\')
            out.append(char(u));
    }
    return out;
}

ApiError bearerError(const QByteArray &code, const QString &message)
{
    ApiError error{401, code, message, {}};
    error.withHeader(kWwwAuthenticate,
                     kRealm + ", error=\"invalid_token\", error_description=\""
                         + quotedDescription(message) + '"');
    return error;
}

ApiError invalidCredentials()
{
    return ApiError{401, QByteArrayLiteral("invalid_credentials"),
                    QStringLiteral("The username or password is wrong."), {}};
}

QByteArray counterLines(const char *name, const char *help, const char *label,
                        const std::map<QByteArray, quint64> &values)
{
    QByteArray out = QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " counter\n";
    for (const auto &[value, n] : values)
        out += QByteArray(name) + '{' + label + "=\"" + value + "\"} " + QByteArray::number(n) + '\n';
    return out;
}

} // namespace

QJsonObject AuthService::TokenPair::toJson() const
{
    return QJsonObject{
        {QStringLiteral("access_token"), QString::fromLatin1(accessToken)},
        {QStringLiteral("token_type"), QStringLiteral("Bearer")},
        {QStringLiteral("expires_in"), expiresIn},
        {QStringLiteral("refresh_token"), QString::fromLatin1(refreshToken)},
    };
}

AuthService::AuthService(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_throttle(config.loginMaxFailuresPerUser, config.loginMaxFailuresPerAddress,
                 config.loginWindowSeconds)
{
    m_hashPool.setMaxThreadCount(2);
    // Start the label sets at zero so the series exist before the first event.
    for (const char *result : {"success", "failure", "throttled"})
        m_logins[result] = 0;
    for (const char *result : {"rotated", "invalid", "reused"})
        m_refreshes[result] = 0;
    for (const char *reason : {"missing_token", "invalid_token", "token_expired"})
        m_bearerRejections[reason] = 0;
}

AuthService::~AuthService()
{
    // Workers post their result back to this object; none may still run once
    // the members they reach through the queued call are gone.
    m_hashPool.waitForDone();
}

bool AuthService::start(QString *error)
{
    if (!m_accounts.open(m_config.dataDir, error))
        return false;
    const auto secret = TokenService::loadOrCreateSecret(m_config.dataDir, error);
    if (!secret)
        return false;
    m_tokens = std::make_unique<TokenService>(*secret, m_config.issuer,
                                              m_config.accessTokenTtlSeconds);
    m_accounts.purgeExpired(m_tokens->now());
    auto *purge = new QTimer(this);
    purge->setInterval(std::chrono::hours(1));
    connect(purge, &QTimer::timeout, this, [this] { m_accounts.purgeExpired(m_tokens->now()); });
    purge->start();
    // Compute the dummy hash now, so the first unknown-user login costs no
    // more than any other (no timing difference, not even once).
    m_hashPool.start([] { PasswordHasher::verifyAgainstDummy(QByteArray()); });
    return true;
}

void AuthService::count(std::map<QByteArray, quint64> &counter, const QByteArray &label) const
{
    ++counter[label];
}

void AuthService::login(const QString &username, const QByteArray &password,
                        const QHostAddress &address, LoginCallback done)
{
    const int wait = m_throttle.retryAfterSeconds(username, address);
    if (wait > 0) {
        count(m_logins, "throttled");
        ApiError error{429, QByteArrayLiteral("too_many_attempts"),
                       QStringLiteral("Too many failed sign-ins; try again in %1 seconds.").arg(wait),
                       {}};
        error.withHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(wait));
        QMetaObject::invokeMethod(this, [done, error] { done(Outcome{std::nullopt, error}); },
                                  Qt::QueuedConnection);
        return;
    }

    const std::optional<UserRecord> user = m_accounts.findUser(username);
    const QByteArray storedHash = user ? user->passwordHash : QByteArray();
    m_throttle.beginAttempt(username, address);

    m_hashPool.start([this, user, storedHash, password, username, address, done] {
        const bool ok = user ? PasswordHasher::verify(storedHash, password)
                             : PasswordHasher::verifyAgainstDummy(password);
        QMetaObject::invokeMethod(
            this,
            [this, ok, user, username, address, done] {
                m_throttle.finishAttempt(username, address, !ok);
                if (!ok) {
                    count(m_logins, "failure");
                    qCInfo(lcServerAuth, "failed sign-in for %s from %s", qPrintable(username),
                           qPrintable(address.toString()));
                    done(Outcome{std::nullopt, invalidCredentials()});
                    return;
                }
                const auto refresh = m_accounts.startRefreshFamily(
                    user->username, m_tokens->now(), m_config.refreshTokenTtlSeconds);
                if (!refresh) {
                    done(Outcome{std::nullopt,
                                 ApiError{503, QByteArrayLiteral("unavailable"),
                                          QStringLiteral("The accounts database cannot be "
                                                         "written; try again shortly."),
                                          {}}});
                    return;
                }
                count(m_logins, "success");
                done(issueFor(*user, *refresh));
            },
            Qt::QueuedConnection);
    });
}

AuthService::Outcome AuthService::issueFor(const UserRecord &user,
                                           const AccountStore::NewRefreshToken &refresh)
{
    TokenPair pair;
    pair.accessToken = m_tokens->issue(user.username, user.accountId, user.sites, refresh.familyId);
    pair.refreshToken = refresh.token;
    pair.expiresIn = m_tokens->accessTtlSeconds();
    if (pair.accessToken.isEmpty()) {
        return Outcome{std::nullopt, ApiError{500, QByteArrayLiteral("internal_error"),
                                              QStringLiteral("The token could not be signed."),
                                              {}}};
    }
    return Outcome{pair, {}};
}

AuthService::Outcome AuthService::refresh(const QByteArray &refreshToken)
{
    const auto result = m_accounts.rotateRefreshToken(refreshToken, m_tokens->now(),
                                                      m_config.refreshTokenTtlSeconds);
    switch (result.outcome) {
    case AccountStore::RefreshOutcome::Rotated:
        count(m_refreshes, "rotated");
        return issueFor(result.user, result.next);
    case AccountStore::RefreshOutcome::Reused:
        count(m_refreshes, "reused");
        return Outcome{std::nullopt,
                       ApiError{401, QByteArrayLiteral("refresh_reused"),
                                QStringLiteral("This refresh token was already used; the session "
                                               "is revoked. Sign in again."),
                                {}}};
    case AccountStore::RefreshOutcome::StoreError:
        return Outcome{std::nullopt,
                       ApiError{503, QByteArrayLiteral("unavailable"),
                                QStringLiteral("The accounts database cannot be written; try "
                                               "again shortly."),
                                {}}};
    case AccountStore::RefreshOutcome::Invalid:
        break;
    }
    count(m_refreshes, "invalid");
    return Outcome{std::nullopt,
                   ApiError{401, QByteArrayLiteral("invalid_refresh_token"),
                            QStringLiteral("The refresh token is unknown, expired or revoked. "
                                           "Sign in again."),
                            {}}};
}

bool AuthService::logout(const TokenService::Verified &caller)
{
    return m_accounts.revokeFamily(caller.familyId, caller.claims.subject, m_tokens->now());
}

AuthService::BearerCheck AuthService::checkBearer(const QHttpServerRequest &request) const
{
    QList<QByteArray> values;
    for (const auto &[name, value] : request.headers()) {
        if (name.compare("authorization", Qt::CaseInsensitive) == 0)
            values.append(value.trimmed());
    }
    const auto missing = [this] {
        count(m_bearerRejections, "missing_token");
        ApiError error{401, QByteArrayLiteral("missing_token"),
                       QStringLiteral("Sign in and send the access token as Authorization: "
                                      "Bearer <token>."),
                       {}};
        error.withHeader(kWwwAuthenticate, kRealm);
        return BearerCheck{std::nullopt, error};
    };
    const auto invalidToken = [this](const QString &reason) {
        count(m_bearerRejections, "invalid_token");
        return BearerCheck{std::nullopt, bearerError(QByteArrayLiteral("invalid_token"), reason)};
    };

    if (values.isEmpty())
        return missing();
    if (values.size() > 1)
        return invalidToken(QStringLiteral("More than one Authorization header was sent"));
    const QByteArray &value = values.first();
    const qsizetype space = value.indexOf(' ');
    const QByteArray scheme = space < 0 ? value : value.left(space);
    // RFC 6750 section 3.1: a request that uses another scheme (Basic, ...)
    // carries no bearer token, so it gets the bare challenge.
    if (scheme.compare("bearer", Qt::CaseInsensitive) != 0)
        return missing();
    const QByteArray token = space < 0 ? QByteArray() : value.mid(space + 1).trimmed();
    if (token.isEmpty())
        return invalidToken(QStringLiteral("The Authorization header holds no token"));
    if (!m_tokens)
        return invalidToken(QStringLiteral("The server is not ready to check tokens"));

    const TokenService::Result result = m_tokens->verify(token);
    if (result.token)
        return BearerCheck{result.token, {}};
    if (result.failure == TokenService::Failure::Expired) {
        count(m_bearerRejections, "token_expired");
        return BearerCheck{std::nullopt,
                           bearerError(QByteArrayLiteral("token_expired"),
                                       QStringLiteral("The access token expired; refresh it"))};
    }
    return invalidToken(result.reason);
}

BearerResult AuthService::authenticateBearer(const QHttpServerRequest &request) const
{
    const BearerCheck check = checkBearer(request);
    if (check.token)
        return BearerResult{check.token->claims, {}};
    return BearerResult{std::nullopt, check.error};
}

std::optional<DeviceRecord> AuthService::authenticateDeviceKey(const QByteArray &apiKey) const
{
    return m_accounts.deviceForKey(apiKey);
}

QList<DeviceRecord> AuthService::devices(const QString &accountId) const
{
    return m_accounts.devices(accountId);
}

bool AuthService::isHealthy() const
{
    return m_tokens && m_accounts.isHealthy();
}

QJsonObject AuthService::health() const
{
    QString accounts = QStringLiteral("ok");
    if (!m_tokens)
        accounts = QStringLiteral("not started");
    else if (!m_accounts.isHealthy())
        accounts = QStringLiteral("the accounts database cannot be read");
    return QJsonObject{{QStringLiteral("accounts"), accounts}};
}

QByteArray AuthService::metricsText() const
{
    return counterLines("sightline_auth_logins_total", "Sign-in attempts by result.", "result",
                       m_logins)
        + counterLines("sightline_auth_refreshes_total", "Refresh attempts by result.", "result",
                       m_refreshes)
        + counterLines("sightline_auth_bearer_rejected_total",
                       "Requests refused for a missing, invalid or expired access token.",
                       "reason", m_bearerRejections);
}

} // namespace Sightline
