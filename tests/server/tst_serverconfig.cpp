// Tests for the config file and --listen parsing (API.md "Configuration
// file"): every key, every error case, and that an error leaves the config
// untouched.
#include "server/serverconfig.h"

#include "support/tempdir.h"

#include <QFile>
#include <QTest>

using namespace Sightline;

class tst_ServerConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsMatchTheContract();
    void appliesEveryKey();
    void acceptsEmptyObject();
    void rejects_data();
    void rejects();
    void errorLeavesConfigUnchanged();
    void parsesAlertRules();
    void readsFile();
    void reportsMissingFile();
    void listenAddress_data();
    void listenAddress();
    void formatsHostPort();
};

void tst_ServerConfig::defaultsMatchTheContract()
{
    const ServerConfig config;
    QCOMPARE(config.listenAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(config.listenPort, quint16(8080));
    QCOMPARE(config.accessTokenTtlSeconds, 900);
    QCOMPARE(config.refreshTokenTtlSeconds, 2592000);
    QCOMPARE(config.issuer, QStringLiteral("sightline"));
    QCOMPARE(config.maxSkewSeconds, 300);
    QCOMPARE(config.maxBodyBytes, 1048576);
    QCOMPARE(config.retentionHours, 24);
    QCOMPARE(config.heartbeatSeconds, 15);
    QCOMPARE(config.offlineAfterSeconds, 15);
    QCOMPARE(config.slowClientMaxBytes, 4194304);
    QCOMPARE(config.maxStreamClients, 20000);
    QCOMPARE(config.loginMaxFailuresPerUser, 5);
    QCOMPARE(config.loginMaxFailuresPerAddress, 20);
    QCOMPARE(config.loginWindowSeconds, 900);
    QCOMPARE(config.ingestMaxPointsPerSecond, 100000);
    QVERIFY(config.alertRules.isEmpty());
    QVERIFY(config.influxUrl.isEmpty()); // SQLite alone unless configured (issue 8)
    QVERIFY(config.redisUrl.isEmpty());
}

void tst_ServerConfig::appliesEveryKey()
{
    const QByteArray json = R"({
        "listen": "0.0.0.0:9090",
        "accessTokenTtlSeconds": 60,
        "refreshTokenTtlSeconds": 3600,
        "issuer": "acme-sightline",
        "maxSkewSeconds": 30,
        "maxBodyBytes": 2048,
        "retentionHours": 48,
        "heartbeatSeconds": 5,
        "offlineAfterSeconds": 20,
        "slowClientMaxBytes": 65536,
        "maxStreamClients": 10,
        "loginMaxFailuresPerUser": 3,
        "loginMaxFailuresPerAddress": 7,
        "loginWindowSeconds": 120,
        "ingestMaxPointsPerSecond": 0,
        "influxUrl": "http://influx.lan:8086?db=fleet",
        "redisUrl": "redis://:pw@redis.lan:6380/2",
        "alertRules": []
    })";
    ServerConfig config;
    const auto error = applyConfigJson(json, &config);
    QVERIFY2(!error, qPrintable(error.value_or(QString())));
    QCOMPARE(config.listenAddress, QHostAddress(QHostAddress::AnyIPv4));
    QCOMPARE(config.listenPort, quint16(9090));
    QCOMPARE(config.accessTokenTtlSeconds, 60);
    QCOMPARE(config.refreshTokenTtlSeconds, 3600);
    QCOMPARE(config.issuer, QStringLiteral("acme-sightline"));
    QCOMPARE(config.maxSkewSeconds, 30);
    QCOMPARE(config.maxBodyBytes, 2048);
    QCOMPARE(config.retentionHours, 48);
    QCOMPARE(config.heartbeatSeconds, 5);
    QCOMPARE(config.offlineAfterSeconds, 20);
    QCOMPARE(config.slowClientMaxBytes, 65536);
    QCOMPARE(config.maxStreamClients, 10);
    QCOMPARE(config.loginMaxFailuresPerUser, 3);
    QCOMPARE(config.loginMaxFailuresPerAddress, 7);
    QCOMPARE(config.loginWindowSeconds, 120);
    QCOMPARE(config.ingestMaxPointsPerSecond, 0);
    QCOMPARE(config.influxUrl, QStringLiteral("http://influx.lan:8086?db=fleet"));
    QCOMPARE(config.redisUrl, QStringLiteral("redis://:pw@redis.lan:6380/2"));
}

