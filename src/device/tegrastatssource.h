#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <memory>

class QFile;
class QSocketNotifier;

namespace Sightline {

// Where `sightline-device --tegrastats` gets its lines (API.md "Command-line
// clients", issue 7). It knows nothing of the parser or the network: it
// emits one signal per line.
//  - a FILE (or standard input redirected from a file): the recorded lines
//    are replayed, one per interval, as if tegrastats were running now;
//  - standard input from a pipe or terminal (`tegrastats | sightline-device
//    ... --tegrastats -`): each line as it arrives;
//  - nothing: it runs `tegrastats --interval <ms>` itself (QProcess) and
//    reads its output; a missing program is a clear error.
class TegrastatsSource : public QObject
{
    Q_OBJECT

public:
    enum class Mode { File, StandardInput, Program };

    // file: a path for Mode::File; ignored otherwise. program: the
    // executable for Mode::Program (default "tegrastats", found in PATH).
    TegrastatsSource(Mode mode, const QString &file, int intervalMs, QObject *parent = nullptr);
    ~TegrastatsSource() override;

    void setProgram(const QString &program) { m_program = program; }
    QString program() const { return m_program; }

    // Starts reading; failures come as failed().
    void start();
    void stop();

    // Lines emitted so far.
    qint64 lineCount() const { return m_lineCount; }

signals:
    // One non-empty line, without its line break. number counts from 1.
    void lineRead(const QString &line, qint64 number);
    // The input ended normally (end of file or of standard input).
    void finished();
    // The input cannot be read at all; message says why, in words.
    void failed(const QString &message);

private:
    void startFile(QFile *file, const QString &name);
    void emitNextReplayLine();
    void readAvailableInput();
    void readProcessOutput();
    void emitCompleteLines(bool atEnd);
    void handleProcessError(QProcess::ProcessError error);
    void handleProcessFinished(int exitCode, QProcess::ExitStatus status);

    Mode m_mode;
    QString m_file;
    int m_intervalMs;
    QString m_program = QStringLiteral("tegrastats");
    QStringList m_replay;
    qsizetype m_replayNext = 0;
    QTimer m_replayTimer;
    std::unique_ptr<QFile> m_input;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_pending;
    qint64 m_lineCount = 0;
    bool m_done = false;
};

} // namespace Sightline
