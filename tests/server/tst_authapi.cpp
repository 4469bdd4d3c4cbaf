// Tests for the auth routes (AuthApi over AuthService) against a real
// in-process server on 127.0.0.1: login, refresh rotation and reuse,
// logout, throttling, bearer failures with their exact codes and headers.
#include "server/authservice.h"
#include "server/server.h"
#include "server/tokenservice.h"

#include "support/httpclient.h"
#include "support/testserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

using namespace Sightline;
using Sightline::Test::HttpClient;
using Sightline::Test::HttpResponse;
using Sightline::Test::TestServer;

namespace {

const QString kLogin = QStringLiteral("/api/v1/auth/login");
const QString kRefresh = QStringLiteral("/api/v1/auth/refresh");
const QString kLogout = QStringLiteral("/api/v1/auth/logout");
const QString kDevices = QStringLiteral("/api/v1/devices");

QByteArray credentials(const QString &username, const QString &password)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("username"), username},
                                     {QStringLiteral("password"), password}})
        .toJson(QJsonDocument::Compact);
}

QByteArray credentials(const char *username, const char *password)
{
    return credentials(QString::fromUtf8(username), QString::fromUtf8(password));
}

QByteArray refreshBody(const QString &token)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("refresh_token"), token}})
        .toJson(QJsonDocument::Compact);
}

HttpClient::Headers bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

QJsonObject payloadOf(const QString &jwt)
{
    return QJsonDocument::fromJson(QByteArray::fromBase64(jwt.toLatin1().split('.').value(1),
                                                          QByteArray::Base64UrlEncoding))
        .object();
}

} // namespace

class tst_AuthApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void loginIssuesTokens();
    void wrongPasswordAndUnknownUserLookAlike();
    void malformedLoginBodies_data();
    void malformedLoginBodies();
    void oversizedBodyRefused();
    void refreshRotates();
    void refreshReuseRevokesFamily();
    void refreshErrors_data();
    void refreshErrors();
    void logoutRevokesOnlyCallersFamily();
    void bearerFailures_data();
    void bearerFailures();
    void throttlesPerUserWithRetryAfter();
    void throttlesPerAddressWithRetryAfter();
    void successesDoNotCount();
    void clientGoneBeforeAnswerIsHarmless();

private:
    std::unique_ptr<TestServer> m_server;
    HttpClient m_http;
};

namespace {

// alice (site north) and bob (all sites) in account acme, one device.
void provision(TestServer &server)
{
    QVERIFY2(server.addUser(QStringLiteral("acme"), QStringLiteral("alice"), "wonderland",
                            {QStringLiteral("north")}),
             qPrintable(server.errorString()));
    QVERIFY(server.addUser(QStringLiteral("acme"), QStringLiteral("bob"), "builder"));
    QVERIFY(!server.addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                              QStringLiteral("jetson-01"))
                 .isEmpty());
    QVERIFY2(server.start(), qPrintable(server.errorString()));
}

} // namespace

// One server for every test but the throttling ones (which start their own
// with the default limits, so earlier failures cannot leak into them). Its
// address limit is raised so the failed sign-ins of the other tests, all
// from 127.0.0.1, never add up to a 429.
void tst_AuthApi::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    m_server->config().loginMaxFailuresPerAddress = 1000;
    provision(*m_server);
}

void tst_AuthApi::cleanupTestCase()
{
    m_server.reset();
}

void tst_AuthApi::loginIssuesTokens()
{
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const HttpResponse r = m_http.post(m_server->url(kLogin), credentials("alice", "wonderland"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("Content-Type").startsWith("application/json"));
    QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject body = r.json();
    QCOMPARE(body.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(body.value(QStringLiteral("expires_in")).toInt(), 900);
    const QString access = body.value(QStringLiteral("access_token")).toString();
    const QString refresh = body.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!access.isEmpty());
    QVERIFY(refresh.size() >= 43);

    const QJsonObject claims = payloadOf(access);
    QCOMPARE(claims.value(QStringLiteral("sub")).toString(), QStringLiteral("alice"));
    QCOMPARE(claims.value(QStringLiteral("acc")).toString(), QStringLiteral("acme"));
    QCOMPARE(claims.value(QStringLiteral("sites")).toArray(), QJsonArray{QStringLiteral("north")});
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), QStringLiteral("sightline"));
    const qint64 iat = qint64(claims.value(QStringLiteral("iat")).toDouble());
    QVERIFY(iat >= before && iat <= QDateTime::currentSecsSinceEpoch());
    QCOMPARE(qint64(claims.value(QStringLiteral("exp")).toDouble()) - iat, 900);
    QVERIFY(!claims.value(QStringLiteral("fam")).toString().isEmpty());

    // The token opens a bearer route.
    QCOMPARE(m_http.get(m_server->url(kDevices), bearer(access.toLatin1())).status, 200);
}

