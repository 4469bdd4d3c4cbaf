#include "server/admincommands.h"

#include "server/accountstore.h"
#include "server/alertengine.h"
#include "server/server.h"
#include "server/serverconfig.h"
#include "server/signalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimer>

#include <csignal>

namespace Sightline {

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kDrainTimeoutMs = 5000;

const char kDemoAccount[] = "demo";
const char kDemoSite[] = "lab";
const char kDemoUser[] = "demo";
const char kDemoPassword[] = "demo";
// resources/demo-config.json, compiled into this library (src/server/CMakeLists.txt).
const char kDemoConfigResource[] = ":/sightline/server/demo-config.json";

QString usage()
{
    return QStringLiteral(
        "usage:\n"
        "  sightline-server serve      --data-dir DIR [--listen 127.0.0.1:8080] [--config FILE]\n"
        "                              [--influx-url http://HOST:8086] [--redis-url redis://HOST:6379]\n"
        "  sightline-server add-user   --data-dir DIR --account A --username U [--sites s1,s2]\n"
        "                              (reads the password from standard input)\n"
        "  sightline-server add-device --data-dir DIR --account A --site S --device D [--rotate]\n"
        "  sightline-server demo       --data-dir DIR [--listen 127.0.0.1:8080] [--config FILE]\n"
        "                              [--influx-url URL] [--redis-url URL]\n"
        "                              (alert rules of resources/demo-config.json built in;\n"
        "                              a --config FILE with alertRules replaces them)\n"
        "--data-dir defaults to %1\n")
        .arg(AdminCommands::defaultDataDir());
}

// One subcommand's options. QCommandLineParser::parse() (not process()) so
// errors come back here instead of exiting the process.
struct Options
{
    QCommandLineParser parser;
    QCommandLineOption dataDir{QStringLiteral("data-dir"), QStringLiteral("Data directory."),
                               QStringLiteral("DIR")};
    QCommandLineOption listen{QStringLiteral("listen"), QStringLiteral("HOST:PORT to listen on."),
                              QStringLiteral("HOST:PORT")};
    QCommandLineOption config{QStringLiteral("config"), QStringLiteral("JSON config file."),
                              QStringLiteral("FILE")};
    QCommandLineOption account{QStringLiteral("account"), QStringLiteral("Account id."),
                               QStringLiteral("A")};
    QCommandLineOption username{QStringLiteral("username"), QStringLiteral("Username."),
                                QStringLiteral("U")};
    QCommandLineOption sites{QStringLiteral("sites"), QStringLiteral("Sites the user may see."),
                             QStringLiteral("s1,s2")};
    QCommandLineOption site{QStringLiteral("site"), QStringLiteral("Site id."), QStringLiteral("S")};
    QCommandLineOption device{QStringLiteral("device"), QStringLiteral("Device id."),
                              QStringLiteral("D")};
    QCommandLineOption rotate{QStringLiteral("rotate"),
                              QStringLiteral("Replace the key of an existing device.")};
    QCommandLineOption influxUrl{QStringLiteral("influx-url"),
                                 QStringLiteral("Store points in InfluxDB 1.x at this URL."), QStringLiteral("URL")};
    QCommandLineOption redisUrl{QStringLiteral("redis-url"),
                                QStringLiteral("Share the event log with other instances through Redis at this URL."),
                                QStringLiteral("URL")};

};

// Parses arguments (program name and subcommand already included) or
// prints why not.
bool parse(Options &options, const QStringList &arguments, QTextStream &err)
{
    QStringList args = arguments;
    args.removeAt(1); // the subcommand: QCommandLineParser wants program + options
    if (!options.parser.parse(args)) {
        err << "sightline-server " << arguments.at(1) << ": " << options.parser.errorText() << '\n'
            << usage();
        return false;
    }
    if (!options.parser.positionalArguments().isEmpty()) {
        err << "sightline-server " << arguments.at(1) << ": unexpected argument \""
            << options.parser.positionalArguments().first() << "\"\n"
            << usage();
        return false;
    }
    return true;
}

bool requireValue(const Options &options, const QCommandLineOption &option, QTextStream &err,
                  QString *value)
{
    *value = options.parser.value(option);
    if (value->isEmpty()) {
        err << "sightline-server: --" << option.names().first() << " is required\n";
        return false;
    }
    return true;
}

QString dataDirOf(const Options &options)
{
    const QString dir = options.parser.value(options.dataDir);
    return dir.isEmpty() ? AdminCommands::defaultDataDir() : dir;
}

// Builds the ServerConfig: *config as given (the defaults, or the demo's),
// then --config FILE, then flags.
bool buildConfig(const Options &options, bool allowConfigFile, QTextStream &err,
                 ServerConfig *config)
{
    if (allowConfigFile && options.parser.isSet(options.config)) {
        if (auto e = applyConfigFile(options.parser.value(options.config), config)) {
            err << "sightline-server: " << *e << '\n';
            return false;
        }
    }
    config->dataDir = dataDirOf(options);
    if (options.parser.isSet(options.listen)) {
        if (auto e = parseListenAddress(options.parser.value(options.listen),
                                        &config->listenAddress, &config->listenPort)) {
            err << "sightline-server: --listen " << *e << '\n';
            return false;
        }
    }
    if (options.parser.isSet(options.influxUrl)) {
        config->influxUrl = options.parser.value(options.influxUrl);
        if (auto e = checkInfluxUrl(config->influxUrl)) {
            err << "sightline-server: --influx-url " << *e << '\n';
            return false;
        }
    }
    if (options.parser.isSet(options.redisUrl)) {
        config->redisUrl = options.parser.value(options.redisUrl);
        if (auto e = checkRedisUrl(config->redisUrl)) {
            err << "sightline-server: --redis-url " << *e << '\n';
            return false;
        }
    }
    return true;
}

// "gpu-hot (gpu_temp_c > 85), soc-warm (soc_temp_c >= 70 on jetson-* for 5 s)",
// or "none": what demo says it runs with, so a user sees which rules fire.
QString describeRules(const QList<AlertRule> &rules)
{
    QStringList parts;
    for (const AlertRule &rule : rules) {
        QString text = QStringLiteral("%1 (%2 %3 %4")
                           .arg(rule.id, rule.field, AlertEngine::opName(rule.op))
                           .arg(rule.value);
        if (rule.devicePattern != QLatin1String("*"))
            text += QStringLiteral(" on %1").arg(rule.devicePattern);
        if (rule.holdSeconds > 0)
            text += QStringLiteral(" for %1 s").arg(rule.holdSeconds);
        parts.append(text + QLatin1Char(')'));
    }
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

// Runs the server until SIGINT/SIGTERM; afterStart (may be empty) runs once
// it listens, before the `listening on` line.
int serveUntilSignalled(const ServerConfig &config, QTextStream &out, QTextStream &err,
                        const std::function<bool(const Server &)> &afterStart)
{
    // Installed before listening, so a signal that arrives right after the
    // `listening on` line already shuts down gracefully.
    SignalWatcher signals_({SIGINT, SIGTERM});
    Server server(config);
    QString error;
    if (!server.start(&error)) {
        err << "sightline-server: " << error << '\n';
        err.flush();
        return kExitError;
    }
    if (afterStart && !afterStart(server))
        return kExitError;
    out << "listening on " << server.url().toString() << '\n';
    out.flush();

    // Graceful shutdown: stop accepting, let both halves answer and flush
    // what they acknowledged, then keep the event loop running until every
    // byte already written to a connection has left (at most kDrainTimeoutMs),
    // and exit 0.
    QObject::connect(&signals_, &SignalWatcher::signalReceived, &server, [&server](int) {
        server.shutdown();
        auto *drain = new QTimer(&server);
        const QDeadlineTimer deadline(kDrainTimeoutMs);
        QObject::connect(drain, &QTimer::timeout, &server, [&server, deadline] {
            if (server.pendingWriteBytes() == 0 || deadline.hasExpired())
                QCoreApplication::quit();
        });
        drain->start(10);
    });
    const int status = QCoreApplication::exec();
    server.shutdown();
    return status;
}

int runServe(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    Options options;
    options.parser.addOptions({options.dataDir, options.listen, options.config, options.influxUrl, options.redisUrl});
    if (!parse(options, arguments, err))
        return kExitUsage;
    ServerConfig config;
    if (!buildConfig(options, true, err, &config))
        return kExitUsage;
    return serveUntilSignalled(config, out, err, {});
}

int runAddUser(const QStringList &arguments, QIODevice &in, QTextStream &err)
{
    Options options;
    options.parser.addOptions({options.dataDir, options.account, options.username, options.sites});
    if (!parse(options, arguments, err))
        return kExitUsage;
    QString account, username;
    if (!requireValue(options, options.account, err, &account)
        || !requireValue(options, options.username, err, &username)) {
        return kExitUsage;
    }
    QStringList sites;
    if (options.parser.isSet(options.sites)) {
        sites = options.parser.value(options.sites).split(QLatin1Char(','), Qt::SkipEmptyParts);
        if (sites.isEmpty()) {
            err << "sightline-server: --sites names no site (leave it out for all sites)\n";
            return kExitUsage;
        }
    }
    const QByteArray password = AdminCommands::passwordFromInput(in.readAll());
    if (password.isEmpty()) {
        err << "sightline-server: the password read from standard input is empty\n";
        return kExitError;
    }
    if (auto e = AdminCommands::addUser(dataDirOf(options), account, username, password, sites)) {
        err << "sightline-server: " << *e << '\n';
        return kExitError;
    }
    return 0;
}

int runAddDevice(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    Options options;
    options.parser.addOptions(
        {options.dataDir, options.account, options.site, options.device, options.rotate});
    if (!parse(options, arguments, err))
        return kExitUsage;
    QString account, site, device;
    if (!requireValue(options, options.account, err, &account)
        || !requireValue(options, options.site, err, &site)
        || !requireValue(options, options.device, err, &device)) {
        return kExitUsage;
    }
    QString error;
    const auto key = AdminCommands::addDevice(dataDirOf(options), account, site, device,
                                              options.parser.isSet(options.rotate), &error);
    if (!key) {
        err << "sightline-server: " << error << '\n';
        return kExitError;
    }
    out << QString::fromLatin1(*key) << '\n';
    out.flush();
    return 0;
}

int runDemo(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    // demo serves like serve, so it takes the same --config (docs/API.md).
    Options options;
    options.parser.addOptions({options.dataDir, options.listen, options.config, options.influxUrl, options.redisUrl});
    if (!parse(options, arguments, err))
        return kExitUsage;
    // The demo's own config comes first, as the demo's defaults, so the demo
    // fires its alerts without a --config (issue 14); --config FILE and the
    // flags then apply over it key by key, as over serve's defaults. One
    // format and one parser: the built-in file is read like --config.
    ServerConfig config;
    if (auto e = applyConfigFile(QString::fromLatin1(kDemoConfigResource), &config)) {
        err << "sightline-server: the built-in demo " << *e << '\n';
        return kExitError;
    }
    if (!buildConfig(options, true, err, &config))
        return kExitUsage;
    QString error;
    const auto devices = AdminCommands::provisionDemo(config.dataDir, &error);
    if (!devices) {
        err << "sightline-server: " << error << '\n';
        return kExitError;
    }
    return serveUntilSignalled(config, out, err, [&](const Server &server) {
        QString writeError;
        if (!AdminCommands::writeDemoKeys(config.dataDir, server.url(), *devices, &writeError)) {
            err << "sightline-server: " << writeError << '\n';
            return false;
        }
        const QString url = server.url().toString();
        const QString keys = AdminCommands::demoKeysPath(config.dataDir);
        out << "demo: account \"demo\", site \"lab\", devices jetson-01, jetson-02, jetson-03\n"
            << "demo: sign in as user \"demo\" with password \"demo\": sightline --server " << url
            << " --user demo\n"
            << "demo: device keys are in " << keys << ": sightline-device --server " << url
            << " --keys " << keys << '\n'
            << "demo: alert rules: " << describeRules(config.alertRules) << '\n';
        return true;
    });
}

} // namespace

QString AdminCommands::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QByteArray AdminCommands::passwordFromInput(QByteArray input)
{
    if (input.endsWith("\r\n"))
        input.chop(2);
    else if (input.endsWith('\n'))
        input.chop(1);
    return input;
}

std::optional<QString> AdminCommands::addUser(const QString &dataDir, const QString &accountId,
                                              const QString &username, const QByteArray &password,
                                              const QStringList &sites)
{
    AccountStore store;
    QString error;
    if (!store.open(dataDir, &error))
        return error;
    return store.addUser(accountId, username, password, sites);
}

std::optional<QByteArray> AdminCommands::addDevice(const QString &dataDir, const QString &accountId,
                                                   const QString &siteId, const QString &deviceId,
                                                   bool rotate, QString *error)
{
    AccountStore store;
    if (!store.open(dataDir, error))
        return std::nullopt;
    return store.addDevice(accountId, siteId, deviceId, rotate, error);
}

QString AdminCommands::demoKeysPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("demo-keys.json"));
}

