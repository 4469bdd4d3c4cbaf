#pragma once

#include "tempdir.h"

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace Sightline::Test {

// A real server program (redis-server, influxd) found on PATH, run as a
// child process on 127.0.0.1 on ports picked free, with every file it
// writes in its own TempDir (also its working directory). The base of
// RedisProcess and InfluxProcess: a subclass says which arguments and
// config to use and how to tell the server accepts requests; this class
// owns the process, the ports, start/stop/kill/restart and the log.
//
// The program's standard output and error go to server.log in the temp dir
// (appended to across restarts); errorString() ends with its last lines
// when a start fails. Nothing here depends on system services or on
// running as root.
class ExternalServer
{
public:
    static constexpr int kStartTimeoutMs = 30000; // until it accepts requests
    static constexpr int kStopTimeoutMs = 30000; // SIGTERM, then SIGKILL
    static constexpr int kProbeTimeoutMs = 1000; // one readiness probe
    static constexpr int kStartAttempts = 3; // with new ports, first start only
    static constexpr qsizetype kLogTailBytes = 4096;

    virtual ~ExternalServer(); // kills a server still running
    ExternalServer(const ExternalServer &) = delete;
    ExternalServer &operator=(const ExternalServer &) = delete;

    // Starts the server and waits until it accepts requests. The first
    // start picks free ports (and retries with new ones if the server exits
    // before it is ready, e.g. because another process took a port in the
    // meantime); later starts reuse the same ports and files. False with
    // errorString() if it fails or is already running.
    bool start();
    // SIGTERM and waits for the exit (SIGKILL after kStopTimeoutMs).
    void stop();
    // SIGKILL and waits for the exit: what survives is what the server
    // had made durable.
    void kill();
    // stop(), then start() on the same ports with the same files.
    bool restart();

    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    qint64 processId() const { return m_process.processId(); }
    // The port clients connect to; 0 before the first start().
    quint16 port() const { return m_ports.value(0); }
    virtual QString url() const = 0;
    // Why the last start(), restart() or request failed; for a failed start
    // it ends with the tail of the server's log.
    QString errorString() const { return m_error; }

    QString directory() const { return m_dir.path(); }
    QString logFilePath() const;
    // The last `maxBytes` of the log, starting at a line.
    QByteArray logTail(qsizetype maxBytes = kLogTailBytes) const;

protected:
    // `program` is looked up on PATH at start(); `portCount` ports are
    // picked (port() is the first).
    ExternalServer(const QString &program, int portCount);

    virtual QStringList arguments() const = 0;
    // Called before every launch, once ports() are known (e.g. to write a
    // config file into directory()).
    virtual bool prepare(QString *error);
    // One quick check that the server answers requests (kProbeTimeoutMs).
    virtual bool isReady() = 0;

    quint16 portAt(int index) const { return m_ports.value(index); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }
    void setErrorString(const QString &error) { m_error = error; }

private:
    enum class LaunchOutcome { Ready, ExitedEarly, Failed };
    LaunchOutcome launch();
    void appendToLog(const QByteArray &line) const;

    QString m_program;
    int m_portCount = 1;
    TempDir m_dir;
    QProcess m_process;
    QList<quint16> m_ports;
    QString m_error;
};

} // namespace Sightline::Test
