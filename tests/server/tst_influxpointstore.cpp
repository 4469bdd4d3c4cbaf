// Tests of InfluxPointStore (issue 8) against a real influxd on a free port
// (InfluxProcess), plus a scripted HTTP server for what a real influxd does
// not do on demand (stalls, 401, 500, answers held back and given out of
// order).
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>

#include "server/influxpointstore.h"
#include "support/influxprocess.h"
#include "support/misbehavingserver.h"

using namespace Sightline;
using namespace Sightline::Test;

namespace {

constexpr int kStoreTimeoutMs = 20000; // one write or read
constexpr int kRecoveryTimeoutMs = 30000; // the probe finds influxd back
constexpr int kHistoryPoints = 10;

const DeviceRecord kDevice { QStringLiteral("acme"), QStringLiteral("lab"),
    QStringLiteral("jetson-01") };

struct WriteOutcome
{
    bool called = false;
    bool ok = false;
    QString error;
};

// Whole seconds, ten minutes ago: inside any retention policy, and all
// points of a test in one shard group.
QDateTime recentTime()
{
    return QDateTime::fromMSecsSinceEpoch(
        (QDateTime::currentMSecsSinceEpoch() / 1000 - 600) * 1000, Qt::UTC);
}

PointWrite makePoint(const DeviceRecord &device, const QDateTime &ts, std::optional<qint64> seq,
    const QJsonObject &fields)
{
    PointWrite write;
    write.device = device;
    write.point.deviceId = device.deviceId;
    write.point.ts = ts;
    write.point.seq = seq;
    write.point.fields = fields;
    return write;
}

HistoryQuery historyQuery(
    const DeviceRecord &device, const QDateTime &since, const QDateTime &until, int limit = 1000)
{
    HistoryQuery query;
    query.accountId = device.accountId;
    query.deviceId = device.deviceId;
    query.since = since;
    query.until = until;
    query.limit = limit;
    return query;
}

qint64 ns(const QDateTime &ts, qint64 offset = 0)
{
    return ts.toMSecsSinceEpoch() * 1000000 + offset;
}

// What InfluxDB 1.x answers to SHOW RETENTION POLICIES when ours is there
// (24 h, the default).
const QByteArray kPoliciesAnswer
    = R"({"results":[{"statement_id":0,"series":[{"columns":["name","duration","shardGroupDuration","replicaN","default"],"values":[["sightline_retention","24h0m0s","1h0m0s",1,true]]}]}]})";

// What the line of the point with this seq has (seqs 0..9 never match
// each other).
QByteArray seqMarker(int seq)
{
    return "@seq=" + QByteArray::number(seq) + 'i';
}

// A scripted InfluxDB 1.x whose database and retention policy are there.
// Each POST to /write (and, while holdQueries is set, each /query) is held
// until the test releases it, so the test decides when and in which order
// POSTs are answered; a POST to /write gets writeAnswer(body), 204 unless
// set. /ping answers 204 at once.
class ScriptedInflux
{
public:
    bool holdWrites = true;
    bool holdQueries = false;
    std::function<ServerScript(const QByteArray &body)> writeAnswer;

    ScriptedInflux()
    {
        m_server.setHandler([this](const ReceivedRequest &request) {
            if (request.path == "/ping")
                return ServerScript::response(204, "application/json", {});
            if (request.path == "/query") {
                const ServerScript answer
                    = ServerScript::response(200, "application/json", kPoliciesAnswer);
                return holdQueries ? ServerScript::held(answer) : answer;
            }
            const ServerScript answer = writeAnswer
                ? writeAnswer(request.body)
                : ServerScript::response(204, "application/json", {});
            return holdWrites ? ServerScript::held(answer) : answer;
        });
        QObject::connect(&m_server, &MisbehavingServer::requestReceived, &m_server,
            [this] { m_maxHeldWrites = std::max(m_maxHeldWrites, heldCount("/write")); });
    }

    QUrl url() const { return m_server.url(); }

    int heldCount(const QByteArray &path) const
    {
        int count = 0;
        for (const ReceivedRequest &request : m_server.heldRequests())
            count += request.path == path ? 1 : 0;
        return count;
    }
    // The most POSTs to /write held at the same time.
    int maxHeldWrites() const { return m_maxHeldWrites; }

    // Answers the held POST to /write that has the point with this seq.
    void releaseWrite(int seq)
    {
        const QList<ReceivedRequest> held = m_server.heldRequests();
        for (qsizetype i = 0; i < held.size(); ++i) {
            if (held.at(i).path == "/write" && held.at(i).body.contains(seqMarker(seq))) {
                m_server.release(int(i));
                return;
            }
        }
        QFAIL(qPrintable(QStringLiteral("no POST with seq %1 is held").arg(seq)));
    }
    void releaseQuery()
    {
        const QList<ReceivedRequest> held = m_server.heldRequests();
        for (qsizetype i = 0; i < held.size(); ++i) {
            if (held.at(i).path == "/query") {
                m_server.release(int(i));
                return;
            }
        }
        QFAIL("no /query is held");
    }
    void releaseAll()
    {
        while (m_server.heldCount() > 0)
            m_server.release(m_server.heldCount() - 1); // newest first
    }

    // The paths of the requests received from the `from`-th on, without
    // the probe's /ping.
    QList<QByteArray> pathsFrom(int from) const
    {
        QList<QByteArray> paths;
        for (const ReceivedRequest &request : m_server.requests().mid(from)) {
            if (request.path != "/ping")
                paths.append(request.path);
        }
        return paths;
    }
    QList<QByteArray> writeBodies() const
    {
        QList<QByteArray> bodies;
        for (const ReceivedRequest &request : m_server.requests()) {
            if (request.path == "/write")
                bodies.append(request.body);
        }
        return bodies;
    }
    int requestCount() const { return m_server.requestCount(); }

private:
    MisbehavingServer m_server;
    int m_maxHeldWrites = 0;
};

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// The history data set: jetson-01 of acme has kHistoryPoints points one
// second apart, seq i, temp i and rpm 100 i on even i; jetson-02 of acme
// and jetson-01 of another account have points at the same times.
QJsonObject historyFields(int i)
{
    QJsonObject fields { { QStringLiteral("temp"), double(i) } };
    if (i % 2 == 0)
        fields.insert(QStringLiteral("rpm"), 100.0 * i);
    return fields;
}

// Buckets as text, one per bucket: "<start - base in ms> n=<count>
// <field>=<min>/<max>/<mean>/<last> ...", fields in the order given.
QStringList describeBuckets(const QList<HistoryStepBucket> &buckets, const QDateTime &base)
{
    QStringList lines;
    for (const HistoryStepBucket &bucket : buckets) {
        QString line = QStringLiteral("%1 n=%2").arg(bucket.startMs - base.toMSecsSinceEpoch()).arg(bucket.count);
        for (const FieldAggregate &field : bucket.fields)
            line += QStringLiteral(" %1=%2/%3/%4/%5").arg(field.name).arg(field.min).arg(field.max).arg(field.mean).arg(field.last);
        lines.append(line);
    }
    return lines;
}

} // namespace

class tst_InfluxPointStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void openCreatesDatabaseAndRetentionPolicy();
    void openAltersChangedRetention();
    void writtenPointsAreRowsOfTelemetry();
    void readHistory_data();
    void readHistory();
    void readBuckets_data();
    void readBuckets();
    void resentPointOverwritesItself();
    void sameMillisecondDifferentSeqBothKept();
    void tagsAreEscaped();
    void fieldsNamedLikeTagsOrTime();
    void numbersRoundTrip_data();
    void numbersRoundTrip();
    void writesInOneTurnShareAPost();
    void largeWritesSplitIntoSeveralPosts();
    void writesThatNeedNoPostAnswerInOrder();
    void pointsBeyondRetentionCountAsWritten();
    void fieldTypeConflictIsReportedInWords();
    void stoppedInfluxFailsWritesAndRecoversByItself();
    void openWhileInfluxIsDown();
    void readHistoryErrorsAreWords();
    void closeAnswersEveryCallback();
    void closeWithInfluxDown();
    void malformedUrl_data();
    void malformedUrl();
    void authPrefixAndOpenTimeout();
    void httpErrorsMakeItUnhealthyUntilTheProbeSucceeds();
    void postsOverlapUpToTheLimit();
    void smallWritesWaitForTheirTurnLargeOnesOverlap();
    void callbacksKeepCallOrderWhenAnswersDoNot();
    void failedPostFailsOnlyItsWrites();
    void refusedGroupIsRetriedAloneInOrder();
    void closeWaitsForEveryPostInFlight();

