#pragma once

#include "auth/authclient.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

class QLockFile;

namespace Sightline {

class TokenStore;

// One signed-in user of one server (issue 5): signs in, keeps a valid
// access token, signs out. Owns the refresh timing: it refreshes at about
// 80% of the access token's lifetime and, once, when asked (the stream was
// refused with 401 or told `token_expired`). The refresh token lives in the
// TokenStore under TokenStore::keyFor(server, username) and is rotated at
// every refresh (API.md: each refresh token is usable once).
//
// Several sessions of one user on one computer (two dashboard windows, the
// second started with the sign-in the first remembered) share that keychain
// entry and so one refresh family. Their refreshes are serialised across
// processes by a lock file per identity, and each refresh presents the
// newest stored token, never a copy kept in memory that another instance
// has since used (that would be a reuse: the server revokes the family and
// signs every instance out, issue 14).
//
// Uses an AuthClient and a TokenStore (neither owned). Never logs a token.
class Session : public QObject
{
    Q_OBJECT

public:
    enum class State {
        SignedOut,
        SigningIn,
        SignedIn, // accessToken() is valid (until its expiry)
        Expired, // the refresh token was refused: sign in again
    };
    Q_ENUM(State)

    static constexpr double kDefaultRefreshFraction = 0.8;
    static constexpr int kFirstRetryMs = 1000;
    static constexpr int kMaxRetryMs = 30000;
    // How often a refresh waiting for another instance's tries the lock.
    static constexpr int kLockPollMs = 50;
    // A lock older than this is another instance's that died or hangs: a
    // refresh under it ends within the AuthClient's timeout.
    static constexpr int kStaleLockMs = 2 * AuthClient::kTimeoutMs;

    // auth, store: not owned, must outlive the session.
    Session(AuthClient *auth, TokenStore *store, QObject *parent = nullptr);
    ~Session() override;

    // The lock file that serialises the refreshes of one identity (a
    // TokenStore::keyFor key) across processes: in the user's private
    // runtime folder, named by a hash of the key.
    static QString refreshLockPath(const QString &storeKey);

    State state() const { return m_state; }
    QString username() const { return m_username; }
    QString accessToken() const { return m_accessToken; }
    QDateTime accessTokenExpiresAt() const { return m_expiresAt; }
    bool isRefreshing() const { return m_refreshing; }
    // When the next timed refresh happens (invalid when none is planned).
    QDateTime nextRefreshAt() const { return m_nextRefreshAt; }

    // The share of the token's lifetime after which it is refreshed.
    void setRefreshFraction(double fraction) { m_refreshFraction = fraction; }

public slots:
    // POST /login with the password; the password is not kept.
    void signIn(const QString &username, const QString &password);
    // Signs in with the refresh token stored for this user, if any; emits
    // signInFailed when there is none or it is refused.
    void resume(const QString &username);
    // Refreshes now, once: a call while a refresh is running joins it.
    void refreshNow();
    // POST /logout, forget the tokens and remove the keychain entry.
    void signOut();

signals:
    void stateChanged(Sightline::Session::State state);
    void signedIn();
    void signInFailed(Sightline::AuthClient::Error error, const QString &message);
    // A new access token is available (sign-in or refresh).
    void accessTokenChanged(const QString &accessToken);
    // The refresh token was refused: the user must sign in again.
    void expired(const QString &reason);
    // The token store has no keychain: the refresh token is kept in memory.
    void keychainUnavailable(const QString &reason);
    void signedOut();

private:
    void acceptTokens(const TokenPair &tokens);
    // Takes the identity's refresh lock (waiting for another instance's
    // refresh to end), then refreshes with the newest stored token, or
    // fallback when none is stored. The lock is held until the rotated
    // token is stored or the refresh failed.
    void refreshWithNewestToken(const QString &fallback);
    void whenLocked(std::function<void()> locked);
    // Unlocks when the lock is still the one refresh `run` took.
    void unlockRefresh(int run);
    // Unlocks and forgets a refresh waiting for the lock.
    void releaseRefreshLock();
    void handleRefreshFailed(AuthClient::Error error, const QString &message);
    void scheduleRefresh(qint64 inMs);
    void setState(State state);
    QString storeKey() const;

    AuthClient *m_auth; // not owned
    TokenStore *m_store; // not owned
    State m_state = State::SignedOut;
    QString m_username;
    QString m_accessToken;
    QString m_refreshToken;
    QDateTime m_expiresAt;
    QDateTime m_nextRefreshAt;
    QTimer m_refreshTimer;
    double m_refreshFraction = kDefaultRefreshFraction;
    bool m_refreshing = false;
    int m_retryMs = kFirstRetryMs;
    bool m_resuming = false;
    std::unique_ptr<QLockFile> m_refreshLock; // held while one refresh runs
    QTimer m_lockPoll;
    std::function<void()> m_whenLocked;
    int m_refreshRun = 0; // counts refreshes started; a late answer of an older one is ignored
    int m_lockRun = 0; // the refresh that took the lock
};

} // namespace Sightline
