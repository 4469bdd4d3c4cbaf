#include "tail/tailoptions.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QUrlQuery>

namespace Sightline {

namespace {

const QStringList kKnownTypes { QStringLiteral("telemetry"), QStringLiteral("alert"),
    QStringLiteral("device_status"), QStringLiteral("system") };

std::optional<TailOptions> fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

QStringList commaList(const QString &value)
{
    QStringList out;
    for (const QString &item : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out << item.trimmed();
    out.removeAll(QString());
    return out;
}

} // namespace

void TailOptions::addTo(QCommandLineParser &parser)
{
    parser.addOptions({
        { QStringLiteral("server"),
            QStringLiteral("Network mode: the server, e.g. http://127.0.0.1:8080."),
            QStringLiteral("url") },
        { QStringLiteral("token"), QStringLiteral("Use this access token (no refresh)."),
            QStringLiteral("jwt") },
        { QStringLiteral("user"),
            QStringLiteral(
                "Sign in as <user>; the password comes from SIGHTLINE_PASSWORD, else a prompt."),
            QStringLiteral("user") },
        { QStringLiteral("device"), QStringLiteral("Only these devices (comma-separated)."),
            QStringLiteral("ids") },
        { QStringLiteral("site"), QStringLiteral("Only this site."), QStringLiteral("site") },
        { QStringLiteral("types"),
            QStringLiteral("Only these event types: telemetry,alert,device_status,system."),
            QStringLiteral("types") },
        { QStringLiteral("last-event-id"), QStringLiteral("Resume after this event id."),
            QStringLiteral("id") },
        { QStringLiteral("since"),
            QStringLiteral("Print only events published at or after this RFC 3339 time."),
            QStringLiteral("time") },
        { QStringLiteral("max-events"), QStringLiteral("Exit 0 after printing <n> events."),
            QStringLiteral("n") },
        { QStringLiteral("duration"), QStringLiteral("Exit 0 after <seconds>."),
            QStringLiteral("seconds") },
        { QStringLiteral("format"), QStringLiteral("jsonl (default) or text."),
            QStringLiteral("format"), QStringLiteral("jsonl") },
    });
}

std::optional<TailOptions> TailOptions::read(const QCommandLineParser &parser, QString *error)
{
    TailOptions options;
    if (!parser.isSet(QStringLiteral("server")))
        return fail(error,
            QStringLiteral("give --stdin, or --server URL with --token or --user; see --help"));
    options.server = QUrl::fromUserInput(parser.value(QStringLiteral("server")));
    if (!options.server.isValid() || options.server.host().isEmpty()
        || (options.server.scheme() != QLatin1String("http")
            && options.server.scheme() != QLatin1String("https"))) {
        return fail(error,
            QStringLiteral("--server must be an http:// or https:// URL, not \"%1\"")
                .arg(parser.value(QStringLiteral("server"))));
    }
    const bool hasToken = parser.isSet(QStringLiteral("token"));
    const bool hasUser = parser.isSet(QStringLiteral("user"));
    if (hasToken == hasUser)
        return fail(error, QStringLiteral("give exactly one of --token and --user"));
    options.token = parser.value(QStringLiteral("token")).trimmed();
    options.username = parser.value(QStringLiteral("user")).trimmed();
    if (hasToken && options.token.isEmpty())
        return fail(error, QStringLiteral("--token is empty"));
    if (hasUser && options.username.isEmpty())
        return fail(error, QStringLiteral("--user is empty"));

    options.devices = commaList(parser.value(QStringLiteral("device")));
    if (parser.isSet(QStringLiteral("device")) && options.devices.isEmpty())
        return fail(error, QStringLiteral("--device names no device"));
    options.site = parser.value(QStringLiteral("site")).trimmed();
    if (parser.isSet(QStringLiteral("site")) && options.site.isEmpty())
        return fail(error, QStringLiteral("--site is empty"));
    options.types = commaList(parser.value(QStringLiteral("types")));
    if (parser.isSet(QStringLiteral("types")) && options.types.isEmpty())
        return fail(error, QStringLiteral("--types names no type"));
    for (const QString &type : std::as_const(options.types)) {
        if (!kKnownTypes.contains(type))
            return fail(error,
                QStringLiteral("unknown event type \"%1\" in --types (known: %2)")
                    .arg(type, kKnownTypes.join(QLatin1Char(','))));
    }
    options.lastEventId = parser.value(QStringLiteral("last-event-id")).trimmed();
    if (parser.isSet(QStringLiteral("last-event-id")) && options.lastEventId.isEmpty())
        return fail(error, QStringLiteral("--last-event-id is empty"));

    if (parser.isSet(QStringLiteral("since"))) {
        options.since
            = QDateTime::fromString(parser.value(QStringLiteral("since")), Qt::ISODateWithMs);
        if (!options.since.isValid() || options.since.timeSpec() == Qt::LocalTime)
            return fail(error,
                QStringLiteral("--since must be an RFC 3339 time with an offset or Z, e.g. "
                               "2026-11-22T10:00:00Z"));
    }
    if (parser.isSet(QStringLiteral("max-events"))) {
        bool ok = false;
        options.maxEvents = parser.value(QStringLiteral("max-events")).toLongLong(&ok);
        if (!ok || options.maxEvents < 1)
            return fail(error, QStringLiteral("--max-events must be a whole number of at least 1"));
    }
    if (parser.isSet(QStringLiteral("duration"))) {
        bool ok = false;
        options.durationSeconds = parser.value(QStringLiteral("duration")).toInt(&ok);
        if (!ok || options.durationSeconds < 1 || options.durationSeconds > 365 * 24 * 3600)
            return fail(error,
                QStringLiteral("--duration must be a whole number of seconds from 1 to 31536000"));
    }
    const QString format = parser.value(QStringLiteral("format"));
    if (format == QLatin1String("jsonl"))
        options.format = Format::Jsonl;
    else if (format == QLatin1String("text"))
        options.format = Format::Text;
    else
        return fail(
            error, QStringLiteral("--format must be jsonl or text, not \"%1\"").arg(format));
    return options;
}

QUrl TailOptions::streamUrl() const
{
    QUrl url = server;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/api/v1/telemetry/stream"));
    QUrlQuery query;
    if (!site.isEmpty())
        query.addQueryItem(QStringLiteral("siteId"), site);
    if (!devices.isEmpty())
        query.addQueryItem(QStringLiteral("deviceId"), devices.join(QLatin1Char(',')));
    if (!types.isEmpty())
        query.addQueryItem(QStringLiteral("types"), types.join(QLatin1Char(',')));
    url.setQuery(query);
    return url;
}

} // namespace Sightline