void tst_ServerConfig::acceptsEmptyObject()
{
    ServerConfig config;
    config.issuer = QStringLiteral("kept");
    QVERIFY(!applyConfigJson("{}", &config));
    QCOMPARE(config.issuer, QStringLiteral("kept"));
}

void tst_ServerConfig::rejects_data()
{
    QTest::addColumn<QByteArray>("json");
    // A fragment the error message must contain (the offending key).
    QTest::addColumn<QString>("mentions");

    QTest::newRow("not json") << QByteArray("{\"listen\": ") << QStringLiteral("not valid JSON");
    QTest::newRow("array at top") << QByteArray("[]") << QStringLiteral("JSON object");
    QTest::newRow("unknown key") << QByteArray(R"({"retentionHour": 24})")
                                 << QStringLiteral("retentionHour: unknown key");
    QTest::newRow("key in wrong case") << QByteArray(R"({"Issuer": "x"})")
                                       << QStringLiteral("Issuer: unknown key");
    QTest::newRow("listen not a string") << QByteArray(R"({"listen": 8080})")
                                         << QStringLiteral("listen: must be a string");
    QTest::newRow("listen without port") << QByteArray(R"({"listen": "127.0.0.1"})")
                                         << QStringLiteral("listen:");
    QTest::newRow("listen port too big") << QByteArray(R"({"listen": "127.0.0.1:70000"})")
                                         << QStringLiteral("listen:");
    QTest::newRow("listen host name") << QByteArray(R"({"listen": "example.org:80"})")
                                      << QStringLiteral("listen:");
    QTest::newRow("ttl as string") << QByteArray(R"({"accessTokenTtlSeconds": "900"})")
                                   << QStringLiteral("accessTokenTtlSeconds: must be a number");
    QTest::newRow("ttl fractional") << QByteArray(R"({"accessTokenTtlSeconds": 1.5})")
                                    << QStringLiteral("accessTokenTtlSeconds: must be a whole number");
    QTest::newRow("ttl zero") << QByteArray(R"({"accessTokenTtlSeconds": 0})")
                              << QStringLiteral("accessTokenTtlSeconds: must be between");
    QTest::newRow("ttl negative") << QByteArray(R"({"refreshTokenTtlSeconds": -1})")
                                  << QStringLiteral("refreshTokenTtlSeconds: must be between");
    QTest::newRow("huge number") << QByteArray(R"({"maxStreamClients": 1e300})")
                                 << QStringLiteral("maxStreamClients: must be between");
    QTest::newRow("null value") << QByteArray(R"({"retentionHours": null})")
                                << QStringLiteral("retentionHours: must be a number");
    QTest::newRow("boolean value") << QByteArray(R"({"heartbeatSeconds": true})")
                                   << QStringLiteral("heartbeatSeconds: must be a number");
    QTest::newRow("issuer empty") << QByteArray(R"({"issuer": ""})")
                                  << QStringLiteral("issuer: must not be empty");
    QTest::newRow("issuer number") << QByteArray(R"({"issuer": 5})")
                                   << QStringLiteral("issuer: must be a string");
    QTest::newRow("body limit zero") << QByteArray(R"({"maxBodyBytes": 0})")
                                     << QStringLiteral("maxBodyBytes: must be between");
    QTest::newRow("login limit zero") << QByteArray(R"({"loginMaxFailuresPerUser": 0})")
                                      << QStringLiteral("loginMaxFailuresPerUser: must be between");
    QTest::newRow("address limit zero") << QByteArray(R"({"loginMaxFailuresPerAddress": 0})")
                                        << QStringLiteral("loginMaxFailuresPerAddress");
    QTest::newRow("window zero") << QByteArray(R"({"loginWindowSeconds": 0})")
                                 << QStringLiteral("loginWindowSeconds");
    QTest::newRow("ingest rate negative") << QByteArray(R"({"ingestMaxPointsPerSecond": -1})")
                                          << QStringLiteral("ingestMaxPointsPerSecond: must be between");
    QTest::newRow("skew negative") << QByteArray(R"({"maxSkewSeconds": -5})")
                                   << QStringLiteral("maxSkewSeconds");
    QTest::newRow("slow client zero") << QByteArray(R"({"slowClientMaxBytes": 0})")
                                      << QStringLiteral("slowClientMaxBytes");
    QTest::newRow("offline zero") << QByteArray(R"({"offlineAfterSeconds": 0})")
                                  << QStringLiteral("offlineAfterSeconds");
    QTest::newRow("influx url not http") << QByteArray(R"({"influxUrl": "udp://influx:8089"})")
                                         << QStringLiteral("influxUrl: \"udp://influx:8089\" is not an http(s)");
    QTest::newRow("influx url not a string") << QByteArray(R"({"influxUrl": 8086})") << QStringLiteral("influxUrl: must be a string");
    QTest::newRow("redis url without scheme") << QByteArray(R"({"redisUrl": "localhost:6379"})")
                                              << QStringLiteral("redisUrl: \"localhost:6379\" is not a redis://");
    QTest::newRow("redis url bad database") << QByteArray(R"({"redisUrl": "redis://h:1/x"})")
                                            << QStringLiteral("the path must be a database number");
    QTest::newRow("rules not array") << QByteArray(R"({"alertRules": {}})")
                                     << QStringLiteral("alertRules: must be an array");
    QTest::newRow("rule not object") << QByteArray(R"({"alertRules": [5]})")
                                     << QStringLiteral("alertRules[0]: must be an object");
    QTest::newRow("rule unknown key")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">","value":1,"treshold":2}]})")
        << QStringLiteral("alertRules[0].treshold: unknown key");
    QTest::newRow("rule without id") << QByteArray(R"({"alertRules": [{"field":"f","op":">","value":1}]})")
                                     << QStringLiteral("alertRules[0].id: is required");
    QTest::newRow("rule without field") << QByteArray(R"({"alertRules": [{"id":"a","op":">","value":1}]})")
                                        << QStringLiteral("alertRules[0].field: is required");
    QTest::newRow("rule without op") << QByteArray(R"({"alertRules": [{"id":"a","field":"f","value":1}]})")
                                     << QStringLiteral("alertRules[0].op: is required");
    QTest::newRow("rule without value") << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">"}]})")
                                        << QStringLiteral("alertRules[0].value: is required");
    QTest::newRow("rule empty id") << QByteArray(R"({"alertRules": [{"id":"","field":"f","op":">","value":1}]})")
                                   << QStringLiteral("alertRules[0].id: must not be empty");
    QTest::newRow("rule bad op")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":"==","value":1}]})")
        << QStringLiteral("alertRules[0].op: must be one of");
    QTest::newRow("rule op not string")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":1,"value":1}]})")
        << QStringLiteral("alertRules[0].op: must be a string");
    QTest::newRow("rule value string")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">","value":"85"}]})")
        << QStringLiteral("alertRules[0].value: must be a finite number");
    QTest::newRow("rule bad severity")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">","value":1,"severity":"fatal"}]})")
        << QStringLiteral("alertRules[0].severity: must be one of info, warning, critical");
    QTest::newRow("rule bad field name")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"gpu temp","op":">","value":1}]})")
        << QStringLiteral("alertRules[0].field: must match");
    QTest::newRow("rule device with slash")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">","value":1,"device":"a/b"}]})")
        << QStringLiteral("alertRules[0].device:");
    QTest::newRow("rule device empty")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">","value":1,"device":""}]})")
        << QStringLiteral("alertRules[0].device: must not be empty");
    QTest::newRow("rule negative hold")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">","value":1,"holdSeconds":-1}]})")
        << QStringLiteral("alertRules[0].holdSeconds: must be between");
    QTest::newRow("rule message number")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">","value":1,"message":3}]})")
        << QStringLiteral("alertRules[0].message: must be a string");
    QTest::newRow("duplicate rule ids")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">","value":1},
                                         {"id":"a","field":"g","op":"<","value":2}]})")
        << QStringLiteral("alertRules[1].id: duplicate rule id \"a\"");
    QTest::newRow("second rule broken")
        << QByteArray(R"({"alertRules": [{"id":"a","field":"f","op":">","value":1},
                                         {"id":"b","field":"g","op":"~","value":2}]})")
        << QStringLiteral("alertRules[1].op");
}

