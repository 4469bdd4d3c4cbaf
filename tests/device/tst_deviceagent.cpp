// Tests of DeviceAgent through the built sightline-device program (issue 7,
// API.md "Command-line clients"): simulated devices, --keys, --tegrastats
// from a file and from standard input, the exit statuses, the lines on
// standard error, buffer overflow, silence and overheating, and SIGTERM.
// The server is the misbehaving server playing the ingest endpoint.
#include "support/ingestrecorder.h"
#include "support/misbehavingserver.h"
#include "support/tempdir.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>

#include <csignal>

using Sightline::Test::IngestRecorder;
using Sightline::Test::MisbehavingServer;
using Sightline::Test::ServerScript;

namespace {

constexpr int kRunTimeoutMs = 60000; // a loaded 2-core CI machine is slow to start programs
const QByteArray kKey = "agent-test-key-secret";

// sightline-device as a child process; the test's event loop keeps running
// (the server lives in it) while the agent works.
class Agent
{
public:
    explicit Agent(const QStringList &arguments, const QByteArray &stdinData = {}, bool closeStdin = true)
    {
        m_process.setProgram(Sightline::Test::binDir() + QStringLiteral("/sightline-device"));
        m_process.setArguments(arguments);
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_err += m_process.readAllStandardError(); });
        m_process.start();
        if (m_process.waitForStarted(kRunTimeoutMs)) {
            if (!stdinData.isEmpty())
                m_process.write(stdinData);
            if (closeStdin)
                m_process.closeWriteChannel();
        }
    }
    ~Agent()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kRunTimeoutMs);
        }
    }

    bool waitForExit()
    {
        if (m_process.state() == QProcess::NotRunning)
            return true;
        QSignalSpy finished(&m_process, &QProcess::finished);
        return finished.wait(kRunTimeoutMs);
    }
    int exitCode() const { return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1; }
    QString standardError()
    {
        m_err += m_process.readAllStandardError();
        return QString::fromUtf8(m_err);
    }
    bool hasLine(const QString &text) { return standardError().contains(text); }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QByteArray m_err;
};

QStringList oneDevice(const MisbehavingServer &server, const QStringList &extra)
{
    return QStringList{QStringLiteral("--server"), server.url().toString(), QStringLiteral("--key"), QString::fromLatin1(kKey),
                       QStringLiteral("--device"), QStringLiteral("jetson-01")}
           + extra;
}

QString sample(const QString &name)
{
    return QStringLiteral(SIGHTLINE_DEVICE_TEST_DATA "/") + name;
}

QList<qint64> consecutive(qint64 first, qint64 count)
{
    QList<qint64> out;
    for (qint64 i = 0; i < count; ++i)
        out.append(first + i);
    return out;
}

} // namespace

class tst_DeviceAgent : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sendsCountPointsAndExits();
    void simulatesEveryDeviceOfAKeysFile();
    void sendsTegrastatsLines_data();
    void sendsTegrastatsLines();
    void stopsOnAnswersRetryCannotFix_data();
    void stopsOnAnswersRetryCannotFix();
    void badArgumentsExitWithWords_data();
    void badArgumentsExitWithWords();
    void missingTegrastatsIsAClearError();
    void runsTegrastatsItself();
    void saysHowManyPointsItDropped();
    void goesSilentAndComesBack();
    void overheats();
    void sigtermStopsWithASummary();
};

void tst_DeviceAgent::initTestCase()
{
    QVERIFY2(QFile::exists(Sightline::Test::binDir() + QStringLiteral("/sightline-device")),
             "SIGHTLINE_BIN_DIR must hold the built sightline-device");
}

