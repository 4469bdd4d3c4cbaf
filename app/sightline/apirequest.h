#pragma once

#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

class QNetworkAccessManager;
class QNetworkReply;

namespace Sightline {

// One GET of a dashboard endpoint (API.md "History and state": Bearer auth,
// JSON answers) and how its answer reads. Used by HistoryLoader,
// DeviceDirectory and AlertsLoader so they speak to the server the same way.
class ApiRequest
{
public:
    // What one finished reply said.
    struct Answer
    {
        int status = 0;       // 0: no HTTP answer (refused, timeout, ...)
        QJsonObject body;     // the JSON object of a 2xx answer
        QString errorCode;    // the contract's "error" of a 4xx/5xx, if any
        QString errorString;  // in words, empty on success
        bool isOk() const { return status >= 200 && status < 300 && errorString.isEmpty(); }
        bool isAuthError() const { return status == 401; }
    };

    static constexpr int kTimeoutMs = 30000;

    // The URL of path on server (keeps a base path, drops trailing slashes).
    static QUrl endpoint(const QUrl &server, const QString &path, const QUrlQuery &query = {});
    // Sends GET with Authorization: Bearer token; the reply is the caller's
    // (release it with deleteLater()).
    static QNetworkReply *get(QNetworkAccessManager *network, const QUrl &url, const QString &token);
    // Reads a finished reply.
    static Answer read(QNetworkReply *reply);
    // Gives up on a reply in flight: receiver hears nothing more from it,
    // it is aborted and released. Null-safe.
    static void abandon(QNetworkReply *reply, const QObject *receiver);
};

} // namespace Sightline
