#include "server/accountstore.h"

#include "server/logging.h"
#include "server/passwordhasher.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <sodium.h>

namespace Sightline {

namespace {

constexpr int kSchemaVersion = 1;
// Admin commands and the server share the file: wait up to 10 s for the
// other side's write transaction instead of failing with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 10000;

const char kDeviceKeyDomain[] = "sightline.device-key.v1";
const char kRefreshDomain[] = "sightline.refresh-token.v1";
const char kDeviceKeyPrefix[] = "sld_";
const char kRefreshPrefix[] = "slr_";

const char *const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS accounts ("
    " id TEXT PRIMARY KEY, created_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sites ("
    " account_id TEXT NOT NULL REFERENCES accounts(id), id TEXT NOT NULL,"
    " PRIMARY KEY (account_id, id))",
    "CREATE TABLE IF NOT EXISTS users ("
    " username TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id),"
    " password_hash TEXT NOT NULL, created_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS user_sites ("
    " username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,"
    " site_id TEXT NOT NULL, PRIMARY KEY (username, site_id))",
    "CREATE TABLE IF NOT EXISTS devices ("
    " account_id TEXT NOT NULL, device_id TEXT NOT NULL, site_id TEXT NOT NULL,"
    " key_hash BLOB NOT NULL UNIQUE, created_at INTEGER NOT NULL, key_changed_at INTEGER NOT NULL,"
    " PRIMARY KEY (account_id, device_id),"
    " FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id))",
    "CREATE TABLE IF NOT EXISTS refresh_families ("
    " id TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,"
    " created_at INTEGER NOT NULL, revoked_at INTEGER, revoked_reason TEXT)",
    "CREATE TABLE IF NOT EXISTS refresh_tokens ("
    " token_hash BLOB PRIMARY KEY,"
    " family_id TEXT NOT NULL REFERENCES refresh_families(id) ON DELETE CASCADE,"
    " issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER)",
    "CREATE INDEX IF NOT EXISTS refresh_tokens_expiry ON refresh_tokens(expires_at)",
};

QByteArray randomToken(const char *prefix)
{
    QByteArray bytes(32, Qt::Uninitialized); // 256 bits
    randombytes_buf(bytes.data(), size_t(bytes.size()));
    return QByteArray(prefix)
        + bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

bool exec(QSqlQuery &query, QString *error)
{
    if (query.exec())
        return true;
    if (error)
        *error = query.lastError().text();
    qCWarning(lcServerAuth) << "accounts database:" << query.lastError().text();
    return false;
}

// A write transaction: commits on commit(), rolls back when it goes out of
// scope uncommitted. BEGIN IMMEDIATE takes the write lock up front (waiting
// up to the busy timeout for another process's writer); a deferred BEGIN
// that reads first and writes later could instead fail at once with
// SQLITE_BUSY when an admin command writes at the same moment.
class Transaction
{
public:
    explicit Transaction(QSqlDatabase db)
        : m_db(db)
    {
        QSqlQuery begin(m_db);
        m_open = begin.exec(QStringLiteral("BEGIN IMMEDIATE"));
        if (!m_open)
            qCWarning(lcServerAuth) << "accounts database: cannot begin:" << begin.lastError().text();
    }
    ~Transaction()
    {
        if (m_open) {
            QSqlQuery rollback(m_db);
            rollback.exec(QStringLiteral("ROLLBACK"));
        }
    }
    bool isOpen() const { return m_open; }
    bool commit()
    {
        if (!m_open)
            return false;
        m_open = false;
        QSqlQuery commit(m_db);
        if (commit.exec(QStringLiteral("COMMIT")))
            return true;
        qCWarning(lcServerAuth) << "accounts database: cannot commit:" << commit.lastError().text();
        QSqlQuery rollback(m_db);
        rollback.exec(QStringLiteral("ROLLBACK"));
        return false;
    }

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace

AccountStore::AccountStore()
    : m_connectionName(QStringLiteral("sightline-accounts-")
                       + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

AccountStore::~AccountStore()
{
    m_deviceForKeyQuery.reset(); // before its connection goes
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isValid())
            db.close();
    }
    if (QSqlDatabase::contains(m_connectionName))
        QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase AccountStore::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool AccountStore::open(const QString &dataDir, QString *error)
{
    if (sodium_init() < 0) {
        *error = QStringLiteral("libsodium failed to initialise");
        return false;
    }
    QDir dir(dataDir);
    if (!dir.exists()) {
        if (!dir.mkpath(QStringLiteral("."))) {
            *error = QStringLiteral("cannot create data directory %1").arg(dataDir);
            return false;
        }
        // It holds password hashes and the signing secret: owner only. An
        // existing directory keeps the permissions its owner gave it.
        QFile::setPermissions(dir.absolutePath(),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(dir.filePath(fileName()));
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!db.open()) {
        *error = QStringLiteral("cannot open %1: %2")
                     .arg(db.databaseName(), db.lastError().text());
        return false;
    }
    QSqlQuery query(db);
    // WAL: readers never block the writer, so `serve` keeps answering while
    // an admin command writes. NORMAL sync is durable across application
    // crashes in WAL mode.
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                               "PRAGMA foreign_keys=ON"}) {
        if (!query.exec(QString::fromLatin1(pragma))) {
            *error = QStringLiteral("cannot set up %1: %2")
                         .arg(db.databaseName(), query.lastError().text());
            return false;
        }
    }
    Transaction tx(db);
    for (const char *statement : kSchema) {
        if (!query.exec(QString::fromLatin1(statement))) {
            *error = QStringLiteral("cannot create the accounts schema: %1")
                         .arg(query.lastError().text());
            return false;
        }
    }
    query.exec(QStringLiteral("PRAGMA user_version"));
    const int version = query.next() ? query.value(0).toInt() : 0;
    if (version > kSchemaVersion) {
        *error = QStringLiteral("%1 was written by a newer sightline-server (schema %2)")
                     .arg(db.databaseName())
                     .arg(version);
        return false;
    }
    query.exec(QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion));
    if (!tx.commit()) {
        *error = QStringLiteral("cannot create the accounts schema: %1").arg(db.lastError().text());
        return false;
    }
    return true;
}

bool AccountStore::isOpen() const
{
    return database().isOpen();
}

bool AccountStore::isHealthy() const
{
    if (!isOpen())
        return false;
    QSqlQuery query(database());
    return query.exec(QStringLiteral("SELECT count(*) FROM accounts")) && query.next();
}

std::optional<QString> AccountStore::validateId(const QString &what, const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    if (!re.match(id).hasMatch()) {
        return QStringLiteral("%1 \"%2\" is not valid: use 1 to 64 letters, digits, '_', '.' or '-'")
            .arg(what, id);
    }
    return std::nullopt;
}

std::optional<QString> AccountStore::validateUsername(const QString &username)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.@-]{1,64}$"));
    if (!re.match(username).hasMatch()) {
        return QStringLiteral("username \"%1\" is not valid: use 1 to 64 letters, digits, '_', "
                              "'.', '@' or '-'")
            .arg(username);
    }
    return std::nullopt;
}

