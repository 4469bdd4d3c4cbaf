// Tests of the SQLite storage on its worker thread (issue 3), on real files.
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <optional>

#include "server/rfc3339.h"
#include "server/sqlitestorage.h"
#include "support/tempdir.h"

using namespace Sightline;

namespace {

constexpr int kStorageTimeoutMs = 30000;

const DeviceRecord kDevice{QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-01")};

StoredEvent makeEvent(quint64 id, const DeviceRecord &device, const QString &type, const QDateTime &ts)
{
    StoredEvent event;
    event.id = id;
    event.ts = ts;
    event.topic = device.topic();
    event.type = type;
    event.data = QJsonObject{{QStringLiteral("deviceId"), device.deviceId}, {QStringLiteral("n"), double(id)}};
    event.accountId = device.accountId;
    event.siteId = device.siteId;
    event.deviceId = device.deviceId;
    return event;
}

PointWrite makePoint(quint64 eventId, const DeviceRecord &device, std::optional<qint64> seq, const QDateTime &ts,
                     double value = 1)
{
    PointWrite write;
    write.device = device;
    write.point.deviceId = device.deviceId;
    write.point.ts = ts;
    write.point.seq = seq;
    write.point.fields = QJsonObject{{QStringLiteral("cpu"), value}, {QStringLiteral("gpu"), value * 2}};
    write.event = makeEvent(eventId, device, QStringLiteral("telemetry"), ts);
    return write;
}

WriteResult writeAndWait(Storage &storage, const WriteBatch &batch)
{
    std::optional<WriteResult> result;
    storage.write(batch, [&result](const WriteResult &r) { result = r; });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, kStorageTimeoutMs))
        return WriteResult{false, QStringLiteral("timed out"), {}, {}};
    return *result;
}

EventPage readEventsAndWait(Storage &storage, const EventQuery &query)
{
    std::optional<EventPage> page;
    storage.readEvents(query, [&page](const EventPage &p) { page = p; });
    if (!QTest::qWaitFor([&page] { return page.has_value(); }, kStorageTimeoutMs))
        return EventPage{};
    return *page;
}

HistoryResult readHistoryAndWait(Storage &storage, const HistoryQuery &query)
{
    std::optional<HistoryResult> result;
    storage.readHistory(query, [&result](const HistoryResult &r) { result = r; });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, kStorageTimeoutMs))
        return HistoryResult{};
    return *result;
}

} // namespace

class tst_SqliteStorage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void opensInWalMode();
    void storesAndReadsHistory();
    void historyLimitKeepsNewest();
    void fieldValuesRoundTrip_data();
    void fieldValuesRoundTrip();
    void deduplicatesBySeq_data();
    void deduplicatesBySeq();
    void callbackComesAfterDurableCommit();
    void eventRangeRead_data();
    void eventRangeRead();
    void pointsAreTheTelemetryEventsOfTheLog_data();
    void pointsAreTheTelemetryEventsOfTheLog();
    void highWaterSurvivesPurgeAndRestart();
    void retentionPurge();
    void bucketsFollowPurgeAndRestart();
    void deviceStatesSurviveRestart();
    void latestStateEventsAfterRestart();
    void droppedConnectionFailsWrites();
    void manyWritesAllCommit();
    void openFailsOnUnusablePath();

private:
    std::unique_ptr<Test::TempDir> m_dir;
    std::unique_ptr<SqliteStorage> m_storage;
    QString path() const { return m_dir->filePath(QStringLiteral("telemetry.sqlite")); }
    void reopen();
};

void tst_SqliteStorage::init()
{
    m_dir = std::make_unique<Test::TempDir>();
    QVERIFY(m_dir->isValid());
    reopen();
}

void tst_SqliteStorage::cleanup()
{
    m_storage.reset();
    m_dir.reset();
}

void tst_SqliteStorage::reopen()
{
    m_storage.reset();
    m_storage = std::make_unique<SqliteStorage>(path());
    QString error;
    QVERIFY2(m_storage->open(&error), qPrintable(error));
    QVERIFY(m_storage->isHealthy());
}

