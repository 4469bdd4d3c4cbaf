#include "ui/connectionbanner.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using Sightline::ConnectionBanner;
using Sightline::ConnectionStatus;

class tst_ConnectionBanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textsAndButtons_data();
    void textsAndButtons();
    void buttonsEmit();
    void countdownReachesZero();
};

void tst_ConnectionBanner::textsAndButtons_data()
{
    QTest::addColumn<ConnectionStatus>("status");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("retryVisible");
    QTest::addColumn<bool>("signInVisible");
    QTest::newRow("connecting") << ConnectionStatus::connecting() << QStringLiteral("Connecting…") << false << false;
    QTest::newRow("live with rate") << ConnectionStatus::live(812) << QStringLiteral("Live · 812 events/s") << false << false;
    QTest::newRow("live with a slow rate") << ConnectionStatus::live(2.5) << QStringLiteral("Live · 2.5 events/s") << false << false;
    QTest::newRow("reconnecting in 5 s") << ConnectionStatus::reconnecting(5000) << QStringLiteral("Reconnecting in 5 s") << true << false;
    QTest::newRow("reconnecting rounds up") << ConnectionStatus::reconnecting(2100) << QStringLiteral("Reconnecting in 3 s") << true << false;
    QTest::newRow("reconnecting with a reason") << ConnectionStatus::reconnecting(10000, QStringLiteral("the server closed the connection"))
                                                << QStringLiteral("Reconnecting in 10 s — the server closed the connection") << true << false;
    QTest::newRow("disconnected with reason") << ConnectionStatus::disconnected(QStringLiteral("the server asked this dashboard to stop"))
                                              << QStringLiteral("Disconnected: the server asked this dashboard to stop") << true << false;
    QTest::newRow("session expired") << ConnectionStatus::sessionExpired()
                                     << QStringLiteral("Session expired — sign in again to resume without losing events") << false << true;
}

void tst_ConnectionBanner::textsAndButtons()
{
    QFETCH(ConnectionStatus, status);
    QFETCH(QString, text);
    QFETCH(bool, retryVisible);
    QFETCH(bool, signInVisible);
    ConnectionBanner banner;
    banner.show();
    QVERIFY(QTest::qWaitForWindowExposed(&banner));
    banner.setStatus(status);
    QCOMPARE(banner.text(), text);
    QCOMPARE(banner.retryButton()->isVisible(), retryVisible);
    QCOMPARE(banner.signInButton()->isVisible(), signInVisible);
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
