#include "auth/authclient.h"

#include "auth/logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

#include <algorithm>
#include <limits>

namespace Sightline {

namespace {

struct Outcome
{
    AuthClient::Error error = AuthClient::Error::None;
    QString message;
    QJsonObject body;
    int retryAfterSeconds = 0;
};

// RFC 9110 10.2.3: Retry-After is delay-seconds or an HTTP-date.
int parseRetryAfter(const QByteArray &value)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return 0;
    bool ok = false;
    const qint64 seconds = trimmed.toLongLong(&ok);
    if (ok)
        return int(std::clamp<qint64>(seconds, 0, std::numeric_limits<int>::max()));
    // The IMF-fixdate form, "Sun, 06 Nov 1994 08:49:37 GMT" (always GMT).
    QDateTime when = QLocale::c().toDateTime(QString::fromLatin1(trimmed),
                                             QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    if (!when.isValid())
        return 0;
    when.setTimeSpec(Qt::UTC);
    return int(std::clamp<qint64>(QDateTime::currentDateTimeUtc().secsTo(when), 0,
                                  std::numeric_limits<int>::max()));
}

// Maps one finished reply to an Error and a sentence a person can act on.
Outcome readOutcome(QNetworkReply *reply)
{
    Outcome outcome;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray bytes = reply->readAll();
    outcome.body = QJsonDocument::fromJson(bytes).object();
    if (status == 0) {
        outcome.error = AuthClient::Error::NetworkError;
        outcome.message = QStringLiteral("cannot reach the server: %1").arg(reply->errorString());
        return outcome;
    }
    if (status >= 200 && status < 300)
        return outcome;

    const QString code = outcome.body.value(QLatin1String("error")).toString();
    const QString serverMessage = outcome.body.value(QLatin1String("message")).toString();
    outcome.message = serverMessage.isEmpty()
        ? QStringLiteral("the server answered HTTP %1").arg(status)
        : serverMessage;
    if (status == 401 && code == QLatin1String("invalid_credentials"))
        outcome.error = AuthClient::Error::InvalidCredentials;
    else if (status == 401 && code == QLatin1String("refresh_reused"))
        outcome.error = AuthClient::Error::RefreshReused;
    else if (status == 401 && code == QLatin1String("invalid_refresh_token"))
        outcome.error = AuthClient::Error::InvalidRefreshToken;
    else if (status == 429) {
        outcome.error = AuthClient::Error::TooManyAttempts;
        outcome.retryAfterSeconds = parseRetryAfter(reply->rawHeader("Retry-After"));
        if (serverMessage.isEmpty() && outcome.retryAfterSeconds > 0)
            outcome.message = QStringLiteral("too many attempts; try again in %1 s")
                                  .arg(outcome.retryAfterSeconds);
    } else if (status >= 500)
        outcome.error = AuthClient::Error::ServerError;
    else
        outcome.error = AuthClient::Error::Rejected;
    if (!code.isEmpty())
        outcome.message = code + QStringLiteral(": ") + outcome.message;
    return outcome;
}

} // namespace

AuthClient::AuthClient(QNetworkAccessManager *network, const QUrl &server, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_server(server)
{
}

QNetworkReply *AuthClient::post(const QString &path, const QByteArray &body, const QString &bearer)
{
    QUrl url = m_server;
    url.setPath(url.path().remove(QRegularExpression(QStringLiteral("/+$"))) + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer.toUtf8());
    request.setTransferTimeout(kTimeoutMs);
    // Credentials go to the server we were given and nowhere else.
    request.setAttribute(
        QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    return reply;
}

void AuthClient::login(const QString &username, const QString &password)
{
    const QByteArray body = QJsonDocument(
        QJsonObject { { QStringLiteral("username"), username },
            { QStringLiteral("password"),
                password } }).toJson(QJsonDocument::Compact);
    QNetworkReply *reply = post(QStringLiteral("/api/v1/auth/login"), body);
    connect(
        reply, &QNetworkReply::finished, this, [this, reply] { handleTokenReply(reply, true); });
}

void AuthClient::refresh(const QString &refreshToken)
{
    const QByteArray body = QJsonDocument(
        QJsonObject { { QStringLiteral("refresh_token"),
            refreshToken } }).toJson(QJsonDocument::Compact);
    QNetworkReply *reply = post(QStringLiteral("/api/v1/auth/refresh"), body);
    connect(
        reply, &QNetworkReply::finished, this, [this, reply] { handleTokenReply(reply, false); });
}

void AuthClient::logout(const QString &accessToken)
{
    QNetworkReply *reply = post(QStringLiteral("/api/v1/auth/logout"), QByteArray(), accessToken);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        const Outcome outcome = readOutcome(reply);
        m_retryAfterSeconds = outcome.retryAfterSeconds;
        if (outcome.error == Error::None) {
            emit loggedOut();
        } else {
            qCWarning(lcAuth).noquote() << "logout failed:" << outcome.message;
            emit logoutFailed(outcome.error, outcome.message);
        }
    });
}

void AuthClient::handleTokenReply(QNetworkReply *reply, bool isLogin)
{
    Outcome outcome = readOutcome(reply);
    m_retryAfterSeconds = outcome.retryAfterSeconds;
    TokenPair tokens;
    if (outcome.error == Error::None) {
        tokens.accessToken = outcome.body.value(QLatin1String("access_token")).toString();
        tokens.refreshToken = outcome.body.value(QLatin1String("refresh_token")).toString();
        tokens.expiresInSeconds = outcome.body.value(QLatin1String("expires_in")).toInt();
        if (tokens.accessToken.isEmpty() || tokens.refreshToken.isEmpty()
            || tokens.expiresInSeconds <= 0) {
            outcome.error = Error::ProtocolError;
            outcome.message = QStringLiteral(
                "the server's answer has no access_token, refresh_token and expires_in");
        }
    }
    if (outcome.error != Error::None) {
        // The message comes from the server's error body: never a token.
        qCInfo(lcAuth).noquote() << (isLogin ? "sign-in failed:" : "refresh failed:")
                                 << outcome.message;
        if (isLogin)
            emit loginFailed(outcome.error, outcome.message);
        else
            emit refreshFailed(outcome.error, outcome.message);
        return;
    }
    if (isLogin)
        emit loggedIn(tokens);
    else
        emit refreshed(tokens);
}

} // namespace Sightline