void tst_SqliteStorage::opensInWalMode()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe-wal"));
    db.setDatabaseName(path());
    QVERIFY(db.open());
    {
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("probe-wal"));
}

void tst_SqliteStorage::storesAndReadsHistory()
{
    const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-100);
    WriteBatch batch;
    batch.points = {makePoint(1, kDevice, 1, t0.addSecs(2), 3), makePoint(2, kDevice, std::nullopt, t0, 1),
                    makePoint(3, kDevice, 3, t0.addSecs(1), 2)};
    const WriteResult written = writeAndWait(*m_storage, batch);
    QVERIFY2(written.ok, qPrintable(written.error));
    QCOMPARE(written.eventIds, (QList<quint64>{1, 2, 3}));
    QCOMPARE(written.duplicates, (QList<bool>{false, false, false}));

    HistoryQuery query{kDevice.accountId, kDevice.deviceId, t0, t0.addSecs(10), {}, 100};
    HistoryResult history = readHistoryAndWait(*m_storage, query);
    QVERIFY(history.ok);
    QCOMPARE(history.points.size(), 3);
    QVERIFY(!history.truncated);
    // Ascending device time, whatever the write order.
    QCOMPARE(history.points.at(0).ts, t0);
    QCOMPARE(history.points.at(1).ts, t0.addSecs(1));
    QCOMPARE(history.points.at(2).ts, t0.addSecs(2));
    QVERIFY(!history.points.at(0).seq.has_value());
    QCOMPARE(history.points.at(1).seq, std::optional<qint64>(3));
    QCOMPARE(history.points.at(2).fields.value(QStringLiteral("cpu")).toDouble(), 3.0);

    // until is exclusive, since inclusive; fields narrows the keys.
    query.since = t0.addSecs(1);
    query.until = t0.addSecs(2);
    query.fields = {QStringLiteral("gpu")};
    history = readHistoryAndWait(*m_storage, query);
    QCOMPARE(history.points.size(), 1);
    QCOMPARE(history.points.at(0).fields, (QJsonObject{{QStringLiteral("gpu"), 4.0}}));

    // Another account's device of the same name sees nothing.
    query.accountId = QStringLiteral("other");
    query.since = t0;
    query.until = t0.addSecs(10);
    history = readHistoryAndWait(*m_storage, query);
    QVERIFY(history.ok);
    QVERIFY(history.points.isEmpty());
}

void tst_SqliteStorage::historyLimitKeepsNewest()
{
    const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-100);
    WriteBatch batch;
    for (int i = 0; i < 10; ++i)
        batch.points.append(makePoint(quint64(i + 1), kDevice, i, t0.addSecs(i), i));
    QVERIFY(writeAndWait(*m_storage, batch).ok);
    const HistoryResult history
        = readHistoryAndWait(*m_storage, HistoryQuery{kDevice.accountId, kDevice.deviceId, t0, t0.addSecs(60), {}, 4});
    QVERIFY(history.ok);
    QVERIFY(history.truncated);
    QCOMPARE(history.points.size(), 4);
    QCOMPARE(history.points.first().ts, t0.addSecs(6));
    QCOMPARE(history.points.last().ts, t0.addSecs(9));
}

void tst_SqliteStorage::fieldValuesRoundTrip_data()
{
    QTest::addColumn<double>("value");
    QTest::newRow("zero") << 0.0;
    QTest::newRow("integer") << 5120.0;
    QTest::newRow("negative fraction") << -47.25;
    QTest::newRow("one tenth") << 0.1;
    QTest::newRow("tiny") << -2.5e-7;
    QTest::newRow("largest exact integer") << 9007199254740991.0;
    QTest::newRow("beyond exact integers") << 1.2345678901234567e19;
    QTest::newRow("near the double limit") << 1.7976931348623157e308;
    QTest::newRow("smallest normal") << 2.2250738585072014e-308;
}

