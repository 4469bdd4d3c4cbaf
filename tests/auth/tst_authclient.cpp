#include "auth/authclient.h"

#include "support/misbehavingserver.h"
#include "support/testserver.h"

#include <QDateTime>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Sightline;
using Sightline::Test::MisbehavingServer;
using Sightline::Test::ServerScript;
using Sightline::Test::TestServer;

namespace {
constexpr int kAnswerTimeoutMs = 20000;
}

// AuthClient's error value for a 429: the Retry-After wait as a number
// (issue 6), so no caller parses the message text.
class tst_AuthClient : public QObject
{
    Q_OBJECT

private slots:
    void retryAfterOfTooManyAttempts_data();
    void retryAfterOfTooManyAttempts();
    void retryAfterFromOurServer();
    void retryAfterClearedByTheNextAnswer();
};

void tst_AuthClient::retryAfterOfTooManyAttempts_data()
{
    QTest::addColumn<QByteArray>("retryAfter"); // empty: no header
    QTest::addColumn<int>("minSeconds");
    QTest::addColumn<int>("maxSeconds");

    QTest::newRow("delay seconds") << QByteArray("42") << 42 << 42;
    QTest::newRow("delay seconds with spaces") << QByteArray(" 7 ") << 7 << 7;
    QTest::newRow("no header") << QByteArray() << 0 << 0;
    QTest::newRow("not a number or a date") << QByteArray("soon") << 0 << 0;
    QTest::newRow("negative") << QByteArray("-5") << 0 << 0;
    // An HTTP-date two minutes ahead; the clock moves while the test runs.
    const QDateTime ahead = QDateTime::currentDateTimeUtc().addSecs(120);
    QTest::newRow("HTTP date")
        << QLocale::c().toString(ahead, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1()
        << 60 << 120;
    QTest::newRow("HTTP date in the past") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT") << 0 << 0;
}

void tst_AuthClient::retryAfterOfTooManyAttempts()
{
    QFETCH(QByteArray, retryAfter);
    QFETCH(int, minSeconds);
    QFETCH(int, maxSeconds);

    MisbehavingServer server;
    QVERIFY(server.isListening());
    ServerScript::Headers headers;
    if (!retryAfter.isNull())
        headers.append({ QByteArray("Retry-After"), retryAfter });
    server.enqueue(ServerScript::jsonError(429, "too_many_attempts", headers));

    QNetworkAccessManager network;
    AuthClient client(&network, server.url());
    QSignalSpy failed(&client, &AuthClient::loginFailed);
    client.login(QStringLiteral("alice"), QStringLiteral("wrong"));
    QVERIFY(failed.wait(kAnswerTimeoutMs));
    QCOMPARE(failed.first().at(0).value<AuthClient::Error>(), AuthClient::Error::TooManyAttempts);
    QVERIFY2(client.retryAfterSeconds() >= minSeconds && client.retryAfterSeconds() <= maxSeconds,
             qPrintable(QString::number(client.retryAfterSeconds())));
}

void tst_AuthClient::retryAfterFromOurServer()
{
    TestServer server;
    server.config().loginMaxFailuresPerUser = 2;
    QVERIFY(server.addUser(QStringLiteral("acme"), QStringLiteral("alice"), "secret"));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    QNetworkAccessManager network;
    AuthClient client(&network, server.url());
    QSignalSpy failed(&client, &AuthClient::loginFailed);
    for (int attempt = 1; attempt <= 3; ++attempt) {
        client.login(QStringLiteral("alice"), QStringLiteral("wrong"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), attempt, kAnswerTimeoutMs);
    }
    QCOMPARE(failed.at(0).at(0).value<AuthClient::Error>(), AuthClient::Error::InvalidCredentials);
    QCOMPARE(failed.last().at(0).value<AuthClient::Error>(), AuthClient::Error::TooManyAttempts);
    // The server's window is 15 minutes (API.md "Auth").
    QVERIFY2(client.retryAfterSeconds() > 0 && client.retryAfterSeconds() <= 15 * 60,
             qPrintable(QString::number(client.retryAfterSeconds())));
}

void tst_AuthClient::retryAfterClearedByTheNextAnswer()
{
    MisbehavingServer server;
    QVERIFY(server.isListening());
    server.enqueue(ServerScript::jsonError(429, "too_many_attempts", { { "Retry-After", "30" } }));
    server.enqueue(ServerScript::jsonError(401, "invalid_credentials"));

    QNetworkAccessManager network;
    AuthClient client(&network, server.url());
    QSignalSpy failed(&client, &AuthClient::loginFailed);
    client.login(QStringLiteral("alice"), QStringLiteral("wrong"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kAnswerTimeoutMs);
    QCOMPARE(client.retryAfterSeconds(), 30);
    client.login(QStringLiteral("alice"), QStringLiteral("wrong"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 2, kAnswerTimeoutMs);
    QCOMPARE(failed.last().at(0).value<AuthClient::Error>(), AuthClient::Error::InvalidCredentials);
    QCOMPARE(client.retryAfterSeconds(), 0);
}

QTEST_GUILESS_MAIN(tst_AuthClient)
#include "tst_authclient.moc"
