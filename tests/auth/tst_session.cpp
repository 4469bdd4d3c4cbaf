#include "auth/authclient.h"
#include "auth/session.h"
#include "auth/tokenstore.h"

#include "support/httpclient.h"
#include "support/misbehavingserver.h"
#include "support/testserver.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using Sightline::AuthClient;
using Sightline::Session;
using Sightline::TokenPair;
using Sightline::TokenStore;
using Sightline::Test::MisbehavingServer;
using Sightline::Test::ServerScript;
using Sightline::Test::TestServer;

namespace {

constexpr int kTimeoutMs = 20000; // generous: a loaded 2-core CI machine
constexpr int kNoRequestWaitMs = 500;

// A session on a server URL with a memory-only token store, so these tests
// never touch the developer's keychain (tst_tokenstore covers the keychain).
struct Client
{
    explicit Client(const QUrl &server)
        : auth(&network, server)
        , session(&auth, &store)
    {
    }
    QString storedRefreshToken(const QString &username)
    {
        QString result;
        bool done = false;
        store.load(TokenStore::keyFor(auth.server(), username), [&](const QString &secret) {
            result = secret;
            done = true;
        });
        if (!QTest::qWaitFor([&] { return done; }, kTimeoutMs))
            return QStringLiteral("<timed out>");
        return result;
    }

    QNetworkAccessManager network;
    TokenStore store { TokenStore::Backend::MemoryOnly };
    AuthClient auth;
    Session session;
};

QByteArray tokenAnswer(const QByteArray &access, const QByteArray &refresh, int expiresIn)
{
    return QJsonDocument(
        QJsonObject { { QStringLiteral("access_token"), QString::fromLatin1(access) },
            { QStringLiteral("token_type"), QStringLiteral("Bearer") },
            { QStringLiteral("expires_in"), expiresIn },
            { QStringLiteral("refresh_token"), QString::fromLatin1(refresh) } })
        .toJson(QJsonDocument::Compact);
}

} // namespace

Q_DECLARE_METATYPE(Sightline::Test::ServerScript)

class tst_Session : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    // Against the real sightline-server (in-process).
    void signInAndRefreshAtEightyPercent();
    void wrongPasswordIsRefused();
    void reusedRefreshTokenExpiresTheSession();
    void signOutRevokesAndForgets();
    void resumeWithTheStoredRefreshToken();
    void twoInstancesOfOneUserStaySignedIn();
    // Against the misbehaving server.
    void signInFailures_data();
    void signInFailures();
    void transientRefreshFailureIsRetried();
    void concurrentRefreshesShareOneRequest();
    void refusedRefreshExpiresOnce();

private:
    std::unique_ptr<TestServer> m_server;
};

void tst_Session::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    m_server->config().accessTokenTtlSeconds = 2;
    QVERIFY2(m_server->addUser(QStringLiteral("acme"), QStringLiteral("alice"), "alice-password"),
        qPrintable(m_server->errorString()));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void tst_Session::signInAndRefreshAtEightyPercent()
{
    Client c(m_server->url());
    QSignalSpy signedIn(&c.session, &Session::signedIn);
    QSignalSpy tokens(&c.session, &Session::accessTokenChanged);
    c.session.signIn(QStringLiteral("alice"), QStringLiteral("alice-password"));
    QVERIFY(signedIn.wait(kTimeoutMs));
    QCOMPARE(c.session.state(), Session::State::SignedIn);
    QCOMPARE(tokens.size(), 1);
    const QString first = c.session.accessToken();
    QVERIFY(!first.isEmpty());
    QCOMPARE(tokens.at(0).at(0).toString(), first);
    const QString firstRefresh = c.storedRefreshToken(QStringLiteral("alice"));
    QVERIFY(!firstRefresh.isEmpty());

    // 80% of 2 s; exp has whole seconds, so the lifetime is 1-2 s.
    const qint64 untilRefresh = QDateTime::currentDateTimeUtc().msecsTo(c.session.nextRefreshAt());
    QVERIFY2(untilRefresh > 500 && untilRefresh <= 1600, qPrintable(QString::number(untilRefresh)));
    QVERIFY(c.session.accessTokenExpiresAt() > QDateTime::currentDateTimeUtc());

    QVERIFY(tokens.wait(kTimeoutMs));
    QVERIFY(c.session.accessToken() != first);
    QCOMPARE(c.session.state(), Session::State::SignedIn);
    // Rotated and stored again.
    const QString secondRefresh = c.storedRefreshToken(QStringLiteral("alice"));
    QVERIFY(!secondRefresh.isEmpty());
    QVERIFY(secondRefresh != firstRefresh);
    // The refreshed token works on the server.
    Sightline::Test::HttpClient http;
    QCOMPARE(http.get(m_server->url(QStringLiteral("/api/v1/devices")),
                     { { "Authorization", "Bearer " + c.session.accessToken().toUtf8() } })
                 .status,
        200);
}