void tst_SqliteStorage::fieldValuesRoundTrip()
{
    QFETCH(double, value);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    WriteBatch batch;
    PointWrite write = makePoint(1, kDevice, 1, now);
    write.point.fields = QJsonObject{{QStringLiteral("v"), value}, {QStringLiteral("a.b-c_d"), 1}};
    batch.points = {write};
    QVERIFY(writeAndWait(*m_storage, batch).ok);
    const HistoryResult history = readHistoryAndWait(
        *m_storage, HistoryQuery{kDevice.accountId, kDevice.deviceId, now, now.addSecs(1), {}, 10});
    QCOMPARE(history.points.size(), 1);
    QCOMPARE(history.points.first().fields.value(QStringLiteral("v")).toDouble(), value);
    QCOMPARE(history.points.first().fields, write.point.fields);
}

void tst_SqliteStorage::deduplicatesBySeq_data()
{
    QTest::addColumn<bool>("sameBatch");
    QTest::newRow("retry in a later request") << false;
    QTest::newRow("repeat inside one request") << true;
}

void tst_SqliteStorage::deduplicatesBySeq()
{
    QFETCH(bool, sameBatch);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const DeviceRecord otherAccount{QStringLiteral("other"), QStringLiteral("lab"), kDevice.deviceId};
    WriteBatch first;
    first.points = {makePoint(10, kDevice, 812, now), makePoint(11, otherAccount, 812, now)};
    WriteBatch second;
    second.points = {makePoint(12, kDevice, 812, now, 99), makePoint(13, kDevice, 813, now)};
    WriteResult result;
    if (sameBatch) {
        first.points.append(second.points);
        result = writeAndWait(*m_storage, first);
        QVERIFY(result.ok);
        QCOMPARE(result.eventIds, (QList<quint64>{10, 11, 10, 13}));
        QCOMPARE(result.duplicates, (QList<bool>{false, false, true, false}));
    } else {
        QVERIFY(writeAndWait(*m_storage, first).ok);
        result = writeAndWait(*m_storage, second);
        QVERIFY(result.ok);
        QCOMPARE(result.eventIds, (QList<quint64>{10, 13}));
        QCOMPARE(result.duplicates, (QList<bool>{true, false}));
    }
    // The duplicate was neither stored nor logged.
    const HistoryResult history = readHistoryAndWait(
        *m_storage, HistoryQuery{kDevice.accountId, kDevice.deviceId, now.addSecs(-1), now.addSecs(1), {}, 100});
    QCOMPARE(history.points.size(), 2);
    QCOMPARE(history.points.at(0).fields.value(QStringLiteral("cpu")).toDouble() != 99.0
                 && history.points.at(1).fields.value(QStringLiteral("cpu")).toDouble() != 99.0,
             true);
    EventQuery all;
    all.accountId = kDevice.accountId;
    const EventPage page = readEventsAndWait(*m_storage, all);
    QCOMPARE(page.events.size(), 2);
    QCOMPARE(page.events.at(0).id, quint64(10));
    QCOMPARE(page.events.at(1).id, quint64(13));
}

void tst_SqliteStorage::callbackComesAfterDurableCommit()
{
    // A second, independent connection sees the rows as soon as the callback
    // runs: the write was committed before it was acknowledged.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe-durable"));
    db.setDatabaseName(path());
    QVERIFY(db.open());
    int rowsSeenInCallback = -1;
    bool done = false;
    WriteBatch batch;
    for (int i = 0; i < 50; ++i)
        batch.points.append(makePoint(quint64(i + 1), kDevice, i, QDateTime::currentDateTimeUtc()));
    m_storage->write(batch, [&](const WriteResult &result) {
        QVERIFY(result.ok);
        QSqlQuery query(db);
        if (query.exec(QStringLiteral("SELECT COUNT(*) FROM points")) && query.next())
            rowsSeenInCallback = query.value(0).toInt();
        done = true;
    });
    QCOMPARE(done, false); // never answered before the write happened
    QVERIFY(QTest::qWaitFor([&done] { return done; }, kStorageTimeoutMs));
    QCOMPARE(rowsSeenInCallback, 50);
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("probe-durable"));
}

