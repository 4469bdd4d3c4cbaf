#include "stream/reconnectpolicy.h"

#include <QTest>

using Sightline::ReconnectPolicy;

class tst_ReconnectPolicy : public QObject
{
    Q_OBJECT

private slots:
    void delay_data();
    void delay();
    void growsUntilTheCap();
    void resetStartsAgainFromTheHint();
    void jitterStaysInsideTheBounds();
    void defaultsMatchTheContract();
};

void tst_ReconnectPolicy::delay_data()
{
    QTest::addColumn<int>("hint");
    QTest::addColumn<int>("cap");
    QTest::addColumn<int>("failures");
    QTest::addColumn<double>("random");
    QTest::addColumn<int>("minimum");
    QTest::addColumn<int>("expected");

    QTest::newRow("first failure waits exactly the hint") << 3000 << 60000 << 1 << 0.9 << 0 << 3000;
    QTest::newRow("second failure, lowest jitter") << 3000 << 60000 << 2 << 0.0 << 0 << 3000;
    QTest::newRow("second failure, highest jitter") << 3000 << 60000 << 2 << 1.0 << 0 << 6000;
    QTest::newRow("third failure, lowest jitter") << 3000 << 60000 << 3 << 0.0 << 0 << 6000;
    QTest::newRow("third failure, middle jitter") << 3000 << 60000 << 3 << 0.5 << 0 << 9000;
    QTest::newRow("fifth failure, highest jitter") << 3000 << 60000 << 5 << 1.0 << 0 << 48000;
    QTest::newRow("sixth failure is capped") << 3000 << 60000 << 6 << 1.0 << 0 << 60000;
    QTest::newRow("many failures stay at the cap") << 3000 << 60000 << 200 << 1.0 << 0 << 60000;
    QTest::newRow("many failures, lowest jitter is half the cap")
        << 3000 << 60000 << 200 << 0.0 << 0 << 30000;
    QTest::newRow("hint above the cap wins") << 90000 << 60000 << 4 << 0.0 << 0 << 90000;
    QTest::newRow("short hint from the server") << 50 << 1000 << 1 << 0.3 << 0 << 50;
    QTest::newRow("retry zero, first failure is immediate") << 0 << 60000 << 1 << 1.0 << 0 << 0;
    QTest::newRow("retry zero still backs off") << 0 << 60000 << 3 << 0.0 << 0 << 200;
    QTest::newRow("cap zero never waits") << 0 << 0 << 50 << 1.0 << 0 << 0;
    QTest::newRow("retry-after above the backoff wins")
        << 3000 << 60000 << 2 << 0.0 << 20000 << 20000;
    QTest::newRow("retry-after below the backoff is ignored")
        << 3000 << 60000 << 3 << 1.0 << 1000 << 12000;
}

void tst_ReconnectPolicy::delay()
{
    QFETCH(int, hint);
    QFETCH(int, cap);
    QFETCH(int, failures);
    QFETCH(double, random);
    QFETCH(int, minimum);
    QFETCH(int, expected);

    ReconnectPolicy policy([random] { return random; });
    policy.setRetryHint(hint);
    policy.setMaxDelay(cap);
    int delay = -1;
    for (int i = 0; i < failures; ++i)
        delay = policy.nextDelay(minimum);
    QCOMPARE(policy.failureCount(), failures);
    QCOMPARE(delay, expected);
    QVERIFY(delay >= hint);
}

void tst_ReconnectPolicy::growsUntilTheCap()
{
    ReconnectPolicy policy([] { return 1.0; });
    policy.setRetryHint(1000);
    policy.setMaxDelay(10000);
    QList<int> delays;
    for (int i = 0; i < 7; ++i)
        delays << policy.nextDelay();
    QCOMPARE(delays, (QList<int> { 1000, 2000, 4000, 8000, 10000, 10000, 10000 }));
}

void tst_ReconnectPolicy::resetStartsAgainFromTheHint()
{
    ReconnectPolicy policy([] { return 1.0; });
    policy.setRetryHint(500);
    for (int i = 0; i < 5; ++i)
        policy.nextDelay();
    QVERIFY(policy.nextDelay() > 500);
    policy.reset();
    QCOMPARE(policy.failureCount(), 0);
    QCOMPARE(policy.nextDelay(), 500);
}

void tst_ReconnectPolicy::jitterStaysInsideTheBounds()
{
    // The real random source: every draw must fall inside boundsFor().
    ReconnectPolicy policy;
    policy.setRetryHint(3000);
    QSet<int> seen;
    for (int failures = 1; failures <= 12; ++failures) {
        const ReconnectPolicy::Bounds bounds = policy.boundsFor(failures);
        QVERIFY(bounds.lowerMs >= 3000);
        QVERIFY(bounds.upperMs <= ReconnectPolicy::kDefaultMaxDelayMs);
        QVERIFY(bounds.lowerMs <= bounds.upperMs);
        for (int i = 0; i < 200; ++i) {
            ReconnectPolicy fresh;
            fresh.setRetryHint(3000);
            int delay = 0;
            for (int f = 0; f < failures; ++f)
                delay = fresh.nextDelay();
            QVERIFY2(delay >= bounds.lowerMs && delay <= bounds.upperMs,
                qPrintable(QStringLiteral("%1 outside [%2, %3]")
                               .arg(delay)
                               .arg(bounds.lowerMs)
                               .arg(bounds.upperMs)));
            if (failures == 4)
                seen.insert(delay);
        }
    }
    // Jitter really spreads the clients out.
    QVERIFY(seen.size() > 50);
}

void tst_ReconnectPolicy::defaultsMatchTheContract()
{
    ReconnectPolicy policy;
    QCOMPARE(policy.retryHint(), 3000);
    QCOMPARE(policy.maxDelay(), 60000);
    QCOMPARE(policy.nextDelay(), 3000);
}

QTEST_GUILESS_MAIN(tst_ReconnectPolicy)
#include "tst_reconnectpolicy.moc"
