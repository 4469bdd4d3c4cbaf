#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Sightline::Test {

// The real sightline-server binary (from SIGHTLINE_BIN_DIR, set by CTest)
// as a child process, for tests that need a real process: admin
// subcommands, the `listening on` line, signals, restarts.
//
//   // a one-shot admin command:
//   auto r = ServerProcess::run({"add-device", "--data-dir", dir, "--account", "a",
//                                "--site", "s", "--device", "d"});
//   QCOMPARE(r.exitCode, 0);  // r.out holds the key line
//
//   // a server:
//   ServerProcess server;
//   QVERIFY2(server.start({"serve", "--data-dir", dir, "--listen", "127.0.0.1:0"}),
//            qPrintable(server.errorString()));
//   ... use server.url() ...
//   QCOMPARE(server.terminate(), 0);   // SIGTERM, then the exit code
//
// The destructor kills a server still running.
class ServerProcess
{
public:
    static constexpr int kStartTimeoutMs = 60000;
    static constexpr int kStopTimeoutMs = 60000;

    ServerProcess();
    ~ServerProcess();
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    // <bin>/sightline-server
    static QString program();

    struct Result
    {
        int exitCode = -1; // -1: did not exit normally (crash, timeout)
        QByteArray out;
        QByteArray err;
    };
    // Runs one command to the end with stdinData on standard input.
    static Result run(const QStringList &arguments, const QByteArray &stdinData = {},
                      int timeoutMs = kStartTimeoutMs);

    // Starts `sightline-server <arguments>` (serve or demo) and waits for its
    // `listening on http://HOST:PORT` line. False if it exits or times out
    // first; errorString() then has its standard error.
    bool start(const QStringList &arguments, int timeoutMs = kStartTimeoutMs);

    QUrl url(const QString &path = {}) const;
    // Everything written to standard output before/including the listening
    // line, and standard error so far.
    QByteArray standardOutput() const { return m_out; }
    QByteArray standardError();

    // Sends a signal (SIGTERM by default) and waits for the exit; returns
    // the exit code, or -1 if it crashed or did not exit in time.
    int terminate(int signalNumber = 15, int timeoutMs = kStopTimeoutMs);

    qint64 processId() const { return m_process.processId(); }
    QProcess &process() { return m_process; }
    QString errorString() const { return m_error; }

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
    QUrl m_url;
    QString m_error;
};

} // namespace Sightline::Test