void tst_SqliteStorage::eventRangeRead_data()
{
    QTest::addColumn<quint64>("afterId");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("account");
    QTest::addColumn<QStringList>("sites");
    QTest::addColumn<QStringList>("devices");
    QTest::addColumn<QStringList>("types");
    QTest::addColumn<QList<quint64>>("expected");
    QTest::addColumn<bool>("hasMore");

    QTest::newRow("everything of the account") << quint64(0) << 100 << "acme" << QStringList() << QStringList()
                                              << QStringList() << QList<quint64>{1, 2, 3, 4, 6} << false;
    QTest::newRow("after an id") << quint64(2) << 100 << "acme" << QStringList() << QStringList() << QStringList()
                                 << QList<quint64>{3, 4, 6} << false;
    QTest::newRow("limited") << quint64(0) << 2 << "acme" << QStringList() << QStringList() << QStringList()
                             << QList<quint64>{1, 2} << true;
    QTest::newRow("one site") << quint64(0) << 100 << "acme" << QStringList{QStringLiteral("roof")} << QStringList()
                              << QStringList() << QList<quint64>{3} << false;
    QTest::newRow("one device") << quint64(0) << 100 << "acme" << QStringList() << QStringList{QStringLiteral("jetson-02")}
                                << QStringList() << QList<quint64>{2, 6} << false;
    QTest::newRow("alerts only") << quint64(0) << 100 << "acme" << QStringList() << QStringList()
                                 << QStringList{QStringLiteral("alert")} << QList<quint64>{4} << false;
    QTest::newRow("another account") << quint64(0) << 100 << "other" << QStringList() << QStringList() << QStringList()
                                     << QList<quint64>{5} << false;
}

