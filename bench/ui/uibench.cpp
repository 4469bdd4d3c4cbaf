// Workspace-load benchmark for the desktop app (issues 6 and 14): N devices
// x F fields at R points/s each are fed into the shared stores (SeriesStore,
// BucketStore, LatestValuesModel, DeviceListModel) exactly as EventRouter
// feeds them, under a real MainWindow showing a layout (--layout FILE;
// offscreen or under Xvfb), for D seconds. A chart whose range holds more
// points than it has pixel columns asks for buckets (bucketsNeeded); they are
// answered as the server would answer them for this fleet: aggregated from
// the points sent so far, merged a turn of the event loop later. Reports CPU
// use of one core, resident memory over time (once a minute), frames per
// second, series replaces per frame and the device-timestamp-to-frame
// latency. One JSON line on standard output; progress on standard error.
#include "telemetry/alerttablemodel.h"
#include "telemetry/bucketstore.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/layoutlibrary.h"
#include "telemetry/seriesstore.h"
#include "telemetry/statetimeline.h"
#include "telemetry/workspacetime.h"
#include "ui/connectionstatus.h"
#include "ui/layoutsmenu.h"
#include "ui/livechartwidget.h"
#include "ui/mainwindow.h"
#include "ui/paneldock.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QChart>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTextStream>
#include <QXYSeries>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace {

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double rssMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return -1;
}

// The 21 fields a simulated Jetson sends (src/device/jetsonsimulator.cpp),
// so layouts written for the real fleet match; more are named extra_N.
QStringList fieldNamesFor(int count)
{
    QStringList names;
    for (int i = 0; i < 6; ++i)
        names.append(QStringLiteral("cpu%1_util_pct").arg(i));
    names << QStringLiteral("cpu_util_pct") << QStringLiteral("cpu_freq_mhz") << QStringLiteral("gpu_util_pct")
          << QStringLiteral("gpu_freq_mhz") << QStringLiteral("ram_used_mb") << QStringLiteral("ram_total_mb")
          << QStringLiteral("cpu_temp_c") << QStringLiteral("gpu_temp_c") << QStringLiteral("soc_temp_c")
          << QStringLiteral("tj_temp_c") << QStringLiteral("power_vdd_in_mw") << QStringLiteral("power_vdd_cpu_gpu_cv_mw")
          << QStringLiteral("power_vdd_soc_mw") << QStringLiteral("fan_pwm_pct") << QStringLiteral("fan_rpm");
    while (names.size() < count)
        names.append(QStringLiteral("extra_%1").arg(names.size()));
    return names.mid(0, count);
}