void tst_AuthApi::wrongPasswordAndUnknownUserLookAlike()
{
    const HttpResponse wrong = m_http.post(m_server->url(kLogin), credentials("alice", "wrong"));
    const HttpResponse unknown = m_http.post(m_server->url(kLogin), credentials("mallory", "wrong"));
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.errorCode(), QStringLiteral("invalid_credentials"));
    QCOMPARE(unknown.status, wrong.status);
    QCOMPARE(unknown.body, wrong.body);
    QCOMPARE(unknown.header("WWW-Authenticate"), wrong.header("WWW-Authenticate"));
    // Usernames are exact.
    QCOMPARE(m_http.post(m_server->url(kLogin), credentials("Alice", "wonderland")).status, 401);
}

void tst_AuthApi::malformedLoginBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not json") << QByteArray("{username: alice}") << "not valid JSON";
    QTest::newRow("truncated json") << QByteArray(R"({"username": "alice", "pass)") << "not valid JSON";
    QTest::newRow("array") << QByteArray(R"(["alice", "wonderland"])") << "JSON object";
    QTest::newRow("string") << QByteArray(R"("alice")") << "JSON"; // Qt 6.4 calls a bare string invalid JSON
    QTest::newRow("empty body") << QByteArray() << "empty";
    QTest::newRow("no username") << QByteArray(R"({"password": "x"})") << "\"username\"";
    QTest::newRow("no password") << QByteArray(R"({"username": "alice"})") << "\"password\"";
    QTest::newRow("username number") << QByteArray(R"({"username": 7, "password": "x"})")
                                     << "\"username\" must be a string";
    QTest::newRow("password null") << QByteArray(R"({"username": "alice", "password": null})")
                                   << "\"password\" must be a string";
    QTest::newRow("empty username") << QByteArray(R"({"username": "", "password": "x"})")
                                    << "\"username\" must not be empty";
    QTest::newRow("empty password") << QByteArray(R"({"username": "alice", "password": ""})")
                                    << "\"password\" must not be empty";
    QTest::newRow("huge username") << credentials(QString(300, u'u'), QStringLiteral("x"))
                                   << "\"username\" is longer";
    QTest::newRow("huge password") << credentials(QStringLiteral("alice"), QString(5000, u'x'))
                                   << "\"password\" is longer";
}

void tst_AuthApi::malformedLoginBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    const HttpResponse r = m_http.send("POST", m_server->url(kLogin), body,
                                       {{"Content-Type", "application/json"}});
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), QStringLiteral("invalid_request"));
    const QString message = r.json().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(mentions), qPrintable(message));
}

void tst_AuthApi::oversizedBodyRefused()
{
    const QByteArray body = credentials(QStringLiteral("alice"), QString(100 * 1024, u'x'));
    const HttpResponse r = m_http.post(m_server->url(kLogin), body);
    QCOMPARE(r.status, 413);
    QCOMPARE(r.errorCode(), QStringLiteral("payload_too_large"));
}

void tst_AuthApi::refreshRotates()
{
    const HttpResponse login = m_http.post(m_server->url(kLogin), credentials("alice", "wonderland"));
    QCOMPARE(login.status, 200);
    const QString r0 = login.json().value(QStringLiteral("refresh_token")).toString();
    const HttpResponse first = m_http.post(m_server->url(kRefresh), refreshBody(r0));
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject pair = first.json();
    const QString r1 = pair.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!r1.isEmpty() && r1 != r0);
    QCOMPARE(pair.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(pair.value(QStringLiteral("expires_in")).toInt(), 900);
    const QString access = pair.value(QStringLiteral("access_token")).toString();
    QCOMPARE(payloadOf(access).value(QStringLiteral("sub")).toString(), QStringLiteral("alice"));
    QCOMPARE(payloadOf(access).value(QStringLiteral("fam")),
             payloadOf(login.json().value(QStringLiteral("access_token")).toString())
                 .value(QStringLiteral("fam")));
    QCOMPARE(m_http.get(m_server->url(kDevices), bearer(access.toLatin1())).status, 200);
    // And again with the new one.
    QCOMPARE(m_http.post(m_server->url(kRefresh), refreshBody(r1)).status, 200);
}