void tst_DeviceAgent::sendsCountPointsAndExits()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    Agent agent(oneDevice(server, {QStringLiteral("--count"), QStringLiteral("5"), QStringLiteral("--interval"),
                                   QStringLiteral("0.05"), QStringLiteral("--seq-start"), QStringLiteral("100"),
                                   QStringLiteral("--verbose")}));
    QVERIFY(agent.waitForExit());
    QCOMPARE(agent.exitCode(), 0);
    QCOMPARE(ingest.storedOrder, consecutive(100, 5));
    for (const QByteArray &key : std::as_const(ingest.apiKeys))
        QCOMPARE(key, kKey);
    const QJsonObject first = ingest.storedPoints.first();
    QCOMPARE(first.value(QStringLiteral("deviceId")).toString(), QStringLiteral("jetson-01"));
    QVERIFY(first.value(QStringLiteral("fields")).toObject().contains(QStringLiteral("gpu_temp_c")));
    const QString err = agent.standardError();
    QVERIFY2(err.contains(QLatin1String("jetson-01: acknowledged seq 100 (1 point, 0 duplicates)")), qPrintable(err));
    QVERIFY2(err.contains(QLatin1String("jetson-01: 5 points acknowledged (0 duplicates), 0 dropped, 0 rejected")), qPrintable(err));
    QVERIFY(!err.contains(QString::fromLatin1(kKey)));
}

void tst_DeviceAgent::simulatesEveryDeviceOfAKeysFile()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    Sightline::Test::TempDir dir;
    const QString keysPath = dir.filePath(QStringLiteral("demo-keys.json"));
    QFile keys(keysPath);
    QVERIFY(keys.open(QIODevice::WriteOnly));
    keys.write(QByteArray(R"({"server": ")") + server.url().toString().toUtf8() + R"(", "account": "demo", "devices": [
        {"deviceId": "jetson-01", "siteId": "lab", "key": "key-1"},
        {"deviceId": "jetson-02", "siteId": "lab", "key": "key-2"},
        {"deviceId": "jetson-03", "siteId": "lab", "key": "key-3"}]})");
    keys.close();

    Agent agent({QStringLiteral("--keys"), keysPath, QStringLiteral("--count"), QStringLiteral("3"),
                 QStringLiteral("--interval"), QStringLiteral("0.05")});
    QVERIFY(agent.waitForExit());
    QCOMPARE(agent.exitCode(), 0);
    QCOMPARE(ingest.storedPoints.size(), 9);
    QMap<QString, int> perDevice;
    for (qsizetype i = 0; i < ingest.requests.size(); ++i) {
        for (const QJsonValue &point : ingest.requests.at(i)) {
            const QString device = point.toObject().value(QStringLiteral("deviceId")).toString();
            ++perDevice[device];
            // Each device posts with its own key.
            QCOMPARE(ingest.apiKeys.at(i), QByteArray("key-") + device.right(1).toLatin1());
        }
    }
    QCOMPARE(perDevice, (QMap<QString, int>{{QStringLiteral("jetson-01"), 3}, {QStringLiteral("jetson-02"), 3}, {QStringLiteral("jetson-03"), 3}}));
    // Different devices draw different signals.
    QVERIFY(ingest.storedPoints.at(0).value(QStringLiteral("fields")) != ingest.storedPoints.at(1).value(QStringLiteral("fields")));
}

void tst_DeviceAgent::sendsTegrastatsLines_data()
{
    QTest::addColumn<bool>("viaStdin");
    QTest::newRow("replayed from a file") << false;
    QTest::newRow("piped through standard input") << true;
}

