// The 24-hour view of issue 14's benchmark: "a 24-hour view of 50 devices
// at 1 Hz drawn (first frame after the data arrived) in under 200 ms, and
// the history for it fetched in under 1 s". A day of DEVICES x 1 Hz is
// filled into a data dir (bench/history's code, linked), the real
// sightline-server serves it, and the real app's wiring (DashboardController
// signed in over the network, a MainWindow offscreen) opens a layout with
// one chart of every device over a live 24-hour window. With --live the
// fleet also posts live (sightline-device, one point a second per device),
// as a real fleet does while someone looks at its day. Measured:
//   historyMs: the chart's first bucket request (Workspace::bucketsNeeded)
//              to the last device's answer merged into the BucketStore;
//   drawMs:    that merge to the end of the first frame that draws it (the
//              chart's frame and the viewport's paint);
// and, alongside, what else the app loads at the same time (the raw points
// of the last hour for every drawn device). One JSON line on standard
// output; progress on standard error. See README.md.
#include "dashboardcontroller.h"
#include "historyfill.h"
#include "historyloader.h"

#include "server/admincommands.h"
#include "telemetry/alerttablemodel.h"
#include "telemetry/bucketstore.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/layoutlibrary.h"
#include "telemetry/namepattern.h"
#include "telemetry/seriesstore.h"
#include "telemetry/statetimeline.h"
#include "telemetry/workspacetime.h"
#include "ui/chartview.h"
#include "ui/layoutsmenu.h"
#include "ui/livechartwidget.h"
#include "ui/mainwindow.h"
#include "ui/paneldock.h"
#include "ui/workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