private:
    QUrl storeUrl(const QString &db) const;
    std::unique_ptr<InfluxPointStore> openStore(const QString &db, int retentionHours = 24);
    static WriteOutcome write(InfluxPointStore &store, const QList<PointWrite> &points);
    static HistoryResult read(InfluxPointStore &store, const HistoryQuery &query);
    QJsonArray rows(const QString &influxql, const QString &db);
    static std::unique_ptr<InfluxPointStore> openScriptedStore(const ScriptedInflux &influx);

    InfluxProcess m_influx;
    QDateTime m_historyBase;
    QDateTime m_bucketBase; // a multiple of two minutes
};

QUrl tst_InfluxPointStore::storeUrl(const QString &db) const
{
    return QUrl(m_influx.url() + QStringLiteral("?db=") + db);
}

std::unique_ptr<InfluxPointStore> tst_InfluxPointStore::openStore(
    const QString &db, int retentionHours)
{
    auto store = std::make_unique<InfluxPointStore>(storeUrl(db), retentionHours);
    QString error;
    if (!store->open(&error) || !store->isHealthy()) {
        qWarning() << "open failed:" << error << store->statusText();
        return nullptr;
    }
    return store;
}

WriteOutcome tst_InfluxPointStore::write(InfluxPointStore &store, const QList<PointWrite> &points)
{
    auto outcome = std::make_shared<WriteOutcome>();
    store.writePoints(points, [outcome](bool ok, const QString &error) {
        outcome->called = true;
        outcome->ok = ok;
        outcome->error = error;
    });
    if (!QTest::qWaitFor([outcome] { return outcome->called; }, kStoreTimeoutMs))
        return WriteOutcome { false, false, QStringLiteral("no answer in the test's time") };
    return *outcome;
}

HistoryResult tst_InfluxPointStore::read(InfluxPointStore &store, const HistoryQuery &query)
{
    auto result = std::make_shared<std::optional<HistoryResult>>();
    store.readHistory(query, [result](const HistoryResult &answer) { *result = answer; });
    if (!QTest::qWaitFor([result] { return result->has_value(); }, kStoreTimeoutMs)) {
        HistoryResult timedOut;
        timedOut.error = QStringLiteral("no answer in the test's time");
        return timedOut;
    }
    return **result;
}

std::unique_ptr<InfluxPointStore> tst_InfluxPointStore::openScriptedStore(
    const ScriptedInflux &influx)
{
    auto store = std::make_unique<InfluxPointStore>(influx.url(), 24);
    QString error;
    if (!store->open(&error) || !store->isHealthy()) {
        qWarning() << "open failed:" << error << store->statusText();
        return nullptr;
    }
    return store;
}

// The rows of the first series of the answer (times in ns).
QJsonArray tst_InfluxPointStore::rows(const QString &influxql, const QString &db)
{
    const QJsonDocument answer = QJsonDocument::fromJson(m_influx.query(influxql, db));
    return answer[QLatin1String("results")][0][QLatin1String("series")][0][QLatin1String("values")]
        .toArray();
}

void tst_InfluxPointStore::initTestCase()
{
    QVERIFY2(m_influx.start(), qPrintable(m_influx.errorString()));

    // The history data set, in a database of its own.
    const auto store = openStore(QStringLiteral("history"));
    QVERIFY(store);
    m_historyBase = recentTime();
    const DeviceRecord otherDevice { kDevice.accountId, kDevice.siteId,
        QStringLiteral("jetson-02") };
    const DeviceRecord otherAccount { QStringLiteral("globex"), kDevice.siteId, kDevice.deviceId };
    QList<PointWrite> points;
    for (int i = 0; i < kHistoryPoints; ++i) {
        const QDateTime ts = m_historyBase.addMSecs(1000 * i);
        points.append(makePoint(kDevice, ts, i, historyFields(i)));
        points.append(makePoint(otherDevice, ts, i, { { QStringLiteral("temp"), 1000.0 + i } }));
        points.append(makePoint(otherAccount, ts, i, { { QStringLiteral("temp"), 2000.0 + i } }));
    }
    const WriteOutcome outcome = write(*store, points);
    QVERIFY2(outcome.ok, qPrintable(outcome.error));

    // The bucket data set (API.md "History for long ranges"), in its own
    // database: the points of tst_telemetryapi's bucket tests.
    const auto bucketStore = openStore(QStringLiteral("buckets"));
    QVERIFY(bucketStore);
    m_bucketBase = QDateTime::fromMSecsSinceEpoch(recentTime().toMSecsSinceEpoch() / 120000 * 120000, Qt::UTC);
    const QString a = QStringLiteral("a");
    const QList<PointWrite> bucketPoints{
        makePoint(kDevice, m_bucketBase.addMSecs(-61000), 1, {{a, 10.0}}),
        makePoint(kDevice, m_bucketBase.addMSecs(-1), 2, {{a, 2.0}, {QStringLiteral("c"), -1.5}}), // 59.999 s
        makePoint(kDevice, m_bucketBase, 3, {{a, 1.0}}), // 60.000 s: the next minute
        makePoint(kDevice, m_bucketBase.addMSecs(10000), 4, {{a, 5.0}}),
        makePoint(kDevice, m_bucketBase.addMSecs(30000), std::nullopt, {{a, 3.0}, {QStringLiteral("b"), 7.0}}),
        makePoint(otherDevice, m_bucketBase, 1, {{a, 99.0}}),
        makePoint(otherAccount, m_bucketBase, 1, {{a, 98.0}}),
    };
    const WriteOutcome bucketOutcome = write(*bucketStore, bucketPoints);
    QVERIFY2(bucketOutcome.ok, qPrintable(bucketOutcome.error));
}

void tst_InfluxPointStore::init()
{
    // A test that stops influxd may fail before it starts it again.
    if (!m_influx.isRunning())
        QVERIFY2(m_influx.start(), qPrintable(m_influx.errorString()));
}

void tst_InfluxPointStore::cleanupTestCase()
{
    m_influx.stop();
}

void tst_InfluxPointStore::openCreatesDatabaseAndRetentionPolicy()
{
    m_influx.query(QStringLiteral("DROP DATABASE sightline"));
    InfluxPointStore store(QUrl(m_influx.url()), 36);
    QCOMPARE(store.databaseName(), QStringLiteral("sightline"));
    QCOMPARE(store.healthKey(), QStringLiteral("influx"));
    QVERIFY(!store.isHealthy());
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(store.isHealthy());
    QCOMPARE(store.statusText(), QStringLiteral("ok"));

    // The database exists at once, with our policy as its only and default one.
    QCOMPARE(rows(QStringLiteral("SHOW RETENTION POLICIES ON sightline"), {}),
        QJsonArray({ QJsonArray({ QStringLiteral("sightline_retention"), QStringLiteral("36h0m0s"),
            QStringLiteral("1h0m0s"), 1, true }) }));
    store.close();
    QVERIFY(!store.isHealthy());
    QCOMPARE(store.statusText(), QStringLiteral("closed"));
}

void tst_InfluxPointStore::openAltersChangedRetention()
{
    const QString db = QStringLiteral("altered");
    // A database someone made before, with autogen as its default.
    m_influx.query(QStringLiteral("CREATE DATABASE altered"));
    const auto policies
        = [this, &db] { return rows(QStringLiteral("SHOW RETENTION POLICIES ON ") + db, {}); };
    for (const auto &[hours, duration] : { std::pair(24, "24h0m0s"), std::pair(48, "48h0m0s"),
             std::pair(0, "1h0m0s"), std::pair(24 * 3650, "87600h0m0s") }) {
        const auto store = openStore(db, hours);
        QVERIFY(store);
        QCOMPARE(policies(),
            QJsonArray({ QJsonArray({ QStringLiteral("autogen"), QStringLiteral("0s"),
                             QStringLiteral("168h0m0s"), 1, false }),
                QJsonArray({ QStringLiteral("sightline_retention"), QLatin1String(duration),
                    policies()[1][2], 1, true }) }));
    }
    // Someone made autogen the default again: the next open fixes it.
    m_influx.query(QStringLiteral("ALTER RETENTION POLICY autogen ON altered DEFAULT"));
    QVERIFY(openStore(db, 24 * 3650));
    QCOMPARE(policies()[1][4], QJsonValue(true));
}

