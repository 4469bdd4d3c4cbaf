#include "server/sqlitepointstore.h"

#include "server/sqlitestorage.h"

namespace Sightline {

SqlitePointStore::SqlitePointStore(const QString &databasePath, QObject *parent)
    : PointStore(parent)
    , m_storage(std::make_unique<SqliteStorage>(databasePath))
{
    connect(m_storage.get(), &Storage::commitTimed, this, &PointStore::commitTimed);
}

SqlitePointStore::~SqlitePointStore() = default;

bool SqlitePointStore::open(QString *error)
{
    return m_storage->open(error);
}

void SqlitePointStore::close()
{
    m_storage->close();
}

void SqlitePointStore::writePoints(const QList<PointWrite> &points, WriteCallback done)
{
    WriteBatch batch;
    batch.points = points;
    m_storage->write(batch, [done](const WriteResult &result) { done(result.ok, result.error); });
}

void SqlitePointStore::readHistory(const HistoryQuery &query, HistoryCallback done)
{
    m_storage->readHistory(query, std::move(done));
}

void SqlitePointStore::purge(const QDateTime &cutoff)
{
    m_storage->purge(cutoff, [](bool) {});
}

bool SqlitePointStore::isHealthy() const
{
    return m_storage->isHealthy();
}

QString SqlitePointStore::statusText() const
{
    return m_storage->statusText();
}

} // namespace Sightline
