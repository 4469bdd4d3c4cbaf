// sightline: the desktop dashboard. This file only parses the command line
// (API.md "sightline — the desktop app"), builds the models, the main window
// and the DashboardController, and connects them. Follow one telemetry
// point: StreamClient (src/stream) → DashboardController::handleEvent →
// EventRouter → SeriesStore (src/telemetry) → LiveChartWidget (src/ui).
#include "dashboardcontroller.h"

#include "telemetry/alerttablemodel.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <QTextStream>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Sightline"));
    QApplication::setApplicationName(QStringLiteral("sightline"));
    QApplication::setApplicationDisplayName(QStringLiteral("Sightline"));
    QApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("sightline"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/resources/sightline.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Live telemetry dashboard. With --server and --user it signs in without the dialog when "
        "SIGHTLINE_PASSWORD is set or a stored sign-in works."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption serverOption(QStringLiteral("server"), QStringLiteral("Server URL."), QStringLiteral("URL"));
    const QCommandLineOption userOption(QStringLiteral("user"), QStringLiteral("User name."), QStringLiteral("U"));
    const QCommandLineOption deviceOption(QStringLiteral("device"), QStringLiteral("Devices to chart, comma-separated."),
                                          QStringLiteral("d1,d2"));
    const QCommandLineOption windowOption(QStringLiteral("window"), QStringLiteral("Chart window: 1, 5, 15, 60, 360 or 1440 minutes."),
                                          QStringLiteral("MINUTES"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Render the main window to FILE.png and exit."),
                                              QStringLiteral("FILE"));
    const QCommandLineOption afterOption(QStringLiteral("after"), QStringLiteral("Seconds to wait before --screenshot."),
                                         QStringLiteral("SECONDS"), QStringLiteral("0"));
    parser.addOptions({serverOption, userOption, deviceOption, windowOption, screenshotOption, afterOption});
    parser.process(app);

    QTextStream err(stderr);
    int windowMinutes = 0;
    if (parser.isSet(windowOption)) {
        bool ok = false;
        windowMinutes = parser.value(windowOption).toInt(&ok);
        if (!ok || !Sightline::WorkspaceTime::windowChoicesMinutes().contains(windowMinutes)) {
            err << "sightline: --window must be one of 1, 5, 15, 60, 360, 1440\n";
            return 2;
        }
    }
    bool afterOk = false;
    const double afterSeconds = parser.value(afterOption).toDouble(&afterOk);
    if (!afterOk || afterSeconds < 0) {
        err << "sightline: --after must be a non-negative number of seconds\n";
        return 2;
    }
    QUrl server;
    if (parser.isSet(serverOption)) {
        server = QUrl(parser.value(serverOption));
        if (!server.isValid() || (server.scheme() != QLatin1String("http") && server.scheme() != QLatin1String("https"))
            || server.host().isEmpty()) {
            err << "sightline: --server must be an http:// or https:// URL, e.g. http://127.0.0.1:8080\n";
            return 2;
        }
    }

    Sightline::SeriesStore series;
    Sightline::DeviceListModel devices;
    Sightline::AlertTableModel alerts;
    Sightline::LatestValuesModel latest;
    const Sightline::DashboardModels models{&series, &devices, &alerts, &latest};
    Sightline::MainWindow window(models);

    QSettings settings;
    window.restoreSettings(settings);
    if (windowMinutes > 0)
        window.workspaceTime()->setLiveWindow(windowMinutes * 60000LL);

    Sightline::DashboardOptions options;
    options.server = server.isValid() ? server : QUrl(window.serverUrl());
    options.username = parser.value(userOption);
    options.password = qEnvironmentVariable("SIGHTLINE_PASSWORD");
    if (parser.isSet(deviceOption))
        options.devices = parser.value(deviceOption).split(QLatin1Char(','), Qt::SkipEmptyParts);
    Sightline::DashboardController controller(&window, models, options);

    window.show();
    controller.start();

    if (parser.isSet(screenshotOption)) {
        const QString path = parser.value(screenshotOption);
        QTimer::singleShot(static_cast<int>(afterSeconds * 1000), &window, [&window, &app, path, &err] {
            if (!window.renderToImage().save(path, "PNG")) {
                err << "sightline: cannot write the screenshot to " << path << '\n';
                app.exit(1);
                return;
            }
            app.exit(0);
        });
    }
    const int status = app.exec();
    if (!parser.isSet(screenshotOption))
        window.saveSettings(settings);
    return status;
}