void tst_SqliteStorage::eventRangeRead()
{
    QFETCH(quint64, afterId);
    QFETCH(int, limit);
    QFETCH(QString, account);
    QFETCH(QStringList, sites);
    QFETCH(QStringList, devices);
    QFETCH(QStringList, types);
    QFETCH(QList<quint64>, expected);
    QFETCH(bool, hasMore);

    const QDateTime now = QDateTime::currentDateTimeUtc();
    const DeviceRecord two{QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-02")};
    const DeviceRecord roof{QStringLiteral("acme"), QStringLiteral("roof"), QStringLiteral("jetson-03")};
    const DeviceRecord other{QStringLiteral("other"), QStringLiteral("lab"), QStringLiteral("jetson-01")};
    WriteBatch batch;
    batch.events = {makeEvent(1, kDevice, QStringLiteral("device_status"), now),
                    makeEvent(2, two, QStringLiteral("telemetry"), now),
                    makeEvent(3, roof, QStringLiteral("telemetry"), now),
                    makeEvent(4, kDevice, QStringLiteral("alert"), now),
                    makeEvent(5, other, QStringLiteral("telemetry"), now),
                    makeEvent(6, two, QStringLiteral("telemetry"), now)};
    QVERIFY(writeAndWait(*m_storage, batch).ok);

    EventQuery query;
    query.afterId = afterId;
    query.limit = limit;
    query.accountId = account;
    query.sites = sites;
    query.devices = devices;
    query.types = types;
    const EventPage page = readEventsAndWait(*m_storage, query);
    QVERIFY2(page.ok, qPrintable(page.error));
    QList<quint64> ids;
    for (const StoredEvent &event : page.events) {
        ids.append(event.id);
        QCOMPARE(event.accountId, account);
    }
    QCOMPARE(ids, expected);
    QCOMPARE(page.hasMore, hasMore);
    QCOMPARE(page.oldestRetainedId, quint64(1));
    // The stored event comes back whole.
    const StoredEvent &first = page.events.first();
    QCOMPARE(first.ts, now);
    QCOMPARE(first.data.value(QStringLiteral("n")).toDouble(), double(first.id));
    QVERIFY(first.topic.startsWith(QStringLiteral("account:") + account + QStringLiteral("/site:")));
}

void tst_SqliteStorage::pointsAreTheTelemetryEventsOfTheLog_data()
{
    QTest::addColumn<QStringList>("types");
    QTest::addColumn<quint64>("afterId");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QList<quint64>>("expected");
    QTest::newRow("all types merged by id") << QStringList() << quint64(0) << 100 << QList<quint64>{1, 2, 3, 4, 5};
    QTest::newRow("telemetry only") << QStringList{QStringLiteral("telemetry")} << quint64(0) << 100
                                    << QList<quint64>{2, 4};
    QTest::newRow("alerts only") << QStringList{QStringLiteral("alert")} << quint64(0) << 100 << QList<quint64>{1, 5};
    QTest::newRow("alerts and telemetry after 2")
        << QStringList{QStringLiteral("alert"), QStringLiteral("telemetry")} << quint64(2) << 100 << QList<quint64>{4, 5};
    QTest::newRow("limit across both tables") << QStringList() << quint64(1) << 3 << QList<quint64>{2, 3, 4};
}

void tst_SqliteStorage::pointsAreTheTelemetryEventsOfTheLog()
{
    QFETCH(QStringList, types);
    QFETCH(quint64, afterId);
    QFETCH(int, limit);
    QFETCH(QList<quint64>, expected);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    WriteBatch batch;
    PointWrite two = makePoint(2, kDevice, 7, now.addMSecs(-1500), 42);
    two.event.data = QJsonObject{{QStringLiteral("deviceId"), kDevice.deviceId},
                                 {QStringLiteral("ts"), formatRfc3339Utc(two.point.ts)},
                                 {QStringLiteral("seq"), 7},
                                 {QStringLiteral("fields"), two.point.fields}};
    two.event.ts = now;
    batch.points = {two, makePoint(4, kDevice, std::nullopt, now)};
    batch.events = {makeEvent(1, kDevice, QStringLiteral("alert"), now),
                    makeEvent(3, kDevice, QStringLiteral("device_status"), now),
                    makeEvent(5, kDevice, QStringLiteral("alert"), now)};
    QVERIFY(writeAndWait(*m_storage, batch).ok);
    EventQuery query;
    query.accountId = kDevice.accountId;
    query.types = types;
    query.afterId = afterId;
    query.limit = limit;
    const EventPage page = readEventsAndWait(*m_storage, query);
    QVERIFY2(page.ok, qPrintable(page.error));
    QList<quint64> ids;
    for (const StoredEvent &event : page.events) {
        ids.append(event.id);
        QCOMPARE(event.topic, kDevice.topic());
        if (event.id == 2) {
            // A point read back as an event is what the hub published.
            QCOMPARE(event.type, QStringLiteral("telemetry"));
            QCOMPARE(event.ts, two.event.ts);
            QCOMPARE(event.data, two.event.data);
            QCOMPARE(event.toJson(), two.event.toJson());
        }
        if (event.id == 4)
            QVERIFY(!event.data.contains(QStringLiteral("seq")));
    }
    QCOMPARE(ids, expected);
    QCOMPARE(page.hasMore, expected.size() == limit);
    QCOMPARE(page.oldestRetainedId, quint64(1));
}

void tst_SqliteStorage::highWaterSurvivesPurgeAndRestart()
{
    const QDateTime old = QDateTime::currentDateTimeUtc().addSecs(-3600);
    WriteBatch batch;
    batch.events = {makeEvent(41, kDevice, QStringLiteral("alert"), old), makeEvent(42, kDevice, QStringLiteral("alert"), old)};
    QVERIFY(writeAndWait(*m_storage, batch).ok);
    std::optional<bool> purged;
    m_storage->purge(QDateTime::currentDateTimeUtc(), [&purged](bool ok) { purged = ok; });
    QVERIFY(QTest::qWaitFor([&purged] { return purged.has_value(); }, kStorageTimeoutMs));
    QVERIFY(*purged);
    reopen();
    // The log is empty, yet the next id continues above 42.
    EventQuery query;
    query.accountId = kDevice.accountId;
    QVERIFY(readEventsAndWait(*m_storage, query).events.isEmpty());
    QCOMPARE(m_storage->lastEventId(), quint64(42));
}

void tst_SqliteStorage::retentionPurge()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    WriteBatch batch;
    PointWrite old = makePoint(1, kDevice, 1, now.addSecs(-120));
    old.event.ts = now.addSecs(-25 * 3600); // received (published) 25 h ago
    batch.points = {old, makePoint(2, kDevice, 2, now.addSecs(-60))};
    QVERIFY(writeAndWait(*m_storage, batch).ok);

    std::optional<bool> purged;
    m_storage->purge(now.addSecs(-24 * 3600), [&purged](bool ok) { purged = ok; });
    QVERIFY(QTest::qWaitFor([&purged] { return purged.has_value(); }, kStorageTimeoutMs));
    QVERIFY(*purged);

    const HistoryResult history = readHistoryAndWait(
        *m_storage, HistoryQuery{kDevice.accountId, kDevice.deviceId, now.addSecs(-3600), now, {}, 100});
    QCOMPARE(history.points.size(), 1);
    QCOMPARE(history.points.first().seq, std::optional<qint64>(2));
    EventQuery query;
    query.accountId = kDevice.accountId;
    const EventPage page = readEventsAndWait(*m_storage, query);
    QCOMPARE(page.events.size(), 1);
    QCOMPARE(page.events.first().id, quint64(2));
    QCOMPARE(page.oldestRetainedId, quint64(2));
}

