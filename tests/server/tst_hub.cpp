// Tests of the Hub: event ids, the log, and the publish signal (issue 3).
#include <QSignalSpy>
#include <QTest>

#include "server/clock.h"
#include "server/hub.h"
#include "server/rfc3339.h"
#include "server/sqlitestorage.h"
#include "support/tempdir.h"

using namespace Sightline;

namespace {

constexpr int kStorageTimeoutMs = 30000;
const QString kTopic = QStringLiteral("account:acme/site:lab/device:jetson-01");

} // namespace

class tst_Hub : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTopics_data();
    void parsesTopics();
    void publishStoresThenEmits();
    void eventJsonMatchesContract();
    void idsIncreaseAcrossRestart();
    void failedStoreIsNotPublished();
    void withdrawGivesBackOnlyTheLastId_data();
    void withdrawGivesBackOnlyTheLastId();
};

void tst_Hub::parsesTopics_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<bool>("valid");
    QTest::newRow("full topic") << kTopic << true;
    QTest::newRow("missing device") << "account:acme/site:lab" << false;
    QTest::newRow("empty account") << "account:/site:lab/device:d" << false;
    QTest::newRow("wrong order") << "site:lab/account:acme/device:d" << false;
    QTest::newRow("extra part") << "account:a/site:s/device:d/x" << false;
}

void tst_Hub::parsesTopics()
{
    QFETCH(QString, topic);
    QFETCH(bool, valid);
    DeviceRecord device;
    QCOMPARE(Hub::parseTopic(topic, &device), valid);
    if (valid)
        QCOMPARE(device.topic(), topic);
}

void tst_Hub::publishStoresThenEmits()
{
    Test::TempDir dir;
    SqliteStorage storage(dir.filePath(QStringLiteral("t.sqlite")));
    QString error;
    QVERIFY2(storage.open(&error), qPrintable(error));
    ManualClock clock;
    Hub hub(&storage, &clock);
    QSignalSpy published(&hub, &Hub::eventPublished);

    QStringList ids;
    for (int i = 0; i < 20; ++i)
        ids.append(hub.publish(kTopic, QStringLiteral("alert"), QJsonObject{{QStringLiteral("n"), i}}));
    QCOMPARE(published.size(), 0); // emitted only once stored
    QTRY_COMPARE_WITH_TIMEOUT(published.size(), 20, kStorageTimeoutMs);
    for (int i = 0; i < 20; ++i) {
        const StoredEvent event = published.at(i).at(0).value<StoredEvent>();
        QCOMPARE(event.idString(), ids.at(i));
        QCOMPARE(event.id, quint64(i + 1)); // decimal, strictly increasing, in publish order
        QCOMPARE(event.data.value(QStringLiteral("n")).toInt(), i);
    }
    QCOMPARE(hub.publishedCount(), quint64(20));

    // Every emitted event is in the log (a stream can resume from any id).
    std::optional<EventPage> page;
    EventQuery query;
    query.accountId = QStringLiteral("acme");
    query.afterId = 15;
    hub.readEvents(query, [&page](const EventPage &p) { page = p; });
    QVERIFY(QTest::qWaitFor([&page] { return page.has_value(); }, kStorageTimeoutMs));
    QCOMPARE(page->events.size(), 5);
    QCOMPARE(page->events.first().id, quint64(16));
}

void tst_Hub::eventJsonMatchesContract()
{
    Test::TempDir dir;
    SqliteStorage storage(dir.filePath(QStringLiteral("t.sqlite")));
    QString error;
    QVERIFY(storage.open(&error));
    const QDateTime at(QDate(2026, 11, 22), QTime(10, 0, 0, 123), Qt::UTC);
    ManualClock clock(at);
    Hub hub(&storage, &clock);
    QSignalSpy published(&hub, &Hub::eventPublished);
    hub.publish(kTopic, QStringLiteral("device_status"), QJsonObject{{QStringLiteral("status"), QStringLiteral("online")}});
    QTRY_COMPARE_WITH_TIMEOUT(published.size(), 1, kStorageTimeoutMs);
    const QJsonObject json = published.first().first().value<StoredEvent>().toJson();
    QCOMPARE(json.keys(), (QStringList{QStringLiteral("data"), QStringLiteral("id"), QStringLiteral("topic"),
                                       QStringLiteral("ts"), QStringLiteral("type")}));
    QCOMPARE(json.value(QStringLiteral("id")), QJsonValue(QStringLiteral("1")));
    QCOMPARE(json.value(QStringLiteral("ts")), QJsonValue(QStringLiteral("2026-11-22T10:00:00.123Z")));
    QCOMPARE(json.value(QStringLiteral("topic")), QJsonValue(kTopic));
    QCOMPARE(json.value(QStringLiteral("type")), QJsonValue(QStringLiteral("device_status")));
    QCOMPARE(json.value(QStringLiteral("data")).toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("online"));
}