std::optional<QList<AdminCommands::DemoDevice>> AdminCommands::provisionDemo(const QString &dataDir,
                                                                             QString *error)
{
    AccountStore store;
    if (!store.open(dataDir, error))
        return std::nullopt;
    const QString account = QString::fromLatin1(kDemoAccount);
    const QString site = QString::fromLatin1(kDemoSite);

    if (const auto user = store.findUser(QString::fromLatin1(kDemoUser))) {
        if (user->accountId != account) {
            *error = QStringLiteral("user \"demo\" already exists in account \"%1\"")
                         .arg(user->accountId);
            return std::nullopt;
        }
    } else if (auto e = store.addUser(account, QString::fromLatin1(kDemoUser),
                                      QByteArray(kDemoPassword), {})) {
        *error = *e;
        return std::nullopt;
    }

    // Keys from an earlier run, so devices already configured keep working.
    QHash<QString, QByteArray> knownKeys;
    QFile previous(demoKeysPath(dataDir));
    if (previous.open(QIODevice::ReadOnly)) {
        const QJsonArray list =
            QJsonDocument::fromJson(previous.readAll()).object().value(QStringLiteral("devices")).toArray();
        for (const QJsonValue &entry : list) {
            knownKeys.insert(entry.toObject().value(QStringLiteral("deviceId")).toString(),
                             entry.toObject().value(QStringLiteral("key")).toString().toLatin1());
        }
    }

    QList<DemoDevice> devices;
    for (const char *id : {"jetson-01", "jetson-02", "jetson-03"}) {
        DemoDevice device{QString::fromLatin1(id), site, {}};
        const bool exists = store.hasDevice(account, device.deviceId);
        const QByteArray known = knownKeys.value(device.deviceId);
        const auto owner = known.isEmpty() ? std::nullopt : store.deviceForKey(known);
        if (exists && owner && owner->accountId == account && owner->deviceId == device.deviceId) {
            device.key = known;
            device.siteId = owner->siteId;
        } else {
            // Missing, or present with a key we no longer know: (re)issue.
            QString deviceError;
            const auto key = store.addDevice(account, site, device.deviceId, exists, &deviceError);
            if (!key) {
                *error = deviceError;
                return std::nullopt;
            }
            device.key = *key;
        }
        devices.append(device);
    }
    return devices;
}

