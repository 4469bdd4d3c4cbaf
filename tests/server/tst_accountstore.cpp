// Tests for AccountStore on a real SQLite file: users, devices and their
// keys, account isolation, refresh-token families, two connections at once.
#include "server/accountstore.h"

#include "server/passwordhasher.h"
#include "support/tempdir.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Sightline;

class tst_AccountStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void addsUsersWithSites();
    void refusesBadUsers_data();
    void refusesBadUsers();
    void addsDevicesAndFindsThemByKey();
    void deviceIdsUniqueWithinAccount();
    void rotateReplacesTheKey();
    void rotateErrors();
    void rotationByAnotherConnectionIsSeenAtOnce();
    void refusesBadIds_data();
    void refusesBadIds();
    void accountsAreIsolated();
    void keysAndPasswordsStoredOnlyAsHashes();
    void refreshRotation();
    void refreshReuseRevokesFamily();
    void refreshExpiryAndPurge();
    void logoutRevokesOnlyOwnFamily();
    void secondConnectionSeesWrites();

private:
    std::unique_ptr<Test::TempDir> m_dir;
    std::unique_ptr<AccountStore> m_store;
};

void tst_AccountStore::init()
{
    m_dir = std::make_unique<Test::TempDir>();
    m_store = std::make_unique<AccountStore>();
    QString error;
    QVERIFY2(m_store->open(m_dir->path(), &error), qPrintable(error));
}

void tst_AccountStore::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void tst_AccountStore::addsUsersWithSites()
{
    QVERIFY(!m_store->addUser(QStringLiteral("acme"), QStringLiteral("alice"), "pw-a",
                              {QStringLiteral("north"), QStringLiteral("east")}));
    QVERIFY(!m_store->addUser(QStringLiteral("acme"), QStringLiteral("boss@acme"), "pw-b", {}));
    const auto alice = m_store->findUser(QStringLiteral("alice"));
    QVERIFY(alice);
    QCOMPARE(alice->accountId, QStringLiteral("acme"));
    QCOMPARE(alice->sites, QStringList({QStringLiteral("east"), QStringLiteral("north")}));
    QVERIFY(PasswordHasher::verify(alice->passwordHash, "pw-a"));
    const auto boss = m_store->findUser(QStringLiteral("boss@acme"));
    QVERIFY(boss);
    QVERIFY(boss->sites.isEmpty()); // all sites
    QVERIFY(!m_store->findUser(QStringLiteral("nobody")));
    QVERIFY(!m_store->findUser(QStringLiteral("Alice"))); // usernames are exact
}

void tst_AccountStore::refusesBadUsers_data()
{
    QTest::addColumn<QString>("account");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QStringList>("sites");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("existing user") << "other" << "taken" << QByteArray("pw") << QStringList()
                                   << "already exists";
    QTest::newRow("empty password") << "acme" << "new" << QByteArray() << QStringList() << "empty";
    QTest::newRow("username with space") << "acme" << "a b" << QByteArray("pw") << QStringList()
                                         << "username";
    QTest::newRow("empty username") << "acme" << "" << QByteArray("pw") << QStringList() << "username";
    QTest::newRow("account with colon") << "ac:me" << "new" << QByteArray("pw") << QStringList()
                                        << "account";
    QTest::newRow("site with slash") << "acme" << "new" << QByteArray("pw")
                                     << QStringList{QStringLiteral("a/b")} << "site";
    QTest::newRow("id too long") << QString(65, u'a') << "new" << QByteArray("pw") << QStringList()
                                 << "account";
}

void tst_AccountStore::refusesBadUsers()
{
    QFETCH(QString, account);
    QFETCH(QString, username);
    QFETCH(QByteArray, password);
    QFETCH(QStringList, sites);
    QFETCH(QString, mentions);
    QVERIFY(!m_store->addUser(QStringLiteral("acme"), QStringLiteral("taken"), "pw", {}));
    const auto error = m_store->addUser(account, username, password, sites);
    QVERIFY2(error, "the user was added");
    QVERIFY2(error->contains(mentions), qPrintable(*error));
    // The existing user is unchanged.
    QVERIFY(PasswordHasher::verify(m_store->findUser(QStringLiteral("taken"))->passwordHash, "pw"));
}

