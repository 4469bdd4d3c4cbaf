// End-to-end tests (issue 7, item 5): the real sightline-server, the real
// sightline-device agent and the real sightline-tail, as separate processes
// on 127.0.0.1. A point posted by a device reaches the stream exactly once,
// in order, also across a server restart; the overheating device fires and
// resolves an alert; the silent device goes offline and back online.

#include "support/httpclient.h"
#include "support/serverprocess.h"
#include "support/tempdir.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>

#include <csignal>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

using namespace Sightline::Test;

namespace {

// Named timeouts: generous for a loaded 2-core machine running ctest --parallel 2.
constexpr int kProcessStartMs = 30000;
constexpr int kTailLiveMs = 30000;
constexpr int kAgentFinishMs = 60000;
// The tail's first reconnect waits the server's `retry: 10000` hint (API.md;
// neither the server config nor the tail can shorten it), plus jitter.
constexpr int kTailResumeMs = 60000;
constexpr int kEventsArriveMs = 30000;
constexpr int kEpisodeMs = 45000;
constexpr int kStopMs = 30000;

const QStringList kDevices = {QStringLiteral("jetson-01"), QStringLiteral("jetson-02"),
                              QStringLiteral("jetson-03")};

// One event printed by sightline-tail (jsonl): its id, type, and the event's
// JSON (the `data` string parsed).
struct TailEvent
{
    qint64 id = -1;
    QString type;
    QJsonObject json;

    QJsonObject data() const { return json.value(QStringLiteral("data")).toObject(); }
    QString deviceId() const { return data().value(QStringLiteral("deviceId")).toString(); }
};

// A child process whose standard output and error are read line by line as
// they arrive (readyRead), never all at once at the end.
class LineProcess
{
public:
    LineProcess()
    {
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process, [this] {
            split(m_process.readAllStandardOutput(), &m_outPartial, &m_outLines);
        });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process, [this] {
            split(m_process.readAllStandardError(), &m_errPartial, &m_errLines);
        });
    }
    ~LineProcess() { kill(); }

    void start(const QString &program, const QStringList &arguments,
               const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
    {
        m_process.setProcessEnvironment(environment);
        m_process.start(program, arguments);
    }
    bool waitStarted() { return m_process.waitForStarted(kProcessStartMs); }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    bool hasExited() const { return m_process.state() == QProcess::NotRunning; }
    int exitCode() const
    {
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }
    void kill()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kStopMs);
        }
    }
    // SIGTERM and wait, for a graceful stop.
    bool terminate()
    {
        if (m_process.state() == QProcess::NotRunning)
            return true;
        ::kill(pid_t(m_process.processId()), SIGTERM);
        return QTest::qWaitFor([this] { return hasExited(); }, kStopMs);
    }

    const std::vector<QByteArray> &outLines() const { return m_outLines; }
    const std::vector<QByteArray> &errLines() const { return m_errLines; }
    QByteArray errText() const
    {
        QByteArray all;
        for (const QByteArray &line : m_errLines)
            all += line + '\n';
        return all + m_errPartial;
    }
    bool errContains(const QByteArray &text) const
    {
        for (const QByteArray &line : m_errLines) {
            if (line.contains(text))
                return true;
        }
        return false;
    }

private:
    static void split(const QByteArray &chunk, QByteArray *partial, std::vector<QByteArray> *lines)
    {
        *partial += chunk;
        qsizetype newline;
        while ((newline = partial->indexOf('\n')) >= 0) {
            lines->push_back(partial->left(newline));
            partial->remove(0, newline + 1);
        }
    }

    QProcess m_process;
    QByteArray m_outPartial;
    QByteArray m_errPartial;
    std::vector<QByteArray> m_outLines;
    std::vector<QByteArray> m_errLines;
};

// Parses the tail's jsonl lines; a line that is not an event makes `error` non-empty.
std::vector<TailEvent> tailEvents(const LineProcess &tail, QString *error)
{
    std::vector<TailEvent> events;
    for (const QByteArray &line : tail.outLines()) {
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        TailEvent event;
        event.type = object.value(QStringLiteral("event")).toString();
        event.json = QJsonDocument::fromJson(object.value(QStringLiteral("data")).toString().toUtf8())
                         .object();
        bool ok = false;
        event.id = object.value(QStringLiteral("id")).toString().toLongLong(&ok);
        // API.md: `system` events are per connection and carry no id.
        if (event.type == QLatin1String("system"))
            ok = object.value(QStringLiteral("id")).isNull();
        if (event.type.isEmpty() || event.json.isEmpty() || !ok) {
            if (error && error->isEmpty())
                *error = QStringLiteral("not an event line from sightline-tail: ")
                         + QString::fromUtf8(line);
            continue;
        }
        events.push_back(event);
    }
    return events;
}