void tst_Hub::idsIncreaseAcrossRestart()
{
    Test::TempDir dir;
    const QString path = dir.filePath(QStringLiteral("t.sqlite"));
    ManualClock clock;
    quint64 lastBefore = 0;
    {
        SqliteStorage storage(path);
        QString error;
        QVERIFY(storage.open(&error));
        Hub hub(&storage, &clock);
        hub.setLastEventId(storage.lastEventId());
        QSignalSpy published(&hub, &Hub::eventPublished);
        for (int i = 0; i < 5; ++i)
            hub.publish(kTopic, QStringLiteral("alert"), QJsonObject());
        QTRY_COMPARE_WITH_TIMEOUT(published.size(), 5, kStorageTimeoutMs);
        lastBefore = published.last().first().value<StoredEvent>().id;
        storage.close();
    }
    SqliteStorage storage(path);
    QString error;
    QVERIFY(storage.open(&error));
    Hub hub(&storage, &clock);
    hub.setLastEventId(storage.lastEventId());
    QSignalSpy published(&hub, &Hub::eventPublished);
    const QString id = hub.publish(kTopic, QStringLiteral("alert"), QJsonObject());
    QTRY_COMPARE_WITH_TIMEOUT(published.size(), 1, kStorageTimeoutMs);
    QCOMPARE(lastBefore, quint64(5));
    QCOMPARE(id.toULongLong(), lastBefore + 1);
}

void tst_Hub::failedStoreIsNotPublished()
{
    Test::TempDir dir;
    SqliteStorage storage(dir.filePath(QStringLiteral("t.sqlite")));
    QString error;
    QVERIFY(storage.open(&error));
    ManualClock clock;
    Hub hub(&storage, &clock);
    QSignalSpy published(&hub, &Hub::eventPublished);
    QSignalSpy dropped(&hub, &Hub::eventDropped);
    storage.dropConnectionForTest();
    hub.publish(kTopic, QStringLiteral("alert"), QJsonObject());
    QVERIFY(dropped.wait(kStorageTimeoutMs));
    QCOMPARE(published.size(), 0);
    QCOMPARE(hub.publishedCount(), quint64(0));
}

void tst_Hub::withdrawGivesBackOnlyTheLastId_data()
{
    QTest::addColumn<int>("prepared");  // events prepared, ids 1..prepared
    QTest::addColumn<int>("withdrawn"); // index of the withdrawn one
    QTest::addColumn<quint64>("nextId");
    QTest::newRow("the last one") << 3 << 2 << quint64(3);
    QTest::newRow("one before the last") << 3 << 1 << quint64(4);
    QTest::newRow("the only one") << 1 << 0 << quint64(1);
}

void tst_Hub::withdrawGivesBackOnlyTheLastId()
{
    QFETCH(int, prepared);
    QFETCH(int, withdrawn);
    QFETCH(quint64, nextId);
    Test::TempDir dir;
    SqliteStorage storage(dir.filePath(QStringLiteral("t.sqlite")));
    QString error;
    QVERIFY(storage.open(&error));
    ManualClock clock;
    Hub hub(&storage, &clock);
    DeviceRecord device;
    QVERIFY(Hub::parseTopic(kTopic, &device));
    QList<StoredEvent> events;
    for (int i = 0; i < prepared; ++i)
        events.append(hub.prepareEvent(device, QStringLiteral("telemetry"), QJsonObject()));
    hub.withdraw(events.at(withdrawn));
    QCOMPARE(hub.prepareEvent(device, QStringLiteral("telemetry"), QJsonObject()).id, nextId);
}

QTEST_GUILESS_MAIN(tst_Hub)
#include "tst_hub.moc"