void tst_InfluxPointStore::writtenPointsAreRowsOfTelemetry()
{
    const QString db = QStringLiteral("rows");
    const auto store = openStore(db);
    QVERIFY(store);
    QSignalSpy commits(store.get(), &PointStore::commitTimed);
    const QDateTime ts = recentTime();
    const WriteOutcome outcome = write(*store,
        { makePoint(
              kDevice, ts, 7, { { QStringLiteral("temp"), 21.5 }, { QStringLiteral("rpm"), 900 } }),
            makePoint(kDevice, ts.addMSecs(1), std::nullopt, { { QStringLiteral("temp"), 22 } }) });
    QVERIFY2(outcome.ok, qPrintable(outcome.error));
    QVERIFY(outcome.error.isEmpty());
    QCOMPARE(commits.size(), 1);
    QVERIFY(commits.at(0).at(0).toDouble() > 0);
    QVERIFY(store->isHealthy());

    // Columns come sorted: time, then fields and tags by name.
    const QJsonDocument answer
        = QJsonDocument::fromJson(m_influx.query(QStringLiteral("SELECT * FROM telemetry"), db));
    QCOMPARE(
        answer[QLatin1String("results")][0][QLatin1String("series")][0][QLatin1String("columns")]
            .toArray(),
        QJsonArray({ QStringLiteral("time"), QStringLiteral("@seq"), QStringLiteral("account"),
            QStringLiteral("device"), QStringLiteral("rpm"), QStringLiteral("site"),
            QStringLiteral("temp") }));
    const QJsonArray values = rows(QStringLiteral("SELECT * FROM telemetry"), db);
    QCOMPARE(values.size(), 2);
    // Nanoseconds: ms * 1e6 + seq mod 1e6 (exact: Qt keeps JSON integers as qint64).
    QCOMPARE(values[0][0].toInteger(), ns(ts, 7));
    QCOMPARE(values[0].toArray(),
        QJsonArray({ values[0][0], 7, QStringLiteral("acme"), QStringLiteral("jetson-01"), 900,
            QStringLiteral("lab"), 21.5 }));
    QCOMPARE(values[1][0].toInteger(), ns(ts.addMSecs(1)));
    QCOMPARE(values[1].toArray(),
        QJsonArray({ values[1][0], QJsonValue::Null, QStringLiteral("acme"),
            QStringLiteral("jetson-01"), QJsonValue::Null, QStringLiteral("lab"), 22 }));
    // Device fields are floats even when integral; only @seq is an integer.
    QCOMPARE(rows(QStringLiteral("SHOW FIELD KEYS FROM telemetry"), db),
        QJsonArray({ QJsonArray({ QStringLiteral("@seq"), QStringLiteral("integer") }),
            QJsonArray({ QStringLiteral("rpm"), QStringLiteral("float") }),
            QJsonArray({ QStringLiteral("temp"), QStringLiteral("float") }) }));
    QCOMPARE(rows(QStringLiteral("SHOW TAG KEYS FROM telemetry"), db),
        QJsonArray({ QJsonArray({ QStringLiteral("account") }),
            QJsonArray({ QStringLiteral("device") }), QJsonArray({ QStringLiteral("site") }) }));
}

void tst_InfluxPointStore::readHistory_data()
{
    QTest::addColumn<int>("sinceOffset"); // seconds after the first point
    QTest::addColumn<int>("untilOffset");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QList<int>>("expected"); // indices, ascending
    QTest::addColumn<bool>("truncated");

    QTest::newRow("whole range, ascending") << 0 << 100 << 1000 << QStringList()
                                            << QList<int> { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 } << false;
    QTest::newRow("limit keeps the newest")
        << 0 << 100 << 3 << QStringList() << QList<int> { 7, 8, 9 } << true;
    QTest::newRow("limit equal to the count")
        << 0 << 100 << 10 << QStringList() << QList<int> { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 } << false;
    QTest::newRow("limit zero") << 0 << 100 << 0 << QStringList() << QList<int>() << true;
    QTest::newRow("since inclusive")
        << 3 << 100 << 1000 << QStringList() << QList<int> { 3, 4, 5, 6, 7, 8, 9 } << false;
    QTest::newRow("until exclusive")
        << 0 << 3 << 1000 << QStringList() << QList<int> { 0, 1, 2 } << false;
    QTest::newRow("since and until")
        << 2 << 5 << 1000 << QStringList() << QList<int> { 2, 3, 4 } << false;
    QTest::newRow("empty range") << 4 << 4 << 1000 << QStringList() << QList<int>() << false;
    QTest::newRow("range before the points")
        << -100 << 0 << 1000 << QStringList() << QList<int>() << false;
    QTest::newRow("fields filter keeps points without the field")
        << 0 << 100 << 1000 << QStringList { QStringLiteral("rpm") }
        << QList<int> { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 } << false;
    QTest::newRow("fields filter with an unknown field")
        << 0 << 100 << 2 << QStringList { QStringLiteral("nope") } << QList<int> { 8, 9 } << true;
    QTest::newRow("fields filter with every field")
        << 0 << 100 << 1000 << QStringList { QStringLiteral("temp"), QStringLiteral("rpm") }
        << QList<int> { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 } << false;
}

void tst_InfluxPointStore::readHistory()
{
    QFETCH(int, sinceOffset);
    QFETCH(int, untilOffset);
    QFETCH(int, limit);
    QFETCH(QStringList, fields);
    QFETCH(QList<int>, expected);
    QFETCH(bool, truncated);

    InfluxPointStore store(storeUrl(QStringLiteral("history")), 24);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    HistoryQuery query = historyQuery(
        kDevice, m_historyBase.addSecs(sinceOffset), m_historyBase.addSecs(untilOffset), limit);
    query.fields = fields;
    const HistoryResult result = read(store, query);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(result.error.isEmpty());
    QCOMPARE(result.truncated, truncated);
    QCOMPARE(result.points.size(), expected.size());
    for (qsizetype p = 0; p < expected.size(); ++p) {
        const int i = expected.at(p);
        const HistoryPoint &point = result.points.at(p);
        QCOMPARE(point.ts, m_historyBase.addMSecs(1000 * i));
        QCOMPARE(point.ts.timeSpec(), Qt::UTC);
        QCOMPARE(point.seq, std::optional<qint64>(i));
        QJsonObject wanted = historyFields(i);
        if (!fields.isEmpty()) {
            for (const QString &name : wanted.keys()) {
                if (!fields.contains(name))
                    wanted.remove(name);
            }
        }
        QCOMPARE(point.fields, wanted);
    }
}

void tst_InfluxPointStore::readBuckets_data()
{
    QTest::addColumn<int>("sinceMs"); // offsets from the base
    QTest::addColumn<int>("untilMs");
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<bool>("truncated");

    const QString before = QStringLiteral("-120000 n=1 a=10/10/10/10");
    const QString lastSecond = QStringLiteral("-60000 n=1 a=2/2/2/2 c=-1.5/-1.5/-1.5/-1.5");
    const QString base = QStringLiteral("0 n=3 a=1/5/3/3 b=7/7/7/7");
    QTest::newRow("59.999 s and 60.000 s in different buckets")
        << -120000 << 60000 << 60 << 100 << QStringList() << QStringList{before, lastSecond, base} << false;
    QTest::newRow("since inclusive, until exclusive")
        << -1 << 30000 << 60 << 100 << QStringList()
        << QStringList{QStringLiteral("-60000 n=1 a=2/2/2/2 c=-1.5/-1.5/-1.5/-1.5"), QStringLiteral("0 n=2 a=1/5/3/5")}
        << false;
    QTest::newRow("two-minute buckets")
        << -240000 << 120000 << 120 << 100 << QStringList()
        << QStringList{QStringLiteral("-120000 n=2 a=2/10/6/2 c=-1.5/-1.5/-1.5/-1.5"), base} << false;
    QTest::newRow("30 s buckets")
        << -120000 << 60000 << 30 << 100 << QStringList()
        << QStringList{QStringLiteral("-90000 n=1 a=10/10/10/10"), QStringLiteral("-30000 n=1 a=2/2/2/2 c=-1.5/-1.5/-1.5/-1.5"),
                       QStringLiteral("0 n=2 a=1/5/3/5"), QStringLiteral("30000 n=1 a=3/3/3/3 b=7/7/7/7")}
        << false;
    QTest::newRow("fields filter: a field of one point, count of every point")
        << -120000 << 60000 << 60 << 100 << QStringList{QStringLiteral("b")}
        << QStringList{QStringLiteral("-120000 n=1"), QStringLiteral("-60000 n=1"), QStringLiteral("0 n=3 b=7/7/7/7")} << false;
    QTest::newRow("limit counts buckets, the newest kept")
        << -120000 << 60000 << 60 << 2 << QStringList() << QStringList{lastSecond, base} << true;
    QTest::newRow("limit equal to the buckets")
        << -120000 << 60000 << 60 << 3 << QStringList() << QStringList{before, lastSecond, base} << false;
    QTest::newRow("a day") << -120000 << 60000 << 86400 << 100 << QStringList() << QStringList() << false;
    QTest::newRow("range without points") << -600000 << -300000 << 60 << 100 << QStringList() << QStringList() << false;
}