std::vector<TailEvent> ofType(const std::vector<TailEvent> &events, const QString &type)
{
    std::vector<TailEvent> out;
    for (const TailEvent &event : events) {
        if (event.type == type)
            out.push_back(event);
    }
    return out;
}

// "" when ids strictly increase, else which ones do not.
QString idsNotIncreasing(const std::vector<TailEvent> &events)
{
    for (size_t i = 1; i < events.size(); ++i) {
        if (events[i].id <= events[i - 1].id)
            return QStringLiteral("event id %1 follows %2").arg(events[i].id).arg(events[i - 1].id);
    }
    return {};
}

// "" when every device's telemetry seqs are exactly first..first+count-1,
// each once, in order; else the first difference.
QString seqsDiffer(const std::vector<TailEvent> &telemetry, qint64 first, int count)
{
    std::map<QString, std::vector<qint64>> seqs;
    for (const TailEvent &event : telemetry)
        seqs[event.deviceId()].push_back(
            qint64(event.data().value(QStringLiteral("seq")).toDouble(-1)));
    if (seqs.size() != size_t(kDevices.size()))
        return QStringLiteral("telemetry from %1 devices, expected %2")
            .arg(seqs.size())
            .arg(kDevices.size());
    for (const QString &device : kDevices) {
        const std::vector<qint64> &got = seqs[device];
        for (size_t i = 0; i < got.size() || i < size_t(count); ++i) {
            const qint64 expected = i < size_t(count) ? first + qint64(i) : -1;
            const qint64 actual = i < got.size() ? got[i] : -1;
            if (expected != actual)
                return QStringLiteral("%1: item %2 is seq %3, expected %4 (%5 received, %6 sent)")
                    .arg(device)
                    .arg(i)
                    .arg(actual)
                    .arg(expected)
                    .arg(got.size())
                    .arg(count);
        }
    }
    return {};
}

} // namespace

class tst_EndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void everyPointArrivesOnceInOrder();
    void serverRestartLosesAndDuplicatesNothing();
    void overheatingDeviceFiresAndResolvesAlert();
    void silentDeviceGoesOfflineAndBackOnline();

private:
    // Starts `sightline-server demo` on dataDir with `config` (JSON) as its
    // config file, on `listen`.
    bool startServer(const QJsonObject &config, const QString &listen);
    // Starts sightline-tail signed in as the demo user and waits until it is live.
    bool startTail(const QStringList &extraArguments);
    void startAgent(const QStringList &extraArguments);
    QString keysFile() const { return m_dir->filePath(QStringLiteral("data/demo-keys.json")); }
    qint64 serverLastEventId();

    std::unique_ptr<TempDir> m_dir;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<LineProcess> m_tail;
    std::unique_ptr<LineProcess> m_agent;
    QStringList m_serverArguments;
};

void tst_EndToEnd::init()
{
    m_dir = std::make_unique<TempDir>();
    QVERIFY(m_dir->isValid());
}

void tst_EndToEnd::cleanup()
{
    // Runs also after a failed check: no process outlives its test.
    if (QTest::currentTestFailed()) {
        if (m_agent)
            qWarning("agent stderr:\n%s", m_agent->errText().constData());
        if (m_tail)
            qWarning("tail stderr:\n%s", m_tail->errText().constData());
        if (m_server)
            qWarning("server stderr:\n%s", m_server->standardError().constData());
    }
    m_agent.reset();
    m_tail.reset();
    m_server.reset();
    m_dir.reset();
}

bool tst_EndToEnd::startServer(const QJsonObject &config, const QString &listen)
{
    const QString configPath = m_dir->filePath(QStringLiteral("config.json"));
    QFile file(configPath);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(config).toJson()) < 0)
        return false;
    file.close();
    m_serverArguments = {QStringLiteral("demo"), QStringLiteral("--data-dir"),
                         m_dir->filePath(QStringLiteral("data")), QStringLiteral("--config"),
                         configPath};
    m_server = std::make_unique<ServerProcess>();
    if (m_server->start(m_serverArguments + QStringList{QStringLiteral("--listen"), listen}))
        return true;
    qWarning("server did not start: %s", qPrintable(m_server->errorString()));
    return false;
}

