#include "telemetry/bucketstore.h"

#include <QSignalSpy>
#include <QTest>

using namespace Sightline;

namespace {

constexpr qint64 kT0 = 1795341600000; // 2026-11-22T10:00:00Z, a multiple of every step below
constexpr qint64 kStep = 60000;
const QString kDevice = QStringLiteral("d1");
const QString kField = QStringLiteral("temp_c");

// A bucket of `count` points with one field whose values ran from lo to hi.
HistoryBucket bucket(qint64 tsMs, double lo, double hi, int count = 2, const QString &field = kField)
{
    HistoryBucket b;
    b.tsMs = tsMs;
    b.count = count;
    b.min.insert(field, lo);
    b.max.insert(field, hi);
    b.mean.insert(field, (lo + hi) / 2);
    b.last.insert(field, hi);
    return b;
}

// Buckets first..last of kStep from kT0, bucket i spanning values i..i+1.
HistoryBucketPage page(int first, int last, qint64 stepMs = kStep)
{
    HistoryBucketPage p;
    p.stepMs = stepMs;
    for (int i = first; i <= last; ++i)
        p.buckets.append(bucket(kT0 + i * stepMs, i, i + 1));
    return p;
}

TelemetryData point(qint64 tMs, double value, const QString &field = kField)
{
    TelemetryData p;
    p.deviceId = kDevice;
    p.tsMs = tMs;
    p.fields.insert(field, value);
    return p;
}

QList<qint64> starts(const QList<HistoryBucket> &buckets)
{
    QList<qint64> list;
    for (const HistoryBucket &b : buckets)
        list.append(b.tsMs);
    return list;
}

} // namespace

class tst_BucketStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mergeAndQuery();
    void sameStepMerges();
    void pagesOfOtherFieldsAddUp();
    void anotherStepReplaces();
    void pageWithoutStepIsRefused();
    void livePointsFoldIntoTheirBucket();
    void livePointsRefused_data();
    void livePointsRefused();
    void newFieldsAreAnnounced();
    void capacityBoundsEachDevice();
    void removeAndClear();
};

void tst_BucketStore::mergeAndQuery()
{
    BucketStore store;
    QSignalSpy changed(&store, &BucketStore::bucketsChanged);
    QCOMPARE(store.mergeBuckets(kDevice, page(0, 9)), 10);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toString(), kDevice);
    QCOMPARE(store.devices(), QStringList{kDevice});
    QCOMPARE(store.stepMs(kDevice), kStep);
    QCOMPARE(store.bucketCount(kDevice), 10);
    QCOMPARE(store.oldestMs(kDevice), kT0);
    QCOMPARE(store.newestMs(kDevice), kT0 + 9 * kStep);
    QCOMPARE(store.fields(kDevice), QStringList{kField});
    // The bucket that begins before `from` but reaches into it is included;
    // one that begins after `to` is not.
    QCOMPARE(starts(store.buckets(kDevice, kT0 + 2 * kStep + 30000, kT0 + 4 * kStep)),
             (QList<qint64>{kT0 + 2 * kStep, kT0 + 3 * kStep, kT0 + 4 * kStep}));
    const HistoryBucket b = store.buckets(kDevice, kT0 + 5 * kStep, kT0 + 5 * kStep).constFirst();
    QCOMPARE(b.min.value(kField), 5.0);
    QCOMPARE(b.max.value(kField), 6.0);
    QCOMPARE(b.mean.value(kField), 5.5);
    QVERIFY(store.buckets(QStringLiteral("unknown"), kT0, kT0 + kStep).isEmpty());
    QVERIFY(store.buckets(kDevice, kT0 + kStep, kT0).isEmpty()); // inverted range
    QCOMPARE(store.stepMs(QStringLiteral("unknown")), 0);
}

void tst_BucketStore::sameStepMerges()
{
    BucketStore store;
    store.mergeBuckets(kDevice, page(0, 4));
    // An overlapping page: its buckets replace the stored ones at the same start.
    HistoryBucketPage later = page(3, 7);
    later.buckets[0] = bucket(kT0 + 3 * kStep, 100, 200);
    QCOMPARE(store.mergeBuckets(kDevice, later), 5);
    QCOMPARE(store.bucketCount(kDevice), 8);
    const QList<HistoryBucket> all = store.buckets(kDevice, kT0, kT0 + 10 * kStep);
    QCOMPARE(starts(all).size(), 8);
    QCOMPARE(all.at(3).max.value(kField), 200.0);
    QCOMPARE(all.at(2).max.value(kField), 3.0); // the first page's bucket stays
}

