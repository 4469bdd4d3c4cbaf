// Chart-load benchmark for the desktop app (issue 6): N devices x F fields at
// R points/s each are fed into the dashboard models and the main window
// (offscreen or under Xvfb) for D seconds, as the stream wiring would feed
// them. Reports CPU use of one core, resident memory over time, frames per
// second, series replaces per frame and the device-timestamp-to-frame
// latency. One JSON line on standard output; progress on standard error.
#include "telemetry/alerttablemodel.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/connectionstatus.h"
#include "ui/livechartwidget.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QChart>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineSeries>
#include <QTextStream>
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

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sightline chart-load benchmark"));
    parser.addHelpOption();
    const QCommandLineOption devicesOption(QStringLiteral("devices"), QStringLiteral("Devices."), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption fieldsOption(QStringLiteral("fields"), QStringLiteral("Fields per device."), QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("Points per second per device."), QStringLiteral("HZ"), QStringLiteral("2"));
    const QCommandLineOption durationOption(QStringLiteral("duration"), QStringLiteral("Seconds to run."), QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption chartedOption(QStringLiteral("charted"), QStringLiteral("Devices ticked for the chart."), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption windowOption(QStringLiteral("window"), QStringLiteral("Chart window in minutes."), QStringLiteral("M"), QStringLiteral("5"));
    parser.addOptions({devicesOption, fieldsOption, rateOption, durationOption, chartedOption, windowOption});
    parser.process(app);
    const int deviceCount = parser.value(devicesOption).toInt();
    const int fieldCount = parser.value(fieldsOption).toInt();
    const double rate = parser.value(rateOption).toDouble();
    const int duration = parser.value(durationOption).toInt();
    const int charted = std::min(parser.value(chartedOption).toInt(), deviceCount);
    if (deviceCount < 1 || fieldCount < 1 || rate <= 0 || duration < 1) {
        QTextStream(stderr) << "uibench: devices, fields, rate and duration must be positive\n";
        return 2;
    }

    Sightline::SeriesStore series;
    Sightline::DeviceListModel devices;
    Sightline::AlertTableModel alerts;
    Sightline::LatestValuesModel latest;
    Sightline::MainWindow window({&series, &devices, &alerts, &latest});
    QList<Sightline::DeviceInfo> infos;
    QStringList ids;
    for (int d = 0; d < deviceCount; ++d) {
        Sightline::DeviceInfo info;
        info.deviceId = QStringLiteral("jetson-%1").arg(d + 1, 2, 10, QLatin1Char('0'));
        info.siteId = QStringLiteral("site-%1").arg(d / 10 + 1);
        info.status = Sightline::DeviceStatusEvent::Status::Online;
        infos.append(info);
        ids.append(info.deviceId);
    }
    QStringList fieldNames{QStringLiteral("cpu_temp_c"), QStringLiteral("gpu_temp_c"), QStringLiteral("gpu_util_pct"),
                           QStringLiteral("cpu_util_pct"), QStringLiteral("power_mw"), QStringLiteral("ram_used_mb"),
                           QStringLiteral("emc_freq_mhz"), QStringLiteral("fan_rpm")};
    while (fieldNames.size() < fieldCount)
        fieldNames.append(QStringLiteral("extra_%1").arg(fieldNames.size()));
    fieldNames = fieldNames.mid(0, fieldCount);
    devices.setDevices(infos);
    devices.setCheckedDevices(ids.mid(0, charted));
    window.workspaceTime()->setLiveWindow(parser.value(windowOption).toInt() * 60000LL);
    window.setConnectionStatus(Sightline::ConnectionStatus::live(0));
    window.resize(1280, 800);
    window.show();

    // Count series replaces to show the coalescing under load.
    qint64 replaces = 0;
    auto watchSeries = [&] {
        for (QAbstractSeries *s : window.chart()->chart()->series())
            if (auto *line = qobject_cast<QLineSeries *>(s); line && !line->property("watched").toBool()) {
                line->setProperty("watched", true);
                QObject::connect(line, &QXYSeries::pointsReplaced, &app, [&replaces] { ++replaces; });
            }
    };
    qint64 frames = 0;
    std::vector<qint64> latencies;
    qint64 lastNewest = 0;
    QObject::connect(window.chart(), &Sightline::LiveChartWidget::frameRendered, &app, [&](qint64 newest) {
        ++frames;
        watchSeries();
        if (newest > lastNewest) {
            lastNewest = newest;
            latencies.push_back(QDateTime::currentMSecsSinceEpoch() - newest);
        }
    });

    // Every device sends at `rate`, each from its own random phase (a fixed
    // seed, so runs compare), as a real fleet does: the charted devices'
    // points arrive at scattered moments, not one after the other.
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
                series.addPoint(p);
                latest.applyPoint(p);
                devices.notePoint(p.deviceId, p.tsMs);
                window.noteEventReceived();
                ++events;
            }
        }
    });

    QList<double> rssSamples;
    const double rssStart = rssMiB();
    QTimer sampler;
    sampler.setInterval(5000);
    QObject::connect(&sampler, &QTimer::timeout, &app, [&] {
        rssSamples.append(rssMiB());
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
    QJsonObject result{
            {QStringLiteral("devices"), deviceCount},
            {QStringLiteral("fields"), fieldCount},
            {QStringLiteral("rateHz"), rate},
            {QStringLiteral("chartedDevices"), charted},
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