void tst_ServerConfig::rejects()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, mentions);
    ServerConfig config;
    const auto error = applyConfigJson(json, &config);
    QVERIFY2(error, "the config was accepted");
    QVERIFY2(error->contains(mentions), qPrintable(*error));
}

void tst_ServerConfig::errorLeavesConfigUnchanged()
{
    ServerConfig config;
    // The valid keys before the bad one must not have been applied either.
    QVERIFY(applyConfigJson(R"({"accessTokenTtlSeconds": 60, "issuer": "x", "zzz": 1})", &config));
    QCOMPARE(config.accessTokenTtlSeconds, 900);
    QCOMPARE(config.issuer, QStringLiteral("sightline"));
}

void tst_ServerConfig::parsesAlertRules()
{
    const QByteArray json = R"({"alertRules": [
        {"id": "gpu-hot", "field": "gpu_temp_c", "op": ">", "value": 85,
         "severity": "critical", "device": "*", "holdSeconds": 0,
         "message": "GPU temperature above 85 °C"},
        {"id": "low-power", "field": "power_mw", "op": "<=", "value": 1000.5,
         "device": "jetson-*", "holdSeconds": 30},
        {"id": "cool", "field": "cpu_temp_c", "op": "<", "value": -10, "severity": "info"},
        {"id": "busy", "field": "gpu_util_pct", "op": ">=", "value": 99, "severity": "warning",
         "device": "jetson-01"}
    ]})";
    ServerConfig config;
    const auto error = applyConfigJson(json, &config);
    QVERIFY2(!error, qPrintable(error.value_or(QString())));
    QCOMPARE(config.alertRules.size(), 4);
    const AlertRule &hot = config.alertRules.at(0);
    QCOMPARE(hot.id, QStringLiteral("gpu-hot"));
    QCOMPARE(hot.field, QStringLiteral("gpu_temp_c"));
    QCOMPARE(hot.op, AlertRule::Op::Greater);
    QCOMPARE(hot.value, 85.0);
    QCOMPARE(hot.severity, AlertRule::Severity::Critical);
    QCOMPARE(hot.devicePattern, QStringLiteral("*"));
    QCOMPARE(hot.message, QStringLiteral("GPU temperature above 85 °C"));
    const AlertRule &low = config.alertRules.at(1);
    QCOMPARE(low.op, AlertRule::Op::LessOrEqual);
    QCOMPARE(low.value, 1000.5);
    QCOMPARE(low.severity, AlertRule::Severity::Warning); // the default
    QCOMPARE(low.devicePattern, QStringLiteral("jetson-*"));
    QCOMPARE(low.holdSeconds, 30);
    QCOMPARE(config.alertRules.at(2).op, AlertRule::Op::Less);
    QCOMPARE(config.alertRules.at(2).value, -10.0);
    QCOMPARE(config.alertRules.at(2).severity, AlertRule::Severity::Info);
    QCOMPARE(config.alertRules.at(3).op, AlertRule::Op::GreaterOrEqual);
    QCOMPARE(config.alertRules.at(3).devicePattern, QStringLiteral("jetson-01"));
}

