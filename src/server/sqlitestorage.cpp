#include "server/sqlitestorage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include "server/logging.h"
#include "server/sqliteworker.h"

namespace Sightline {

SqliteStorage::SqliteStorage(const QString &databasePath, QObject *parent)
    : Storage(parent)
    , m_path(databasePath)
{
    qRegisterMetaType<Sightline::WriteBatch>();
    qRegisterMetaType<Sightline::WriteResult>();
    qRegisterMetaType<Sightline::EventQuery>();
    qRegisterMetaType<Sightline::EventPage>();
    qRegisterMetaType<Sightline::HistoryQuery>();
    qRegisterMetaType<Sightline::HistoryResult>();
    m_thread.setObjectName(QStringLiteral("sightline-storage"));
}

SqliteStorage::~SqliteStorage()
{
    close();
}

bool SqliteStorage::open(QString *error)
{
    if (m_open)
        return true;
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        *error = QStringLiteral("cannot create the folder of %1").arg(m_path);
        return false;
    }
    m_worker = new SqliteWorker(m_path);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &SqliteStorage::writeRequested, m_worker, &SqliteWorker::enqueueWrite);
    connect(this, &SqliteStorage::eventsRequested, m_worker, &SqliteWorker::readEvents);
    connect(this, &SqliteStorage::historyRequested, m_worker, &SqliteWorker::readHistory);
    connect(this, &SqliteStorage::purgeRequested, m_worker, &SqliteWorker::purge);
    connect(m_worker, &SqliteWorker::writeFinished, this, &SqliteStorage::handleWriteFinished);
    connect(m_worker, &SqliteWorker::eventsRead, this, &SqliteStorage::handleEventsRead);
    connect(m_worker, &SqliteWorker::historyRead, this, &SqliteStorage::handleHistoryRead);
    connect(m_worker, &SqliteWorker::purged, this, &SqliteStorage::handlePurged);
    connect(m_worker, &SqliteWorker::commitTimed, this, &Storage::commitTimed);
    connect(m_worker, &SqliteWorker::healthChanged, this, [this](bool healthy, const QString &status) {
        m_healthy = healthy;
        m_status = status;
    });
    m_thread.start();

    bool ok = false;
    QString openError;
    quint64 lastId = 0;
    QList<DeviceState> states;
    QList<StoredEvent> stateEvents;
    SqliteWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker,
        [worker, &ok, &openError, &lastId, &states, &stateEvents] {
            ok = worker->openDatabase(&openError, &lastId, &states, &stateEvents);
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        *error = openError;
        m_thread.quit();
        m_thread.wait();
        m_worker = nullptr;
        return false;
    }
    m_lastEventId = lastId;
    m_deviceStates = states;
    m_stateEvents = stateEvents;
    m_open = true;
    m_healthy = true;
    m_status = QStringLiteral("ok");
    qCInfo(lcServerStore) << "telemetry storage open:" << m_path << "last event id" << lastId;
    return true;
}

void SqliteStorage::close()
{
    if (!m_open)
        return;
    m_open = false;
    // Every request already queued to the worker runs before this call
    // (queued events are delivered in order), then pending writes commit.
    SqliteWorker *worker = m_worker;
    QMetaObject::invokeMethod(m_worker, [worker] { worker->closeDatabase(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_worker = nullptr;
    // Deliver the answers the worker queued to us, so every acknowledged
    // write reaches its caller before we return.
    QCoreApplication::sendPostedEvents(this);
    m_healthy = false;
    m_status = QStringLiteral("closed");
    const auto fail = [](auto &callbacks, auto value) {
        const auto pending = std::exchange(callbacks, {});
        for (const auto &callback : pending)
            callback(value);
    };
    WriteResult writeFailure;
    writeFailure.error = m_status;
    fail(m_writeCallbacks, writeFailure);
    EventPage eventFailure;
    eventFailure.error = m_status;
    fail(m_eventCallbacks, eventFailure);
    HistoryResult historyFailure;
    historyFailure.error = m_status;
    fail(m_historyCallbacks, historyFailure);
    fail(m_purgeCallbacks, false);
}

void SqliteStorage::dropConnectionForTest()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &SqliteWorker::dropConnection, Qt::QueuedConnection);
}

bool SqliteStorage::isHealthy() const
{
    return m_open && m_healthy;
}

QString SqliteStorage::statusText() const
{
    return m_status;
}

void SqliteStorage::write(const WriteBatch &batch, WriteCallback done)
{
    if (!m_open) {
        WriteResult result;
        result.error = QStringLiteral("storage is closed");
        done(result);
        return;
    }
    const quint64 id = m_nextRequestId++;
    m_writeCallbacks.insert(id, std::move(done));
    emit writeRequested(id, batch);
}

void SqliteStorage::readEvents(const EventQuery &query, EventCallback done)
{
    if (!m_open) {
        EventPage page;
        page.error = QStringLiteral("storage is closed");
        done(page);
        return;
    }
    const quint64 id = m_nextRequestId++;
    m_eventCallbacks.insert(id, std::move(done));
    emit eventsRequested(id, query);
}

void SqliteStorage::readHistory(const HistoryQuery &query, HistoryCallback done)
{
    if (!m_open) {
        HistoryResult result;
        result.error = QStringLiteral("storage is closed");
        done(result);
        return;
    }
    const quint64 id = m_nextRequestId++;
    m_historyCallbacks.insert(id, std::move(done));
    emit historyRequested(id, query);
}

void SqliteStorage::purge(const QDateTime &cutoff, PurgeCallback done)
{
    if (!m_open) {
        done(false);
        return;
    }
    const quint64 id = m_nextRequestId++;
    m_purgeCallbacks.insert(id, std::move(done));
    emit purgeRequested(id, cutoff);
}

void SqliteStorage::handleWriteFinished(quint64 requestId, const WriteResult &result)
{
    if (const WriteCallback callback = m_writeCallbacks.take(requestId))
        callback(result);
}

void SqliteStorage::handleEventsRead(quint64 requestId, const EventPage &page)
{
    if (const EventCallback callback = m_eventCallbacks.take(requestId))
        callback(page);
}

void SqliteStorage::handleHistoryRead(quint64 requestId, const HistoryResult &result)
{
    if (const HistoryCallback callback = m_historyCallbacks.take(requestId))
        callback(result);
}

void SqliteStorage::handlePurged(quint64 requestId, bool ok)
{
    if (const PurgeCallback callback = m_purgeCallbacks.take(requestId))
        callback(ok);
}

} // namespace Sightline