void tst_AuthApi::refreshReuseRevokesFamily()
{
    const HttpResponse login = m_http.post(m_server->url(kLogin), credentials("alice", "wonderland"));
    const QString r0 = login.json().value(QStringLiteral("refresh_token")).toString();
    const HttpResponse other = m_http.post(m_server->url(kLogin), credentials("alice", "wonderland"));
    const QString otherSession = other.json().value(QStringLiteral("refresh_token")).toString();

    const HttpResponse rotated = m_http.post(m_server->url(kRefresh), refreshBody(r0));
    QCOMPARE(rotated.status, 200);
    const QString r1 = rotated.json().value(QStringLiteral("refresh_token")).toString();

    const HttpResponse reuse = m_http.post(m_server->url(kRefresh), refreshBody(r0));
    QCOMPARE(reuse.status, 401);
    QCOMPARE(reuse.errorCode(), QStringLiteral("refresh_reused"));
    // The whole family is gone: the legitimate newest token no longer works.
    const HttpResponse after = m_http.post(m_server->url(kRefresh), refreshBody(r1));
    QCOMPARE(after.status, 401);
    QCOMPARE(after.errorCode(), QStringLiteral("invalid_refresh_token"));
    // The other sign-in is another family and still works.
    QCOMPARE(m_http.post(m_server->url(kRefresh), refreshBody(otherSession)).status, 200);
}

void tst_AuthApi::refreshErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("unknown token") << refreshBody(QStringLiteral("slr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
                                   << 401 << "invalid_refresh_token";
    QTest::newRow("an access token instead")
        << refreshBody(QStringLiteral("eyJhbGciOiJIUzI1NiJ9.e30.c2ln")) << 401 << "invalid_refresh_token";
    QTest::newRow("not json") << QByteArray("refresh_token=abc") << 400 << "invalid_request";
    QTest::newRow("no token") << QByteArray("{}") << 400 << "invalid_request";
    QTest::newRow("token not a string") << QByteArray(R"({"refresh_token": 5})") << 400
                                        << "invalid_request";
    QTest::newRow("empty token") << QByteArray(R"({"refresh_token": ""})") << 400 << "invalid_request";
}

void tst_AuthApi::refreshErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    const HttpResponse r = m_http.post(m_server->url(kRefresh), body);
    QCOMPARE(r.status, status);
    QCOMPARE(r.errorCode(), code);
    QVERIFY(!r.json().value(QStringLiteral("message")).toString().isEmpty());
}

void tst_AuthApi::logoutRevokesOnlyCallersFamily()
{
    const HttpResponse one = m_http.post(m_server->url(kLogin), credentials("alice", "wonderland"));
    const HttpResponse two = m_http.post(m_server->url(kLogin), credentials("alice", "wonderland"));
    const QByteArray access = one.json().value(QStringLiteral("access_token")).toString().toLatin1();

    const HttpResponse out = m_http.post(m_server->url(kLogout), {}, bearer(access));
    QCOMPARE(out.status, 204);
    QVERIFY(out.body.isEmpty());
    // That family cannot refresh any more...
    const HttpResponse dead = m_http.post(
        m_server->url(kRefresh), refreshBody(one.json().value(QStringLiteral("refresh_token")).toString()));
    QCOMPARE(dead.status, 401);
    QCOMPARE(dead.errorCode(), QStringLiteral("invalid_refresh_token"));
    // ...the other session can...
    QCOMPARE(m_http.post(m_server->url(kRefresh),
                         refreshBody(two.json().value(QStringLiteral("refresh_token")).toString()))
                 .status,
             200);
    // ...and the access token stays valid until exp (stateless, API.md).
    QCOMPARE(m_http.get(m_server->url(kDevices), bearer(access)).status, 200);
    // Logging out twice is harmless.
    QCOMPARE(m_http.post(m_server->url(kLogout), {}, bearer(access)).status, 204);
}

