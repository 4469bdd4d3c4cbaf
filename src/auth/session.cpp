#include "auth/session.h"

#include "auth/jwtclaims.h"
#include "auth/logging.h"
#include "auth/tokenstore.h"

#include <algorithm>
#include <limits>

namespace Sightline {

Session::Session(AuthClient *auth, TokenStore *store, QObject *parent)
    : QObject(parent)
    , m_auth(auth)
    , m_store(store)
{
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &Session::refreshNow);
    connect(m_store, &TokenStore::keychainUnavailable, this, &Session::keychainUnavailable);

    connect(m_auth, &AuthClient::loggedIn, this, [this](const TokenPair &tokens) {
        if (m_state != State::SigningIn)
            return;
        acceptTokens(tokens);
        emit signedIn();
    });
    connect(m_auth, &AuthClient::loginFailed, this,
        [this](AuthClient::Error error, const QString &message) {
            if (m_state != State::SigningIn)
                return;
            setState(State::SignedOut);
            emit signInFailed(error, message);
        });
    connect(m_auth, &AuthClient::refreshed, this, [this](const TokenPair &tokens) {
        if (!m_refreshing)
            return;
        m_refreshing = false;
        m_retryMs = kFirstRetryMs;
        const bool wasResuming = m_resuming;
        m_resuming = false;
        acceptTokens(tokens);
        if (wasResuming)
            emit signedIn();
    });
    connect(m_auth, &AuthClient::refreshFailed, this, &Session::handleRefreshFailed);
}

QString Session::storeKey() const
{
    return TokenStore::keyFor(m_auth->server(), m_username);
}

void Session::signIn(const QString &username, const QString &password)
{
    m_username = username;
    m_refreshTimer.stop();
    m_refreshing = false;
    m_resuming = false;
    setState(State::SigningIn);
    m_auth->login(username, password);
}

void Session::resume(const QString &username)
{
    m_username = username;
    m_refreshTimer.stop();
    setState(State::SigningIn);
    m_store->load(storeKey(), [this, username](const QString &refreshToken) {
        if (m_state != State::SigningIn || m_username != username)
            return;
        if (refreshToken.isEmpty()) {
            setState(State::SignedOut);
            emit signInFailed(AuthClient::Error::InvalidRefreshToken,
                QStringLiteral("no stored sign-in for %1").arg(username));
            return;
        }
        m_refreshToken = refreshToken;
        m_resuming = true;
        m_refreshing = true;
        m_auth->refresh(m_refreshToken);
    });
}

void Session::refreshNow()
{
    if (m_refreshing)
        return; // join the refresh in flight: a refresh token is usable once
    if (m_state != State::SignedIn || m_refreshToken.isEmpty())
        return;
    m_refreshTimer.stop();
    m_nextRefreshAt = QDateTime();
    m_refreshing = true;
    qCDebug(lcAuth) << "refreshing the access token of" << m_username;
    m_auth->refresh(m_refreshToken);
}

void Session::signOut()
{
    const QString access = m_accessToken;
    const QString key = storeKey();
    m_refreshTimer.stop();
    m_refreshing = false;
    m_resuming = false;
    m_accessToken.clear();
    m_refreshToken.clear();
    m_expiresAt = QDateTime();
    m_nextRefreshAt = QDateTime();
    if (!access.isEmpty())
        m_auth->logout(access); // revokes the refresh family on the server
    m_store->remove(key);
    setState(State::SignedOut);
    emit signedOut();
}

void Session::acceptTokens(const TokenPair &tokens)
{
    m_accessToken = tokens.accessToken;
    m_refreshToken = tokens.refreshToken;
    // The lifetime: expires_in from the answer; the token's own exp when it
    // can be read says when exactly it ends.
    qint64 lifetimeMs = qint64(tokens.expiresInSeconds) * 1000;
    m_expiresAt = QDateTime::currentDateTimeUtc().addMSecs(lifetimeMs);
    QString error;
    if (const auto claims = JwtClaims::parse(tokens.accessToken.toUtf8(), &error)) {
        m_expiresAt = std::min(m_expiresAt, claims->expiresAt);
        if (claims->lifetimeSeconds() > 0)
            lifetimeMs = std::min(lifetimeMs, claims->lifetimeSeconds() * 1000);
    } else {
        qCDebug(lcAuth).noquote() << "access token claims unreadable:" << error;
    }
    m_store->store(storeKey(), m_refreshToken);
    scheduleRefresh(qint64(lifetimeMs * m_refreshFraction));
    setState(State::SignedIn);
    emit accessTokenChanged(m_accessToken);
}

void Session::handleRefreshFailed(AuthClient::Error error, const QString &message)
{
    if (!m_refreshing)
        return;
    m_refreshing = false;
    if (AuthClient::isTransient(error) && !m_resuming) {
        // The server is down or busy: the refresh token is still good. Try
        // again, backing off, until the server answers one way or the other.
        qCInfo(lcAuth).noquote() << "refresh failed for now:" << message << "- retrying in"
                                 << m_retryMs << "ms";
        scheduleRefresh(m_retryMs);
        m_retryMs = std::min(m_retryMs * 2, kMaxRetryMs);
        return;
    }
    const bool wasResuming = m_resuming;
    m_resuming = false;
    m_refreshTimer.stop();
    m_nextRefreshAt = QDateTime();
    m_accessToken.clear();
    m_refreshToken.clear();
    if (wasResuming && AuthClient::isTransient(error)) {
        // The stored token may still be good: keep it for the next try.
        setState(State::SignedOut);
        emit signInFailed(error, message);
        return;
    }
    m_store->remove(storeKey());
    if (wasResuming) {
        setState(State::SignedOut);
        emit signInFailed(error, message);
        return;
    }
    qCWarning(lcAuth).noquote() << "signed out:" << message;
    setState(State::Expired);
    emit expired(message);
}

void Session::scheduleRefresh(qint64 inMs)
{
    const int ms = int(std::clamp<qint64>(inMs, 0, std::numeric_limits<int>::max()));
    m_nextRefreshAt = QDateTime::currentDateTimeUtc().addMSecs(ms);
    m_refreshTimer.start(ms);
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace Sightline
