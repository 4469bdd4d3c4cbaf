// Tests for Server, the composition of both halves of issue 3, in-process on
// 127.0.0.1: /health, /metrics, 404/405 JSON errors, a restart keeping the
// signing key, account isolation through the telemetry routes, listening
// errors and shutdown.
#include "server/server.h"

#include "server/authservice.h"
#include "server/sqlitestorage.h"
#include "server/telemetryapi.h"

#include "support/httpclient.h"
#include "support/testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Sightline;
using Sightline::Test::HttpClient;
using Sightline::Test::HttpResponse;
using Sightline::Test::TestServer;

namespace {

HttpClient::Headers bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

QByteArray point(const QString &deviceId)
{
    return QJsonDocument(QJsonObject{
                             {QStringLiteral("deviceId"), deviceId},
                             {QStringLiteral("ts"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                             {QStringLiteral("fields"), QJsonObject{{QStringLiteral("cpu_temp_c"), 41.5}}},
                         })
        .toJson(QJsonDocument::Compact);
}

} // namespace

class tst_Server : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void healthIsOk();
    void metricsConcatenatesParts();
    void unknownPathIs404Json_data();
    void unknownPathIs404Json();
    void wrongMethodIs405Json_data();
    void wrongMethodIs405Json();
    void anotherAccountIsNeverVisible();
    void signingKeyKeptAcrossRestart();
    void busyPortIsAClearError();
    void shutdownStopsAccepting();
    void healthNamesWhatIsDown();

private:
    std::unique_ptr<TestServer> m_server;
    QString m_aliceToken;
    QByteArray m_acmeKey;
    QByteArray m_globexKey;
    HttpClient m_http;
};

void tst_Server::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY(m_server->addUser(QStringLiteral("acme"), QStringLiteral("alice"), "pw-alice"));
    QVERIFY(m_server->addUser(QStringLiteral("acme"), QStringLiteral("north-only"), "pw-north",
                              {QStringLiteral("north")}));
    QVERIFY(m_server->addUser(QStringLiteral("globex"), QStringLiteral("gus"), "pw-gus"));
    m_acmeKey = m_server->addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                    QStringLiteral("a-north"));
    QVERIFY(!m_server->addDevice(QStringLiteral("acme"), QStringLiteral("south"),
                                 QStringLiteral("a-south"))
                 .isEmpty());
    m_globexKey = m_server->addDevice(QStringLiteral("globex"), QStringLiteral("north"),
                                      QStringLiteral("g-1"));
    QVERIFY(!m_acmeKey.isEmpty() && !m_globexKey.isEmpty());
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_aliceToken = m_server->signIn(QStringLiteral("alice"), "pw-alice");
    QVERIFY2(!m_aliceToken.isEmpty(), qPrintable(m_server->errorString()));
}

void tst_Server::cleanupTestCase()
{
    m_server.reset();
}

void tst_Server::healthIsOk()
{
    const HttpResponse r = m_http.get(m_server->url(QStringLiteral("/health")));
    QCOMPARE(r.status, 200);
    const QJsonObject body = r.json();
    QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(body.value(QStringLiteral("accounts")).toString(), QStringLiteral("ok"));
    QVERIFY(m_server->server()->isHealthy());
}

