#include "server/serverconfig.h"

#include "server/redisconnection.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <cmath>
#include <functional>
#include <limits>

namespace Sightline {

namespace {

using Error = std::optional<QString>;

Error keyError(const QString &key, const QString &problem)
{
    return key + QStringLiteral(": ") + problem;
}

// A JSON number that is a whole number within [min, max]. JSON has no
// integer type, so 900.0 is accepted and 900.5 refused.
Error readInteger(const QJsonValue &value, const QString &key, qint64 min, qint64 max,
                  qint64 *out)
{
    if (!value.isDouble())
        return keyError(key, QStringLiteral("must be a number"));
    const double d = value.toDouble();
    if (!std::isfinite(d) || std::floor(d) != d)
        return keyError(key, QStringLiteral("must be a whole number"));
    if (d < double(min) || d > double(max))
        return keyError(key, QStringLiteral("must be between %1 and %2").arg(min).arg(max));
    *out = qint64(d);
    return {};
}

Error readString(const QJsonValue &value, const QString &key, bool allowEmpty, QString *out)
{
    if (!value.isString())
        return keyError(key, QStringLiteral("must be a string"));
    if (!allowEmpty && value.toString().isEmpty())
        return keyError(key, QStringLiteral("must not be empty"));
    *out = value.toString();
    return {};
}

// Same rule as telemetry field names (API.md "Ingest").
bool isFieldName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    return re.match(name).hasMatch();
}

// A device id, or a glob where '*' stands for any run of characters.
bool isDevicePattern(const QString &pattern)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.*-]{1,64}$"));
    return re.match(pattern).hasMatch();
}

Error readAlertRule(const QJsonValue &value, const QString &prefix, AlertRule *rule)
{
    if (!value.isObject())
        return keyError(prefix, QStringLiteral("must be an object"));
    const QJsonObject object = value.toObject();
    static const QStringList known{
        QStringLiteral("id"),       QStringLiteral("field"),       QStringLiteral("op"),
        QStringLiteral("value"),    QStringLiteral("severity"),    QStringLiteral("device"),
        QStringLiteral("holdSeconds"), QStringLiteral("message"),
    };
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return keyError(prefix + QLatin1Char('.') + it.key(), QStringLiteral("unknown key"));
    }
    for (const char *required : {"id", "field", "op", "value"}) {
        const QString key = QString::fromLatin1(required);
        if (!object.contains(key))
            return keyError(prefix + QLatin1Char('.') + key, QStringLiteral("is required"));
    }

    AlertRule r;
    const auto key = [&prefix](const char *name) -> QString {
        return prefix + QLatin1Char('.') + QString::fromLatin1(name);
    };
    if (auto e = readString(object.value(QStringLiteral("id")), key("id"), false, &r.id))
        return e;
    if (auto e = readString(object.value(QStringLiteral("field")), key("field"), false, &r.field))
        return e;
    if (!isFieldName(r.field))
        return keyError(key("field"), QStringLiteral("must match [A-Za-z0-9_.-]{1,64}"));

    QString op;
    if (auto e = readString(object.value(QStringLiteral("op")), key("op"), false, &op))
        return e;
    if (op == QLatin1String(">"))
        r.op = AlertRule::Op::Greater;
    else if (op == QLatin1String(">="))
        r.op = AlertRule::Op::GreaterOrEqual;
    else if (op == QLatin1String("<"))
        r.op = AlertRule::Op::Less;
    else if (op == QLatin1String("<="))
        r.op = AlertRule::Op::LessOrEqual;
    else
        return keyError(key("op"), QStringLiteral("must be one of >, >=, <, <="));

    const QJsonValue threshold = object.value(QStringLiteral("value"));
    if (!threshold.isDouble() || !std::isfinite(threshold.toDouble()))
        return keyError(key("value"), QStringLiteral("must be a finite number"));
    r.value = threshold.toDouble();

    if (object.contains(QStringLiteral("severity"))) {
        QString severity;
        if (auto e = readString(object.value(QStringLiteral("severity")), key("severity"), false,
                                &severity))
            return e;
        if (severity == QLatin1String("info"))
            r.severity = AlertRule::Severity::Info;
        else if (severity == QLatin1String("warning"))
            r.severity = AlertRule::Severity::Warning;
        else if (severity == QLatin1String("critical"))
            r.severity = AlertRule::Severity::Critical;
        else
            return keyError(key("severity"), QStringLiteral("must be one of info, warning, critical"));
    }
    if (object.contains(QStringLiteral("device"))) {
        if (auto e = readString(object.value(QStringLiteral("device")), key("device"), false,
                                &r.devicePattern))
            return e;
        if (!isDevicePattern(r.devicePattern))
            return keyError(key("device"),
                            QStringLiteral("must be a device id or a glob of [A-Za-z0-9_.-] and *"));
    }
    if (object.contains(QStringLiteral("holdSeconds"))) {
        qint64 hold = 0;
        if (auto e = readInteger(object.value(QStringLiteral("holdSeconds")), key("holdSeconds"), 0,
                                 86400, &hold))
            return e;
        r.holdSeconds = int(hold);
    }
    if (object.contains(QStringLiteral("message"))) {
        if (auto e = readString(object.value(QStringLiteral("message")), key("message"), true,
                                &r.message))
            return e;
    }
    *rule = r;
    return {};
}

} // namespace

