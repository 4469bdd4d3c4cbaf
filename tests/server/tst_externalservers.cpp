// Tests of the real-server fixtures in tests/support (RedisProcess,
// InfluxProcess): start, data kept across restart and kill, port kept,
// failure reported with the server's own words, cleanup.
#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <functional>
#include <memory>

#include "support/influxprocess.h"
#include "support/redisprocess.h"

using namespace Sightline::Test;

using ServerFactory = std::function<std::unique_ptr<ExternalServer>()>;
Q_DECLARE_METATYPE(ServerFactory)

namespace {

constexpr int kConnectTimeoutMs = 2000;

bool acceptsConnections(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(kConnectTimeoutMs);
}

QByteArray influxMarkerQuery(InfluxProcess &influx)
{
    return influx.query(QStringLiteral("SELECT \"v\" FROM \"m\""), QStringLiteral("fixture"));
}

const QByteArray kInfluxMarker
    = R"({"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1500000000000000001,42.5]]}]}]})";

} // namespace

class tst_ExternalServers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redisStartsOnFreePort();
    void redisKeepsDataAcrossRestart();
    void redisKeepsDataAfterKill();
    void influxStartsOnFreePorts();
    void influxKeepsDataAcrossRestart();
    void influxKeepsDataAfterKill();
    void influxReportsErrors();
    void restartFailsWhilePortTaken_data();
    void restartFailsWhilePortTaken();
    void destructorStopsServer_data();
    void destructorStopsServer();
};

void tst_ExternalServers::redisStartsOnFreePort()
{
    RedisProcess redis;
    QCOMPARE(redis.port(), quint16(0));
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    QVERIFY(redis.isRunning());
    QVERIFY(redis.port() != 0);
    QCOMPARE(redis.url(), QStringLiteral("redis://127.0.0.1:%1").arg(redis.port()));
    QCOMPARE(redis.command({ "PING" }), QByteArray("+PONG\r\n"));
    QCOMPARE(redis.command({ "CONFIG", "GET", "appendfsync" }),
        QByteArray("*2\r\n$11\r\nappendfsync\r\n$6\r\nalways\r\n"));
    QCOMPARE(redis.command({ "CONFIG", "GET", "dir" }),
        "*2\r\n$3\r\ndir\r\n$" + QByteArray::number(redis.directory().toUtf8().size()) + "\r\n"
            + redis.directory().toUtf8() + "\r\n");
    QVERIFY(!redis.start()); // already running
    QVERIFY(!redis.errorString().isEmpty());
    redis.stop();
    QVERIFY(!redis.isRunning());
    QVERIFY(!acceptsConnections(redis.port()));
}

void tst_ExternalServers::redisKeepsDataAcrossRestart()
{
    RedisProcess redis;
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    const quint16 port = redis.port();
    QCOMPARE(redis.command({ "SET", "greeting", "hello world" }), QByteArray("+OK\r\n"));
    QVERIFY2(redis.restart(), qPrintable(redis.errorString()));
    QCOMPARE(redis.port(), port);
    QCOMPARE(redis.command({ "GET", "greeting" }), QByteArray("$11\r\nhello world\r\n"));
    QCOMPARE(redis.command({ "GET", "missing" }), QByteArray("$-1\r\n"));
}

void tst_ExternalServers::redisKeepsDataAfterKill()
{
    RedisProcess redis;
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    const quint16 port = redis.port();
    QCOMPARE(redis.command({ "RPUSH", "log", "a", "b", "c" }), QByteArray(":3\r\n"));
    redis.kill();
    QVERIFY(!redis.isRunning());
    QVERIFY(redis.command({ "PING" }).isEmpty());
    QVERIFY(redis.errorString().contains(QStringLiteral("unreachable")));
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    QCOMPARE(redis.port(), port);
    QCOMPARE(redis.command({ "LRANGE", "log", "0", "-1" }),
        QByteArray("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"));
}

void tst_ExternalServers::influxStartsOnFreePorts()
{
    InfluxProcess influx;
    QVERIFY2(influx.start(), qPrintable(influx.errorString()));
    QVERIFY(influx.port() != 0);
    QVERIFY(influx.rpcPort() != 0);
    QVERIFY(influx.rpcPort() != influx.port());
    QCOMPARE(influx.url(), QStringLiteral("http://127.0.0.1:%1").arg(influx.port()));
    QVERIFY(acceptsConnections(influx.rpcPort()));
    // No _internal database: the monitor does not store.
    QCOMPARE(influx.query(QStringLiteral("SHOW DATABASES")),
        QByteArray(
            R"({"results":[{"statement_id":0,"series":[{"name":"databases","columns":["name"]}]}]})"
            "\n"));
    QVERIFY(QFile::exists(influx.directory() + QStringLiteral("/meta/meta.db")));
    influx.stop();
    QVERIFY(!influx.isRunning());
    QVERIFY(!acceptsConnections(influx.port()));
}