// What the server answers to history with `step` for a device of this run:
// the points sent so far (the store holds every one of the range), folded
// into step buckets of every field.
Sightline::HistoryBucketPage bucketsOf(const Sightline::SeriesStore &store, const QString &deviceId, qint64 fromMs,
                                       qint64 toMs, qint64 stepMs)
{
    struct Fold
    {
        Sightline::HistoryBucket bucket;
        QHash<QString, double> sums;
        QHash<QString, int> counts;
    };
    std::map<qint64, Fold> byStart;
    for (const QString &field : store.fields(deviceId)) {
        for (const Sightline::Sample &sample : store.samples(deviceId, field, fromMs, toMs)) {
            const qint64 start = sample.tMs - sample.tMs % stepMs;
            Fold &fold = byStart[start];
            Sightline::HistoryBucket &bucket = fold.bucket;
            bucket.tsMs = start;
            const auto min = bucket.min.constFind(field);
            bucket.min.insert(field, min == bucket.min.cend() ? sample.value : std::min(*min, sample.value));
            const auto max = bucket.max.constFind(field);
            bucket.max.insert(field, max == bucket.max.cend() ? sample.value : std::max(*max, sample.value));
            bucket.last.insert(field, sample.value);
            fold.sums[field] += sample.value;
            ++fold.counts[field];
        }
    }
    Sightline::HistoryBucketPage page;
    page.stepMs = stepMs;
    for (auto &entry : byStart) {
        Fold &fold = entry.second;
        for (auto it = fold.sums.cbegin(); it != fold.sums.cend(); ++it) {
            // Every point carries every field: a field's count is the bucket's.
            const int n = fold.counts.value(it.key());
            fold.bucket.count = std::max(fold.bucket.count, n);
            fold.bucket.mean.insert(it.key(), it.value() / std::max(1, n));
        }
        page.buckets.append(fold.bucket);
    }
    return page;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sightline workspace-load benchmark"));
    parser.addHelpOption();
    const QCommandLineOption devicesOption(QStringLiteral("devices"), QStringLiteral("Devices."), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption fieldsOption(QStringLiteral("fields"), QStringLiteral("Fields per device."), QStringLiteral("N"), QStringLiteral("21"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("Points per second per device."), QStringLiteral("HZ"), QStringLiteral("2"));
    const QCommandLineOption durationOption(QStringLiteral("duration"), QStringLiteral("Seconds to run."), QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption layoutOption(QStringLiteral("layout"), QStringLiteral("Layout JSON file the window shows (default: one chart of gpu_temp_c of every device)."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption windowOption(QStringLiteral("window"), QStringLiteral("Live window in minutes (default: the layout's)."), QStringLiteral("M"));
    parser.addOptions({devicesOption, fieldsOption, rateOption, durationOption, layoutOption, windowOption});
    parser.process(app);
    const int deviceCount = parser.value(devicesOption).toInt();
    const int fieldCount = parser.value(fieldsOption).toInt();
    const double rate = parser.value(rateOption).toDouble();
    const int duration = parser.value(durationOption).toInt();
    if (deviceCount < 1 || fieldCount < 1 || rate <= 0 || duration < 1) {
        QTextStream(stderr) << "uibench: devices, fields, rate and duration must be positive\n";
        return 2;
    }
    Sightline::WorkspaceLayout layout;
    if (parser.isSet(layoutOption)) {
        Sightline::ParseResult<Sightline::WorkspaceLayout> loaded = Sightline::LayoutLibrary::loadFile(parser.value(layoutOption));
        if (!loaded.isOk()) {
            QTextStream(stderr) << "uibench: " << parser.value(layoutOption) << ": " << loaded.error() << '\n';
            return 2;
        }
        layout = loaded.value();
    } else {
        layout = Sightline::WorkspaceLayout::fromJson(QByteArrayLiteral(
                R"({"version": 1, "name": "One chart", "panels": [{"id": "c", "type": "chart", "fields": ["gpu_temp_c"]}]})")).value();
    }

    // The stores and their wiring as app/sightline/main.cpp makes them.
    Sightline::SeriesStore series;
    Sightline::BucketStore buckets;
    Sightline::DeviceListModel devices;
    Sightline::LatestValuesModel latest;
    latest.showAllDevices();
    Sightline::AlertTableModel alerts;
    Sightline::StateTimeline timeline;
    timeline.watchDevices(&devices);
    timeline.watchAlerts(&alerts);
    Sightline::WorkspaceTime time;
    const Sightline::WorkspaceModels models{&series, &buckets, &devices, &latest, &alerts, &timeline, &time};
    QTemporaryDir layoutFolder;
    Sightline::LayoutLibrary library(layoutFolder.filePath(QStringLiteral("layouts")));
    Sightline::MainWindow window(models, &library);

    const QStringList fieldNames = fieldNamesFor(fieldCount);
    QList<Sightline::DeviceInfo> infos;
    QStringList ids;
    for (int d = 0; d < deviceCount; ++d) {
        Sightline::DeviceInfo info;
        info.deviceId = QStringLiteral("jetson-%1").arg(d + 1, 2, 10, QLatin1Char('0'));
        info.siteId = QStringLiteral("site-%1").arg(d / 10 + 1);
        info.status = Sightline::DeviceStatusEvent::Status::Online;
        info.lastSeenMs = QDateTime::currentMSecsSinceEpoch();
        info.fields = fieldNames;
        infos.append(info);
        ids.append(info.deviceId);
    }
    devices.setDevices(infos);
    // The raw points the stores keep follow the workspace's range, as
    // DashboardController::applyTimeToStores keeps them in the app.
    const auto keep = [&] { Sightline::keepWhatTimeShows(series, buckets, time); };
    QObject::connect(&time, &Sightline::WorkspaceTime::rangeChanged, &app, keep);
    window.layoutsMenu()->setInteractive(false);
    window.layoutsMenu()->show(layout);
    if (parser.isSet(windowOption))
        time.setLiveWindow(parser.value(windowOption).toInt() * 60000LL);
    keep();
    window.setConnectionStatus(Sightline::ConnectionStatus::live(0));
    window.resize(1280, 800);
    window.show();

    // Buckets asked for are answered as DashboardController::loadBuckets
    // gets them from the server: a turn of the event loop later, merged
    // into the BucketStore.
    qint64 bucketRequests = 0;
    QObject::connect(window.workspace(), &Sightline::Workspace::bucketsNeeded, &app,
                     [&](const QStringList &deviceIds, qint64 fromMs, qint64 toMs, int stepSeconds) {
                         ++bucketRequests;
                         const qint64 stepMs = qint64(stepSeconds) * 1000;
                         QTimer::singleShot(0, &app, [&, deviceIds, fromMs, toMs, stepMs] {
                             for (const QString &id : deviceIds)
                                 buckets.mergeBuckets(id, bucketsOf(series, id, fromMs, toMs + stepMs, stepMs));
                         });
                     });

    // Count series replaces to show the coalescing under load.
    qint64 replaces = 0;
    auto watchSeries = [&] {
        for (Sightline::PanelDock *dock : window.workspace()->panels()) {
            auto *chart = qobject_cast<Sightline::LiveChartWidget *>(dock->content());
            if (!chart)
                continue;
            for (QAbstractSeries *s : chart->chart()->series())
                if (auto *xy = qobject_cast<QXYSeries *>(s); xy && !xy->property("watched").toBool()) {
                    xy->setProperty("watched", true);
                    QObject::connect(xy, &QXYSeries::pointsReplaced, &app, [&replaces] { ++replaces; });
                }
        }
    };
    qint64 frames = 0;
    std::vector<qint64> latencies;
    qint64 lastNewest = 0;
    QObject::connect(window.workspace(), &Sightline::Workspace::frameRendered, &app, [&](qint64 newest) {
        ++frames;
        watchSeries();
        if (newest > lastNewest) {
            lastNewest = newest;
            latencies.push_back(QDateTime::currentMSecsSinceEpoch() - newest);
        }
    });

    // Every device sends at `rate`, each from its own random phase (a fixed
    // seed, so runs compare), as a real fleet does: the devices' points
    // arrive at scattered moments, not one after the other.
    // Points owed are computed from elapsed time, so a late timer tick (a
    // loaded machine) sends more at once instead of lowering the rate.
    const int tickMs = 10;
    const double periodMs = 1000.0 / rate;
    std::mt19937 random(20261204);
    std::uniform_real_distribution<double> phase(0, periodMs);
    std::vector<double> nextDueMs(deviceCount);
    for (double &due : nextDueMs)
        due = phase(random);
    QElapsedTimer feedClock;
    feedClock.start();
    qint64 seq = 0;
    qint64 events = 0;
    QTimer feeder;
    feeder.setTimerType(Qt::PreciseTimer);
    feeder.setInterval(tickMs);
    QObject::connect(&feeder, &QTimer::timeout, &app, [&] {
        const double elapsed = static_cast<double>(feedClock.elapsed());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int d = 0; d < deviceCount; ++d) {
            for (; nextDueMs[d] <= elapsed; nextDueMs[d] += periodMs) {
                Sightline::TelemetryData p;
                p.deviceId = ids.at(d);
                p.tsMs = now;
                p.seq = seq++;
                const double t = now / 1000.0;
                for (int f = 0; f < fieldCount; ++f)
                    p.fields.insert(fieldNames.at(f), 50 + 10 * std::sin(t / (5.0 + f) + d));
                // EventRouter::route for a telemetry event.
                series.addPoint(p);
                buckets.addPoint(p);
                latest.applyPoint(p);
                devices.notePoint(p.deviceId, p.tsMs);
                window.noteEventReceived();
                ++events;
            }
        }
    });

    QList<double> rssSamples;
    QJsonArray rssPerMinute;
    const double rssStart = rssMiB();
    QTimer sampler;
    sampler.setInterval(5000);
    QObject::connect(&sampler, &QTimer::timeout, &app, [&] {
        rssSamples.append(rssMiB());
        if (rssSamples.size() % 12 == 0)
            rssPerMinute.append(rssSamples.constLast());
        QTextStream(stderr) << "t=" << rssSamples.size() * 5 << "s events=" << events << " frames=" << frames
                            << " rss=" << rssSamples.constLast() << " MiB\n";
    });

    // Warm up for 2 s (first allocations, fonts), then measure.
    double cpuStart = 0;
    qint64 eventsStart = 0;
    qint64 framesStart = 0;
    qint64 replacesStart = 0;
    QElapsedTimer wall;
    feeder.start();
    QTimer::singleShot(2000, &app, [&] {
        cpuStart = cpuSeconds();
        eventsStart = events;
        framesStart = frames;
        replacesStart = replaces;
        latencies.clear();
        wall.start();
        sampler.start();
        QTimer::singleShot(duration * 1000, &app, [&] { app.quit(); });
    });
    app.exec();

    const double seconds = wall.elapsed() / 1000.0;
    const double cpu = cpuSeconds() - cpuStart;
    std::sort(latencies.begin(), latencies.end());
    auto percentile = [&latencies](double q) -> qint64 {
        if (latencies.empty())
            return -1;
        return latencies.at(std::min(latencies.size() - 1, static_cast<size_t>(q * latencies.size())));
    };
    const double rssEnd = rssMiB();
    const double rssMax = rssSamples.isEmpty() ? rssEnd : *std::max_element(rssSamples.begin(), rssSamples.end());
    int charts = 0;
    int lines = 0;
    for (Sightline::PanelDock *dock : window.workspace()->panels())
        if (auto *chart = qobject_cast<Sightline::LiveChartWidget *>(dock->content())) {
            ++charts;
            lines += int(chart->shownSeries().size());
        }
    QJsonObject result{
            {QStringLiteral("devices"), deviceCount},
            {QStringLiteral("fields"), fieldCount},
            {QStringLiteral("rateHz"), rate},
            {QStringLiteral("layout"), layout.name},
            {QStringLiteral("panels"), int(window.workspace()->panels().size())},
            {QStringLiteral("charts"), charts},
            {QStringLiteral("chartLines"), lines},
            {QStringLiteral("bucketRequests"), bucketRequests},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("eventsPerSecond"), (events - eventsStart) / seconds},
            {QStringLiteral("cpuPercentOfOneCore"), 100.0 * cpu / seconds},
            {QStringLiteral("framesPerSecond"), (frames - framesStart) / seconds},
            {QStringLiteral("replacesPerFrame"), frames > framesStart ? double(replaces - replacesStart) / (frames - framesStart) : 0.0},
            {QStringLiteral("latencyMsP50"), percentile(0.5)},
            {QStringLiteral("latencyMsP95"), percentile(0.95)},
            {QStringLiteral("latencyMsMax"), latencies.empty() ? -1 : latencies.back()},
            {QStringLiteral("rssMiBStart"), rssStart},
            {QStringLiteral("rssMiBEnd"), rssEnd},
            {QStringLiteral("rssMiBMax"), rssMax},
            {QStringLiteral("rssMiBPerMinute"), rssPerMinute},
            {QStringLiteral("storedPoints"), [&] {
                 qint64 n = 0;
                 for (const QString &id : ids)
                     n += series.pointCount(id);
                 return double(n);
             }()},
    };
    QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}
