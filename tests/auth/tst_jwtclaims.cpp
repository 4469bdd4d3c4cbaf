#include "auth/jwtclaims.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using Sightline::JwtClaims;

namespace {

QByteArray part(const QByteArray &json)
{
    return json.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray token(
    const QByteArray &payload, const QByteArray &header = R"({"alg":"HS256","typ":"JWT"})")
{
    return part(header) + '.' + part(payload) + ".c2lnbmF0dXJl";
}

} // namespace

class tst_JwtClaims : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
};

void tst_JwtClaims::parse_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<qint64>("lifetime");
    QTest::addColumn<QString>("errorPart");

    const QByteArray full
        = R"({"sub":"demo","acc":"demo","sites":["lab"],"iat":1795000000,"exp":1795000900,"iss":"sightline"})";
    QTest::newRow("server token") << token(full) << true << "demo" << qint64(900) << "";
    QTest::newRow("no iat") << token(R"({"sub":"a","exp":1795000900})") << true << "a" << qint64(-1)
                            << "";
    QTest::newRow("fractional exp") << token(R"({"sub":"a","iat":1795000840,"exp":1795000900.5})")
                                    << true << "a" << qint64(60) << "";
    QTest::newRow("padded base64url") << QByteArray(
        full.toBase64(QByteArray::Base64UrlEncoding).prepend(part(R"({"alg":"HS256"})") + '.')
        + ".sig") << true << "demo" << qint64(900)
                                      << "";
    QTest::newRow("two parts") << QByteArray("abc.def") << false << "" << qint64(0) << "three";
    QTest::newRow("four parts") << QByteArray("a.b.c.d") << false << "" << qint64(0) << "three";
    QTest::newRow("empty") << QByteArray() << false << "" << qint64(0) << "three";
    QTest::newRow("payload not base64") << QByteArray(part(R"({"alg":"HS256"})") + ".%%%.sig")
                                        << false << "" << qint64(0) << "payload";
    QTest::newRow("payload not JSON")
        << QByteArray(part(R"({"alg":"HS256"})") + '.' + part("hello") + ".sig") << false << ""
        << qint64(0) << "payload";
    QTest::newRow("payload a JSON array")
        << token("[1,2]") << false << "" << qint64(0) << "payload";
    QTest::newRow("header without alg")
        << token(full, R"({"typ":"JWT"})") << false << "" << qint64(0) << "alg";
    QTest::newRow("no exp") << token(R"({"sub":"a","iat":1795000000})") << false << "" << qint64(0)
                            << "exp";
    QTest::newRow("exp as a string")
        << token(R"({"sub":"a","exp":"1795000900"})") << false << "" << qint64(0) << "exp";
    QTest::newRow("negative exp") << token(R"({"sub":"a","exp":-5})") << false << "" << qint64(0)
                                  << "exp";
    QTest::newRow("iat not a number")
        << token(R"({"sub":"a","iat":"x","exp":1795000900})") << false << "" << qint64(0) << "iat";
    QTest::newRow("sites not an array") << token(R"({"sub":"a","exp":1795000900,"sites":"lab"})")
                                        << false << "" << qint64(0) << "sites";
}

void tst_JwtClaims::parse()
{
    QFETCH(QByteArray, token);
    QFETCH(bool, valid);
    QFETCH(QString, subject);
    QFETCH(qint64, lifetime);
    QFETCH(QString, errorPart);

    QString error = QStringLiteral("untouched");
    const std::optional<JwtClaims> claims = JwtClaims::parse(token, &error);
    QCOMPARE(claims.has_value(), valid);
    if (!valid) {
        QVERIFY2(error.contains(errorPart), qPrintable(error));
        return;
    }
    QVERIFY(error.isEmpty());
    QCOMPARE(claims->subject, subject);
    QCOMPARE(claims->lifetimeSeconds(), lifetime);
    QVERIFY(claims->expiresAt.isValid());
    QCOMPARE(claims->expiresAt.toSecsSinceEpoch() / 100, qint64(17950009));
    QVERIFY(claims->isExpiredAt(claims->expiresAt));
    QVERIFY(!claims->isExpiredAt(claims->expiresAt.addSecs(-1)));
    if (qstrcmp(QTest::currentDataTag(), "server token") == 0) {
        QCOMPARE(claims->accountId, QStringLiteral("demo"));
        QCOMPARE(claims->sites, QStringList { QStringLiteral("lab") });
        QCOMPARE(claims->issuer, QStringLiteral("sightline"));
        QCOMPARE(claims->issuedAt, QDateTime::fromSecsSinceEpoch(1795000000, Qt::UTC));
    }
}

QTEST_GUILESS_MAIN(tst_JwtClaims)
#include "tst_jwtclaims.moc"
