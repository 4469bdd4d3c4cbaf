#include "server/telemetryapi.h"

#include <QHttpServer>

namespace Sightline {

TelemetryApi::TelemetryApi(const ServerConfig &config, Authenticator *auth, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_auth(auth)
{
}

TelemetryApi::~TelemetryApi()
{
    shutdown();
}

bool TelemetryApi::start(QString *error)
{
    Q_UNUSED(error);
    m_started = true;
    return true;
}

void TelemetryApi::registerRoutes(QHttpServer &server)
{
    Q_UNUSED(server);
}

void TelemetryApi::shutdown()
{
    m_shutDown = true;
}

bool TelemetryApi::isHealthy() const
{
    return m_started && !m_shutDown;
}

QJsonObject TelemetryApi::health() const
{
    return QJsonObject{{QStringLiteral("storage"), isHealthy() ? QStringLiteral("ok") : QStringLiteral("stopped")}};
}

QByteArray TelemetryApi::metricsText() const
{
    return QByteArray();
}

Hub *TelemetryApi::hub() const
{
    return nullptr;
}

} // namespace Sightline