void tst_Session::wrongPasswordIsRefused()
{
    Client c(m_server->url());
    QSignalSpy failed(&c.session, &Session::signInFailed);
    c.session.signIn(QStringLiteral("alice"), QStringLiteral("wrong"));
    QVERIFY(failed.wait(kTimeoutMs));
    QCOMPARE(failed.at(0).at(0).value<AuthClient::Error>(), AuthClient::Error::InvalidCredentials);
    QVERIFY(failed.at(0).at(1).toString().contains(QLatin1String("invalid_credentials")));
    QCOMPARE(c.session.state(), Session::State::SignedOut);
    QVERIFY(c.session.accessToken().isEmpty());
}

void tst_Session::reusedRefreshTokenExpiresTheSession()
{
    Client c(m_server->url());
    c.session.setRefreshFraction(100); // no timed refresh during this test
    QSignalSpy signedIn(&c.session, &Session::signedIn);
    c.session.signIn(QStringLiteral("alice"), QStringLiteral("alice-password"));
    QVERIFY(signedIn.wait(kTimeoutMs));
    const QString stolen = c.storedRefreshToken(QStringLiteral("alice"));

    QSignalSpy tokens(&c.session, &Session::accessTokenChanged);
    c.session.refreshNow();
    QVERIFY(tokens.wait(kTimeoutMs));

    // Someone presents the used token again: the server revokes the family.
    QSignalSpy reuse(&c.auth, &AuthClient::refreshFailed);
    c.auth.refresh(stolen);
    QVERIFY(reuse.wait(kTimeoutMs));
    QCOMPARE(reuse.at(0).at(0).value<AuthClient::Error>(), AuthClient::Error::RefreshReused);
    QCOMPARE(c.session.state(), Session::State::SignedIn); // not the session's own refresh

    // The session's current refresh token belongs to the revoked family.
    QSignalSpy expired(&c.session, &Session::expired);
    c.session.refreshNow();
    QVERIFY(expired.wait(kTimeoutMs));
    QCOMPARE(c.session.state(), Session::State::Expired);
    QVERIFY(c.session.accessToken().isEmpty());
    QCOMPARE(c.storedRefreshToken(QStringLiteral("alice")), QString());
    QVERIFY(!QTest::qWaitFor([&] { return expired.size() > 1; }, kNoRequestWaitMs));
}

void tst_Session::signOutRevokesAndForgets()
{
    Client c(m_server->url());
    c.session.setRefreshFraction(100);
    QSignalSpy signedIn(&c.session, &Session::signedIn);
    c.session.signIn(QStringLiteral("alice"), QStringLiteral("alice-password"));
    QVERIFY(signedIn.wait(kTimeoutMs));
    const QString refresh = c.storedRefreshToken(QStringLiteral("alice"));
    QVERIFY(!refresh.isEmpty());

    QSignalSpy loggedOut(&c.auth, &AuthClient::loggedOut);
    QSignalSpy signedOut(&c.session, &Session::signedOut);
    c.session.signOut();
    QCOMPARE(signedOut.size(), 1);
    QVERIFY(loggedOut.wait(kTimeoutMs));
    QCOMPARE(c.session.state(), Session::State::SignedOut);
    QCOMPARE(c.storedRefreshToken(QStringLiteral("alice")), QString());

    // The family is revoked on the server.
    QSignalSpy refused(&c.auth, &AuthClient::refreshFailed);
    c.auth.refresh(refresh);
    QVERIFY(refused.wait(kTimeoutMs));
    QVERIFY(refused.at(0).at(0).value<AuthClient::Error>() != AuthClient::Error::None);
}

