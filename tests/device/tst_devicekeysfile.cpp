// Tests of DeviceKeysFile (issue 7, API.md "Administration"): the demo keys
// file is read whole, and every mistake is reported in words that name the
// file and the entry but never a key.
#include "device/devicekeysfile.h"

#include "support/tempdir.h"

#include <QFile>
#include <QtTest>

using Sightline::DeviceKeysFile;

class tst_DeviceKeysFile : public QObject
{
    Q_OBJECT

private slots:
    void readsTheDemoFile();
    void serverIsOptional();
    void reportsMistakes_data();
    void reportsMistakes();
    void reportsAMissingFile();
};

void tst_DeviceKeysFile::readsTheDemoFile()
{
    Sightline::Test::TempDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("demo-keys.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"server": "http://127.0.0.1:8080", "account": "demo", "devices": [
        {"deviceId": "jetson-01", "siteId": "lab", "key": "k1-secret"},
        {"deviceId": "jetson-02", "siteId": "lab", "key": "k2-secret"},
        {"deviceId": "jetson-03", "siteId": "lab", "key": " k3-secret\n"}]})");
    file.close();

    DeviceKeysFile keys;
    QString error;
    QVERIFY2(DeviceKeysFile::load(path, &keys, &error), qPrintable(error));
    QCOMPARE(keys.server, QUrl(QStringLiteral("http://127.0.0.1:8080")));
    QCOMPARE(keys.account, QStringLiteral("demo"));
    QCOMPARE(keys.devices.size(), 3);
    QCOMPARE(keys.devices.at(0).deviceId, QStringLiteral("jetson-01"));
    QCOMPARE(keys.devices.at(0).siteId, QStringLiteral("lab"));
    QCOMPARE(keys.devices.at(0).key, QByteArray("k1-secret"));
    QCOMPARE(keys.devices.at(2).key, QByteArray("k3-secret")); // trimmed
}

void tst_DeviceKeysFile::serverIsOptional()
{
    DeviceKeysFile keys;
    QString error;
    QVERIFY2(DeviceKeysFile::parse(R"({"devices": [{"deviceId": "d1", "key": "k"}]})", QStringLiteral("keys.json"), &keys, &error),
             qPrintable(error));
    QVERIFY(keys.server.isEmpty());
    QCOMPARE(keys.devices.size(), 1);
}

void tst_DeviceKeysFile::reportsMistakes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("not JSON") << QByteArray("{devices: [}")
                              << "keys.json is not valid JSON (unterminated object at byte 2)";
    QTest::newRow("an array at the top") << QByteArray("[]")
                                         << "keys.json must hold a JSON object with a \"devices\" array";
    QTest::newRow("no devices") << QByteArray(R"({"server": "http://h:1"})")
                                << "keys.json: \"devices\" must be an array of {deviceId, siteId, key}";
    QTest::newRow("empty devices") << QByteArray(R"({"devices": []})")
                                   << "keys.json: \"devices\" is empty; there is no device to simulate";
    QTest::newRow("entry not an object") << QByteArray(R"({"devices": ["jetson-01"]})")
                                         << "keys.json: devices[0] must be an object {deviceId, siteId, key}";
    QTest::newRow("missing deviceId") << QByteArray(R"({"devices": [{"key": "secret-1"}]})")
                                      << "keys.json: devices[0] has no \"deviceId\" string";
    QTest::newRow("missing key") << QByteArray(R"({"devices": [{"deviceId": "d1", "key": "k"}, {"deviceId": "d2"}]})")
                                 << "keys.json: devices[1] (d2) has no \"key\" string";
    QTest::newRow("empty key") << QByteArray(R"({"devices": [{"deviceId": "d1", "key": "  "}]})")
                               << "keys.json: devices[0] (d1) has no \"key\" string";
    QTest::newRow("key not a string") << QByteArray(R"({"devices": [{"deviceId": "d1", "key": 42}]})")
                                      << "keys.json: devices[0] (d1) has no \"key\" string";
    QTest::newRow("duplicate device") << QByteArray(R"({"devices": [{"deviceId": "d1", "key": "secret-1"}, {"deviceId": "d1", "key": "secret-2"}]})")
                                      << "keys.json: devices[1]: device d1 is listed twice";
    QTest::newRow("bad device id") << QByteArray(R"({"devices": [{"deviceId": "a b", "key": "secret-1"}]})")
                                   << "keys.json: devices[0]: deviceId \"a b\" has characters a device id cannot have";
    QTest::newRow("server not a URL") << QByteArray(R"({"server": "localhost:8080", "devices": [{"deviceId": "d1", "key": "secret-1"}]})")
                                      << "keys.json: \"server\" must be an http:// or https:// URL";
}

void tst_DeviceKeysFile::reportsMistakes()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expectedError);
    DeviceKeysFile keys;
    keys.account = QStringLiteral("untouched");
    QString error;
    QVERIFY(!DeviceKeysFile::parse(json, QStringLiteral("keys.json"), &keys, &error));
    QCOMPARE(error, expectedError);
    QVERIFY(!error.contains(QLatin1String("secret")));
    QCOMPARE(keys.account, QStringLiteral("untouched")); // nothing half-read
}

void tst_DeviceKeysFile::reportsAMissingFile()
{
    Sightline::Test::TempDir dir;
    const QString path = dir.filePath(QStringLiteral("nope.json"));
    DeviceKeysFile keys;
    QString error;
    QVERIFY(!DeviceKeysFile::load(path, &keys, &error));
    QVERIFY2(error.startsWith(QStringLiteral("cannot read the keys file %1: ").arg(path)), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_DeviceKeysFile)
#include "tst_devicekeysfile.moc"
