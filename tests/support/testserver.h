#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

#include "server/serverconfig.h"
#include "tempdir.h"

namespace Sightline {
class Server;
}

namespace Sightline::Test {

// sightline-server in the test process: a temporary data dir, provisioning
// through the same functions as the admin subcommands, and a real Server on
// 127.0.0.1 with a free port. Everything it serves is real (SQLite, tokens).
//
//   TestServer server;                                    // nothing runs yet
//   server.config().loginMaxFailuresPerUser = 3;          // optional tweaks
//   QVERIFY(server.addUser("acme", "alice", "secret"));   // --sites: 4th arg
//   const QByteArray key = server.addDevice("acme", "north", "jetson-01");
//   QVERIFY2(server.start(), qPrintable(server.errorString()));
//   QUrl login = server.url("/api/v1/auth/login");
//   QString token = server.signIn("alice", "secret");     // access token
//
// Users and devices may also be added while the server runs (like the admin
// commands). restart() stops gracefully and starts again on the same data
// dir (and the same port), as a real restart would.
class TestServer
{
public:
    TestServer();
    ~TestServer();
    TestServer(const TestServer &) = delete;
    TestServer &operator=(const TestServer &) = delete;

    // Edit before start(). dataDir is the temp dir; listen is 127.0.0.1:0.
    ServerConfig &config() { return m_config; }
    QString dataDir() const { return m_config.dataDir; }

    // Provisioning (AdminCommands::addUser / addDevice). On failure these
    // return false / an empty key and errorString() says why.
    bool addUser(const QString &accountId, const QString &username, const QByteArray &password,
                 const QStringList &sites = {});
    QByteArray addDevice(const QString &accountId, const QString &siteId, const QString &deviceId);
    QByteArray rotateDeviceKey(const QString &accountId, const QString &siteId,
                               const QString &deviceId);

    bool start();
    // Graceful shutdown (what SIGTERM does), then the Server is destroyed.
    void stop();
    bool restart();
    bool isRunning() const { return m_server != nullptr; }

    QUrl url(const QString &path = {}) const; // http://127.0.0.1:PORT + path
    quint16 port() const { return m_port; }
    Server *server() const { return m_server.get(); }
    QString errorString() const { return m_error; }

    // Signs in through POST /api/v1/auth/login and returns the access token
    // (empty on failure; errorString() then holds the answer).
    QString signIn(const QString &username, const QByteArray &password);

private:
    TempDir m_dir;
    ServerConfig m_config;
    std::unique_ptr<Server> m_server;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace Sightline::Test