void tst_AccountStore::addsDevicesAndFindsThemByKey()
{
    QString error;
    const auto key = m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                        QStringLiteral("jetson-01"), false, &error);
    QVERIFY2(key, qPrintable(error));
    QVERIFY(key->size() >= 43); // 256 bits in base64url plus a prefix
    const auto device = m_store->deviceForKey(*key);
    QVERIFY(device);
    QCOMPARE(device->accountId, QStringLiteral("acme"));
    QCOMPARE(device->siteId, QStringLiteral("north"));
    QCOMPARE(device->deviceId, QStringLiteral("jetson-01"));
    QCOMPARE(device->topic(), QStringLiteral("account:acme/site:north/device:jetson-01"));

    QByteArray wrong = *key;
    wrong[wrong.size() - 1] = wrong.at(wrong.size() - 1) == 'A' ? 'B' : 'A';
    QVERIFY(!m_store->deviceForKey(wrong));
    QVERIFY(!m_store->deviceForKey(QByteArray()));
    QVERIFY(!m_store->deviceForKey("not-a-key"));
    QVERIFY(!m_store->deviceForKey(QByteArray(100000, 'a')));

    const auto second = m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                           QStringLiteral("jetson-02"), false, &error);
    QVERIFY(second);
    QVERIFY(*second != *key);
}

void tst_AccountStore::deviceIdsUniqueWithinAccount()
{
    QString error;
    QVERIFY(m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("d1"),
                               false, &error));
    QVERIFY(!m_store->addDevice(QStringLiteral("acme"), QStringLiteral("south"), QStringLiteral("d1"),
                                false, &error));
    QVERIFY2(error.contains(QStringLiteral("already exists")), qPrintable(error));
    // The same id in another account is a different device.
    QVERIFY2(m_store->addDevice(QStringLiteral("globex"), QStringLiteral("north"),
                                QStringLiteral("d1"), false, &error),
             qPrintable(error));
}

void tst_AccountStore::rotateReplacesTheKey()
{
    QString error;
    const auto oldKey = m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                           QStringLiteral("d1"), false, &error);
    QVERIFY(oldKey);
    const auto newKey = m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                           QStringLiteral("d1"), true, &error);
    QVERIFY2(newKey, qPrintable(error));
    QVERIFY(*newKey != *oldKey);
    QVERIFY(!m_store->deviceForKey(*oldKey));
    QCOMPARE(m_store->deviceForKey(*newKey)->deviceId, QStringLiteral("d1"));
    QCOMPARE(m_store->devices(QStringLiteral("acme")).size(), 1);
}

void tst_AccountStore::rotationByAnotherConnectionIsSeenAtOnce()
{
    // `sightline-server add-device --rotate` runs in another process on the
    // same data dir: here a second store with its own SQLite connection.
    QString error;
    const auto oldKey = m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                           QStringLiteral("d1"), false, &error);
    QVERIFY2(oldKey, qPrintable(error));
    QCOMPARE(m_store->deviceForKey(*oldKey)->deviceId, QStringLiteral("d1")); // statement now prepared
    QCOMPARE(m_store->deviceForKey(*oldKey)->deviceId, QStringLiteral("d1"));
    AccountStore admin;
    QVERIFY2(admin.open(m_dir->path(), &error), qPrintable(error));
    const auto newKey = admin.addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                        QStringLiteral("d1"), true, &error);
    QVERIFY2(newKey, qPrintable(error));
    QVERIFY(!m_store->deviceForKey(*oldKey));
    QCOMPARE(m_store->deviceForKey(*newKey)->deviceId, QStringLiteral("d1"));
}

void tst_AccountStore::rotateErrors()
{
    QString error;
    QVERIFY(!m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                QStringLiteral("ghost"), true, &error));
    QVERIFY2(error.contains(QStringLiteral("does not exist")), qPrintable(error));
    QVERIFY(m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("d1"),
                               false, &error));
    QVERIFY(!m_store->addDevice(QStringLiteral("acme"), QStringLiteral("south"), QStringLiteral("d1"),
                                true, &error));
    QVERIFY2(error.contains(QStringLiteral("north")), qPrintable(error));
}