void tst_Session::resumeWithTheStoredRefreshToken()
{
    Client c(m_server->url());
    c.session.setRefreshFraction(100);
    QSignalSpy signedIn(&c.session, &Session::signedIn);
    c.session.signIn(QStringLiteral("alice"), QStringLiteral("alice-password"));
    QVERIFY(signedIn.wait(kTimeoutMs));

    // A second session (as after a restart) with the same store.
    Session later(&c.auth, &c.store);
    QSignalSpy laterIn(&later, &Session::signedIn);
    later.resume(QStringLiteral("alice"));
    QVERIFY(laterIn.wait(kTimeoutMs));
    QCOMPARE(later.state(), Session::State::SignedIn);
    QVERIFY(!later.accessToken().isEmpty());

    // Nobody stored for bob: a readable failure, no request needed.
    Session nobody(&c.auth, &c.store);
    QSignalSpy failed(&nobody, &Session::signInFailed);
    nobody.resume(QStringLiteral("bob"));
    QVERIFY(failed.wait(kTimeoutMs));
    QVERIFY(failed.at(0).at(1).toString().contains(QLatin1String("bob")));
}

void tst_Session::twoInstancesOfOneUserStaySignedIn()
{
    // Issue 14: two dashboards of one user, the second started with the
    // sign-in the first remembered. They share the keychain (here: one
    // store) and so one refresh family; each must refresh with the newest
    // token, or the first reuse signs both out (API.md: refresh_reused).
    TokenStore keychain(TokenStore::Backend::MemoryOnly); // one per user, as the OS keychain
    QNetworkAccessManager networkA, networkB;
    AuthClient authA(&networkA, m_server->url()), authB(&networkB, m_server->url());
    Session first(&authA, &keychain), second(&authB, &keychain);
    QSignalSpy expiredA(&first, &Session::expired), expiredB(&second, &Session::expired);
    QSignalSpy tokensA(&first, &Session::accessTokenChanged), tokensB(&second, &Session::accessTokenChanged);

    QSignalSpy firstIn(&first, &Session::signedIn);
    first.signIn(QStringLiteral("alice"), QStringLiteral("alice-password"));
    QVERIFY(firstIn.wait(kTimeoutMs));
    QSignalSpy secondIn(&second, &Session::signedIn);
    second.resume(QStringLiteral("alice")); // the stored sign-in, as a second window starts
    QVERIFY(secondIn.wait(kTimeoutMs));

    // Access tokens of 2 s: each session refreshes about every 1.6 s.
    constexpr int kRefreshes = 3;
    QTRY_VERIFY_WITH_TIMEOUT(
        (tokensA.size() > kRefreshes && tokensB.size() > kRefreshes) || !expiredA.isEmpty() || !expiredB.isEmpty(),
        kTimeoutMs);
    QCOMPARE(expiredA.size(), 0);
    QCOMPARE(expiredB.size(), 0);
    QCOMPARE(first.state(), Session::State::SignedIn);
    QCOMPARE(second.state(), Session::State::SignedIn);
    Sightline::Test::HttpClient http;
    for (const Session *session : { &first, &second })
        QCOMPARE(http.get(m_server->url(QStringLiteral("/api/v1/devices")),
                         { { "Authorization", "Bearer " + session->accessToken().toUtf8() } })
                     .status,
            200);
}

void tst_Session::signInFailures_data()
{
    QTest::addColumn<ServerScript>("script");
    QTest::addColumn<AuthClient::Error>("error");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("429 with Retry-After")
        << ServerScript::jsonError(429, "too_many_attempts", { { "Retry-After", "900" } })
        << AuthClient::Error::TooManyAttempts << "too_many_attempts";
    QTest::newRow("500") << ServerScript::jsonError(500, "internal")
                         << AuthClient::Error::ServerError << "internal";
    QTest::newRow("html error page") << ServerScript::response(502, "text/html", "<h1>proxy</h1>")
                                     << AuthClient::Error::ServerError << "502";
    QTest::newRow("200 without tokens") << ServerScript::response(200, "application/json", "{}")
                                        << AuthClient::Error::ProtocolError << "access_token";
    QTest::newRow("200 not JSON") << ServerScript::response(200, "text/html", "<html>portal</html>")
                                  << AuthClient::Error::ProtocolError << "access_token";
    QTest::newRow("connection closed")
        << ServerScript().close() << AuthClient::Error::NetworkError << "server";
}

