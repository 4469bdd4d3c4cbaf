#include "server/tokenservice.h"

#include "server/logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <jwt.h>
#include <sodium.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace Sightline {

namespace {

constexpr int kSecretBytes = 64; // HMAC-SHA256 block size: the most a key can usefully hold
const char kSecretFile[] = "jwt-secret";

struct JwtDeleter
{
    void operator()(jwt_t *jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter
{
    void operator()(char *p) const { std::free(p); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

bool isBase64UrlSegment(QByteArrayView segment)
{
    if (segment.isEmpty())
        return false;
    for (const char c : segment) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

// A whole-number NumericDate (RFC 7519 section 2).
std::optional<qint64> numericDate(const QJsonObject &claims, const QString &name)
{
    const QJsonValue v = claims.value(name);
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d < 0 || d > 253402300799.0) // year 9999
        return std::nullopt;
    return qint64(std::floor(d));
}

TokenService::Result invalid(const QString &reason)
{
    TokenService::Result r;
    r.failure = TokenService::Failure::Invalid;
    r.reason = reason;
    return r;
}

} // namespace

std::optional<QByteArray> TokenService::loadOrCreateSecret(const QString &dataDir, QString *error)
{
    const QString path = QDir(dataDir).filePath(QString::fromLatin1(kSecretFile));
    const QByteArray nativePath = QFile::encodeName(path);

    for (int attempt = 0; attempt < 2; ++attempt) {
        QFile existing(path);
        if (existing.open(QIODevice::ReadOnly)) {
            const QByteArray secret = existing.readAll();
            if (secret.size() < 32) {
                *error = QStringLiteral("%1 is shorter than 32 bytes; delete it to generate a new "
                                        "one (signed-in users will have to sign in again)")
                             .arg(path);
                return std::nullopt;
            }
            struct stat st;
            if (::stat(nativePath.constData(), &st) == 0 && (st.st_mode & 077) != 0) {
                qCWarning(lcServerAuth, "%s is readable by other users; setting it to 0600",
                          qPrintable(path));
                ::chmod(nativePath.constData(), 0600);
            }
            return secret;
        }
        if (existing.exists()) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, existing.errorString());
            return std::nullopt;
        }

        // Write a temporary file created 0600 from the start (never
        // world-readable, not even briefly), then link() it into place:
        // link fails if another process won the race, and then we read theirs.
        if (sodium_init() < 0) {
            *error = QStringLiteral("libsodium failed to initialise");
            return std::nullopt;
        }
        QByteArray secret(kSecretBytes, Qt::Uninitialized);
        randombytes_buf(secret.data(), size_t(secret.size()));
        const QByteArray tmp = nativePath + ".tmp." + QByteArray::number(::getpid());
        const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            *error = QStringLiteral("cannot create %1: %2")
                         .arg(QFile::decodeName(tmp), QString::fromLocal8Bit(std::strerror(errno)));
            return std::nullopt;
        }
        const bool written = ::write(fd, secret.constData(), size_t(secret.size())) == secret.size()
            && ::fsync(fd) == 0;
        ::close(fd);
        if (!written) {
            ::unlink(tmp.constData());
            *error = QStringLiteral("cannot write %1").arg(QFile::decodeName(tmp));
            return std::nullopt;
        }
        const int linked = ::link(tmp.constData(), nativePath.constData());
        const int linkErrno = errno;
        ::unlink(tmp.constData());
        if (linked == 0)
            return secret;
        if (linkErrno != EEXIST) {
            *error = QStringLiteral("cannot create %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(linkErrno)));
            return std::nullopt;
        }
        // Someone else created it meanwhile: loop and read theirs.
    }
    *error = QStringLiteral("cannot create or read %1").arg(path);
    return std::nullopt;
}

TokenService::TokenService(const QByteArray &secret, const QString &issuer, int accessTtlSeconds)
    : m_secret(secret)
    , m_issuer(issuer)
    , m_ttl(accessTtlSeconds)
{
}

qint64 TokenService::now() const
{
    return m_clock ? m_clock() : QDateTime::currentSecsSinceEpoch();
}

QByteArray TokenService::issue(const QString &subject, const QString &accountId,
                               const QStringList &sites, const QString &familyId) const
{
    const qint64 issuedAt = now();
    const QJsonObject claims{
        {QStringLiteral("sub"), subject},
        {QStringLiteral("acc"), accountId},
        {QStringLiteral("sites"), QJsonArray::fromStringList(sites)},
        {QStringLiteral("fam"), familyId},
        {QStringLiteral("iss"), m_issuer},
        {QStringLiteral("iat"), issuedAt},
        {QStringLiteral("nbf"), issuedAt},
        {QStringLiteral("exp"), issuedAt + m_ttl},
    };
    jwt_t *raw = nullptr;
    if (jwt_new(&raw) != 0)
        return {};
    JwtPtr jwt(raw);
    const QByteArray json = QJsonDocument(claims).toJson(QJsonDocument::Compact);
    if (jwt_add_grants_json(jwt.get(), json.constData()) != 0)
        return {};
    if (jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                    reinterpret_cast<const unsigned char *>(m_secret.constData()),
                    int(m_secret.size()))
        != 0) {
        return {};
    }
    CString encoded(jwt_encode_str(jwt.get()));
    return encoded ? QByteArray(encoded.get()) : QByteArray();
}

TokenService::Result TokenService::verify(const QByteArray &token) const
{
    if (token.size() > kMaxTokenBytes)
        return invalid(QStringLiteral("The access token is too long"));
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || !isBase64UrlSegment(parts.at(0)) || !isBase64UrlSegment(parts.at(1))
        || !isBase64UrlSegment(parts.at(2))) {
        return invalid(QStringLiteral("The access token is not a signed JWT"));
    }

