#pragma once

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QString>

#include <functional>

namespace Sightline {

// Limits failed sign-ins (API.md "Auth"): by default 5 failures for one
// username within 15 minutes, or 20 from one address, and then answers
// "retry after N seconds" until the oldest counted failure leaves the window.
// Only failures count; a success clears that username's failures (the user
// proved the password) but never the address's (else an attacker with one
// valid account could reset the address limit).
//
// Attempts still being checked (the hash runs on a worker) count as if they
// had failed until they finish, so a burst of parallel guesses cannot get
// past the limit before the first failure is recorded.
//
// Addresses: IPv4-mapped IPv6 is treated as IPv4; other IPv6 addresses are
// counted per /64, since one host usually owns a whole /64. The state is in
// memory: a restart forgets it. Plain class, not thread-safe (main thread).
class LoginThrottle
{
public:
    using Clock = std::function<qint64()>; // milliseconds since the epoch

    LoginThrottle(int maxFailuresPerUser, int maxFailuresPerAddress, int windowSeconds);

    void setClock(Clock clock) { m_clock = std::move(clock); }

    // 0 when a sign-in may be tried now, otherwise the whole seconds to wait
    // (the Retry-After value).
    int retryAfterSeconds(const QString &username, const QHostAddress &address);

    // Marks an attempt as being checked, then records how it ended.
    void beginAttempt(const QString &username, const QHostAddress &address);
    void finishAttempt(const QString &username, const QHostAddress &address, bool failed);

    // Number of usernames and addresses currently tracked (memory is bounded
    // by the window: idle entries are dropped).
    qsizetype trackedEntries() const { return m_users.size() + m_addresses.size(); }

    static QString addressKey(const QHostAddress &address);

private:
    struct Entry
    {
        QList<qint64> failures; // ascending, milliseconds
        int inFlight = 0;
    };
    qint64 now() const;
    void prune(Entry &entry, qint64 now) const;
    qint64 waitMs(Entry &entry, int limit, qint64 now) const;
    void sweep(qint64 now);

    int m_maxPerUser;
    int m_maxPerAddress;
    qint64 m_windowMs;
    Clock m_clock;
    QHash<QString, Entry> m_users;
    QHash<QString, Entry> m_addresses;
    quint32 m_operations = 0;
};

} // namespace Sightline
