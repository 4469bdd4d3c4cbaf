#include "server/splitstorage.h"

#include "server/pointstore.h"

namespace Sightline {

SplitStorage::SplitStorage(std::unique_ptr<PointStore> points, std::unique_ptr<Storage> log, QObject *parent)
    : Storage(parent)
    , m_points(std::move(points))
    , m_log(std::move(log))
{
    connect(m_points.get(), &PointStore::commitTimed, this, &Storage::commitTimed);
    connect(m_log.get(), &Storage::commitTimed, this, &Storage::commitTimed);
    connect(m_log.get(), &Storage::eventsFollowed, this, &Storage::eventsFollowed);
}

SplitStorage::~SplitStorage()
{
    close();
}

bool SplitStorage::open(QString *error)
{
    if (m_open)
        return true;
    if (!m_log->open(error))
        return false;
    if (!m_points->open(error)) {
        m_log->close();
        return false;
    }
    m_open = true;
    return true;
}

void SplitStorage::close()
{
    if (!m_open)
        return;
    // Every write already made goes through both parts (or fails) first.
    processEventsUntil([this] { return m_queue.empty(); }, kCloseTimeoutMs);
    m_open = false;
    m_points->close();
    for (const std::shared_ptr<Entry> &entry : std::exchange(m_queue, {})) {
        if (!entry->pointsDone)
            entry->done(WriteResult{false, QStringLiteral("the server shut down before the points were stored"), {}, {}});
    }
    m_log->close();
}

quint64 SplitStorage::lastEventId() const
{
    return m_log->lastEventId();
}

QList<DeviceState> SplitStorage::deviceStates() const
{
    return m_log->deviceStates();
}

QList<StoredEvent> SplitStorage::latestStateEvents() const
{
    return m_log->latestStateEvents();
}

void SplitStorage::write(const WriteBatch &batch, WriteCallback done)
{
    auto entry = std::make_shared<Entry>();
    entry->batch = batch;
    entry->done = std::move(done);
    m_queue.push_back(entry);
    if (batch.points.isEmpty()) {
        entry->pointsDone = true;
        handleEntries();
        return;
    }
    m_points->writePoints(batch.points, [this, entry](bool ok, const QString &error) {
        entry->pointsDone = true;
        if (!ok)
            entry->pointsError = error.isEmpty() ? QStringLiteral("the point store failed") : error;
        handleEntries();
    });
}

void SplitStorage::handleEntries()
{
    while (!m_queue.empty() && m_queue.front()->pointsDone) {
        const std::shared_ptr<Entry> entry = m_queue.front();
        m_queue.pop_front();
        if (!entry->pointsError.isEmpty()) {
            WriteResult failed;
            failed.error = entry->pointsError;
            entry->done(failed);
            continue;
        }
        m_log->write(entry->batch, entry->done);
    }
}

void SplitStorage::readEvents(const EventQuery &query, EventCallback done)
{
    m_log->readEvents(query, std::move(done));
}

void SplitStorage::readHistory(const HistoryQuery &query, HistoryCallback done)
{
    m_points->readHistory(query, std::move(done));
}

void SplitStorage::purge(const QDateTime &cutoff, PurgeCallback done)
{
    m_points->purge(cutoff);
    m_log->purge(cutoff, std::move(done));
}

bool SplitStorage::isHealthy() const
{
    return m_points->isHealthy() && m_log->isHealthy();
}

QString SplitStorage::statusText() const
{
    QStringList problems;
    for (const auto &[key, status] : healthParts()) {
        if (status != QLatin1String("ok"))
            problems.append(key + QStringLiteral(": ") + status);
    }
    return problems.isEmpty() ? QStringLiteral("ok") : problems.join(QStringLiteral("; "));
}

QList<std::pair<QString, QString>> SplitStorage::healthParts() const
{
    return {{m_points->healthKey(), m_points->statusText()}, {m_log->healthKey(), m_log->statusText()}};
}

bool SplitStorage::isShared() const
{
    return m_log->isShared();
}

void SplitStorage::fetchLastEventId(std::function<void(bool ok, quint64 id)> done)
{
    m_log->fetchLastEventId(std::move(done));
}

} // namespace Sightline
