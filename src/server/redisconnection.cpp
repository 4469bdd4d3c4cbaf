#include "server/redisconnection.h"

#include <QEventLoop>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

// hiredis' own Qt adapter: QSocketNotifiers that call redisAsyncHandleRead
// and redisAsyncHandleWrite. Its QObject is moc'ed by src/server/CMakeLists.
#include <hiredis/adapters/qt.h>

#include "server/logging.h"

namespace Sightline {

namespace {

constexpr int kFirstBackoffMs = 100;
constexpr int kMaxBackoffMs = 5000;
constexpr int kTimeoutCheckMs = 250;

RedisReply copyReply(const redisReply *reply)
{
    RedisReply copy;
    switch (reply->type) {
    case REDIS_REPLY_STATUS:
        copy.type = RedisReply::Type::Status;
        copy.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_ERROR:
        copy.type = RedisReply::Type::Error;
        copy.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_INTEGER:
        copy.type = RedisReply::Type::Integer;
        copy.integer = reply->integer;
        break;
    case REDIS_REPLY_STRING:
        copy.type = RedisReply::Type::String;
        copy.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_ARRAY:
        copy.type = RedisReply::Type::Array;
        copy.elements.reserve(qsizetype(reply->elements));
        for (size_t i = 0; i < reply->elements; ++i)
            copy.elements.append(copyReply(reply->element[i]));
        break;
    default:
        copy.type = RedisReply::Type::Nil;
        break;
    }
    return copy;
}

} // namespace

RedisReply RedisReply::failure(const QString &why)
{
    RedisReply reply;
    reply.type = Type::Error;
    reply.string = why.toUtf8();
    return reply;
}

QString RedisAddress::displayUrl() const
{
    QString url = QStringLiteral("redis://") + (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host)
        + QLatin1Char(':') + QString::number(port);
    if (database != 0)
        url += QLatin1Char('/') + QString::number(database);
    return url;
}

std::optional<RedisAddress> RedisAddress::fromUrl(const QString &text, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("redis") || url.host().isEmpty()) {
        *error = QStringLiteral("\"%1\" is not a redis://HOST[:PORT][/DB] URL").arg(text);
        return std::nullopt;
    }
    RedisAddress address;
    address.host = url.host();
    const int port = url.port(6379);
    if (port <= 0 || port > 65535) {
        *error = QStringLiteral("\"%1\": the port must be 1 to 65535").arg(text);
        return std::nullopt;
    }
    address.port = quint16(port);
    address.password = url.password(QUrl::FullyDecoded).toUtf8();
    const QString path = url.path();
    if (!path.isEmpty() && path != QLatin1String("/")) {
        bool ok = false;
        address.database = path.mid(1).toInt(&ok);
        if (!ok || address.database < 0) {
            *error = QStringLiteral("\"%1\": the path must be a database number (/0, /1, ...)").arg(text);
            return std::nullopt;
        }
    }
    return address;
}

RedisConnection::RedisConnection(const RedisAddress &address, const QString &name, QObject *parent)
    : QObject(parent)
    , m_address(address)
    , m_name(name)
{
    m_clock.start();
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &RedisConnection::connectNow);
    m_timeoutTimer.setInterval(kTimeoutCheckMs);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &RedisConnection::checkTimeouts);
}

RedisConnection::~RedisConnection()
{
    // Owners go away with their callbacks: none runs from here on.
    m_pending.clear();
    close();
}

void RedisConnection::open()
{
    if (m_wanted)
        return;
    m_wanted = true;
    connectNow();
}

void RedisConnection::close()
{
    m_wanted = false;
    m_reconnectTimer.stop();
    dropContext(QStringLiteral("the connection was closed"));
}

bool RedisConnection::waitForConnected(int timeoutMs, QString *error)
{
    if (m_ready)
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &RedisConnection::connected, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    if (!m_ready)
        *error = QStringLiteral("cannot reach Redis at %1: %2")
                     .arg(m_address.displayUrl(),
                          m_lastError.isEmpty() ? QStringLiteral("no answer within %1 ms").arg(timeoutMs) : m_lastError);
    return m_ready;
}

