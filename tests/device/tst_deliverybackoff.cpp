// Tests of DeliveryBackoff (issue 7): exponential growth, equal jitter with
// an injected random source, the cap, Retry-After as a floor, and the
// Retry-After header forms. No test waits.
#include "device/deliverybackoff.h"

#include <QtTest>

using Sightline::DeliveryBackoff;

class tst_DeliveryBackoff : public QObject
{
    Q_OBJECT

private slots:
    void delaysGrowAndStayInRange_data();
    void delaysGrowAndStayInRange();
    void retryAfterIsAFloorEvenAboveTheCap();
    void resetStartsOver();
    void parsesRetryAfter_data();
    void parsesRetryAfter();
};

void tst_DeliveryBackoff::delaysGrowAndStayInRange_data()
{
    QTest::addColumn<double>("random");
    QTest::addColumn<QList<int>>("expected");
    // initial 500 ms, cap 8000 ms: upper 500, 1000, 2000, 4000, 8000, 8000
    QTest::newRow("random at the low end") << 0.0 << QList<int>{250, 500, 1000, 2000, 4000, 4000};
    QTest::newRow("random at the high end") << 1.0 << QList<int>{500, 1000, 2000, 4000, 8000, 8000};
    QTest::newRow("random in the middle") << 0.5 << QList<int>{375, 750, 1500, 3000, 6000, 6000};
    QTest::newRow("random out of range is clamped") << 7.0 << QList<int>{500, 1000, 2000, 4000, 8000, 8000};
}

void tst_DeliveryBackoff::delaysGrowAndStayInRange()
{
    QFETCH(double, random);
    QFETCH(QList<int>, expected);
    DeliveryBackoff backoff([random] { return random; });
    backoff.setInitialDelay(500);
    backoff.setMaxDelay(8000);
    QList<int> actual;
    for (qsizetype i = 0; i < expected.size(); ++i)
        actual.append(backoff.nextDelay());
    QCOMPARE(actual, expected);
    QCOMPARE(backoff.failureCount(), int(expected.size()));
}

void tst_DeliveryBackoff::retryAfterIsAFloorEvenAboveTheCap()
{
    DeliveryBackoff backoff([] { return 0.0; });
    backoff.setInitialDelay(500);
    backoff.setMaxDelay(2000);
    QCOMPARE(backoff.nextDelay(120000), 120000); // Retry-After: 120 wins over the cap
    QCOMPARE(backoff.nextDelay(100), 500); // a small Retry-After does not shorten backoff
}

void tst_DeliveryBackoff::resetStartsOver()
{
    DeliveryBackoff backoff([] { return 1.0; });
    backoff.setInitialDelay(100);
    backoff.setMaxDelay(100000);
    backoff.nextDelay();
    backoff.nextDelay();
    QCOMPARE(backoff.nextDelay(), 400);
    backoff.reset();
    QCOMPARE(backoff.failureCount(), 0);
    QCOMPARE(backoff.nextDelay(), 100);
}

void tst_DeliveryBackoff::parsesRetryAfter_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("expectedMs"); // -1: not usable
    QTest::newRow("seconds") << QByteArray("30") << 30000;
    QTest::newRow("zero seconds") << QByteArray("0") << 0;
    QTest::newRow("seconds with spaces") << QByteArray(" 2 ") << 2000;
    QTest::newRow("http date ten seconds ahead") << QByteArray("Sun, 22 Nov 2026 10:00:10 GMT") << 10000;
    QTest::newRow("http date in the past") << QByteArray("Sun, 22 Nov 2026 09:00:00 GMT") << 0;
    QTest::newRow("huge seconds are capped at an hour") << QByteArray("99999999") << 3600000;
    QTest::newRow("absent") << QByteArray() << -1;
    QTest::newRow("negative") << QByteArray("-5") << -1;
    QTest::newRow("garbage") << QByteArray("soon") << -1;
}

void tst_DeliveryBackoff::parsesRetryAfter()
{
    QFETCH(QByteArray, header);
    QFETCH(int, expectedMs);
    const QDateTime now(QDate(2026, 11, 22), QTime(10, 0, 0), Qt::UTC);
    const std::optional<int> parsed = DeliveryBackoff::parseRetryAfter(header, now);
    if (expectedMs < 0) {
        QVERIFY(!parsed.has_value());
    } else {
        QVERIFY(parsed.has_value());
        QCOMPARE(*parsed, expectedMs);
    }
}

QTEST_GUILESS_MAIN(tst_DeliveryBackoff)
#include "tst_deliverybackoff.moc"
