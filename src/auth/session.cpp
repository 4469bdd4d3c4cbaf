#include "auth/session.h"

#include "auth/jwtclaims.h"
#include "auth/logging.h"
#include "auth/tokenstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLockFile>
#include <QPointer>
#include <QStandardPaths>

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
    m_lockPoll.setSingleShot(true);
    m_lockPoll.setInterval(kLockPollMs);
    connect(&m_lockPoll, &QTimer::timeout, this, [this] { whenLocked(std::exchange(m_whenLocked, {})); });
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

Session::~Session() = default; // unlocks a refresh lock still held

QString Session::refreshLockPath(const QString &storeKey)
{
    // The user's private runtime folder (XDG_RUNTIME_DIR, mode 0700): other
    // users can neither read nor hold the lock. The name hides the key.
    QString folder = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (folder.isEmpty())
        folder = QDir::tempPath();
    const QByteArray hash = QCryptographicHash::hash(storeKey.toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
    return QDir(folder).filePath(QStringLiteral("sightline-refresh-%1.lock").arg(QString::fromLatin1(hash)));
}

QString Session::storeKey() const
{
    return TokenStore::keyFor(m_auth->server(), m_username);
}

void Session::signIn(const QString &username, const QString &password)
{
    m_username = username;
    m_refreshTimer.stop();
    releaseRefreshLock();
    m_refreshing = false;
    m_resuming = false;
    setState(State::SigningIn);
    m_auth->login(username, password);
}

void Session::resume(const QString &username)
{
    m_username = username;
    m_refreshTimer.stop();
    releaseRefreshLock();
    m_resuming = true;
    m_refreshing = true;
    setState(State::SigningIn);
    refreshWithNewestToken(QString());
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
    refreshWithNewestToken(m_refreshToken);
}

// Why a lock and the stored token rather than one refresh family per
// instance: a second window signs in with the token the first remembered,
// and API.md offers no way to fork a family from it, so instances that share
// the keychain share the family. Each refresh token is usable once, so the
// family is one chain; the keychain entry is its newest link. Refreshing
// under a per-identity lock and always from that entry means no instance
// ever presents a used token, while a stolen old token is still detected
// as a reuse by the server (the protection rotation exists for).
void Session::refreshWithNewestToken(const QString &fallback)
{
    const int run = ++m_refreshRun;
    const QString key = storeKey();
    const QString username = m_username;
    whenLocked([this, run, key, username, fallback] {
        QPointer<Session> self(this);
        m_store->load(key, [self, run, username, fallback](const QString &stored) {
            if (!self || self->m_refreshRun != run || !self->m_refreshing)
                return; // signed in, out or again meanwhile; that released the lock
            Session *s = self.data();
            if (stored.isEmpty() && fallback.isEmpty()) {
                s->releaseRefreshLock();
                s->m_refreshing = false;
                s->m_resuming = false;
                s->setState(State::SignedOut);
                emit s->signInFailed(AuthClient::Error::InvalidRefreshToken,
                                     QStringLiteral("no stored sign-in for %1").arg(username));
                return;
            }
            // Another instance of this user may have rotated the token since
            // this one last did: the stored one is the family's newest.
            s->m_refreshToken = stored.isEmpty() ? fallback : stored;
            s->m_auth->refresh(s->m_refreshToken);
        });
    });
}

void Session::whenLocked(std::function<void()> locked)
{
    if (!locked)
        return;
    const QString path = refreshLockPath(storeKey());
    if (m_refreshLock && m_refreshLock->fileName() != path)
        releaseRefreshLock(); // another identity than the last refresh's
    if (!m_refreshLock) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        m_refreshLock = std::make_unique<QLockFile>(path);
        m_refreshLock->setStaleLockTime(kStaleLockMs);
    }
    // Held here: this instance's last refresh is still storing its token.
    // Held elsewhere: another instance refreshes. Either way, wait; a
    // holder that died or hangs leaves a stale lock that tryLock() takes.
    if (m_refreshLock->isLocked()
        || (!m_refreshLock->tryLock(0) && m_refreshLock->error() == QLockFile::LockFailedError)) {
        m_whenLocked = std::move(locked);
        m_lockPoll.start();
        return;
    }
    if (m_refreshLock->isLocked())
        m_lockRun = m_refreshRun;
    else
        qCWarning(lcAuth).noquote() << "cannot create the refresh lock" << path << "- refreshing without it";
    locked();
}

void Session::unlockRefresh(int run)
{
    if (m_refreshLock && m_refreshLock->isLocked() && m_lockRun == run)
        m_refreshLock->unlock();
}

void Session::releaseRefreshLock()
{
    m_lockPoll.stop();
    m_whenLocked = {};
    if (m_refreshLock && m_refreshLock->isLocked())
        m_refreshLock->unlock();
}

void Session::signOut()
{
    const QString access = m_accessToken;
    const QString key = storeKey();
    m_refreshTimer.stop();
    releaseRefreshLock();
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
    // The next refresh (here or in another instance) may start once the
    // rotated token is stored: it reads the token from the store.
    QPointer<Session> self(this);
    const int run = m_refreshRun;
    m_store->store(storeKey(), m_refreshToken, [self, run] {
        if (self)
            self->unlockRefresh(run);
    });
    scheduleRefresh(qint64(lifetimeMs * m_refreshFraction));
    setState(State::SignedIn);
    emit accessTokenChanged(m_accessToken);
}

void Session::handleRefreshFailed(AuthClient::Error error, const QString &message)
{
    if (!m_refreshing)
        return;
    m_refreshing = false;
    releaseRefreshLock();
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
