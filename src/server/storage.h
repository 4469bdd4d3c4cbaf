#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <functional>
#include <utility>

#include "server/storagetypes.h"

namespace Sightline {

// Where telemetry points and the event log live. Every call is made on the
// main thread and never blocks it on the disk (except open() and close() at
// start and stop): results come back through the callbacks, on the main
// thread, in the order the calls were made. SQLite is the default
// (SqliteStorage); issue 8 adds SplitStorage, which keeps points in a
// PointStore (InfluxDB) and the event log elsewhere (SQLite or Redis).
class Storage : public QObject
{
    Q_OBJECT

public:
    using WriteCallback = std::function<void(const WriteResult &)>;
    using EventCallback = std::function<void(const EventPage &)>;
    using HistoryCallback = std::function<void(const HistoryResult &)>;
    using PurgeCallback = std::function<void(bool ok)>;

    using QObject::QObject;
    ~Storage() override = default;

    // Opens or creates the store; loads the id high-water mark and the
    // device states. Blocks; call once before serving.
    virtual bool open(QString *error) = 0;
    // Commits everything already written, answers every pending callback,
    // and closes. Blocks. Idempotent.
    virtual void close() = 0;

    // The highest event id ever stored (survives restarts and purges).
    virtual quint64 lastEventId() const = 0;
    // Every device that stored a point, as loaded by open().
    virtual QList<DeviceState> deviceStates() const = 0;
    // The newest device_status event of each device and the newest alert
    // event of each (device, rule) still in the log, as loaded by open():
    // what was online and what was firing when the server last stopped.
    virtual QList<StoredEvent> latestStateEvents() const = 0;

    // Stores points (de-duplicated by account, device and seq) and events in
    // one transaction. The callback runs after the commit is durable.
    virtual void write(const WriteBatch &batch, WriteCallback done) = 0;
    virtual void readEvents(const EventQuery &query, EventCallback done) = 0;
    virtual void readHistory(const HistoryQuery &query, HistoryCallback done) = 0;
    // Deletes points and events older than `cutoff` (retention).
    virtual void purge(const QDateTime &cutoff, PurgeCallback done) = 0;

    virtual bool isHealthy() const = 0;
    virtual QString statusText() const = 0; // "ok" or what is wrong
    // The key of this storage's part in GET /health, and every part's
    // status by key (a SplitStorage has two).
    virtual QString healthKey() const { return QStringLiteral("storage"); }
    virtual QList<std::pair<QString, QString>> healthParts() const { return {{healthKey(), statusText()}}; }

    // A log shared with other server instances (Redis): write() hands out
    // the event ids (events are prepared with id 0; a state event that
    // changes nothing is not appended, its id stays 0), and every event any
    // instance appended comes back through eventsFollowed, which is what
    // the hub publishes. A local log (false) takes the hub's ids and emits
    // nothing: the hub announces what was written.
    virtual bool isShared() const { return false; }
    // The newest id of the log as the log itself knows it now (a shared
    // log may be ahead of what this instance has followed so far).
    virtual void fetchLastEventId(std::function<void(bool ok, quint64 id)> done) { done(true, lastEventId()); }

protected:
    // For close(): runs the event loop until `done` holds or `timeoutMs`
    // passed (answers of writes in flight arrive on the event loop).
    static bool processEventsUntil(const std::function<bool()> &done, int timeoutMs)
    {
        QElapsedTimer waited;
        waited.start();
        while (!done() && waited.elapsed() < timeoutMs)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents | QEventLoop::ExcludeUserInputEvents, 50);
        return done();
    }

Q_SIGNALS:
    // One group commit took `seconds` (for sightline_storage_write_seconds).
    void commitTimed(double seconds);
    // Shared logs: events appended by any instance, in id order, each once.
    void eventsFollowed(const QList<Sightline::StoredEvent> &events);
};

} // namespace Sightline
