// sightline: the desktop dashboard. This file only parses the command line
// (API.md "sightline — the desktop app"), builds the models, the main window
// and the DashboardController, and connects them. Follow one telemetry
// point: StreamClient (src/stream) → DashboardController::handleEvent →
// EventRouter → SeriesStore (src/telemetry) → the chart panels of the
// Workspace (LiveChartWidget, src/ui).
#include "commandline.h"
#include "dashboardcontroller.h"

#include "telemetry/alerttablemodel.h"
#include "telemetry/bucketstore.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/layoutlibrary.h"
#include "telemetry/seriesstore.h"
#include "telemetry/statetimeline.h"
#include "telemetry/workspacetime.h"
#include "ui/displaypreferences.h"
#include "ui/layoutsmenu.h"
#include "ui/logindialog.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"

#include <QApplication>
#include <QIcon>
#include <QSettings>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimer>
#include <QTranslator>

namespace {

void setApplicationInfo()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Sightline"));
    QCoreApplication::setApplicationName(QStringLiteral("sightline"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
}

} // namespace

int main(int argc, char *argv[])
{
    setApplicationInfo();
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    // The command line is read before anything needs a display (issue 14):
    // --help, --version and a bad option answer on a machine without one.
    Sightline::CommandLine commandLine;
    if (!commandLine.parse(arguments)) {
        QTextStream(stderr) << "sightline: " << commandLine.errorText() << '\n';
        return 2;
    }
    if (commandLine.isHelpRequested() || commandLine.isVersionRequested()) {
        QCoreApplication app(argc, argv);
        QTextStream(stdout) << (commandLine.isHelpRequested() ? commandLine.helpText()
                                                              : Sightline::CommandLine::versionText() + QLatin1Char('\n'));
        return 0;
    }

    QApplication app(argc, argv);
    setApplicationInfo();
    QApplication::setApplicationDisplayName(QStringLiteral("Sightline"));
    QApplication::setDesktopFileName(QStringLiteral("sightline"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/resources/sightline.svg")));
    // The strings of the system's language, when translations/ has them (built into :/i18n).
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("sightline"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);
    QTextStream err(stderr);

    // Theme first, so the window is built in it.
    QSettings settings;
    Sightline::DisplayPreferences display;
    display.load(settings);
    if (commandLine.theme())
        display.setTheme(*commandLine.theme());
    Sightline::applyTheme(display.theme());
    QObject::connect(&display, &Sightline::DisplayPreferences::themeChanged, &Sightline::applyTheme);

    const double afterSeconds = commandLine.afterSeconds();
    const QUrl server = commandLine.server();

    // The shared stores every panel observes (src/telemetry).
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
    Sightline::LayoutLibrary library(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                                     + QStringLiteral("/layouts"));
    Sightline::MainWindow window(models, &library);
    window.setDisplayPreferences(&display);
    window.restoreSettings(settings); // the layout of the last session, or the first start's
    if (!commandLine.layout().isEmpty()) {
        Sightline::LayoutsMenu *layouts = window.layoutsMenu();
        layouts->setInteractive(false);
        if (!layouts->openFileOrName(commandLine.layout()))
            err << "sightline: " << layouts->lastError() << '\n'; // and goes on with the layout it had
        layouts->setInteractive(true);
    }
    if (commandLine.windowMinutes() > 0)
        time.setLiveWindow(qint64(commandLine.windowMinutes()) * 60 * 1000);
    if (!commandLine.devices().isEmpty())
        window.workspace()->showOnlyDevices(commandLine.devices());

    Sightline::DashboardOptions options;
    options.server = server.isValid() ? server : QUrl(window.serverUrl());
    // No --user: the one "remember me" kept, so its stored sign-in is tried.
    options.username = commandLine.username().isEmpty() ? Sightline::LoginDialog::rememberedUsername(settings)
                                                        : commandLine.username();
    options.password = qEnvironmentVariable("SIGHTLINE_PASSWORD");
    Sightline::DashboardController controller(&window, models, options);

    window.show();
    controller.start();

    const QString screenshotPath = commandLine.screenshotPath();
    if (!screenshotPath.isEmpty()) {
        const QString path = screenshotPath;
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
    if (screenshotPath.isEmpty()) {
        window.saveSettings(settings);
        display.save(settings);
    }
    return status;
}