void tst_AccountStore::refusesBadIds_data()
{
    QTest::addColumn<QString>("account");
    QTest::addColumn<QString>("site");
    QTest::addColumn<QString>("device");
    QTest::newRow("empty device") << "acme" << "north" << "";
    QTest::newRow("device with slash") << "acme" << "north" << "a/b";
    QTest::newRow("device with colon") << "acme" << "north" << "device:x";
    QTest::newRow("site with space") << "acme" << "no rth" << "d";
    QTest::newRow("empty account") << "" << "north" << "d";
    QTest::newRow("non-ascii device") << "acme" << "north" << "gerät";
}

void tst_AccountStore::refusesBadIds()
{
    QFETCH(QString, account);
    QFETCH(QString, site);
    QFETCH(QString, device);
    QString error;
    QVERIFY(!m_store->addDevice(account, site, device, false, &error));
    QVERIFY2(error.contains(QStringLiteral("not valid")), qPrintable(error));
}

void tst_AccountStore::accountsAreIsolated()
{
    QString error;
    QVERIFY(m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"), QStringLiteral("a1"),
                               false, &error));
    QVERIFY(m_store->addDevice(QStringLiteral("acme"), QStringLiteral("south"), QStringLiteral("a2"),
                               false, &error));
    QVERIFY(m_store->addDevice(QStringLiteral("globex"), QStringLiteral("north"), QStringLiteral("g1"),
                               false, &error));
    const auto acme = m_store->devices(QStringLiteral("acme"));
    QCOMPARE(acme.size(), 2);
    for (const DeviceRecord &d : acme)
        QCOMPARE(d.accountId, QStringLiteral("acme"));
    const auto globex = m_store->devices(QStringLiteral("globex"));
    QCOMPARE(globex.size(), 1);
    QCOMPARE(globex.first().deviceId, QStringLiteral("g1"));
    QVERIFY(m_store->devices(QStringLiteral("nobody")).isEmpty());
}