using namespace Sightline;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sightline 24-hour view benchmark (issue 14)"));
    parser.addHelpOption();
    const QCommandLineOption devicesOption(QStringLiteral("devices"), QStringLiteral("Devices (50)."), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption fieldsOption(QStringLiteral("fields"), QStringLiteral("Fields per point when filling (21)."), QStringLiteral("N"),
                                          QStringLiteral("21"));
    const QCommandLineOption chartFieldsOption(QStringLiteral("chart-fields"), QStringLiteral("Fields on the chart (1)."), QStringLiteral("N"),
                                               QStringLiteral("1"));
    const QCommandLineOption windowOption(QStringLiteral("window"), QStringLiteral("Live window in minutes (1440)."), QStringLiteral("M"),
                                          QStringLiteral("1440"));
    const QCommandLineOption dataOption(QStringLiteral("data-dir"),
                                        QStringLiteral("Data dir with a filled day (bench/history's --data-dir); filled when empty."),
                                        QStringLiteral("DIR"));
    const QCommandLineOption serverOption(QStringLiteral("server"), QStringLiteral("sightline-server (default: beside this program)."),
                                          QStringLiteral("PATH"));
    // A glob: the chart finds its devices as they appear, once the stream is
    // live (a plain name asks for its buckets before the sign-in, and the
    // wiring drops that request: see README.md).
    const QCommandLineOption chartDevicesOption(QStringLiteral("chart-devices"), QStringLiteral("Device pattern of the chart (jetson-*)."),
                                                QStringLiteral("GLOB"), QStringLiteral("jetson-*"));
    const QCommandLineOption liveOption(QStringLiteral("live"), QStringLiteral("The fleet posts live meanwhile (sightline-device, 1 Hz)."));
    parser.addOptions({devicesOption, fieldsOption, chartFieldsOption, windowOption, dataOption, serverOption, chartDevicesOption, liveOption});
    parser.process(app);
    const int deviceCount = parser.value(devicesOption).toInt();
    const int chartFields = parser.value(chartFieldsOption).toInt();
    const int windowMinutes = parser.value(windowOption).toInt();
    if (deviceCount < 1 || chartFields < 1 || windowMinutes < 1) {
        QTextStream(stderr) << "daybench: devices, chart-fields and window must be positive\n";
        return 2;
    }
    const QString serverPath = parser.isSet(serverOption)
        ? parser.value(serverOption)
        : QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("sightline-server"));
    QTemporaryDir temporary(QDir::temp().filePath(QStringLiteral("sightline-bench-day-XXXXXX")));
    const QString dataDir = parser.isSet(dataOption) ? parser.value(dataOption) : temporary.path();
    const qint64 endMs = BenchHistory::prepareDataDir(dataDir, deviceCount, 24, parser.value(fieldsOption).toInt());
    if (endMs == 0)
        return 1;
    // New keys for the live fleet (the fill keeps none), before the server reads them.
    const QString keysPath = temporary.filePath(QStringLiteral("fleet-keys.json"));
    if (parser.isSet(liveOption)) {
        QJsonArray keys;
        for (int d = 0; d < deviceCount; ++d) {
            QString error;
            const std::optional<QByteArray> key = AdminCommands::addDevice(dataDir, BenchHistory::kAccount, BenchHistory::kSite,
                                                                           BenchHistory::deviceName(d), true, &error);
            if (!key) {
                QTextStream(stderr) << "daybench: add-device --rotate failed: " << error << '\n';
                return 1;
            }
            keys.append(QJsonObject{{QStringLiteral("deviceId"), BenchHistory::deviceName(d)},
                                    {QStringLiteral("siteId"), BenchHistory::kSite},
                                    {QStringLiteral("key"), QString::fromLatin1(*key)}});
        }
        QFile file(keysPath);
        if (!file.open(QIODevice::WriteOnly)
            || file.write(QJsonDocument(QJsonObject{{QStringLiteral("account"), BenchHistory::kAccount},
                                                    {QStringLiteral("devices"), keys}}).toJson()) < 0) {
            QTextStream(stderr) << "daybench: cannot write " << keysPath << '\n';
            return 1;
        }
    }
    QProcess server;
    const QUrl url = BenchHistory::startServer(server, serverPath, dataDir);
    if (!url.isValid())
        return 1;
    QProcess fleet;
    if (parser.isSet(liveOption)) {
        fleet.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        fleet.setStandardOutputFile(QProcess::nullDevice());
        fleet.start(QDir(QFileInfo(serverPath).absolutePath()).filePath(QStringLiteral("sightline-device")),
                    {QStringLiteral("--server"), url.toString(), QStringLiteral("--keys"), keysPath, QStringLiteral("--interval"),
                     QStringLiteral("1")});
        if (!fleet.waitForStarted(10000)) {
            QTextStream(stderr) << "daybench: sightline-device did not start: " << fleet.errorString() << '\n';
            return 1;
        }
        // The app opens while the fleet is already posting.
        BenchHistory::processUntil([] { return false; }, 3000);
    }

    // The app as app/sightline/main.cpp builds it.
    SeriesStore series;
    BucketStore buckets;
    DeviceListModel devices;
    LatestValuesModel latest;
    latest.showAllDevices();
    AlertTableModel alerts;
    StateTimeline timeline;
    timeline.watchDevices(&devices);
    timeline.watchAlerts(&alerts);
    WorkspaceTime time;
    const WorkspaceModels models{&series, &buckets, &devices, &latest, &alerts, &timeline, &time};
    QTemporaryDir layoutFolder;
    LayoutLibrary library(layoutFolder.filePath(QStringLiteral("layouts")));
    MainWindow window(models, &library);
    QStringList fields;
    for (int f = 0; f < chartFields; ++f)
        fields.append(QStringLiteral("\"%1\"").arg(BenchHistory::fieldName(f)));
    const QString chartDevices = parser.value(chartDevicesOption);
    int expected = 0;
    for (int d = 0; d < deviceCount; ++d)
        expected += matchesAnyNamePattern({chartDevices}, BenchHistory::deviceName(d)) ? 1 : 0;
    const QByteArray layoutJson = QStringLiteral(R"({"version": 1, "name": "A day of the fleet",
 "time": {"live": true, "windowMinutes": %1},
 "panels": [{"id": "day", "type": "chart", "title": "Fleet, 24 h", "devices": ["%3"], "fields": [%2]}]})")
                                          .arg(windowMinutes)
                                          .arg(fields.join(QStringLiteral(", ")), chartDevices)
                                          .toUtf8();
    const ParseResult<WorkspaceLayout> layout = WorkspaceLayout::fromJson(layoutJson);
    if (!layout.isOk()) {
        QTextStream(stderr) << "daybench: " << layout.error() << '\n';
        return 1;
    }
    window.layoutsMenu()->setInteractive(false);
    window.layoutsMenu()->show(layout.value());
    window.resize(1280, 800);
    window.show();
    LiveChartWidget *chart = qobject_cast<LiveChartWidget *>(window.workspace()->panels().constFirst()->content());

    DashboardOptions options;
    options.server = url;
    options.username = BenchHistory::kUser;
    options.password = QString::fromLatin1(BenchHistory::kPassword);
    options.keychainBackend = TokenStore::Backend::MemoryOnly;
    DashboardController controller(&window, models, options);

    // Connected after the controller's own: runs once the page is merged.
    QElapsedTimer clock;
    clock.start();
    qint64 firstBucketRequest = -1;
    qint64 lastBucketMerged = -1;
    qint64 drawn = -1;
    qint64 frameMs = -1;
    qint64 paintMs = -1;
    qint64 firstRawRequest = -1;
    qint64 lastRawMerged = -1;
    qint64 rawPoints = 0;
    int bucketRequests = 0;
    QSet<QString> bucketDevices;
    QSet<QString> rawDevices;
    qint64 bucketsStored = 0;
    QObject::connect(window.workspace(), &Workspace::bucketsNeeded, &app, [&](const QStringList &ids) {
        ++bucketRequests;
        if (firstBucketRequest < 0)
            firstBucketRequest = clock.elapsed();
        std::fprintf(stderr, "%lld ms: buckets asked for %lld devices\n", clock.elapsed(), qint64(ids.size()));
    });
    QObject::connect(window.workspace(), &Workspace::historyNeeded, &app, [&] {
        if (firstRawRequest < 0)
            firstRawRequest = clock.elapsed();
    });
    QObject::connect(&controller, &DashboardController::signedIn, &app, [&] {
        std::fprintf(stderr, "%lld ms: signed in\n", clock.elapsed());
    });
    QObject::connect(controller.historyLoader(), &HistoryLoader::bucketsLoaded, &app,
                     [&](const QString &deviceId, const HistoryBucketPage &page) {
                         bucketDevices.insert(deviceId);
                         bucketsStored += page.buckets.size();
                         if (bucketDevices.size() == expected && lastBucketMerged < 0) {
                             lastBucketMerged = clock.elapsed();
                             std::fprintf(stderr, "%lld ms: the buckets of %d devices merged\n", lastBucketMerged,
                                          int(bucketDevices.size()));
                         }
                     });
    QObject::connect(controller.historyLoader(), &HistoryLoader::loaded, &app, [&](const QString &deviceId, const HistoryPage &page) {
        if (firstRawRequest < 0)
            firstRawRequest = 0;
        rawDevices.insert(deviceId);
        rawPoints += page.points.size();
        lastRawMerged = clock.elapsed();
    });
    QObject::connect(controller.historyLoader(), &HistoryLoader::failed, &app, [](const QString &deviceId, const QString &reason) {
        std::fprintf(stderr, "history of %s failed: %s\n", qPrintable(deviceId), qPrintable(reason));
    });
    // The first frame after the last merge, and its paint: the frame
    // replaces the chart's series, the paint rasterises them (done here at
    // once, as the event loop would do next).
    QObject::connect(chart, &LiveChartWidget::frameRendered, &app, [&] {
        if (lastBucketMerged < 0 || drawn >= 0)
            return;
        frameMs = clock.elapsed() - lastBucketMerged;
        chart->view()->viewport()->repaint();
        drawn = clock.elapsed();
        paintMs = drawn - lastBucketMerged - frameMs;
        std::fprintf(stderr, "%lld ms: drawn (%s)\n", drawn, chart->isDrawingBuckets() ? "buckets" : "raw points");
    });
    QTimer::singleShot(0, &controller, &DashboardController::start);
    // Done once drawn and the raw points have come too (or after 5 minutes).
    QTimer done;
    done.setInterval(100);
    QObject::connect(&done, &QTimer::timeout, &app, [&] {
        const bool rawDone = controller.historyLoader()->pendingCount() == 0 && lastRawMerged >= 0;
        if ((drawn >= 0 && rawDone) || clock.elapsed() > 300000)
            app.quit();
    });
    done.start();
    app.exec();

    QJsonObject result{
            {QStringLiteral("devices"), deviceCount},
            {QStringLiteral("chartDevices"), expected},
            {QStringLiteral("live"), parser.isSet(liveOption)},
            {QStringLiteral("windowMinutes"), windowMinutes},
            {QStringLiteral("chartFields"), chartFields},
            {QStringLiteral("chartLines"), int(chart->shownSeries().size())},
            {QStringLiteral("drawingBuckets"), chart->isDrawingBuckets()},
            {QStringLiteral("bucketRequests"), bucketRequests},
            {QStringLiteral("bucketsMerged"), bucketsStored},
            {QStringLiteral("historyMs"), lastBucketMerged >= 0 ? lastBucketMerged - firstBucketRequest : -1},
            {QStringLiteral("drawMs"), drawn >= 0 ? drawn - lastBucketMerged : -1},
            {QStringLiteral("drawFrameMs"), frameMs},
            {QStringLiteral("drawPaintMs"), paintMs},
            {QStringLiteral("rawDevices"), int(rawDevices.size())},
            {QStringLiteral("rawPoints"), rawPoints},
            {QStringLiteral("rawHistoryMs"), lastRawMerged >= 0 ? lastRawMerged - firstRawRequest : -1},
            {QStringLiteral("firstBucketRequestMs"), firstBucketRequest},
    };
    QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Compact) << '\n';
    if (fleet.state() != QProcess::NotRunning) {
        fleet.terminate();
        fleet.waitForFinished(10000);
    }
    server.terminate();
    server.waitForFinished(10000);
    return drawn >= 0 ? 0 : 1;
}
