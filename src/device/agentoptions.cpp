#include "device/agentoptions.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Sightline {

namespace {

const char kUsage[] =
    "The Sightline device agent: simulates Jetson boards, or reads real tegrastats\n"
    "output, and pushes telemetry to sightline-server (POST /api/v1/telemetry).\n"
    "\n"
    "  sightline-device --server URL --key KEY --device ID [--interval S] [--count N]\n"
    "  sightline-device --server URL --keys demo-keys.json [--interval S] [--count N]\n"
    "  sightline-device --server URL --key KEY --device ID --tegrastats [FILE|-]\n"
    "\n"
    "--keys simulates one device per entry of the file `sightline-server demo`\n"
    "writes (its \"server\" is used when --server is not given). --tegrastats with\n"
    "no argument runs `tegrastats --interval <ms>`; FILE replays recorded lines one\n"
    "per --interval; - reads standard input as lines arrive.\n"
    "\n"
    "Delivery loses nothing it can keep: points wait in a bounded buffer while the\n"
    "server is unreachable or answers 429/503, and are resent in batches with\n"
    "backoff (never sooner than Retry-After); seq numbers make resends harmless.\n"
    "Every problem is one line on standard error.\n"
    "\n"
    "Exit status: 0 done (also after Ctrl-C); 1 tegrastats input failed; 2 bad\n"
    "arguments or keys file; 3 the server rejected a key (401/403); 4 no telemetry\n"
    "endpoint at --server (404/405 or a redirect); 5 finished, but points were\n"
    "dropped or rejected on the way.";

struct Parser
{
    QCommandLineParser parser;
    QCommandLineOption server{QStringLiteral("server"), QStringLiteral("Server base URL, e.g. http://127.0.0.1:8080."), QStringLiteral("URL")};
    QCommandLineOption key{QStringLiteral("key"), QStringLiteral("The device's API key (from sightline-server add-device)."), QStringLiteral("KEY")};
    QCommandLineOption device{QStringLiteral("device"), QStringLiteral("The device id the key is bound to."), QStringLiteral("ID")};
    QCommandLineOption keys{QStringLiteral("keys"), QStringLiteral("Simulate every device of a demo-keys.json file."), QStringLiteral("FILE")};
    QCommandLineOption tegrastats{QStringLiteral("tegrastats"), QStringLiteral("Send real tegrastats lines: run tegrastats (no argument), replay FILE, or read - (standard input)."), QStringLiteral("FILE|-")};
    QCommandLineOption interval{QStringLiteral("interval"), QStringLiteral("Seconds between points of a device (default 1; fractions allowed)."), QStringLiteral("S"), QStringLiteral("1")};
    QCommandLineOption count{QStringLiteral("count"), QStringLiteral("Stop once N points per device are acknowledged (default: run until stopped)."), QStringLiteral("N")};
    QCommandLineOption speed{QStringLiteral("speed"), QStringLiteral("Simulated seconds per real second (default 1): overheating episodes come and heat up that much sooner; silent periods stay in real seconds."), QStringLiteral("F"), QStringLiteral("1")};
    QCommandLineOption seed{QStringLiteral("seed"), QStringLiteral("Simulation seed; the same seed gives the same signals (default 1)."), QStringLiteral("N"), QStringLiteral("1")};
    QCommandLineOption overheatEvery{QStringLiteral("overheat-every"), QStringLiteral("Every S seconds the GPU runs flat out with a stalled fan and passes 85 °C, then cools (default: never)."), QStringLiteral("S")};
    QCommandLineOption overheatFor{QStringLiteral("overheat-for"), QStringLiteral("Length of an overheating episode in seconds (default 60)."), QStringLiteral("S"), QStringLiteral("60")};
    QCommandLineOption overheatDevice{QStringLiteral("overheat-device"), QStringLiteral("Only this device overheats (repeat or comma-separate; default: all)."), QStringLiteral("ID")};
    QCommandLineOption silentEvery{QStringLiteral("silent-every"), QStringLiteral("Every S seconds the device goes silent (sends and samples nothing), so the server marks it offline (default: never)."), QStringLiteral("S")};
    QCommandLineOption silentFor{QStringLiteral("silent-for"), QStringLiteral("Length of a silent period in seconds (default 30)."), QStringLiteral("S"), QStringLiteral("30")};
    QCommandLineOption silentDevice{QStringLiteral("silent-device"), QStringLiteral("Only this device goes silent (repeat or comma-separate; default: all)."), QStringLiteral("ID")};
    QCommandLineOption batchSize{QStringLiteral("batch-size"), QStringLiteral("Most points per POST, 1-1000 (default 100)."), QStringLiteral("N"), QStringLiteral("100")};
    QCommandLineOption buffer{QStringLiteral("buffer"), QStringLiteral("Points kept per device while the server is away; beyond, the oldest are dropped (default 10000)."), QStringLiteral("N"), QStringLiteral("10000")};
    QCommandLineOption timeout{QStringLiteral("timeout"), QStringLiteral("Seconds before a silent request counts as failed (default 30)."), QStringLiteral("S"), QStringLiteral("30")};
    QCommandLineOption retryMax{QStringLiteral("retry-max"), QStringLiteral("Longest backoff between retries in seconds (default 30)."), QStringLiteral("S"), QStringLiteral("30")};
    QCommandLineOption seqStart{QStringLiteral("seq-start"), QStringLiteral("First seq number (default: start time in ms x 1000, so seq grows across restarts)."), QStringLiteral("N")};
    QCommandLineOption verbose{QStringLiteral("verbose"), QStringLiteral("Also print one line per acknowledged batch.")};