void tst_AccountStore::keysAndPasswordsStoredOnlyAsHashes()
{
    QString error;
    const auto key = m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                        QStringLiteral("d1"), false, &error);
    QVERIFY(key);
    QVERIFY(!m_store->addUser(QStringLiteral("acme"), QStringLiteral("alice"), "plain-password", {}));
    const auto refresh = m_store->startRefreshFamily(QStringLiteral("alice"), 1000, 3600);
    QVERIFY(refresh);
    m_store.reset(); // close, so the whole file is on disk

    QFile file(m_dir->filePath(AccountStore::fileName()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray bytes = file.readAll();
    QFile wal(file.fileName() + QStringLiteral("-wal"));
    if (wal.open(QIODevice::ReadOnly))
        bytes += wal.readAll();
    QVERIFY(bytes.contains("alice")); // the file is the right one
    QVERIFY(!bytes.contains(*key));
    QVERIFY(!bytes.contains(key->mid(4, 20)));
    QVERIFY(!bytes.contains("plain-password"));
    QVERIFY(!bytes.contains(refresh->token));
}

void tst_AccountStore::refreshRotation()
{
    QVERIFY(!m_store->addUser(QStringLiteral("acme"), QStringLiteral("alice"), "pw",
                              {QStringLiteral("north")}));
    const auto first = m_store->startRefreshFamily(QStringLiteral("alice"), 1000, 3600);
    QVERIFY(first);
    const auto r1 = m_store->rotateRefreshToken(first->token, 1010, 3600);
    QCOMPARE(r1.outcome, AccountStore::RefreshOutcome::Rotated);
    QCOMPARE(r1.user.username, QStringLiteral("alice"));
    QCOMPARE(r1.user.sites, QStringList{QStringLiteral("north")});
    QCOMPARE(r1.next.familyId, first->familyId);
    QVERIFY(r1.next.token != first->token);
    const auto r2 = m_store->rotateRefreshToken(r1.next.token, 1020, 3600);
    QCOMPARE(r2.outcome, AccountStore::RefreshOutcome::Rotated);

    QCOMPARE(m_store->rotateRefreshToken("slr_unknown", 1020, 3600).outcome,
             AccountStore::RefreshOutcome::Invalid);
    QCOMPARE(m_store->rotateRefreshToken("", 1020, 3600).outcome,
             AccountStore::RefreshOutcome::Invalid);
}

void tst_AccountStore::refreshReuseRevokesFamily()
{
    QVERIFY(!m_store->addUser(QStringLiteral("acme"), QStringLiteral("alice"), "pw", {}));
    const auto first = m_store->startRefreshFamily(QStringLiteral("alice"), 1000, 3600);
    const auto other = m_store->startRefreshFamily(QStringLiteral("alice"), 1000, 3600);
    QVERIFY(first && other);
    const auto r1 = m_store->rotateRefreshToken(first->token, 1010, 3600);
    QCOMPARE(r1.outcome, AccountStore::RefreshOutcome::Rotated);
    // The thief (or the victim) presents the used token again.
    QCOMPARE(m_store->rotateRefreshToken(first->token, 1020, 3600).outcome,
             AccountStore::RefreshOutcome::Reused);
    // The newest token of that family is dead too.
    QCOMPARE(m_store->rotateRefreshToken(r1.next.token, 1030, 3600).outcome,
             AccountStore::RefreshOutcome::Invalid);
    // Another session (family) of the same user is untouched.
    QCOMPARE(m_store->rotateRefreshToken(other->token, 1030, 3600).outcome,
             AccountStore::RefreshOutcome::Rotated);
}

void tst_AccountStore::refreshExpiryAndPurge()
{
    QVERIFY(!m_store->addUser(QStringLiteral("acme"), QStringLiteral("alice"), "pw", {}));
    const auto first = m_store->startRefreshFamily(QStringLiteral("alice"), 1000, 100);
    QVERIFY(first);
    QCOMPARE(m_store->rotateRefreshToken(first->token, 1100, 100).outcome,
             AccountStore::RefreshOutcome::Invalid);
    const auto second = m_store->startRefreshFamily(QStringLiteral("alice"), 1000, 100);
    m_store->purgeExpired(1200);
    QCOMPARE(m_store->rotateRefreshToken(second->token, 1050, 100).outcome,
             AccountStore::RefreshOutcome::Invalid); // purged
}

void tst_AccountStore::logoutRevokesOnlyOwnFamily()
{
    QVERIFY(!m_store->addUser(QStringLiteral("acme"), QStringLiteral("alice"), "pw", {}));
    QVERIFY(!m_store->addUser(QStringLiteral("acme"), QStringLiteral("bob"), "pw", {}));
    const auto alice = m_store->startRefreshFamily(QStringLiteral("alice"), 1000, 3600);
    const auto bob = m_store->startRefreshFamily(QStringLiteral("bob"), 1000, 3600);
    // bob naming alice's family revokes nothing.
    QVERIFY(m_store->revokeFamily(alice->familyId, QStringLiteral("bob"), 1001));
    QCOMPARE(m_store->rotateRefreshToken(alice->token, 1002, 3600).outcome,
             AccountStore::RefreshOutcome::Rotated);
    QVERIFY(m_store->revokeFamily(bob->familyId, QStringLiteral("bob"), 1003));
    QCOMPARE(m_store->rotateRefreshToken(bob->token, 1004, 3600).outcome,
             AccountStore::RefreshOutcome::Invalid);
}

void tst_AccountStore::secondConnectionSeesWrites()
{
    // What happens when `add-device` runs next to `serve`: two connections
    // on one file, each sees the other's committed writes at once.
    AccountStore other;
    QString error;
    QVERIFY2(other.open(m_dir->path(), &error), qPrintable(error));
    const auto key = other.addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                     QStringLiteral("d1"), false, &error);
    QVERIFY(key);
    QVERIFY(m_store->deviceForKey(*key));
    const auto rotated = m_store->addDevice(QStringLiteral("acme"), QStringLiteral("north"),
                                            QStringLiteral("d1"), true, &error);
    QVERIFY(rotated);
    QVERIFY(!other.deviceForKey(*key));
    QVERIFY(other.deviceForKey(*rotated));
    QVERIFY(other.isHealthy());

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
    db.setDatabaseName(m_dir->filePath(AccountStore::fileName()));
    QVERIFY(db.open());
    {
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
}

QTEST_GUILESS_MAIN(tst_AccountStore)
#include "tst_accountstore.moc"