void tst_Server::metricsConcatenatesParts()
{
    // One failed login so the auth counters have moved.
    QCOMPARE(m_http.post(m_server->url(QStringLiteral("/api/v1/auth/login")),
                         R"({"username":"alice","password":"wrong"})")
                 .status,
             401);
    const HttpResponse r = m_http.get(m_server->url(QStringLiteral("/metrics")));
    QCOMPARE(r.status, 200);
    QVERIFY2(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type").constData());
    QVERIFY(r.body.contains("sightline_auth_logins_total{result=\"failure\"} "));
    QVERIFY(!r.body.contains("sightline_auth_logins_total{result=\"failure\"} 0\n"));
    // The telemetry side's part is there too (API.md "Operations").
    QVERIFY(r.body.contains("sightline_ingest_points_total"));
    QVERIFY(r.body.contains("sightline_events_published_total"));
    QVERIFY(r.body.contains("sightline_storage_write_seconds"));
    // Every line is a comment or "name{labels} value".
    for (const QByteArray &line : r.body.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        QVERIFY2(line.startsWith("sightline_") && line.lastIndexOf(' ') > 0, line.constData());
    }
}

void tst_Server::unknownPathIs404Json_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::newRow("root") << QByteArray("GET") << "/";
    QTest::newRow("typo") << QByteArray("GET") << "/api/v1/device";
    QTest::newRow("trailing slash") << QByteArray("GET") << "/health/";
    QTest::newRow("deeper path") << QByteArray("POST") << "/api/v1/auth/login/extra";
    QTest::newRow("old version") << QByteArray("POST") << "/api/v0/telemetry";
}

void tst_Server::unknownPathIs404Json()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const HttpResponse r = m_http.send(method, m_server->url(path), method == "POST" ? "{}" : "");
    QCOMPARE(r.status, 404);
    QVERIFY(r.header("Content-Type").startsWith("application/json"));
    QCOMPARE(r.errorCode(), QStringLiteral("not_found"));
    QVERIFY(r.json().value(QStringLiteral("message")).toString().contains(path));
}

void tst_Server::wrongMethodIs405Json_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("allow");
    QTest::newRow("GET login") << QByteArray("GET") << "/api/v1/auth/login" << QByteArray("POST");
    QTest::newRow("PUT refresh") << QByteArray("PUT") << "/api/v1/auth/refresh" << QByteArray("POST");
    QTest::newRow("DELETE logout") << QByteArray("DELETE") << "/api/v1/auth/logout" << QByteArray("POST");
    QTest::newRow("GET telemetry") << QByteArray("GET") << "/api/v1/telemetry" << QByteArray("POST");
    QTest::newRow("POST devices") << QByteArray("POST") << "/api/v1/devices" << QByteArray("GET");
    QTest::newRow("POST health") << QByteArray("POST") << "/health" << QByteArray("GET");
    QTest::newRow("DELETE metrics") << QByteArray("DELETE") << "/metrics" << QByteArray("GET");
}

void tst_Server::wrongMethodIs405Json()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, allow);
    const HttpResponse r = m_http.send(method, m_server->url(path), method == "GET" ? "" : "{}");
    QCOMPARE(r.status, 405);
    QCOMPARE(r.errorCode(), QStringLiteral("method_not_allowed"));
    QCOMPARE(r.header("Allow"), allow);
}