void tst_InfluxPointStore::readBuckets()
{
    QFETCH(int, sinceMs);
    QFETCH(int, untilMs);
    QFETCH(int, step);
    QFETCH(int, limit);
    QFETCH(QStringList, fields);
    QFETCH(QStringList, expected);
    QFETCH(bool, truncated);

    InfluxPointStore store(storeUrl(QStringLiteral("buckets")), 24);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    HistoryQuery query = historyQuery(kDevice, m_bucketBase.addMSecs(sinceMs), m_bucketBase.addMSecs(untilMs), limit);
    query.fields = fields;
    query.stepSeconds = step;
    const HistoryResult result = read(store, query);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(result.points.isEmpty());
    QCOMPARE(result.truncated, truncated);
    for (const HistoryStepBucket &bucket : result.buckets)
        QCOMPARE(bucket.startMs % (qint64(step) * 1000), 0);
    if (step == 86400) {
        // The points may straddle midnight UTC: one or two buckets.
        qint64 count = 0;
        for (const HistoryStepBucket &bucket : result.buckets)
            count += bucket.count;
        QCOMPARE(count, 5);
        return;
    }
    QCOMPARE(describeBuckets(result.buckets, m_bucketBase), expected);
}

void tst_InfluxPointStore::resentPointOverwritesItself()
{
    const QString db = QStringLiteral("resent");
    const auto store = openStore(db);
    QVERIFY(store);
    const QDateTime ts = recentTime();
    const PointWrite point = makePoint(kDevice, ts, 41, { { QStringLiteral("temp"), 1 } });
    QVERIFY(write(*store, { point }).ok);
    QVERIFY(write(*store, { point, point }).ok);
    // A retry with the same seq and ts (and, here, new values) stays one row.
    QVERIFY(write(*store, { makePoint(kDevice, ts, 41, { { QStringLiteral("temp"), 2 } }) }).ok);
    QCOMPARE(rows(QStringLiteral("SELECT COUNT(temp) FROM telemetry"), db)[0][1], QJsonValue(1));
    const HistoryResult result = read(*store, historyQuery(kDevice, ts, ts.addSecs(1)));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.points.size(), 1);
    QCOMPARE(result.points.at(0).fields, QJsonObject({ { QStringLiteral("temp"), 2 } }));
}

void tst_InfluxPointStore::sameMillisecondDifferentSeqBothKept()
{
    const QString db = QStringLiteral("samems");
    const auto store = openStore(db);
    QVERIFY(store);
    const QDateTime ts = recentTime().addMSecs(5);
    QVERIFY(write(*store,
        { makePoint(kDevice, ts, 2, { { QStringLiteral("temp"), 2 } }),
            makePoint(kDevice, ts, 1, { { QStringLiteral("temp"), 1 } }) })
                .ok);
    const QJsonArray values = rows(QStringLiteral("SELECT temp FROM telemetry"), db);
    QCOMPARE(values.size(), 2);
    QCOMPARE(values[0][0].toInteger(), ns(ts, 1));
    QCOMPARE(values[1][0].toInteger(), ns(ts, 2));

    const HistoryResult result = read(*store, historyQuery(kDevice, ts, ts.addMSecs(1)));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.points.size(), 2);
    QCOMPARE(result.points.at(0).ts, ts);
    QCOMPARE(result.points.at(0).seq, std::optional<qint64>(1));
    QCOMPARE(result.points.at(1).ts, ts);
    QCOMPARE(result.points.at(1).seq, std::optional<qint64>(2));
}

void tst_InfluxPointStore::tagsAreEscaped()
{
    const QString db = QStringLiteral("escaping");
    const auto store = openStore(db);
    QVERIFY(store);
    const DeviceRecord odd { QStringLiteral("big co, inc"), QStringLiteral("lab 1,north=x"),
        QStringLiteral("o'neil \\ \"dev\"=1") };
    const QDateTime ts = recentTime();
    const WriteOutcome outcome
        = write(*store, { makePoint(odd, ts, 1, { { QStringLiteral("temp"), 3 } }) });
    QVERIFY2(outcome.ok, qPrintable(outcome.error));
    QCOMPARE(
        rows(QStringLiteral("SHOW TAG VALUES FROM telemetry WITH KEY IN (account, device, site)"),
            db),
        QJsonArray({ QJsonArray({ QStringLiteral("account"), odd.accountId }),
            QJsonArray({ QStringLiteral("device"), odd.deviceId }),
            QJsonArray({ QStringLiteral("site"), odd.siteId }) }));
    const HistoryResult result = read(*store, historyQuery(odd, ts, ts.addSecs(1)));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.points.size(), 1);
    QCOMPARE(result.points.at(0).fields, QJsonObject({ { QStringLiteral("temp"), 3 } }));
    // A quote in the query's string literal ends nothing early.
    const DeviceRecord injected { odd.accountId, odd.siteId,
        QStringLiteral("x' OR device::tag != '") };
    const HistoryResult none = read(*store, historyQuery(injected, ts, ts.addSecs(1)));
    QVERIFY2(none.ok, qPrintable(none.error));
    QVERIFY(none.points.isEmpty());
}

void tst_InfluxPointStore::fieldsNamedLikeTagsOrTime()
{
    const QString db = QStringLiteral("names");
    const auto store = openStore(db);
    QVERIFY(store);
    const QDateTime ts = recentTime();
    const QJsonObject fields { { QStringLiteral("site"), 1 }, { QStringLiteral("account"), 2 },
        { QStringLiteral("device"), 3 }, { QStringLiteral("time"), 4 },
        { QStringLiteral("seq"), 5 }, { QStringLiteral("temp"), 6 } };
    const WriteOutcome outcome = write(*store, { makePoint(kDevice, ts, 9, fields) });
    QVERIFY2(outcome.ok, qPrintable(outcome.error));
    const HistoryResult result = read(*store, historyQuery(kDevice, ts, ts.addSecs(1)));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.points.size(), 1);
    QCOMPARE(result.points.at(0).fields, fields);
    QCOMPARE(result.points.at(0).seq, std::optional<qint64>(9));
    QHash<QString, QString> keys;
    for (const QJsonValue &row : rows(QStringLiteral("SHOW FIELD KEYS FROM telemetry"), db))
        keys.insert(row[0].toString(), row[1].toString());
    QVERIFY(keys.contains(QStringLiteral("@time")));
    QVERIFY(!keys.contains(QStringLiteral("time")));
}

void tst_InfluxPointStore::numbersRoundTrip_data()
{
    QTest::addColumn<double>("value");
    QTest::newRow("integral") << 5.0;
    QTest::newRow("one tenth") << 0.1;
    QTest::newRow("one third") << 1.0 / 3;
    QTest::newRow("negative") << -21.5;
    QTest::newRow("million, 1e+06 on the wire") << 1e6;
    QTest::newRow("large integral") << 123456789012345678.0;
    QTest::newRow("1e+21") << 1e21;
    QTest::newRow("1.5e-07") << 1.5e-7;
    QTest::newRow("largest") << std::numeric_limits<double>::max();
    QTest::newRow("lowest") << std::numeric_limits<double>::lowest();
    QTest::newRow("smallest normal") << std::numeric_limits<double>::min();
    QTest::newRow("smallest denormal") << std::numeric_limits<double>::denorm_min();
    QTest::newRow("zero") << 0.0;
}

void tst_InfluxPointStore::numbersRoundTrip()
{
    QFETCH(double, value);
    static int row = 0; // each row at a time of its own
    const QString db = QStringLiteral("numbers");
    const auto store = openStore(db);
    QVERIFY(store);
    const QDateTime ts = recentTime().addMSecs(++row);
    const WriteOutcome outcome = write(
        *store, { makePoint(kDevice, ts, std::nullopt, { { QStringLiteral("v"), value } }) });
    QVERIFY2(outcome.ok, qPrintable(outcome.error));
    const HistoryResult result = read(*store, historyQuery(kDevice, ts, ts.addMSecs(1)));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.points.size(), 1);
    const double back
        = result.points.at(0).fields.value(QStringLiteral("v")).toDouble(std::nan(""));
    QVERIFY2(sameBits(back, value), qPrintable(QString::number(back, 'g', 17)));
}

