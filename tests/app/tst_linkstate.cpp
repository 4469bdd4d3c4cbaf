// LinkState::toConnectionStatus(): the one mapping from the session's and
// the stream client's real states to what the connection banner shows
// (issue 6 item 3).
#include "linkstate.h"

#include <QTest>

using namespace Sightline;

class tst_LinkState : public QObject
{
    Q_OBJECT

private slots:
    void mapping_data();
    void mapping();
    void reconnectCountdown();
    void waitingForTheSignInDialog();
};

void tst_LinkState::mapping_data()
{
    QTest::addColumn<Session::State>("session");
    QTest::addColumn<StreamClient::State>("stream");
    QTest::addColumn<QString>("streamError");
    QTest::addColumn<QString>("sessionError");
    QTest::addColumn<bool>("waitingForToken");
    QTest::addColumn<ConnectionStatus::State>("expected");
    QTest::addColumn<QString>("expectedMessage");

    using S = Session::State;
    using C = StreamClient::State;
    using B = ConnectionStatus::State;
    const QString none;
    QTest::newRow("signing in before any stream") << S::SigningIn << C::Idle << none << none << false << B::Connecting << "signing in";
    QTest::newRow("signed in, stream not started") << S::SignedIn << C::Idle << none << none << false << B::Connecting << none;
    QTest::newRow("signed in, stream connecting") << S::SignedIn << C::Connecting << none << none << false << B::Connecting << none;
    QTest::newRow("signed in, stream live") << S::SignedIn << C::Live << none << none << false << B::Live << none;
    QTest::newRow("stream waiting for a new token") << S::SignedIn << C::Reconnecting << "token expired" << none << true
                                                    << B::Connecting << "renewing the sign-in";
    QTest::newRow("stream failed names the reason") << S::SignedIn << C::Failed << "HTTP 404 not_found" << none << false
                                                    << B::Disconnected << "HTTP 404 not_found";
    QTest::newRow("server said do not reconnect") << S::SignedIn << C::Stopped << none << none << false << B::Disconnected
                                                  << "the server asked this dashboard not to reconnect";
    QTest::newRow("stream refused the token") << S::SignedIn << C::AuthExpired << "HTTP 401 invalid_token" << none << false
                                              << B::SessionExpired << "the server no longer accepts it";
    // The banner says why in words, never the server's code (issue 14).
    const QString reused = QStringLiteral("refresh_reused: refresh token was already used; sign in again");
    const QString reusedInWords = QStringLiteral("an older copy of it was used, so the server ended it to be safe");
    QTest::newRow("session expired while the stream still runs") << S::Expired << C::Live << none << reused << false
                                                                 << B::SessionExpired << reusedInWords;
    QTest::newRow("session expired and stream ended") << S::Expired << C::AuthExpired << "token expired" << reused
                                                      << false << B::SessionExpired << reusedInWords;
    QTest::newRow("session revoked elsewhere") << S::Expired << C::Live << none
                                               << "invalid_refresh_token: refresh token is invalid or revoked" << false
                                               << B::SessionExpired
                                               << "the server no longer accepts it (signed out elsewhere, or it ran out)";
    QTest::newRow("session expired for an unknown reason") << S::Expired << C::Live << none << "teapot: short and stout"
                                                           << false << B::SessionExpired << none;
    QTest::newRow("not signed in") << S::SignedOut << C::Idle << none << none << false << B::Disconnected << "not signed in";
    QTest::newRow("sign-in failed names why") << S::SignedOut << C::Idle << none << "cannot reach the server" << false
                                              << B::Disconnected << "cannot reach the server";
    QTest::newRow("signing in again while the old stream is live") << S::SigningIn << C::Live << none << none << false
                                                                    << B::Live << none;
}

void tst_LinkState::mapping()
{
    QFETCH(Session::State, session);
    QFETCH(StreamClient::State, stream);
    QFETCH(QString, streamError);
    QFETCH(QString, sessionError);
    QFETCH(bool, waitingForToken);
    QFETCH(ConnectionStatus::State, expected);
    QFETCH(QString, expectedMessage);

    LinkState link;
    link.session = session;
    link.stream = stream;
    link.streamError = streamError;
    link.sessionError = sessionError;
    if (stream == StreamClient::State::Reconnecting && !waitingForToken)
        link.nextAttemptAt = QDateTime::currentDateTimeUtc().addSecs(5);
    const ConnectionStatus status = link.toConnectionStatus();
    QCOMPARE(status.state, expected);
    QCOMPARE(status.message, expectedMessage);
    // Only signing in helps: the banner offers that, not a retry.
    QCOMPARE(status.signInNeeded, session == Session::State::SignedOut && expected == ConnectionStatus::State::Disconnected);
}

void tst_LinkState::reconnectCountdown()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    LinkState link;
    link.session = Session::State::SignedIn;
    link.stream = StreamClient::State::Reconnecting;
    link.streamError = QStringLiteral("the server closed the stream");
    link.nextAttemptAt = now.addMSecs(7500);
    ConnectionStatus status = link.toConnectionStatus(now);
    QCOMPARE(status.state, ConnectionStatus::State::Reconnecting);
    QCOMPARE(status.retryInMs, 7500);
    QCOMPARE(status.message, link.streamError);

    // An attempt already due counts down from nothing, never below.
    status = link.toConnectionStatus(now.addSecs(10));
    QCOMPARE(status.retryInMs, 0);
}

void tst_LinkState::waitingForTheSignInDialog()
{
    LinkState link;
    link.hasPendingSignIn = true;
    ConnectionStatus status = link.toConnectionStatus();
    QCOMPARE(status.state, ConnectionStatus::State::Disconnected);
    QCOMPARE(status.message, QStringLiteral("not signed in; sign in to see live data"));
    QVERIFY(status.signInNeeded);
    // A failed sign-in says why instead.
    link.sessionError = QStringLiteral("cannot reach the server: Connection refused");
    status = link.toConnectionStatus();
    QCOMPARE(status.message, link.sessionError);
}

QTEST_GUILESS_MAIN(tst_LinkState)
#include "tst_linkstate.moc"