Error checkInfluxUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        return QStringLiteral("\"%1\" is not an http(s)://HOST:PORT URL of InfluxDB").arg(text);
    return {};
}

Error checkRedisUrl(const QString &text)
{
    QString error;
    if (!RedisAddress::fromUrl(text, &error))
        return error;
    return {};
}

Error applyConfigJson(const QByteArray &json, ServerConfig *config)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return QStringLiteral("not valid JSON at offset %1: %2")
            .arg(parseError.offset)
            .arg(parseError.errorString());
    }
    if (!document.isObject())
        return QStringLiteral("the configuration must be a JSON object");
    const QJsonObject object = document.object();

    ServerConfig c = *config;
    constexpr qint64 kIntMax = std::numeric_limits<int>::max();
    // key → how to apply it; anything else is an unknown key.
    const auto intKey = [](int ServerConfig::*member, qint64 min, qint64 max) {
        return std::function<Error(const QJsonValue &, const QString &, ServerConfig &)>(
            [member, min, max](const QJsonValue &v, const QString &k, ServerConfig &cfg) -> Error {
                qint64 n = 0;
                if (auto e = readInteger(v, k, min, max, &n))
                    return e;
                cfg.*member = int(n);
                return {};
            });
    };
    const auto int64Key = [](qint64 ServerConfig::*member, qint64 min, qint64 max) {
        return std::function<Error(const QJsonValue &, const QString &, ServerConfig &)>(
            [member, min, max](const QJsonValue &v, const QString &k, ServerConfig &cfg) -> Error {
                return readInteger(v, k, min, max, &(cfg.*member));
            });
    };
    using Apply = std::function<Error(const QJsonValue &, const QString &, ServerConfig &)>;
    const QList<QPair<QString, Apply>> keys{
        {QStringLiteral("listen"),
         [](const QJsonValue &v, const QString &k, ServerConfig &cfg) -> Error {
             QString text;
             if (auto e = readString(v, k, false, &text))
                 return e;
             if (auto e = parseListenAddress(text, &cfg.listenAddress, &cfg.listenPort))
                 return keyError(k, *e);
             return {};
         }},
        {QStringLiteral("accessTokenTtlSeconds"), intKey(&ServerConfig::accessTokenTtlSeconds, 1, 86400)},
        {QStringLiteral("refreshTokenTtlSeconds"),
         intKey(&ServerConfig::refreshTokenTtlSeconds, 1, 10 * 365 * 86400)},
        {QStringLiteral("issuer"),
         [](const QJsonValue &v, const QString &k, ServerConfig &cfg) -> Error {
             return readString(v, k, false, &cfg.issuer);
         }},
        {QStringLiteral("maxSkewSeconds"), intKey(&ServerConfig::maxSkewSeconds, 0, 7 * 86400)},
        {QStringLiteral("maxBodyBytes"), int64Key(&ServerConfig::maxBodyBytes, 1, 1LL << 30)},
        {QStringLiteral("retentionHours"), intKey(&ServerConfig::retentionHours, 1, 24 * 3650)},
        {QStringLiteral("heartbeatSeconds"), intKey(&ServerConfig::heartbeatSeconds, 1, 3600)},
        {QStringLiteral("offlineAfterSeconds"), intKey(&ServerConfig::offlineAfterSeconds, 1, 86400)},
        {QStringLiteral("slowClientMaxBytes"), int64Key(&ServerConfig::slowClientMaxBytes, 1, 1LL << 32)},
        {QStringLiteral("maxStreamClients"), intKey(&ServerConfig::maxStreamClients, 1, kIntMax)},
        {QStringLiteral("loginMaxFailuresPerUser"), intKey(&ServerConfig::loginMaxFailuresPerUser, 1, kIntMax)},
        {QStringLiteral("loginMaxFailuresPerAddress"),
         intKey(&ServerConfig::loginMaxFailuresPerAddress, 1, kIntMax)},
        {QStringLiteral("loginWindowSeconds"), intKey(&ServerConfig::loginWindowSeconds, 1, 7 * 86400)},
        {QStringLiteral("ingestMaxPointsPerSecond"), intKey(&ServerConfig::ingestMaxPointsPerSecond, 0, kIntMax)},
        {QStringLiteral("influxUrl"),
         [](const QJsonValue &v, const QString &k, ServerConfig &cfg) -> Error {
             QString text;
             if (auto e = readString(v, k, true, &text))
                 return e;
             if (auto e = checkInfluxUrl(text); e && !text.isEmpty())
                 return keyError(k, *e);
             cfg.influxUrl = text;
             return {};
         }},
        {QStringLiteral("redisUrl"),
         [](const QJsonValue &v, const QString &k, ServerConfig &cfg) -> Error {
             QString text;
             if (auto e = readString(v, k, true, &text))
                 return e;
             if (auto e = checkRedisUrl(text); e && !text.isEmpty())
                 return keyError(k, *e);
             cfg.redisUrl = text;
             return {};
         }},
        {QStringLiteral("alertRules"),
         [](const QJsonValue &v, const QString &k, ServerConfig &cfg) -> Error {
             if (!v.isArray())
                 return keyError(k, QStringLiteral("must be an array of rules"));
             const QJsonArray array = v.toArray();
             QList<AlertRule> rules;
             QSet<QString> ids;
             for (qsizetype i = 0; i < array.size(); ++i) {
                 const QString prefix = k + QStringLiteral("[%1]").arg(i);
                 AlertRule rule;
                 if (auto e = readAlertRule(array.at(i), prefix, &rule))
                     return e;
                 if (ids.contains(rule.id))
                     return keyError(prefix + QStringLiteral(".id"),
                                     QStringLiteral("duplicate rule id \"%1\"").arg(rule.id));
                 ids.insert(rule.id);
                 rules.append(rule);
             }
             cfg.alertRules = rules;
             return {};
         }},
    };

    for (auto it = object.begin(); it != object.end(); ++it) {
        const auto known = std::find_if(keys.begin(), keys.end(),
                                        [&it](const auto &entry) { return entry.first == it.key(); });
        if (known == keys.end())
            return keyError(it.key(), QStringLiteral("unknown key (see API.md \"Configuration file\")"));
        if (auto e = known->second(it.value(), it.key(), c))
            return e;
    }
    *config = c;
    return {};
}

