#include "server/rediseventlog.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QTimer>

#include "server/logging.h"

namespace Sightline {

namespace {

// Entries per XRANGE while reading the log, and per XREAD while following.
constexpr int kReadChunk = 1000;
constexpr int kFollowChunk = 1000;
// How long one XREAD waits for new entries before it is sent again.
constexpr int kFollowBlockMs = 5000;
// How long close() lets appends in flight finish.
constexpr int kCloseTimeoutMs = 5000;

QByteArray entryId(quint64 id)
{
    return QByteArray::number(id) + "-0";
}

quint64 idOfEntry(const QByteArray &entryId)
{
    const qsizetype dash = entryId.indexOf('-');
    return (dash < 0 ? entryId : entryId.left(dash)).toULongLong();
}

QDateTime fromMsecs(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

// 'p' telemetry, 's' a state event (device_status, alert), 'e' the rest;
// with the key and value eventlog.lua compares (see the script).
struct Appendable
{
    QByteArray kind;
    QByteArray key;
    QByteArray value;
};

Appendable classify(const StoredEvent &event)
{
    const QString device = event.accountId + QLatin1Char('/') + event.deviceId;
    if (event.type == QLatin1String("device_status"))
        return {"s", (QStringLiteral("status:") + device).toUtf8(),
                event.data.value(QLatin1String("status")).toString().toUtf8()};
    if (event.type == QLatin1String("alert"))
        return {"s",
                (QStringLiteral("alert:") + device + QLatin1Char(':')
                 + event.data.value(QLatin1String("ruleId")).toString())
                    .toUtf8(),
                event.data.value(QLatin1String("state")).toString().toUtf8()};
    return {"e", {}, {}};
}

void appendEvent(QList<QByteArray> &arguments, const Appendable &what, const StoredEvent &event)
{
    arguments << what.kind << what.key << what.value << QByteArray::number(event.ts.toMSecsSinceEpoch())
              << event.type.toUtf8()
              << (event.accountId + QLatin1Char('/') + event.siteId + QLatin1Char('/') + event.deviceId).toUtf8()
              << QJsonDocument(event.data).toJson(QJsonDocument::Compact);
}

// Waits on the event loop for one reply (open() only).
RedisReply blockingCommand(RedisConnection &connection, const QList<QByteArray> &arguments, int timeoutMs)
{
    RedisReply result = RedisReply::failure(QStringLiteral("no answer within %1 ms").arg(timeoutMs));
    QEventLoop loop;
    bool answered = false;
    connection.command(arguments, [&](const RedisReply &reply) {
        result = reply;
        answered = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!answered)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    return result;
}

} // namespace

struct RedisEventLog::ReadState
{
    EventQuery query;
    EventCallback done;
    EventPage page;
    QByteArray cursor; // the next XRANGE starts after (or XREVRANGE before) this entry
};

RedisEventLog::RedisEventLog(const RedisAddress &address, int retentionHours, QObject *parent)
    : Storage(parent)
    , m_address(address)
    , m_retentionMs(qint64(retentionHours) * 3600 * 1000)
{
    qRegisterMetaType<Sightline::StoredEvent>();
}

RedisEventLog::~RedisEventLog()
{
    close();
}

bool RedisEventLog::open(QString *error)
{
    if (m_open)
        return true;
    QFile script(QStringLiteral(":/sightline/server/eventlog.lua"));
    if (!script.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("the event log script is missing from the build");
        return false;
    }
    m_script = script.readAll();
    m_scriptSha = QCryptographicHash::hash(m_script, QCryptographicHash::Sha1).toHex();
    m_stream = m_prefix + "events";

    m_commands = std::make_unique<RedisConnection>(m_address, QStringLiteral("commands"));
    m_follower = std::make_unique<RedisConnection>(m_address, QStringLiteral("follower"));
    m_commands->open();
    m_follower->open();
    if (!m_commands->waitForConnected(kOpenTimeoutMs, error) || !m_follower->waitForConnected(kOpenTimeoutMs, error)) {
        m_commands.reset();
        m_follower.reset();
        return false;
    }

    // The counter, the state the rules and the device tracker had, and what
    // each device sent: one atomic read.
    const RedisReply loaded = blockingCommand(
        *m_commands, {"EVAL", m_script, "0", m_prefix, "open", "0"}, kOpenTimeoutMs);
    if (loaded.isError() || loaded.type != RedisReply::Type::Array || loaded.elements.size() != 3) {
        *error = QStringLiteral("cannot read the event log in Redis at %1: %2")
                     .arg(m_address.displayUrl(), QString::fromUtf8(loaded.string));
        m_commands.reset();
        m_follower.reset();
        return false;
    }
    m_lastKnownId = quint64(loaded.elements.at(0).integer);
    m_followedId = m_lastKnownId;
    m_stateEvents.clear();
    for (const RedisReply &saved : loaded.elements.at(1).elements) {
        const QList<QByteArray> parts = saved.string.split('\n');
        if (parts.size() < 7)
            continue;
        StoredEvent event;
        event.id = parts.at(0).toULongLong();
        event.ts = fromMsecs(parts.at(1).toLongLong());
        event.accountId = QString::fromUtf8(parts.at(2));
        event.siteId = QString::fromUtf8(parts.at(3));
        event.deviceId = QString::fromUtf8(parts.at(4));
        event.topic = DeviceRecord{event.accountId, event.siteId, event.deviceId}.topic();
        event.type = QString::fromUtf8(parts.at(5));
        // The JSON has no raw newline, so the rest is the data.
        event.data = QJsonDocument::fromJson(parts.mid(6).join('\n')).object();
        m_stateEvents.append(event);
    }
    std::sort(m_stateEvents.begin(), m_stateEvents.end(),
              [](const StoredEvent &a, const StoredEvent &b) { return a.id < b.id; });
    m_deviceStates.clear();
    for (const RedisReply &device : loaded.elements.at(2).elements) {
        if (device.elements.size() != 5)
            continue;
        DeviceState state;
        state.accountId = QString::fromUtf8(device.elements.at(0).string);
        state.siteId = QString::fromUtf8(device.elements.at(1).string);
        state.deviceId = QString::fromUtf8(device.elements.at(2).string);
        state.lastSeen = fromMsecs(device.elements.at(3).string.toLongLong());
        for (const RedisReply &name : device.elements.at(4).elements)
            state.fields.append(QString::fromUtf8(name.string));
        state.fields.sort();
        m_sentFields.insert(state.accountId + QLatin1Char('/') + state.deviceId,
                            QSet<QString>(state.fields.begin(), state.fields.end()));
        m_deviceStates.append(state);
    }

    connect(m_commands.get(), &RedisConnection::connected, this, &RedisEventLog::healAfterReconnect);
    connect(m_follower.get(), &RedisConnection::connected, this, &RedisEventLog::follow);
    m_open = true;
    qCInfo(lcServerStore, "event log in Redis at %s: last event id %llu, %d devices",
           qPrintable(m_address.displayUrl()), static_cast<unsigned long long>(m_lastKnownId),
           int(m_deviceStates.size()));
    follow();
    return true;
}

void RedisEventLog::close()
{
    if (!m_open)
        return;
    // Appends already sent are answered (or time out) before we go, so no
    // acknowledged request is cut off.
    processEventsUntil([this] { return m_pendingWrites == 0; }, kCloseTimeoutMs);
    m_open = false;
    m_follower->close();
    m_commands->close();
}

void RedisEventLog::runScript(const QList<QByteArray> &arguments, RedisConnection::Callback done)
{
    // EVALSHA first; after a Redis restart its script cache is empty
    // (NOSCRIPT), and EVAL sends the script once more and caches it again.
    QList<QByteArray> bySha{"EVALSHA", m_scriptSha, "0", m_prefix};
    bySha += arguments;
    m_commands->command(bySha, [this, arguments, done](const RedisReply &reply) {
        if (!reply.isError() || !reply.string.startsWith("NOSCRIPT")) {
            done(reply);
            return;
        }
        QList<QByteArray> full{"EVAL", m_script, "0", m_prefix};
        full += arguments;
        m_commands->command(full, done);
    });
}

void RedisEventLog::write(const WriteBatch &batch, WriteCallback done)
{
    if (!m_open) {
        QMetaObject::invokeMethod(
            this, [done] { done(WriteResult{false, QStringLiteral("the event log is not open"), {}, {}}); },
            Qt::QueuedConnection);
        return;
    }
    qint64 nowMs = 0;
    QList<QByteArray> arguments{"append"};
    QList<QByteArray> events;
    // One entry per device of the batch: last seen and the field names
    // Redis has not been sent yet.
    struct Seen
    {
        DeviceRecord device;
        qint64 lastSeenMs = 0;
        QSet<QString> newFields;
    };
    QHash<QString, Seen> seen;
    for (const PointWrite &write : batch.points) {
        const QString key = write.device.accountId + QLatin1Char('/') + write.device.deviceId;
        appendEvent(events, Appendable{"p", key.toUtf8(), write.point.seq ? QByteArray::number(*write.point.seq) : QByteArray()},
                    write.event);
        Seen &entry = seen[key];
        entry.device = write.device;
        entry.lastSeenMs = qMax(entry.lastSeenMs, write.event.ts.toMSecsSinceEpoch());
        const QSet<QString> &known = m_sentFields[key];
        for (auto it = write.point.fields.begin(); it != write.point.fields.end(); ++it) {
            if (!known.contains(it.key()))
                entry.newFields.insert(it.key());
        }
        nowMs = qMax(nowMs, write.event.ts.toMSecsSinceEpoch());
    }
    for (const StoredEvent &event : batch.events) {
        appendEvent(events, classify(event), event);
        nowMs = qMax(nowMs, event.ts.toMSecsSinceEpoch());
    }
    arguments << QByteArray::number(nowMs) << QByteArray::number(m_retentionMs)
              << QByteArray::number(batch.points.size() + batch.events.size()) << QByteArray::number(seen.size());
    arguments += events;
    for (const Seen &entry : std::as_const(seen)) {
        QStringList names(entry.newFields.begin(), entry.newFields.end());
        arguments << entry.device.accountId.toUtf8() << entry.device.siteId.toUtf8() << entry.device.deviceId.toUtf8()
                  << QByteArray::number(entry.lastSeenMs) << names.join(QLatin1Char(',')).toUtf8();
    }

    ++m_pendingWrites;
    const qsizetype pointCount = batch.points.size();
    runScript(arguments, [this, done, pointCount, seen](const RedisReply &reply) {
        --m_pendingWrites;
        WriteResult result;
        if (reply.isError() || reply.type != RedisReply::Type::Array) {
            result.error = QStringLiteral("Redis: ") + QString::fromUtf8(reply.string);
            if (m_commands->isConnected())
                m_scriptError = result.error; // Redis answered, but not as it should
            qCWarning(lcServerStore) << "appending to the event log failed:" << result.error;
            done(result);
            return;
        }
        m_scriptError.clear();
        result.ok = true;
        for (qsizetype i = 0; i < reply.elements.size(); ++i) {
            const qint64 id = reply.elements.at(i).integer;
            m_lastKnownId = qMax(m_lastKnownId, quint64(qAbs(id)));
            if (i < pointCount) {
                result.eventIds.append(quint64(qAbs(id)));
                result.duplicates.append(id < 0);
            } else if (id == 0) {
                qCDebug(lcServerStore) << "a state event changed nothing (another instance published it first)";
            }
        }
        for (auto it = seen.begin(); it != seen.end(); ++it)
            m_sentFields[it.key()].unite(it->newFields);
        done(result);
    });
}

void RedisEventLog::healAfterReconnect()
{
    if (!m_open)
        return;
    // Redis may come back with less than it had (no persistence, or an
    // older copy): the counter never goes below an id this instance saw,
    // so ids are never handed out twice.
    m_sentFields.clear();
    runScript({"heal", QByteArray::number(m_lastKnownId)}, [this](const RedisReply &reply) {
        if (reply.isError()) {
            qCWarning(lcServerStore) << "cannot check the event log after reconnecting:" << reply.string;
            return;
        }
        const quint64 top = quint64(reply.integer);
        if (top > m_lastKnownId)
            m_lastKnownId = top;
    });
}

void RedisEventLog::follow()
{
    if (!m_open || m_following || !m_follower->isConnected())
        return;
    m_following = true;
    m_follower->command({"XREAD", "COUNT", QByteArray::number(kFollowChunk), "BLOCK", QByteArray::number(kFollowBlockMs),
                         "STREAMS", m_stream, entryId(m_followedId)},
                        [this](const RedisReply &reply) {
                            m_following = false;
                            handleFollowed(reply);
                        },
                        kFollowBlockMs);
}

void RedisEventLog::handleFollowed(const RedisReply &reply)
{
    if (!m_open)
        return;
    if (reply.isError()) {
        // A lost connection resumes through `connected`; anything else is
        // Redis refusing the read: try again a little later.
        if (m_follower->isConnected()) {
            qCWarning(lcServerStore) << "following the event log failed:" << reply.string;
            QTimer::singleShot(1000, this, &RedisEventLog::follow);
        }
        return;
    }
    QList<StoredEvent> events;
    if (reply.type == RedisReply::Type::Array) {
        for (const RedisReply &stream : reply.elements) {
            if (stream.elements.size() != 2)
                continue;
            for (const RedisReply &entry : stream.elements.at(1).elements) {
                bool ok = false;
                StoredEvent event = eventFromEntry(entry, &ok);
                if (!ok || event.id <= m_followedId)
                    continue;
                if (event.id != m_followedId + 1)
                    qCWarning(lcServerStore) << "the event log skipped from" << m_followedId << "to" << event.id
                                             << "(retention trimmed events before this server followed them)";
                m_followedId = event.id;
                events.append(event);
            }
        }
    }
    m_lastKnownId = qMax(m_lastKnownId, m_followedId);
    follow();
    if (!events.isEmpty())
        emit eventsFollowed(events);
}

StoredEvent RedisEventLog::eventFromEntry(const RedisReply &entry, bool *ok) const
{
    StoredEvent event;
    *ok = false;
    if (entry.elements.size() != 2)
        return event;
    event.id = idOfEntry(entry.elements.at(0).string);
    const QList<RedisReply> &fields = entry.elements.at(1).elements;
    for (qsizetype i = 0; i + 1 < fields.size(); i += 2) {
        const QByteArray &name = fields.at(i).string;
        const QByteArray &value = fields.at(i + 1).string;
        if (name == "ts")
            event.ts = fromMsecs(value.toLongLong());
        else if (name == "a")
            event.accountId = QString::fromUtf8(value);
        else if (name == "s")
            event.siteId = QString::fromUtf8(value);
        else if (name == "d")
            event.deviceId = QString::fromUtf8(value);
        else if (name == "type")
            event.type = QString::fromUtf8(value);
        else if (name == "data")
            event.data = QJsonDocument::fromJson(value).object();
    }
    event.topic = DeviceRecord{event.accountId, event.siteId, event.deviceId}.topic();
    *ok = event.id != 0 && event.ts.isValid() && !event.type.isEmpty();
    return event;
}

void RedisEventLog::readEvents(const EventQuery &query, EventCallback done)
{
    auto state = std::make_shared<ReadState>();
    state->query = query;
    state->done = std::move(done);
    state->cursor = query.newest ? QByteArray() : entryId(query.afterId);
    if (!m_open) {
        state->page.error = QStringLiteral("the event log is not open");
        QMetaObject::invokeMethod(this, [state] { state->done(state->page); }, Qt::QueuedConnection);
        return;
    }
    continueRead(state);
}

void RedisEventLog::continueRead(const std::shared_ptr<ReadState> &state)
{
    // Forward: XRANGE (cursor +; backward for the newest: XREVRANGE (cursor
    // down to just above afterId. Filtering happens here: the stream holds
    // every account's events in one order.
    const EventQuery &query = state->query;
    QList<QByteArray> arguments;
    if (query.newest) {
        arguments = {"XREVRANGE", m_stream, state->cursor.isEmpty() ? QByteArray("+") : "(" + state->cursor,
                     "(" + entryId(query.afterId), "COUNT", QByteArray::number(kReadChunk)};
    } else {
        arguments = {"XRANGE", m_stream, "(" + state->cursor, "+", "COUNT", QByteArray::number(kReadChunk)};
    }
    m_commands->command(arguments, [this, state](const RedisReply &reply) {
        if (reply.isError()) {
            state->page.error = QStringLiteral("Redis: ") + QString::fromUtf8(reply.string);
            state->done(state->page);
            return;
        }
        const EventQuery &wanted = state->query;
        bool pastSince = false;
        for (const RedisReply &entry : reply.elements) {
            bool ok = false;
            const StoredEvent event = eventFromEntry(entry, &ok);
            state->cursor = entry.elements.value(0).string;
            if (!ok)
                continue;
            if (wanted.newest && wanted.since && event.ts < *wanted.since) {
                pastSince = true; // older ones are older still
                break;
            }
            if (!wanted.matches(event))
                continue;
            if (state->page.events.size() == wanted.limit) {
                state->page.hasMore = true;
                break;
            }
            state->page.events.append(event);
        }
        if (state->page.hasMore || pastSince || reply.elements.size() < kReadChunk) {
            finishRead(state);
            return;
        }
        continueRead(state);
    });
}

void RedisEventLog::finishRead(const std::shared_ptr<ReadState> &state)
{
    if (state->query.newest)
        std::reverse(state->page.events.begin(), state->page.events.end());
    m_commands->command({"XRANGE", m_stream, "-", "+", "COUNT", "1"}, [this, state](const RedisReply &reply) {
        if (reply.isError()) {
            state->page.error = QStringLiteral("Redis: ") + QString::fromUtf8(reply.string);
            state->page.events.clear();
            state->done(state->page);
            return;
        }
        state->page.oldestRetainedId =
            reply.elements.isEmpty() ? 0 : idOfEntry(reply.elements.first().elements.value(0).string);
        state->page.ok = true;
        state->done(state->page);
    });
}

void RedisEventLog::readHistory(const HistoryQuery &, HistoryCallback done)
{
    QMetaObject::invokeMethod(
        this,
        [done] {
            HistoryResult result;
            result.error = QStringLiteral("the event log in Redis keeps no history; points are in the point store");
            done(result);
        },
        Qt::QueuedConnection);
}

void RedisEventLog::purge(const QDateTime &cutoff, PurgeCallback done)
{
    if (!m_open) {
        QMetaObject::invokeMethod(this, [done] { done(false); }, Qt::QueuedConnection);
        return;
    }
    runScript({"trim", QByteArray::number(cutoff.toMSecsSinceEpoch())}, [done](const RedisReply &reply) {
        if (reply.isError())
            qCWarning(lcServerStore) << "retention trim of the event log failed:" << reply.string;
        done(!reply.isError());
    });
}

void RedisEventLog::fetchLastEventId(std::function<void(bool ok, quint64 id)> done)
{
    if (!m_open) {
        QMetaObject::invokeMethod(this, [done] { done(false, 0); }, Qt::QueuedConnection);
        return;
    }
    m_commands->command({"GET", m_prefix + "lastid"}, [this, done](const RedisReply &reply) {
        if (reply.isError()) {
            done(false, m_lastKnownId);
            return;
        }
        m_lastKnownId = qMax(m_lastKnownId, reply.string.toULongLong());
        done(true, m_lastKnownId);
    });
}

bool RedisEventLog::isHealthy() const
{
    return m_open && m_commands->isConnected() && m_follower->isConnected() && m_scriptError.isEmpty();
}

QString RedisEventLog::statusText() const
{
    if (!m_open)
        return QStringLiteral("not open");
    if (!m_commands->isConnected())
        return QStringLiteral("cannot reach Redis at %1: %2").arg(m_address.displayUrl(), m_commands->lastError());
    if (!m_follower->isConnected())
        return QStringLiteral("cannot follow the event log at %1: %2")
            .arg(m_address.displayUrl(), m_follower->lastError());
    if (!m_scriptError.isEmpty())
        return m_scriptError;
    return QStringLiteral("ok");
}

} // namespace Sightline
