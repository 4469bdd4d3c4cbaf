#pragma once

#include <memory>

#include "server/pointstore.h"

namespace Sightline {

class SqliteStorage;

// The SQLite points table as a PointStore (issue 8): where points go when
// the event log is in Redis and no InfluxDB is configured. Instances on one
// host share the data dir and so this file (SQLite WAL takes writers from
// several processes). Points get rowids of their own, not event ids.
class SqlitePointStore : public PointStore
{
    Q_OBJECT

public:
    explicit SqlitePointStore(const QString &databasePath, QObject *parent = nullptr);
    ~SqlitePointStore() override;

    bool open(QString *error) override;
    void close() override;
    void writePoints(const QList<PointWrite> &points, WriteCallback done) override;
    void readHistory(const HistoryQuery &query, HistoryCallback done) override;
    void purge(const QDateTime &cutoff) override;
    QString healthKey() const override { return QStringLiteral("storage"); }
    bool isHealthy() const override;
    QString statusText() const override;

private:
    std::unique_ptr<SqliteStorage> m_storage;
};

} // namespace Sightline
