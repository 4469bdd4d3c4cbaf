#include "commandline.h"

#include "telemetry/workspacetime.h"

#include <QCoreApplication>

namespace Sightline {

CommandLine::CommandLine()
    : m_help(m_parser.addHelpOption())
    , m_version(m_parser.addVersionOption())
    , m_serverOption(QStringLiteral("server"), QStringLiteral("Server URL."), QStringLiteral("URL"))
    , m_userOption(QStringLiteral("user"), QStringLiteral("User name."), QStringLiteral("U"))
    , m_deviceOption(QStringLiteral("device"), QStringLiteral("Devices to chart, comma-separated."),
                     QStringLiteral("d1,d2"))
    , m_windowOption(QStringLiteral("window"), QStringLiteral("Chart window: 1, 5, 15, 60, 360 or 1440 minutes."),
                     QStringLiteral("MINUTES"))
    , m_screenshotOption(QStringLiteral("screenshot"), QStringLiteral("Render the main window to FILE.png and exit."),
                         QStringLiteral("FILE"))
    , m_afterOption(QStringLiteral("after"), QStringLiteral("Seconds to wait before --screenshot."),
                    QStringLiteral("SECONDS"), QStringLiteral("0"))
{
    m_parser.setApplicationDescription(QStringLiteral(
        "Live telemetry dashboard. With --server and --user it signs in without the dialog when "
        "SIGHTLINE_PASSWORD is set or a stored sign-in works."));
    m_parser.addOptions(
        {m_serverOption, m_userOption, m_deviceOption, m_windowOption, m_screenshotOption, m_afterOption});
}

bool CommandLine::asksForHelpOrVersion(const QStringList &arguments)
{
    // The names QCommandLineParser's help and version options answer to.
    static const QStringList names = {QStringLiteral("-h"),       QStringLiteral("--help"),
                                      QStringLiteral("-?"),       QStringLiteral("--help-all"),
                                      QStringLiteral("-v"),       QStringLiteral("--version")};
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments.at(i) == QLatin1String("--"))
            break;
        if (names.contains(arguments.at(i)))
            return true;
    }
    return false;
}

bool CommandLine::parse(const QStringList &arguments)
{
    m_error.clear();
    if (!m_parser.parse(arguments)) {
        m_error = m_parser.errorText();
        return false;
    }
    if (isHelpRequested() || isVersionRequested())
        return true;
    m_windowMinutes = 0;
    if (m_parser.isSet(m_windowOption)) {
        bool ok = false;
        m_windowMinutes = m_parser.value(m_windowOption).toInt(&ok);
        if (!ok || !WorkspaceTime::windowChoicesMinutes().contains(m_windowMinutes)) {
            m_error = QStringLiteral("--window must be one of 1, 5, 15, 60, 360, 1440");
            return false;
        }
    }
    bool afterOk = false;
    m_afterSeconds = m_parser.value(m_afterOption).toDouble(&afterOk);
    if (!afterOk || m_afterSeconds < 0) {
        m_error = QStringLiteral("--after must be a non-negative number of seconds");
        return false;
    }
    m_server = QUrl();
    if (m_parser.isSet(m_serverOption)) {
        const QUrl server(m_parser.value(m_serverOption));
        if (!server.isValid() || (server.scheme() != QLatin1String("http") && server.scheme() != QLatin1String("https"))
            || server.host().isEmpty()) {
            m_error = QStringLiteral("--server must be an http:// or https:// URL, e.g. http://127.0.0.1:8080");
            return false;
        }
        m_server = server;
    }
    return true;
}

bool CommandLine::isHelpRequested() const
{
    return m_parser.isSet(m_help) || m_parser.isSet(QStringLiteral("help-all"));
}

bool CommandLine::isVersionRequested() const
{
    return m_parser.isSet(m_version);
}

QString CommandLine::helpText() const
{
    return m_parser.helpText();
}

QString CommandLine::versionText()
{
    return QCoreApplication::applicationName() + QLatin1Char(' ') + QCoreApplication::applicationVersion();
}

QString CommandLine::username() const
{
    return m_parser.value(m_userOption);
}

QStringList CommandLine::devices() const
{
    return m_parser.value(m_deviceOption).split(QLatin1Char(','), Qt::SkipEmptyParts);
}

QString CommandLine::screenshotPath() const
{
    return m_parser.value(m_screenshotOption);
}

} // namespace Sightline
