#include "testserver.h"

#include "httpclient.h"

#include "server/admincommands.h"
#include "server/server.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Sightline::Test {

TestServer::TestServer()
{
    m_config.dataDir = m_dir.path();
    m_config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    m_config.listenPort = 0;
}

TestServer::~TestServer()
{
    stop();
}

bool TestServer::addUser(const QString &accountId, const QString &username,
                         const QByteArray &password, const QStringList &sites)
{
    if (auto e = AdminCommands::addUser(m_config.dataDir, accountId, username, password, sites)) {
        m_error = *e;
        return false;
    }
    return true;
}

QByteArray TestServer::addDevice(const QString &accountId, const QString &siteId,
                                 const QString &deviceId)
{
    const auto key = AdminCommands::addDevice(m_config.dataDir, accountId, siteId, deviceId, false,
                                              &m_error);
    return key.value_or(QByteArray());
}

QByteArray TestServer::rotateDeviceKey(const QString &accountId, const QString &siteId,
                                       const QString &deviceId)
{
    const auto key = AdminCommands::addDevice(m_config.dataDir, accountId, siteId, deviceId, true,
                                              &m_error);
    return key.value_or(QByteArray());
}

bool TestServer::start()
{
    if (m_server)
        return true;
    ServerConfig config = m_config;
    if (m_port != 0)
        config.listenPort = m_port; // a restart keeps its address
    auto server = std::make_unique<Server>(config);
    if (!server->start(&m_error))
        return false;
    m_port = server->port();
    m_server = std::move(server);
    return true;
}

void TestServer::stop()
{
    if (!m_server)
        return;
    m_server->shutdown();
    m_server.reset();
}

bool TestServer::restart()
{
    stop();
    return start();
}

QUrl TestServer::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
}

QString TestServer::signIn(const QString &username, const QByteArray &password)
{
    HttpClient http;
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("username"), username},
                                                      {QStringLiteral("password"),
                                                       QString::fromUtf8(password)}})
                                .toJson(QJsonDocument::Compact);
    const HttpResponse response = http.post(url(QStringLiteral("/api/v1/auth/login")), body);
    if (response.status != 200) {
        m_error = QStringLiteral("sign-in answered %1: %2")
                      .arg(response.status)
                      .arg(QString::fromUtf8(response.body));
        return {};
    }
    return response.json().value(QStringLiteral("access_token")).toString();
}

} // namespace Sightline::Test