    // Hand-written on purpose: libjwt 1.10 picks the algorithm from the
    // token's own header (and historically accepted "none"); it has no
    // "expect this algorithm" option (jwt_valid_* came in 1.12). So the
    // header is checked here first, and after jwt_decode the algorithm libjwt
    // saw is checked again, so a header parsed differently by the two JSON
    // parsers (duplicate "alg" keys) cannot slip through either.
    const QByteArray headerJson = QByteArray::fromBase64(
        parts.at(0), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QJsonDocument header = QJsonDocument::fromJson(headerJson);
    if (!header.isObject())
        return invalid(QStringLiteral("The access token header is not JSON"));
    const QJsonObject headerObject = header.object();
    if (headerObject.value(QStringLiteral("alg")).toString() != QLatin1String("HS256"))
        return invalid(QStringLiteral("Only HS256 tokens are accepted"));
    if (headerObject.contains(QStringLiteral("typ"))
        && headerObject.value(QStringLiteral("typ")).toString() != QLatin1String("JWT")) {
        return invalid(QStringLiteral("The access token type is not JWT"));
    }
    if (headerObject.contains(QStringLiteral("crit")))
        return invalid(QStringLiteral("The access token has critical extensions"));

    jwt_t *raw = nullptr;
    const int rc = jwt_decode(&raw, token.constData(),
                              reinterpret_cast<const unsigned char *>(m_secret.constData()),
                              int(m_secret.size()));
    JwtPtr jwt(raw);
    if (rc != 0 || !jwt)
        return invalid(QStringLiteral("The access token signature is not valid"));
    if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256)
        return invalid(QStringLiteral("Only HS256 tokens are accepted"));

    CString grants(jwt_get_grants_json(jwt.get(), nullptr));
    const QJsonDocument claimsDoc = grants ? QJsonDocument::fromJson(QByteArray(grants.get()))
                                           : QJsonDocument();
    if (!claimsDoc.isObject())
        return invalid(QStringLiteral("The access token claims are not a JSON object"));
    const QJsonObject claims = claimsDoc.object();

    if (claims.value(QStringLiteral("iss")).toString() != m_issuer || m_issuer.isEmpty())
        return invalid(QStringLiteral("The access token was issued by someone else"));
    const QString subject = claims.value(QStringLiteral("sub")).toString();
    const QString account = claims.value(QStringLiteral("acc")).toString();
    const QString family = claims.value(QStringLiteral("fam")).toString();
    if (subject.isEmpty() || account.isEmpty() || family.isEmpty())
        return invalid(QStringLiteral("The access token lacks sub, acc or fam"));
    const QJsonValue sitesValue = claims.value(QStringLiteral("sites"));
    if (!sitesValue.isArray())
        return invalid(QStringLiteral("The access token sites claim is not an array"));
    QStringList sites;
    for (const QJsonValue &site : sitesValue.toArray()) {
        if (!site.isString() || site.toString().isEmpty())
            return invalid(QStringLiteral("The access token sites claim holds a non-string"));
        sites.append(site.toString());
    }

    const auto issuedAt = numericDate(claims, QStringLiteral("iat"));
    const auto expiresAt = numericDate(claims, QStringLiteral("exp"));
    if (!issuedAt || !expiresAt || *expiresAt <= *issuedAt)
        return invalid(QStringLiteral("The access token has no valid iat and exp"));
    const qint64 current = now();
    if (*issuedAt > current + kClockLeewaySeconds)
        return invalid(QStringLiteral("The access token was issued in the future"));
    if (claims.contains(QStringLiteral("nbf"))) {
        const auto notBefore = numericDate(claims, QStringLiteral("nbf"));
        if (!notBefore)
            return invalid(QStringLiteral("The access token nbf claim is not a date"));
        if (*notBefore > current + kClockLeewaySeconds)
            return invalid(QStringLiteral("The access token is not valid yet"));
    }
    if (*expiresAt <= current) {
        TokenService::Result r;
        r.failure = Failure::Expired;
        r.reason = QStringLiteral("The access token expired");
        return r;
    }

    Verified verified;
    verified.claims.subject = subject;
    verified.claims.accountId = account;
    verified.claims.sites = sites;
    verified.claims.issuedAt = QDateTime::fromSecsSinceEpoch(*issuedAt, Qt::UTC);
    verified.claims.expiresAt = QDateTime::fromSecsSinceEpoch(*expiresAt, Qt::UTC);
    verified.familyId = family;
    Result r;
    r.token = verified;
    return r;
}

} // namespace Sightline
