#pragma once

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

#include "server/identity.h"

class QSqlQuery;

namespace Sightline {

// A user as stored: one account, optionally limited to some sites (empty =
// all sites of the account), and an Argon2id hash (never the password).
struct UserRecord
{
    QString username;
    QString accountId;
    QStringList sites;
    QByteArray passwordHash;
};

// The accounts database: DIR/accounts.sqlite (SQLite through QtSql, WAL
// mode, busy timeout), holding accounts, sites, users, devices with their
// hashed API keys, and refresh-token families.
//
// The admin subcommands open the same file while `serve` runs, so every
// write is one short transaction and readers wait (busy timeout) instead of
// failing. One AccountStore = one QSqlDatabase connection: use it only on the
// thread that opened it. Secrets (API keys, refresh tokens) are returned once
// when created and stored only as hashes.
class AccountStore
{
public:
    AccountStore();
    ~AccountStore();
    AccountStore(const AccountStore &) = delete;
    AccountStore &operator=(const AccountStore &) = delete;

    static QString fileName() { return QStringLiteral("accounts.sqlite"); }

    // Creates DIR (0700) and the schema if needed.
    bool open(const QString &dataDir, QString *error);
    bool isOpen() const;
    // A trivial query: false when the database cannot be read (for /health).
    bool isHealthy() const;

    // Ids of accounts, sites and devices go into topics
    // ("account:a/site:s/device:d"), so they are limited to [A-Za-z0-9_.-]{1,64};
    // usernames may also hold '@'. Each returns a sentence naming the problem.
    static std::optional<QString> validateId(const QString &what, const QString &id);
    static std::optional<QString> validateUsername(const QString &username);

    // Creates the account and sites on first mention. Refuses an existing
    // username (usernames are unique across accounts: login names no account).
    std::optional<QString> addUser(const QString &accountId, const QString &username,
                                   const QByteArray &password, const QStringList &sites);

    // Adds a device (unique within its account) and returns its new API key,
    // or with rotate=true replaces the key of an existing device (the old key
    // stops working at once). On failure returns nothing and sets *error.
    std::optional<QByteArray> addDevice(const QString &accountId, const QString &siteId,
                                        const QString &deviceId, bool rotate, QString *error);

    bool hasUser(const QString &username) const;
    bool hasDevice(const QString &accountId, const QString &deviceId) const;
    std::optional<UserRecord> findUser(const QString &username) const;
    std::optional<DeviceRecord> deviceForKey(const QByteArray &apiKey) const;
    QList<DeviceRecord> devices(const QString &accountId) const;

    // Refresh-token families (API.md "POST /api/v1/auth/refresh"). A family
    // starts at login; each refresh marks the presented token used and issues
    // the next one in the same family; presenting a used token revokes the
    // whole family.
    struct NewRefreshToken
    {
        QByteArray token; // opaque, returned to the client once
        QString familyId;
    };
    std::optional<NewRefreshToken> startRefreshFamily(const QString &username, qint64 now,
                                                      int ttlSeconds);

    enum class RefreshOutcome { Rotated, Invalid, Reused, StoreError };
    struct RefreshResult
    {
        RefreshOutcome outcome = RefreshOutcome::Invalid;
        UserRecord user;         // when Rotated
        NewRefreshToken next;    // when Rotated
    };
    RefreshResult rotateRefreshToken(const QByteArray &token, qint64 now, int ttlSeconds);

    // Marks the family revoked: none of its tokens refreshes any more.
    bool revokeFamily(const QString &familyId, const QString &username, qint64 now);

    // Deletes refresh tokens past their expiry (and families left empty).
    void purgeExpired(qint64 now);

    // The hash under which a device key or refresh token is stored.
    static QByteArray secretHash(const QByteArray &secret, const char *domain);

private:
    bool ensureAccountAndSites(const QString &accountId, const QStringList &sites, QString *error);
    QSqlDatabase database() const;

    QString m_connectionName;
    // deviceForKey() runs on every ingest request: its statement is prepared
    // once and re-executed. It reads the database anew each time (no cache),
    // so a key rotated by another process stops working at once.
    mutable std::unique_ptr<QSqlQuery> m_deviceForKeyQuery;
};

} // namespace Sightline
