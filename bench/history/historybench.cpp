// History fetch benchmark (issue 14, "the history for a 24-hour view of 50
// devices at 1 Hz fetched in under 1 s"): fills a data dir through the
// SQLite storage API with DEVICES x HOURS x 3600 points of FIELDS fields
// (1 Hz), starts the real sightline-server on it, and fetches every device's
// range with the app's own HistoryLoader, all devices at once as the app
// does: as step buckets (loadBuckets) several rounds, then as raw points
// (load, limit 100000: the baseline). Prints one line per round and the
// ratio. See README.md.
#include "historyfill.h"
#include "historyloader.h"

#include "server/admincommands.h"
#include "server/identity.h"
#include "server/sqlitestorage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <memory>

using namespace Sightline;
using namespace Sightline::BenchHistory;

namespace {

QString signIn(QNetworkAccessManager &network, const QUrl &server)
{
    QNetworkRequest request(server.resolved(QUrl(QStringLiteral("/api/v1/auth/login"))));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = network.post(request, QJsonDocument(QJsonObject{{QStringLiteral("username"), QStringLiteral("bench")},
                                                                            {QStringLiteral("password"), QString::fromLatin1(kPassword)}})
                                                     .toJson());
    processUntil([reply] { return reply->isFinished(); }, 30000);
    const QString token = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("access_token")).toString();
    reply->deleteLater();
    return token;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("History fetch benchmark (issue 14): buckets against raw points."));
    parser.addHelpOption();
    const QCommandLineOption devicesOption(QStringLiteral("devices"), QStringLiteral("Devices (50)."), QStringLiteral("n"), QStringLiteral("50"));
    const QCommandLineOption hoursOption(QStringLiteral("hours"), QStringLiteral("Hours of 1 Hz points (24)."), QStringLiteral("n"), QStringLiteral("24"));
    const QCommandLineOption fieldsOption(QStringLiteral("fields"), QStringLiteral("Fields per point (21)."), QStringLiteral("n"), QStringLiteral("21"));
    const QCommandLineOption stepOption(QStringLiteral("step"), QStringLiteral("Bucket step in seconds (60)."), QStringLiteral("s"), QStringLiteral("60"));
    const QCommandLineOption roundsOption(QStringLiteral("rounds"), QStringLiteral("Bucket rounds (3)."), QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption dataOption(QStringLiteral("data-dir"),
                                        QStringLiteral("Keep the filled data here and reuse it when it exists (default: a temporary dir)."),
                                        QStringLiteral("dir"));
    const QCommandLineOption serverOption(QStringLiteral("server"), QStringLiteral("sightline-server (default: beside this program)."),
                                          QStringLiteral("path"));
    const QCommandLineOption noBaselineOption(QStringLiteral("no-baseline"), QStringLiteral("Skip the raw-point baseline."));
    const QCommandLineOption baselineDevicesOption(QStringLiteral("baseline-devices"),
                                                   QStringLiteral("Devices fetched as raw points (default: all; fewer are scaled up)."),
                                                   QStringLiteral("n"));
    parser.addOptions({devicesOption, hoursOption, fieldsOption, stepOption, roundsOption, dataOption, serverOption,
                       noBaselineOption, baselineDevicesOption});
    parser.process(app);
    const int devices = parser.value(devicesOption).toInt();
    const int hours = parser.value(hoursOption).toInt();
    const int fields = parser.value(fieldsOption).toInt();
    const int step = parser.value(stepOption).toInt();
    const int rounds = parser.value(roundsOption).toInt();
    const QString serverPath = parser.isSet(serverOption)
        ? parser.value(serverOption)
        : QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("sightline-server"));

    QTemporaryDir temporary(QDir::temp().filePath(QStringLiteral("sightline-bench-history-XXXXXX")));
    const QString dataDir = parser.isSet(dataOption) ? parser.value(dataOption) : temporary.path();
    QDir().mkpath(dataDir);
    const qint64 endMs = prepareDataDir(dataDir, devices, hours, fields);
    if (endMs == 0)
        return 1;
    const qint64 sinceMs = endMs - qint64(hours) * 3600 * 1000;
    const qint64 untilMs = endMs + 1;

    QProcess server;
    const QUrl url = startServer(server, serverPath, dataDir);
    if (!url.isValid())
        return 1;
    QNetworkAccessManager network;
    const QString token = signIn(network, url);
    if (token.isEmpty()) {
        std::fprintf(stderr, "sign-in failed\n");
        return 1;
    }
    HistoryLoader loader(&network);
    loader.setServer(url);
    loader.setTokenSource([token] { return token; });

    int answers = 0;
    int failures = 0;
    qint64 items = 0; // buckets or points received
    QObject::connect(&loader, &HistoryLoader::bucketsLoaded, [&](const QString &, const HistoryBucketPage &page) {
        ++answers;
        items += page.buckets.size();
    });
    QObject::connect(&loader, &HistoryLoader::loaded, [&](const QString &, const HistoryPage &page) {
        ++answers;
        items += page.points.size();
    });
    QObject::connect(&loader, &HistoryLoader::failed, [&](const QString &deviceId, const QString &reason, int) {
        ++failures;
        std::fprintf(stderr, "%s failed: %s\n", qPrintable(deviceId), qPrintable(reason));
    });
    const auto measure = [&](const char *what, const std::function<void(const QString &)> &start) {
        answers = failures = 0;
        items = 0;
        QElapsedTimer timer;
        timer.start();
        for (int d = 0; d < devices; ++d)
            start(deviceName(d));
        processUntil([&] { return answers + failures == devices; }, 600000);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        std::printf("%-34s %5d devices  %9lld items  %9.1f ms  %s\n", what, devices, items, ms,
                    failures ? "FAILED" : "ok");
        std::fflush(stdout);
        return failures ? -1.0 : ms;
    };
    std::printf("history of %d devices x %d h x 1 Hz x %d fields, step %d s, %s\n", devices, hours, fields, step,
                qPrintable(url.toString()));
    QList<double> bucketTimes;
    // What a chart of the fleet asks for (its fields), then every field.
    const QStringList chartFields{QStringLiteral("metric_00")};
    for (int r = 0; r < rounds; ++r) {
        const QByteArray label = "buckets step=" + QByteArray::number(step) + " 1 field, round " + QByteArray::number(r + 1);
        bucketTimes.append(measure(label.constData(), [&](const QString &deviceId) {
            loader.loadBuckets(deviceId, sinceMs, untilMs, step, chartFields);
        }));
    }
    for (int r = 0; r < rounds; ++r) {
        const QByteArray label = "buckets step=" + QByteArray::number(step) + " all fields, round " + QByteArray::number(r + 1);
        measure(label.constData(), [&](const QString &deviceId) { loader.loadBuckets(deviceId, sinceMs, untilMs, step); });
    }
    if (!parser.isSet(noBaselineOption)) {
        loader.setLimit(100000);
        loader.setMaxPages(1);
        // One device at a time: all at once, the later requests wait in
        // the server's queue past ApiRequest's 30 s timeout.
        answers = failures = 0;
        items = 0;
        QElapsedTimer timer;
        timer.start();
        const int rawDevices = parser.isSet(baselineDevicesOption)
            ? std::clamp(parser.value(baselineDevicesOption).toInt(), 1, devices)
            : devices;
        for (int d = 0; d < rawDevices; ++d) {
            loader.load(deviceName(d), sinceMs, untilMs);
            processUntil([&] { return answers + failures == d + 1; }, 600000);
        }
        const double measured = double(timer.nsecsElapsed()) / 1e6;
        std::printf("%-34s %5d devices  %9lld items  %9.1f ms  %s\n", "raw points limit=100000, serial", rawDevices,
                    items, measured, failures ? "FAILED" : "ok");
        // Fewer devices than the fleet: scaled to the fleet (each device's
        // request costs the same).
        const double raw = failures ? -1.0 : measured * devices / rawDevices;
        if (rawDevices < devices)
            std::printf("raw points scaled to %d devices: %.1f ms\n", devices, raw);
        std::sort(bucketTimes.begin(), bucketTimes.end());
        if (raw > 0 && !bucketTimes.isEmpty() && bucketTimes.first() > 0) {
            const double median = bucketTimes.at(bucketTimes.size() / 2);
            std::printf("buckets of 1 field (median of %lld rounds) / raw points: %.1f / %.1f ms = %.4fx\n",
                        qint64(bucketTimes.size()), median, raw, median / raw);
        }
    }
    server.terminate();
    server.waitForFinished(30000);
    return 0;
}
