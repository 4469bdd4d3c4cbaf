// Tests for RedisConnection (issue 8): hiredis' async API on the Qt event
// loop against a real redis-server on 127.0.0.1 (RedisProcess).
#include <QSignalSpy>
#include <QTest>

#include <signal.h>

#include "server/redisconnection.h"
#include "support/redisprocess.h"

using namespace Sightline;
using namespace Sightline::Test;

namespace {

constexpr int kTimeoutMs = 20000;

RedisAddress addressOf(const RedisProcess &redis)
{
    QString error;
    return *RedisAddress::fromUrl(redis.url(), &error);
}

// Sends one command and waits for its reply.
RedisReply run(RedisConnection &connection, const QList<QByteArray> &arguments)
{
    RedisReply result;
    bool answered = false;
    connection.command(arguments, [&](const RedisReply &reply) {
        result = reply;
        answered = true;
    });
    if (!QTest::qWaitFor([&] { return answered; }, kTimeoutMs))
        return RedisReply::failure(QStringLiteral("test: no callback"));
    return result;
}

} // namespace

class tst_RedisConnection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void urls_data();
    void urls();
    void replyTypes();
    void repliesComeInSendOrder();
    void callbackNeverRunsBeforeCommandReturns();
    void databaseAndPasswordFromTheUrl();
    void failsFastWhileDownAndReconnects();
    void hangingRedisTimesOutInsteadOfWedging();

private:
    RedisProcess m_redis;
};

void tst_RedisConnection::initTestCase()
{
    QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
}

void tst_RedisConnection::urls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<int>("database");
    QTest::addColumn<QByteArray>("password");

    QTest::newRow("host and port") << "redis://127.0.0.1:7000" << true << "127.0.0.1" << 7000 << 0 << QByteArray();
    QTest::newRow("default port") << "redis://redis.lan" << true << "redis.lan" << 6379 << 0 << QByteArray();
    QTest::newRow("database") << "redis://h:1/3" << true << "h" << 1 << 3 << QByteArray();
    QTest::newRow("password") << "redis://:s%40cret@h:1" << true << "h" << 1 << 0 << QByteArray("s@cret");
    QTest::newRow("ipv6") << "redis://[::1]:6380" << true << "::1" << 6380 << 0 << QByteArray();
    QTest::newRow("wrong scheme") << "http://h:1" << false << "" << 0 << 0 << QByteArray();
    QTest::newRow("no host") << "redis://:1" << false << "" << 0 << 0 << QByteArray();
    QTest::newRow("database not a number") << "redis://h:1/x" << false << "" << 0 << 0 << QByteArray();
    QTest::newRow("not a url") << "localhost:6379" << false << "" << 0 << 0 << QByteArray();
}

void tst_RedisConnection::urls()
{
    QFETCH(QString, url);
    QFETCH(bool, valid);
    QString error;
    const std::optional<RedisAddress> address = RedisAddress::fromUrl(url, &error);
    QCOMPARE(address.has_value(), valid);
    if (!valid) {
        QVERIFY2(error.contains(url), qPrintable(error));
        return;
    }
    QTEST(address->host, "host");
    QTEST(int(address->port), "port");
    QTEST(address->database, "database");
    QTEST(address->password, "password");
    QVERIFY(!address->displayUrl().contains(QLatin1String("cret"))); // never the password
}

void tst_RedisConnection::replyTypes()
{
    RedisConnection connection(addressOf(m_redis), QStringLiteral("test"));
    connection.open();
    QString error;
    QVERIFY2(connection.waitForConnected(kTimeoutMs, &error), qPrintable(error));

    RedisReply reply = run(connection, {"SET", "types:key", QByteArray("va\0lue", 6)});
    QCOMPARE(reply.type, RedisReply::Type::Status);
    QCOMPARE(reply.string, QByteArray("OK"));
    reply = run(connection, {"GET", "types:key"});
    QCOMPARE(reply.type, RedisReply::Type::String);
    QCOMPARE(reply.string, QByteArray("va\0lue", 6)); // binary safe
    reply = run(connection, {"GET", "types:missing"});
    QVERIFY(reply.isNil());
    reply = run(connection, {"INCRBY", "types:n", "41"});
    QCOMPARE(reply.type, RedisReply::Type::Integer);
    QCOMPARE(reply.integer, 41);
    run(connection, {"RPUSH", "types:list", "a", "b"});
    reply = run(connection, {"LRANGE", "types:list", "0", "-1"});
    QCOMPARE(reply.type, RedisReply::Type::Array);
    QCOMPARE(reply.elements.size(), 2);
    QCOMPARE(reply.elements.at(1).string, QByteArray("b"));
    reply = run(connection, {"NOSUCHCOMMAND"});
    QVERIFY(reply.isError());
    QVERIFY2(reply.string.contains("unknown command"), reply.string.constData());
    QVERIFY(connection.isConnected()); // an error reply is not a broken connection
}

void tst_RedisConnection::repliesComeInSendOrder()
{
    RedisConnection connection(addressOf(m_redis), QStringLiteral("test"));
    connection.open();
    QString error;
    QVERIFY2(connection.waitForConnected(kTimeoutMs, &error), qPrintable(error));
    run(connection, {"DEL", "order:n"});
    QList<qint64> values;
    for (int i = 0; i < 500; ++i)
        connection.command({"INCR", "order:n"}, [&values](const RedisReply &reply) { values.append(reply.integer); });
    QTRY_COMPARE_WITH_TIMEOUT(values.size(), 500, kTimeoutMs);
    for (int i = 0; i < 500; ++i)
        QCOMPARE(values.at(i), qint64(i + 1));
}