bool AccountStore::ensureAccountAndSites(const QString &accountId, const QStringList &sites,
                                         QString *error)
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("INSERT OR IGNORE INTO accounts(id, created_at) VALUES(?, ?)"));
    query.addBindValue(accountId);
    query.addBindValue(QDateTime::currentSecsSinceEpoch());
    if (!exec(query, error))
        return false;
    for (const QString &site : sites) {
        query.prepare(QStringLiteral("INSERT OR IGNORE INTO sites(account_id, id) VALUES(?, ?)"));
        query.addBindValue(accountId);
        query.addBindValue(site);
        if (!exec(query, error))
            return false;
    }
    return true;
}

std::optional<QString> AccountStore::addUser(const QString &accountId, const QString &username,
                                             const QByteArray &password, const QStringList &sites)
{
    if (auto e = validateId(QStringLiteral("account"), accountId))
        return e;
    if (auto e = validateUsername(username))
        return e;
    for (const QString &site : sites) {
        if (auto e = validateId(QStringLiteral("site"), site))
            return e;
    }
    if (password.isEmpty())
        return QStringLiteral("the password is empty");
    if (hasUser(username))
        return QStringLiteral("user \"%1\" already exists").arg(username);

    // Hash before the transaction: it takes ~0.1 s and must not hold the
    // write lock the running server may be waiting for.
    const QByteArray hash = PasswordHasher::hash(password);
    if (hash.isEmpty())
        return QStringLiteral("cannot hash the password (out of memory?)");

    QString error;
    Transaction tx(database());
    if (!tx.isOpen())
        return QStringLiteral("cannot write the accounts database: %1")
            .arg(database().lastError().text());
    if (!ensureAccountAndSites(accountId, sites, &error))
        return QStringLiteral("cannot add user: %1").arg(error);
    QSqlQuery query(database());
    query.prepare(QStringLiteral("INSERT INTO users(username, account_id, password_hash, created_at)"
                                 " VALUES(?, ?, ?, ?)"));
    query.addBindValue(username);
    query.addBindValue(accountId);
    query.addBindValue(QString::fromLatin1(hash));
    query.addBindValue(QDateTime::currentSecsSinceEpoch());
    if (!query.exec()) {
        // A concurrent add-user of the same name lost the race.
        if (hasUser(username))
            return QStringLiteral("user \"%1\" already exists").arg(username);
        return QStringLiteral("cannot add user: %1").arg(query.lastError().text());
    }
    for (const QString &site : sites) {
        query.prepare(QStringLiteral("INSERT OR IGNORE INTO user_sites(username, site_id) VALUES(?, ?)"));
        query.addBindValue(username);
        query.addBindValue(site);
        if (!exec(query, &error))
            return QStringLiteral("cannot add user: %1").arg(error);
    }
    if (!tx.commit())
        return QStringLiteral("cannot add user: %1").arg(database().lastError().text());
    return std::nullopt;
}

