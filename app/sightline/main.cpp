// sightline: the desktop dashboard. This file only parses the command line
// (API.md "sightline — the desktop app"), builds the models, the main window
// and the DashboardController, and connects them. Follow one telemetry
// point: StreamClient (src/stream) → DashboardController::handleEvent →
// EventRouter → SeriesStore (src/telemetry) → LiveChartWidget (src/ui).
#include "commandline.h"
#include "dashboardcontroller.h"

#include "telemetry/alerttablemodel.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/seriesstore.h"
#include "telemetry/workspacetime.h"
#include "ui/logindialog.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QIcon>
#include <QSettings>
#include <QTextStream>
#include <QTimer>

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
    QStringList rawArguments;
    for (int i = 0; i < argc; ++i)
        rawArguments.append(QString::fromLocal8Bit(argv[i]));
    // --help and --version answer without a display (issue 14): QApplication
    // would abort when no platform plugin can connect.
    if (Sightline::CommandLine::asksForHelpOrVersion(rawArguments)) {
        QCoreApplication app(argc, argv);
        Sightline::CommandLine commandLine;
        if (!commandLine.parse(QCoreApplication::arguments())) {
            QTextStream(stderr) << "sightline: " << commandLine.errorText() << '\n';
            return 2;
        }
        QTextStream(stdout) << (commandLine.isHelpRequested() ? commandLine.helpText()
                                                              : Sightline::CommandLine::versionText() + QLatin1Char('\n'));
        return 0;
    }

    QApplication app(argc, argv);
    setApplicationInfo();
    QApplication::setApplicationDisplayName(QStringLiteral("Sightline"));
    QApplication::setDesktopFileName(QStringLiteral("sightline"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/resources/sightline.svg")));

    QTextStream err(stderr);
    Sightline::CommandLine commandLine;
    if (!commandLine.parse(QApplication::arguments())) {
        err << "sightline: " << commandLine.errorText() << '\n';
        return 2;
    }
    const int windowMinutes = commandLine.windowMinutes();
    const double afterSeconds = commandLine.afterSeconds();
    const QUrl server = commandLine.server();

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
    // No --user: the one "remember me" kept, so its stored sign-in is tried.
    options.username = commandLine.username().isEmpty() ? Sightline::LoginDialog::rememberedUsername(settings)
                                                        : commandLine.username();
    options.password = qEnvironmentVariable("SIGHTLINE_PASSWORD");
    options.devices = commandLine.devices();
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
    if (screenshotPath.isEmpty())
        window.saveSettings(settings);
    return status;
}