void tst_ServerConfig::readsFile()
{
    Test::TempDir dir;
    QFile file(dir.filePath(QStringLiteral("sightline.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"issuer": "from-file", "listen": "[::1]:0"})");
    file.close();
    ServerConfig config;
    const auto error = applyConfigFile(file.fileName(), &config);
    QVERIFY2(!error, qPrintable(error.value_or(QString())));
    QCOMPARE(config.issuer, QStringLiteral("from-file"));
    QCOMPARE(config.listenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(config.listenPort, quint16(0));

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(R"({"isuer": "typo"})");
    file.close();
    const auto typo = applyConfigFile(file.fileName(), &config);
    QVERIFY(typo);
    QVERIFY2(typo->contains(file.fileName()) && typo->contains(QStringLiteral("isuer")),
             qPrintable(*typo));
}

void tst_ServerConfig::reportsMissingFile()
{
    Test::TempDir dir;
    ServerConfig config;
    const QString path = dir.filePath(QStringLiteral("missing.json"));
    const auto error = applyConfigFile(path, &config);
    QVERIFY(error);
    QVERIFY2(error->contains(path), qPrintable(*error));
}

void tst_ServerConfig::listenAddress_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QHostAddress>("address");
    QTest::addColumn<int>("port");

    QTest::newRow("loopback") << "127.0.0.1:8080" << true << QHostAddress(QHostAddress::LocalHost) << 8080;
    QTest::newRow("any port") << "127.0.0.1:0" << true << QHostAddress(QHostAddress::LocalHost) << 0;
    QTest::newRow("all interfaces") << "0.0.0.0:80" << true << QHostAddress(QHostAddress::AnyIPv4) << 80;
    QTest::newRow("localhost") << "localhost:9000" << true << QHostAddress(QHostAddress::LocalHost) << 9000;
    QTest::newRow("ipv6 in brackets") << "[::1]:8080" << true
                                      << QHostAddress(QHostAddress::LocalHostIPv6) << 8080;
    QTest::newRow("highest port") << "127.0.0.1:65535" << true << QHostAddress(QHostAddress::LocalHost) << 65535;
    QTest::newRow("no port") << "127.0.0.1" << false << QHostAddress() << 0;
    QTest::newRow("empty port") << "127.0.0.1:" << false << QHostAddress() << 0;
    QTest::newRow("port too big") << "127.0.0.1:65536" << false << QHostAddress() << 0;
    QTest::newRow("negative port") << "127.0.0.1:-1" << false << QHostAddress() << 0;
    QTest::newRow("port with sign") << "127.0.0.1:+80" << false << QHostAddress() << 0;
    QTest::newRow("no host") << ":8080" << false << QHostAddress() << 0;
    QTest::newRow("host name") << "example.org:8080" << false << QHostAddress() << 0;
    QTest::newRow("ipv6 without brackets") << "::1:8080" << false << QHostAddress() << 0;
    QTest::newRow("empty") << "" << false << QHostAddress() << 0;
}

void tst_ServerConfig::listenAddress()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QHostAddress, address);
    QFETCH(int, port);
    QHostAddress parsedAddress(QStringLiteral("10.1.2.3"));
    quint16 parsedPort = 1234;
    const auto error = parseListenAddress(text, &parsedAddress, &parsedPort);
    QCOMPARE(!error, valid);
    if (valid) {
        QCOMPARE(parsedAddress, address);
        QCOMPARE(int(parsedPort), port);
    } else {
        QVERIFY2(error->contains(text) || text.isEmpty(), qPrintable(*error));
        QCOMPARE(parsedAddress, QHostAddress(QStringLiteral("10.1.2.3"))); // untouched
        QCOMPARE(parsedPort, quint16(1234));
    }
}

void tst_ServerConfig::formatsHostPort()
{
    QCOMPARE(formatHostPort(QHostAddress(QHostAddress::LocalHost), 8080),
             QStringLiteral("127.0.0.1:8080"));
    QCOMPARE(formatHostPort(QHostAddress(QHostAddress::LocalHostIPv6), 0), QStringLiteral("[::1]:0"));
}

QTEST_GUILESS_MAIN(tst_ServerConfig)
#include "tst_serverconfig.moc"