void tst_Server::anotherAccountIsNeverVisible()
{
    // Both accounts' devices have data.
    for (const auto &[key, device] : {std::pair{m_acmeKey, QStringLiteral("a-north")},
                                      std::pair{m_globexKey, QStringLiteral("g-1")}}) {
        const HttpResponse posted = m_http.post(m_server->url(QStringLiteral("/api/v1/telemetry")),
                                                point(device), {{"x-api-key", key}});
        QCOMPARE(posted.status, 202);
    }
    // A key only posts for its own device (another account's id is refused).
    QCOMPARE(m_http.post(m_server->url(QStringLiteral("/api/v1/telemetry")),
                         point(QStringLiteral("g-1")), {{"x-api-key", m_acmeKey}})
                 .status,
             403);

    const HttpResponse devices = m_http.get(m_server->url(QStringLiteral("/api/v1/devices")),
                                            bearer(m_aliceToken));
    QCOMPARE(devices.status, 200);
    QStringList ids;
    for (const QJsonValue &d : devices.json().value(QStringLiteral("devices")).toArray())
        ids.append(d.toObject().value(QStringLiteral("deviceId")).toString());
    ids.sort();
    QCOMPARE(ids, QStringList({QStringLiteral("a-north"), QStringLiteral("a-south")}));

    // Naming the other account's device is 403, never its data.
    const HttpResponse history = m_http.get(
        m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=g-1")), bearer(m_aliceToken));
    QCOMPARE(history.status, 403);
    QCOMPARE(history.errorCode(), QStringLiteral("forbidden"));
    QVERIFY(!history.body.contains("41.5"));

    // A user limited to one site sees only that site's devices.
    const QString north = m_server->signIn(QStringLiteral("north-only"), "pw-north");
    QVERIFY(!north.isEmpty());
    const HttpResponse limited = m_http.get(m_server->url(QStringLiteral("/api/v1/devices")),
                                            bearer(north));
    QCOMPARE(limited.status, 200);
    const QJsonArray visible = limited.json().value(QStringLiteral("devices")).toArray();
    QCOMPARE(visible.size(), 1);
    QCOMPARE(visible.first().toObject().value(QStringLiteral("deviceId")).toString(),
             QStringLiteral("a-north"));
    QCOMPARE(m_http.get(m_server->url(QStringLiteral("/api/v1/telemetry/history?deviceId=a-south")),
                        bearer(north))
                 .status,
             403);
}

void tst_Server::signingKeyKeptAcrossRestart()
{
    const HttpResponse login = m_http.post(m_server->url(QStringLiteral("/api/v1/auth/login")),
                                           R"({"username":"gus","password":"pw-gus"})");
    QCOMPARE(login.status, 200);
    const QString access = login.json().value(QStringLiteral("access_token")).toString();
    const QString refresh = login.json().value(QStringLiteral("refresh_token")).toString();

    QVERIFY2(m_server->restart(), qPrintable(m_server->errorString()));
    // The token signed before the restart still opens bearer routes...
    QCOMPARE(m_http.get(m_server->url(QStringLiteral("/api/v1/devices")), bearer(access)).status, 200);
    // ...and the refresh family survived too.
    const HttpResponse refreshed = m_http.post(
        m_server->url(QStringLiteral("/api/v1/auth/refresh")),
        QJsonDocument(QJsonObject{{QStringLiteral("refresh_token"), refresh}}).toJson());
    QCOMPARE(refreshed.status, 200);
}

void tst_Server::busyPortIsAClearError()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    ServerConfig config = m_server->config();
    config.listenPort = blocker.serverPort();
    Server second(config);
    QString error;
    QVERIFY(!second.start(&error));
    QVERIFY2(error.contains(QStringLiteral("cannot listen on 127.0.0.1:%1").arg(blocker.serverPort())),
             qPrintable(error));
}

void tst_Server::shutdownStopsAccepting()
{
    TestServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const quint16 port = server.port();
    QCOMPARE(m_http.get(server.url(QStringLiteral("/health"))).status, 200);
    server.server()->shutdown();
    QVERIFY(!server.server()->isListening());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    // Refused (nothing listens on the port any more).
    QVERIFY(!socket.waitForConnected(10000));
    QCOMPARE(socket.error(), QAbstractSocket::ConnectionRefusedError);
    server.stop();
}

void tst_Server::healthNamesWhatIsDown()
{
    TestServer server;
    const QByteArray key = server.addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                            QStringLiteral("d1"));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    auto *storage = qobject_cast<SqliteStorage *>(server.server()->telemetry()->storage());
    QVERIFY(storage);
    storage->dropConnectionForTest();
    // The storage notices it is down on its next write.
    QCOMPARE(m_http.post(server.url(QStringLiteral("/api/v1/telemetry")), point(QStringLiteral("d1")),
                         {{"x-api-key", key}})
                 .status,
             503);
    const HttpResponse r = m_http.get(server.url(QStringLiteral("/health")));
    QCOMPARE(r.status, 503);
    const QJsonObject body = r.json();
    QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("unavailable"));
    QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("unavailable"));
    QCOMPARE(body.value(QStringLiteral("accounts")).toString(), QStringLiteral("ok"));
    QVERIFY(body.value(QStringLiteral("storage")).toString() != QLatin1String("ok"));
    const QString message = body.value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("storage")) && !message.contains(QStringLiteral("accounts")),
             qPrintable(message));
}

QTEST_GUILESS_MAIN(tst_Server)
#include "tst_server.moc"