void tst_InfluxPointStore::writesInOneTurnShareAPost()
{
    const QString db = QStringLiteral("group");
    const auto store = openStore(db);
    QVERIFY(store);
    QSignalSpy commits(store.get(), &PointStore::commitTimed);
    const QDateTime ts = recentTime();
    constexpr int kWrites = 50;
    QList<int> answered;
    for (int i = 0; i < kWrites; ++i) {
        store->writePoints(
            { makePoint(kDevice, ts.addMSecs(i), i, { { QStringLiteral("temp"), i } }) },
            [&answered, i](bool ok, const QString &error) {
                QVERIFY2(ok, qPrintable(error));
                answered.append(i);
            });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), kWrites, kStoreTimeoutMs);
    QList<int> inOrder;
    for (int i = 0; i < kWrites; ++i)
        inOrder.append(i);
    QCOMPARE(answered, inOrder);
    QCOMPARE(commits.size(), 1);
    QCOMPARE(
        rows(QStringLiteral("SELECT COUNT(temp) FROM telemetry"), db)[0][1], QJsonValue(kWrites));

    // Writes made while a POST is in flight go together into the next one.
    answered.clear();
    commits.clear();
    for (int i = 0; i < kWrites; ++i) {
        store->writePoints(
            { makePoint(kDevice, ts.addMSecs(100 + i), i, { { QStringLiteral("temp"), i } }) },
            [&answered, i](bool ok, const QString &) {
                if (ok)
                    answered.append(i);
            });
        QCoreApplication::processEvents(); // the first POST leaves here
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), kWrites, kStoreTimeoutMs);
    QCOMPARE(answered, inOrder);
    QVERIFY2(commits.size() < kWrites / 2, qPrintable(QString::number(commits.size())));
}

