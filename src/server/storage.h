#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>

#include <functional>

#include "server/storagetypes.h"

namespace Sightline {

// Where telemetry points and the event log live. Every call is made on the
// main thread and never blocks it on the disk (except open() and close() at
// start and stop): results come back through the callbacks, on the main
// thread, in the order the calls were made. SQLite is the default
// (SqliteStorage); an InfluxDB implementation comes with issue 8.
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

Q_SIGNALS:
    // One group commit took `seconds` (for sightline_storage_write_seconds).
    void commitTimed(double seconds);
};

} // namespace Sightline
