// sightline-device: the device agent (API.md "Command-line clients", issue 7).
// Parses the command line and runs a DeviceAgent; all behaviour is in
// src/device.
#include "device/agentoptions.h"
#include "device/deviceagent.h"
#include "device/stopsignalwatcher.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sightline-device"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);

    Sightline::AgentOptions options;
    const auto outcome = Sightline::AgentOptions::fromArguments(app.arguments(), &options);
    switch (outcome.kind) {
    case Sightline::AgentOptions::Outcome::Kind::Help:
        out << outcome.text;
        return 0;
    case Sightline::AgentOptions::Outcome::Kind::Version:
        out << "sightline-device " << QCoreApplication::applicationVersion() << '\n';
        return 0;
    case Sightline::AgentOptions::Outcome::Kind::Error:
        err << "sightline-device: " << outcome.text << "\n(see sightline-device --help)\n";
        return Sightline::AgentOptions::ExitBadArguments;
    case Sightline::AgentOptions::Outcome::Kind::Run:
        break;
    }

    Sightline::DeviceAgent agent(options);
    QObject::connect(&agent, &Sightline::DeviceAgent::lineReported, &app,
                     [&err](const QString &line) { err << line << Qt::endl; });
    QObject::connect(&agent, &Sightline::DeviceAgent::finished, &app, &QCoreApplication::exit);
    // Ctrl-C / SIGTERM: stop, print what was delivered, exit 0.
    Sightline::StopSignalWatcher stopSignals;
    QObject::connect(&stopSignals, &Sightline::StopSignalWatcher::stopRequested, &agent, &Sightline::DeviceAgent::stop);
    agent.start();
    return app.exec();
}