void RedisConnection::connectNow()
{
    if (!m_wanted || m_context)
        return;
    redisAsyncContext *context = redisAsyncConnect(m_address.host.toUtf8().constData(), m_address.port);
    if (!context || context->err) {
        m_lastError = context ? QString::fromUtf8(context->errstr) : QStringLiteral("out of memory");
        if (context)
            redisAsyncFree(context);
        scheduleReconnect();
        return;
    }
    m_context = context;
    context->data = this;
    auto *adapter = new RedisQtAdapter;
    adapter->setContext(context);
    // The adapter never deletes itself; hiredis calls the cleanup hook once,
    // while the context is still valid, whichever way the connection ends
    // (refused, lost, or freed by us). That is where it is deleted.
    context->ev.cleanup = &RedisConnection::onCleanup;
    redisAsyncSetConnectCallback(context, &RedisConnection::onConnect);
    redisAsyncSetDisconnectCallback(context, &RedisConnection::onDisconnect);

    // The handshake is pipelined ahead of everything else; the connection
    // counts as up once its last command answered.
    QList<QList<QByteArray>> handshake;
    if (!m_address.password.isEmpty())
        handshake.append({QByteArrayLiteral("AUTH"), m_address.password});
    if (m_address.database != 0)
        handshake.append({QByteArrayLiteral("SELECT"), QByteArray::number(m_address.database)});
    handshake.append({QByteArrayLiteral("PING")});
    for (qsizetype i = 0; i < handshake.size(); ++i) {
        const bool last = i == handshake.size() - 1;
        const quint64 id = m_nextRequestId++;
        m_pending.insert(id, Pending{[this, last](const RedisReply &reply) {
                                         if (reply.isError()) {
                                             m_lastError = QString::fromUtf8(reply.string);
                                             dropContext(m_lastError);
                                             return;
                                         }
                                         if (!last)
                                             return;
                                         m_ready = true;
                                         m_backoffMs = 0;
                                         qCInfo(lcServerStore, "redis (%s): connected to %s", qPrintable(m_name),
                                                qPrintable(m_address.displayUrl()));
                                         emit connected();
                                     },
                                     m_clock.elapsed() + m_commandTimeoutMs});
        sendRaw(handshake.at(i), id);
    }
    m_timeoutTimer.start();
}

bool RedisConnection::sendRaw(const QList<QByteArray> &arguments, quint64 requestId)
{
    QVarLengthArray<const char *, 16> argv;
    QVarLengthArray<size_t, 16> lengths;
    for (const QByteArray &argument : arguments) {
        argv.append(argument.constData());
        lengths.append(size_t(argument.size()));
    }
    return redisAsyncCommandArgv(m_context, &RedisConnection::onReply, reinterpret_cast<void *>(quintptr(requestId)),
                                 int(argv.size()), argv.data(), lengths.data())
        == REDIS_OK;
}

void RedisConnection::command(const QList<QByteArray> &arguments, Callback done, int extraTimeoutMs)
{
    if (!m_ready || !m_context) {
        const QString why = QStringLiteral("not connected to Redis at %1%2")
                                .arg(m_address.displayUrl(),
                                     m_lastError.isEmpty() ? QString() : QStringLiteral(" (") + m_lastError + QLatin1Char(')'));
        QMetaObject::invokeMethod(this, [done, why] { done(RedisReply::failure(why)); }, Qt::QueuedConnection);
        return;
    }
    const quint64 id = m_nextRequestId++;
    m_pending.insert(id, Pending{std::move(done), m_clock.elapsed() + m_commandTimeoutMs + extraTimeoutMs});
    if (!m_timeoutTimer.isActive())
        m_timeoutTimer.start();
    if (!sendRaw(arguments, id)) {
        const Pending pending = m_pending.take(id);
        const QString why = QStringLiteral("cannot send to Redis: %1").arg(QString::fromUtf8(m_context->errstr));
        QMetaObject::invokeMethod(this, [pending, why] { pending.done(RedisReply::failure(why)); },
                                  Qt::QueuedConnection);
    }
}

void RedisConnection::onConnect(const redisAsyncContext *context, int status)
{
    if (auto *self = static_cast<RedisConnection *>(context->data))
        self->handleConnected(status);
}

