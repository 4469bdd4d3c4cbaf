// Tests for RedisEventLog (issue 8): the event log that several server
// instances share, against a real redis-server on 127.0.0.1. Two
// RedisEventLog objects on one Redis stand for two instances.
#include <QSignalSpy>
#include <QTest>

#include <memory>

#include "server/rediseventlog.h"
#include "support/redisprocess.h"
#include "support/ranges.h"

using namespace Sightline;
using namespace Sightline::Test;

namespace {

constexpr int kTimeoutMs = 20000;

const DeviceRecord kDevice{QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("n1")};
const DeviceRecord kSouth{QStringLiteral("acme"), QStringLiteral("south"), QStringLiteral("s1")};
const DeviceRecord kOther{QStringLiteral("globex"), QStringLiteral("hq"), QStringLiteral("g1")};

StoredEvent makeEvent(const DeviceRecord &device, const QString &type, const QJsonObject &data, const QDateTime &ts)
{
    StoredEvent e;
    e.ts = ts;
    e.topic = device.topic();
    e.type = type;
    e.data = data;
    e.accountId = device.accountId;
    e.siteId = device.siteId;
    e.deviceId = device.deviceId;
    return e;
}

// `count` telemetry points of one device with seq from `firstSeq` (no seq
// when firstSeq < 0), published at `ts`.
WriteBatch points(const DeviceRecord &device, int count, qint64 firstSeq,
                  const QDateTime &ts = QDateTime::currentDateTimeUtc())
{
    WriteBatch batch;
    for (int i = 0; i < count; ++i) {
        PointWrite write;
        write.device = device;
        write.point.deviceId = device.deviceId;
        write.point.ts = ts;
        if (firstSeq >= 0)
            write.point.seq = firstSeq + i;
        write.point.fields = QJsonObject{{QStringLiteral("temp_c"), 40.0 + i}, {QStringLiteral("load"), i}};
        write.event = makeEvent(device, QStringLiteral("telemetry"),
                            QJsonObject{{QStringLiteral("deviceId"), device.deviceId},
                                        {QStringLiteral("fields"), write.point.fields}},
                            ts);
        batch.points.append(write);
    }
    return batch;
}

WriteBatch status(const DeviceRecord &device, const QString &state, const QDateTime &ts = QDateTime::currentDateTimeUtc())
{
    WriteBatch batch;
    batch.events.append(makeEvent(device, QStringLiteral("device_status"),
                              QJsonObject{{QStringLiteral("deviceId"), device.deviceId}, {QStringLiteral("status"), state}},
                              ts));
    return batch;
}

WriteResult write(Storage &log, const WriteBatch &batch)
{
    WriteResult result;
    bool answered = false;
    log.write(batch, [&](const WriteResult &r) {
        result = r;
        answered = true;
    });
    if (!QTest::qWaitFor([&] { return answered; }, kTimeoutMs))
        result.error = QStringLiteral("test: no answer");
    return result;
}

EventPage read(Storage &log, const EventQuery &query)
{
    EventPage page;
    bool answered = false;
    log.readEvents(query, [&](const EventPage &p) {
        page = p;
        answered = true;
    });
    if (!QTest::qWaitFor([&] { return answered; }, kTimeoutMs))
        page.error = QStringLiteral("test: no answer");
    return page;
}

QList<quint64> idsOf(const QList<StoredEvent> &events)
{
    QList<quint64> ids;
    for (const StoredEvent &e : events)
        ids.append(e.id);
    return ids;
}

// Everything eventsFollowed emitted on one log, in order.
class Follower
{
public:
    explicit Follower(Storage &log)
    {
        QObject::connect(&log, &Storage::eventsFollowed, &m_context,
                         [this](const QList<StoredEvent> &events) { m_events += events; });
    }
    const QList<StoredEvent> &events() const { return m_events; }
    QList<quint64> ids() const { return idsOf(m_events); }
    bool waitForCount(qsizetype count) const
    {
        return QTest::qWaitFor([&] { return m_events.size() >= count; }, kTimeoutMs);
    }

private:
    QObject m_context;
    QList<StoredEvent> m_events;
};

} // namespace

