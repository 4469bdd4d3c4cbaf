// Tests of AgentOptions (issue 7, API.md "Command-line clients"): the three
// forms of the sightline-device command line, the optional argument of
// --tegrastats, and every mistake answered in words.
#include "device/agentoptions.h"

#include "support/tempdir.h"

#include <QFile>
#include <QtTest>

using Sightline::AgentOptions;

namespace {

QStringList argv(const QString &line)
{
    return QStringList{QStringLiteral("sightline-device")} + line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

} // namespace

class tst_AgentOptions : public QObject
{
    Q_OBJECT

private slots:
    void readsOneSimulatedDevice();
    void tegrastatsSource_data();
    void tegrastatsSource();
    void readsAKeysFile();
    void rejectsMistakes_data();
    void rejectsMistakes();
    void helpNamesEveryOption();
};

void tst_AgentOptions::readsOneSimulatedDevice()
{
    AgentOptions options;
    const AgentOptions::Outcome outcome = AgentOptions::fromArguments(
        argv(QStringLiteral("--server http://127.0.0.1:8080 --key abc --device jetson-01 --interval 0.5 --count 20 "
                            "--seed 9 --overheat-every 120 --overheat-for 40 --silent-every 90 --silent-for 20 "
                            "--batch-size 50 --buffer 500 --verbose")),
        &options);
    QVERIFY2(outcome.kind == AgentOptions::Outcome::Kind::Run, qPrintable(outcome.text));
    QCOMPARE(options.server, QUrl(QStringLiteral("http://127.0.0.1:8080")));
    QCOMPARE(options.devices.size(), 1);
    QCOMPARE(options.devices.first().deviceId, QStringLiteral("jetson-01"));
    QCOMPARE(options.devices.first().key, QByteArray("abc"));
    QCOMPARE(options.source, AgentOptions::Source::Simulator);
    QCOMPARE(options.intervalSeconds, 0.5);
    QCOMPARE(options.count, qint64(20));
    QCOMPARE(options.seed, quint64(9));
    QCOMPARE(options.overheatEverySeconds, 120.0);
    QCOMPARE(options.overheatForSeconds, 40.0);
    QCOMPARE(options.silentEverySeconds, 90.0);
    QCOMPARE(options.silentForSeconds, 20.0);
    QCOMPARE(options.batchSize, 50);
    QCOMPARE(options.bufferCapacity, 500);
    QVERIFY(options.verbose);
    QVERIFY(options.overheats(QStringLiteral("jetson-01")));
    QVERIFY(options.goesSilent(QStringLiteral("jetson-01")));
}

void tst_AgentOptions::tegrastatsSource_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<int>("source");
    QTest::addColumn<QString>("file");
    const QString base = QStringLiteral("--server http://h:1 --key k --device d ");
    QTest::newRow("bare, last") << base + QStringLiteral("--tegrastats") << int(AgentOptions::Source::TegrastatsProgram) << QString();
    QTest::newRow("bare, before another option") << QStringLiteral("--tegrastats ") + base << int(AgentOptions::Source::TegrastatsProgram) << QString();
    QTest::newRow("dash is standard input") << base + QStringLiteral("--tegrastats -") << int(AgentOptions::Source::TegrastatsStdin) << QString();
    QTest::newRow("a file") << base + QStringLiteral("--tegrastats /tmp/t.log") << int(AgentOptions::Source::TegrastatsFile) << "/tmp/t.log";
    QTest::newRow("a file with equals") << base + QStringLiteral("--tegrastats=/tmp/t.log") << int(AgentOptions::Source::TegrastatsFile) << "/tmp/t.log";
}

void tst_AgentOptions::tegrastatsSource()
{
    QFETCH(QString, arguments);
    QFETCH(int, source);
    QFETCH(QString, file);
    AgentOptions options;
    const AgentOptions::Outcome outcome = AgentOptions::fromArguments(argv(arguments), &options);
    QVERIFY2(outcome.kind == AgentOptions::Outcome::Kind::Run, qPrintable(outcome.text));
    QCOMPARE(int(options.source), source);
    QCOMPARE(options.tegrastatsFile, file);
}