void tst_InfluxPointStore::largeWritesSplitIntoSeveralPosts()
{
    const QString db = QStringLiteral("large");
    const auto store = openStore(db);
    QVERIFY(store);
    QSignalSpy commits(store.get(), &PointStore::commitTimed);
    const QDateTime ts = recentTime();
    constexpr int kPointsPerWrite = InfluxPointStore::kMaxPointsPerPost * 2 / 5;
    int answered = 0;
    for (int w = 0; w < 3; ++w) {
        QList<PointWrite> points;
        for (int i = 0; i < kPointsPerWrite; ++i) {
            const int n = w * kPointsPerWrite + i;
            points.append(makePoint(kDevice, ts.addMSecs(n), n, { { QStringLiteral("temp"), n } }));
        }
        store->writePoints(points, [&answered](bool ok, const QString &error) {
            QVERIFY2(ok, qPrintable(error));
            ++answered;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, 3, kStoreTimeoutMs);
    // Two writes fit in one POST (4000 <= 5000 points), the third does not.
    QCOMPARE(commits.size(), 2);
    QCOMPARE(rows(QStringLiteral("SELECT COUNT(temp) FROM telemetry"), db)[0][1],
        QJsonValue(3 * kPointsPerWrite));
}

void tst_InfluxPointStore::writesThatNeedNoPostAnswerInOrder()
{
    const auto store = openStore(QStringLiteral("noposts"));
    QVERIFY(store);
    const QDateTime ts = recentTime();
    QList<std::pair<int, QString>> answered; // index, error
    const auto record = [&answered](int index) {
        return [&answered, index](bool ok, const QString &error) {
            answered.append({ index, ok ? QString() : error });
        };
    };
    store->writePoints({ makePoint(kDevice, ts, 1, { { QStringLiteral("temp"), 1 } }) }, record(0));
    store->writePoints({}, record(1));
    store->writePoints(
        { makePoint(kDevice, ts, 2, { { QStringLiteral("mode"), QStringLiteral("auto") } }) },
        record(2));
    store->writePoints({ makePoint(kDevice, ts, 3, { { QStringLiteral("temp"), 3 } }) }, record(3));
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 4, kStoreTimeoutMs);
    QCOMPARE(answered.at(0), std::pair(0, QString()));
    QCOMPARE(answered.at(1), std::pair(1, QString()));
    QCOMPARE(answered.at(2).first, 2);
    QVERIFY2(
        answered.at(2).second.contains(QStringLiteral("the field \"mode\" is not a finite number")),
        qPrintable(answered.at(2).second));
    QVERIFY2(answered.at(2).second.contains(QStringLiteral("jetson-01")),
        qPrintable(answered.at(2).second));
    QCOMPARE(answered.at(3), std::pair(3, QString()));
    QVERIFY(store->isHealthy());
}

void tst_InfluxPointStore::pointsBeyondRetentionCountAsWritten()
{
    const QString db = QStringLiteral("expired");
    const auto store = openStore(db, 1);
    QVERIFY(store);
    // Three days old under a one-hour policy: InfluxDB drops it ("points
    // beyond retention policy"), as it would have expired it.
    const QDateTime old = recentTime().addDays(-3);
    const WriteOutcome outcome = write(*store,
        { makePoint(kDevice, old, 1, { { QStringLiteral("temp"), 1 } }),
            makePoint(kDevice, recentTime(), 2, { { QStringLiteral("temp"), 2 } }) });
    QVERIFY2(outcome.ok, qPrintable(outcome.error));
    QVERIFY(store->isHealthy());
    QCOMPARE(rows(QStringLiteral("SELECT temp FROM telemetry"), db).size(), 1);
}

void tst_InfluxPointStore::fieldTypeConflictIsReportedInWords()
{
    const QString db = QStringLiteral("conflict");
    const auto store = openStore(db);
    QVERIFY(store);
    const QDateTime ts = recentTime();
    // An older writer made "temp" an integer in this shard.
    const DeviceRecord old { kDevice.accountId, kDevice.siteId, QStringLiteral("old") };
    QVERIFY2(
        m_influx.write(
            "telemetry,account=acme,device=old,site=lab temp=1i " + QByteArray::number(ns(ts)), db),
        qPrintable(m_influx.errorString()));

    // One POST for both; the good write must not fail with the bad one.
    WriteOutcome bad;
    WriteOutcome good;
    store->writePoints({ makePoint(old, ts.addMSecs(1), 1, { { QStringLiteral("temp"), 2.5 } }) },
        [&bad](bool ok, const QString &error) {
            bad = { true, ok, error };
        });
    store->writePoints(
        { makePoint(kDevice, ts.addMSecs(1), 1, { { QStringLiteral("other"), 1 } }) },
        [&good](bool ok, const QString &error) {
            good = { true, ok, error };
        });
    QTRY_VERIFY_WITH_TIMEOUT(bad.called && good.called, kStoreTimeoutMs);
    QVERIFY(!bad.ok);
    QVERIFY2(bad.error.startsWith(
                 QStringLiteral("InfluxDB at %1 could not store the points: 400 Bad Request: "
                                "partial write: field type conflict: input field \"temp\"")
                     .arg(m_influx.url())),
        qPrintable(bad.error));
    QVERIFY2(good.ok, qPrintable(good.error));
    QCOMPARE(rows(QStringLiteral("SELECT other FROM telemetry"), db).size(), 1);
    // InfluxDB is fine; the data was not.
    QVERIFY(store->isHealthy());
}

void tst_InfluxPointStore::stoppedInfluxFailsWritesAndRecoversByItself()
{
    const QString db = QStringLiteral("outage");
    const auto store = openStore(db);
    QVERIFY(store);
    const QDateTime ts = recentTime();
    QVERIFY(write(*store, { makePoint(kDevice, ts, 1, { { QStringLiteral("temp"), 1 } }) }).ok);

    m_influx.stop();
    const WriteOutcome failed
        = write(*store, { makePoint(kDevice, ts, 2, { { QStringLiteral("temp"), 2 } }) });
    QVERIFY(failed.called);
    QVERIFY(!failed.ok);
    QVERIFY2(failed.error.startsWith(
                 QStringLiteral("InfluxDB at %1 is unreachable: ").arg(m_influx.url())),
        qPrintable(failed.error));
    QVERIFY(!store->isHealthy());
    QVERIFY2(store->statusText().startsWith(
                 QStringLiteral("InfluxDB at %1 is unreachable: ").arg(m_influx.url())),
        qPrintable(store->statusText()));
    const HistoryResult unread = read(*store, historyQuery(kDevice, ts, ts.addSecs(1)));
    QVERIFY(!unread.ok);
    QVERIFY2(unread.error.contains(QStringLiteral("is unreachable")), qPrintable(unread.error));

    // Back on the same port: the probe notices without any call.
    QVERIFY2(m_influx.start(), qPrintable(m_influx.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(store->isHealthy(), kRecoveryTimeoutMs);
    QCOMPARE(store->statusText(), QStringLiteral("ok"));
    QVERIFY(write(*store, { makePoint(kDevice, ts, 3, { { QStringLiteral("temp"), 3 } }) }).ok);

    // Again, and write at once: the write itself finds InfluxDB back.
    m_influx.kill();
    QVERIFY(!write(*store, { makePoint(kDevice, ts, 4, { { QStringLiteral("temp"), 4 } }) }).ok);
    QVERIFY2(m_influx.start(), qPrintable(m_influx.errorString()));
    const WriteOutcome afterRestart
        = write(*store, { makePoint(kDevice, ts, 5, { { QStringLiteral("temp"), 5 } }) });
    QVERIFY2(afterRestart.ok, qPrintable(afterRestart.error));
    QVERIFY(store->isHealthy());
    const HistoryResult result = read(*store, historyQuery(kDevice, ts, ts.addSecs(1)));
    QVERIFY2(result.ok, qPrintable(result.error));
    QList<qint64> seqs;
    for (const HistoryPoint &point : result.points)
        seqs.append(point.seq.value_or(-1));
    QCOMPARE(seqs, QList<qint64>({ 1, 3, 5 }));
}

void tst_InfluxPointStore::openWhileInfluxIsDown()
{
    const QString db = QStringLiteral("late");
    m_influx.stop();
    InfluxPointStore store(storeUrl(db), 12);
    QString error;
    QElapsedTimer opening;
    opening.start();
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(opening.elapsed() < InfluxPointStore::kOpenTimeoutMs);
    QVERIFY(!store.isHealthy());
    QVERIFY2(store.statusText().startsWith(
                 QStringLiteral("InfluxDB at %1 is unreachable: ").arg(m_influx.url())),
        qPrintable(store.statusText()));
    const WriteOutcome failed
        = write(store, { makePoint(kDevice, recentTime(), 1, { { QStringLiteral("temp"), 1 } }) });
    QVERIFY(!failed.ok);
    QVERIFY2(failed.error.contains(QStringLiteral("is unreachable")), qPrintable(failed.error));

    QVERIFY2(m_influx.start(), qPrintable(m_influx.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(store.isHealthy(), kRecoveryTimeoutMs);
    // The probe made the database and the policy.
    const QJsonArray policies = rows(QStringLiteral("SHOW RETENTION POLICIES ON late"), {});
    QCOMPARE(policies.size(), 1);
    QCOMPARE(policies[0][0], QJsonValue(QStringLiteral("sightline_retention")));
    QCOMPARE(policies[0][1], QJsonValue(QStringLiteral("12h0m0s")));
    QCOMPARE(policies[0][4], QJsonValue(true));
    const WriteOutcome written
        = write(store, { makePoint(kDevice, recentTime(), 1, { { QStringLiteral("temp"), 1 } }) });
    QVERIFY2(written.ok, qPrintable(written.error));
}

void tst_InfluxPointStore::readHistoryErrorsAreWords()
{
    const QString db = QStringLiteral("dropped");
    const auto store = openStore(db);
    QVERIFY(store);
    m_influx.query(QStringLiteral("DROP DATABASE dropped"));
    const QDateTime ts = recentTime();
    const HistoryResult result = read(*store, historyQuery(kDevice, ts, ts.addSecs(1)));
    QVERIFY(!result.ok);
    QCOMPARE(result.error,
        QStringLiteral("InfluxDB at %1 could not read the history: database not found: dropped")
            .arg(m_influx.url()));
    QVERIFY(result.points.isEmpty());

    // A write finds the database missing, fails, and the probe makes it again.
    const WriteOutcome failed
        = write(*store, { makePoint(kDevice, ts, 1, { { QStringLiteral("temp"), 1 } }) });
    QVERIFY(!failed.ok);
    QVERIFY2(failed.error.contains(QStringLiteral("404 Not Found: database not found")),
        qPrintable(failed.error));
    QTRY_VERIFY_WITH_TIMEOUT(store->isHealthy(), kRecoveryTimeoutMs);
    QVERIFY(write(*store, { makePoint(kDevice, ts, 1, { { QStringLiteral("temp"), 1 } }) }).ok);
}

void tst_InfluxPointStore::closeAnswersEveryCallback()
{
    auto store = openStore(QStringLiteral("closing"));
    QVERIFY(store);
    const QDateTime ts = recentTime();
    QList<int> writes;
    int reads = 0;
    for (int i = 0; i < 3; ++i) {
        store->writePoints(
            { makePoint(kDevice, ts.addMSecs(i), i, { { QStringLiteral("temp"), i } }) },
            [&writes, i](bool ok, const QString &error) {
                QVERIFY2(ok, qPrintable(error));
                writes.append(i);
            });
        store->readHistory(
            historyQuery(kDevice, ts, ts.addSecs(1)), [&reads](const HistoryResult &) { ++reads; });
    }
    store->close();
    // Queued writes went out before close() returned; reads were answered.
    QCOMPARE(writes, QList<int>({ 0, 1, 2 }));
    QCOMPARE(reads, 3);
    QCOMPARE(
        rows(QStringLiteral("SELECT COUNT(temp) FROM telemetry"), QStringLiteral("closing"))[0][1],
        QJsonValue(3));

    store->close(); // idempotent
    const WriteOutcome late
        = write(*store, { makePoint(kDevice, ts, 9, { { QStringLiteral("temp"), 9 } }) });
    QVERIFY(late.called);
    QVERIFY(!late.ok);
    QCOMPARE(late.error, QStringLiteral("the InfluxDB point store is not open"));
    const HistoryResult lateRead = read(*store, historyQuery(kDevice, ts, ts.addSecs(1)));
    QVERIFY(!lateRead.ok);
    QCOMPARE(lateRead.error, QStringLiteral("the InfluxDB point store is not open"));
    store.reset(); // the destructor closes again: nothing more is answered
}

void tst_InfluxPointStore::closeWithInfluxDown()
{
    auto store = openStore(QStringLiteral("closingdown"));
    QVERIFY(store);
    m_influx.stop();
    QList<QString> errors;
    for (int i = 0; i < 3; ++i) {
        store->writePoints(
            { makePoint(kDevice, recentTime(), i, { { QStringLiteral("temp"), i } }) },
            [&errors](bool ok, const QString &error) { errors.append(ok ? QString() : error); });
    }
    QElapsedTimer closing;
    closing.start();
    store->close();
    QVERIFY(closing.elapsed() < InfluxPointStore::kCloseTimeoutMs);
    QCOMPARE(errors.size(), 3);
    for (const QString &error : errors)
        QVERIFY2(error.contains(QStringLiteral("is unreachable")), qPrintable(error));
}

void tst_InfluxPointStore::malformedUrl_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QString>("error");
    QTest::newRow("ftp scheme") << QUrl(QStringLiteral("ftp://127.0.0.1:8086"))
                                << QStringLiteral(
                                       "\"ftp://127.0.0.1:8086\" is not an InfluxDB URL");
    QTest::newRow("no host") << QUrl(QStringLiteral("http://"))
                             << QStringLiteral("\"http://\" is not an InfluxDB URL");
    QTest::newRow("no scheme") << QUrl(QStringLiteral("influx.example:8086"))
                               << QStringLiteral("\"influx.example:8086\" is not an InfluxDB URL");
    QTest::newRow("space in the host")
        << QUrl(QStringLiteral("http://in flux:8086"))
        << QStringLiteral(
               "the InfluxDB URL is not valid: Invalid hostname (contains invalid characters)");
    QTest::newRow("invalid, password hidden")
        << QUrl(QStringLiteral("http://me:secret@in flux:8086"))
        << QStringLiteral(
               "the InfluxDB URL is not valid: Invalid hostname (contains invalid characters)");
    QTest::newRow("unknown parameter, password hidden")
        << QUrl(QStringLiteral("http://me:secret@127.0.0.1:8086?database=x"))
        << QStringLiteral(
               "the InfluxDB URL \"http://me@127.0.0.1:8086?database=x\" has an unknown parameter "
               "\"database\" (only db=NAME)");
}

void tst_InfluxPointStore::malformedUrl()
{
    QFETCH(QUrl, url);
    QFETCH(QString, error);
    InfluxPointStore store(url, 24);
    QString actual;
    QVERIFY(!store.open(&actual));
    QVERIFY2(actual.startsWith(error), qPrintable(actual));
    QVERIFY(!actual.contains(QStringLiteral("secret")));
    QVERIFY(!store.isHealthy());
    QCOMPARE(store.statusText(), actual);
    const WriteOutcome outcome
        = write(store, { makePoint(kDevice, recentTime(), 1, { { QStringLiteral("temp"), 1 } }) });
    QVERIFY(!outcome.ok);
}

void tst_InfluxPointStore::authPrefixAndOpenTimeout()
{
    MisbehavingServer server;
    server.setHandler(
        [](const ReceivedRequest &) { return ServerScript().stall(); }); // never answers
    QUrl url = server.url(QStringLiteral("/influx/"));
    url.setUserName(QStringLiteral("user"));
    url.setPassword(QStringLiteral("p@ss"));
    url.setQuery(QStringLiteral("db=my+db"));
    InfluxPointStore store(url, 24);
    QCOMPARE(store.databaseName(), QStringLiteral("my+db"));
    QString error;
    QElapsedTimer opening;
    opening.start();
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(opening.elapsed() >= InfluxPointStore::kOpenTimeoutMs - 100);
    QVERIFY(!store.isHealthy());
    QCOMPARE(store.statusText(),
        QStringLiteral("InfluxDB at %1 is unreachable: no answer within 5 s")
            .arg(server.url(QStringLiteral("/influx")).toString()));

    QVERIFY(server.requestCount() >= 1);
    const ReceivedRequest request = server.requests().first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/influx/query"));
    QCOMPARE(request.header("Authorization"), "Basic " + QByteArray("user:p@ss").toBase64());
    QCOMPARE(request.header("Content-Type"), QByteArray("application/x-www-form-urlencoded"));
    QCOMPARE(
        request.body, QByteArray("db=my%2Bdb&q=SHOW%20RETENTION%20POLICIES%20ON%20%22my%2Bdb%22"));
    store.close();
}

void tst_InfluxPointStore::httpErrorsMakeItUnhealthyUntilTheProbeSucceeds()
{
    // A scripted InfluxDB: refuses with 401, then stores nothing (500), then
    // is fine.
    enum class Mode { Unauthorized, Failing, Fine };
    Mode mode = Mode::Unauthorized;
    MisbehavingServer server;
    server.setHandler([&mode](const ReceivedRequest &request) {
        if (mode == Mode::Unauthorized)
            return ServerScript::response(
                401, "application/json", R"({"error":"authorization failed"})");
        if (request.path == "/ping")
            return ServerScript::response(204, "application/json", {});
        if (request.path == "/query")
            return ServerScript::response(200, "application/json", kPoliciesAnswer);
        if (mode == Mode::Failing)
            return ServerScript::response(
                500, "application/json", R"({"error":"engine: cache-max-memory-size exceeded"})");
        return ServerScript::response(204, "application/json", {});
    });
    const QString base = server.url().toString(QUrl::StripTrailingSlash);
    InfluxPointStore store(server.url(), 24);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    QVERIFY(!store.isHealthy());
    QCOMPARE(store.statusText(),
        QStringLiteral("InfluxDB at %1 could not list the retention policies of \"sightline\": 401 "
                       "Unauthorized: authorization failed")
            .arg(base));
    // A write tries again first, and fails with the same words.
    WriteOutcome outcome
        = write(store, { makePoint(kDevice, recentTime(), 1, { { QStringLiteral("temp"), 1 } }) });
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.error,
        QStringLiteral("InfluxDB at %1 could not list the retention policies of \"sightline\": "
                       "401 Unauthorized: authorization failed")
            .arg(base));

    mode = Mode::Failing;
    QTRY_VERIFY_WITH_TIMEOUT(store.isHealthy(), kRecoveryTimeoutMs); // the probe got past setup
    outcome
        = write(store, { makePoint(kDevice, recentTime(), 1, { { QStringLiteral("temp"), 1 } }) });
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.error,
        QStringLiteral("InfluxDB at %1 could not store the points: 500 Internal Server Error: "
                       "engine: cache-max-memory-size exceeded")
            .arg(base));
    QVERIFY(!store.isHealthy());
    QCOMPARE(store.statusText(), outcome.error);

    mode = Mode::Fine;
    QTRY_VERIFY_WITH_TIMEOUT(store.isHealthy(), kRecoveryTimeoutMs);
    outcome
        = write(store, { makePoint(kDevice, recentTime(), 1, { { QStringLiteral("temp"), 1 } }) });
    QVERIFY2(outcome.ok, qPrintable(outcome.error));
    const QList<ReceivedRequest> requests = server.requests();
    QCOMPARE(requests.last().path, QByteArray("/write"));
    QCOMPARE(requests.last().target,
        QByteArray("/write?db=sightline&rp=sightline_retention&precision=ns"));
    store.close();
}

void tst_InfluxPointStore::postsOverlapUpToTheLimit()
{
    constexpr int kMax = InfluxPointStore::kMaxPostsInFlight;
    constexpr int kWaiting = 6;
    ScriptedInflux influx;
    const auto store = openScriptedStore(influx);
    QVERIFY(store);
    store->setMinPointsForAnotherPost(1); // every write may start a POST of its own
    const QDateTime ts = recentTime();
    QList<int> answered;
    const auto writeOne = [&store, &answered, &ts](int i) {
        store->writePoints(
            { makePoint(kDevice, ts.addMSecs(i), i, { { QStringLiteral("temp"), i } }) },
            [&answered, i](bool ok, const QString &error) {
                QVERIFY2(ok, qPrintable(error));
                answered.append(i);
            });
    };

    // Each write in a POST of its own: it leaves while the ones before it
    // are still unanswered.
    for (int i = 0; i < kMax; ++i) {
        writeOne(i);
        QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/write"), i + 1, kStoreTimeoutMs);
    }
    // Every slot taken: these wait, each made in an event-loop turn of its
    // own, and all go in the POST that starts when a slot is free.
    for (int i = kMax; i < kMax + kWaiting; ++i) {
        writeOne(i);
        QCoreApplication::processEvents();
    }
    influx.releaseWrite(0);
    QTRY_COMPARE_WITH_TIMEOUT(influx.writeBodies().size(), kMax + 1, kStoreTimeoutMs);
    QCOMPARE(answered, QList<int>({ 0 }));
    const QByteArray grouped = influx.writeBodies().last();
    QCOMPARE(grouped.count('\n'), kWaiting);
    for (int i = kMax; i < kMax + kWaiting; ++i)
        QVERIFY2(grouped.contains(seqMarker(i)), grouped.constData());

    influx.holdWrites = false;
    influx.releaseAll();
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), kMax + kWaiting, kStoreTimeoutMs);
    QCOMPARE(influx.writeBodies().size(), kMax + 1);
    QCOMPARE(influx.maxHeldWrites(), kMax);
    QVERIFY(store->isHealthy());
}