void tst_AuthApi::bearerFailures_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("kind"); // which Authorization header bearerFailures() sends
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("bareChallenge"); // Bearer realm="sightline" and nothing else

    for (const auto &[path, method] : {std::pair{kLogout, QByteArray("POST")},
                                       std::pair{kDevices, QByteArray("GET")}}) {
        const auto row = [&](const char *kind, const char *code, bool bare) {
            QTest::addRow("%s %s: %s", method.constData(), qPrintable(path), kind)
                << path << method << QString::fromLatin1(kind) << QString::fromLatin1(code) << bare;
        };
        row("no header", "missing_token", true);
        row("basic scheme", "missing_token", true);
        row("bearer without token", "invalid_token", false);
        row("garbage token", "invalid_token", false);
        row("expired", "token_expired", false);
        row("issued in the future", "invalid_token", false);
        row("wrong key", "invalid_token", false);
        row("wrong issuer", "invalid_token", false);
        row("alg none", "invalid_token", false);
        row("alg HS512 header", "invalid_token", false);
        row("tampered account", "invalid_token", false);
    }
}

void tst_AuthApi::bearerFailures()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, method);
    QFETCH(QString, kind);
    QFETCH(QString, code);
    QFETCH(bool, bareChallenge);

    // Tokens are forged with this server's own secret (read from its data
    // dir), so each differs from a valid token in one way only.
    QString error;
    const auto secret = TokenService::loadOrCreateSecret(m_server->dataDir(), &error);
    QVERIFY2(secret, qPrintable(error));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto issue = [](const QByteArray &key, const QString &issuer, int ttl, qint64 at) {
        TokenService service(key, issuer, ttl);
        service.setClock([at] { return at; });
        return service.issue(QStringLiteral("alice"), QStringLiteral("acme"), {},
                             QStringLiteral("fam_x"));
    };
    const QString iss = QStringLiteral("sightline");
    const QByteArray valid = issue(*secret, iss, 900, now);
    const QList<QByteArray> parts = valid.split('.');
    const auto b64 = [](const QByteArray &bytes) {
        return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    QJsonObject claims = payloadOf(QString::fromLatin1(valid));
    claims.insert(QStringLiteral("acc"), QStringLiteral("globex"));

    QByteArray authorization;
    if (kind == QLatin1String("basic scheme"))
        authorization = "Basic YWxpY2U6d29uZGVybGFuZA==";
    else if (kind == QLatin1String("bearer without token"))
        authorization = "Bearer";
    else if (kind == QLatin1String("garbage token"))
        authorization = "Bearer not-a-jwt";
    else if (kind == QLatin1String("expired"))
        authorization = "Bearer " + issue(*secret, iss, 60, now - 3600);
    else if (kind == QLatin1String("issued in the future"))
        authorization = "Bearer " + issue(*secret, iss, 900, now + 3600);
    else if (kind == QLatin1String("wrong key"))
        authorization = "Bearer " + issue(QByteArray(64, 'z'), iss, 900, now);
    else if (kind == QLatin1String("wrong issuer"))
        authorization = "Bearer " + issue(*secret, QStringLiteral("evil"), 900, now);
    else if (kind == QLatin1String("alg none"))
        authorization = "Bearer " + b64(R"({"alg":"none","typ":"JWT"})") + '.' + parts.at(1) + '.';
    else if (kind == QLatin1String("alg HS512 header"))
        authorization = "Bearer " + b64(R"({"alg":"HS512","typ":"JWT"})") + '.' + parts.at(1) + '.'
            + parts.at(2);
    else if (kind == QLatin1String("tampered account"))
        authorization = "Bearer " + parts.at(0) + '.'
            + b64(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.' + parts.at(2);
    else
        QCOMPARE(kind, QStringLiteral("no header"));

    // The untampered token passes, so each failure below is the row's doing.
    QCOMPARE(m_http.send(method, m_server->url(path), {}, bearer(valid)).status,
             method == "POST" ? 204 : 200);

    HttpClient::Headers headers;
    if (!authorization.isNull())
        headers.append({"Authorization", authorization});
    const HttpResponse r = m_http.send(method, m_server->url(path), {}, headers);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.errorCode(), code);
    const QByteArray header = r.header("WWW-Authenticate");
    if (bareChallenge) {
        QCOMPARE(header, QByteArray(R"(Bearer realm="sightline")"));
    } else {
        const QByteArray prefix =
            R"(Bearer realm="sightline", error="invalid_token", error_description=")";
        QVERIFY2(header.startsWith(prefix) && header.endsWith('"') && header.size() > prefix.size() + 1,
                 header.constData());
    }
    QVERIFY(!r.json().value(QStringLiteral("message")).toString().isEmpty());
    const QByteArray token = authorization.mid(7);
    QVERIFY2(token.size() < 12 || (!r.body.contains(token) && !header.contains(token)),
             "the answer must not echo the token");
}

