// Tests for TokenService: HS256 access tokens through libjwt, verified
// strictly (API.md "Auth"), and the signing secret in the data dir. The
// attack rows forge tokens by hand (HMAC from libsodium) so each one differs
// from a valid token in exactly one way.
#include "server/tokenservice.h"

#include "support/tempdir.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <sodium.h>
#include <sys/stat.h>

using namespace Sightline;

namespace {

const QByteArray kSecret = QByteArray(64, 'k');
const QString kIssuer = QStringLiteral("sightline");
constexpr qint64 kNow = 1795000000; // a fixed "now" for every row

QByteArray b64(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

enum class Signer { Hs256, Hs512, None, Garbage };

QByteArray sign(const QByteArray &input, Signer signer, const QByteArray &key)
{
    switch (signer) {
    case Signer::Hs256: {
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state state;
        crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char *>(key.constData()),
                                    size_t(key.size()));
        crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char *>(input.constData()),
                                      quint64(input.size()));
        crypto_auth_hmacsha256_final(&state, mac);
        return b64(QByteArray(reinterpret_cast<const char *>(mac), sizeof mac));
    }
    case Signer::Hs512: {
        unsigned char mac[crypto_auth_hmacsha512_BYTES];
        crypto_auth_hmacsha512_state state;
        crypto_auth_hmacsha512_init(&state, reinterpret_cast<const unsigned char *>(key.constData()),
                                    size_t(key.size()));
        crypto_auth_hmacsha512_update(&state, reinterpret_cast<const unsigned char *>(input.constData()),
                                      quint64(input.size()));
        crypto_auth_hmacsha512_final(&state, mac);
        return b64(QByteArray(reinterpret_cast<const char *>(mac), sizeof mac));
    }
    case Signer::None:
        return {};
    case Signer::Garbage:
        return b64(QByteArray(32, 'x'));
    }
    return {};
}

QJsonObject validClaims()
{
    return QJsonObject{
        {QStringLiteral("sub"), QStringLiteral("alice")},
        {QStringLiteral("acc"), QStringLiteral("acme")},
        {QStringLiteral("sites"), QJsonArray{QStringLiteral("north")}},
        {QStringLiteral("fam"), QStringLiteral("fam_1")},
        {QStringLiteral("iss"), kIssuer},
        {QStringLiteral("iat"), kNow - 10},
        {QStringLiteral("exp"), kNow + 890},
    };
}

QJsonObject header(const QString &alg)
{
    return QJsonObject{{QStringLiteral("alg"), alg}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
}

QByteArray forge(const QJsonObject &head, const QJsonObject &claims, Signer signer = Signer::Hs256,
                 const QByteArray &key = kSecret)
{
    const QByteArray input = b64(json(head)) + '.' + b64(json(claims));
    return input + '.' + sign(input, signer, key);
}

TokenService makeService()
{
    TokenService service(kSecret, kIssuer, 900);
    service.setClock([] { return kNow; });
    return service;
}

} // namespace

Q_DECLARE_METATYPE(TokenService::Failure)

class tst_TokenService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void issuesVerifiableTokens();
    void forgedReference();
    void rejects_data();
    void rejects();
    void tamperedPayloadFailsSignature();
    void expiresAtExp();
    void tokenOfOtherServiceRefused();
    void secretCreatedOwnerOnlyAndKept();
    void shortSecretRefused();
};

void tst_TokenService::initTestCase()
{
    QVERIFY(sodium_init() >= 0);
}