void tst_ExternalServers::influxKeepsDataAcrossRestart()
{
    InfluxProcess influx;
    QVERIFY2(influx.start(), qPrintable(influx.errorString()));
    const quint16 port = influx.port();
    influx.query(QStringLiteral("CREATE DATABASE fixture"));
    QVERIFY2(influx.write("m,t=x v=42.5 1500000000000000001", QStringLiteral("fixture")),
        qPrintable(influx.errorString()));
    QCOMPARE(influxMarkerQuery(influx).trimmed(), kInfluxMarker);
    QVERIFY2(influx.restart(), qPrintable(influx.errorString()));
    QCOMPARE(influx.port(), port);
    QCOMPARE(influxMarkerQuery(influx).trimmed(), kInfluxMarker);
}

void tst_ExternalServers::influxKeepsDataAfterKill()
{
    InfluxProcess influx;
    QVERIFY2(influx.start(), qPrintable(influx.errorString()));
    influx.query(QStringLiteral("CREATE DATABASE fixture"));
    QVERIFY2(influx.write("m,t=x v=42.5 1500000000000000001", QStringLiteral("fixture")),
        qPrintable(influx.errorString()));
    influx.kill();
    QVERIFY(!influx.isRunning());
    QVERIFY(influxMarkerQuery(influx).isEmpty());
    QVERIFY(influx.errorString().contains(QStringLiteral("query failed")));
    QVERIFY2(influx.start(), qPrintable(influx.errorString()));
    QCOMPARE(influxMarkerQuery(influx).trimmed(), kInfluxMarker);
}

void tst_ExternalServers::influxReportsErrors()
{
    InfluxProcess influx;
    QVERIFY2(influx.start(), qPrintable(influx.errorString()));
    QCOMPARE(influx.query(QStringLiteral("SELECT * FROM m"), QStringLiteral("nowhere")).trimmed(),
        QByteArray(R"({"results":[{"statement_id":0,"error":"database not found: nowhere"}]})"));
    QVERIFY(!influx.write("m v=1", QStringLiteral("nowhere")));
    QVERIFY2(influx.errorString().contains(QStringLiteral("HTTP 404"))
            && influx.errorString().contains(QStringLiteral("database not found")),
        qPrintable(influx.errorString()));
    // '+' reaches InfluxDB as '+', not as a space.
    influx.query(QStringLiteral("CREATE DATABASE fixture"));
    QVERIFY2(influx.write("m v=1e+06 1000", QStringLiteral("fixture")),
        qPrintable(influx.errorString()));
    QCOMPARE(
        influx.query(QStringLiteral("SELECT v + 1 FROM m"), QStringLiteral("fixture")).trimmed(),
        QByteArray(
            R"({"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1000,1000001]]}]}]})"));
}

void tst_ExternalServers::restartFailsWhilePortTaken_data()
{
    QTest::addColumn<ServerFactory>("factory");
    QTest::addColumn<QString>("complaint");
    QTest::newRow("redis-server") << ServerFactory([] { return std::make_unique<RedisProcess>(); })
                                  << QStringLiteral("Address already in use");
    QTest::newRow("influxd") << ServerFactory([] { return std::make_unique<InfluxProcess>(); })
                             << QStringLiteral("address already in use");
}

void tst_ExternalServers::restartFailsWhilePortTaken()
{
    QFETCH(ServerFactory, factory);
    QFETCH(QString, complaint);
    const std::unique_ptr<ExternalServer> server = factory();
    QVERIFY2(server->start(), qPrintable(server->errorString()));
    const quint16 port = server->port();
    server->stop();

    QTcpServer squatter;
    QVERIFY2(squatter.listen(QHostAddress::LocalHost, port), qPrintable(squatter.errorString()));
    QVERIFY(!server->restart());
    QVERIFY(!server->isRunning());
    // The server's own words from its log, and where to find the rest.
    QVERIFY2(server->errorString().contains(complaint), qPrintable(server->errorString()));
    QVERIFY2(
        server->errorString().contains(server->logFilePath()), qPrintable(server->errorString()));
    QCOMPARE(server->port(), port);

    squatter.close();
    QVERIFY2(server->restart(), qPrintable(server->errorString()));
    QCOMPARE(server->port(), port);
}

void tst_ExternalServers::destructorStopsServer_data()
{
    restartFailsWhilePortTaken_data();
}

void tst_ExternalServers::destructorStopsServer()
{
    QFETCH(ServerFactory, factory);
    quint16 port = 0;
    QString directory;
    {
        const std::unique_ptr<ExternalServer> server = factory();
        QVERIFY2(server->start(), qPrintable(server->errorString()));
        port = server->port();
        directory = server->directory();
        QVERIFY(acceptsConnections(port));
        QVERIFY(QFile::exists(server->logFilePath()));
    }
    QVERIFY(!acceptsConnections(port));
    QVERIFY(!QFile::exists(directory));
}

QTEST_GUILESS_MAIN(tst_ExternalServers)
#include "tst_externalservers.moc"