void tst_AgentOptions::readsAKeysFile()
{
    Sightline::Test::TempDir dir;
    const QString path = dir.filePath(QStringLiteral("demo-keys.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"server": "http://127.0.0.1:9999", "account": "demo", "devices": [
        {"deviceId": "jetson-01", "siteId": "lab", "key": "k1"},
        {"deviceId": "jetson-02", "siteId": "lab", "key": "k2"}]})");
    file.close();

    AgentOptions fromFile;
    QVERIFY(AgentOptions::fromArguments(argv(QStringLiteral("--keys ") + path + QStringLiteral(" --overheat-every 120 --overheat-device jetson-02")), &fromFile).kind
            == AgentOptions::Outcome::Kind::Run);
    QCOMPARE(fromFile.server, QUrl(QStringLiteral("http://127.0.0.1:9999"))); // the file's server
    QCOMPARE(fromFile.devices.size(), 2);
    QVERIFY(!fromFile.overheats(QStringLiteral("jetson-01")));
    QVERIFY(fromFile.overheats(QStringLiteral("jetson-02")));

    AgentOptions overridden;
    QVERIFY(AgentOptions::fromArguments(argv(QStringLiteral("--server http://10.0.0.1:8080 --keys ") + path), &overridden).kind
            == AgentOptions::Outcome::Kind::Run);
    QCOMPARE(overridden.server, QUrl(QStringLiteral("http://10.0.0.1:8080"))); // --server wins
}

void tst_AgentOptions::rejectsMistakes_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<QString>("expectedError");
    const QString base = QStringLiteral("--server http://h:1 --key k --device d ");

    QTest::newRow("no key") << "--server http://h:1 --device d" << "give the device's API key with --key KEY (or a keys file with --keys FILE)";
    QTest::newRow("no device") << "--server http://h:1 --key k" << "give the device id the key belongs to with --device ID";
    QTest::newRow("no server") << "--key k --device d" << "give the server with --server URL, e.g. --server http://127.0.0.1:8080";
    QTest::newRow("server without scheme") << "--server 127.0.0.1:8080 --key k --device d"
                                           << "--server wants an http:// or https:// URL such as http://127.0.0.1:8080, not \"127.0.0.1:8080\"";
    QTest::newRow("unknown option") << base + QStringLiteral("--frobnicate") << "Unknown option 'frobnicate'.";
    QTest::newRow("stray argument") << base + QStringLiteral("extra") << "unexpected argument \"extra\"";
    QTest::newRow("interval zero") << base + QStringLiteral("--interval 0") << "--interval wants a number of seconds of at least 0.01, not \"0\"";
    QTest::newRow("interval not a number") << base + QStringLiteral("--interval fast") << "--interval wants a number of seconds of at least 0.01, not \"fast\"";
    QTest::newRow("count zero") << base + QStringLiteral("--count 0") << "--count wants a whole number from 1 to 1099511627776, not \"0\"";
    QTest::newRow("batch too large") << base + QStringLiteral("--batch-size 1001") << "--batch-size wants a whole number from 1 to 1000, not \"1001\"";
    QTest::newRow("silent longer than its period") << base + QStringLiteral("--silent-every 30 --silent-for 30") << "--silent-for must be shorter than --silent-every";
    QTest::newRow("overheat longer than its period") << base + QStringLiteral("--overheat-every 50") << "--overheat-for must be shorter than --overheat-every";
    QTest::newRow("keys and key") << "--server http://h:1 --keys k.json --key k" << "--keys simulates the devices of a file; leave out --key and --device";
    QTest::newRow("keys file missing") << "--keys /nonexistent/demo-keys.json"
                                       << "cannot read the keys file /nonexistent/demo-keys.json: No such file or directory";
    QTest::newRow("overheat with tegrastats") << base + QStringLiteral("--tegrastats - --overheat-every 60")
                                              << "--overheat-every applies to simulated devices, not to --tegrastats";
    QTest::newRow("unknown overheat device") << base + QStringLiteral("--overheat-every 100 --overheat-device jetson-09")
                                             << "device \"jetson-09\" named by --overheat-device/--silent-device is not one of the simulated devices";
}

void tst_AgentOptions::rejectsMistakes()
{
    QFETCH(QString, arguments);
    QFETCH(QString, expectedError);
    AgentOptions options;
    const AgentOptions::Outcome outcome = AgentOptions::fromArguments(argv(arguments), &options);
    QCOMPARE(int(outcome.kind), int(AgentOptions::Outcome::Kind::Error));
    QCOMPARE(outcome.text, expectedError);
}

void tst_AgentOptions::helpNamesEveryOption()
{
    AgentOptions options;
    const AgentOptions::Outcome outcome = AgentOptions::fromArguments(argv(QStringLiteral("--help")), &options);
    QCOMPARE(int(outcome.kind), int(AgentOptions::Outcome::Kind::Help));
    for (const char *option : {"--server", "--key", "--device", "--keys", "--tegrastats", "--interval", "--count",
                               "--seed", "--speed", "--overheat-every", "--overheat-for", "--overheat-device", "--silent-every",
                               "--silent-for", "--silent-device", "--batch-size", "--buffer", "--timeout",
                               "--retry-max", "--seq-start", "--verbose", "Exit status"})
        QVERIFY2(outcome.text.contains(QLatin1String(option)), option);
}

QTEST_GUILESS_MAIN(tst_AgentOptions)
#include "tst_agentoptions.moc"
