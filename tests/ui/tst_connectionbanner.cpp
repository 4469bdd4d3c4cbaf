#include "ui/connectionbanner.h"
#include "ui/severitycolors.h"

#include <QApplication>

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using Sightline::ConnectionBanner;
using Sightline::ConnectionStatus;
using Sightline::Tone;
using Sightline::toneBackground;

class tst_ConnectionBanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textsAndButtons_data();
    void textsAndButtons();
    void buttonsEmit();
    void countdownReachesZero();
    void buttonsSayWhatTheyDo();
};

void tst_ConnectionBanner::textsAndButtons_data()
{
    QTest::addColumn<ConnectionStatus>("status");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("retryVisible");
    QTest::addColumn<bool>("signInVisible");
    QTest::addColumn<int>("tone");
    QTest::newRow("connecting") << ConnectionStatus::connecting() << QStringLiteral("Connecting…") << false << false << int(Tone::Info);
    QTest::newRow("live with rate") << ConnectionStatus::live(812) << QStringLiteral("Live · 812 events/s") << false << false << int(Tone::Healthy);
    QTest::newRow("live with a slow rate") << ConnectionStatus::live(2.5) << QStringLiteral("Live · 2.5 events/s") << false << false << int(Tone::Healthy);
    QTest::newRow("reconnecting in 5 s") << ConnectionStatus::reconnecting(5000) << QStringLiteral("Reconnecting in 5 s") << true << false << int(Tone::Warning);
    QTest::newRow("reconnecting rounds up") << ConnectionStatus::reconnecting(2100) << QStringLiteral("Reconnecting in 3 s") << true << false << int(Tone::Warning);
    QTest::newRow("reconnecting with a reason") << ConnectionStatus::reconnecting(10000, QStringLiteral("the server closed the connection"))
                                                << QStringLiteral("Reconnecting in 10 s — the server closed the connection") << true << false << int(Tone::Warning);
    QTest::newRow("disconnected with reason") << ConnectionStatus::disconnected(QStringLiteral("the server asked this dashboard to stop"))
                                              << QStringLiteral("Disconnected: the server asked this dashboard to stop") << true << false << int(Tone::Critical);
    QTest::newRow("session expired")
        << ConnectionStatus::sessionExpired()
        << QStringLiteral("Your sign-in has ended. Sign in to resume; no events are lost meanwhile.") << false << true
        << int(Tone::Warning);
    QTest::newRow("session expired with a reason")
        << ConnectionStatus::sessionExpired(QStringLiteral("the server no longer accepts it"))
        << QStringLiteral("Your sign-in has ended: the server no longer accepts it. Sign in to resume; no events are lost meanwhile.")
        << false << true << int(Tone::Warning);
    QTest::newRow("not signed in") << ConnectionStatus::notSignedIn(QStringLiteral("not signed in"))
                                   << QStringLiteral("Disconnected: not signed in") << false << true << int(Tone::Critical);
}

void tst_ConnectionBanner::textsAndButtons()
{
    QFETCH(ConnectionStatus, status);
    QFETCH(QString, text);
    QFETCH(bool, retryVisible);
    QFETCH(bool, signInVisible);
    QFETCH(int, tone);
    ConnectionBanner banner;
    banner.show();
    QVERIFY(QTest::qWaitForWindowExposed(&banner));
    banner.setStatus(status);
    QCOMPARE(banner.text(), text);
    QCOMPARE(banner.retryButton()->isVisible(), retryVisible);
    QCOMPARE(banner.signInButton()->isVisible(), signInVisible);
    // Each state has its tone: the background says it before the words do.
    QCOMPARE(banner.palette().color(QPalette::Window), toneBackground(Tone(tone), QApplication::palette()));
}

void tst_ConnectionBanner::buttonsEmit()
{
    ConnectionBanner banner;
    banner.show();
    QVERIFY(QTest::qWaitForWindowExposed(&banner));
    QSignalSpy retry(&banner, &ConnectionBanner::retryRequested);
    QSignalSpy signIn(&banner, &ConnectionBanner::signInRequested);
    banner.setStatus(ConnectionStatus::reconnecting(30000));
    QTest::mouseClick(banner.retryButton(), Qt::LeftButton);
    QCOMPARE(retry.size(), 1);
    QCOMPARE(signIn.size(), 0);
    banner.setStatus(ConnectionStatus::sessionExpired());
    QTest::mouseClick(banner.signInButton(), Qt::LeftButton);
    QCOMPARE(signIn.size(), 1);
    QCOMPARE(retry.size(), 1);
}

void tst_ConnectionBanner::buttonsSayWhatTheyDo()
{
    // Issue 14: "Retry now" opened the sign-in dialog when nobody was
    // signed in; the session-expired banner said "sign in again" twice.
    ConnectionBanner banner;
    banner.show();
    QVERIFY(QTest::qWaitForWindowExposed(&banner));
    QSignalSpy retry(&banner, &ConnectionBanner::retryRequested);
    QSignalSpy signIn(&banner, &ConnectionBanner::signInRequested);
    banner.setStatus(ConnectionStatus::notSignedIn(QStringLiteral("not signed in")));
    QVERIFY(!banner.retryButton()->isVisible());
    QVERIFY(banner.signInButton()->isVisible());
    QCOMPARE(banner.signInButton()->text(), QStringLiteral("Sign in…"));
    QTest::mouseClick(banner.signInButton(), Qt::LeftButton);
    QCOMPARE(signIn.size(), 1);
    QCOMPARE(retry.size(), 0);

    banner.setStatus(ConnectionStatus::sessionExpired(QStringLiteral("the server no longer accepts it")));
    QCOMPARE(banner.signInButton()->text(), QStringLiteral("Sign in…"));
    QCOMPARE(banner.text().count(QLatin1String("sign in"), Qt::CaseInsensitive), 1);
}

void tst_ConnectionBanner::countdownReachesZero()
{
    ConnectionBanner banner;
    banner.setStatus(ConnectionStatus::reconnecting(1500));
    QCOMPARE(banner.text(), QStringLiteral("Reconnecting in 2 s"));
    constexpr int kCountdownTimeoutMs = 10000;
    QTRY_COMPARE_WITH_TIMEOUT(banner.text(), QStringLiteral("Reconnecting…"), kCountdownTimeoutMs);
}

QTEST_MAIN(tst_ConnectionBanner)
#include "tst_connectionbanner.moc"