void tst_SqliteStorage::bucketsFollowPurgeAndRestart()
{
    // History with step reads per-minute rollups; they must hold what the
    // points table holds, after a purge (points go by receive time) and
    // across a restart (folding goes on from where it was).
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QDateTime minute = QDateTime::fromMSecsSinceEpoch(nowMs - nowMs % 60000, Qt::UTC);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    WriteBatch batch;
    for (int i = 0; i < 3; ++i) {
        PointWrite write = makePoint(quint64(i + 1), kDevice, i, minute.addSecs(-180 + 60 * i + 5), i);
        if (i < 2)
            write.event.ts = now.addSecs(-25 * 3600); // received 25 h ago: purged below
        batch.points.append(write);
    }
    QVERIFY(writeAndWait(*m_storage, batch).ok);
    HistoryQuery query{kDevice.accountId, kDevice.deviceId, minute.addSecs(-600), minute.addSecs(600), {}, 100, 60};
    const auto bucketStarts = [this, &query, &minute] {
        QList<qint64> starts;
        const HistoryResult result = readHistoryAndWait(*m_storage, query);
        for (const HistoryStepBucket &bucket : result.buckets)
            starts.append((bucket.startMs - minute.toMSecsSinceEpoch()) / 1000);
        return starts;
    };
    QCOMPARE(bucketStarts(), (QList<qint64>{-180, -120, -60}));

    std::optional<bool> purged;
    m_storage->purge(now.addSecs(-24 * 3600), [&purged](bool ok) { purged = ok; });
    QVERIFY(QTest::qWaitFor([&purged] { return purged.has_value(); }, kStorageTimeoutMs));
    QVERIFY(*purged);
    QCOMPARE(bucketStarts(), (QList<qint64>{-60}));

    reopen();
    QVERIFY(writeAndWait(*m_storage, WriteBatch{{makePoint(4, kDevice, 3, minute.addSecs(-30), 7)}, {}}).ok);
    QCOMPARE(bucketStarts(), (QList<qint64>{-60}));
    const HistoryResult result = readHistoryAndWait(*m_storage, query);
    QCOMPARE(result.buckets.size(), 1);
    QCOMPARE(result.buckets.first().count, 2);
    QCOMPARE(result.buckets.first().fields.first().name, QStringLiteral("cpu"));
    QCOMPARE(result.buckets.first().fields.first().max, 7.0);
    QCOMPARE(result.buckets.first().fields.first().last, 7.0);
}

void tst_SqliteStorage::deviceStatesSurviveRestart()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    WriteBatch batch;
    batch.points = {makePoint(1, kDevice, 1, now)};
    PointWrite extra = makePoint(2, kDevice, 2, now.addSecs(1));
    extra.point.fields.insert(QStringLiteral("power_mw"), 5120);
    batch.points.append(extra);
    QVERIFY(writeAndWait(*m_storage, batch).ok);
    reopen();
    const QList<DeviceState> states = m_storage->deviceStates();
    QCOMPARE(states.size(), 1);
    QCOMPARE(states.first().deviceId, kDevice.deviceId);
    QCOMPARE(states.first().siteId, kDevice.siteId);
    QCOMPARE(states.first().lastSeen, now.addSecs(1));
    QCOMPARE(states.first().fields, (QStringList{QStringLiteral("cpu"), QStringLiteral("gpu"), QStringLiteral("power_mw")}));
    QCOMPARE(m_storage->lastEventId(), quint64(2));
}