std::optional<QByteArray> AccountStore::addDevice(const QString &accountId, const QString &siteId,
                                                  const QString &deviceId, bool rotate,
                                                  QString *error)
{
    for (const auto &[what, id] : {std::pair{QStringLiteral("account"), accountId},
                                   std::pair{QStringLiteral("site"), siteId},
                                   std::pair{QStringLiteral("device"), deviceId}}) {
        if (auto e = validateId(what, id)) {
            *error = *e;
            return std::nullopt;
        }
    }
    const QByteArray key = randomToken(kDeviceKeyPrefix);
    const QByteArray hash = secretHash(key, kDeviceKeyDomain);
    const qint64 now = QDateTime::currentSecsSinceEpoch();

    Transaction tx(database());
    if (!tx.isOpen()) {
        *error = QStringLiteral("cannot write the accounts database: %1")
                     .arg(database().lastError().text());
        return std::nullopt;
    }
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT site_id FROM devices WHERE account_id = ? AND device_id = ?"));
    query.addBindValue(accountId);
    query.addBindValue(deviceId);
    if (!exec(query, error))
        return std::nullopt;
    const bool exists = query.next();
    if (exists && !rotate) {
        *error = QStringLiteral("device \"%1\" already exists in account \"%2\" (use --rotate to "
                                "replace its key)")
                     .arg(deviceId, accountId);
        return std::nullopt;
    }
    if (!exists && rotate) {
        *error = QStringLiteral("device \"%1\" does not exist in account \"%2\"; nothing to rotate")
                     .arg(deviceId, accountId);
        return std::nullopt;
    }
    if (exists && query.value(0).toString() != siteId) {
        *error = QStringLiteral("device \"%1\" belongs to site \"%2\", not \"%3\"")
                     .arg(deviceId, query.value(0).toString(), siteId);
        return std::nullopt;
    }
    if (!ensureAccountAndSites(accountId, {siteId}, error))
        return std::nullopt;
    if (exists) {
        query.prepare(QStringLiteral("UPDATE devices SET key_hash = ?, key_changed_at = ?"
                                     " WHERE account_id = ? AND device_id = ?"));
        query.addBindValue(hash);
        query.addBindValue(now);
        query.addBindValue(accountId);
        query.addBindValue(deviceId);
    } else {
        query.prepare(QStringLiteral("INSERT INTO devices(account_id, device_id, site_id, key_hash,"
                                     " created_at, key_changed_at) VALUES(?, ?, ?, ?, ?, ?)"));
        query.addBindValue(accountId);
        query.addBindValue(deviceId);
        query.addBindValue(siteId);
        query.addBindValue(hash);
        query.addBindValue(now);
        query.addBindValue(now);
    }
    if (!exec(query, error))
        return std::nullopt;
    if (!tx.commit()) {
        *error = database().lastError().text();
        return std::nullopt;
    }
    return key;
}

bool AccountStore::hasUser(const QString &username) const
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT 1 FROM users WHERE username = ?"));
    query.addBindValue(username);
    return exec(query, nullptr) && query.next();
}

bool AccountStore::hasDevice(const QString &accountId, const QString &deviceId) const
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT 1 FROM devices WHERE account_id = ? AND device_id = ?"));
    query.addBindValue(accountId);
    query.addBindValue(deviceId);
    return exec(query, nullptr) && query.next();
}