void tst_DeviceAgent::sendsTegrastatsLines()
{
    QFETCH(bool, viaStdin);
    MisbehavingServer server;
    IngestRecorder ingest(server);
    QFile file(sample(QStringLiteral("orin-nano.txt")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    // A line tegrastats would never print is reported and skipped.
    const QByteArray lines = file.readAll() + "garbage without statistics\n";

    std::unique_ptr<Agent> agent;
    if (viaStdin) {
        agent = std::make_unique<Agent>(oneDevice(server, {QStringLiteral("--tegrastats"), QStringLiteral("-")}), lines);
    } else {
        Sightline::Test::TempDir dir;
        const QString path = dir.filePath(QStringLiteral("tegrastats.log"));
        QFile copy(path);
        QVERIFY(copy.open(QIODevice::WriteOnly));
        copy.write(lines);
        copy.close();
        agent = std::make_unique<Agent>(oneDevice(server, {QStringLiteral("--tegrastats"), path, QStringLiteral("--interval"), QStringLiteral("0.05")}));
        QVERIFY(agent->waitForExit()); // before the temp dir goes
    }
    QVERIFY(agent->waitForExit());
    QCOMPARE(agent->exitCode(), 0);
    QCOMPARE(ingest.storedPoints.size(), 2);
    const QJsonObject idle = ingest.storedPoints.at(0).value(QStringLiteral("fields")).toObject();
    const QJsonObject busy = ingest.storedPoints.at(1).value(QStringLiteral("fields")).toObject();
    QCOMPARE(idle.value(QStringLiteral("gpu_temp_c")).toDouble(), 44.656);
    QCOMPARE(idle.value(QStringLiteral("power_vdd_in_mw")).toDouble(), 4351.0);
    QCOMPARE(busy.value(QStringLiteral("gpu_util_pct")).toDouble(), 93.0);
    QCOMPARE(busy.value(QStringLiteral("cpu_util_pct")).toDouble(), 55.0);
    QVERIFY2(agent->hasLine(QStringLiteral("tegrastats line 3: no tegrastats statistics in this line; skipped")),
             qPrintable(agent->standardError()));
}

void tst_DeviceAgent::stopsOnAnswersRetryCannotFix_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("code");
    QTest::addColumn<int>("expectedExit");
    QTest::addColumn<QString>("expectedLine");
    QTest::newRow("401 bad key") << 401 << QByteArray("invalid_api_key") << 3
                                 << "jetson-01: the server rejected the API key of jetson-01 (401 invalid_api_key: scripted invalid_api_key); stopping";
    QTest::newRow("403 another device's key") << 403 << QByteArray("device_mismatch") << 3
                                              << "jetson-01: the server refused points for jetson-01 with this key (403 device_mismatch: scripted device_mismatch); stopping";
    QTest::newRow("404 wrong URL") << 404 << QByteArray("not_found") << 4 << "check --server; stopping";
}

void tst_DeviceAgent::stopsOnAnswersRetryCannotFix()
{
    QFETCH(int, status);
    QFETCH(QByteArray, code);
    QFETCH(int, expectedExit);
    QFETCH(QString, expectedLine);
    MisbehavingServer server;
    IngestRecorder ingest(server);
    ingest.setDefault([&](const QJsonArray &) { return ServerScript::jsonError(status, code); });
    Agent agent(oneDevice(server, {QStringLiteral("--interval"), QStringLiteral("0.05")}));
    QVERIFY(agent.waitForExit());
    QCOMPARE(agent.exitCode(), expectedExit);
    QVERIFY2(agent.hasLine(expectedLine), qPrintable(agent.standardError()));
    QVERIFY(!agent.standardError().contains(QString::fromLatin1(kKey)));
    QCOMPARE(ingest.requests.size(), 1); // not retried
}

void tst_DeviceAgent::badArgumentsExitWithWords_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expectedLine");
    QTest::newRow("no key") << QStringList{QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--device"), QStringLiteral("d")}
                            << "sightline-device: give the device's API key with --key KEY (or a keys file with --keys FILE)";
    QTest::newRow("keys file that is not JSON") << QStringList{QStringLiteral("--keys"), sample(QStringLiteral("orin-nano.txt"))}
                                                << "is not valid JSON";
}

void tst_DeviceAgent::badArgumentsExitWithWords()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expectedLine);
    Agent agent(arguments);
    QVERIFY(agent.waitForExit());
    QCOMPARE(agent.exitCode(), 2);
    QVERIFY2(agent.hasLine(expectedLine), qPrintable(agent.standardError()));
    QVERIFY(agent.hasLine(QStringLiteral("(see sightline-device --help)")));
}

