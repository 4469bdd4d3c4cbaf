#include "server/sqliteworker.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QMetaObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QVariant>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <tuple>

#include "server/bucketaggregator.h"
#include "server/logging.h"
#include "server/rfc3339.h"

namespace Sightline {

namespace {

std::atomic<int> s_connectionCounter{0};

QString deviceKey(const QString &accountId, const QString &deviceId)
{
    return accountId + QLatin1Char('\n') + deviceId;
}

// The fields of a validated point as JSON, written by hand: names are
// [A-Za-z0-9_.-] (nothing to escape) and values finite numbers, and this runs
// once per stored point, where QJsonDocument's detour through CBOR costs more
// than the INSERT. Numbers print as QJsonDocument prints them.
QByteArray fieldsJson(const QJsonObject &fields)
{
    QByteArray out;
    out.reserve(16 + fields.size() * 24);
    out += '{';
    bool first = true;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (!first)
            out += ',';
        first = false;
        out += '"';
        out += it.key().toLatin1();
        out += "\":";
        const double value = it.value().toDouble();
        if (value == std::floor(value) && std::abs(value) < 9007199254740992.0)
            out += QByteArray::number(qint64(value));
        else
            out += QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
    }
    out += '}';
    return out;
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject parseObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QDateTime fromMsecs(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

// "?, ?, ?" for an IN (...) list.
QString placeholders(qsizetype count)
{
    QStringList marks;
    for (qsizetype i = 0; i < count; ++i)
        marks.append(QStringLiteral("?"));
    return marks.join(QStringLiteral(", "));
}

} // namespace

SqliteWorker::SqliteWorker(const QString &databasePath, QObject *parent)
    : QObject(parent)
    , m_path(databasePath)
    , m_connectionName(QStringLiteral("sightline-telemetry-%1").arg(++s_connectionCounter))
{
}

SqliteWorker::~SqliteWorker()
{
    closeDatabase();
}

bool SqliteWorker::exec(const QString &sql, QString *error)
{
    QSqlQuery query(m_db);
    if (!query.exec(sql)) {
        *error = query.lastError().text();
        return false;
    }
    return true;
}

bool SqliteWorker::openDatabase(QString *error, quint64 *lastEventId, QList<DeviceState> *devices,
                                QList<StoredEvent> *stateEvents)
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open()) {
        *error = QStringLiteral("cannot open %1: %2").arg(m_path, m_db.lastError().text());
        return false;
    }
    // WAL so readers never block the writer; synchronous=FULL so that a
    // committed group is on disk before any point in it is acknowledged
    // (ARCHITECTURE.md "The server acknowledges ingest only after the points
    // are stored").
    const QStringList setup{
        QStringLiteral("PRAGMA journal_mode=WAL"),
        QStringLiteral("PRAGMA synchronous=FULL"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL,"
                       " topic TEXT NOT NULL, type TEXT NOT NULL, account TEXT NOT NULL, site TEXT NOT NULL,"
                       " device TEXT NOT NULL, data TEXT NOT NULL)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS events_ts ON events (ts_ms)"),
        // A stored point is also its telemetry event: its id is the event id,
        // received_ms the publish time. The event log is the union of this
        // table and `events` (alert, device_status), ordered by id; keeping
        // one row per point halves the write cost of ingest (issue 3 bench).
        QStringLiteral("CREATE TABLE IF NOT EXISTS points (id INTEGER PRIMARY KEY, account TEXT NOT NULL,"
                       " site TEXT NOT NULL, device TEXT NOT NULL, ts_ms INTEGER NOT NULL, seq INTEGER,"
                       " fields TEXT NOT NULL, received_ms INTEGER NOT NULL, UNIQUE (account, device, seq))"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS points_device_ts ON points (account, device, ts_ms)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS devices (account TEXT NOT NULL, device TEXT NOT NULL,"
                       " site TEXT NOT NULL, last_seen_ms INTEGER NOT NULL, fields TEXT NOT NULL,"
                       " PRIMARY KEY (account, device))"),
        // History with a step (API.md "History for long ranges"): the
        // aggregates of each device's points per minute of device time, a
        // PartialBucket blob, folded in after the commit (rollUp()) and up to
        // the point id kept in meta 'rollup_id'. Why not SQL over `fields`:
        // see BucketAggregator.
        QStringLiteral("CREATE TABLE IF NOT EXISTS point_rollups (account TEXT NOT NULL, device TEXT NOT NULL,"
                       " bucket_ms INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (account, device, bucket_ms))"
                       " WITHOUT ROWID"),
    };
    for (const QString &sql : setup) {
        if (!exec(sql, error)) {
            *error = QStringLiteral("cannot set up %1: %2").arg(m_path, *error);
            m_db.close();
            return false;
        }
    }

    // The id high-water mark: the larger of the persisted mark and the
    // newest logged event, so ids are never reused after a restart, even
    // when retention has emptied the log.
    QSqlQuery query(m_db);
    m_highWater = 0;
    if (query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'last_event_id'")) && query.next())
        m_highWater = query.value(0).toULongLong();
    for (const QString &sql : {QStringLiteral("SELECT MAX(id) FROM events"), QStringLiteral("SELECT MAX(id) FROM points")}) {
        if (query.exec(sql) && query.next())
            m_highWater = qMax<quint64>(m_highWater, query.value(0).toULongLong());
    }
    *lastEventId = m_highWater;

    devices->clear();
    if (!query.exec(QStringLiteral("SELECT account, site, device, last_seen_ms, fields FROM devices"))) {
        *error = query.lastError().text();
        m_db.close();
        return false;
    }
    while (query.next()) {
        DeviceState state;
        state.accountId = query.value(0).toString();
        state.siteId = query.value(1).toString();
        state.deviceId = query.value(2).toString();
        state.lastSeen = fromMsecs(query.value(3).toLongLong());
        const QJsonArray names = QJsonDocument::fromJson(query.value(4).toByteArray()).array();
        for (const QJsonValue &name : names)
            state.fields.append(name.toString());
        m_deviceFields.insert(deviceKey(state.accountId, state.deviceId),
                              QSet<QString>(state.fields.begin(), state.fields.end()));
        devices->append(state);
    }

    // The last device_status per device and the last alert per (device,
    // rule): the state the rules and the device tracker had at the last stop.
    stateEvents->clear();
    if (!query.exec(QStringLiteral(
            "SELECT id, ts_ms, type, account, site, device, data FROM events WHERE id IN ("
            " SELECT MAX(id) FROM events WHERE type = 'device_status' GROUP BY account, device"
            " UNION ALL"
            " SELECT MAX(id) FROM events WHERE type = 'alert' GROUP BY account, device, json_extract(data, '$.ruleId'))"
            " ORDER BY id"))) {
        *error = query.lastError().text();
        m_db.close();
        return false;
    }
    while (query.next()) {
        StoredEvent event;
        event.id = query.value(0).toULongLong();
        event.ts = fromMsecs(query.value(1).toLongLong());
        event.type = query.value(2).toString();
        event.accountId = query.value(3).toString();
        event.siteId = query.value(4).toString();
        event.deviceId = query.value(5).toString();
        event.topic = DeviceRecord{event.accountId, event.siteId, event.deviceId}.topic();
        event.data = parseObject(query.value(6).toByteArray());
        stateEvents->append(event);
    }

    auto prepare = [this, error](std::unique_ptr<QSqlQuery> &statement, const QString &sql) {
        statement = std::make_unique<QSqlQuery>(m_db);
        if (!statement->prepare(sql)) {
            *error = statement->lastError().text();
            return false;
        }
        return true;
    };
    if (!prepare(m_findSeq, QStringLiteral("SELECT id FROM points WHERE account = ? AND device = ? AND seq = ?"))
        || !prepare(m_insertPoint, QStringLiteral("INSERT OR IGNORE INTO points (id, account, site, device, ts_ms, seq,"
                                                  " fields, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
        || !prepare(m_insertEvent, QStringLiteral("INSERT INTO events (id, ts_ms, topic, type, account, site, device, data)"
                                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
        || !prepare(m_upsertDevice, QStringLiteral("INSERT INTO devices (account, device, site, last_seen_ms, fields)"
                                                   " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, device) DO UPDATE SET"
                                                   " site = excluded.site, last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms),"
                                                   " fields = excluded.fields"))
        || !prepare(m_setHighWater, QStringLiteral("INSERT INTO meta (key, value) VALUES ('last_event_id', ?)"
                                                   " ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)"))) {
        *error = QStringLiteral("cannot prepare statements on %1: %2").arg(m_path, *error);
        m_db.close();
        return false;
    }
    m_open = true;
    setHealth(true, QStringLiteral("ok"));
    // A database written by an older server, or points stored since the
    // last fold: catch up in the background.
    scheduleRollUp();
    return true;
}

void SqliteWorker::closeDatabase()
{
    if (!m_pending.isEmpty())
        commitPending();
    m_findSeq.reset();
    m_insertPoint.reset();
    m_insertEvent.reset();
    m_upsertDevice.reset();
    m_setHighWater.reset();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_open = false;
}

void SqliteWorker::dropConnection()
{
    qCWarning(lcServerStore) << "dropping the database connection on request";
    m_findSeq.reset();
    m_insertPoint.reset();
    m_insertEvent.reset();
    m_upsertDevice.reset();
    m_setHighWater.reset();
    if (m_db.isValid())
        m_db.close();
    m_open = false;
}

void SqliteWorker::setHealth(bool healthy, const QString &status)
{
    if (healthy == m_healthy)
        return;
    m_healthy = healthy;
    emit healthChanged(healthy, status);
}

void SqliteWorker::enqueueWrite(quint64 requestId, const WriteBatch &batch)
{
    m_pending.append(PendingWrite{requestId, batch});
    if (!m_commitScheduled) {
        // Commit once the requests already queued to this thread have been
        // appended: they all share this transaction (group commit).
        m_commitScheduled = true;
        QMetaObject::invokeMethod(this, &SqliteWorker::commitPending, Qt::QueuedConnection);
    }
}

void SqliteWorker::commitPending()
{
    m_commitScheduled = false;
    if (m_pending.isEmpty())
        return;
    const QList<PendingWrite> pending = std::exchange(m_pending, {});
    QElapsedTimer timer;
    timer.start();

    QList<WriteResult> results(pending.size());
    QString error;
    bool ok = m_open && m_db.transaction();
    if (!ok)
        error = m_open ? m_db.lastError().text() : QStringLiteral("the database is not open");
    const quint64 highWaterBefore = m_highWater;
    const auto fieldsBefore = m_deviceFields;
    for (qsizetype i = 0; ok && i < pending.size(); ++i)
        ok = writeBatch(pending.at(i).batch, &results[i], &error);
    if (ok)
        ok = saveTouchedDevices(&error);
    m_touched.clear();
    if (ok) {
        m_setHighWater->addBindValue(m_highWater);
        ok = m_setHighWater->exec();
        if (!ok)
            error = m_setHighWater->lastError().text();
    }
    if (ok && !m_db.commit()) {
        ok = false;
        error = m_db.lastError().text();
    }
    if (!ok) {
        if (m_open)
            m_db.rollback();
        m_highWater = highWaterBefore;
        m_deviceFields = fieldsBefore;
        qCWarning(lcServerStore) << "group commit of" << pending.size() << "writes failed:" << error;
        setHealth(false, error);
    } else {
        setHealth(true, QStringLiteral("ok"));
        emit commitTimed(double(timer.nsecsElapsed()) / 1e9);
        if (std::any_of(pending.begin(), pending.end(), [](const PendingWrite &write) { return !write.batch.points.isEmpty(); }))
            scheduleRollUp();
    }
    for (qsizetype i = 0; i < pending.size(); ++i) {
        WriteResult result = ok ? results.at(i) : WriteResult{};
        result.ok = ok;
        if (!ok)
            result.error = error;
        emit writeFinished(pending.at(i).requestId, result);
    }
}

bool SqliteWorker::insertEvent(const StoredEvent &event, QString *error)
{
    QSqlQuery &q = *m_insertEvent;
    q.addBindValue(event.id);
    q.addBindValue(event.ts.toMSecsSinceEpoch());
    q.addBindValue(event.topic);
    q.addBindValue(event.type);
    q.addBindValue(event.accountId);
    q.addBindValue(event.siteId);
    q.addBindValue(event.deviceId);
    q.addBindValue(compactJson(event.data));
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    m_highWater = qMax(m_highWater, event.id);
    return true;
}

bool SqliteWorker::writeBatch(const WriteBatch &batch, WriteResult *result, QString *error)
{
    for (const PointWrite &write : batch.points) {
        const QString &account = write.device.accountId;
        const QString &device = write.device.deviceId;
        // INSERT OR IGNORE: the unique (account, device, seq) turns a stored
        // (deviceId, seq) into "no row", found without a lookup first.
        QSqlQuery &insert = *m_insertPoint;
        // Id 0: a point store under a log elsewhere (SqlitePointStore, issue
        // 8); the row gets the next rowid, which no event carries.
        insert.addBindValue(write.event.id ? QVariant(write.event.id) : QVariant(QMetaType::fromType<qint64>()));
        insert.addBindValue(account);
        insert.addBindValue(write.device.siteId);
        insert.addBindValue(device);
        insert.addBindValue(write.point.ts.toMSecsSinceEpoch());
        insert.addBindValue(write.point.seq ? QVariant(*write.point.seq) : QVariant(QMetaType::fromType<qint64>()));
        insert.addBindValue(fieldsJson(write.point.fields));
        insert.addBindValue(write.event.ts.toMSecsSinceEpoch());
        if (!insert.exec()) {
            *error = insert.lastError().text();
            return false;
        }
        if (insert.numRowsAffected() == 0) {
            // API.md: a stored (deviceId, seq) is not stored or published
            // again; the original event id is returned.
            QSqlQuery &find = *m_findSeq;
            find.addBindValue(account);
            find.addBindValue(device);
            find.addBindValue(write.point.seq ? QVariant(*write.point.seq) : QVariant(QMetaType::fromType<qint64>()));
            if (!find.exec() || !find.next()) {
                *error = find.lastError().text().isEmpty() ? QStringLiteral("point %1 was neither stored nor found")
                                                                 .arg(write.event.id)
                                                           : find.lastError().text();
                return false;
            }
            result->eventIds.append(find.value(0).toULongLong());
            result->duplicates.append(true);
            find.finish();
            continue;
        }
        m_highWater = qMax(m_highWater, write.event.id);
        result->eventIds.append(write.event.id ? write.event.id : insert.lastInsertId().toULongLong());
        result->duplicates.append(false);

        const QString key = deviceKey(account, device);
        TouchedDevice &entry = m_touched[key];
        entry.siteId = write.device.siteId;
        entry.lastSeenMs = qMax(entry.lastSeenMs, write.event.ts.toMSecsSinceEpoch());
        // Look before writing: m_deviceFields shares its data with the copy
        // commitPending() keeps for a rollback, and writing detaches it.
        for (auto it = write.point.fields.begin(); it != write.point.fields.end(); ++it) {
            const auto known = std::as_const(m_deviceFields).find(key);
            if (known != m_deviceFields.cend() && known->contains(it.key()))
                continue;
            m_deviceFields[key].insert(it.key());
        }
    }
    for (const StoredEvent &event : batch.events) {
        if (!insertEvent(event, error))
            return false;
    }
    return true;
}

bool SqliteWorker::saveTouchedDevices(QString *error)
{
    // Once per device and group commit, not once per request: a device that
    // sends single points shares one UPSERT among all of them.
    const auto touched = std::exchange(m_touched, {});
    for (auto it = touched.begin(); it != touched.end(); ++it) {
        const qsizetype split = it.key().indexOf(QLatin1Char('\n'));
        const QSet<QString> known = m_deviceFields.value(it.key());
        QStringList names(known.begin(), known.end());
        names.sort();
        QSqlQuery &upsert = *m_upsertDevice;
        upsert.addBindValue(it.key().left(split));
        upsert.addBindValue(it.key().mid(split + 1));
        upsert.addBindValue(it->siteId);
        upsert.addBindValue(it->lastSeenMs);
        upsert.addBindValue(QJsonDocument(QJsonArray::fromStringList(names)).toJson(QJsonDocument::Compact));
        if (!upsert.exec()) {
            *error = upsert.lastError().text();
            return false;
        }
    }
    return true;
}

void SqliteWorker::readEvents(quint64 requestId, const EventQuery &eventQuery)
{
    EventPage page;
    if (!m_open) {
        page.error = QStringLiteral("the database is not open");
        emit eventsRead(requestId, page);
        return;
    }
    // The log is `events` (alert, device_status) plus `points` (each point is
    // its telemetry event); both are read by id range and merged by id.
    const QString telemetry = QStringLiteral("telemetry");
    // A state filter is for alerts: no telemetry event has a state.
    const bool wantTelemetry =
        eventQuery.state.isEmpty() && (eventQuery.types.isEmpty() || eventQuery.types.contains(telemetry));

    QVariantList values;
    auto filters = [&values, &eventQuery](const QString &timeColumn) {
        QString where = QStringLiteral(" WHERE id > ? AND account = ?");
        values.append(eventQuery.afterId);
        values.append(eventQuery.accountId);
        auto addIn = [&where, &values](const char *column, const QStringList &list) {
            if (list.isEmpty())
                return;
            where += QStringLiteral(" AND ") + QLatin1String(column) + QStringLiteral(" IN (")
                + placeholders(list.size()) + QLatin1Char(')');
            for (const QString &item : list)
                values.append(item);
        };
        addIn("site", eventQuery.sites);
        addIn("device", eventQuery.devices);
        if (eventQuery.since) {
            where += QStringLiteral(" AND ") + timeColumn + QStringLiteral(" >= ?");
            values.append(eventQuery.since->toMSecsSinceEpoch());
        }
        return where;
    };
    // Newest first in SQL when the newest `limit` are wanted; reversed below.
    const QString order = eventQuery.newest ? QStringLiteral(" DESC") : QString();
    QStringList parts;
    {
        QString part = QStringLiteral("SELECT * FROM (SELECT id, ts_ms, type, account, site, device, data,"
                                      " NULL AS device_ts, NULL AS seq, NULL AS fields, 0 AS from_points FROM events")
            + filters(QStringLiteral("ts_ms"));
        if (!eventQuery.types.isEmpty()) {
            part += QStringLiteral(" AND type IN (") + placeholders(eventQuery.types.size()) + QLatin1Char(')');
            for (const QString &type : eventQuery.types)
                values.append(type);
        }
        if (!eventQuery.state.isEmpty()) {
            part += QStringLiteral(" AND json_extract(data, '$.state') = ?");
            values.append(eventQuery.state);
        }
        part += QStringLiteral(" ORDER BY id") + order + QStringLiteral(" LIMIT ?)");
        values.append(eventQuery.limit + 1);
        parts.append(part);
    }
    if (wantTelemetry) {
        parts.append(QStringLiteral("SELECT * FROM (SELECT id, received_ms, 'telemetry', account, site, device, NULL,"
                                    " ts_ms, seq, fields, 1 FROM points")
                     + filters(QStringLiteral("received_ms")) + QStringLiteral(" ORDER BY id") + order
                     + QStringLiteral(" LIMIT ?)"));
        values.append(eventQuery.limit + 1);
    }
    const QString sql = parts.join(QStringLiteral(" UNION ALL ")) + QStringLiteral(" ORDER BY 1") + order
        + QStringLiteral(" LIMIT ?");
    values.append(eventQuery.limit + 1);

    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(sql);
    for (const QVariant &value : std::as_const(values))
        query.addBindValue(value);
    if (!query.exec()) {
        page.error = query.lastError().text();
        emit eventsRead(requestId, page);
        return;
    }
    while (query.next()) {
        if (page.events.size() == eventQuery.limit) {
            page.hasMore = true;
            break;
        }
        StoredEvent event;
        event.id = query.value(0).toULongLong();
        event.ts = fromMsecs(query.value(1).toLongLong());
        event.type = query.value(2).toString();
        event.accountId = query.value(3).toString();
        event.siteId = query.value(4).toString();
        event.deviceId = query.value(5).toString();
        event.topic = DeviceRecord{event.accountId, event.siteId, event.deviceId}.topic();
        if (query.value(10).toInt() == 1) {
            // The same data the hub published live (IngestService).
            event.data = QJsonObject{
                {QStringLiteral("deviceId"), event.deviceId},
                {QStringLiteral("ts"), formatRfc3339Utc(fromMsecs(query.value(7).toLongLong()))},
                {QStringLiteral("fields"), parseObject(query.value(9).toByteArray())},
            };
            if (!query.value(8).isNull())
                event.data.insert(QStringLiteral("seq"), double(query.value(8).toLongLong()));
        } else {
            event.data = parseObject(query.value(6).toByteArray());
        }
        page.events.append(event);
    }
    query.finish();
    if (eventQuery.newest)
        std::reverse(page.events.begin(), page.events.end());
    if (query.exec(QStringLiteral("SELECT MIN(m) FROM (SELECT MIN(id) AS m FROM events UNION ALL"
                                  " SELECT MIN(id) FROM points)"))
        && query.next())
        page.oldestRetainedId = query.value(0).toULongLong();
    page.ok = true;
    emit eventsRead(requestId, page);
}

void SqliteWorker::scheduleRollUp()
{
    if (m_rollUpScheduled)
        return;
    m_rollUpScheduled = true;
    QTimer::singleShot(kRollupDelayMs, this, &SqliteWorker::rollUpInBackground);
}

void SqliteWorker::rollUpInBackground()
{
    m_rollUpScheduled = false;
    if (!m_open)
        return;
    bool more = false;
    QString error;
    if (!rollUp(kRollupChunk, &more, &error)) {
        // The next commit or bucket read tries again; nothing is lost.
        qCWarning(lcServerStore) << "folding points into the rollups failed:" << error;
        return;
    }
    if (more) {
        // One chunk per turn: writes queued meanwhile go first.
        m_rollUpScheduled = true;
        QMetaObject::invokeMethod(this, &SqliteWorker::rollUpInBackground, Qt::QueuedConnection);
    }
}

bool SqliteWorker::rollUp(int maxPoints, bool *more, QString *error)
{
    *more = false;
    if (!m_open) {
        *error = QStringLiteral("the database is not open");
        return false;
    }
    // IMMEDIATE: the watermark is read and moved in one write transaction,
    // so two servers sharing the file (SqlitePointStore) never fold a point
    // twice. Points get ids in commit order (event ids, or rowids), so every
    // point above the watermark is one not folded yet.
    if (!exec(QStringLiteral("BEGIN IMMEDIATE"), error))
        return false;
    const auto fail = [this, error](const QSqlQuery &query) {
        *error = query.lastError().text();
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    };
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    quint64 watermark = 0;
    if (!query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'rollup_id'")))
        return fail(query);
    if (query.next())
        watermark = query.value(0).toULongLong();
    query.finish();
    query.prepare(QStringLiteral("SELECT id, account, device, ts_ms, CAST(fields AS BLOB) FROM points WHERE id > ?"
                                 " ORDER BY id LIMIT ?"));
    query.addBindValue(watermark);
    query.addBindValue(maxPoints);
    if (!query.exec())
        return fail(query);
    std::map<std::tuple<QString, QString, qint64>, PartialBucket> folded;
    int rows = 0;
    quint64 lastId = watermark;
    while (query.next()) {
        ++rows;
        lastId = query.value(0).toULongLong();
        const qint64 tsMs = query.value(3).toLongLong();
        const QByteArray fields = query.value(4).toByteArray();
        folded[{query.value(1).toString(), query.value(2).toString(), BucketAggregator::floorTo(tsMs, kRollupMs)}]
            .addPoint(tsMs, fields);
    }
    query.finish();
    QSqlQuery select(m_db);
    QSqlQuery upsert(m_db);
    select.prepare(QStringLiteral("SELECT data FROM point_rollups WHERE account = ? AND device = ? AND bucket_ms = ?"));
    upsert.prepare(QStringLiteral("INSERT OR REPLACE INTO point_rollups (account, device, bucket_ms, data) VALUES (?, ?, ?, ?)"));
    for (auto it = folded.begin(); it != folded.end(); ++it) {
        const auto &[account, device, bucketMs] = it->first;
        select.addBindValue(account);
        select.addBindValue(device);
        select.addBindValue(bucketMs);
        if (!select.exec())
            return fail(select);
        PartialBucket bucket;
        if (select.next()) {
            // A row this code cannot read (written by a later version) is
            // started again rather than blocking every later fold.
            bucket = PartialBucket::decode(select.value(0).toByteArray()).value_or(PartialBucket());
        }
        select.finish();
        bucket.merge(it->second, true); // the new points came later
        upsert.addBindValue(account);
        upsert.addBindValue(device);
        upsert.addBindValue(bucketMs);
        upsert.addBindValue(bucket.encode());
        if (!upsert.exec())
            return fail(upsert);
    }
    if (rows > 0) {
        query.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES ('rollup_id', ?)"
                                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
        query.addBindValue(lastId);
        if (!query.exec())
            return fail(query);
    }
    if (!exec(QStringLiteral("COMMIT"), error)) {
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    }
    *more = rows == maxPoints;
    return true;
}

bool SqliteWorker::readBuckets(const HistoryQuery &historyQuery, HistoryResult *result)
{
    const qint64 stepMs = qint64(historyQuery.stepSeconds) * 1000;
    const qint64 sinceMs = historyQuery.since.toMSecsSinceEpoch();
    const qint64 untilMs = historyQuery.until.toMSecsSinceEpoch();
    // Whole rollup minutes inside [since, until) come from the rollups when
    // each bucket is made of whole minutes; the partial minutes at either
    // end, and every other step, from the points themselves.
    const qint64 rollFromMs = BucketAggregator::floorTo(sinceMs + kRollupMs - 1, kRollupMs);
    const qint64 rollToMs = BucketAggregator::floorTo(untilMs, kRollupMs);
    const bool useRollups = stepMs % kRollupMs == 0 && rollFromMs < rollToMs;
    if (useRollups) {
        // Fold what the background fold has not reached yet, so the answer
        // has every stored point.
        bool more = true;
        while (more) {
            if (!rollUp(200000, &more, &result->error))
                return false;
        }
    }
    BucketAggregator aggregator(stepMs, historyQuery.limit, historyQuery.fields);
    QSqlQuery raw(m_db);
    raw.setForwardOnly(true);
    raw.prepare(QStringLiteral("SELECT ts_ms, CAST(fields AS BLOB) FROM points WHERE account = ? AND device = ?"
                               " AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms DESC, id DESC"));
    // Newest first; false when reading stopped (limit reached or an error).
    const auto readPoints = [&](qint64 fromMs, qint64 toMs) {
        if (fromMs >= toMs)
            return true;
        raw.addBindValue(historyQuery.accountId);
        raw.addBindValue(historyQuery.deviceId);
        raw.addBindValue(fromMs);
        raw.addBindValue(toMs);
        if (!raw.exec()) {
            result->error = raw.lastError().text();
            return false;
        }
        bool going = true;
        while (going && raw.next())
            going = aggregator.addPoint(raw.value(0).toLongLong(), raw.value(1).toByteArray());
        raw.finish();
        return going;
    };
    const auto readRollups = [&] {
        QSqlQuery rollups(m_db);
        rollups.setForwardOnly(true);
        rollups.prepare(QStringLiteral("SELECT bucket_ms, data FROM point_rollups WHERE account = ? AND device = ?"
                                       " AND bucket_ms >= ? AND bucket_ms < ? ORDER BY bucket_ms DESC"));
        rollups.addBindValue(historyQuery.accountId);
        rollups.addBindValue(historyQuery.deviceId);
        rollups.addBindValue(rollFromMs);
        rollups.addBindValue(rollToMs);
        if (!rollups.exec()) {
            result->error = rollups.lastError().text();
            return false;
        }
        QList<QByteArray> only;
        for (const QString &name : historyQuery.fields)
            only.append(name.toUtf8());
        while (rollups.next()) {
            const std::optional<PartialBucket> bucket = PartialBucket::decode(rollups.value(1).toByteArray(), only);
            if (!bucket) {
                result->error = QStringLiteral("a rollup row of %1 is unreadable").arg(historyQuery.deviceId);
                return false;
            }
            if (!aggregator.addPartial(rollups.value(0).toLongLong(), *bucket))
                return false;
        }
        return true;
    };
    if (useRollups) {
        if (readPoints(rollToMs, untilMs) && readRollups())
            readPoints(sinceMs, rollFromMs);
    } else {
        readPoints(sinceMs, untilMs);
    }
    if (!result->error.isEmpty())
        return false;
    result->buckets = aggregator.takeBuckets();
    result->truncated = aggregator.isTruncated();
    return true;
}

void SqliteWorker::readHistory(quint64 requestId, const HistoryQuery &historyQuery)
{
    HistoryResult result;
    if (!m_open) {
        result.error = QStringLiteral("the database is not open");
        emit historyRead(requestId, result);
        return;
    }
    if (historyQuery.stepSeconds > 0) {
        result.ok = readBuckets(historyQuery, &result);
        emit historyRead(requestId, result);
        return;
    }
    // The newest `limit` points of the range, returned oldest first.
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT ts_ms, seq, fields FROM points WHERE account = ? AND device = ?"
                                 " AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms DESC, id DESC LIMIT ?"));
    query.addBindValue(historyQuery.accountId);
    query.addBindValue(historyQuery.deviceId);
    query.addBindValue(historyQuery.since.toMSecsSinceEpoch());
    query.addBindValue(historyQuery.until.toMSecsSinceEpoch());
    query.addBindValue(historyQuery.limit + 1);
    if (!query.exec()) {
        result.error = query.lastError().text();
        emit historyRead(requestId, result);
        return;
    }
    while (query.next()) {
        if (result.points.size() == historyQuery.limit) {
            result.truncated = true;
            break;
        }
        HistoryPoint point;
        point.ts = fromMsecs(query.value(0).toLongLong());
        if (!query.value(1).isNull())
            point.seq = query.value(1).toLongLong();
        QJsonObject fields = parseObject(query.value(2).toByteArray());
        if (!historyQuery.fields.isEmpty()) {
            QJsonObject selected;
            for (const QString &name : historyQuery.fields) {
                if (fields.contains(name))
                    selected.insert(name, fields.value(name));
            }
            fields = selected;
        }
        point.fields = fields;
        result.points.append(point);
    }
    std::reverse(result.points.begin(), result.points.end());
    result.ok = true;
    emit historyRead(requestId, result);
}

void SqliteWorker::purge(quint64 requestId, const QDateTime &cutoff)
{
    // Commit what is queued first, so a purge never races a pending write.
    if (!m_pending.isEmpty())
        commitPending();
    QString error;
    bool ok = m_open;
    if (ok) {
        QSqlQuery query(m_db);
        const qint64 cutoffMs = cutoff.toMSecsSinceEpoch();
        ok = m_db.transaction();
        if (ok) {
            // Ids grow with publish time, so the expired points are an id
            // prefix: found by walking rowids from the start (stops at the
            // first young point), no index on received_ms to keep up on
            // every insert.
            query.prepare(QStringLiteral("DELETE FROM points WHERE id < COALESCE((SELECT id FROM points"
                                         " WHERE received_ms >= ? ORDER BY id LIMIT 1), (SELECT MAX(id) + 1 FROM points))"
                                         " AND received_ms < ?"));
            query.addBindValue(cutoffMs);
            query.addBindValue(cutoffMs);
            ok = query.exec();
        }
        if (ok) {
            query.prepare(QStringLiteral("DELETE FROM events WHERE ts_ms < ?"));
            query.addBindValue(cutoffMs);
            ok = query.exec();
        }
        if (ok) {
            // Rollup minutes go with the points they hold: those that end by
            // the device's oldest point left (points go by receive time,
            // rollups are in device time, so a cutoff in device time would
            // drop minutes whose points are still served).
            ok = query.exec(QStringLiteral(
                "DELETE FROM point_rollups WHERE bucket_ms + %1 <= COALESCE((SELECT MIN(ts_ms) FROM points p"
                " WHERE p.account = point_rollups.account AND p.device = point_rollups.device), 9223372036854775807 - %1)")
                                .arg(kRollupMs));
        }
        if (!ok) {
            error = query.lastError().text();
            m_db.rollback();
        } else if (!m_db.commit()) {
            ok = false;
            error = m_db.lastError().text();
        }
    } else {
        error = QStringLiteral("the database is not open");
    }
    if (!ok)
        qCWarning(lcServerStore) << "retention purge failed:" << error;
    emit purged(requestId, ok);
}

} // namespace Sightline
