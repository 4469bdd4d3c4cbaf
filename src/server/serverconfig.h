#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Sightline {

// One threshold alert rule (API.md "Configuration file", alertRules).
struct AlertRule
{
    enum class Op { Greater, GreaterOrEqual, Less, LessOrEqual };
    enum class Severity { Info, Warning, Critical };

    QString id;
    QString field;
    Op op = Op::Greater;
    double value = 0;
    Severity severity = Severity::Warning;
    QString devicePattern = QStringLiteral("*"); // a device id or a '*' glob
    int holdSeconds = 0;
    QString message;
};

// Everything `sightline-server serve` can be configured with. Defaults are
// the ones API.md names; the config file (unknown keys refused) and then the
// command-line flags override them.
struct ServerConfig
{
    QString dataDir;
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 8080;
    int accessTokenTtlSeconds = 900;
    int refreshTokenTtlSeconds = 2592000;
    QString issuer = QStringLiteral("sightline");
    int maxSkewSeconds = 300;
    qint64 maxBodyBytes = 1048576;
    int retentionHours = 24;
    int heartbeatSeconds = 15;
    int offlineAfterSeconds = 15;
    qint64 slowClientMaxBytes = 4194304;
    int maxStreamClients = 20000;
    int loginMaxFailuresPerUser = 5;
    int loginMaxFailuresPerAddress = 20;
    int loginWindowSeconds = 900;
    QList<AlertRule> alertRules;
    QString influxUrl; // issue 8
    QString redisUrl;  // issue 8
};

} // namespace Sightline
