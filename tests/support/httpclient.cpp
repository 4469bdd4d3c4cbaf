#include "httpclient.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace Sightline::Test {

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject HttpResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

HttpResponse HttpClient::send(const QByteArray &method, const QUrl &url, const QByteArray &body,
                              const Headers &headers, int timeoutMs)
{
    QNetworkRequest request(url);
    bool hasContentType = false;
    for (const auto &[name, value] : headers) {
        request.setRawHeader(name, value);
        hasContentType |= name.compare("content-type", Qt::CaseInsensitive) == 0;
    }
    if (!body.isEmpty() && !hasContentType)
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);

    QNetworkReply *reply = (body.isEmpty() && method == "GET")
        ? m_manager.get(request)
        : m_manager.sendCustomRequest(request, method, body);

    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    if (!reply->isFinished())
        loop.exec();

    HttpResponse response;
    if (!reply->isFinished()) {
        reply->abort();
        response.errorString = QStringLiteral("timed out after %1 ms").arg(timeoutMs);
    } else {
        response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError && response.status == 0)
            response.errorString = reply->errorString();
        response.headers = reply->rawHeaderPairs();
        response.body = reply->readAll();
    }
    reply->deleteLater();
    return response;
}

} // namespace Sightline::Test
