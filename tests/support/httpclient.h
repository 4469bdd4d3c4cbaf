#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QUrl>

namespace Sightline::Test {

// One finished HTTP exchange as a test sees it.
struct HttpResponse
{
    int status = 0;   // 0 when no response arrived (connection refused, timeout)
    QString errorString; // transport error, if any
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    // The first header of that name (case-insensitive), or a null QByteArray.
    QByteArray header(QByteArrayView name) const;
    QJsonObject json() const; // the body as a JSON object (empty if it is not one)
    QString errorCode() const { return json().value(QStringLiteral("error")).toString(); }
};

// A blocking HTTP client for tests on QNetworkAccessManager: each call runs
// a nested event loop until the reply finishes or timeoutMs passes (so an
// in-process server keeps working meanwhile). Headers are sent as given.
//
//   HttpClient http;
//   auto r = http.post(server.url("/api/v1/auth/login"), R"({"username":"a","password":"b"})");
//   QCOMPARE(r.status, 200);
//   auto me = http.get(server.url("/api/v1/devices"), {{"Authorization", "Bearer " + token}});
class HttpClient
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    static constexpr int kDefaultTimeoutMs = 30000;

    HttpResponse send(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
                      const Headers &headers = {}, int timeoutMs = kDefaultTimeoutMs);
    HttpResponse get(const QUrl &url, const Headers &headers = {})
    {
        return send("GET", url, {}, headers);
    }
    // Content-Type defaults to application/json unless headers name one.
    HttpResponse post(const QUrl &url, const QByteArray &body, const Headers &headers = {})
    {
        return send("POST", url, body, headers);
    }

    QNetworkAccessManager &manager() { return m_manager; }

private:
    QNetworkAccessManager m_manager;
};

} // namespace Sightline::Test
