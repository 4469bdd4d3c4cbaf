#include "redisprocess.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QTcpSocket>

namespace Sightline::Test {

namespace {

// Where the RESP reply starting at `from` ends, or -1 while incomplete.
qsizetype replyEnd(const QByteArray &data, qsizetype from)
{
    const qsizetype lineEnd = data.indexOf("\r\n", from);
    if (lineEnd < 0 || from >= data.size())
        return -1;
    const char type = data.at(from);
    const qsizetype afterLine = lineEnd + 2;
    if (type == '+' || type == '-' || type == ':')
        return afterLine;
    bool ok = false;
    const qint64 length = data.mid(from + 1, lineEnd - from - 1).toLongLong(&ok);
    if (!ok)
        return -1;
    if (type == '$') {
        if (length < 0)
            return afterLine;
        const qsizetype end = afterLine + length + 2;
        return end <= data.size() ? end : -1;
    }
    if (type == '*') {
        qsizetype end = afterLine;
        for (qint64 i = 0; i < length && end >= 0; ++i)
            end = replyEnd(data, end);
        return end;
    }
    return -1;
}

} // namespace

RedisProcess::RedisProcess()
    : ExternalServer(QStringLiteral("redis-server"), 1)
{
}

QString RedisProcess::url() const
{
    return QStringLiteral("redis://127.0.0.1:%1").arg(port());
}

QStringList RedisProcess::arguments() const
{
    return { QStringLiteral("--port"), QString::number(port()), QStringLiteral("--bind"),
        QStringLiteral("127.0.0.1"), QStringLiteral("--protected-mode"), QStringLiteral("no"),
        QStringLiteral("--daemonize"), QStringLiteral("no"), QStringLiteral("--dir"), directory(),
        QStringLiteral("--appendonly"), QStringLiteral("yes"), QStringLiteral("--appendfsync"),
        QStringLiteral("always"), QStringLiteral("--save"), QString() };
}

bool RedisProcess::isReady()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port());
    if (!socket.waitForConnected(kProbeTimeoutMs))
        return false;
    socket.write("PING\r\n");
    QByteArray reply;
    const QDeadlineTimer deadline(kProbeTimeoutMs);
    // "-LOADING ..." while it replays the append-only file: not ready yet.
    while (!reply.contains("\r\n") && socket.waitForReadyRead(int(deadline.remainingTime())))
        reply += socket.readAll();
    return reply.startsWith("+PONG");
}

QByteArray RedisProcess::command(const QByteArrayList &arguments)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port());
    if (!socket.waitForConnected(kCommandTimeoutMs)) {
        setErrorString(QStringLiteral("redis-server on port %1 is unreachable: %2")
                           .arg(port())
                           .arg(socket.errorString()));
        return {};
    }
    QByteArray request = '*' + QByteArray::number(arguments.size()) + "\r\n";
    for (const QByteArray &argument : arguments)
        request += '$' + QByteArray::number(argument.size()) + "\r\n" + argument + "\r\n";
    socket.write(request);
    QByteArray reply;
    const QDeadlineTimer deadline(kCommandTimeoutMs);
    while (replyEnd(reply, 0) < 0) {
        if (!socket.waitForReadyRead(int(deadline.remainingTime()))) {
            setErrorString(QStringLiteral("redis-server on port %1 sent no complete reply: %2")
                               .arg(port())
                               .arg(socket.errorString()));
            return {};
        }
        reply += socket.readAll();
    }
    return reply;
}

} // namespace Sightline::Test