void tst_AuthApi::throttlesPerUserWithRetryAfter()
{
    TestServer server; // the default limits, no earlier failures
    provision(server);
    if (QTest::currentTestFailed())
        return;
    // Defaults: 5 failures for one username in 15 minutes.
    for (int i = 0; i < 5; ++i) {
        const HttpResponse r = m_http.post(server.url(kLogin), credentials("alice", "guess"));
        QCOMPARE(r.status, 401);
    }
    // Now even the right password is refused until the window passes.
    const HttpResponse limited = m_http.post(server.url(kLogin), credentials("alice", "wonderland"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("too_many_attempts"));
    bool ok = false;
    const int retryAfter = limited.header("Retry-After").toInt(&ok);
    QVERIFY2(ok && retryAfter > 850 && retryAfter <= 900, limited.header("Retry-After").constData());
    // Another user from the same address is not affected (5 < 20).
    QCOMPARE(m_http.post(server.url(kLogin), credentials("bob", "builder")).status, 200);
}

void tst_AuthApi::throttlesPerAddressWithRetryAfter()
{
    TestServer server; // the default limits, no earlier failures
    provision(server);
    if (QTest::currentTestFailed())
        return;
    // Defaults: 20 failures from one address, spread over usernames that
    // each stay below their own limit of 5.
    for (int i = 0; i < 20; ++i) {
        const QString user = QStringLiteral("guess%1").arg(i / 4);
        const HttpResponse r = m_http.post(server.url(kLogin), credentials(user, QStringLiteral("x")));
        QCOMPARE(r.status, 401);
    }
    const HttpResponse limited = m_http.post(server.url(kLogin), credentials("bob", "builder"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("too_many_attempts"));
    bool ok = false;
    const int retryAfter = limited.header("Retry-After").toInt(&ok);
    QVERIFY2(ok && retryAfter > 0 && retryAfter <= 900, limited.header("Retry-After").constData());
}

void tst_AuthApi::successesDoNotCount()
{
    TestServer server; // the default limits, no earlier failures
    provision(server);
    if (QTest::currentTestFailed())
        return;
    for (int i = 0; i < 7; ++i)
        QCOMPARE(m_http.post(server.url(kLogin), credentials("alice", "wonderland")).status, 200);
    // And a success clears that user's earlier failures.
    for (int i = 0; i < 4; ++i)
        QCOMPARE(m_http.post(server.url(kLogin), credentials("alice", "nope")).status, 401);
    QCOMPARE(m_http.post(server.url(kLogin), credentials("alice", "wonderland")).status, 200);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(m_http.post(server.url(kLogin), credentials("alice", "nope")).status, 401);
    QCOMPARE(m_http.post(server.url(kLogin), credentials("alice", "wonderland")).status, 200);
}

// The password check runs on a worker; a client that hangs up meanwhile must
// not crash the server or leave anything behind.
void tst_AuthApi::clientGoneBeforeAnswerIsHarmless()
{
    const auto failures = [this] {
        const QByteArray metrics = m_server->server()->auth()->metricsText();
        const QByteArray prefix = "sightline_auth_logins_total{result=\"failure\"} ";
        const qsizetype at = metrics.indexOf(prefix);
        return at < 0 ? -1 : metrics.mid(at + prefix.size()).split('\n').first().toInt();
    };
    const int before = failures();
    QVERIFY(before >= 0);
    for (int i = 0; i < 3; ++i) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(10000));
        const QByteArray body = credentials("bob", "wrong");
        socket.write("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QVERIFY(socket.waitForBytesWritten(10000));
        socket.abort();
    }
    // All three checks finished (and counted) although nobody was listening.
    QTRY_COMPARE_WITH_TIMEOUT(failures(), before + 3, 60000);
    QCOMPARE(m_http.post(m_server->url(kLogin), credentials("bob", "builder")).status, 200);
}

QTEST_GUILESS_MAIN(tst_AuthApi)
#include "tst_authapi.moc"