void tst_RedisConnection::callbackNeverRunsBeforeCommandReturns()
{
    RedisConnection connection(addressOf(m_redis), QStringLiteral("test"));
    bool called = false;
    connection.command({"PING"}, [&called](const RedisReply &) { called = true; }); // not connected yet
    QVERIFY(!called);
    QTRY_VERIFY_WITH_TIMEOUT(called, kTimeoutMs);
}

void tst_RedisConnection::databaseAndPasswordFromTheUrl()
{
    RedisConnection admin(addressOf(m_redis), QStringLiteral("admin"));
    admin.open();
    QString error;
    QVERIFY2(admin.waitForConnected(kTimeoutMs, &error), qPrintable(error));
    QCOMPARE(run(admin, {"CONFIG", "SET", "requirepass", "s3cret"}).string, QByteArray("OK"));
    const auto restore = qScopeGuard([&] {
        RedisConnection again(*RedisAddress::fromUrl(QStringLiteral("redis://:s3cret@127.0.0.1:%1").arg(m_redis.port()), &error),
                              QStringLiteral("restore"));
        again.open();
        if (again.waitForConnected(kTimeoutMs, &error))
            run(again, {"CONFIG", "SET", "requirepass", ""});
    });

    RedisConnection wrong(*RedisAddress::fromUrl(QStringLiteral("redis://:nope@127.0.0.1:%1/2").arg(m_redis.port()), &error),
                          QStringLiteral("wrong"));
    wrong.open();
    QVERIFY(!wrong.waitForConnected(1500, &error));
    QVERIFY2(error.contains(QLatin1String("WRONGPASS")) || error.contains(QLatin1String("invalid")), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("nope")), qPrintable(error)); // the password is not in the message

    RedisConnection db2(*RedisAddress::fromUrl(QStringLiteral("redis://:s3cret@127.0.0.1:%1/2").arg(m_redis.port()), &error),
                        QStringLiteral("db2"));
    db2.open();
    QVERIFY2(db2.waitForConnected(kTimeoutMs, &error), qPrintable(error));
    QCOMPARE(run(db2, {"SET", "db:key", "in-two"}).string, QByteArray("OK"));
    RedisConnection db0(*RedisAddress::fromUrl(QStringLiteral("redis://:s3cret@127.0.0.1:%1").arg(m_redis.port()), &error),
                        QStringLiteral("db0"));
    db0.open();
    QVERIFY2(db0.waitForConnected(kTimeoutMs, &error), qPrintable(error));
    QVERIFY(run(db0, {"GET", "db:key"}).isNil());
    QCOMPARE(run(db0, {"SELECT", "2"}).string, QByteArray("OK"));
    QCOMPARE(run(db0, {"GET", "db:key"}).string, QByteArray("in-two"));
}

void tst_RedisConnection::failsFastWhileDownAndReconnects()
{
    RedisConnection connection(addressOf(m_redis), QStringLiteral("test"));
    QSignalSpy connected(&connection, &RedisConnection::connected);
    QSignalSpy disconnected(&connection, &RedisConnection::disconnected);
    connection.open();
    QVERIFY(connected.wait(kTimeoutMs));

    m_redis.stop();
    QVERIFY(disconnected.count() > 0 || disconnected.wait(kTimeoutMs));
    QVERIFY(!connection.isConnected());
    QElapsedTimer timer;
    timer.start();
    const RedisReply reply = run(connection, {"PING"});
    QVERIFY(reply.isError());
    QVERIFY2(reply.string.contains("not connected"), reply.string.constData());
    QVERIFY2(timer.elapsed() < 1000, "a command while Redis is down must fail at once");

    QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
    QVERIFY(connected.wait(kTimeoutMs)); // backoff is at most 5 s
    QCOMPARE(run(connection, {"PING"}).string, QByteArray("PONG"));
}

void tst_RedisConnection::hangingRedisTimesOutInsteadOfWedging()
{
    RedisConnection connection(addressOf(m_redis), QStringLiteral("test"));
    connection.setCommandTimeout(700);
    QSignalSpy connected(&connection, &RedisConnection::connected);
    connection.open();
    QVERIFY(connected.wait(kTimeoutMs));

    // A Redis that stops answering (stopped, swapped out, network gone).
    QCOMPARE(::kill(pid_t(m_redis.processId()), SIGSTOP), 0);
    const auto resume = qScopeGuard([&] { ::kill(pid_t(m_redis.processId()), SIGCONT); });
    QElapsedTimer timer;
    timer.start();
    const RedisReply reply = run(connection, {"PING"});
    QVERIFY(reply.isError());
    QVERIFY2(reply.string.contains("did not answer"), reply.string.constData());
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!connection.isConnected());

    ::kill(pid_t(m_redis.processId()), SIGCONT);
    QVERIFY(connected.wait(kTimeoutMs));
    QCOMPARE(run(connection, {"PING"}).string, QByteArray("PONG"));
}

QTEST_GUILESS_MAIN(tst_RedisConnection)
#include "tst_redisconnection.moc"
