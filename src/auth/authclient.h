#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace Sightline {

// What login and refresh return (API.md "Auth"). Never log its fields.
struct TokenPair
{
    QString accessToken;
    QString refreshToken;
    int expiresInSeconds = 0; // "expires_in"
};

// The HTTP calls of API.md "Auth": POST /api/v1/auth/login, /refresh and
// /logout. Stateless: it keeps no token (Session does); each call answers
// with exactly one of its two signals. Uses the given
// QNetworkAccessManager (not owned).
class AuthClient : public QObject
{
    Q_OBJECT

public:
    enum class Error {
        None,
        InvalidCredentials, // 401 invalid_credentials
        TooManyAttempts, // 429 too_many_attempts: wait retryAfterSeconds()
        InvalidRefreshToken, // 401 invalid_refresh_token
        RefreshReused, // 401 refresh_reused: the whole family is revoked
        Rejected, // any other 4xx
        ServerError, // 5xx
        NetworkError, // no HTTP answer at all
        ProtocolError, // an answer that does not follow the contract
    };
    Q_ENUM(Error)

    static constexpr int kTimeoutMs = 30000;

    // network: not owned. server: the base URL, e.g. http://127.0.0.1:8080
    AuthClient(QNetworkAccessManager *network, const QUrl &server, QObject *parent = nullptr);

    QUrl server() const { return m_server; }

    void login(const QString &username, const QString &password);
    void refresh(const QString &refreshToken);
    void logout(const QString &accessToken);

    // Errors that may go away by themselves (try again later) as opposed to
    // answers that will not change.
    // The Retry-After of the latest finished call (a 429 too_many_attempts),
    // in seconds; 0 when that answer had none.
    // Read it in a slot of the *Failed signal (Session relays them
    // synchronously) rather than parsing the message text.
    int retryAfterSeconds() const { return m_retryAfterSeconds; }

    static bool isTransient(Error error)
    {
        return error == Error::ServerError || error == Error::NetworkError
            || error == Error::TooManyAttempts;
    }

signals:
    void loggedIn(const Sightline::TokenPair &tokens);
    void loginFailed(Sightline::AuthClient::Error error, const QString &message);
    void refreshed(const Sightline::TokenPair &tokens);
    void refreshFailed(Sightline::AuthClient::Error error, const QString &message);
    void loggedOut();
    void logoutFailed(Sightline::AuthClient::Error error, const QString &message);

private:
    QNetworkReply *post(const QString &path, const QByteArray &body, const QString &bearer = {});
    void handleTokenReply(QNetworkReply *reply, bool isLogin);

    QNetworkAccessManager *m_network; // not owned
    QUrl m_server;
    int m_retryAfterSeconds = 0;
};

} // namespace Sightline