void tst_InfluxPointStore::smallWritesWaitForTheirTurnLargeOnesOverlap()
{
    // The default: a second POST only once kMinPointsForAnotherPost points wait.
    ScriptedInflux influx;
    const auto store = openScriptedStore(influx);
    QVERIFY(store);
    QCOMPARE(store->minPointsForAnotherPost(), InfluxPointStore::kMinPointsForAnotherPost);
    const QDateTime ts = recentTime();
    QList<int> answered;
    const auto write = [&](int first, int count) {
        QList<PointWrite> points;
        for (int i = first; i < first + count; ++i)
            points.append(makePoint(kDevice, ts.addMSecs(i), i, { { QStringLiteral("temp"), i } }));
        store->writePoints(points, [&answered, first](bool ok, const QString &error) {
            QVERIFY2(ok, qPrintable(error));
            answered.append(first);
        });
    };
    write(0, 1);
    QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/write"), 1, kStoreTimeoutMs);
    // Single points while that POST is out: each in an event-loop turn of its own.
    for (int i = 1; i <= 10; ++i) {
        write(i, 1);
        QCoreApplication::processEvents();
    }
    // Enough waiting points: the second POST leaves, with the single points in it.
    write(100, InfluxPointStore::kMinPointsForAnotherPost);
    QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/write"), 2, kStoreTimeoutMs);
    const QByteArray second = influx.writeBodies().last();
    QCOMPARE(second.count('\n'), 10 + InfluxPointStore::kMinPointsForAnotherPost);
    QVERIFY(second.contains(seqMarker(1)) && second.contains(seqMarker(10)) && second.contains(seqMarker(100)));
    influx.holdWrites = false;
    influx.releaseAll();
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 12, kStoreTimeoutMs);
    QCOMPARE(answered, QList<int>({ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100 }));
    QCOMPARE(influx.writeBodies().size(), 2);
}