void tst_TokenService::issuesVerifiableTokens()
{
    const TokenService service = makeService();
    const QByteArray token = service.issue(QStringLiteral("alice"), QStringLiteral("acme"),
                                           {QStringLiteral("north"), QStringLiteral("south")},
                                           QStringLiteral("fam_x"));
    QVERIFY(!token.isEmpty());
    // The header really says HS256 (libjwt wrote it).
    const QJsonObject head = QJsonDocument::fromJson(QByteArray::fromBase64(
        token.split('.').first(), QByteArray::Base64UrlEncoding)).object();
    QCOMPARE(head.value(QStringLiteral("alg")).toString(), QStringLiteral("HS256"));

    const TokenService::Result result = service.verify(token);
    QVERIFY2(result.token, qPrintable(result.reason));
    QCOMPARE(result.token->claims.subject, QStringLiteral("alice"));
    QCOMPARE(result.token->claims.accountId, QStringLiteral("acme"));
    QCOMPARE(result.token->claims.sites, QStringList({QStringLiteral("north"), QStringLiteral("south")}));
    QCOMPARE(result.token->claims.issuedAt.toSecsSinceEpoch(), kNow);
    QCOMPARE(result.token->claims.expiresAt.toSecsSinceEpoch(), kNow + 900);
    QCOMPARE(result.token->familyId, QStringLiteral("fam_x"));

    const QByteArray allSites = service.issue(QStringLiteral("bob"), QStringLiteral("acme"), {},
                                              QStringLiteral("fam_y"));
    const auto all = service.verify(allSites);
    QVERIFY(all.token);
    QVERIFY(all.token->claims.sites.isEmpty());
    QVERIFY(all.token->claims.allowsSite(QStringLiteral("anything")));
}

// The forging helper itself makes tokens the service accepts, so a rejection
// in the rows below is caused by the one thing each row changes.
void tst_TokenService::forgedReference()
{
    const TokenService service = makeService();
    const auto result = service.verify(forge(header(QStringLiteral("HS256")), validClaims()));
    QVERIFY2(result.token, qPrintable(result.reason));
    QCOMPARE(result.failure, TokenService::Failure::None);
}

