#include "device/tegrastatssource.h"

#include "device/logging.h"

#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>

#include <unistd.h>

namespace Sightline {

TegrastatsSource::TegrastatsSource(Mode mode, const QString &file, int intervalMs, QObject *parent)
    : QObject(parent)
    , m_mode(mode)
    , m_file(file)
    , m_intervalMs(std::max(1, intervalMs))
{
    m_replayTimer.setInterval(m_intervalMs);
    connect(&m_replayTimer, &QTimer::timeout, this, &TegrastatsSource::emitNextReplayLine);
}

TegrastatsSource::~TegrastatsSource()
{
    stop();
}

void TegrastatsSource::start()
{
    switch (m_mode) {
    case Mode::File: {
        auto file = std::make_unique<QFile>(m_file);
        if (!file->open(QIODevice::ReadOnly)) {
            emit failed(QStringLiteral("cannot read tegrastats file %1: %2").arg(m_file, file->errorString()));
            return;
        }
        startFile(file.get(), m_file);
        return;
    }
    case Mode::StandardInput: {
        auto input = std::make_unique<QFile>();
        if (!input->open(STDIN_FILENO, QIODevice::ReadOnly)) {
            emit failed(QStringLiteral("cannot read standard input: %1").arg(input->errorString()));
            return;
        }
        // A redirected file is replayed like --tegrastats FILE (a socket
        // notifier would call it readable forever); pipes and terminals are
        // read as lines arrive.
        if (QFileInfo(QStringLiteral("/dev/stdin")).isFile()) {
            startFile(input.get(), QStringLiteral("standard input"));
            return;
        }
        m_input = std::move(input);
        m_notifier = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
        connect(m_notifier.get(), &QSocketNotifier::activated, this, &TegrastatsSource::readAvailableInput);
        return;
    }
    case Mode::Program:
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        connect(m_process.get(), &QProcess::readyReadStandardOutput, this, &TegrastatsSource::readProcessOutput);
        connect(m_process.get(), &QProcess::errorOccurred, this, &TegrastatsSource::handleProcessError);
        connect(m_process.get(), &QProcess::finished, this, &TegrastatsSource::handleProcessFinished);
        qCDebug(lcDevice) << "running" << m_program << "--interval" << m_intervalMs;
        m_process->start(m_program, {QStringLiteral("--interval"), QString::number(m_intervalMs)});
        return;
    }
}

void TegrastatsSource::stop()
{
    m_done = true;
    m_replayTimer.stop();
    m_notifier.reset();
    if (m_process) {
        m_process->disconnect(this);
        if (m_process->state() != QProcess::NotRunning) {
            m_process->terminate();
            if (!m_process->waitForFinished(2000))
                m_process->kill();
        }
    }
}

void TegrastatsSource::startFile(QFile *file, const QString &name)
{
    const QByteArray all = file->readAll();
    if (file->error() != QFileDevice::NoError) {
        emit failed(QStringLiteral("cannot read %1: %2").arg(name, file->errorString()));
        return;
    }
    const QList<QByteArray> lines = all.split('\n');
    for (const QByteArray &line : lines) {
        const QString text = QString::fromUtf8(line).trimmed();
        if (!text.isEmpty())
            m_replay.append(text);
    }
    qCDebug(lcDevice) << "replaying" << m_replay.size() << "tegrastats lines from" << name;
    // The first line goes out at once, the rest one per interval.
    QTimer::singleShot(0, this, &TegrastatsSource::emitNextReplayLine);
}

void TegrastatsSource::emitNextReplayLine()
{
    if (m_done)
        return;
    if (m_replayNext >= m_replay.size()) {
        m_replayTimer.stop();
        m_done = true;
        emit finished();
        return;
    }
    emit lineRead(m_replay.at(m_replayNext++), ++m_lineCount);
    if (!m_replayTimer.isActive())
        m_replayTimer.start();
}

void TegrastatsSource::readAvailableInput()
{
    char buffer[4096];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n > 0) {
        m_pending.append(buffer, n);
        emitCompleteLines(false);
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    m_notifier.reset();
    emitCompleteLines(true);
    if (!m_done) {
        m_done = true;
        emit finished();
    }
}

void TegrastatsSource::readProcessOutput()
{
    m_pending += m_process->readAllStandardOutput();
    emitCompleteLines(false);
}

void TegrastatsSource::emitCompleteLines(bool atEnd)
{
    qsizetype newline;
    while ((newline = m_pending.indexOf('\n')) >= 0 || (atEnd && !m_pending.isEmpty())) {
        const qsizetype end = newline >= 0 ? newline : m_pending.size();
        const QString text = QString::fromUtf8(m_pending.left(end)).trimmed();
        m_pending.remove(0, newline >= 0 ? newline + 1 : end);
        if (!text.isEmpty())
            emit lineRead(text, ++m_lineCount);
    }
}

void TegrastatsSource::handleProcessError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || m_done)
        return;
    m_done = true;
    emit failed(QStringLiteral("cannot run %1 (%2): is this a Jetson with tegrastats in PATH? "
                               "To read recorded lines use --tegrastats FILE, or - for standard input")
                    .arg(m_program, m_process->errorString()));
}

void TegrastatsSource::handleProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_done)
        return;
    m_pending += m_process->readAllStandardOutput();
    emitCompleteLines(true);
    m_done = true;
    if (status != QProcess::NormalExit || exitCode != 0) {
        emit failed(QStringLiteral("%1 stopped (%2)")
                        .arg(m_program, status == QProcess::NormalExit
                                            ? QStringLiteral("exit status %1").arg(exitCode)
                                            : QStringLiteral("crashed")));
        return;
    }
    emit finished();
}

} // namespace Sightline
