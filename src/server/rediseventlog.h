#pragma once

#include <QHash>
#include <QSet>

#include <memory>

#include "server/redisconnection.h"
#include "server/storage.h"

namespace Sightline {

// The event log in Redis, shared by several sightline-server instances
// (issue 8, `--redis-url`). One Redis Stream holds every event; a Lua script
// (eventlog.lua) appends atomically, so ids come from one counter in one
// order whichever instance appends, a point already stored (same device and
// seq) is not appended twice, and a device_status or alert event that
// changes nothing (another instance already published it) is not appended
// at all. Appending trims the stream to the retention (XADD MINID).
//
// Every instance follows the stream (XREAD BLOCK on a connection of its
// own) and emits eventsFollowed for every event any instance appended, in
// id order: that, not the write callback, is what feeds the local stream
// clients, so all instances send the same events in the same order. Resume
// reads the stream (XRANGE), so a client may resume on any instance.
//
// Why a Stream and not Pub/Sub: Pub/Sub forgets a message the moment it is
// sent, so an instance that blinks (or a client that resumes on another
// instance) would lose events; a Stream is the log and the fan-out at once.
//
// A log only: points are stored by a PointStore (SplitStorage puts the two
// together); readHistory() fails. When Redis is unreachable, writes and
// reads fail at once (ingest answers 503), the connections reconnect with
// backoff, and the follower continues after the last id it delivered.
class RedisEventLog : public Storage
{
    Q_OBJECT

public:
    static constexpr int kOpenTimeoutMs = 5000;

    RedisEventLog(const RedisAddress &address, int retentionHours, QObject *parent = nullptr);
    ~RedisEventLog() override;

    bool open(QString *error) override;
    void close() override;
    quint64 lastEventId() const override { return m_lastKnownId; }
    QList<DeviceState> deviceStates() const override { return m_deviceStates; }
    QList<StoredEvent> latestStateEvents() const override { return m_stateEvents; }
    void write(const WriteBatch &batch, WriteCallback done) override;
    void readEvents(const EventQuery &query, EventCallback done) override;
    void readHistory(const HistoryQuery &query, HistoryCallback done) override;
    void purge(const QDateTime &cutoff, PurgeCallback done) override;
    bool isHealthy() const override;
    QString statusText() const override;
    QString healthKey() const override { return QStringLiteral("redis"); }
    bool isShared() const override { return true; }
    void fetchLastEventId(std::function<void(bool ok, quint64 id)> done) override;

    // The key prefix (default "sightline:"), before open().
    void setKeyPrefix(const QByteArray &prefix) { m_prefix = prefix; }

private:
    struct ReadState;

    void runScript(const QList<QByteArray> &arguments, RedisConnection::Callback done);
    void healAfterReconnect();
    void follow();
    void handleFollowed(const RedisReply &reply);
    void continueRead(const std::shared_ptr<ReadState> &state);
    void finishRead(const std::shared_ptr<ReadState> &state);
    StoredEvent eventFromEntry(const RedisReply &entry, bool *ok) const;

    RedisAddress m_address;
    qint64 m_retentionMs;
    QByteArray m_prefix = QByteArrayLiteral("sightline:");
    QByteArray m_stream;
    QByteArray m_script;
    QByteArray m_scriptSha;
    std::unique_ptr<RedisConnection> m_commands; // appends, reads
    std::unique_ptr<RedisConnection> m_follower; // XREAD BLOCK only
    bool m_open = false;
    bool m_following = false;   // an XREAD is in flight
    quint64 m_followedId = 0;   // the last id emitted by eventsFollowed
    quint64 m_lastKnownId = 0;  // the highest id seen (followed or appended)
    int m_pendingWrites = 0;
    QString m_scriptError;      // the last failure of the script itself
    QList<DeviceState> m_deviceStates;
    QList<StoredEvent> m_stateEvents;
    // Field names already sent per device "account/device", so a batch
    // only sends the new ones.
    QHash<QString, QSet<QString>> m_sentFields;
};

} // namespace Sightline
