#include "externalserver.h"

#include <QDateTime>
#include <QFile>
#include <QHostAddress>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

#include <memory>
#include <vector>

namespace Sightline::Test {

namespace {

// Free ports on 127.0.0.1: each is bound by a QTcpServer until all are
// picked (so they differ), then released for the server to take. Another
// process may take one in between; start() retries with new ports then.
QList<quint16> pickFreePorts(int count, QString *error)
{
    std::vector<std::unique_ptr<QTcpServer>> holders;
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        auto holder = std::make_unique<QTcpServer>();
        if (!holder->listen(QHostAddress::LocalHost, 0)) {
            *error = QStringLiteral("no free port on 127.0.0.1: %1").arg(holder->errorString());
            return {};
        }
        ports.append(holder->serverPort());
        holders.push_back(std::move(holder));
    }
    return ports;
}

} // namespace

ExternalServer::ExternalServer(const QString &program, int portCount)
    : m_program(program)
    , m_portCount(portCount)
{
}

ExternalServer::~ExternalServer()
{
    kill();
}

QString ExternalServer::logFilePath() const
{
    return m_dir.filePath(QStringLiteral("server.log"));
}

QByteArray ExternalServer::logTail(qsizetype maxBytes) const
{
    QFile file(logFilePath());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const qint64 size = file.size();
    if (size > maxBytes)
        file.seek(size - maxBytes);
    QByteArray tail = file.readAll();
    if (size > maxBytes) {
        const qsizetype firstLineEnd = tail.indexOf('\n');
        if (firstLineEnd >= 0)
            tail.remove(0, firstLineEnd + 1);
    }
    return tail;
}

bool ExternalServer::prepare(QString *)
{
    return true;
}

bool ExternalServer::start()
{
    if (isRunning()) {
        m_error = QStringLiteral("%1 is already running").arg(m_program);
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("could not create a temporary directory for %1").arg(m_program);
        return false;
    }
    // Later starts keep the ports: clients (and the data) expect the same
    // address after a restart.
    if (!m_ports.isEmpty())
        return launch() == LaunchOutcome::Ready;
    for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
        m_ports = pickFreePorts(m_portCount, &m_error);
        if (m_ports.isEmpty())
            return false;
        const LaunchOutcome outcome = launch();
        if (outcome == LaunchOutcome::Ready)
            return true;
        // Retry only when it exited by itself (likely a port taken since it
        // was picked); not when it could not be run or never got ready.
        if (outcome == LaunchOutcome::Failed)
            break;
    }
    m_ports.clear();
    return false;
}

ExternalServer::LaunchOutcome ExternalServer::launch()
{
    m_error.clear();
    const QString executable = QStandardPaths::findExecutable(m_program);
    if (executable.isEmpty()) {
        m_error = QStringLiteral("%1 is not on PATH").arg(m_program);
        return LaunchOutcome::Failed;
    }
    QString prepareError;
    if (!prepare(&prepareError)) {
        m_error = QStringLiteral("could not prepare %1: %2").arg(m_program, prepareError);
        return LaunchOutcome::Failed;
    }
    const QStringList args = arguments();
    appendToLog("=== " + QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' '
        + executable.toUtf8() + ' ' + args.join(QLatin1Char(' ')).toUtf8() + '\n');

    m_process.setWorkingDirectory(m_dir.path());
    m_process.setStandardInputFile(QProcess::nullDevice());
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(logFilePath(), QIODevice::Append);
    m_process.start(executable, args);
    if (!m_process.waitForStarted(kStartTimeoutMs)) {
        m_error
            = QStringLiteral("%1 could not be started: %2").arg(m_program, m_process.errorString());
        return LaunchOutcome::Failed;
    }
    const bool ready = QTest::qWaitFor(
        [this] { return m_process.state() == QProcess::NotRunning || isReady(); }, kStartTimeoutMs);
    if (ready && isRunning())
        return LaunchOutcome::Ready;

    QString reason;
    const bool exitedEarly = !isRunning();
    if (exitedEarly) {
        reason = m_process.exitStatus() == QProcess::NormalExit
            ? QStringLiteral("exited with code %1").arg(m_process.exitCode())
            : QStringLiteral("crashed");
    } else {
        reason = QStringLiteral("did not accept requests within %1 ms").arg(kStartTimeoutMs);
        kill();
    }
    QStringList portTexts;
    for (quint16 p : std::as_const(m_ports))
        portTexts.append(QString::number(p));
    m_error = QStringLiteral("%1 (ports %2, directory %3) %4; last lines of %5:\n%6")
                  .arg(m_program, portTexts.join(QLatin1Char(',')), m_dir.path(), reason,
                      logFilePath(), QString::fromUtf8(logTail()));
    return exitedEarly ? LaunchOutcome::ExitedEarly : LaunchOutcome::Failed;
}

void ExternalServer::stop()
{
    if (!isRunning())
        return;
    m_process.terminate(); // SIGTERM: a clean shutdown
    if (!m_process.waitForFinished(kStopTimeoutMs))
        kill();
}

void ExternalServer::kill()
{
    if (!isRunning())
        return;
    m_process.kill(); // SIGKILL
    m_process.waitForFinished(kStopTimeoutMs);
}

bool ExternalServer::restart()
{
    stop();
    return start();
}

void ExternalServer::appendToLog(const QByteArray &line) const
{
    QFile file(logFilePath());
    if (file.open(QIODevice::WriteOnly | QIODevice::Append))
        file.write(line);
}

} // namespace Sightline::Test