void tst_DeviceAgent::missingTegrastatsIsAClearError()
{
    MisbehavingServer server;
    Sightline::Test::TempDir emptyPath;
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PATH"), emptyPath.path()); // no tegrastats anywhere
    process.setProcessEnvironment(environment);
    process.start(Sightline::Test::binDir() + QStringLiteral("/sightline-device"), oneDevice(server, {QStringLiteral("--tegrastats")}));
    QVERIFY(process.waitForStarted(kRunTimeoutMs));
    QSignalSpy finished(&process, &QProcess::finished);
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(process.exitCode(), 1);
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("tegrastats: cannot run tegrastats (")), qPrintable(err));
    QVERIFY2(err.contains(QLatin1String("use --tegrastats FILE, or - for standard input")), qPrintable(err));
    QCOMPARE(server.requestCount(), 0);
}

void tst_DeviceAgent::runsTegrastatsItself()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    // A stand-in tegrastats first in PATH: it notes its arguments and prints
    // the recorded AGX Orin lines, then ends like an interrupted tegrastats.
    Sightline::Test::TempDir dir;
    const QString script = dir.filePath(QStringLiteral("tegrastats"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/arguments\"\ncat '" + sample(QStringLiteral("agx-orin.txt")).toUtf8() + "'\n");
    file.close();
    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PATH"), dir.path() + QLatin1Char(':') + environment.value(QStringLiteral("PATH")));
    process.setProcessEnvironment(environment);
    process.start(Sightline::Test::binDir() + QStringLiteral("/sightline-device"),
                  oneDevice(server, {QStringLiteral("--interval"), QStringLiteral("0.5"), QStringLiteral("--tegrastats")}));
    QVERIFY(process.waitForStarted(kRunTimeoutMs));
    QSignalSpy finished(&process, &QProcess::finished);
    QVERIFY(finished.wait(kRunTimeoutMs));
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(process.exitCode() == 0, qPrintable(err));
    QCOMPARE(ingest.storedPoints.size(), 2);
    QCOMPARE(ingest.storedPoints.at(1).value(QStringLiteral("fields")).toObject().value(QStringLiteral("gpu_temp_c")).toDouble(), 68.718);

    QFile arguments(dir.filePath(QStringLiteral("arguments")));
    QVERIFY(arguments.open(QIODevice::ReadOnly));
    QCOMPARE(arguments.readAll().trimmed(), QByteArray("--interval 500")); // tegrastats paces itself
}

void tst_DeviceAgent::saysHowManyPointsItDropped()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    server.stopListening(); // away from the start
    Agent agent(oneDevice(server, {QStringLiteral("--count"), QStringLiteral("12"), QStringLiteral("--interval"),
                                   QStringLiteral("0.02"), QStringLiteral("--buffer"), QStringLiteral("4"),
                                   QStringLiteral("--retry-max"), QStringLiteral("0.1"), QStringLiteral("--seq-start"),
                                   QStringLiteral("0")}));
    QTRY_VERIFY_WITH_TIMEOUT(agent.hasLine(QStringLiteral("jetson-01: buffer full (4 points): dropped ")), kRunTimeoutMs);
    QVERIFY(agent.hasLine(QStringLiteral("jetson-01: server unreachable (")));
    // Wait until all 12 are made, then let the server come back.
    QTRY_VERIFY_WITH_TIMEOUT(agent.hasLine(QStringLiteral("8 dropped in total")), kRunTimeoutMs);
    QVERIFY(server.resumeListening());
    QVERIFY(agent.waitForExit());
    QCOMPARE(agent.exitCode(), 5); // finished, but points were lost
    QCOMPARE(ingest.storedOrder, consecutive(8, 4)); // the newest four
    QVERIFY2(agent.hasLine(QStringLiteral("jetson-01: 4 points acknowledged (0 duplicates), 8 dropped, 0 rejected")),
             qPrintable(agent.standardError()));
}

