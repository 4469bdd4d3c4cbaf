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
    int ingestMaxPointsPerSecond = 100000; // per device, burst twice that; 0 = unlimited
    QList<AlertRule> alertRules;
    QString influxUrl; // issue 8: InfluxDB 1.x for points (empty: SQLite)
    QString redisUrl;  // issue 8: Redis for the shared event log (empty: SQLite, one instance)
};

// Loading (serverconfig.cpp). Each returns an error sentence that names the
// offending key (e.g. "alertRules[1].op: ..."), or nothing on success; on
// error the ServerConfig passed in is left unchanged.

// Applies a JSON config document (API.md "Configuration file") over *config.
// Every key is optional; unknown keys, wrong types and out-of-range values
// are errors.
std::optional<QString> applyConfigJson(const QByteArray &json, ServerConfig *config);

// Reads FILE and applies it as above (the error also names the file).
std::optional<QString> applyConfigFile(const QString &path, ServerConfig *config);

// Checks an InfluxDB URL (http(s)://HOST[:PORT][?db=NAME]) and a Redis URL
// (redis://[:PASSWORD@]HOST[:PORT][/DB]); the error says what is wrong.
std::optional<QString> checkInfluxUrl(const QString &url);
std::optional<QString> checkRedisUrl(const QString &url);

// Parses "HOST:PORT" ("127.0.0.1:8080", "[::1]:0", "localhost:8080",
// "0.0.0.0:80"); port 0 asks for a free port.
std::optional<QString> parseListenAddress(const QString &text, QHostAddress *address,
                                          quint16 *port);

// "HOST:PORT" as a URL authority ("[::1]:8080" for IPv6).
QString formatHostPort(const QHostAddress &address, quint16 port);

} // namespace Sightline
