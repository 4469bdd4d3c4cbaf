#pragma once

#include "dashboardoptions.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

namespace Sightline {

// sightline's command line (API.md "sightline — the desktop app"): the
// options, their checks and the help text, apart from QApplication so
// `sightline --help` and `--version` answer without a display (issue 14)
// and tests reach every check. main.cpp only prints what this returns.
class CommandLine
{
public:
    CommandLine();

    // True when the arguments (the program first) ask for the help or the
    // version: main() answers those before it opens a display.
    static bool asksForHelpOrVersion(const QStringList &arguments);

    // Reads the arguments (the program first). False on an unknown option
    // or a bad value; errorText() then names the option and what it takes.
    bool parse(const QStringList &arguments);
    QString errorText() const { return m_error; }

    bool isHelpRequested() const;
    bool isVersionRequested() const;
    QString helpText() const;
    // "sightline 0.4.0": the application name and version.
    static QString versionText();

    // What parse() read. Server and user are empty when not given.
    QUrl server() const { return m_server; }
    QString username() const;
    QStringList devices() const;
    int windowMinutes() const { return m_windowMinutes; } // 0: not given
    QString screenshotPath() const;
    double afterSeconds() const { return m_afterSeconds; }

private:
    QCommandLineParser m_parser;
    QCommandLineOption m_help;
    QCommandLineOption m_version;
    QCommandLineOption m_serverOption;
    QCommandLineOption m_userOption;
    QCommandLineOption m_deviceOption;
    QCommandLineOption m_windowOption;
    QCommandLineOption m_screenshotOption;
    QCommandLineOption m_afterOption;
    QString m_error;
    QUrl m_server;
    int m_windowMinutes = 0;
    double m_afterSeconds = 0;
};

} // namespace Sightline
