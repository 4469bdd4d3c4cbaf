#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include <memory>

#include "server/storagetypes.h"

class QSqlQuery;

namespace Sightline {

// The SQLite connection and everything that touches it. Lives on the
// storage thread (SqliteStorage moves it there) and talks to the main thread
// only through queued signals and slots with value arguments (STYLE.md
// "Ownership, errors, threads"). Writes are group-committed: every write
// request that is queued when the thread gets to them shares one
// transaction and one fsync.
class SqliteWorker : public QObject
{
    Q_OBJECT

public:
    // The span of a rollup row (see BucketAggregator): history with a step
    // that is a multiple of it is read from the rollups.
    static constexpr qint64 kRollupMs = 60000;
    // Points folded into the rollups per turn of the storage thread in the
    // background, so writes wait at most about that long behind it.
    static constexpr int kRollupChunk = 20000;
    // How soon after a commit its points are folded into the rollups.
    static constexpr int kRollupDelayMs = 1000;

    explicit SqliteWorker(const QString &databasePath, QObject *parent = nullptr);
    ~SqliteWorker() override;

    // Called on the storage thread (blocking queued) by SqliteStorage.
    bool openDatabase(QString *error, quint64 *lastEventId, QList<DeviceState> *devices,
                      QList<StoredEvent> *stateEvents);
    void closeDatabase(); // commits pending writes first

public Q_SLOTS:
    void enqueueWrite(quint64 requestId, const Sightline::WriteBatch &batch);
    void readEvents(quint64 requestId, const Sightline::EventQuery &query);
    void readHistory(quint64 requestId, const Sightline::HistoryQuery &query);
    void purge(quint64 requestId, const QDateTime &cutoff);
    // Drops the connection without committing (tests: "the disk went away").
    void dropConnection();

Q_SIGNALS:
    void writeFinished(quint64 requestId, const Sightline::WriteResult &result);
    void eventsRead(quint64 requestId, const Sightline::EventPage &page);
    void historyRead(quint64 requestId, const Sightline::HistoryResult &result);
    void purged(quint64 requestId, bool ok);
    void commitTimed(double seconds);
    void healthChanged(bool healthy, const QString &status);

private:
    struct PendingWrite
    {
        quint64 requestId;
        WriteBatch batch;
    };

    void commitPending();
    bool writeBatch(const WriteBatch &batch, WriteResult *result, QString *error);
    bool insertEvent(const StoredEvent &event, QString *error);
    bool saveTouchedDevices(QString *error);
    bool exec(const QString &sql, QString *error);
    void setHealth(bool healthy, const QString &status);
    void scheduleRollUp();
    void rollUpInBackground();
    bool rollUp(int maxPoints, bool *more, QString *error);
    bool readBuckets(const HistoryQuery &query, HistoryResult *result);

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_db;
    bool m_open = false;
    bool m_healthy = true;
    quint64 m_highWater = 0;
    QList<PendingWrite> m_pending;
    bool m_commitScheduled = false;
    bool m_rollUpScheduled = false;
    // Field names known per device key "account\ndevice" (union kept in the
    // devices table).
    QHash<QString, QSet<QString>> m_deviceFields;
    // Devices that stored points in the current group commit.
    struct TouchedDevice
    {
        QString siteId;
        qint64 lastSeenMs = 0;
    };
    QHash<QString, TouchedDevice> m_touched;
    std::unique_ptr<QSqlQuery> m_findSeq;
    std::unique_ptr<QSqlQuery> m_insertPoint;
    std::unique_ptr<QSqlQuery> m_insertEvent;
    std::unique_ptr<QSqlQuery> m_upsertDevice;
    std::unique_ptr<QSqlQuery> m_setHighWater;
};

} // namespace Sightline