void tst_TokenService::rejects_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<TokenService::Failure>("failure");

    const auto invalid = TokenService::Failure::Invalid;
    const QJsonObject hs256 = header(QStringLiteral("HS256"));
    const auto without = [](const QString &claim) {
        QJsonObject c = validClaims();
        c.remove(claim);
        return c;
    };
    const auto with = [](const QString &claim, const QJsonValue &value) {
        QJsonObject c = validClaims();
        c.insert(claim, value);
        return c;
    };

    QTest::newRow("alg none, empty signature")
        << forge(header(QStringLiteral("none")), validClaims(), Signer::None) << invalid;
    QTest::newRow("alg none with a signature")
        << forge(header(QStringLiteral("none")), validClaims()) << invalid;
    QTest::newRow("alg None in other case")
        << forge(header(QStringLiteral("None")), validClaims()) << invalid;
    QTest::newRow("alg HS512 signed with the real key")
        << forge(header(QStringLiteral("HS512")), validClaims(), Signer::Hs512) << invalid;
    QTest::newRow("alg HS384 header, HS256 signature")
        << forge(header(QStringLiteral("HS384")), validClaims()) << invalid;
    QTest::newRow("alg RS256 header, HMAC with the secret (key confusion)")
        << forge(header(QStringLiteral("RS256")), validClaims()) << invalid;
    QTest::newRow("alg ES256 header")
        << forge(header(QStringLiteral("ES256")), validClaims()) << invalid;
    QTest::newRow("no alg") << forge(QJsonObject{{QStringLiteral("typ"), QStringLiteral("JWT")}},
                                     validClaims())
                            << invalid;
    QTest::newRow("typ not JWT")
        << forge(QJsonObject{{QStringLiteral("alg"), QStringLiteral("HS256")},
                             {QStringLiteral("typ"), QStringLiteral("at+jwt+evil")}},
                 validClaims())
        << invalid;
    QTest::newRow("crit header")
        << forge(QJsonObject{{QStringLiteral("alg"), QStringLiteral("HS256")},
                             {QStringLiteral("crit"), QJsonArray{QStringLiteral("exp")}}},
                 validClaims())
        << invalid;
    QTest::newRow("wrong key") << forge(hs256, validClaims(), Signer::Hs256, QByteArray(64, 'w'))
                               << invalid;
    QTest::newRow("garbage signature") << forge(hs256, validClaims(), Signer::Garbage) << invalid;
    QTest::newRow("signature stripped") << forge(hs256, validClaims(), Signer::None) << invalid;
    QTest::newRow("wrong issuer") << forge(hs256, with(QStringLiteral("iss"), QStringLiteral("evil")))
                                  << invalid;
    QTest::newRow("no issuer") << forge(hs256, without(QStringLiteral("iss"))) << invalid;
    QTest::newRow("no subject") << forge(hs256, without(QStringLiteral("sub"))) << invalid;
    QTest::newRow("no account") << forge(hs256, without(QStringLiteral("acc"))) << invalid;
    QTest::newRow("no family") << forge(hs256, without(QStringLiteral("fam"))) << invalid;
    QTest::newRow("account not a string") << forge(hs256, with(QStringLiteral("acc"), 7)) << invalid;
    QTest::newRow("sites not an array")
        << forge(hs256, with(QStringLiteral("sites"), QStringLiteral("north"))) << invalid;
    QTest::newRow("sites holding a number")
        << forge(hs256, with(QStringLiteral("sites"), QJsonArray{1})) << invalid;
    QTest::newRow("no sites") << forge(hs256, without(QStringLiteral("sites"))) << invalid;
    QTest::newRow("no exp") << forge(hs256, without(QStringLiteral("exp"))) << invalid;
    QTest::newRow("no iat") << forge(hs256, without(QStringLiteral("iat"))) << invalid;
    QTest::newRow("exp as string")
        << forge(hs256, with(QStringLiteral("exp"), QStringLiteral("9999999999"))) << invalid;
    QTest::newRow("exp before iat")
        << forge(hs256, with(QStringLiteral("exp"), kNow - 20)) << invalid;
    QTest::newRow("iat in the future")
        << forge(hs256, with(QStringLiteral("iat"), kNow + 3600)) << invalid;
    QTest::newRow("nbf in the future")
        << forge(hs256, with(QStringLiteral("nbf"), kNow + 3600)) << invalid;
    QTest::newRow("nbf not a number")
        << forge(hs256, with(QStringLiteral("nbf"), QStringLiteral("now"))) << invalid;
    QTest::newRow("expired")
        << forge(hs256, with(QStringLiteral("exp"), kNow - 1)) << TokenService::Failure::Expired;
    QTest::newRow("expiring this second")
        << forge(hs256, with(QStringLiteral("exp"), kNow)) << TokenService::Failure::Expired;
    QTest::newRow("expired and wrong key")
        << forge(hs256, with(QStringLiteral("exp"), kNow - 1), Signer::Hs256, QByteArray(64, 'w'))
        << invalid; // never reveal expiry of a forged token
    QTest::newRow("two segments") << QByteArray("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0") << invalid;
    QTest::newRow("four segments")
        << forge(hs256, validClaims()) + ".AAAA" << invalid;
    QTest::newRow("not base64url")
        << QByteArray("eyJhbGciOiJIUzI1NiJ9.eyJzd+IiOiJhIn0=.c2ln") << invalid;
    QTest::newRow("header not json") << b64("nope") + '.' + b64(json(validClaims())) + ".c2ln"
                                     << invalid;
    QTest::newRow("empty") << QByteArray() << invalid;
    QTest::newRow("too long")
        << forge(hs256, with(QStringLiteral("pad"), QString(TokenService::kMaxTokenBytes, u'a')))
        << invalid;
}

void tst_TokenService::rejects()
{
    QFETCH(QByteArray, token);
    QFETCH(TokenService::Failure, failure);
    const TokenService service = makeService();
    const TokenService::Result result = service.verify(token);
    QVERIFY2(!result.token, "the token was accepted");
    QCOMPARE(result.failure, failure);
    QVERIFY(!result.reason.isEmpty());
    QVERIFY2(!result.reason.toUtf8().contains(token.left(20)) || token.isEmpty(),
             "the reason must not echo the token");
}