std::optional<UserRecord> AccountStore::findUser(const QString &username) const
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT account_id, password_hash FROM users WHERE username = ?"));
    query.addBindValue(username);
    if (!exec(query, nullptr) || !query.next())
        return std::nullopt;
    UserRecord user;
    user.username = username;
    user.accountId = query.value(0).toString();
    user.passwordHash = query.value(1).toString().toLatin1();
    query.prepare(QStringLiteral("SELECT site_id FROM user_sites WHERE username = ? ORDER BY site_id"));
    query.addBindValue(username);
    if (!exec(query, nullptr))
        return std::nullopt;
    while (query.next())
        user.sites.append(query.value(0).toString());
    return user;
}

std::optional<DeviceRecord> AccountStore::deviceForKey(const QByteArray &apiKey) const
{
    // Every key we issue has the prefix and 43 base64url characters; anything
    // else cannot match, so it is not worth a query.
    if (!apiKey.startsWith(kDeviceKeyPrefix) || apiKey.size() > 128)
        return std::nullopt;
    if (!m_deviceForKeyQuery) {
        auto prepared = std::make_unique<QSqlQuery>(database());
        prepared->setForwardOnly(true);
        if (!prepared->prepare(
                QStringLiteral("SELECT account_id, site_id, device_id FROM devices WHERE key_hash = ?"))) {
            qCWarning(lcServerAuth) << "preparing the device key lookup failed:" << prepared->lastError().text();
            return std::nullopt;
        }
        m_deviceForKeyQuery = std::move(prepared);
    }
    QSqlQuery &query = *m_deviceForKeyQuery;
    query.bindValue(0, secretHash(apiKey, kDeviceKeyDomain));
    std::optional<DeviceRecord> device;
    if (exec(query, nullptr) && query.next())
        device = DeviceRecord{query.value(0).toString(), query.value(1).toString(), query.value(2).toString()};
    // Ends the read (an unfinished SELECT would keep its snapshot and hide
    // later changes, such as a rotation by another process).
    query.finish();
    return device;
}

QList<DeviceRecord> AccountStore::devices(const QString &accountId) const
{
    QList<DeviceRecord> result;
    QSqlQuery query(database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT site_id, device_id FROM devices WHERE account_id = ?"
                                 " ORDER BY device_id"));
    query.addBindValue(accountId);
    if (!exec(query, nullptr))
        return result;
    while (query.next())
        result.append(DeviceRecord{accountId, query.value(0).toString(), query.value(1).toString()});
    return result;
}

std::optional<AccountStore::NewRefreshToken>
AccountStore::startRefreshFamily(const QString &username, qint64 now, int ttlSeconds)
{
    NewRefreshToken created;
    created.familyId = QString::fromLatin1(randomToken("fam_").left(4 + 22)); // 128 bits
    created.token = randomToken(kRefreshPrefix);

    Transaction tx(database());
    QSqlQuery query(database());
    query.prepare(QStringLiteral("INSERT INTO refresh_families(id, username, created_at) VALUES(?, ?, ?)"));
    query.addBindValue(created.familyId);
    query.addBindValue(username);
    query.addBindValue(now);
    if (!exec(query, nullptr))
        return std::nullopt;
    query.prepare(QStringLiteral("INSERT INTO refresh_tokens(token_hash, family_id, issued_at, expires_at)"
                                 " VALUES(?, ?, ?, ?)"));
    query.addBindValue(secretHash(created.token, kRefreshDomain));
    query.addBindValue(created.familyId);
    query.addBindValue(now);
    query.addBindValue(now + ttlSeconds);
    if (!exec(query, nullptr) || !tx.commit())
        return std::nullopt;
    return created;
}

