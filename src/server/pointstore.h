#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

#include "server/storagetypes.h"

namespace Sightline {

// Where telemetry points are kept for the history endpoint when they are not
// kept with the event log (issue 8): InfluxDB (InfluxPointStore), or the
// SQLite points table when the event log lives in Redis (SqlitePointStore).
// SplitStorage writes every batch's points here first and then appends the
// events to the log, so the point store must take the same point twice
// without harm: a retried batch writes its points again.
//
// Every call is made on the main thread and never blocks it (except open()
// and close()); callbacks run on the main thread: writes answer in the order
// the writes were made and reads in the order of the reads, but a read may
// answer before an earlier write (it sees every write already acknowledged
// when it was made).
class PointStore : public QObject
{
    Q_OBJECT

public:
    using WriteCallback = std::function<void(bool ok, const QString &error)>;
    using HistoryCallback = std::function<void(const HistoryResult &)>;

    using QObject::QObject;
    ~PointStore() override = default;

    // Prepares the store (creates what it needs). Blocks; call once before
    // serving. False only when the server must not start (e.g. a malformed
    // URL); a store that is merely unreachable starts degraded and recovers
    // by itself.
    virtual bool open(QString *error) = 0;
    // Answers every pending callback and closes. Blocks. Idempotent.
    virtual void close() = 0;

    // Stores the points of `points` (their `event` ids may be 0: the log
    // assigns ids after this). done(true) only once they are durable.
    virtual void writePoints(const QList<PointWrite> &points, WriteCallback done) = 0;
    virtual void readHistory(const HistoryQuery &query, HistoryCallback done) = 0;
    // Deletes points older than `cutoff`, where the store does not expire
    // them by itself.
    virtual void purge(const QDateTime &cutoff) = 0;

    // The key of this store's part in GET /health ("influx", "points").
    virtual QString healthKey() const = 0;
    virtual bool isHealthy() const = 0;
    virtual QString statusText() const = 0; // "ok" or what is wrong

Q_SIGNALS:
    // One write to the store took `seconds` (sightline_storage_write_seconds).
    void commitTimed(double seconds);
};

} // namespace Sightline
