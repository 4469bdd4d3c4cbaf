#pragma once

#include <QHash>
#include <QThread>

#include <memory>

#include "server/storage.h"

namespace Sightline {

class SqliteWorker;

// The default Storage: one SQLite file (WAL) in the data dir, written by a
// SqliteWorker on its own thread, so the HTTP event loop never waits on the
// disk. This object lives on the main thread, keeps the callbacks, and
// forwards requests to the worker with queued signals.
class SqliteStorage : public Storage
{
    Q_OBJECT

public:
    explicit SqliteStorage(const QString &databasePath, QObject *parent = nullptr);
    ~SqliteStorage() override;

    bool open(QString *error) override;
    void close() override;
    quint64 lastEventId() const override { return m_lastEventId; }
    QList<DeviceState> deviceStates() const override { return m_deviceStates; }
    QList<StoredEvent> latestStateEvents() const override { return m_stateEvents; }
    void write(const WriteBatch &batch, WriteCallback done) override;
    void readEvents(const EventQuery &query, EventCallback done) override;
    void readHistory(const HistoryQuery &query, HistoryCallback done) override;
    void purge(const QDateTime &cutoff, PurgeCallback done) override;
    bool isHealthy() const override;
    QString statusText() const override;

    // Closes the connection under the worker's feet, so every later write
    // fails as it would when the disk goes away (tests of the 503 path).
    void dropConnectionForTest();

Q_SIGNALS:
    void writeRequested(quint64 requestId, const Sightline::WriteBatch &batch);
    void eventsRequested(quint64 requestId, const Sightline::EventQuery &query);
    void historyRequested(quint64 requestId, const Sightline::HistoryQuery &query);
    void purgeRequested(quint64 requestId, const QDateTime &cutoff);

private:
    void handleWriteFinished(quint64 requestId, const Sightline::WriteResult &result);
    void handleEventsRead(quint64 requestId, const Sightline::EventPage &page);
    void handleHistoryRead(quint64 requestId, const Sightline::HistoryResult &result);
    void handlePurged(quint64 requestId, bool ok);

    QString m_path;
    QThread m_thread;
    SqliteWorker *m_worker = nullptr; // lives on m_thread, deleted when it finishes
    bool m_open = false;
    bool m_healthy = false;
    QString m_status = QStringLiteral("not open");
    quint64 m_lastEventId = 0;
    QList<DeviceState> m_deviceStates;
    QList<StoredEvent> m_stateEvents;
    quint64 m_nextRequestId = 1;
    QHash<quint64, WriteCallback> m_writeCallbacks;
    QHash<quint64, EventCallback> m_eventCallbacks;
    QHash<quint64, HistoryCallback> m_historyCallbacks;
    QHash<quint64, PurgeCallback> m_purgeCallbacks;
};

} // namespace Sightline
