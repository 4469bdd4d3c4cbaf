#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <optional>

struct redisAsyncContext;

namespace Sightline {

// One reply of Redis, copied out of hiredis' reply tree so it can outlive
// the callback (issue 8).
struct RedisReply
{
    enum class Type { Nil, Status, Error, Integer, String, Array };

    Type type = Type::Nil;
    QByteArray string; // Status, Error and String
    qint64 integer = 0;
    QList<RedisReply> elements; // Array

    bool isError() const { return type == Type::Error; }
    bool isNil() const { return type == Type::Nil; }
    // A reply that stands for a failure to get one (connection lost, not
    // connected, timed out): an Error whose text says so.
    static RedisReply failure(const QString &why);
};

// Where a Redis server is, from a redis:// URL (issue 8, `--redis-url`):
// redis://[:PASSWORD@]HOST[:PORT][/DB]. Port 6379 and database 0 by default.
struct RedisAddress
{
    QString host;
    quint16 port = 6379;
    QByteArray password;
    int database = 0;

    // The URL again, without the password (for logs and /health).
    QString displayUrl() const;
    // nullopt with *error naming the problem.
    static std::optional<RedisAddress> fromUrl(const QString &url, QString *error);
};

// One connection to Redis on hiredis' asynchronous API, driven by the Qt
// event loop through hiredis' Qt adapter (hiredis/adapters/qt.h). Commands
// are pipelined; each callback runs once, on the main thread, in the order
// the commands were sent: with the reply, or with a failure reply when the
// connection is down or is lost before the answer came.
//
// The connection keeps itself up: when it drops (or a command waits longer
// than the command timeout, which also catches a Redis that stopped
// answering) every pending command fails at once and it reconnects with
// backoff (100 ms doubling to 5 s). `connected` is emitted after AUTH and
// SELECT went through, each time; `disconnected` when it is lost.
//
// A command that blocks on purpose (XREAD BLOCK) belongs on a connection of
// its own, and passes its block time so the timeout allows for it.
class RedisConnection : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const RedisReply &)>;

    static constexpr int kDefaultCommandTimeoutMs = 5000;

    RedisConnection(const RedisAddress &address, const QString &name, QObject *parent = nullptr);
    ~RedisConnection() override;

    // Starts connecting (and reconnecting from then on).
    void open();
    // Blocks for up to `timeoutMs` until connected; false with *error.
    bool waitForConnected(int timeoutMs, QString *error);
    // Drops the connection for good; pending commands fail.
    void close();

    bool isConnected() const { return m_ready; }
    QString lastError() const { return m_lastError; }
    const RedisAddress &address() const { return m_address; }

    // Sends one command; `done` never runs before this returns.
    // extraTimeoutMs: how long the command may block by design.
    void command(const QList<QByteArray> &arguments, Callback done, int extraTimeoutMs = 0);

    void setCommandTimeout(int msecs) { m_commandTimeoutMs = msecs; }

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);

private:
    struct Pending
    {
        Callback done;
        qint64 deadlineMs;
    };

    void connectNow();
    void scheduleReconnect();
    void handleConnected(int status);
    void handleDisconnected(int status);
    void handleReply(quint64 requestId, const void *reply);
    void failAllPending(const QString &why);
    void dropContext(const QString &why);
    void checkTimeouts();
    bool sendRaw(const QList<QByteArray> &arguments, quint64 requestId);

    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privateData);
    static void onCleanup(void *adapter);

    RedisAddress m_address;
    QString m_name;
    redisAsyncContext *m_context = nullptr; // owned by hiredis once connecting
    bool m_ready = false;   // connected, AUTH and SELECT done
    bool m_wanted = false;  // open() called and not close()d
    QString m_lastError;
    quint64 m_nextRequestId = 1;
    QMap<quint64, Pending> m_pending; // by request id = send order
    QTimer m_reconnectTimer;
    QTimer m_timeoutTimer;
    int m_backoffMs = 0;
    int m_commandTimeoutMs = kDefaultCommandTimeoutMs;
    QElapsedTimer m_clock;
};

} // namespace Sightline
