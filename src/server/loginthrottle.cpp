#include "server/loginthrottle.h"

#include <QDateTime>

#include <algorithm>

namespace Sightline {

LoginThrottle::LoginThrottle(int maxFailuresPerUser, int maxFailuresPerAddress, int windowSeconds)
    : m_maxPerUser(std::max(1, maxFailuresPerUser))
    , m_maxPerAddress(std::max(1, maxFailuresPerAddress))
    , m_windowMs(qint64(std::max(1, windowSeconds)) * 1000)
{
}

qint64 LoginThrottle::now() const
{
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

QString LoginThrottle::addressKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also unwraps ::ffff:a.b.c.d
    if (isV4)
        return QHostAddress(v4).toString();
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        Q_IPV6ADDR bytes = address.toIPv6Address();
        for (int i = 8; i < 16; ++i)
            bytes[i] = 0;
        return QHostAddress(bytes).toString() + QStringLiteral("/64");
    }
    return address.toString();
}

void LoginThrottle::prune(Entry &entry, qint64 current) const
{
    const qint64 cutoff = current - m_windowMs;
    const auto firstKept = std::find_if(entry.failures.begin(), entry.failures.end(),
                                        [cutoff](qint64 t) { return t > cutoff; });
    entry.failures.erase(entry.failures.begin(), firstKept);
}

// How long until fewer than `limit` failures (plus attempts in flight) are in
// the window: the failure that must expire is the one `limit` places from the
// newest.
qint64 LoginThrottle::waitMs(Entry &entry, int limit, qint64 current) const
{
    prune(entry, current);
    const qsizetype counted = entry.failures.size() + entry.inFlight;
    if (counted < limit)
        return 0;
    // counted - limit + 1 failures must leave the window; the last of them
    // is failures[counted - limit].
    const qsizetype index = counted - limit;
    if (index >= entry.failures.size())
        return 1000; // held by attempts in flight: they finish within a second or so
    return std::max<qint64>(1, entry.failures.at(index) + m_windowMs - current);
}

int LoginThrottle::retryAfterSeconds(const QString &username, const QHostAddress &address)
{
    const qint64 current = now();
    sweep(current);
    qint64 wait = 0;
    if (auto it = m_users.find(username); it != m_users.end())
        wait = std::max(wait, waitMs(*it, m_maxPerUser, current));
    if (auto it = m_addresses.find(addressKey(address)); it != m_addresses.end())
        wait = std::max(wait, waitMs(*it, m_maxPerAddress, current));
    return int((wait + 999) / 1000);
}

void LoginThrottle::beginAttempt(const QString &username, const QHostAddress &address)
{
    ++m_users[username].inFlight;
    ++m_addresses[addressKey(address)].inFlight;
}

void LoginThrottle::finishAttempt(const QString &username, const QHostAddress &address,
                                  bool failed)
{
    const qint64 current = now();
    const auto finish = [&](QHash<QString, Entry> &map, const QString &key, bool clear) {
        Entry &entry = map[key];
        entry.inFlight = std::max(0, entry.inFlight - 1);
        if (failed)
            entry.failures.append(current);
        else if (clear)
            entry.failures.clear();
        prune(entry, current);
        if (entry.failures.isEmpty() && entry.inFlight == 0)
            map.remove(key);
    };
    finish(m_users, username, true);
    finish(m_addresses, addressKey(address), false);
}

void LoginThrottle::sweep(qint64 current)
{
    // Every 1024 checks, drop entries whose failures all left the window, so
    // guesses at many usernames cannot grow memory beyond one window's worth.
    if ((++m_operations & 1023) != 0)
        return;
    for (auto *map : {&m_users, &m_addresses}) {
        for (auto it = map->begin(); it != map->end();) {
            prune(*it, current);
            if (it->failures.isEmpty() && it->inFlight == 0)
                it = map->erase(it);
            else
                ++it;
        }
    }
}

} // namespace Sightline
