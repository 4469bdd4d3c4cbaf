#include "telemetry/ringbuffer.h"

#include <QTest>

#include <deque>

using Sightline::RingBuffer;

class tst_RingBuffer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pushBackKeepsNewest_data();
    void pushBackKeepsNewest();
    void insertKeepsOrder_data();
    void insertKeepsOrder();
    void insertAtFrontOfFullBufferIsRefused();
    void popFrontAndClear();
    void squeezeGivesStorageBackInOrder();
    void lowerBound();
};

void tst_RingBuffer::pushBackKeepsNewest_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("pushes");
    QTest::newRow("fewer than capacity") << 8 << 5;
    QTest::newRow("exactly capacity") << 8 << 8;
    QTest::newRow("wraps once") << 8 << 13;
    QTest::newRow("wraps many times") << 3 << 100;
    QTest::newRow("capacity one") << 1 << 7;
    QTest::newRow("grows past initial allocation") << 1000 << 700;
}

void tst_RingBuffer::pushBackKeepsNewest()
{
    QFETCH(int, capacity);
    QFETCH(int, pushes);
    RingBuffer<int> buffer(static_cast<std::size_t>(capacity));
    int dropped = 0;
    for (int i = 0; i < pushes; ++i)
        dropped += buffer.pushBack(i) ? 1 : 0;
    const int expectedSize = std::min(capacity, pushes);
    QCOMPARE(static_cast<int>(buffer.size()), expectedSize);
    QCOMPARE(dropped, pushes - expectedSize);
    QCOMPARE(buffer.isFull(), pushes >= capacity);
    for (int i = 0; i < expectedSize; ++i)
        QCOMPARE(buffer.at(static_cast<std::size_t>(i)), pushes - expectedSize + i);
    QCOMPARE(buffer.back(), pushes - 1);
}

void tst_RingBuffer::insertKeepsOrder_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<QList<int>>("values");
    QTest::newRow("ascending") << 16 << QList<int>{1, 2, 3, 4, 5};
    QTest::newRow("descending") << 16 << QList<int>{5, 4, 3, 2, 1};
    QTest::newRow("shuffled") << 16 << QList<int>{7, 1, 9, 3, 5, 2, 8};
    QTest::newRow("shuffled into a wrapped full buffer") << 4 << QList<int>{10, 20, 30, 40, 50, 35, 45, 60};
}

void tst_RingBuffer::insertKeepsOrder()
{
    QFETCH(int, capacity);
    QFETCH(QList<int>, values);
    RingBuffer<int> buffer(static_cast<std::size_t>(capacity));
    std::deque<int> reference; // sorted, bounded the same way
    for (int v : values) {
        const std::size_t at = buffer.lowerBound(v, [](int a, int b) { return a < b; });
        const bool stored = buffer.insert(at, v);
        auto pos = std::lower_bound(reference.begin(), reference.end(), v);
        if (reference.size() == static_cast<std::size_t>(capacity)) {
            if (pos == reference.begin()) {
                QVERIFY(!stored);
                continue;
            }
            reference.pop_front();
            pos = std::lower_bound(reference.begin(), reference.end(), v);
        }
        QVERIFY(stored);
        reference.insert(pos, v);
    }
    QCOMPARE(buffer.size(), reference.size());
    for (std::size_t i = 0; i < reference.size(); ++i)
        QCOMPARE(buffer.at(i), reference[i]);
}

void tst_RingBuffer::insertAtFrontOfFullBufferIsRefused()
{
    RingBuffer<int> buffer(3);
    buffer.pushBack(10);
    buffer.pushBack(20);
    buffer.pushBack(30);
    QVERIFY(!buffer.insert(0, 5));
    QCOMPARE(buffer.front(), 10);
    QVERIFY(buffer.insert(1, 15)); // drops 10, keeps order
    QCOMPARE(buffer.at(0), 15);
    QCOMPARE(buffer.at(1), 20);
    QCOMPARE(buffer.at(2), 30);
}

void tst_RingBuffer::popFrontAndClear()
{
    RingBuffer<int> buffer(4);
    for (int i = 0; i < 6; ++i)
        buffer.pushBack(i);
    buffer.popFront();
    QCOMPARE(buffer.size(), std::size_t(3));
    QCOMPARE(buffer.front(), 3);
    buffer.pushBack(6);
    buffer.pushBack(7); // full again, wraps
    QCOMPARE(buffer.front(), 4);
    QCOMPARE(buffer.back(), 7);
    buffer.clear();
    QVERIFY(buffer.isEmpty());
    buffer.pushBack(42);
    QCOMPARE(buffer.front(), 42);
}

void tst_RingBuffer::lowerBound()
{
    RingBuffer<int> buffer(5);
    for (int v : {1, 3, 3, 5, 7, 9}) // 1 falls out
        buffer.pushBack(v);
    const auto less = [](int a, int b) { return a < b; };
    QCOMPARE(buffer.lowerBound(0, less), std::size_t(0));
    QCOMPARE(buffer.lowerBound(3, less), std::size_t(0));
    QCOMPARE(buffer.lowerBound(4, less), std::size_t(2));
    QCOMPARE(buffer.lowerBound(9, less), std::size_t(4));
    QCOMPARE(buffer.lowerBound(10, less), std::size_t(5));
}

void tst_RingBuffer::squeezeGivesStorageBackInOrder()
{
    RingBuffer<int> buffer(1000);
    for (int i = 0; i < 600; ++i)
        buffer.pushBack(i);
    const std::size_t grown = buffer.storageSize();
    QVERIFY2(grown >= 600, QByteArray::number(qulonglong(grown)));
    // Keep the newest 40 so the ring has wrapped once more than it shrinks.
    while (buffer.size() > 40)
        buffer.popFront();
    for (int i = 600; i < 620; ++i)
        buffer.pushBack(i);
    buffer.squeeze();
    QVERIFY2(buffer.storageSize() < grown / 4, QByteArray::number(qulonglong(buffer.storageSize())));
    QCOMPARE(buffer.size(), std::size_t(60));
    for (std::size_t i = 0; i < buffer.size(); ++i)
        QCOMPARE(buffer.at(i), int(560 + i));
    // Still a working ring afterwards, growing again on demand.
    for (int i = 620; i < 700; ++i)
        buffer.pushBack(i);
    QCOMPARE(buffer.size(), std::size_t(140));
    QCOMPARE(buffer.front(), 560);
    QCOMPARE(buffer.back(), 699);
    // Nothing to give back: no copy, nothing changes.
    const std::size_t before = buffer.storageSize();
    buffer.squeeze();
    QCOMPARE(buffer.storageSize(), before);
}

QTEST_APPLESS_MAIN(tst_RingBuffer)
#include "tst_ringbuffer.moc"