Error applyConfigFile(const QString &path, ServerConfig *config)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read config file %1: %2").arg(path, file.errorString());
    // A config file is small; refuse anything absurd rather than read it whole.
    if (file.size() > 16 * 1024 * 1024)
        return QStringLiteral("config file %1 is larger than 16 MiB").arg(path);
    if (auto e = applyConfigJson(file.readAll(), config))
        return QStringLiteral("config file %1: %2").arg(path, *e);
    return {};
}

Error parseListenAddress(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return QStringLiteral("\"%1\" is not HOST:PORT").arg(text);
    QString host = text.left(colon);
    const QString portText = text.mid(colon + 1);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(QLatin1Char(':')))
        return QStringLiteral("\"%1\": write an IPv6 address in brackets, like [::1]:8080").arg(text);

    bool ok = false;
    const uint p = portText.toUInt(&ok);
    if (!ok || p > 65535 || portText.isEmpty() || !portText.at(0).isDigit())
        return QStringLiteral("\"%1\": the port must be a number from 0 to 65535").arg(text);

    QHostAddress parsed;
    if (host == QLatin1String("localhost"))
        parsed = QHostAddress(QHostAddress::LocalHost);
    else if (!parsed.setAddress(host))
        return QStringLiteral("\"%1\": \"%2\" is not an IP address (or localhost)").arg(text, host);

    *address = parsed;
    *port = quint16(p);
    return {};
}

QString formatHostPort(const QHostAddress &address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
        : address.toString();
    return host + QLatin1Char(':') + QString::number(port);
}

} // namespace Sightline
