#include "telemetry/seriesstore.h"

#include <QSignalSpy>
#include <QTest>

using namespace Sightline;

namespace {

constexpr qint64 kT0 = 1795341600000; // 2026-11-22T10:00:00Z

TelemetryData point(qint64 tMs, double value, qint64 seq = -1, const QString &device = QStringLiteral("d1"))
{
    TelemetryData p;
    p.deviceId = device;
    p.tsMs = tMs;
    p.seq = seq;
    p.fields.insert(QStringLiteral("temp_c"), value);
    return p;
}

// Every 500 ms from kT0, values = index, seq = index when withSeq.
QList<TelemetryData> run(int first, int last, bool withSeq)
{
    QList<TelemetryData> list;
    for (int i = first; i <= last; ++i)
        list.append(point(kT0 + i * 500, i, withSeq ? i : -1));
    return list;
}

} // namespace

class tst_SeriesStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void liveInOrder();
    void mergeHistoryAndLive_data();
    void mergeHistoryAndLive();
    void duplicates_data();
    void duplicates();
    void windowTrimming();
    void shrinkingRetentionTrims();
    void keepSinceHoldsWhatTheChartLooksBackTo();
    void capacityBoundsMemory();
    void gapMarkers_data();
    void gapMarkers();
    void segmentsBreakAtGaps();
    void segmentsReachWindowEdges();
    void signals_();
};

void tst_SeriesStore::liveInOrder()
{
    SeriesStore store;
    for (const TelemetryData &p : run(0, 9, true))
        QVERIFY(store.addPoint(p));
    QCOMPARE(store.pointCount(QStringLiteral("d1")), 10);
    QCOMPARE(store.newestMs(QStringLiteral("d1")), kT0 + 9 * 500);
    QCOMPARE(store.oldestMs(QStringLiteral("d1")), kT0);
    QCOMPARE(store.typicalIntervalMs(QStringLiteral("d1")), qint64(500));
    QCOMPARE(store.fields(QStringLiteral("d1")), QStringList{QStringLiteral("temp_c")});
}

void tst_SeriesStore::mergeHistoryAndLive_data()
{
    QTest::addColumn<bool>("withSeq");
    QTest::addColumn<bool>("historyFirst");
    QTest::addColumn<int>("historyLast"); // history covers 0..historyLast, live covers 20..39
    QTest::newRow("history overlaps live, seq, history first") << true << true << 25;
    QTest::newRow("history overlaps live, seq, live first") << true << false << 25;
    QTest::newRow("history overlaps live, no seq, history first") << false << true << 25;
    QTest::newRow("history overlaps live, no seq, live first") << false << false << 25;
    QTest::newRow("history ends where live starts") << true << false << 19;
    QTest::newRow("history covers all of live") << false << false << 39;
}

void tst_SeriesStore::mergeHistoryAndLive()
{
    QFETCH(bool, withSeq);
    QFETCH(bool, historyFirst);
    QFETCH(int, historyLast);
    SeriesStore store;
    const QList<TelemetryData> history = run(0, historyLast, withSeq);
    const QList<TelemetryData> live = run(20, 39, withSeq);
    if (historyFirst) {
        QCOMPARE(store.mergeHistory(QStringLiteral("d1"), history), history.size());
        for (const TelemetryData &p : live)
            store.addPoint(p);
    } else {
        for (const TelemetryData &p : live)
            store.addPoint(p);
        // Only the part of history before live is new.
        QCOMPARE(store.mergeHistory(QStringLiteral("d1"), history), std::min(historyLast + 1, 20));
    }
    // No gap, no duplicate: exactly 0..39, each once, in order.
    const QList<Sample> samples = store.samples(QStringLiteral("d1"), QStringLiteral("temp_c"), kT0, kT0 + 3600000);
    QCOMPARE(samples.size(), 40);
    for (int i = 0; i < 40; ++i) {
        QCOMPARE(samples.at(i).tMs, kT0 + i * 500);
        QCOMPARE(samples.at(i).value, double(i));
    }
    QVERIFY(store.gaps(QStringLiteral("d1"), kT0, kT0 + 3600000).isEmpty());
    QCOMPARE(store.segments(QStringLiteral("d1"), QStringLiteral("temp_c"), kT0, kT0 + 3600000).size(), 1);
}

void tst_SeriesStore::duplicates_data()
{
    QTest::addColumn<qint64>("firstSeq");
    QTest::addColumn<qint64>("secondSeq");
    QTest::addColumn<qint64>("secondOffsetMs");
    QTest::addColumn<bool>("secondStored");
    QTest::newRow("same seq same time") << qint64(5) << qint64(5) << qint64(0) << false;
    QTest::newRow("same seq other time") << qint64(5) << qint64(5) << qint64(100) << false;
    QTest::newRow("other seq same time") << qint64(5) << qint64(6) << qint64(0) << true;
    QTest::newRow("no seq same time") << qint64(-1) << qint64(-1) << qint64(0) << false;
    QTest::newRow("no seq other time") << qint64(-1) << qint64(-1) << qint64(1) << true;
    QTest::newRow("seq then none at same time") << qint64(5) << qint64(-1) << qint64(0) << false;
}

