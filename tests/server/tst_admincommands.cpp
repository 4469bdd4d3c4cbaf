// Tests for the sightline-server command line (API.md "Administration") as
// real processes: add-user, add-device (--rotate), demo and demo-keys.json,
// serve's listening line with the real port, config errors, SIGTERM/SIGINT
// exiting 0, the signing key kept across a restart, admin commands while
// serve runs on the same data dir, the demo's built-in alert rules.
#include "server/accountstore.h"
#include "server/admincommands.h"
#include "server/passwordhasher.h"

#include "support/httpclient.h"
#include "support/serverprocess.h"
#include "support/tempdir.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

using namespace Sightline;
using Sightline::Test::HttpClient;
using Sightline::Test::HttpResponse;
using Sightline::Test::ServerProcess;
using Sightline::Test::TempDir;

namespace {

QStringList args(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *a : list)
        out.append(QString::fromUtf8(a));
    return out;
}

std::optional<UserRecord> findUser(const QString &dataDir, const QString &username)
{
    AccountStore store;
    QString error;
    if (!store.open(dataDir, &error))
        return std::nullopt;
    return store.findUser(username);
}

std::optional<DeviceRecord> deviceForKey(const QString &dataDir, const QByteArray &key)
{
    AccountStore store;
    QString error;
    if (!store.open(dataDir, &error))
        return std::nullopt;
    return store.deviceForKey(key);
}

QByteArray login(const char *user, const char *password)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("username"), QString::fromUtf8(user)},
                                     {QStringLiteral("password"), QString::fromUtf8(password)}})
        .toJson(QJsonDocument::Compact);
}

const QRegularExpression kKeyLine(QStringLiteral("^sld_[A-Za-z0-9_-]{43}\n$"));

// How long a point's alert may take to reach GET /api/v1/alerts (the alert
// is written after the point's 202).
constexpr int kAlertStoredMs = 15000;

} // namespace

class tst_AdminCommands : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void passwordFromInput_data();
    void passwordFromInput();
    void addUserReadsPasswordFromStdin();
    void addUserErrors_data();
    void addUserErrors();
    void addDevicePrintsKeyAlone();
    void addDeviceRotate();
    void addDeviceErrors_data();
    void addDeviceErrors();
    void usageErrors_data();
    void usageErrors();
    void serveListensOnRealPortAndStopsOnSignal_data();
    void serveListensOnRealPortAndStopsOnSignal();
    void serveConfigErrors_data();
    void serveConfigErrors();
    void flagsOverrideConfig();
    void tokenValidAcrossRestart();
    void acknowledgedPointsSurviveSigterm();
    void adminWhileServing();
    void demoProvisionsAndServes();
    void demoHasItsAlertRulesBuiltIn_data();
    void demoHasItsAlertRulesBuiltIn();
};

void tst_AdminCommands::initTestCase()
{
    QVERIFY2(QFile::exists(ServerProcess::program()),
             qPrintable(ServerProcess::program() + QStringLiteral(" is not built")));
}

void tst_AdminCommands::passwordFromInput_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("password");
    QTest::newRow("newline removed") << QByteArray("secret\n") << QByteArray("secret");
    QTest::newRow("crlf removed") << QByteArray("secret\r\n") << QByteArray("secret");
    QTest::newRow("no newline") << QByteArray("secret") << QByteArray("secret");
    QTest::newRow("only one newline removed") << QByteArray("secret\n\n") << QByteArray("secret\n");
    QTest::newRow("spaces kept") << QByteArray(" secret \n") << QByteArray(" secret ");
    QTest::newRow("inner newline kept") << QByteArray("a\nb\n") << QByteArray("a\nb");
    QTest::newRow("just a newline") << QByteArray("\n") << QByteArray();
}

void tst_AdminCommands::passwordFromInput()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, password);
    QCOMPARE(AdminCommands::passwordFromInput(input), password);
}