    Parser()
    {
        parser.setApplicationDescription(QString::fromUtf8(kUsage));
        parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({server, key, device, keys, tegrastats, interval, count, speed, seed, overheatEvery,
                           overheatFor, overheatDevice, silentEvery, silentFor, silentDevice, batchSize,
                           buffer, timeout, retryMax, seqStart, verbose});
    }
};

bool readSeconds(const QString &text, const QString &option, double minimum, double *out, QString *error)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < minimum || value > 86400.0 * 365) {
        *error = QStringLiteral("--%1 wants a number of seconds of at least %2, not \"%3\"").arg(option).arg(minimum).arg(text);
        return false;
    }
    *out = value;
    return true;
}

bool readInteger(const QString &text, const QString &option, qint64 minimum, qint64 maximum, qint64 *out, QString *error)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < minimum || value > maximum) {
        *error = QStringLiteral("--%1 wants a whole number from %2 to %3, not \"%4\"").arg(option).arg(minimum).arg(maximum).arg(text);
        return false;
    }
    *out = value;
    return true;
}

QStringList splitIds(const QStringList &values)
{
    QStringList ids;
    for (const QString &value : values) {
        for (const QString &id : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
            ids.append(id.trimmed());
    }
    return ids;
}

} // namespace

QString AgentOptions::helpText()
{
    Parser p;
    return p.parser.helpText();
}

bool AgentOptions::overheats(const QString &deviceId) const
{
    return overheatEverySeconds > 0 && (overheatDevices.isEmpty() || overheatDevices.contains(deviceId));
}

bool AgentOptions::goesSilent(const QString &deviceId) const
{
    return silentEverySeconds > 0 && (silentDevices.isEmpty() || silentDevices.contains(deviceId));
}

