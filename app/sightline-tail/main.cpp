// sightline-tail: a terminal stream consumer (API.md "Command-line clients").
//
//   sightline-tail --stdin [--read-size N]   parse raw event-stream bytes (issue 2)
//   sightline-tail --server URL ...          network mode (comes with the stream client)
//
// This file only reads the command line and moves bytes; parsing and output
// formatting live in src/stream (SseParser, SseJsonlWriter).
#include "stream/ssejsonlwriter.h"
#include "stream/sseparser.h"

#include <QByteArray>
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadArguments = 2;
constexpr qsizetype kDefaultReadSize = 65536;
constexpr qsizetype kMaxReadSize = qsizetype(1) << 30;

void printError(const QString &message)
{
    QTextStream(stderr) << "sightline-tail: " << message << '\n';
}

bool writeAll(int fd, const QByteArray &bytes)
{
    const char *p = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, p, size_t(left));
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += written;
        left -= written;
    }
    return true;
}

// --stdin: each read() of at most readSize bytes is fed to the parser on its
// own, so a live pipe prints events as soon as they arrive.
int runStdinMode(qsizetype readSize)
{
    Sightline::SseParser parser;
    Sightline::SseJsonlWriter writer;
    QByteArray buffer(readSize, Qt::Uninitialized);
    while (true) {
        const ssize_t got = ::read(STDIN_FILENO, buffer.data(), size_t(readSize));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            printError(QStringLiteral("cannot read standard input: %1")
                               .arg(QString::fromLocal8Bit(std::strerror(errno))));
            return kExitFailure;
        }
        if (got == 0)
            return kExitOk; // end of input: an unfinished event is discarded (WHATWG 9.2.6)
        parser.feed(QByteArrayView(buffer.constData(), got), writer);
        const QStringList errors = writer.takeErrors();
        for (const QString &error : errors)
            printError(error);
        if (!writeAll(STDOUT_FILENO, writer.takeOutput())) {
            printError(QStringLiteral("cannot write standard output: %1")
                               .arg(QString::fromLocal8Bit(std::strerror(errno))));
            return kExitFailure;
        }
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sightline-tail"));

    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("Prints a Sightline event stream as JSON lines."));
    const QCommandLineOption helpOption = cli.addHelpOption();
    const QCommandLineOption stdinOption(
            QStringLiteral("stdin"),
            QStringLiteral("Parse raw event-stream bytes from standard input."));
    const QCommandLineOption readSizeOption(
            QStringLiteral("read-size"),
            QStringLiteral("With --stdin: feed the parser at most <bytes> per read (default %1).")
                    .arg(kDefaultReadSize),
            QStringLiteral("bytes"), QString::number(kDefaultReadSize));
    cli.addOption(stdinOption);
    cli.addOption(readSizeOption);

    if (!cli.parse(QCoreApplication::arguments())) {
        printError(cli.errorText());
        return kExitBadArguments;
    }
    if (cli.isSet(helpOption)) {
        QTextStream(stdout) << cli.helpText();
        return kExitOk;
    }
    if (!cli.positionalArguments().isEmpty()) {
        printError(QStringLiteral("unexpected argument %1").arg(cli.positionalArguments().first()));
        return kExitBadArguments;
    }

    if (cli.isSet(stdinOption)) {
        bool ok = false;
        const qlonglong readSize = cli.value(readSizeOption).toLongLong(&ok);
        if (!ok || readSize < 1 || readSize > kMaxReadSize) {
            printError(QStringLiteral("--read-size must be a whole number of bytes from 1 to %1")
                               .arg(kMaxReadSize));
            return kExitBadArguments;
        }
        return runStdinMode(qsizetype(readSize));
    }

    // Network mode is added by the stream client issue.
    printError(QStringLiteral("give --stdin (network mode is not available yet); see --help"));
    return kExitBadArguments;
}
