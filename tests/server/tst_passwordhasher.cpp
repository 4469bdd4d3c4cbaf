// Tests for PasswordHasher: Argon2id through libsodium.
#include "server/passwordhasher.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Sightline;

class tst_PasswordHasher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verifiesTheRightPassword_data();
    void verifiesTheRightPassword();
    void hashIsArgon2idAndSalted();
    void rejectsWrongPasswords_data();
    void rejectsWrongPasswords();
    void malformedHashIsFalse_data();
    void malformedHashIsFalse();
    void dummyAlwaysFails();
};

void tst_PasswordHasher::verifiesTheRightPassword_data()
{
    QTest::addColumn<QByteArray>("password");
    QTest::newRow("plain ascii") << QByteArray("correct horse battery staple");
    QTest::newRow("single character") << QByteArray("x");
    QTest::newRow("utf-8") << QStringLiteral("pässwört ✓ 密码").toUtf8();
    QTest::newRow("embedded NUL") << QByteArray("a\0b", 3);
    QTest::newRow("long") << QByteArray(4096, 'p');
}

void tst_PasswordHasher::verifiesTheRightPassword()
{
    QFETCH(QByteArray, password);
    const QByteArray hash = PasswordHasher::hash(password);
    QVERIFY(!hash.isEmpty());
    QVERIFY(PasswordHasher::verify(hash, password));
}

void tst_PasswordHasher::hashIsArgon2idAndSalted()
{
    const QByteArray a = PasswordHasher::hash("same");
    const QByteArray b = PasswordHasher::hash("same");
    QVERIFY2(a.startsWith("$argon2id$"), a.constData());
    QVERIFY(!a.contains("same"));
    QVERIFY2(a != b, "two hashes of one password must differ (random salt)");
    QVERIFY(PasswordHasher::verify(a, "same"));
    QVERIFY(PasswordHasher::verify(b, "same"));
}

void tst_PasswordHasher::rejectsWrongPasswords_data()
{
    QTest::addColumn<QByteArray>("wrong");
    QTest::newRow("other word") << QByteArray("hunter3");
    QTest::newRow("different case") << QByteArray("HUNTER2");
    QTest::newRow("trailing newline") << QByteArray("hunter2\n");
    QTest::newRow("prefix") << QByteArray("hunter");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("cut at NUL") << QByteArray("hunter2\0x", 9);
}

void tst_PasswordHasher::rejectsWrongPasswords()
{
    QFETCH(QByteArray, wrong);
    static const QByteArray hash = PasswordHasher::hash("hunter2");
    QVERIFY(!PasswordHasher::verify(hash, wrong));
}

void tst_PasswordHasher::malformedHashIsFalse_data()
{
    QTest::addColumn<QByteArray>("stored");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("plain text") << QByteArray("hunter2");
    QTest::newRow("truncated") << PasswordHasher::hash("hunter2").left(30);
    QTest::newRow("too long") << QByteArray(1000, '$');
}

void tst_PasswordHasher::malformedHashIsFalse()
{
    QFETCH(QByteArray, stored);
    QVERIFY(!PasswordHasher::verify(stored, "hunter2"));
}

void tst_PasswordHasher::dummyAlwaysFails()
{
    QVERIFY(!PasswordHasher::verifyAgainstDummy("sightline-dummy-password"));
    QVERIFY(!PasswordHasher::verifyAgainstDummy(QByteArray()));
}

QTEST_GUILESS_MAIN(tst_PasswordHasher)
#include "tst_passwordhasher.moc"
