// Tests of BucketAggregator and its helpers (history with step, issue 14):
// the fields reader, the rollup blob, and folding newest first.
#include <QTest>

#include "server/bucketaggregator.h"

using namespace Sightline;

namespace {

QString describe(const QList<HistoryStepBucket> &buckets)
{
    QStringList lines;
    for (const HistoryStepBucket &bucket : buckets) {
        QString line = QStringLiteral("%1 n=%2").arg(bucket.startMs).arg(bucket.count);
        for (const FieldAggregate &field : bucket.fields)
            line += QStringLiteral(" %1=%2/%3/%4/%5").arg(field.name).arg(field.min).arg(field.max).arg(field.mean).arg(field.last);
        lines.append(line);
    }
    return lines.join(QLatin1Char('|'));
}

} // namespace

class tst_BucketAggregator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsFields_data();
    void readsFields();
    void blobRoundTrips();
    void blobOfAnotherFormatIsRefused_data();
    void blobOfAnotherFormatIsRefused();
    void floorsBeforeTheEpoch();
    void foldsNewestFirst();
    void partialsAndPointsTogether();
    void limitStopsTheFeed();
};

void tst_BucketAggregator::readsFields_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("visited");
    QTest::newRow("as the worker writes it") << QByteArray(R"({"a":1,"b.c":-2.5,"d":1e+21})") << true
                                             << "a=1 b.c=-2.5 d=1e+21";
    QTest::newRow("spaces") << QByteArray(" { \"a\" : 1 , \"b\" : 2 } ") << true << "a=1 b=2";
    QTest::newRow("empty object") << QByteArray("{}") << true << "";
    QTest::newRow("escaped name (slow path)") << QByteArray(R"({"a\u0041":3})") << true << "aA=3";
    QTest::newRow("string value") << QByteArray(R"({"a":"1"})") << false << "";
    QTest::newRow("not an object") << QByteArray("[1]") << false << "";
    QTest::newRow("cut short") << QByteArray(R"({"a":1,)") << false << "";
    QTest::newRow("trailing garbage") << QByteArray(R"({"a":1}x)") << false << "";
}

void tst_BucketAggregator::readsFields()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, ok);
    QFETCH(QString, visited);
    QStringList seen;
    QCOMPARE(forEachJsonField(json, [&seen](QByteArrayView name, double value) {
                 seen.append(QString::fromUtf8(name) + QLatin1Char('=') + QString::number(value));
             }),
             ok);
    QCOMPARE(seen.join(QLatin1Char(' ')), visited);
}

void tst_BucketAggregator::blobRoundTrips()
{
    PartialBucket bucket;
    QVERIFY(bucket.addPoint(1000, R"({"a":1,"b":-4})"));
    QVERIFY(bucket.addPoint(2000, R"({"a":3})"));
    QVERIFY(bucket.addPoint(2000, R"({"a":2})")); // same time, later row: the last
    const std::optional<PartialBucket> decoded = PartialBucket::decode(bucket.encode());
    QVERIFY(decoded);
    QCOMPARE(decoded->count, 3);
    QCOMPARE(decoded->fields.size(), 2);
    const FieldAccumulator &a = decoded->fields.at(0);
    QCOMPARE(a.name, QByteArray("a"));
    QCOMPARE(a.count, 3);
    QCOMPARE(a.min, 1.0);
    QCOMPARE(a.max, 3.0);
    QCOMPARE(a.sum, 6.0);
    QCOMPARE(a.lastTsMs, 2000);
    QCOMPARE(a.last, 2.0);
    QCOMPARE(decoded->fields.at(1).name, QByteArray("b"));
    QCOMPARE(decoded->fields.at(1).last, -4.0);

    // Only some fields: the others are skipped, the count stays.
    const std::optional<PartialBucket> onlyB = PartialBucket::decode(bucket.encode(), {QByteArray("b"), QByteArray("zz")});
    QVERIFY(onlyB);
    QCOMPARE(onlyB->count, 3);
    QCOMPARE(onlyB->fields.size(), 1);
    QCOMPARE(onlyB->fields.at(0).name, QByteArray("b"));
    QCOMPARE(onlyB->fields.at(0).min, -4.0);
}

void tst_BucketAggregator::blobOfAnotherFormatIsRefused_data()
{
    QTest::addColumn<QByteArray>("blob");
    PartialBucket bucket;
    bucket.addPoint(1000, R"({"a":1})");
    const QByteArray good = bucket.encode();
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("cut short") << good.left(good.size() - 1);
    QTest::newRow("trailing bytes") << good + 'x';
    QByteArray otherVersion = good;
    otherVersion[0] = char(otherVersion[0] + 1);
    QTest::newRow("another version") << otherVersion;
}

void tst_BucketAggregator::blobOfAnotherFormatIsRefused()
{
    QFETCH(QByteArray, blob);
    QVERIFY(!PartialBucket::decode(blob));
}

void tst_BucketAggregator::floorsBeforeTheEpoch()
{
    QCOMPARE(BucketAggregator::floorTo(59999, 60000), 0);
    QCOMPARE(BucketAggregator::floorTo(60000, 60000), 60000);
    QCOMPARE(BucketAggregator::floorTo(-1, 60000), -60000);
    QCOMPARE(BucketAggregator::floorTo(-60000, 60000), -60000);
}

void tst_BucketAggregator::foldsNewestFirst()
{
    BucketAggregator aggregator(60000, 10, {});
    // Newest first, as SqliteWorker reads them; on equal times the first
    // seen (the later row) is the last.
    QVERIFY(aggregator.addPoint(61000, R"({"a":4,"b":1})"));
    QVERIFY(aggregator.addPoint(61000, R"({"a":9})"));
    QVERIFY(aggregator.addPoint(60000, R"({"a":2})"));
    QVERIFY(aggregator.addPoint(59999, R"({"z":1,"a":1})"));
    QVERIFY(!aggregator.isTruncated());
    QCOMPARE(describe(aggregator.takeBuckets()), QStringLiteral("0 n=1 a=1/1/1/1 z=1/1/1/1|60000 n=3 a=2/9/5/4 b=1/1/1/1"));
}

void tst_BucketAggregator::partialsAndPointsTogether()
{
    PartialBucket minute;
    minute.addPoint(120500, R"({"a":1})");
    minute.addPoint(150000, R"({"a":5,"b":2})");
    BucketAggregator aggregator(120000, 10, {QStringLiteral("a")});
    QVERIFY(aggregator.addPoint(200000, R"({"a":7})")); // the newer minute of the bucket, from points
    QVERIFY(aggregator.addPartial(120000, minute));
    QCOMPARE(describe(aggregator.takeBuckets()), QStringLiteral("120000 n=3 a=1/7/4.33333/7"));
}

void tst_BucketAggregator::limitStopsTheFeed()
{
    BucketAggregator aggregator(1000, 2, {});
    QVERIFY(aggregator.addPoint(3500, R"({"a":3})"));
    QVERIFY(aggregator.addPoint(2500, R"({"a":2})"));
    QVERIFY(aggregator.addPoint(2400, R"({"a":1})"));
    QVERIFY(!aggregator.addPoint(1500, R"({"a":0})"));
    QVERIFY(aggregator.isTruncated());
    QCOMPARE(describe(aggregator.takeBuckets()), QStringLiteral("2000 n=2 a=1/2/1.5/2|3000 n=1 a=3/3/3/3"));
}

QTEST_GUILESS_MAIN(tst_BucketAggregator)
#include "tst_bucketaggregator.moc"