void tst_Session::signInFailures()
{
    QFETCH(ServerScript, script);
    QFETCH(AuthClient::Error, error);
    QFETCH(QString, messagePart);

    MisbehavingServer server;
    server.setHandler([script](const auto &) { return script; });
    Client c(server.url());
    QSignalSpy failed(&c.session, &Session::signInFailed);
    c.session.signIn(QStringLiteral("alice"), QStringLiteral("pw"));
    QVERIFY(failed.wait(kTimeoutMs));
    QCOMPARE(failed.at(0).at(0).value<AuthClient::Error>(), error);
    QVERIFY2(failed.at(0).at(1).toString().contains(messagePart),
        qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(c.session.state(), Session::State::SignedOut);
    const QJsonObject sent = QJsonDocument::fromJson(server.requests().first().body).object();
    QCOMPARE(server.requests().first().path, QByteArray("/api/v1/auth/login"));
    QCOMPARE(sent.value(QLatin1String("username")).toString(), QStringLiteral("alice"));
}

void tst_Session::transientRefreshFailureIsRetried()
{
    MisbehavingServer server;
    server.enqueue("/api/v1/auth/login",
        ServerScript::response(200, "application/json", tokenAnswer("a1", "r1", 3600)));
    server.enqueue("/api/v1/auth/refresh", ServerScript::jsonError(503, "unavailable"));
    server.enqueue("/api/v1/auth/refresh",
        ServerScript::response(200, "application/json", tokenAnswer("a2", "r2", 3600)));
    Client c(server.url());
    QSignalSpy tokens(&c.session, &Session::accessTokenChanged);
    c.session.signIn(QStringLiteral("alice"), QStringLiteral("pw"));
    QVERIFY(tokens.wait(kTimeoutMs));
    c.session.refreshNow();
    QTRY_COMPARE_WITH_TIMEOUT(tokens.size(), 2, kTimeoutMs);
    QCOMPARE(c.session.accessToken(), QStringLiteral("a2"));
    QCOMPARE(server.requestCount(), 3);
    QCOMPARE(QJsonDocument::fromJson(server.requests().at(2).body)
                 .object()
                 .value(QLatin1String("refresh_token")),
        QStringLiteral("r1"));
    QCOMPARE(c.storedRefreshToken(QStringLiteral("alice")), QStringLiteral("r2"));
}

void tst_Session::concurrentRefreshesShareOneRequest()
{
    MisbehavingServer server;
    server.enqueue("/api/v1/auth/login",
        ServerScript::response(200, "application/json", tokenAnswer("a1", "r1", 3600)));
    server.enqueue("/api/v1/auth/refresh",
        ServerScript::head(
            200, { { "Content-Type", "application/json" }, { "Connection", "close" } })
            .pause(200)
            .send(tokenAnswer("a2", "r2", 3600)));
    Client c(server.url());
    QSignalSpy tokens(&c.session, &Session::accessTokenChanged);
    c.session.signIn(QStringLiteral("alice"), QStringLiteral("pw"));
    QVERIFY(tokens.wait(kTimeoutMs));
    c.session.refreshNow();
    c.session.refreshNow(); // the stream asks too: joins the refresh in flight
    QVERIFY(c.session.isRefreshing());
    QVERIFY(tokens.wait(kTimeoutMs));
    QCOMPARE(c.session.accessToken(), QStringLiteral("a2"));
    QVERIFY(!QTest::qWaitFor([&] { return server.requestCount() > 2; }, kNoRequestWaitMs));
    QCOMPARE(server.requestCount(), 2);
}

void tst_Session::refusedRefreshExpiresOnce()
{
    MisbehavingServer server;
    server.enqueue("/api/v1/auth/login",
        ServerScript::response(200, "application/json", tokenAnswer("a1", "r1", 3600)));
    server.setHandler(
        [](const auto &) { return ServerScript::jsonError(401, "invalid_refresh_token"); });
    Client c(server.url());
    QSignalSpy tokens(&c.session, &Session::accessTokenChanged);
    QSignalSpy expired(&c.session, &Session::expired);
    c.session.signIn(QStringLiteral("alice"), QStringLiteral("pw"));
    QVERIFY(tokens.wait(kTimeoutMs));
    c.session.refreshNow();
    QVERIFY(expired.wait(kTimeoutMs));
    QVERIFY(expired.at(0).at(0).toString().contains(QLatin1String("invalid_refresh_token")));
    c.session.refreshNow(); // nothing left to refresh with
    QVERIFY(!QTest::qWaitFor([&] { return server.requestCount() > 2; }, kNoRequestWaitMs));
    QCOMPARE(expired.size(), 1);
    QCOMPARE(c.session.state(), Session::State::Expired);
    QCOMPARE(c.storedRefreshToken(QStringLiteral("alice")), QString());
}

QTEST_GUILESS_MAIN(tst_Session)
#include "tst_session.moc"