bool tst_EndToEnd::startTail(const QStringList &extraArguments)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("SIGHTLINE_PASSWORD"), QStringLiteral("demo"));
    m_tail = std::make_unique<LineProcess>();
    m_tail->start(binDir() + QStringLiteral("/sightline-tail"),
                  QStringList{QStringLiteral("--server"), m_server->url().toString(),
                              QStringLiteral("--user"), QStringLiteral("demo")}
                      + extraArguments,
                  environment);
    if (!m_tail->waitStarted())
        return false;
    // API.md: once the stream is live every event published afterwards reaches it.
    return QTest::qWaitFor(
        [this] { return m_tail->errContains("state: live") || m_tail->hasExited(); }, kTailLiveMs)
           && m_tail->isRunning();
}

void tst_EndToEnd::startAgent(const QStringList &extraArguments)
{
    m_agent = std::make_unique<LineProcess>();
    m_agent->start(binDir() + QStringLiteral("/sightline-device"),
                   QStringList{QStringLiteral("--server"), m_server->url().toString(),
                               QStringLiteral("--keys"), keysFile()}
                       + extraArguments);
}

qint64 tst_EndToEnd::serverLastEventId()
{
    HttpClient http;
    const auto reply = http.get(m_server->url(QStringLiteral("/health")));
    return QJsonDocument::fromJson(reply.body)
        .object()
        .value(QStringLiteral("lastEventId"))
        .toString()
        .toLongLong();
}