void RedisConnection::onDisconnect(const redisAsyncContext *context, int status)
{
    if (auto *self = static_cast<RedisConnection *>(context->data))
        self->handleDisconnected(status);
}

void RedisConnection::onReply(redisAsyncContext *context, void *reply, void *privateData)
{
    if (auto *self = static_cast<RedisConnection *>(context->data))
        self->handleReply(quint64(reinterpret_cast<quintptr>(privateData)), reply);
}

void RedisConnection::onCleanup(void *adapter)
{
    // What the adapter's own cleanup hook does (drop both notifiers), then
    // the adapter itself.
    RedisQtCleanup(adapter);
    delete static_cast<RedisQtAdapter *>(adapter);
}

void RedisConnection::handleConnected(int status)
{
    if (status == REDIS_OK)
        return; // ready once the handshake answered
    // hiredis frees the context after this callback.
    m_lastError = QString::fromUtf8(m_context->errstr);
    m_context->data = nullptr;
    m_context = nullptr;
    failAllPending(m_lastError);
    scheduleReconnect();
}

void RedisConnection::handleDisconnected(int status)
{
    // hiredis frees the context after this callback.
    if (status != REDIS_OK && m_context)
        m_lastError = QString::fromUtf8(m_context->errstr);
    else if (m_lastError.isEmpty())
        m_lastError = QStringLiteral("the server closed the connection");
    if (m_context)
        m_context->data = nullptr;
    m_context = nullptr;
    const bool wasReady = std::exchange(m_ready, false);
    failAllPending(QStringLiteral("lost the connection to Redis: ") + m_lastError);
    if (wasReady) {
        qCWarning(lcServerStore, "redis (%s): lost the connection to %s: %s", qPrintable(m_name),
                  qPrintable(m_address.displayUrl()), qPrintable(m_lastError));
        emit disconnected(m_lastError);
    }
    scheduleReconnect();
}

void RedisConnection::handleReply(quint64 requestId, const void *reply)
{
    const auto it = m_pending.find(requestId);
    if (it == m_pending.end())
        return;
    const Callback done = std::move(it->done);
    m_pending.erase(it);
    if (m_pending.isEmpty())
        m_timeoutTimer.stop();
    if (reply)
        done(copyReply(static_cast<const redisReply *>(reply)));
    else
        done(RedisReply::failure(QStringLiteral("lost the connection to Redis")));
}

void RedisConnection::failAllPending(const QString &why)
{
    m_timeoutTimer.stop();
    const QMap<quint64, Pending> pending = std::exchange(m_pending, {});
    const RedisReply failure = RedisReply::failure(why);
    for (const Pending &entry : pending)
        entry.done(failure);
}

void RedisConnection::dropContext(const QString &why)
{
    redisAsyncContext *context = std::exchange(m_context, nullptr);
    const bool wasReady = std::exchange(m_ready, false);
    if (context) {
        // No callback of ours runs for this context any more; hiredis still
        // answers its own callbacks (with no reply) and cleans the adapter up.
        context->data = nullptr;
        redisAsyncFree(context);
    }
    failAllPending(why);
    if (wasReady) {
        if (m_wanted)
            qCWarning(lcServerStore, "redis (%s): dropped the connection to %s: %s", qPrintable(m_name),
                      qPrintable(m_address.displayUrl()), qPrintable(why));
        emit disconnected(why);
    }
    scheduleReconnect();
}

void RedisConnection::scheduleReconnect()
{
    if (!m_wanted || m_reconnectTimer.isActive())
        return;
    m_backoffMs = m_backoffMs == 0 ? kFirstBackoffMs : qMin(m_backoffMs * 2, kMaxBackoffMs);
    m_reconnectTimer.start(m_backoffMs);
}

void RedisConnection::checkTimeouts()
{
    if (m_pending.isEmpty()) {
        m_timeoutTimer.stop();
        return;
    }
    const qint64 now = m_clock.elapsed();
    for (const Pending &pending : std::as_const(m_pending)) {
        if (pending.deadlineMs <= now) {
            m_lastError = QStringLiteral("Redis did not answer within %1 ms").arg(m_commandTimeoutMs);
            dropContext(m_lastError);
            return;
        }
    }
}

} // namespace Sightline