class tst_RedisEventLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void appendsGetConsecutiveIdsInOneOrder();
    void everyInstanceFollowsEveryAppend();
    void duplicateSeqIsNotAppendedTwiceOnAnyInstance();
    void stateEventsThatChangeNothingAreNotAppended();
    void openRestoresStateAndDevices();
    void readEventsFiltersAndPages();
    void readNewestForAlerts();
    void retentionTrimsTheLog();
    void survivesRedisRestartWithoutGapsOrReusedIds();
    void idsNeverGoBackWhenRedisLosesData();
    void failsFastWhileRedisIsDownAndRecovers();
    void openFailsWithAReadableErrorWhenRedisIsDown();

private:
    std::unique_ptr<RedisEventLog> openLog(int retentionHours = 24);

    std::unique_ptr<RedisProcess> m_redis;
};

void tst_RedisEventLog::init()
{
    m_redis = std::make_unique<RedisProcess>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
}

void tst_RedisEventLog::cleanup()
{
    m_redis.reset();
}

std::unique_ptr<RedisEventLog> tst_RedisEventLog::openLog(int retentionHours)
{
    QString error;
    auto log = std::make_unique<RedisEventLog>(*RedisAddress::fromUrl(m_redis->url(), &error), retentionHours);
    if (!log->open(&error)) {
        qWarning("cannot open the log: %s", qPrintable(error));
        return nullptr;
    }
    return log;
}

void tst_RedisEventLog::appendsGetConsecutiveIdsInOneOrder()
{
    auto a = openLog();
    auto b = openLog();
    QVERIFY(a && b);
    QVERIFY(a->isShared());
    QCOMPARE(a->lastEventId(), quint64(0));

    WriteResult first = write(*a, points(kDevice, 3, 1));
    QVERIFY2(first.ok, qPrintable(first.error));
    QCOMPARE(first.eventIds, (QList<quint64>{1, 2, 3}));
    QCOMPARE(first.duplicates, (QList<bool>{false, false, false}));
    WriteResult second = write(*b, points(kSouth, 2, 1));
    QCOMPARE(second.eventIds, (QList<quint64>{4, 5}));
    WriteResult third = write(*a, points(kOther, 1, -1));
    QCOMPARE(third.eventIds, (QList<quint64>{6}));
    QCOMPARE(a->lastEventId(), quint64(6));
    QVERIFY(a->isHealthy());
    QCOMPARE(a->statusText(), QStringLiteral("ok"));
    QCOMPARE(a->healthKey(), QStringLiteral("redis"));
}

void tst_RedisEventLog::everyInstanceFollowsEveryAppend()
{
    auto a = openLog();
    auto b = openLog();
    QVERIFY(a && b);
    Follower onA(*a);
    Follower onB(*b);
    // Interleaved appends from both instances, in many small writes.
    for (int i = 0; i < 20; ++i) {
        (i % 2 ? *a : *b).write(points(i % 3 ? kDevice : kOther, 5, i * 5), [](const WriteResult &) {});
    }
    QVERIFY(onA.waitForCount(100));
    QVERIFY(onB.waitForCount(100));
    QCOMPARE(onA.ids(), inclusiveRange<quint64>(1, 100));
    QCOMPARE(onB.ids(), inclusiveRange<quint64>(1, 100));
    const StoredEvent &e = onB.events().at(0);
    QCOMPARE(e.type, QStringLiteral("telemetry"));
    QVERIFY(e.ts.isValid());
    QCOMPARE(e.topic, e.accountId == QLatin1String("acme") ? kDevice.topic() : kOther.topic());
    QCOMPARE(e.data.value(QStringLiteral("fields")).toObject().value(QStringLiteral("temp_c")).toDouble(), 40.0);
}

void tst_RedisEventLog::duplicateSeqIsNotAppendedTwiceOnAnyInstance()
{
    auto a = openLog();
    auto b = openLog();
    QVERIFY(a && b);
    Follower onA(*a);
    QCOMPARE(write(*a, points(kDevice, 3, 10)).eventIds, (QList<quint64>{1, 2, 3}));
    // A retry of the same batch through the other instance, with one new point.
    const WriteResult retry = write(*b, points(kDevice, 4, 10));
    QVERIFY2(retry.ok, qPrintable(retry.error));
    QCOMPARE(retry.eventIds, (QList<quint64>{1, 2, 3, 4}));
    QCOMPARE(retry.duplicates, (QList<bool>{true, true, true, false}));
    // The same seq in one batch: the second is a duplicate of the first.
    WriteBatch twice = points(kDevice, 1, 99);
    twice.points += points(kDevice, 1, 99).points;
    const WriteResult inOne = write(*a, twice);
    QCOMPARE(inOne.eventIds, (QList<quint64>{5, 5}));
    QCOMPARE(inOne.duplicates, (QList<bool>{false, true}));
    // Same seq on another device, or without seq: not a duplicate.
    QCOMPARE(write(*a, points(kSouth, 1, 10)).duplicates, (QList<bool>{false}));
    QCOMPARE(write(*a, points(kDevice, 2, -1)).duplicates, (QList<bool>{false, false}));
    // A last write of another device: once it is followed, everything
    // before it was too, and nothing else.
    QCOMPARE(write(*a, points(kOther, 1, 0)).eventIds, QList<quint64>{9});
    QVERIFY(onA.waitForCount(9));
    QCOMPARE(onA.ids(), inclusiveRange<quint64>(1, 9));
}

