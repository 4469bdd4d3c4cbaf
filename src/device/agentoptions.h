#pragma once

#include "device/devicekeysfile.h"

#include <QString>
#include <QStringList>
#include <QUrl>

namespace Sightline {

// Everything `sightline-device` was asked to do, read from its command line
// (API.md "Command-line clients", issue 7). A plain value; fromArguments()
// does all the checking so that main.cpp only prints and runs.
struct AgentOptions
{
    enum class Source { Simulator, TegrastatsFile, TegrastatsStdin, TegrastatsProgram };

    // Exit statuses of sightline-device (documented in --help and README).
    enum ExitCode {
        ExitOk = 0,
        ExitInputFailed = 1, // tegrastats missing, file unreadable
        ExitBadArguments = 2, // command line or keys file
        ExitKeyRejected = 3, // 401/403
        ExitEndpointNotFound = 4, // 404/405 or a redirect: wrong --server
        ExitPointsLost = 5, // a --count / tegrastats run ended with points dropped or rejected
    };

    QUrl server;
    QList<DeviceKeysFile::Device> devices; // one entry unless --keys
    Source source = Source::Simulator;
    QString tegrastatsFile;
    double intervalSeconds = 1.0;
    // Simulated seconds per real second: each sample advances the simulator
    // by interval x speed (overheating comes sooner); silent periods and
    // the points' ts stay in real time.
    double speed = 1.0;
    qint64 count = 0; // 0: run until stopped
    quint64 seed = 1;
    double overheatEverySeconds = 0;
    double overheatForSeconds = 60;
    QStringList overheatDevices; // empty: all
    double silentEverySeconds = 0;
    double silentForSeconds = 30;
    QStringList silentDevices; // empty: all
    int batchSize = 100;
    int bufferCapacity = 10000;
    double timeoutSeconds = 30;
    double maxRetrySeconds = 30;
    qint64 firstSeq = -1;
    bool verbose = false;

    struct Outcome
    {
        enum class Kind { Run, Help, Version, Error };
        Kind kind = Kind::Error;
        QString text; // help text, or the error in words
    };

    // arguments include the program name, as QCoreApplication::arguments().
    static Outcome fromArguments(const QStringList &arguments, AgentOptions *out);
    static QString helpText();

    bool overheats(const QString &deviceId) const;
    bool goesSilent(const QString &deviceId) const;
};

} // namespace Sightline