void tst_SeriesStore::duplicates()
{
    QFETCH(qint64, firstSeq);
    QFETCH(qint64, secondSeq);
    QFETCH(qint64, secondOffsetMs);
    QFETCH(bool, secondStored);
    SeriesStore store;
    QVERIFY(store.addPoint(point(kT0, 1, firstSeq)));
    QCOMPARE(store.addPoint(point(kT0 + secondOffsetMs, 2, secondSeq)), secondStored);
    QCOMPARE(store.pointCount(QStringLiteral("d1")), secondStored ? 2 : 1);
    // The first value is never overwritten by a duplicate.
    QCOMPARE(store.samples(QStringLiteral("d1"), QStringLiteral("temp_c"), kT0, kT0).constFirst().value, 1.0);
}

void tst_SeriesStore::windowTrimming()
{
    SeriesStore store;
    store.setRetentionMs(10000); // 10 s = 20 points at 2 Hz
    for (const TelemetryData &p : run(0, 99, true))
        store.addPoint(p);
    const qint64 newest = kT0 + 99 * 500;
    QCOMPARE(store.newestMs(QStringLiteral("d1")), newest);
    QCOMPARE(store.oldestMs(QStringLiteral("d1")), newest - 10000);
    QCOMPARE(store.pointCount(QStringLiteral("d1")), 21);
    QCOMPARE(store.samples(QStringLiteral("d1"), QStringLiteral("temp_c"), 0, newest).size(), 21);
    // A point older than the window is refused instead of stored and trimmed.
    QVERIFY(!store.addPoint(point(kT0, 0, 1000)));
    // A trimmed seq may come back later without being taken for a duplicate.
    QVERIFY(store.addPoint(point(newest + 500, 1, 0)));
    // History entirely older than the window adds nothing.
    QCOMPARE(store.mergeHistory(QStringLiteral("d1"), run(0, 10, false)), 0);
}

void tst_SeriesStore::shrinkingRetentionTrims()
{
    SeriesStore store;
    for (const TelemetryData &p : run(0, 119, false))
        store.addPoint(p);
    QCOMPARE(store.pointCount(QStringLiteral("d1")), 120);
    store.setRetentionMs(5000);
    QCOMPARE(store.pointCount(QStringLiteral("d1")), 11);
}

void tst_SeriesStore::keepSinceHoldsWhatTheChartLooksBackTo()
{
    const QString d1 = QStringLiteral("d1");
    SeriesStore store;
    store.setRetentionMs(5000); // 11 points at 500 ms
    store.setKeepSinceMs(kT0 + 20 * 500);
    for (const TelemetryData &p : run(0, 119, false))
        store.addPoint(p);
    // Everything from the keep-since time on, although older than the window.
    QCOMPARE(store.pointCount(d1), 100);
    QCOMPARE(store.oldestMs(d1), kT0 + 20 * 500);

    // History for the range looked back to is kept; older history is not.
    store.setKeepSinceMs(kT0 - 30 * 500);
    QCOMPARE(store.pointCount(d1), 100); // moving it earlier drops nothing
    QList<TelemetryData> older;
    for (int i = -40; i < 20; ++i)
        older.append(point(kT0 + i * 500, i));
    QCOMPARE(store.mergeHistory(d1, older), 50);
    QCOMPARE(store.oldestMs(d1), kT0 - 30 * 500);
    QCOMPARE(store.samples(d1, QStringLiteral("temp_c"), 0, kT0 * 2).size(), 150);
    QVERIFY(!store.addPoint(point(kT0 - 31 * 500, -31))); // before it: trimmed at once, so refused

    // Looking back less far (a later keep-since) drops what lies before it.
    store.setKeepSinceMs(kT0 + 60 * 500);
    QCOMPARE(store.pointCount(d1), 60);
    QCOMPARE(store.oldestMs(d1), kT0 + 60 * 500);

    // Back to live: only the window is left.
    store.setKeepSinceMs(0);
    QCOMPARE(store.pointCount(d1), 11);
    QCOMPARE(store.oldestMs(d1), kT0 + 109 * 500);
    QCOMPARE(store.samples(d1, QStringLiteral("temp_c"), 0, kT0 * 2).constFirst().value, 109.0);
}