AccountStore::RefreshResult AccountStore::rotateRefreshToken(const QByteArray &token, qint64 now,
                                                             int ttlSeconds)
{
    RefreshResult result;
    if (!token.startsWith(kRefreshPrefix) || token.size() > 128)
        return result; // Invalid

    const QByteArray hash = secretHash(token, kRefreshDomain);
    Transaction tx(database());
    if (!tx.isOpen()) {
        result.outcome = RefreshOutcome::StoreError;
        return result;
    }
    QSqlQuery query(database());
    query.prepare(QStringLiteral(
        "SELECT t.family_id, t.expires_at, t.used_at, f.revoked_at, f.username"
        " FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id"
        " WHERE t.token_hash = ?"));
    query.addBindValue(hash);
    if (!exec(query, nullptr)) {
        result.outcome = RefreshOutcome::StoreError;
        return result;
    }
    if (!query.next())
        return result; // Invalid: never issued, or purged after expiry
    const QString familyId = query.value(0).toString();
    const qint64 expiresAt = query.value(1).toLongLong();
    const bool used = !query.value(2).isNull();
    const bool revoked = !query.value(3).isNull();
    const QString username = query.value(4).toString();

    if (revoked)
        return result; // Invalid: logged out, or revoked by an earlier reuse
    if (used) {
        // RFC 6819 5.2.2.3 / OAuth 2.0 Security BCP 4.14: a used refresh token
        // presented again means one of two parties holds a stolen copy; we
        // cannot tell which, so the whole family dies.
        query.prepare(QStringLiteral("UPDATE refresh_families SET revoked_at = ?,"
                                     " revoked_reason = 'reuse' WHERE id = ?"));
        query.addBindValue(now);
        query.addBindValue(familyId);
        if (!exec(query, nullptr) || !tx.commit()) {
            result.outcome = RefreshOutcome::StoreError;
            return result;
        }
        qCWarning(lcServerAuth, "refresh token reused for user %s: family revoked",
                  qPrintable(username));
        result.outcome = RefreshOutcome::Reused;
        return result;
    }
    if (expiresAt <= now)
        return result; // Invalid

    auto user = findUser(username);
    if (!user)
        return result; // the user was removed

    query.prepare(QStringLiteral("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?"));
    query.addBindValue(now);
    query.addBindValue(hash);
    if (!exec(query, nullptr)) {
        result.outcome = RefreshOutcome::StoreError;
        return result;
    }
    NewRefreshToken next;
    next.familyId = familyId;
    next.token = randomToken(kRefreshPrefix);
    query.prepare(QStringLiteral("INSERT INTO refresh_tokens(token_hash, family_id, issued_at, expires_at)"
                                 " VALUES(?, ?, ?, ?)"));
    query.addBindValue(secretHash(next.token, kRefreshDomain));
    query.addBindValue(familyId);
    query.addBindValue(now);
    query.addBindValue(now + ttlSeconds);
    if (!exec(query, nullptr) || !tx.commit()) {
        result.outcome = RefreshOutcome::StoreError;
        return result;
    }
    result.outcome = RefreshOutcome::Rotated;
    result.user = *user;
    result.next = next;
    return result;
}

bool AccountStore::revokeFamily(const QString &familyId, const QString &username, qint64 now)
{
    QSqlQuery query(database());
    // The username condition keeps a token from revoking someone else's
    // family even if the two ever disagreed.
    query.prepare(QStringLiteral("UPDATE refresh_families SET revoked_at = ?, revoked_reason = 'logout'"
                                 " WHERE id = ? AND username = ? AND revoked_at IS NULL"));
    query.addBindValue(now);
    query.addBindValue(familyId);
    query.addBindValue(username);
    return exec(query, nullptr);
}

void AccountStore::purgeExpired(qint64 now)
{
    Transaction tx(database());
    QSqlQuery query(database());
    query.prepare(QStringLiteral("DELETE FROM refresh_tokens WHERE expires_at <= ?"));
    query.addBindValue(now);
    if (!exec(query, nullptr))
        return;
    query.exec(QStringLiteral("DELETE FROM refresh_families WHERE NOT EXISTS"
                              " (SELECT 1 FROM refresh_tokens t WHERE t.family_id = refresh_families.id)"));
    tx.commit();
}

QByteArray AccountStore::secretHash(const QByteArray &secret, const char *domain)
{
    // A fast keyed hash (BLAKE2b-256, keyed with a per-purpose label for
    // domain separation) is the right tool here, unlike for passwords: device
    // keys and refresh tokens are 256 random bits, so there is nothing to
    // brute-force even at billions of guesses per second, and the hash must
    // be deterministic (no per-row salt) so a presented key can be found with
    // one indexed lookup. A stolen database therefore yields no usable key.
    QByteArray out(crypto_generichash_BYTES, Qt::Uninitialized);
    crypto_generichash(reinterpret_cast<unsigned char *>(out.data()), size_t(out.size()),
                       reinterpret_cast<const unsigned char *>(secret.constData()),
                       quint64(secret.size()), reinterpret_cast<const unsigned char *>(domain),
                       qstrlen(domain));
    return out;
}

} // namespace Sightline
