#include "serverprocess.h"

#include "tempdir.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QRegularExpression>

#include <csignal>

namespace Sightline::Test {

ServerProcess::ServerProcess() = default;

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(kStopTimeoutMs);
    }
}

QString ServerProcess::program()
{
    return QDir(binDir()).filePath(QStringLiteral("sightline-server"));
}

ServerProcess::Result ServerProcess::run(const QStringList &arguments, const QByteArray &stdinData,
                                         int timeoutMs)
{
    QProcess process;
    process.start(program(), arguments);
    Result result;
    if (!process.waitForStarted(timeoutMs)) {
        result.err = process.errorString().toUtf8();
        return result;
    }
    process.write(stdinData);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(kStopTimeoutMs);
    } else if (process.exitStatus() == QProcess::NormalExit) {
        result.exitCode = process.exitCode();
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

bool ServerProcess::start(const QStringList &arguments, int timeoutMs)
{
    static const QRegularExpression listening(
        QStringLiteral("^listening on (http://\\S+)$"), QRegularExpression::MultilineOption);
    m_out.clear();
    m_err.clear();
    m_process.start(program(), arguments);
    m_process.closeWriteChannel();
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning)
            break;
        m_process.waitForReadyRead(int(std::min<qint64>(deadline.remainingTime(), 1000)));
        m_out += m_process.readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(m_out));
        if (match.hasMatch() && m_out.endsWith('\n')) {
            m_url = QUrl(match.captured(1));
            return true;
        }
    }
    m_out += m_process.readAllStandardOutput();
    m_error = QStringLiteral("sightline-server did not print its listening line: %1")
                  .arg(QString::fromUtf8(standardError()));
    return false;
}

QUrl ServerProcess::url(const QString &path) const
{
    QUrl url = m_url;
    url.setPath(path);
    return url;
}

QByteArray ServerProcess::standardError()
{
    m_err += m_process.readAllStandardError();
    return m_err;
}

int ServerProcess::terminate(int signalNumber, int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    ::kill(pid_t(m_process.processId()), signalNumber);
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    m_out += m_process.readAllStandardOutput();
    standardError();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

} // namespace Sightline::Test