void tst_AdminCommands::addUserReadsPasswordFromStdin()
{
    TempDir temp;
    // A data dir that does not exist yet: add-user creates it.
    const QString dataDir = temp.filePath(QStringLiteral("data"));
    const auto r = ServerProcess::run(
        {QStringLiteral("add-user"), QStringLiteral("--data-dir"), dataDir,
         QStringLiteral("--account"), QStringLiteral("acme"), QStringLiteral("--username"),
         QStringLiteral("alice"), QStringLiteral("--sites"), QStringLiteral("north,south")},
        "s3cret pass\n");
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.isEmpty());
    const auto user = findUser(dataDir, QStringLiteral("alice"));
    QVERIFY(user);
    QCOMPARE(user->accountId, QStringLiteral("acme"));
    QCOMPARE(user->sites, QStringList({QStringLiteral("north"), QStringLiteral("south")}));
    QVERIFY(PasswordHasher::verify(user->passwordHash, "s3cret pass"));
    QVERIFY(!PasswordHasher::verify(user->passwordHash, "s3cret pass\n"));

    // The data dir it created is private to its owner.
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(dataDir).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0700);
}

void tst_AdminCommands::addUserErrors_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("mentions");
    const QStringList user{QStringLiteral("--account"), QStringLiteral("acme"),
                           QStringLiteral("--username"), QStringLiteral("bob")};
    QTest::newRow("empty password") << user << QByteArray() << 1 << "empty";
    QTest::newRow("only a newline") << user << QByteArray("\n") << 1 << "empty";
    QTest::newRow("existing user")
        << QStringList{QStringLiteral("--account"), QStringLiteral("other"),
                       QStringLiteral("--username"), QStringLiteral("taken")}
        << QByteArray("pw\n") << 1 << "already exists";
    QTest::newRow("no account") << QStringList{QStringLiteral("--username"), QStringLiteral("bob")}
                                << QByteArray("pw\n") << 2 << "--account";
    QTest::newRow("no username") << QStringList{QStringLiteral("--account"), QStringLiteral("acme")}
                                 << QByteArray("pw\n") << 2 << "--username";
    QTest::newRow("bad username")
        << QStringList{QStringLiteral("--account"), QStringLiteral("acme"),
                       QStringLiteral("--username"), QStringLiteral("bob smith")}
        << QByteArray("pw\n") << 1 << "username";
    QTest::newRow("empty sites") << user + QStringList{QStringLiteral("--sites"), QStringLiteral(",")}
                                 << QByteArray("pw\n") << 2 << "--sites";
    QTest::newRow("unknown option") << user + QStringList{QStringLiteral("--admin")}
                                    << QByteArray("pw\n") << 2 << "admin";
}

void tst_AdminCommands::addUserErrors()
{
    QFETCH(QStringList, extra);
    QFETCH(QByteArray, input);
    QFETCH(int, exitCode);
    QFETCH(QString, mentions);
    TempDir dir;
    QVERIFY(!AdminCommands::addUser(dir.path(), QStringLiteral("acme"), QStringLiteral("taken"), "pw"));
    const auto r = ServerProcess::run(
        QStringList{QStringLiteral("add-user"), QStringLiteral("--data-dir"), dir.path()} + extra, input);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.contains(mentions.toUtf8()), r.err.constData());
    QVERIFY(r.out.isEmpty());
    QVERIFY(!findUser(dir.path(), QStringLiteral("bob")));
}

void tst_AdminCommands::addDevicePrintsKeyAlone()
{
    TempDir dir;
    const QStringList command{QStringLiteral("add-device"), QStringLiteral("--data-dir"), dir.path(),
                              QStringLiteral("--account"), QStringLiteral("acme"),
                              QStringLiteral("--site"), QStringLiteral("north"),
                              QStringLiteral("--device"), QStringLiteral("jetson-01")};
    const auto r = ServerProcess::run(command);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(kKeyLine.match(QString::fromLatin1(r.out)).hasMatch(), r.out.constData());
    const QByteArray key = r.out.trimmed();
    const auto device = deviceForKey(dir.path(), key);
    QVERIFY(device);
    QCOMPARE(device->accountId, QStringLiteral("acme"));
    QCOMPARE(device->siteId, QStringLiteral("north"));
    QCOMPARE(device->deviceId, QStringLiteral("jetson-01"));

    // Adding it again is an error and leaves the key working.
    const auto again = ServerProcess::run(command);
    QCOMPARE(again.exitCode, 1);
    QVERIFY(again.out.isEmpty());
    QVERIFY2(again.err.contains("already exists"), again.err.constData());
    QVERIFY(deviceForKey(dir.path(), key));
}