void tst_SeriesStore::capacityBoundsMemory()
{
    SeriesStore store;
    store.setCapacityPerSeries(50);
    for (const TelemetryData &p : run(0, 499, true))
        store.addPoint(p);
    QCOMPARE(store.pointCount(QStringLiteral("d1")), 50);
    const QList<Sample> samples = store.samples(QStringLiteral("d1"), QStringLiteral("temp_c"), 0, kT0 * 2);
    QCOMPARE(samples.size(), 50);
    QCOMPARE(samples.constFirst().value, 450.0);
    QCOMPARE(samples.constLast().value, 499.0);
}

void tst_SeriesStore::gapMarkers_data()
{
    QTest::addColumn<QList<int>>("indexes"); // points at kT0 + i * 500
    QTest::addColumn<QList<int>>("gapStarts"); // indexes where a gap starts
    QTest::newRow("no gap") << QList<int>{0, 1, 2, 3, 4, 5, 6} << QList<int>{};
    QTest::newRow("one missing point is jitter, not a gap") << QList<int>{0, 1, 2, 4, 5, 6, 7} << QList<int>{};
    QTest::newRow("several missing points") << QList<int>{0, 1, 2, 3, 4, 10, 11, 12, 13} << QList<int>{4};
    QTest::newRow("two gaps") << QList<int>{0, 1, 2, 3, 9, 10, 11, 12, 20, 21, 22} << QList<int>{3, 12};
}

void tst_SeriesStore::gapMarkers()
{
    QFETCH(QList<int>, indexes);
    QFETCH(QList<int>, gapStarts);
    SeriesStore store;
    for (int i : indexes)
        store.addPoint(point(kT0 + i * 500, i));
    const QList<Gap> gaps = store.gaps(QStringLiteral("d1"), kT0, kT0 + 60000);
    QCOMPARE(gaps.size(), gapStarts.size());
    for (int g = 0; g < gaps.size(); ++g) {
        const int start = gapStarts.at(g);
        const int end = indexes.at(indexes.indexOf(start) + 1);
        QCOMPARE(gaps.at(g), (Gap{kT0 + start * 500, kT0 + end * 500}));
    }
    const auto segments = store.segments(QStringLiteral("d1"), QStringLiteral("temp_c"), kT0, kT0 + 60000);
    QCOMPARE(segments.size(), gapStarts.size() + 1);
}

void tst_SeriesStore::segmentsBreakAtGaps()
{
    SeriesStore store;
    for (int i : {0, 1, 2, 3, 20, 21, 22})
        store.addPoint(point(kT0 + i * 500, i));
    const auto segments = store.segments(QStringLiteral("d1"), QStringLiteral("temp_c"), kT0, kT0 + 60000);
    QCOMPARE(segments.size(), 2);
    QCOMPARE(segments.at(0).size(), 4);
    QCOMPARE(segments.at(1).size(), 3);
    QCOMPARE(segments.at(1).constFirst(), QPointF(double(kT0 + 20 * 500), 20.0));
    // Filling the gap from history joins the line again.
    QCOMPARE(store.mergeHistory(QStringLiteral("d1"), run(0, 22, false)), 16);
    QCOMPARE(store.segments(QStringLiteral("d1"), QStringLiteral("temp_c"), kT0, kT0 + 60000).size(), 1);
}

void tst_SeriesStore::segmentsReachWindowEdges()
{
    SeriesStore store;
    for (const TelemetryData &p : run(0, 20, false))
        store.addPoint(p);
    // Window [1.25 s, 3.25 s] holds points 3..6; the neighbours 2 and 7 come along.
    const auto segments = store.segments(QStringLiteral("d1"), QStringLiteral("temp_c"), kT0 + 1250, kT0 + 3250);
    QCOMPARE(segments.size(), 1);
    QCOMPARE(segments.at(0).size(), 6);
    QCOMPARE(segments.at(0).constFirst().y(), 2.0);
    QCOMPARE(segments.at(0).constLast().y(), 7.0);
}

void tst_SeriesStore::signals_()
{
    SeriesStore store;
    QSignalSpy added(&store, &SeriesStore::pointsAdded);
    QSignalSpy fields(&store, &SeriesStore::fieldsChanged);
    store.addPoint(point(kT0, 1, 1));
    store.addPoint(point(kT0, 1, 1)); // duplicate: no signal
    QCOMPARE(added.size(), 1);
    QCOMPARE(fields.size(), 1);
    TelemetryData more = point(kT0 + 500, 2, 2);
    more.fields.insert(QStringLiteral("power_mw"), 5000);
    store.addPoint(more);
    QCOMPARE(fields.size(), 2);
    QCOMPARE(store.mergeHistory(QStringLiteral("d1"), run(-10, -1, true)), 10);
    QCOMPARE(added.size(), 3);
    QCOMPARE(added.last().at(1).toInt(), 10);
}

QTEST_GUILESS_MAIN(tst_SeriesStore)
#include "tst_seriesstore.moc"