void tst_BucketStore::pagesOfOtherFieldsAddUp()
{
    // Two charts of one device ask for their own fields at one step: the
    // second page must not take the first one's field away.
    BucketStore store;
    store.mergeBuckets(kDevice, page(0, 2)); // kField
    HistoryBucketPage power = page(0, 2);
    for (HistoryBucket &b : power.buckets) {
        for (QHash<QString, double> *aggregate : {&b.min, &b.max, &b.mean, &b.last}) {
            const double value = aggregate->take(kField);
            aggregate->insert(QStringLiteral("power_mw"), value * 1000);
        }
    }
    QCOMPARE(store.mergeBuckets(kDevice, power), 3);
    const QList<HistoryBucket> all = store.buckets(kDevice, kT0, kT0 + 3 * kStep);
    QCOMPARE(all.size(), 3);
    for (const HistoryBucket &b : all) {
        QVERIFY(b.mean.contains(kField));
        QVERIFY(b.mean.contains(QStringLiteral("power_mw")));
        QCOMPARE(b.max.value(QStringLiteral("power_mw")), b.max.value(kField) * 1000);
    }
    QCOMPARE(store.fields(kDevice), (QStringList{QStringLiteral("power_mw"), kField}));
}

void tst_BucketStore::anotherStepReplaces()
{
    BucketStore store;
    store.mergeBuckets(kDevice, page(0, 9));
    QCOMPARE(store.mergeBuckets(kDevice, page(0, 1, 5 * kStep)), 2);
    QCOMPARE(store.stepMs(kDevice), 5 * kStep);
    QCOMPARE(starts(store.buckets(kDevice, kT0, kT0 + 60 * kStep)), (QList<qint64>{kT0, kT0 + 5 * kStep}));
    // An empty page of another step still sets the step: nothing there.
    HistoryBucketPage empty;
    empty.stepMs = 2 * kStep;
    QCOMPARE(store.mergeBuckets(kDevice, empty), 0);
    QCOMPARE(store.stepMs(kDevice), 2 * kStep);
    QCOMPARE(store.bucketCount(kDevice), 0);
}

void tst_BucketStore::pageWithoutStepIsRefused()
{
    BucketStore store;
    QSignalSpy changed(&store, &BucketStore::bucketsChanged);
    HistoryBucketPage noStep = page(0, 3);
    noStep.stepMs = 0;
    QCOMPARE(store.mergeBuckets(kDevice, noStep), 0);
    QVERIFY(store.devices().isEmpty());
    QVERIFY(changed.isEmpty());
}

void tst_BucketStore::livePointsFoldIntoTheirBucket()
{
    BucketStore store;
    store.mergeBuckets(kDevice, page(0, 2)); // the newest bucket: 2..3, mean 2.5 over 2 points
    QSignalSpy changed(&store, &BucketStore::bucketsChanged);
    const qint64 inNewest = kT0 + 2 * kStep + 40000;
    QVERIFY(store.addPoint(point(inNewest, 5.5)));
    QCOMPARE(changed.size(), 1);
    HistoryBucket b = store.buckets(kDevice, inNewest, inNewest).constFirst();
    QCOMPARE(b.count, 3);
    QCOMPARE(b.min.value(kField), 2.0);
    QCOMPARE(b.max.value(kField), 5.5);
    QCOMPARE(b.mean.value(kField), (2.5 * 2 + 5.5) / 3);
    QCOMPARE(b.last.value(kField), 5.5);
    QVERIFY(store.addPoint(point(inNewest + 1000, 1.0)));
    b = store.buckets(kDevice, inNewest, inNewest).constFirst();
    QCOMPARE(b.min.value(kField), 1.0);
    QCOMPARE(b.mean.value(kField), (2.5 * 2 + 5.5 + 1.0) / 4);
    QCOMPARE(b.last.value(kField), 1.0);
    // The next step's first point starts the live edge's bucket.
    const qint64 nextBucket = kT0 + 3 * kStep + 10;
    QVERIFY(store.addPoint(point(nextBucket, 7)));
    QCOMPARE(store.newestMs(kDevice), kT0 + 3 * kStep);
    b = store.buckets(kDevice, nextBucket, nextBucket).constFirst();
    QCOMPARE(b.tsMs, kT0 + 3 * kStep);
    QCOMPARE(b.count, 1);
    QCOMPARE(b.min.value(kField), 7.0);
    QCOMPARE(b.max.value(kField), 7.0);
    QCOMPARE(b.mean.value(kField), 7.0);
    QCOMPARE(store.newestFoldedMs(kDevice), nextBucket); // what the status bar's latency measures
    QCOMPARE(store.newestFoldedMs(QStringLiteral("nobody")), qint64(0));
}

