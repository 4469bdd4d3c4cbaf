// Tests of PointBuffer (issue 7): order, overflow accounting, batches that
// come back after a failed delivery.
#include "device/pointbuffer.h"

#include <QtTest>

#include "support/ranges.h"

using Sightline::DevicePoint;
using Sightline::PointBuffer;
using Sightline::Test::inclusiveRange;

namespace {

DevicePoint pointWithSeq(qint64 seq)
{
    DevicePoint point;
    point.deviceId = QStringLiteral("jetson-01");
    point.ts = QDateTime::fromMSecsSinceEpoch(1000 * seq, Qt::UTC);
    point.seq = seq;
    point.fields.insert(QStringLiteral("cpu_temp_c"), 40.0 + double(seq));
    return point;
}

QList<qint64> seqs(const QList<DevicePoint> &points)
{
    QList<qint64> out;
    for (const DevicePoint &point : points)
        out.append(point.seq);
    return out;
}

} // namespace

class tst_PointBuffer : public QObject
{
    Q_OBJECT

private slots:
    void keepsOrderAndDropsOldest_data();
    void keepsOrderAndDropsOldest();
    void restoredBatchGoesBackToTheFront();
    void restoredBatchBeyondCapacityDropsItsOldest();
    void takeBatchNeverReturnsMoreThanAsked_data();
    void takeBatchNeverReturnsMoreThanAsked();
};

void tst_PointBuffer::keepsOrderAndDropsOldest_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("appended");
    QTest::addColumn<qint64>("expectedDropped");
    QTest::addColumn<QList<qint64>>("expectedLeft");

    QTest::newRow("below capacity") << 5 << 3 << qint64(0) << inclusiveRange<qint64>(0, 2);
    QTest::newRow("exactly full") << 5 << 5 << qint64(0) << inclusiveRange<qint64>(0, 4);
    QTest::newRow("one over") << 5 << 6 << qint64(1) << inclusiveRange<qint64>(1, 5);
    QTest::newRow("many over") << 5 << 1000 << qint64(995) << inclusiveRange<qint64>(995, 999);
    QTest::newRow("capacity one") << 1 << 4 << qint64(3) << inclusiveRange<qint64>(3, 3);
}

void tst_PointBuffer::keepsOrderAndDropsOldest()
{
    QFETCH(int, capacity);
    QFETCH(int, appended);
    QFETCH(qint64, expectedDropped);
    QFETCH(QList<qint64>, expectedLeft);

    PointBuffer buffer(capacity);
    qint64 droppedSeen = 0;
    qint64 nextDroppedSeq = 0;
    for (int i = 0; i < appended; ++i) {
        const PointBuffer::Drop drop = buffer.append(pointWithSeq(i));
        if (drop.count > 0) {
            // Each drop names exactly the oldest seqs, in order.
            QCOMPARE(drop.firstSeq, nextDroppedSeq);
            QCOMPARE(drop.lastSeq, nextDroppedSeq + drop.count - 1);
            nextDroppedSeq += drop.count;
        }
        droppedSeen += drop.count;
    }
    QCOMPARE(droppedSeen, expectedDropped);
    QCOMPARE(buffer.droppedTotal(), expectedDropped);
    QCOMPARE(buffer.size(), expectedLeft.size());
    QCOMPARE(seqs(buffer.takeBatch(capacity)), expectedLeft);
    QVERIFY(buffer.isEmpty());
}

void tst_PointBuffer::restoredBatchGoesBackToTheFront()
{
    PointBuffer buffer(10);
    for (int i = 0; i < 6; ++i)
        buffer.append(pointWithSeq(i));
    const QList<DevicePoint> batch = buffer.takeBatch(4);
    QCOMPARE(seqs(batch), inclusiveRange<qint64>(0, 3));
    buffer.append(pointWithSeq(6)); // a new point while the batch was away
    const PointBuffer::Drop drop = buffer.restoreBatch(batch);
    QCOMPARE(drop.count, qsizetype(0));
    QCOMPARE(seqs(buffer.takeBatch(100)), inclusiveRange<qint64>(0, 6));
    QCOMPARE(buffer.droppedTotal(), qint64(0));
}

void tst_PointBuffer::restoredBatchBeyondCapacityDropsItsOldest()
{
    PointBuffer buffer(5);
    for (int i = 0; i < 5; ++i)
        buffer.append(pointWithSeq(i));
    const QList<DevicePoint> batch = buffer.takeBatch(3); // seq 0..2 in flight
    for (int i = 5; i < 9; ++i) // 4 new points: 3,4 + 5..8 = 6 queued > 5
        buffer.append(pointWithSeq(i));
    QCOMPARE(buffer.droppedTotal(), qint64(1)); // seq 3 had to go
    const PointBuffer::Drop drop = buffer.restoreBatch(batch);
    QCOMPARE(drop.count, qsizetype(3));
    QCOMPARE(drop.firstSeq, qint64(0));
    QCOMPARE(drop.lastSeq, qint64(2));
    QCOMPARE(buffer.droppedTotal(), qint64(4));
    QCOMPARE(seqs(buffer.takeBatch(100)), inclusiveRange<qint64>(4, 8));
}

void tst_PointBuffer::takeBatchNeverReturnsMoreThanAsked_data()
{
    QTest::addColumn<int>("queued");
    QTest::addColumn<int>("asked");
    QTest::addColumn<int>("expected");
    QTest::newRow("empty buffer") << 0 << 10 << 0;
    QTest::newRow("fewer queued than asked") << 3 << 10 << 3;
    QTest::newRow("more queued than asked") << 30 << 10 << 10;
    QTest::newRow("zero asked") << 5 << 0 << 0;
    QTest::newRow("negative asked") << 5 << -1 << 0;
}

void tst_PointBuffer::takeBatchNeverReturnsMoreThanAsked()
{
    QFETCH(int, queued);
    QFETCH(int, asked);
    QFETCH(int, expected);
    PointBuffer buffer(100);
    for (int i = 0; i < queued; ++i)
        buffer.append(pointWithSeq(i));
    const QList<DevicePoint> batch = buffer.takeBatch(asked);
    QCOMPARE(batch.size(), qsizetype(expected));
    QCOMPARE(seqs(batch), inclusiveRange<qint64>(0, expected - 1));
    QCOMPARE(buffer.size(), qsizetype(queued - expected));
}

QTEST_GUILESS_MAIN(tst_PointBuffer)
#include "tst_pointbuffer.moc"
