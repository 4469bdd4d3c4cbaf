#pragma once

#include <deque>
#include <memory>

#include "server/storage.h"

namespace Sightline {

class PointStore;

// Storage in two parts (issue 8): points in a PointStore (InfluxDB, or the
// SQLite points table under a Redis log) for history, and the event log
// (SQLite or Redis) for ids, de-duplication, resume and state. A write
// stores its points first and appends its events to the log only once the
// points are durable, so an acknowledged point is always in the point
// store; when either part fails the write fails and the device's retry
// writes the points again, which the point store takes without harm, and
// the log then de-duplicates.
//
// Writes leave in the order they came: one waiting on the point store holds
// back later ones, also those without points (alerts, device status), so
// results keep the Storage contract's order.
class SplitStorage : public Storage
{
    Q_OBJECT

public:
    static constexpr int kCloseTimeoutMs = 15000;

    SplitStorage(std::unique_ptr<PointStore> points, std::unique_ptr<Storage> log, QObject *parent = nullptr);
    ~SplitStorage() override;

    bool open(QString *error) override;
    void close() override;
    quint64 lastEventId() const override;
    QList<DeviceState> deviceStates() const override;
    QList<StoredEvent> latestStateEvents() const override;
    void write(const WriteBatch &batch, WriteCallback done) override;
    void readEvents(const EventQuery &query, EventCallback done) override;
    void readHistory(const HistoryQuery &query, HistoryCallback done) override;
    void purge(const QDateTime &cutoff, PurgeCallback done) override;
    bool isHealthy() const override;
    QString statusText() const override;
    QList<std::pair<QString, QString>> healthParts() const override;
    bool isShared() const override;
    void fetchLastEventId(std::function<void(bool ok, quint64 id)> done) override;

    PointStore *pointStore() const { return m_points.get(); }
    Storage *eventLog() const { return m_log.get(); }

private:
    struct Entry
    {
        WriteBatch batch;
        WriteCallback done;
        bool pointsDone = false;
        QString pointsError; // empty: the points are stored
    };

    void handleEntries();

    std::unique_ptr<PointStore> m_points;
    std::unique_ptr<Storage> m_log;
    std::deque<std::shared_ptr<Entry>> m_queue; // oldest first
    bool m_open = false;
};

} // namespace Sightline