void tst_EndToEnd::everyPointArrivesOnceInOrder()
{
    constexpr int kCount = 60;
    constexpr qint64 kSeqStart = 5000;
    QVERIFY(startServer({}, QStringLiteral("127.0.0.1:0")));
    QVERIFY2(startTail({QStringLiteral("--types"), QStringLiteral("telemetry")}),
             m_tail->errText().constData());

    startAgent({QStringLiteral("--count"), QString::number(kCount), QStringLiteral("--interval"),
                QStringLiteral("0.05"), QStringLiteral("--seq-start"), QString::number(kSeqStart)});
    QVERIFY(m_agent->waitStarted());
    QTRY_VERIFY_WITH_TIMEOUT(m_agent->hasExited(), kAgentFinishMs);
    QVERIFY2(m_agent->exitCode() == 0, m_agent->errText().constData());

    // Every accepted point was published before its POST was answered, so
    // once the agent is done the server counts them all.
    QTRY_VERIFY_WITH_TIMEOUT(m_tail->outLines().size() >= size_t(3 * kCount), kEventsArriveMs);
    QString error;
    const std::vector<TailEvent> events = tailEvents(*m_tail, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(ofType(events, QStringLiteral("telemetry")).size(), events.size());
    const QString seqError = seqsDiffer(events, kSeqStart, kCount);
    QVERIFY2(seqError.isEmpty(), qPrintable(seqError));
    const QString idError = idsNotIncreasing(events);
    QVERIFY2(idError.isEmpty(), qPrintable(idError));

    // Nothing was published twice: the server accepted exactly the points
    // the tail saw (a duplicate published late would show up here).
    HttpClient http;
    const QByteArray metrics = http.get(m_server->url(QStringLiteral("/metrics"))).body;
    const QByteArray accepted = "sightline_ingest_points_total{result=\"accepted\"} "
                                + QByteArray::number(3 * kCount);
    QVERIFY2(metrics.contains(QByteArray(accepted + '\n')), metrics.constData());
    QCOMPARE(m_tail->outLines().size(), size_t(3 * kCount));
}

void tst_EndToEnd::serverRestartLosesAndDuplicatesNothing()
{
    constexpr int kCount = 150; // 7.5 s of points per device at 0.05 s
    constexpr qint64 kSeqStart = 9000;
    QVERIFY(startServer({}, QStringLiteral("127.0.0.1:0")));
    const int port = m_server->url().port();
    QVERIFY(port > 0);
    // Every type, so that the last id the server issued can be waited for.
    QVERIFY2(startTail({}), m_tail->errText().constData());

    startAgent({QStringLiteral("--count"), QString::number(kCount), QStringLiteral("--interval"),
                QStringLiteral("0.05"), QStringLiteral("--seq-start"), QString::number(kSeqStart),
                QStringLiteral("--retry-max"), QStringLiteral("1")});
    QVERIFY(m_agent->waitStarted());
    const auto telemetryCount = [this] {
        return ofType(tailEvents(*m_tail, nullptr), QStringLiteral("telemetry")).size();
    };
    QTRY_VERIFY_WITH_TIMEOUT(telemetryCount() >= 30, kEventsArriveMs);
    QVERIFY2(m_agent->isRunning(), "the agent finished before the restart; raise kCount");

    QCOMPARE(m_server->terminate(), 0);
    const size_t errLinesAtRestart = m_tail->errLines().size();
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(m_serverArguments
                             + QStringList{QStringLiteral("--listen"),
                                           QStringLiteral("127.0.0.1:%1").arg(port)}),
             qPrintable(m_server->errorString()));

    QTRY_VERIFY_WITH_TIMEOUT(m_agent->hasExited(), kAgentFinishMs + kTailResumeMs);
    QVERIFY2(m_agent->exitCode() == 0, m_agent->errText().constData());
    for (const QString &device : kDevices) {
        const QByteArray summary = device.toUtf8() + ": " + QByteArray::number(kCount)
                                   + " points acknowledged";
        QVERIFY2(m_agent->errContains(summary), m_agent->errText().constData());
    }
    QVERIFY2(m_agent->errContains(", 0 dropped, 0 rejected"), m_agent->errText().constData());
    QVERIFY2(!m_agent->errContains("not delivered"), m_agent->errText().constData());

    // The tail noticed, reconnected and went live again.
    const auto resumed = [this, errLinesAtRestart] {
        bool reconnecting = false;
        const auto &lines = m_tail->errLines();
        for (size_t i = errLinesAtRestart; i < lines.size(); ++i) {
            if (lines[i].startsWith("state: reconnecting"))
                reconnecting = true;
            else if (reconnecting && lines[i] == "state: live")
                return true;
        }
        return false;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(resumed(), m_tail->errText().constData(), kTailResumeMs);

    // Wait until the tail has everything the server published so far.
    const qint64 lastId = serverLastEventId();
    QVERIFY(lastId > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!tailEvents(*m_tail, nullptr).empty()
                                 && tailEvents(*m_tail, nullptr).back().id >= lastId,
                             kTailResumeMs);

    QString error;
    const std::vector<TailEvent> events = tailEvents(*m_tail, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // A graceful shutdown first told the stream so (API.md "Live stream").
    const std::vector<TailEvent> system = ofType(events, QStringLiteral("system"));
    QCOMPARE(system.size(), size_t(1));
    QCOMPARE(system.front().data().value(QStringLiteral("kind")).toString(),
             QStringLiteral("shutdown"));
    std::vector<TailEvent> logged;
    for (const TailEvent &event : events) {
        if (event.type != QLatin1String("system"))
            logged.push_back(event);
    }
    const QString idError = idsNotIncreasing(logged);
    QVERIFY2(idError.isEmpty(), qPrintable(idError));

    const std::vector<TailEvent> telemetry = ofType(events, QStringLiteral("telemetry"));
    std::set<std::pair<QString, qint64>> expected;
    for (const QString &device : kDevices) {
        for (qint64 seq = kSeqStart; seq < kSeqStart + kCount; ++seq)
            expected.insert({device, seq});
    }
    std::set<std::pair<QString, qint64>> received;
    for (const TailEvent &event : telemetry) {
        const std::pair<QString, qint64> key{
            event.deviceId(), qint64(event.data().value(QStringLiteral("seq")).toDouble(-1))};
        QVERIFY2(received.insert(key).second,
                 qPrintable(QStringLiteral("%1 seq %2 received twice").arg(key.first).arg(key.second)));
    }
    QCOMPARE(received.size(), expected.size());
    QVERIFY(received == expected);
    // Per device, seqs also arrive in order.
    const QString seqError = seqsDiffer(telemetry, kSeqStart, kCount);
    QVERIFY2(seqError.isEmpty(), qPrintable(seqError));
}

void tst_EndToEnd::overheatingDeviceFiresAndResolvesAlert()
{
    const QJsonObject rule{{QStringLiteral("id"), QStringLiteral("gpu-hot")},
                           {QStringLiteral("field"), QStringLiteral("gpu_temp_c")},
                           {QStringLiteral("op"), QStringLiteral(">")},
                           {QStringLiteral("value"), 85},
                           {QStringLiteral("severity"), QStringLiteral("critical")},
                           {QStringLiteral("device"), QStringLiteral("*")}};
    QVERIFY(startServer({{QStringLiteral("alertRules"), QJsonArray{rule}}},
                        QStringLiteral("127.0.0.1:0")));
    QVERIFY2(startTail({QStringLiteral("--types"), QStringLiteral("alert")}),
             m_tail->errText().constData());
    // At --speed 10 an episode every 30 simulated seconds, 20 long: the
    // first fires within about 3 real seconds and resolves about 2 s later.
    startAgent({QStringLiteral("--interval"), QStringLiteral("0.1"), QStringLiteral("--speed"),
                QStringLiteral("10"), QStringLiteral("--overheat-device"), QStringLiteral("jetson-02"),
                QStringLiteral("--overheat-every"), QStringLiteral("30"),
                QStringLiteral("--overheat-for"), QStringLiteral("20")});
    QVERIFY(m_agent->waitStarted());

    const auto firedAndResolved = [this] {
        bool firing = false;
        for (const TailEvent &event : tailEvents(*m_tail, nullptr)) {
            const QString state = event.data().value(QStringLiteral("state")).toString();
            if (event.deviceId() != QLatin1String("jetson-02"))
                continue;
            if (state == QLatin1String("firing"))
                firing = true;
            else if (firing && state == QLatin1String("resolved"))
                return true;
        }
        return false;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(firedAndResolved(), m_agent->errText().constData(), kEpisodeMs);

    QString error;
    const std::vector<TailEvent> events = tailEvents(*m_tail, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!events.empty());
    QCOMPARE(events.front().data().value(QStringLiteral("state")).toString(),
             QStringLiteral("firing"));
    for (const TailEvent &event : events) {
        QCOMPARE(event.type, QStringLiteral("alert"));
        QCOMPARE(event.deviceId(), QStringLiteral("jetson-02"));
        QCOMPARE(event.data().value(QStringLiteral("ruleId")).toString(), QStringLiteral("gpu-hot"));
        QCOMPARE(event.data().value(QStringLiteral("severity")).toString(),
                 QStringLiteral("critical"));
        QCOMPARE(event.data().value(QStringLiteral("field")).toString(),
                 QStringLiteral("gpu_temp_c"));
    }
    // Firing and resolved alternate: never two firings without a resolve between.
    for (size_t i = 1; i < events.size(); ++i)
        QVERIFY(events[i].data().value(QStringLiteral("state"))
                != events[i - 1].data().value(QStringLiteral("state")));
    QVERIFY(m_agent->terminate());
    QCOMPARE(m_agent->exitCode(), 0);
}

void tst_EndToEnd::silentDeviceGoesOfflineAndBackOnline()
{
    QVERIFY(startServer({{QStringLiteral("offlineAfterSeconds"), 1}},
                        QStringLiteral("127.0.0.1:0")));
    QVERIFY2(startTail({QStringLiteral("--types"), QStringLiteral("device_status"),
                        QStringLiteral("--device"), QStringLiteral("jetson-03")}),
             m_tail->errText().constData());
    startAgent({QStringLiteral("--interval"), QStringLiteral("0.2"), QStringLiteral("--silent-device"),
                QStringLiteral("jetson-03"), QStringLiteral("--silent-every"), QStringLiteral("4"),
                QStringLiteral("--silent-for"), QStringLiteral("3")});
    QVERIFY(m_agent->waitStarted());

    const auto offlineThenOnline = [this] {
        bool offline = false;
        for (const TailEvent &event : tailEvents(*m_tail, nullptr)) {
            const QString status = event.data().value(QStringLiteral("status")).toString();
            if (status == QLatin1String("offline"))
                offline = true;
            else if (offline && status == QLatin1String("online"))
                return true;
        }
        return false;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(offlineThenOnline(), m_agent->errText().constData(), kEpisodeMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_agent->errContains("jetson-03: back after a silent period"),
                             kEpisodeMs);

    QString error;
    const std::vector<TailEvent> events = tailEvents(*m_tail, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const TailEvent &event : events) {
        QCOMPARE(event.type, QStringLiteral("device_status"));
        QCOMPARE(event.deviceId(), QStringLiteral("jetson-03"));
    }
    // Statuses alternate, starting online (first point).
    QCOMPARE(events.front().data().value(QStringLiteral("status")).toString(),
             QStringLiteral("online"));
    for (size_t i = 1; i < events.size(); ++i)
        QVERIFY(events[i].data().value(QStringLiteral("status"))
                != events[i - 1].data().value(QStringLiteral("status")));
    QVERIFY(m_agent->terminate());
    QCOMPARE(m_agent->exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_EndToEnd)
#include "tst_endtoend.moc"