void tst_RedisEventLog::stateEventsThatChangeNothingAreNotAppended()
{
    auto a = openLog();
    auto b = openLog();
    QVERIFY(a && b);
    Follower onB(*b);
    // Both instances see the device's first point and both say "online".
    QVERIFY(write(*a, status(kDevice, QStringLiteral("online"))).ok);
    QVERIFY(write(*b, status(kDevice, QStringLiteral("online"))).ok);
    QVERIFY(write(*b, status(kDevice, QStringLiteral("offline"))).ok);
    QVERIFY(write(*a, status(kDevice, QStringLiteral("offline"))).ok);
    QVERIFY(write(*a, status(kSouth, QStringLiteral("online"))).ok); // another device: its own state
    // Alerts are per device and rule.
    WriteBatch firing;
    firing.events.append(makeEvent(kDevice, QStringLiteral("alert"),
                               QJsonObject{{QStringLiteral("ruleId"), QStringLiteral("hot")}, {QStringLiteral("state"), QStringLiteral("firing")}},
                               QDateTime::currentDateTimeUtc()));
    QVERIFY(write(*a, firing).ok);
    QVERIFY(write(*b, firing).ok);
    WriteBatch otherRule = firing;
    otherRule.events[0].data[QStringLiteral("ruleId")] = QStringLiteral("cold");
    QVERIFY(write(*b, otherRule).ok);

    QVERIFY(write(*a, status(kOther, QStringLiteral("online"))).ok); // the last one
    QVERIFY(onB.waitForCount(6));
    QCOMPARE(onB.events().last().deviceId, QStringLiteral("g1"));
    QStringList seen;
    for (const StoredEvent &e : onB.events())
        seen.append(e.deviceId + QLatin1Char(' ') + e.data.value(QStringLiteral("status")).toString()
                    + e.data.value(QStringLiteral("ruleId")).toString() + e.data.value(QStringLiteral("state")).toString());
    QCOMPARE(seen, (QStringList{QStringLiteral("n1 online"), QStringLiteral("n1 offline"), QStringLiteral("s1 online"),
                                QStringLiteral("n1 hotfiring"), QStringLiteral("n1 coldfiring"), QStringLiteral("g1 online")}));
    QCOMPARE(onB.ids(), inclusiveRange<quint64>(1, 6)); // skipped events take no id
}

