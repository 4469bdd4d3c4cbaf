#include "auth/tokenstore.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using Sightline::TokenStore;

namespace {

constexpr int kTimeoutMs = 30000; // the keyring daemon may start slowly on a loaded machine

// Waits for one asynchronous TokenStore call.
QString loadNow(TokenStore &store, const QString &key)
{
    bool done = false;
    QString result;
    store.load(key, [&](const QString &secret) {
        result = secret;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, kTimeoutMs))
        return QStringLiteral("<timed out>");
    return result;
}

bool storeNow(TokenStore &store, const QString &key, const QString &secret)
{
    bool done = false;
    store.store(key, secret, [&] { done = true; });
    return QTest::qWaitFor([&] { return done; }, kTimeoutMs);
}

bool removeNow(TokenStore &store, const QString &key)
{
    bool done = false;
    store.remove(key, [&] { done = true; });
    return QTest::qWaitFor([&] { return done; }, kTimeoutMs);
}

} // namespace

class tst_TokenStore : public QObject
{
    Q_OBJECT

private slots:
    void keyNamesServerAndUser_data();
    void keyNamesServerAndUser();
    void roundTrip_data();
    void roundTrip();
    void keychainRoundTripSurvivesANewStore();
    void missingKeychainFallsBackToMemory();
};

void tst_TokenStore::keyNamesServerAndUser_data()
{
    QTest::addColumn<QUrl>("server");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("key");

    QTest::newRow("plain") << QUrl(QStringLiteral("http://127.0.0.1:8080"))
                           << QStringLiteral("demo")
                           << QStringLiteral("http://127.0.0.1:8080 demo");
    QTest::newRow("trailing slash ignored")
        << QUrl(QStringLiteral("https://sightline.example/")) << QStringLiteral("ops")
        << QStringLiteral("https://sightline.example ops");
}

void tst_TokenStore::keyNamesServerAndUser()
{
    QFETCH(QUrl, server);
    QFETCH(QString, username);
    QFETCH(QString, key);
    QCOMPARE(TokenStore::keyFor(server, username), key);
}

void tst_TokenStore::roundTrip_data()
{
    QTest::addColumn<bool>("useKeychain");
    QTest::newRow("real Secret Service") << true;
    QTest::newRow("memory only") << false;
}

void tst_TokenStore::roundTrip()
{
    QFETCH(bool, useKeychain);
    if (useKeychain) {
        // Registered with CTest through tests/auth/with-keyring.sh; run by
        // hand, wrap it the same way. Not a skip: a keychain test that does
        // not talk to a keychain must not pass.
        QVERIFY2(qEnvironmentVariableIsSet("SIGHTLINE_TEST_KEYRING"),
            "run under tests/auth/with-keyring.sh (a private gnome-keyring)");
    }
    TokenStore store(useKeychain ? TokenStore::Backend::Keychain : TokenStore::Backend::MemoryOnly);
    QSignalSpy unavailable(&store, &TokenStore::keychainUnavailable);
    const QString key = TokenStore::keyFor(QUrl(QStringLiteral("http://127.0.0.1:1")),
        QUuid::createUuid().toString(QUuid::WithoutBraces));
    const QString secret
        = QStringLiteral("refresh-") + QUuid::createUuid().toString(QUuid::WithoutBraces);

    QCOMPARE(loadNow(store, key), QString());
    QVERIFY(storeNow(store, key, secret));
    QCOMPARE(loadNow(store, key), secret);
    QVERIFY(storeNow(store, key, secret + QStringLiteral("-rotated")));
    QCOMPARE(loadNow(store, key), secret + QStringLiteral("-rotated"));
    QVERIFY(removeNow(store, key));
    QCOMPARE(loadNow(store, key), QString());
    QVERIFY(removeNow(store, key)); // removing a missing entry is fine

    QCOMPARE(store.isPersistent(), useKeychain);
    QCOMPARE(unavailable.size(), 0);
}

void tst_TokenStore::keychainRoundTripSurvivesANewStore()
{
    QVERIFY2(qEnvironmentVariableIsSet("SIGHTLINE_TEST_KEYRING"),
        "run under tests/auth/with-keyring.sh (a private gnome-keyring)");
    const QString key
        = TokenStore::keyFor(QUrl(QStringLiteral("http://127.0.0.1:2")), QStringLiteral("alice"));
    {
        TokenStore writer;
        QVERIFY(storeNow(writer, key, QStringLiteral("kept-in-the-keyring")));
        QVERIFY(writer.isPersistent());
    }
    // Another store object (as after a restart of the app) finds it in the
    // keyring, not in memory.
    TokenStore reader;
    QCOMPARE(loadNow(reader, key), QStringLiteral("kept-in-the-keyring"));
    QVERIFY(removeNow(reader, key));
    TokenStore again;
    QCOMPARE(loadNow(again, key), QString());
}

void tst_TokenStore::missingKeychainFallsBackToMemory()
{
    if (!qEnvironmentVariableIsSet("SIGHTLINE_TOKENSTORE_CHILD")) {
        // The D-Bus connection is per process: run this function again in a
        // child whose session bus does not exist (no Secret Service, no
        // KWallet), and check that it passed.
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SIGHTLINE_TOKENSTORE_CHILD"), QStringLiteral("1"));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
            QStringLiteral("unix:path=/nonexistent/sightline-no-bus"));
        env.remove(QStringLiteral("DISPLAY"));
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(),
            { QStringLiteral("missingKeychainFallsBackToMemory") });
        QVERIFY(child.waitForFinished(kTimeoutMs));
        const QByteArray output = child.readAllStandardOutput();
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
            output.constData());
        QVERIFY(output.contains("PASS   : tst_TokenStore::missingKeychainFallsBackToMemory()"));
        return;
    }

    TokenStore store;
    QSignalSpy unavailable(&store, &TokenStore::keychainUnavailable);
    const QString key
        = TokenStore::keyFor(QUrl(QStringLiteral("http://127.0.0.1:3")), QStringLiteral("bob"));
    QVERIFY(storeNow(store, key, QStringLiteral("memory-secret")));
    QCOMPARE(unavailable.size(), 1);
    QVERIFY(!store.isPersistent());
    QVERIFY(store.unavailableReason().contains(QLatin1String("memory only")));
    QCOMPARE(loadNow(store, key), QStringLiteral("memory-secret"));
    QVERIFY(removeNow(store, key));
    QCOMPARE(loadNow(store, key), QString());
    QCOMPARE(unavailable.size(), 1); // said once
}

QTEST_GUILESS_MAIN(tst_TokenStore)
#include "tst_tokenstore.moc"