bool AdminCommands::writeDemoKeys(const QString &dataDir, const QUrl &server,
                                  const QList<DemoDevice> &devices, QString *error)
{
    QJsonArray list;
    for (const DemoDevice &device : devices) {
        list.append(QJsonObject{{QStringLiteral("deviceId"), device.deviceId},
                                {QStringLiteral("siteId"), device.siteId},
                                {QStringLiteral("key"), QString::fromLatin1(device.key)}});
    }
    const QJsonObject document{{QStringLiteral("server"), server.toString()},
                               {QStringLiteral("account"), QString::fromLatin1(kDemoAccount)},
                               {QStringLiteral("devices"), list}};
    QSaveFile file(demoKeysPath(dataDir));
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(document).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}

int AdminCommands::run(const QStringList &arguments, QIODevice &in, QTextStream &out,
                       QTextStream &err)
{
    const QString command = arguments.value(1);
    int status = kExitUsage;
    if (command == QLatin1String("serve"))
        status = runServe(arguments, out, err);
    else if (command == QLatin1String("add-user"))
        status = runAddUser(arguments, in, err);
    else if (command == QLatin1String("add-device"))
        status = runAddDevice(arguments, out, err);
    else if (command == QLatin1String("demo"))
        status = runDemo(arguments, out, err);
    else if (command == QLatin1String("--help") || command == QLatin1String("-h")
             || command == QLatin1String("help")) {
        out << usage();
        status = 0;
    } else if (command.isEmpty()) {
        err << "sightline-server: no command given\n" << usage();
    } else {
        err << "sightline-server: unknown command \"" << command << "\"\n" << usage();
    }
    out.flush();
    err.flush();
    return status;
}

} // namespace Sightline