void tst_AdminCommands::addDeviceRotate()
{
    TempDir dir;
    QStringList command{QStringLiteral("add-device"), QStringLiteral("--data-dir"), dir.path(),
                        QStringLiteral("--account"), QStringLiteral("acme"), QStringLiteral("--site"),
                        QStringLiteral("north"), QStringLiteral("--device"), QStringLiteral("d1")};
    const auto first = ServerProcess::run(command);
    QCOMPARE(first.exitCode, 0);
    const auto rotated = ServerProcess::run(command + QStringList{QStringLiteral("--rotate")});
    QVERIFY2(rotated.exitCode == 0, rotated.err.constData());
    QVERIFY(kKeyLine.match(QString::fromLatin1(rotated.out)).hasMatch());
    QVERIFY(rotated.out != first.out);
    QVERIFY(!deviceForKey(dir.path(), first.out.trimmed()));
    QVERIFY(deviceForKey(dir.path(), rotated.out.trimmed()));
}

void tst_AdminCommands::addDeviceErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("rotate a missing device")
        << args({"--account", "acme", "--site", "north", "--device", "ghost", "--rotate"}) << 1
        << "does not exist";
    QTest::newRow("no site") << args({"--account", "acme", "--device", "d"}) << 2 << "--site";
    QTest::newRow("no device") << args({"--account", "acme", "--site", "north"}) << 2 << "--device";
    QTest::newRow("bad device id") << args({"--account", "acme", "--site", "north", "--device", "a/b"})
                                   << 1 << "not valid";
    QTest::newRow("stray argument")
        << args({"--account", "acme", "--site", "north", "--device", "d", "extra"}) << 2 << "extra";
}

void tst_AdminCommands::addDeviceErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, mentions);
    TempDir dir;
    const auto r = ServerProcess::run(
        QStringList{QStringLiteral("add-device"), QStringLiteral("--data-dir"), dir.path()} + arguments);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains(mentions.toUtf8()), r.err.constData());
}

void tst_AdminCommands::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no command") << QStringList() << "no command";
    QTest::newRow("unknown command") << args({"start"}) << "unknown command";
    QTest::newRow("unknown serve option") << args({"serve", "--port", "80"}) << "port";
    QTest::newRow("bad listen") << args({"serve", "--listen", "localhost"}) << "--listen";
    QTest::newRow("bad redis url") << args({"serve", "--redis-url", "localhost:6379"}) << "--redis-url";
    QTest::newRow("bad influx url") << args({"demo", "--influx-url", "influx:8086"}) << "--influx-url";
}

void tst_AdminCommands::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    const auto r = ServerProcess::run(arguments);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(mentions.toUtf8()), r.err.constData());
    QVERIFY(r.err.contains("usage") || r.err.contains(mentions.toUtf8()));
}