void tst_SqliteStorage::latestStateEventsAfterRestart()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const DeviceRecord two{QStringLiteral("acme"), QStringLiteral("lab"), QStringLiteral("jetson-02")};
    auto alert = [&](quint64 id, const DeviceRecord &device, const QString &rule, const QString &state) {
        StoredEvent event = makeEvent(id, device, QStringLiteral("alert"), now);
        event.data = QJsonObject{{QStringLiteral("ruleId"), rule}, {QStringLiteral("state"), state}};
        return event;
    };
    auto status = [&](quint64 id, const DeviceRecord &device, const QString &value) {
        StoredEvent event = makeEvent(id, device, QStringLiteral("device_status"), now);
        event.data = QJsonObject{{QStringLiteral("status"), value}};
        return event;
    };
    WriteBatch batch;
    batch.events = {status(1, kDevice, QStringLiteral("online")), alert(2, kDevice, QStringLiteral("hot"), QStringLiteral("firing")),
                    alert(3, kDevice, QStringLiteral("cold"), QStringLiteral("firing")),
                    alert(4, kDevice, QStringLiteral("hot"), QStringLiteral("resolved")),
                    status(5, two, QStringLiteral("online")), status(6, two, QStringLiteral("offline"))};
    QVERIFY(writeAndWait(*m_storage, batch).ok);
    reopen();
    QList<quint64> ids;
    for (const StoredEvent &event : m_storage->latestStateEvents())
        ids.append(event.id);
    // Newest per device (status) and per device and rule (alerts).
    QCOMPARE(ids, (QList<quint64>{1, 3, 4, 6}));
}

void tst_SqliteStorage::droppedConnectionFailsWrites()
{
    m_storage->dropConnectionForTest();
    WriteBatch batch;
    batch.points = {makePoint(1, kDevice, 1, QDateTime::currentDateTimeUtc())};
    const WriteResult result = writeAndWait(*m_storage, batch);
    QVERIFY(!result.ok);
    QVERIFY(!result.error.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!m_storage->isHealthy(), kStorageTimeoutMs);
    QVERIFY(m_storage->statusText() != QStringLiteral("ok"));
    // Nothing was stored: a fresh open sees no point.
    reopen();
    const HistoryResult history = readHistoryAndWait(
        *m_storage, HistoryQuery{kDevice.accountId, kDevice.deviceId, QDateTime::currentDateTimeUtc().addSecs(-60),
                                 QDateTime::currentDateTimeUtc().addSecs(60), {}, 100});
    QVERIFY(history.ok);
    QVERIFY(history.points.isEmpty());
}

void tst_SqliteStorage::manyWritesAllCommit()
{
    // Writes queued back to back share group commits; each gets its answer,
    // in the order it was made.
    QSignalSpy commits(m_storage.get(), &Storage::commitTimed);
    constexpr int kWrites = 300;
    QList<quint64> answered;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < kWrites; ++i) {
        WriteBatch batch;
        batch.points = {makePoint(quint64(i + 1), kDevice, i, now)};
        m_storage->write(batch, [&answered](const WriteResult &result) {
            if (result.ok)
                answered.append(result.eventIds.value(0));
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), kWrites, kStorageTimeoutMs);
    for (int i = 0; i < kWrites; ++i)
        QCOMPARE(answered.at(i), quint64(i + 1));
    QVERIFY(commits.size() >= 1);
    qInfo() << kWrites << "writes in" << commits.size() << "commits";
}

void tst_SqliteStorage::openFailsOnUnusablePath()
{
    // A data "folder" that is a regular file cannot hold a database.
    QFile blocker(m_dir->filePath(QStringLiteral("not-a-folder")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    SqliteStorage storage(m_dir->filePath(QStringLiteral("not-a-folder/telemetry.sqlite")));
    QString error;
    QVERIFY(!storage.open(&error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!storage.isHealthy());
}

QTEST_GUILESS_MAIN(tst_SqliteStorage)
#include "tst_sqlitestorage.moc"
