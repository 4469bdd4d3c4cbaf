#include "apirequest.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace Sightline {

namespace {

constexpr qint64 kMaxBodyBytes = 256 * 1024 * 1024;

} // namespace

QUrl ApiRequest::endpoint(const QUrl &server, const QString &path, const QUrlQuery &query)
{
    QUrl url = server;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path);
    url.setQuery(query);
    return url;
}

QNetworkReply *ApiRequest::get(QNetworkAccessManager *network, const QUrl &url, const QString &token)
{
    QNetworkRequest request(url);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(kTimeoutMs);
    // The bearer token goes to the server we were given and nowhere else.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    return network->get(request);
}

ApiRequest::Answer ApiRequest::read(QNetworkReply *reply)
{
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (answer.status == 0) {
        answer.errorString = QStringLiteral("cannot reach the server: %1").arg(reply->errorString());
        return answer;
    }
    const QByteArray bytes = reply->read(kMaxBodyBytes);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    const QJsonObject object = document.object();
    if (answer.status < 200 || answer.status >= 300) {
        answer.errorCode = object.value(QLatin1String("error")).toString();
        const QString message = object.value(QLatin1String("message")).toString();
        answer.errorString = QStringLiteral("the server answered HTTP %1").arg(answer.status);
        if (!answer.errorCode.isEmpty())
            answer.errorString += QStringLiteral(" %1").arg(answer.errorCode);
        if (!message.isEmpty())
            answer.errorString += QStringLiteral(": ") + message;
        return answer;
    }
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        answer.errorString = QStringLiteral("the server's answer is not a JSON object (%1)")
                                 .arg(parseError.errorString());
        return answer;
    }
    answer.body = object;
    return answer;
}

void ApiRequest::abandon(QNetworkReply *reply, const QObject *receiver)
{
    if (!reply)
        return;
    QObject::disconnect(reply, nullptr, receiver, nullptr);
    reply->abort();
    reply->deleteLater();
}

} // namespace Sightline