void tst_InfluxPointStore::callbacksKeepCallOrderWhenAnswersDoNot()
{
    constexpr int kMax = InfluxPointStore::kMaxPostsInFlight;
    ScriptedInflux influx;
    const auto store = openScriptedStore(influx);
    QVERIFY(store);
    store->setMinPointsForAnotherPost(1); // every write may start a POST of its own
    QSignalSpy commits(store.get(), &PointStore::commitTimed);
    const QDateTime ts = recentTime();
    QList<int> answered;
    for (int i = 0; i < kMax; ++i) {
        store->writePoints(
            { makePoint(kDevice, ts.addMSecs(i), i, { { QStringLiteral("temp"), i } }) },
            [&answered, i](bool ok, const QString &error) {
                QVERIFY2(ok, qPrintable(error));
                answered.append(i);
            });
        QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/write"), i + 1, kStoreTimeoutMs);
    }
    // The later POSTs are stored first: their callbacks wait for write 0.
    QList<int> releaseOrder;
    for (int i = kMax - 1; i > 0; --i)
        releaseOrder.append(i);
    for (const int seq : releaseOrder) {
        influx.releaseWrite(seq);
        QTRY_COMPARE_WITH_TIMEOUT(commits.size(), releaseOrder.indexOf(seq) + 1, kStoreTimeoutMs);
        QCOMPARE(answered, QList<int>());
    }
    influx.releaseWrite(0);
    QTRY_COMPARE_WITH_TIMEOUT(commits.size(), kMax, kStoreTimeoutMs);
    QList<int> inOrder;
    for (int i = 0; i < kMax; ++i)
        inOrder.append(i);
    QCOMPARE(answered, inOrder);
}

void tst_InfluxPointStore::failedPostFailsOnlyItsWrites()
{
    constexpr int kMax = InfluxPointStore::kMaxPostsInFlight;
    ScriptedInflux influx;
    influx.writeAnswer = [](const QByteArray &body) {
        if (body.contains(seqMarker(1)))
            return ServerScript::response(
                500, "application/json", R"({"error":"engine: cache-max-memory-size exceeded"})");
        return ServerScript::response(204, "application/json", {});
    };
    const auto store = openScriptedStore(influx);
    QVERIFY(store);
    store->setMinPointsForAnotherPost(1); // every write may start a POST of its own
    const QDateTime ts = recentTime();
    QList<std::pair<int, QString>> answered; // index, error
    const auto writeOne = [&store, &answered, &ts](int i) {
        store->writePoints(
            { makePoint(kDevice, ts.addMSecs(i), i, { { QStringLiteral("temp"), i } }) },
            [&answered, i](bool ok, const QString &error) {
                answered.append({ i, ok ? QString() : error });
            });
    };
    for (int i = 0; i < kMax; ++i) {
        writeOne(i);
        QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/write"), i + 1, kStoreTimeoutMs);
    }
    writeOne(kMax); // waits for a slot

    // Write 1 fails: the store is unhealthy, and the waiting write makes it
    // check the database before any new POST, although a slot is free.
    influx.holdQueries = true;
    const int requestsBefore = influx.requestCount();
    influx.releaseWrite(1);
    QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/query"), 1, kStoreTimeoutMs);
    QVERIFY(!store->isHealthy());
    const QString error = QStringLiteral("InfluxDB at %1 could not store the points: 500 Internal "
                                         "Server Error: engine: cache-max-memory-size exceeded")
                              .arg(influx.url().toString(QUrl::StripTrailingSlash));
    QCOMPARE(store->statusText(), error);
    QCOMPARE(influx.heldCount("/write"), kMax - 1);
    QVERIFY(answered.isEmpty()); // write 1 waits for write 0

    influx.releaseQuery();
    QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/write"), kMax, kStoreTimeoutMs);
    QVERIFY(store->isHealthy());
    QCOMPARE(influx.pathsFrom(requestsBefore), QList<QByteArray>({ "/query", "/write" }));

    // The POSTs that were in flight are stored, whatever the order.
    for (int i = kMax; i >= 0; --i) {
        if (i != 1)
            influx.releaseWrite(i);
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), kMax + 1, kStoreTimeoutMs);
    QList<std::pair<int, QString>> expected;
    for (int i = 0; i <= kMax; ++i)
        expected.append({ i, i == 1 ? error : QString() });
    QCOMPARE(answered, expected);
    QVERIFY(store->isHealthy());
}

void tst_InfluxPointStore::refusedGroupIsRetriedAloneInOrder()
{
    ScriptedInflux influx;
    const QByteArray conflict
        = R"({"error":"partial write: field type conflict: input field \"temp\" on measurement \"telemetry\" is type float, already exists as type integer dropped=1"})";
    influx.writeAnswer = [&conflict](const QByteArray &body) {
        if (body.contains(seqMarker(1)))
            return ServerScript::response(400, "application/json", conflict);
        return ServerScript::response(204, "application/json", {});
    };
    const auto store = openScriptedStore(influx);
    QVERIFY(store);
    store->setMinPointsForAnotherPost(1); // every write may start a POST of its own
    QSignalSpy commits(store.get(), &PointStore::commitTimed);
    const QDateTime ts = recentTime();
    QList<std::pair<int, QString>> answered; // index, error
    const auto writeOne = [&store, &answered, &ts](int i) {
        store->writePoints(
            { makePoint(kDevice, ts.addMSecs(i), i, { { QStringLiteral("temp"), i } }) },
            [&answered, i](bool ok, const QString &error) {
                answered.append({ i, ok ? QString() : error });
            });
    };
    // Writes 0 and 1 share a POST; write 2 goes in the next one.
    writeOne(0);
    writeOne(1);
    QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/write"), 1, kStoreTimeoutMs);
    writeOne(2);
    QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/write"), 2, kStoreTimeoutMs);
    influx.releaseWrite(2);
    QTRY_COMPARE_WITH_TIMEOUT(commits.size(), 1, kStoreTimeoutMs);
    QVERIFY(answered.isEmpty());

    // The group is refused: 0 and 1 go again alone, and only 1 fails.
    influx.holdWrites = false;
    influx.releaseWrite(0);
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 3, kStoreTimeoutMs);
    QCOMPARE(answered.at(0), std::pair(0, QString()));
    QCOMPARE(answered.at(1).first, 1);
    QCOMPARE(answered.at(1).second,
        QStringLiteral("InfluxDB at %1 could not store the points: 400 Bad Request: partial "
                       "write: field type conflict: input field \"temp\" on measurement "
                       "\"telemetry\" is type float, already exists as type integer dropped=1")
            .arg(influx.url().toString(QUrl::StripTrailingSlash)));
    QCOMPARE(answered.at(2), std::pair(2, QString()));
    const QList<QByteArray> bodies = influx.writeBodies();
    QCOMPARE(bodies.size(), 4);
    QCOMPARE(bodies.at(0).count('\n'), 2);
    QVERIFY(bodies.at(2).count('\n') == 1 && bodies.at(3).count('\n') == 1);
    QVERIFY(bodies.at(2).contains(seqMarker(0)) != bodies.at(3).contains(seqMarker(0)));
    QVERIFY(store->isHealthy());
}

void tst_InfluxPointStore::closeWaitsForEveryPostInFlight()
{
    constexpr int kMax = InfluxPointStore::kMaxPostsInFlight;
    ScriptedInflux influx;
    auto store = openScriptedStore(influx);
    QVERIFY(store);
    store->setMinPointsForAnotherPost(1); // every write may start a POST of its own
    const QDateTime ts = recentTime();
    QList<int> answered;
    const auto writeOne = [&store, &answered, &ts](int i) {
        store->writePoints(
            { makePoint(kDevice, ts.addMSecs(i), i, { { QStringLiteral("temp"), i } }) },
            [&answered, i](bool ok, const QString &error) {
                QVERIFY2(ok, qPrintable(error));
                answered.append(i);
            });
    };
    for (int i = 0; i < kMax; ++i) {
        writeOne(i);
        QTRY_COMPARE_WITH_TIMEOUT(influx.heldCount("/write"), i + 1, kStoreTimeoutMs);
    }
    writeOne(kMax);
    writeOne(kMax + 1);
    // InfluxDB answers while close() waits.
    QTimer::singleShot(0, store.get(), [&influx] {
        influx.holdWrites = false;
        influx.releaseAll();
    });
    store->close();
    QList<int> inOrder;
    for (int i = 0; i < kMax + 2; ++i)
        inOrder.append(i);
    QCOMPARE(answered, inOrder);
}

QTEST_GUILESS_MAIN(tst_InfluxPointStore)
#include "tst_influxpointstore.moc"
