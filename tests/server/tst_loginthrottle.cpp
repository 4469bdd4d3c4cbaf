// Tests for LoginThrottle with an injected clock (no waiting): per-user and
// per-address limits, the window, Retry-After values, what clears what.
#include "server/loginthrottle.h"

#include <QTest>

using namespace Sightline;

namespace {

const QHostAddress kHome(QStringLiteral("192.0.2.1"));
const QHostAddress kAway(QStringLiteral("198.51.100.7"));

// Records a finished failed attempt.
void fail(LoginThrottle &throttle, const QString &user, const QHostAddress &address)
{
    throttle.beginAttempt(user, address);
    throttle.finishAttempt(user, address, true);
}

} // namespace

class tst_LoginThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void defaultsFromConfigAllowFiveUserFailures();
    void userLimitAndRetryAfter();
    void addressLimitAcrossUsernames();
    void retryAfterCountsFromTheRightFailure();
    void successClearsUserButNotAddress();
    void attemptsInFlightCount();
    void addressKeys_data();
    void addressKeys();
    void idleEntriesAreDropped();

private:
    qint64 m_now = 0;
};

void tst_LoginThrottle::init()
{
    m_now = 1'000'000'000'000;
}

void tst_LoginThrottle::defaultsFromConfigAllowFiveUserFailures()
{
    LoginThrottle throttle(5, 20, 900);
    throttle.setClock([this] { return m_now; });
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kHome), 0);
        fail(throttle, QStringLiteral("alice"), kHome);
    }
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kHome), 900);
}

void tst_LoginThrottle::userLimitAndRetryAfter()
{
    LoginThrottle throttle(3, 100, 60);
    throttle.setClock([this] { return m_now; });
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kHome), 0);
        fail(throttle, QStringLiteral("alice"), i % 2 ? kHome : kAway); // address does not matter
        m_now += 1000;
    }
    // First failure at t0, now t0+3 s: it leaves the window at t0+60 s.
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kHome), 57);
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), QHostAddress(QStringLiteral("203.0.113.9"))), 57);
    // Other users are not affected.
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("bob"), kHome), 0);
    m_now += 56'500;
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kHome), 1); // rounds up
    m_now += 500;
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kHome), 0);
}

void tst_LoginThrottle::addressLimitAcrossUsernames()
{
    LoginThrottle throttle(5, 4, 900);
    throttle.setClock([this] { return m_now; });
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("user%1").arg(i), kHome), 0);
        fail(throttle, QStringLiteral("user%1").arg(i), kHome);
    }
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("fresh"), kHome), 900);
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("fresh"), kAway), 0);
}

void tst_LoginThrottle::retryAfterCountsFromTheRightFailure()
{
    // 5 failures spread over time with limit 3: the wait ends when only two
    // remain in the window, i.e. when the third newest leaves it.
    LoginThrottle throttle(3, 100, 100);
    throttle.setClock([this] { return m_now; });
    const qint64 start = m_now;
    for (int i = 0; i < 5; ++i) {
        // Failures can still be recorded while limited (attempts that were
        // already in flight finish later).
        fail(throttle, QStringLiteral("alice"), kHome);
        m_now += 10'000;
    }
    // Failures at 0, 10, 20, 30, 40 s; now 50 s. The one at 20 s must leave: at 120 s.
    QCOMPARE(m_now - start, 50'000);
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kHome), 70);
}

void tst_LoginThrottle::successClearsUserButNotAddress()
{
    LoginThrottle throttle(3, 3, 900);
    throttle.setClock([this] { return m_now; });
    fail(throttle, QStringLiteral("alice"), kHome);
    fail(throttle, QStringLiteral("alice"), kHome);
    throttle.beginAttempt(QStringLiteral("alice"), kHome);
    throttle.finishAttempt(QStringLiteral("alice"), kHome, false); // success
    fail(throttle, QStringLiteral("alice"), kAway);
    fail(throttle, QStringLiteral("alice"), kAway);
    // Only two user failures since the success.
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kAway), 0);
    // The home address still has its two failures; one more locks it.
    fail(throttle, QStringLiteral("mallory"), kHome);
    QVERIFY(throttle.retryAfterSeconds(QStringLiteral("someone"), kHome) > 0);
}

void tst_LoginThrottle::attemptsInFlightCount()
{
    LoginThrottle throttle(2, 100, 900);
    throttle.setClock([this] { return m_now; });
    throttle.beginAttempt(QStringLiteral("alice"), kHome);
    throttle.beginAttempt(QStringLiteral("alice"), kHome);
    // Two guesses still being checked already fill the limit.
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kHome), 1);
    throttle.finishAttempt(QStringLiteral("alice"), kHome, false);
    throttle.finishAttempt(QStringLiteral("alice"), kHome, false);
    QCOMPARE(throttle.retryAfterSeconds(QStringLiteral("alice"), kHome), 0);
}

void tst_LoginThrottle::addressKeys_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("key");
    QTest::newRow("ipv4") << "192.0.2.1" << "192.0.2.1";
    QTest::newRow("ipv4-mapped ipv6") << "::ffff:192.0.2.1" << "192.0.2.1";
    QTest::newRow("ipv6 counted per /64") << "2001:db8:1:2:aaaa:bbbb:cccc:dddd" << "2001:db8:1:2::/64";
    QTest::newRow("other host in same /64") << "2001:db8:1:2::1" << "2001:db8:1:2::/64";
}

void tst_LoginThrottle::addressKeys()
{
    QFETCH(QString, address);
    QFETCH(QString, key);
    QCOMPARE(LoginThrottle::addressKey(QHostAddress(address)), key);
}

void tst_LoginThrottle::idleEntriesAreDropped()
{
    LoginThrottle throttle(5, 20, 60);
    throttle.setClock([this] { return m_now; });
    fail(throttle, QStringLiteral("alice"), kHome);
    QCOMPARE(throttle.trackedEntries(), 2);
    m_now += 61'000;
    // A success after the window prunes both entries it touches.
    throttle.beginAttempt(QStringLiteral("alice"), kHome);
    throttle.finishAttempt(QStringLiteral("alice"), kHome, false);
    QCOMPARE(throttle.trackedEntries(), 0);
    // Many distinct usernames are swept once their window passes.
    for (int i = 0; i < 100; ++i)
        fail(throttle, QStringLiteral("u%1").arg(i), kAway);
    QVERIFY(throttle.trackedEntries() >= 100);
    m_now += 61'000;
    for (int i = 0; i < 1100; ++i)
        throttle.retryAfterSeconds(QStringLiteral("x"), kHome);
    QCOMPARE(throttle.trackedEntries(), 0);
}

QTEST_GUILESS_MAIN(tst_LoginThrottle)
#include "tst_loginthrottle.moc"