void tst_BucketStore::livePointsRefused_data()
{
    QTest::addColumn<bool>("loaded");
    QTest::addColumn<qint64>("tMs");
    QTest::newRow("no buckets loaded yet") << false << kT0 + 2 * kStep;
    QTest::newRow("before the oldest bucket") << true << kT0 - 1;
    QTest::newRow("a repeat of the newest folded point") << true << kT0 + 2 * kStep + 500;
    QTest::newRow("older than the newest folded point") << true << kT0 + 2 * kStep + 100;
}

void tst_BucketStore::livePointsRefused()
{
    QFETCH(bool, loaded);
    QFETCH(qint64, tMs);
    BucketStore store;
    if (loaded) {
        store.mergeBuckets(kDevice, page(0, 2));
        QVERIFY(store.addPoint(point(kT0 + 2 * kStep + 500, 9)));
    }
    const QList<HistoryBucket> before = store.buckets(kDevice, kT0 - kStep, kT0 + 10 * kStep);
    QSignalSpy changed(&store, &BucketStore::bucketsChanged);
    QVERIFY(!store.addPoint(point(tMs, 100)));
    QVERIFY(changed.isEmpty());
    const QList<HistoryBucket> after = store.buckets(kDevice, kT0 - kStep, kT0 + 10 * kStep);
    QCOMPARE(starts(after), starts(before));
    for (qsizetype i = 0; i < after.size(); ++i) {
        QCOMPARE(after.at(i).count, before.at(i).count);
        QCOMPARE(after.at(i).max, before.at(i).max);
    }
}

void tst_BucketStore::newFieldsAreAnnounced()
{
    BucketStore store;
    QSignalSpy fields(&store, &BucketStore::fieldsChanged);
    store.mergeBuckets(kDevice, page(0, 2));
    QCOMPARE(fields.size(), 1);
    store.mergeBuckets(kDevice, page(3, 4)); // the same field again
    QCOMPARE(fields.size(), 1);
    HistoryBucketPage power;
    power.stepMs = kStep;
    power.buckets.append(bucket(kT0 + 5 * kStep, 4000, 5000, 2, QStringLiteral("power_mw")));
    store.mergeBuckets(kDevice, power);
    QCOMPARE(fields.size(), 2);
    QCOMPARE(store.fields(kDevice), (QStringList{QStringLiteral("power_mw"), kField}));
    // A live point with a field of its own.
    QVERIFY(store.addPoint(point(kT0 + 5 * kStep + 1000, 30, QStringLiteral("gpu_util_pct"))));
    QCOMPARE(fields.size(), 3);
    QCOMPARE(store.fields(kDevice), (QStringList{QStringLiteral("gpu_util_pct"), QStringLiteral("power_mw"), kField}));
}

void tst_BucketStore::capacityBoundsEachDevice()
{
    BucketStore store;
    store.setCapacityPerDevice(5);
    QCOMPARE(store.mergeBuckets(kDevice, page(0, 9)), 5);
    QCOMPARE(store.bucketCount(kDevice), 5);
    QCOMPARE(store.oldestMs(kDevice), kT0 + 5 * kStep); // the newest are kept
    // The live edge pushes the oldest out too.
    QVERIFY(store.addPoint(point(kT0 + 10 * kStep, 1)));
    QCOMPARE(store.bucketCount(kDevice), 5);
    QCOMPARE(store.oldestMs(kDevice), kT0 + 6 * kStep);
    // A smaller capacity trims at once.
    QSignalSpy changed(&store, &BucketStore::bucketsChanged);
    store.setCapacityPerDevice(2);
    QCOMPARE(store.bucketCount(kDevice), 2);
    QCOMPARE(changed.size(), 1);
    store.setCapacityPerDevice(0);
    QCOMPARE(store.capacityPerDevice(), 1);
}

void tst_BucketStore::removeAndClear()
{
    BucketStore store;
    store.mergeBuckets(kDevice, page(0, 2));
    store.mergeBuckets(QStringLiteral("d2"), page(0, 2));
    QSignalSpy changed(&store, &BucketStore::bucketsChanged);
    store.removeDevice(kDevice);
    QCOMPARE(store.devices(), QStringList{QStringLiteral("d2")});
    QCOMPARE(changed.size(), 1);
    store.clear();
    QVERIFY(store.devices().isEmpty());
    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed.at(1).at(0).toString(), QStringLiteral("d2"));
}

QTEST_MAIN(tst_BucketStore)
#include "tst_bucketstore.moc"