void tst_TokenService::tamperedPayloadFailsSignature()
{
    const TokenService service = makeService();
    const QByteArray token = service.issue(QStringLiteral("alice"), QStringLiteral("acme"),
                                           {QStringLiteral("north")}, QStringLiteral("fam_x"));
    QList<QByteArray> parts = token.split('.');
    // Same signature, payload changed to claim every site of another account.
    QJsonObject claims = QJsonDocument::fromJson(
        QByteArray::fromBase64(parts.at(1), QByteArray::Base64UrlEncoding)).object();
    QVERIFY(!claims.isEmpty());
    claims.insert(QStringLiteral("acc"), QStringLiteral("other"));
    claims.insert(QStringLiteral("sites"), QJsonArray());
    parts[1] = b64(json(claims));
    const auto result = service.verify(parts.join('.'));
    QVERIFY(!result.token);
    QCOMPARE(result.failure, TokenService::Failure::Invalid);

    // Flipping one character of the signature fails too.
    QByteArray flipped = token;
    flipped[flipped.size() - 2] = flipped.at(flipped.size() - 2) == 'A' ? 'B' : 'A';
    QVERIFY(!service.verify(flipped).token);
}

void tst_TokenService::expiresAtExp()
{
    qint64 now = kNow;
    TokenService service(kSecret, kIssuer, 900);
    service.setClock([&now] { return now; });
    const QByteArray token = service.issue(QStringLiteral("a"), QStringLiteral("b"), {},
                                           QStringLiteral("f"));
    now = kNow + 899;
    QVERIFY(service.verify(token).token);
    now = kNow + 900;
    QCOMPARE(service.verify(token).failure, TokenService::Failure::Expired);
    // iat slightly ahead of our clock (another host) is tolerated.
    now = kNow - TokenService::kClockLeewaySeconds;
    QVERIFY(service.verify(token).token);
    now = kNow - TokenService::kClockLeewaySeconds - 1;
    QCOMPARE(service.verify(token).failure, TokenService::Failure::Invalid);
}

void tst_TokenService::tokenOfOtherServiceRefused()
{
    const TokenService service = makeService();
    TokenService other(QByteArray(64, 'o'), kIssuer, 900);
    other.setClock([] { return kNow; });
    const QByteArray foreign = other.issue(QStringLiteral("alice"), QStringLiteral("acme"), {},
                                           QStringLiteral("f"));
    QCOMPARE(service.verify(foreign).failure, TokenService::Failure::Invalid);

    TokenService otherIssuer(kSecret, QStringLiteral("someone-else"), 900);
    otherIssuer.setClock([] { return kNow; });
    const QByteArray wrongIss = otherIssuer.issue(QStringLiteral("alice"), QStringLiteral("acme"), {},
                                                  QStringLiteral("f"));
    QCOMPARE(service.verify(wrongIss).failure, TokenService::Failure::Invalid);
}

void tst_TokenService::secretCreatedOwnerOnlyAndKept()
{
    Test::TempDir dir;
    QString error;
    const auto first = TokenService::loadOrCreateSecret(dir.path(), &error);
    QVERIFY2(first, qPrintable(error));
    QCOMPARE(first->size(), 64);
    const QString path = dir.filePath(QStringLiteral("jwt-secret"));
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0600);

    const auto second = TokenService::loadOrCreateSecret(dir.path(), &error);
    QVERIFY(second);
    QCOMPARE(*second, *first);

    // A token from the first "process" verifies with the reloaded secret.
    TokenService before(*first, kIssuer, 900);
    TokenService after(*second, kIssuer, 900);
    QVERIFY(after.verify(before.issue(QStringLiteral("a"), QStringLiteral("b"), {},
                                      QStringLiteral("f")))
                .token);

    // Another data dir gets another secret.
    Test::TempDir otherDir;
    const auto other = TokenService::loadOrCreateSecret(otherDir.path(), &error);
    QVERIFY(other);
    QVERIFY(*other != *first);
}

void tst_TokenService::shortSecretRefused()
{
    Test::TempDir dir;
    QFile file(dir.filePath(QStringLiteral("jwt-secret")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("short");
    file.close();
    QString error;
    QVERIFY(!TokenService::loadOrCreateSecret(dir.path(), &error));
    QVERIFY2(error.contains(QStringLiteral("jwt-secret")), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_TokenService)
#include "tst_tokenservice.moc"