void tst_AdminCommands::serveListensOnRealPortAndStopsOnSignal_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void tst_AdminCommands::serveListensOnRealPortAndStopsOnSignal()
{
    QFETCH(int, signalNumber);
    TempDir dir;
    ServerProcess server;
    QVERIFY2(server.start({QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(),
                           QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")}),
             qPrintable(server.errorString()));
    // Exactly one line, with the real port.
    const QByteArray out = server.standardOutput();
    QCOMPARE(out.count('\n'), 1);
    QVERIFY2(QRegularExpression(QStringLiteral("^listening on http://127\\.0\\.0\\.1:[1-9][0-9]*\n$"))
                 .match(QString::fromLatin1(out))
                 .hasMatch(),
             out.constData());
    QVERIFY(server.url().port() > 0);
    HttpClient http;
    QCOMPARE(http.get(server.url(QStringLiteral("/health"))).status, 200);

    // The secret was generated owner-only.
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(dir.filePath(QStringLiteral("jwt-secret"))).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0600);

    QCOMPARE(server.terminate(signalNumber), 0);
}

void tst_AdminCommands::serveConfigErrors_data()
{
    QTest::addColumn<QString>("command"); // demo serves like serve, --config included
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("mentions");
    for (const char *command : {"serve", "demo"}) {
        const QString c = QString::fromLatin1(command);
        QTest::addRow("%s: unknown key", command)
            << c << QByteArray(R"({"listen": "127.0.0.1:0", "retentionHour": 1})") << "retentionHour";
        QTest::addRow("%s: wrong type", command)
            << c << QByteArray(R"({"heartbeatSeconds": "15"})") << "heartbeatSeconds";
        QTest::addRow("%s: bad rule", command)
            << c << QByteArray(R"({"alertRules": [{"id": "x", "field": "f", "op": "=", "value": 1}]})")
            << "alertRules[0].op";
        QTest::addRow("%s: not json", command) << c << QByteArray("listen = 127.0.0.1") << "not valid JSON";
        // Issue 8: a Redis that is not there stops the start with the reason
        // (port 1 on loopback: nothing listens there).
        QTest::addRow("%s: redis unreachable", command)
            << c << QByteArray(R"({"redisUrl": "redis://127.0.0.1:1"})") << "cannot reach Redis at redis://127.0.0.1:1";
    }
}

void tst_AdminCommands::serveConfigErrors()
{
    QFETCH(QString, command);
    QFETCH(QByteArray, config);
    QFETCH(QString, mentions);
    TempDir dir;
    QFile file(dir.filePath(QStringLiteral("config.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(config);
    file.close();
    const auto r = ServerProcess::run({command, QStringLiteral("--data-dir"), dir.path(),
                                       QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                       QStringLiteral("--config"), file.fileName()});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains(mentions.toUtf8()), r.err.constData());
    QVERIFY(!r.out.contains("listening on"));
}

void tst_AdminCommands::flagsOverrideConfig()
{
    TempDir dir;
    QFile file(dir.filePath(QStringLiteral("config.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    // The config listens on another loopback address and sets a short token
    // lifetime; --listen wins, the lifetime stays.
    file.write(R"({"listen": "127.0.0.2:0", "accessTokenTtlSeconds": 120, "issuer": "from-config"})");
    file.close();
    QVERIFY(!AdminCommands::addUser(dir.path(), QStringLiteral("acme"), QStringLiteral("alice"), "pw"));
    ServerProcess server;
    QVERIFY2(server.start({QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(),
                           QStringLiteral("--config"), file.fileName(), QStringLiteral("--listen"),
                           QStringLiteral("127.0.0.1:0")}),
             qPrintable(server.errorString()));
    QCOMPARE(server.url().host(), QStringLiteral("127.0.0.1"));
    HttpClient http;
    const HttpResponse r = http.post(server.url(QStringLiteral("/api/v1/auth/login")), login("alice", "pw"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QStringLiteral("expires_in")).toInt(), 120);
    const QJsonObject claims = QJsonDocument::fromJson(QByteArray::fromBase64(
        r.json().value(QStringLiteral("access_token")).toString().toLatin1().split('.').value(1),
        QByteArray::Base64UrlEncoding)).object();
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), QStringLiteral("from-config"));
    QCOMPARE(server.terminate(), 0);
}

void tst_AdminCommands::tokenValidAcrossRestart()
{
    TempDir dir;
    QVERIFY(!AdminCommands::addUser(dir.path(), QStringLiteral("acme"), QStringLiteral("alice"), "pw"));
    const QStringList serve{QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(),
                            QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    HttpClient http;
    QByteArray access;
    {
        ServerProcess first;
        QVERIFY2(first.start(serve), qPrintable(first.errorString()));
        const HttpResponse r = http.post(first.url(QStringLiteral("/api/v1/auth/login")), login("alice", "pw"));
        QCOMPARE(r.status, 200);
        access = r.json().value(QStringLiteral("access_token")).toString().toLatin1();
        QCOMPARE(first.terminate(), 0);
    }
    ServerProcess second;
    QVERIFY2(second.start(serve), qPrintable(second.errorString()));
    const HttpResponse devices = http.get(second.url(QStringLiteral("/api/v1/devices")),
                                          {{"Authorization", "Bearer " + access}});
    QCOMPARE(devices.status, 200);
    QCOMPARE(second.terminate(), 0);
}

// SIGTERM right after a burst of ingest: everything answered 202 is there
// after a restart (API.md: exit 0 after a graceful shutdown).
void tst_AdminCommands::acknowledgedPointsSurviveSigterm()
{
    TempDir dir;
    QVERIFY(!AdminCommands::addUser(dir.path(), QStringLiteral("acme"), QStringLiteral("alice"), "pw"));
    QString error;
    const auto key = AdminCommands::addDevice(dir.path(), QStringLiteral("acme"), QStringLiteral("north"),
                                              QStringLiteral("d1"), false, &error);
    QVERIFY2(key, qPrintable(error));
    const QStringList serve{QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(),
                            QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    HttpClient http;
    constexpr int kBatches = 20;
    constexpr int kPerBatch = 50;
    {
        ServerProcess server;
        QVERIFY2(server.start(serve), qPrintable(server.errorString()));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (int b = 0; b < kBatches; ++b) {
            QJsonArray batch;
            for (int i = 0; i < kPerBatch; ++i) {
                const int seq = b * kPerBatch + i;
                batch.append(QJsonObject{
                    {QStringLiteral("deviceId"), QStringLiteral("d1")},
                    {QStringLiteral("ts"), now.addMSecs(seq - kBatches * kPerBatch).toString(Qt::ISODateWithMs)},
                    {QStringLiteral("seq"), seq},
                    {QStringLiteral("fields"), QJsonObject{{QStringLiteral("v"), seq}}}});
            }
            const HttpResponse r = http.post(server.url(QStringLiteral("/api/v1/telemetry")),
                                             QJsonDocument(batch).toJson(QJsonDocument::Compact),
                                             {{"x-api-key", *key}});
            QCOMPARE(r.status, 202);
        }
        QCOMPARE(server.terminate(SIGTERM), 0);
    }
    ServerProcess again;
    QVERIFY2(again.start(serve), qPrintable(again.errorString()));
    const HttpResponse signIn = http.post(again.url(QStringLiteral("/api/v1/auth/login")), login("alice", "pw"));
    QCOMPARE(signIn.status, 200);
    QUrl historyUrl = again.url(QStringLiteral("/api/v1/telemetry/history"));
    historyUrl.setQuery(QStringLiteral("deviceId=d1"));
    const HttpResponse history = http.get(
        historyUrl,
        {{"Authorization",
          "Bearer " + signIn.json().value(QStringLiteral("access_token")).toString().toLatin1()}});
    QCOMPARE(history.status, 200);
    const QJsonArray points = history.json().value(QStringLiteral("points")).toArray();
    QCOMPARE(points.size(), kBatches * kPerBatch);
    QCOMPARE(points.last().toObject().value(QStringLiteral("seq")).toInt(), kBatches * kPerBatch - 1);
    QCOMPARE(again.terminate(), 0);
}

void tst_AdminCommands::adminWhileServing()
{
    TempDir dir;
    ServerProcess server;
    QVERIFY2(server.start({QStringLiteral("serve"), QStringLiteral("--data-dir"), dir.path(),
                           QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")}),
             qPrintable(server.errorString()));
    // Provision through the command line while serve runs on the same dir.
    const auto user = ServerProcess::run({QStringLiteral("add-user"), QStringLiteral("--data-dir"),
                                          dir.path(), QStringLiteral("--account"), QStringLiteral("acme"),
                                          QStringLiteral("--username"), QStringLiteral("late")},
                                         "pw\n");
    QVERIFY2(user.exitCode == 0, user.err.constData());
    const QStringList device{QStringLiteral("add-device"), QStringLiteral("--data-dir"), dir.path(),
                             QStringLiteral("--account"), QStringLiteral("acme"),
                             QStringLiteral("--site"), QStringLiteral("north"),
                             QStringLiteral("--device"), QStringLiteral("d1")};
    const auto added = ServerProcess::run(device);
    QVERIFY2(added.exitCode == 0, added.err.constData());

    HttpClient http;
    QCOMPARE(http.post(server.url(QStringLiteral("/api/v1/auth/login")), login("late", "pw")).status, 200);
    const QByteArray point = QJsonDocument(QJsonObject{
        {QStringLiteral("deviceId"), QStringLiteral("d1")},
        {QStringLiteral("ts"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("fields"), QJsonObject{{QStringLiteral("cpu_temp_c"), 40}}}}).toJson();
    const QUrl ingest = server.url(QStringLiteral("/api/v1/telemetry"));
    QCOMPARE(http.post(ingest, point, {{"x-api-key", added.out.trimmed()}}).status, 202);

    // A rotation takes effect at once in the running server.
    const auto rotated = ServerProcess::run(device + QStringList{QStringLiteral("--rotate")});
    QCOMPARE(rotated.exitCode, 0);
    const HttpResponse old = http.post(ingest, point, {{"x-api-key", added.out.trimmed()}});
    QCOMPARE(old.status, 401);
    QCOMPARE(old.errorCode(), QStringLiteral("invalid_api_key"));
    QCOMPARE(http.post(ingest, point, {{"x-api-key", rotated.out.trimmed()}}).status, 202);
    QCOMPARE(server.terminate(), 0);
}

void tst_AdminCommands::demoProvisionsAndServes()
{
    TempDir dir;
    const QStringList demo{QStringLiteral("demo"), QStringLiteral("--data-dir"), dir.path(),
                           QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    QHash<QString, QString> firstKeys;
    {
        ServerProcess server;
        QVERIFY2(server.start(demo), qPrintable(server.errorString()));
        const QByteArray out = server.standardOutput();
        QVERIFY2(out.contains("demo") && out.contains("sign in"), out.constData());
        QVERIFY(out.endsWith(QByteArray("listening on " + server.url().toString().toLatin1() + '\n')));

        QFile file(AdminCommands::demoKeysPath(dir.path()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject keys = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(keys.value(QStringLiteral("server")).toString(), server.url().toString());
        QCOMPARE(keys.value(QStringLiteral("account")).toString(), QStringLiteral("demo"));
        const QJsonArray devices = keys.value(QStringLiteral("devices")).toArray();
        QCOMPARE(devices.size(), 3);
        HttpClient http;
        for (int i = 0; i < 3; ++i) {
            const QJsonObject d = devices.at(i).toObject();
            const QString id = QStringLiteral("jetson-0%1").arg(i + 1);
            QCOMPARE(d.value(QStringLiteral("deviceId")).toString(), id);
            QCOMPARE(d.value(QStringLiteral("siteId")).toString(), QStringLiteral("lab"));
            const QString key = d.value(QStringLiteral("key")).toString();
            QVERIFY(kKeyLine.match(key + QLatin1Char('\n')).hasMatch());
            firstKeys.insert(id, key);
            const QByteArray point = QJsonDocument(QJsonObject{
                {QStringLiteral("deviceId"), id},
                {QStringLiteral("ts"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                {QStringLiteral("fields"), QJsonObject{{QStringLiteral("gpu_temp_c"), 50 + i}}}}).toJson();
            QCOMPARE(http.post(server.url(QStringLiteral("/api/v1/telemetry")), point,
                               {{"x-api-key", key.toLatin1()}})
                         .status,
                     202);
        }
        // The file holds keys: owner-only.
        struct stat st;
        QCOMPARE(::stat(QFile::encodeName(file.fileName()).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 077), 0);

        const HttpResponse signIn = http.post(server.url(QStringLiteral("/api/v1/auth/login")),
                                              login("demo", "demo"));
        QCOMPARE(signIn.status, 200);
        const HttpResponse list = http.get(
            server.url(QStringLiteral("/api/v1/devices")),
            {{"Authorization",
              "Bearer " + signIn.json().value(QStringLiteral("access_token")).toString().toLatin1()}});
        QCOMPARE(list.status, 200);
        QCOMPARE(list.json().value(QStringLiteral("devices")).toArray().size(), 3);
        QCOMPARE(server.terminate(), 0);
    }
    // A second demo on the same dir keeps the user and the devices' keys.
    ServerProcess again;
    QVERIFY2(again.start(demo), qPrintable(again.errorString()));
    QFile file(AdminCommands::demoKeysPath(dir.path()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray devices =
        QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("devices")).toArray();
    QCOMPARE(devices.size(), 3);
    for (const QJsonValue &d : devices) {
        const QString id = d.toObject().value(QStringLiteral("deviceId")).toString();
        QCOMPARE(d.toObject().value(QStringLiteral("key")).toString(), firstKeys.value(id));
    }
    QCOMPARE(again.terminate(), 0);
}

void tst_AdminCommands::demoHasItsAlertRulesBuiltIn_data()
{
    // config: the --config file, or null for none. rules: the rules demo
    // says it runs. firing: the rules a GPU at 99 °C fires on jetson-01.
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("rules");
    QTest::addColumn<QStringList>("firing");
    const QString builtIn = QStringLiteral(
        "gpu-hot (gpu_temp_c > 85), soc-warm (soc_temp_c >= 70 on jetson-* for 5 s)");
    QTest::newRow("no config file: the rules of demo-config.json")
        << QByteArray() << builtIn << QStringList{QStringLiteral("gpu-hot")};
    QTest::newRow("a config file's rules replace them")
        << QByteArray(R"({"alertRules": [{"id": "from-file", "field": "gpu_temp_c",)"
                      R"( "op": ">", "value": 95}]})")
        << QStringLiteral("from-file (gpu_temp_c > 95)")
        << QStringList{QStringLiteral("from-file")};
    QTest::newRow("a config file without alertRules keeps them")
        << QByteArray(R"({"retentionHours": 48})") << builtIn
        << QStringList{QStringLiteral("gpu-hot")};
    // Nothing fires here, and nothing would tell the test when to stop
    // waiting for an alert: the printed rules are the check.
    QTest::newRow("a config file with no rules") << QByteArray(R"({"alertRules": []})")
                                                 << QStringLiteral("none") << QStringList{};
}

void tst_AdminCommands::demoHasItsAlertRulesBuiltIn()
{
    QFETCH(QByteArray, config);
    QFETCH(QString, rules);
    QFETCH(QStringList, firing);
    TempDir dir;
    QStringList demo{QStringLiteral("demo"), QStringLiteral("--data-dir"), dir.path(),
                     QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    if (!config.isNull()) {
        QFile file(dir.filePath(QStringLiteral("config.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(config);
        file.close();
        demo << QStringLiteral("--config") << file.fileName();
    }
    ServerProcess server;
    QVERIFY2(server.start(demo), qPrintable(server.errorString()));
    const QByteArray out = server.standardOutput();
    QVERIFY2(out.contains(QByteArray("\ndemo: alert rules: " + rules.toUtf8() + '\n')),
             out.constData());
    if (firing.isEmpty()) {
        QCOMPARE(server.terminate(), 0);
        return;
    }

    QFile keysFile(AdminCommands::demoKeysPath(dir.path()));
    QVERIFY(keysFile.open(QIODevice::ReadOnly));
    const QJsonObject first = QJsonDocument::fromJson(keysFile.readAll())
                                  .object()
                                  .value(QStringLiteral("devices"))
                                  .toArray()
                                  .first()
                                  .toObject();
    QCOMPARE(first.value(QStringLiteral("deviceId")).toString(), QStringLiteral("jetson-01"));
    HttpClient http;
    // Above every GPU rule of the rows, below the SoC rule.
    const QByteArray point = QJsonDocument(QJsonObject{
        {QStringLiteral("deviceId"), QStringLiteral("jetson-01")},
        {QStringLiteral("ts"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("fields"),
         QJsonObject{{QStringLiteral("gpu_temp_c"), 99}, {QStringLiteral("soc_temp_c"), 50}}}})
                                 .toJson();
    QCOMPARE(http.post(server.url(QStringLiteral("/api/v1/telemetry")), point,
                       {{"x-api-key", first.value(QStringLiteral("key")).toString().toLatin1()}})
                 .status,
             202);

    const HttpResponse signIn =
        http.post(server.url(QStringLiteral("/api/v1/auth/login")), login("demo", "demo"));
    QCOMPARE(signIn.status, 200);
    const QByteArray bearer =
        "Bearer " + signIn.json().value(QStringLiteral("access_token")).toString().toLatin1();
    const auto firingRules = [&] {
        const HttpResponse r =
            http.get(server.url(QStringLiteral("/api/v1/alerts")), {{"Authorization", bearer}});
        QStringList ids;
        for (const QJsonValue &value : r.json().value(QStringLiteral("alerts")).toArray()) {
            const QJsonObject alert = value.toObject();
            if (alert.value(QStringLiteral("state")).toString() == QLatin1String("firing"))
                ids.append(alert.value(QStringLiteral("ruleId")).toString());
        }
        ids.sort();
        return ids;
    };
    QTRY_COMPARE_WITH_TIMEOUT(firingRules(), firing, kAlertStoredMs);
    QCOMPARE(server.terminate(), 0);
}

QTEST_GUILESS_MAIN(tst_AdminCommands)
#include "tst_admincommands.moc"
