// IngestRateLimiter (issue 3): the per-device token bucket behind 429
// rate_limited, driven with explicit times (no waiting).
#include "server/ingestratelimiter.h"

#include <QTest>

using namespace Sightline;

namespace {

const QDateTime kStart = QDateTime::fromString(QStringLiteral("2026-11-22T10:00:00.000Z"), Qt::ISODateWithMs);

struct Step
{
    qint64 atMs;     // since kStart
    QString device;
    int points;
    bool allowed;
    int retryAfter;  // expected when refused
};

} // namespace

Q_DECLARE_METATYPE(QList<Step>)

class tst_IngestRateLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sequence_data();
    void sequence();
    void unlimited();
};

void tst_IngestRateLimiter::sequence_data()
{
    QTest::addColumn<double>("rate");
    QTest::addColumn<QList<Step>>("steps");

    const QString a = QStringLiteral("account:x/site:s/device:a");
    const QString b = QStringLiteral("account:x/site:s/device:b");
    QTest::newRow("a full bucket lets the burst through at once")
        << 10.0 << QList<Step>{{0, a, 20, true, 0}, {0, a, 1, false, 1}};
    QTest::newRow("the bucket refills at the rate")
        << 10.0 << QList<Step>{{0, a, 20, true, 0}, {100, a, 1, true, 0}, {100, a, 1, false, 1}};
    QTest::newRow("retry-after covers the missing points")
        << 10.0 << QList<Step>{{0, a, 20, true, 0}, {0, a, 15, false, 2}, {1500, a, 15, true, 0}};
    QTest::newRow("devices have their own buckets")
        << 10.0 << QList<Step>{{0, a, 20, true, 0}, {0, b, 20, true, 0}, {0, a, 1, false, 1}};
    QTest::newRow("refill stops at the burst")
        << 10.0 << QList<Step>{{0, a, 1, true, 0}, {60000, a, 20, true, 0}, {60000, a, 1, false, 1}};
    QTest::newRow("a batch over the burst passes on a full bucket, then waits off its debt")
        << 10.0 << QList<Step>{{0, a, 50, true, 0}, {1000, a, 1, false, 3}, {4100, a, 1, true, 0}};
    QTest::newRow("a batch over the burst is refused until the bucket is full")
        << 10.0 << QList<Step>{{0, a, 10, true, 0}, {0, a, 50, false, 1}, {1000, a, 50, true, 0}};
    QTest::newRow("a clock stepping back refills nothing")
        << 10.0 << QList<Step>{{5000, a, 20, true, 0}, {0, a, 1, false, 1}, {5100, a, 1, true, 0}};
}

void tst_IngestRateLimiter::sequence()
{
    QFETCH(double, rate);
    QFETCH(QList<Step>, steps);
    IngestRateLimiter limiter(rate);
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const Step &step = steps.at(i);
        const IngestRateLimiter::Decision decision =
            limiter.take(step.device, step.points, kStart.addMSecs(step.atMs));
        QVERIFY2(decision.allowed == step.allowed, qPrintable(QStringLiteral("step %1").arg(i)));
        if (!step.allowed)
            QCOMPARE(decision.retryAfterSeconds, step.retryAfter);
    }
}

void tst_IngestRateLimiter::unlimited()
{
    IngestRateLimiter limiter(0);
    QVERIFY(limiter.isUnlimited());
    for (int i = 0; i < 1000; ++i)
        QVERIFY(limiter.take(QStringLiteral("d"), 1000, kStart).allowed);
}

QTEST_GUILESS_MAIN(tst_IngestRateLimiter)
#include "tst_ingestratelimiter.moc"