void tst_RedisEventLog::openRestoresStateAndDevices()
{
    {
        auto a = openLog();
        QVERIFY(a);
        QVERIFY(write(*a, points(kDevice, 2, 1)).ok);
        QVERIFY(write(*a, status(kDevice, QStringLiteral("online"))).ok);
        WriteBatch more = points(kSouth, 1, 1);
        more.points[0].point.fields.insert(QStringLiteral("fan_rpm"), 1200);
        QVERIFY(write(*a, more).ok);
        QVERIFY(write(*a, status(kDevice, QStringLiteral("offline"))).ok);
    }
    auto again = openLog();
    QVERIFY(again);
    QCOMPARE(again->lastEventId(), quint64(5));
    const QList<StoredEvent> state = again->latestStateEvents();
    QCOMPARE(state.size(), 1);
    QCOMPARE(state.at(0).id, quint64(5));
    QCOMPARE(state.at(0).type, QStringLiteral("device_status"));
    QCOMPARE(state.at(0).topic, kDevice.topic());
    QCOMPARE(state.at(0).data.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
    QList<DeviceState> devices = again->deviceStates();
    std::sort(devices.begin(), devices.end(), [](const DeviceState &x, const DeviceState &y) { return x.deviceId < y.deviceId; });
    QCOMPARE(devices.size(), 2);
    QCOMPARE(devices.at(0).deviceId, QStringLiteral("n1"));
    QCOMPARE(devices.at(0).siteId, QStringLiteral("north"));
    QCOMPARE(devices.at(0).fields, (QStringList{QStringLiteral("load"), QStringLiteral("temp_c")}));
    QVERIFY(devices.at(0).lastSeen.isValid());
    QCOMPARE(devices.at(1).fields, (QStringList{QStringLiteral("fan_rpm"), QStringLiteral("load"), QStringLiteral("temp_c")}));
}

void tst_RedisEventLog::readEventsFiltersAndPages()
{
    auto log = openLog();
    QVERIFY(log);
    QVERIFY(write(*log, points(kDevice, 1500, 0)).ok);       // 1..1500
    QVERIFY(write(*log, points(kOther, 10, 0)).ok);          // 1501..1510, another account
    QVERIFY(write(*log, points(kSouth, 5, 0)).ok);           // 1511..1515
    QVERIFY(write(*log, status(kSouth, QStringLiteral("online"))).ok); // 1516

    EventQuery query;
    query.accountId = QStringLiteral("acme");
    query.limit = 1000;
    EventPage page = read(*log, query);
    QVERIFY2(page.ok, qPrintable(page.error));
    QCOMPARE(idsOf(page.events), inclusiveRange<quint64>(1, 1000));
    QVERIFY(page.hasMore);
    QCOMPARE(page.oldestRetainedId, quint64(1));

    query.afterId = 1000;
    page = read(*log, query);
    QList<quint64> expected = inclusiveRange<quint64>(1001, 1500) + inclusiveRange<quint64>(1511, 1516);
    QCOMPARE(idsOf(page.events), expected); // never globex's
    QVERIFY(!page.hasMore);

    query.afterId = 0;
    query.sites = QStringList{QStringLiteral("south")};
    page = read(*log, query); // the matches lie past two chunks of other events
    QCOMPARE(idsOf(page.events), inclusiveRange<quint64>(1511, 1516));
    query.types = QStringList{QStringLiteral("device_status")};
    QCOMPARE(idsOf(read(*log, query).events), QList<quint64>{1516});
    query.sites.clear();
    query.types.clear();
    query.devices = QStringList{QStringLiteral("n1")};
    query.afterId = 1495;
    query.limit = 3;
    page = read(*log, query);
    QCOMPARE(idsOf(page.events), inclusiveRange<quint64>(1496, 1498));
    QVERIFY(page.hasMore);
    query.accountId = QStringLiteral("nobody");
    query.devices.clear();
    page = read(*log, query);
    QVERIFY(page.ok);
    QVERIFY(page.events.isEmpty());
}

void tst_RedisEventLog::readNewestForAlerts()
{
    auto log = openLog();
    QVERIFY(log);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(write(*log, points(kDevice, 10, 0, now.addSecs(-7200))).ok); // 1..10, two hours ago
    QVERIFY(write(*log, points(kDevice, 10, 10, now)).ok);               // 11..20
    EventQuery query;
    query.accountId = QStringLiteral("acme");
    query.newest = true;
    query.limit = 4;
    EventPage page = read(*log, query);
    QCOMPARE(idsOf(page.events), inclusiveRange<quint64>(17, 20)); // the newest, oldest first
    QVERIFY(page.hasMore);
    query.limit = 100;
    query.since = now.addSecs(-60);
    page = read(*log, query);
    QCOMPARE(idsOf(page.events), inclusiveRange<quint64>(11, 20));
    QVERIFY(!page.hasMore);
}

void tst_RedisEventLog::retentionTrimsTheLog()
{
    auto log = openLog(1);
    QVERIFY(log);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(write(*log, points(kDevice, 250, 0, now.addSecs(-3 * 3600))).ok); // 1..250
    QVERIFY(write(*log, points(kDevice, 5, 250, now.addSecs(-2 * 3600))).ok); // 251..255
    EventQuery query;
    query.accountId = QStringLiteral("acme");
    QCOMPARE(read(*log, query).oldestRetainedId, quint64(1));
    // Appending now trims (approximately: whole stream nodes) what was
    // published before the retention window.
    QVERIFY(write(*log, points(kDevice, 1, 300, now)).ok); // 256
    const quint64 afterAppend = read(*log, query).oldestRetainedId;
    QVERIFY2(afterAppend > 100 && afterAppend <= 251, qPrintable(QString::number(afterAppend)));
    // The periodic purge trims to the retention mark exactly: everything
    // published before the newest mark older than the cutoff.
    bool purged = false;
    log->purge(now.addSecs(-3600), [&](bool ok) { purged = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(purged, kTimeoutMs);
    EventPage page = read(*log, query);
    QCOMPARE(page.oldestRetainedId, quint64(251));
    QCOMPARE(idsOf(page.events), inclusiveRange<quint64>(251, 256));
    // The seq index is trimmed with it: an expired seq may be stored again,
    // a retained one is still a duplicate.
    QCOMPARE(write(*log, points(kDevice, 1, 250)).duplicates, QList<bool>{true});
}

void tst_RedisEventLog::survivesRedisRestartWithoutGapsOrReusedIds()
{
    auto a = openLog();
    QVERIFY(a);
    Follower onA(*a);
    QVERIFY(write(*a, points(kDevice, 5, 0)).ok);
    QVERIFY(onA.waitForCount(5));
    QVERIFY2(m_redis->restart(), qPrintable(m_redis->errorString()));
    // Writes fail while it is away and succeed again once reconnected.
    WriteResult result;
    QVERIFY(QTest::qWaitFor([&] {
        result = write(*a, points(kDevice, 5, 5));
        return result.ok;
    }, kTimeoutMs));
    QCOMPARE(result.eventIds, inclusiveRange<quint64>(6, 10));
    QVERIFY(onA.waitForCount(10));
    QCOMPARE(onA.ids(), inclusiveRange<quint64>(1, 10)); // the follower picked up where it was
    QVERIFY(a->isHealthy());
}

void tst_RedisEventLog::idsNeverGoBackWhenRedisLosesData()
{
    auto a = openLog();
    QVERIFY(a);
    Follower onA(*a);
    QVERIFY(write(*a, points(kDevice, 7, 0)).ok);
    QVERIFY(onA.waitForCount(7));
    // Redis comes back empty (a failover to a stale replica, no persistence).
    QVERIFY(m_redis->command({"FLUSHALL"}).startsWith("+OK"));
    QVERIFY(m_redis->command({"CLIENT", "KILL", "TYPE", "normal"}).startsWith(":"));
    WriteResult result;
    QVERIFY(QTest::qWaitFor([&] {
        result = write(*a, points(kDevice, 1, 100));
        return result.ok;
    }, kTimeoutMs));
    QVERIFY2(result.eventIds.first() > 7, qPrintable(QString::number(result.eventIds.first())));
    QVERIFY(QTest::qWaitFor([&] { return onA.events().size() == 8; }, kTimeoutMs));
    QCOMPARE(onA.ids().last(), result.eventIds.first());
}

void tst_RedisEventLog::failsFastWhileRedisIsDownAndRecovers()
{
    auto a = openLog();
    QVERIFY(a);
    Follower onA(*a);
    m_redis->kill();
    QTRY_VERIFY_WITH_TIMEOUT(!a->isHealthy(), kTimeoutMs);
    QVERIFY2(a->statusText().contains(QLatin1String("cannot reach Redis")), qPrintable(a->statusText()));
    QElapsedTimer timer;
    timer.start();
    const WriteResult failed = write(*a, points(kDevice, 1, 0));
    QVERIFY(!failed.ok);
    QVERIFY2(failed.error.contains(QLatin1String("Redis")), qPrintable(failed.error));
    QVERIFY2(timer.elapsed() < 2000, "a write while Redis is down must fail at once");
    EventQuery query;
    query.accountId = QStringLiteral("acme");
    QVERIFY(!read(*a, query).ok);

    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(a->isHealthy(), kTimeoutMs);
    const WriteResult stored = write(*a, points(kDevice, 1, 0));
    QVERIFY2(stored.ok, qPrintable(stored.error));
    QCOMPARE(stored.eventIds, QList<quint64>{1}); // the failed write took no id
    QVERIFY(onA.waitForCount(1));
}

void tst_RedisEventLog::openFailsWithAReadableErrorWhenRedisIsDown()
{
    const QString url = m_redis->url();
    m_redis->stop();
    QString error;
    RedisEventLog log(*RedisAddress::fromUrl(url, &error), 24);
    QVERIFY(!log.open(&error));
    QVERIFY2(error.contains(QLatin1String("cannot reach Redis at ")) && error.contains(url), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_RedisEventLog)
#include "tst_rediseventlog.moc"