void tst_DeviceAgent::goesSilentAndComesBack()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    Agent agent(oneDevice(server, {QStringLiteral("--count"), QStringLiteral("12"), QStringLiteral("--interval"),
                                   QStringLiteral("0.1"), QStringLiteral("--silent-every"), QStringLiteral("1"),
                                   QStringLiteral("--silent-for"), QStringLiteral("0.5")}));
    QVERIFY(agent.waitForExit());
    QCOMPARE(agent.exitCode(), 0);
    QVERIFY2(agent.hasLine(QStringLiteral("jetson-01: going silent for 0.5 s (simulated outage)")), qPrintable(agent.standardError()));
    QVERIFY(agent.hasLine(QStringLiteral("jetson-01: back after a silent period")));
    QCOMPARE(ingest.storedPoints.size(), 12);
    // The silence shows as a gap of about 0.5 s between two points' ts.
    qint64 largestGapMs = 0;
    for (qsizetype i = 1; i < ingest.storedPoints.size(); ++i) {
        const QDateTime a = QDateTime::fromString(ingest.storedPoints.at(i - 1).value(QStringLiteral("ts")).toString(), Qt::ISODateWithMs);
        const QDateTime b = QDateTime::fromString(ingest.storedPoints.at(i).value(QStringLiteral("ts")).toString(), Qt::ISODateWithMs);
        largestGapMs = std::max(largestGapMs, a.msecsTo(b));
    }
    QVERIFY2(largestGapMs >= 450, qPrintable(QString::number(largestGapMs)));
}

void tst_DeviceAgent::overheats()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    // 200 simulated seconds per real second, a sample every 0.05 s: each
    // sample is 10 simulated seconds, the episode runs from simulated 100 s
    // to 160 s (samples 10 to 16).
    Agent agent(oneDevice(server, {QStringLiteral("--count"), QStringLiteral("17"), QStringLiteral("--interval"),
                                   QStringLiteral("0.05"), QStringLiteral("--speed"), QStringLiteral("200"),
                                   QStringLiteral("--overheat-every"), QStringLiteral("100"), QStringLiteral("--overheat-for"),
                                   QStringLiteral("60")}));
    QVERIFY(agent.waitForExit());
    QCOMPARE(agent.exitCode(), 0);
    QVERIFY2(agent.hasLine(QStringLiteral("jetson-01: overheating episode starts (GPU at full load, fan stalled)")),
             qPrintable(agent.standardError()));
    double hottest = 0;
    for (const QJsonObject &point : std::as_const(ingest.storedPoints))
        hottest = std::max(hottest, point.value(QStringLiteral("fields")).toObject().value(QStringLiteral("gpu_temp_c")).toDouble());
    QVERIFY2(hottest > 85, qPrintable(QString::number(hottest)));
}

void tst_DeviceAgent::sigtermStopsWithASummary()
{
    MisbehavingServer server;
    IngestRecorder ingest(server);
    server.stopListening(); // points pile up
    Agent agent(oneDevice(server, {QStringLiteral("--interval"), QStringLiteral("0.05"), QStringLiteral("--retry-max"), QStringLiteral("0.2")}));
    QTRY_VERIFY_WITH_TIMEOUT(agent.hasLine(QStringLiteral("jetson-01: server unreachable (")), kRunTimeoutMs);
    agent.process().terminate(); // SIGTERM
    QVERIFY(agent.waitForExit());
    QCOMPARE(agent.exitCode(), 0);
    QVERIFY2(agent.hasLine(QStringLiteral("jetson-01: 0 points acknowledged (0 duplicates), 0 dropped, 0 rejected, ")),
             qPrintable(agent.standardError()));
    QVERIFY(agent.hasLine(QStringLiteral(" not delivered")));
}

QTEST_GUILESS_MAIN(tst_DeviceAgent)
#include "tst_deviceagent.moc"