AgentOptions::Outcome AgentOptions::fromArguments(const QStringList &arguments, AgentOptions *out)
{
    Outcome outcome;
    // --tegrastats takes an optional value, which QCommandLineParser cannot
    // express: a bare --tegrastats (last, or followed by another option)
    // becomes --tegrastats= (empty: run the program).
    QStringList args;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        const bool bare = arg == QLatin1String("--tegrastats") || arg == QLatin1String("-tegrastats");
        if (bare && (i + 1 >= arguments.size() || (arguments.at(i + 1).startsWith(QLatin1Char('-')) && arguments.at(i + 1) != QLatin1String("-"))))
            args.append(QStringLiteral("--tegrastats="));
        else
            args.append(arg);
    }

    Parser p;
    QCommandLineParser &parser = p.parser;
    if (!parser.parse(args)) {
        outcome.text = parser.errorText();
        return outcome;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        outcome.kind = Outcome::Kind::Help;
        outcome.text = parser.helpText();
        return outcome;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        outcome.kind = Outcome::Kind::Version;
        return outcome;
    }
    if (!parser.positionalArguments().isEmpty()) {
        outcome.text = QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first());
        return outcome;
    }

    AgentOptions o;
    QString &error = outcome.text;

    // Devices and keys.
    if (parser.isSet(p.keys)) {
        if (parser.isSet(p.key) || parser.isSet(p.device)) {
            error = QStringLiteral("--keys simulates the devices of a file; leave out --key and --device");
            return outcome;
        }
        if (parser.isSet(p.tegrastats)) {
            error = QStringLiteral("--tegrastats sends one real device's lines; use --key and --device, not --keys");
            return outcome;
        }
        DeviceKeysFile file;
        if (!DeviceKeysFile::load(parser.value(p.keys), &file, &error))
            return outcome;
        o.devices = file.devices;
        o.server = file.server;
    } else {
        if (!parser.isSet(p.key) || parser.value(p.key).trimmed().isEmpty()) {
            error = QStringLiteral("give the device's API key with --key KEY (or a keys file with --keys FILE)");
            return outcome;
        }
        if (!parser.isSet(p.device) || parser.value(p.device).trimmed().isEmpty()) {
            error = QStringLiteral("give the device id the key belongs to with --device ID");
            return outcome;
        }
        o.devices.append({parser.value(p.device).trimmed(), QString(), parser.value(p.key).trimmed().toUtf8()});
    }

    if (parser.isSet(p.server)) {
        o.server = QUrl(parser.value(p.server), QUrl::StrictMode);
        if (!o.server.isValid() || (o.server.scheme() != QLatin1String("http") && o.server.scheme() != QLatin1String("https"))
            || o.server.host().isEmpty()) {
            error = QStringLiteral("--server wants an http:// or https:// URL such as http://127.0.0.1:8080, not \"%1\"")
                        .arg(parser.value(p.server));
            return outcome;
        }
    }
    if (o.server.isEmpty()) {
        error = QStringLiteral("give the server with --server URL, e.g. --server http://127.0.0.1:8080");
        return outcome;
    }

    // Source.
    if (parser.isSet(p.tegrastats)) {
        const QString value = parser.value(p.tegrastats);
        if (value.isEmpty())
            o.source = Source::TegrastatsProgram;
        else if (value == QLatin1String("-"))
            o.source = Source::TegrastatsStdin;
        else {
            o.source = Source::TegrastatsFile;
            o.tegrastatsFile = value;
        }
        for (const QCommandLineOption *simOnly : {&p.overheatEvery, &p.silentEvery, &p.overheatDevice, &p.silentDevice}) {
            if (parser.isSet(*simOnly)) {
                error = QStringLiteral("--%1 applies to simulated devices, not to --tegrastats").arg(simOnly->names().constFirst());
                return outcome;
            }
        }
    }

    // Numbers.
    qint64 integer = 0;
    if (!readSeconds(parser.value(p.interval), QStringLiteral("interval"), 0.01, &o.intervalSeconds, &error))
        return outcome;
    {
        bool ok = false;
        o.speed = parser.value(p.speed).toDouble(&ok);
        if (!ok || !std::isfinite(o.speed) || o.speed < 0.01 || o.speed > 10000) {
            error = QStringLiteral("--speed wants a factor from 0.01 to 10000, not \"%1\"").arg(parser.value(p.speed));
            return outcome;
        }
    }
    if (parser.isSet(p.count)) {
        if (!readInteger(parser.value(p.count), QStringLiteral("count"), 1, qint64(1) << 40, &o.count, &error))
            return outcome;
    }
    if (!readInteger(parser.value(p.seed), QStringLiteral("seed"), 0, std::numeric_limits<qint64>::max(), &integer, &error))
        return outcome;
    o.seed = quint64(integer);
    if (parser.isSet(p.overheatEvery)
        && !readSeconds(parser.value(p.overheatEvery), QStringLiteral("overheat-every"), 1, &o.overheatEverySeconds, &error))
        return outcome;
    if (!readSeconds(parser.value(p.overheatFor), QStringLiteral("overheat-for"), 1, &o.overheatForSeconds, &error))
        return outcome;
    if (parser.isSet(p.silentEvery)
        && !readSeconds(parser.value(p.silentEvery), QStringLiteral("silent-every"), 1, &o.silentEverySeconds, &error))
        return outcome;
    if (!readSeconds(parser.value(p.silentFor), QStringLiteral("silent-for"), 0.01, &o.silentForSeconds, &error))
        return outcome;
    if (o.overheatEverySeconds > 0 && o.overheatForSeconds >= o.overheatEverySeconds) {
        error = QStringLiteral("--overheat-for must be shorter than --overheat-every");
        return outcome;
    }
    if (o.silentEverySeconds > 0 && o.silentForSeconds >= o.silentEverySeconds) {
        error = QStringLiteral("--silent-for must be shorter than --silent-every");
        return outcome;
    }
    o.overheatDevices = splitIds(parser.values(p.overheatDevice));
    o.silentDevices = splitIds(parser.values(p.silentDevice));
    for (const QString &id : o.overheatDevices + o.silentDevices) {
        const bool known = std::any_of(o.devices.cbegin(), o.devices.cend(),
                                       [&](const DeviceKeysFile::Device &d) { return d.deviceId == id; });
        if (!known) {
            error = QStringLiteral("device \"%1\" named by --overheat-device/--silent-device is not one of the simulated devices").arg(id);
            return outcome;
        }
    }
    if (!readInteger(parser.value(p.batchSize), QStringLiteral("batch-size"), 1, 1000, &integer, &error))
        return outcome;
    o.batchSize = int(integer);
    if (!readInteger(parser.value(p.buffer), QStringLiteral("buffer"), 1, 10000000, &integer, &error))
        return outcome;
    o.bufferCapacity = int(integer);
    if (!readSeconds(parser.value(p.timeout), QStringLiteral("timeout"), 0.1, &o.timeoutSeconds, &error))
        return outcome;
    if (!readSeconds(parser.value(p.retryMax), QStringLiteral("retry-max"), 0.01, &o.maxRetrySeconds, &error))
        return outcome;
    if (parser.isSet(p.seqStart)) {
        if (!readInteger(parser.value(p.seqStart), QStringLiteral("seq-start"), 0, (qint64(1) << 53) - (qint64(1) << 40), &o.firstSeq, &error))
            return outcome;
    }
    o.verbose = parser.isSet(p.verbose);

    *out = o;
    outcome.kind = Outcome::Kind::Run;
    error.clear();
    return outcome;
}

} // namespace Sightline
