// sightline-tail: a terminal stream consumer (API.md "Command-line clients").
//
//   sightline-tail --stdin [--read-size N]   parse raw event-stream bytes (issue 2)
//   sightline-tail --server URL ...          network mode (issue 5)
//
// This file only reads the command line and moves bytes; parsing and output
// formatting live in src/stream (SseParser, SseJsonlWriter), network mode in
// src/tail (TailOptions, TailController).
#include "stream/ssejsonlwriter.h"
#include "stream/sseparser.h"
#include "tail/tailcontroller.h"
#include "tail/tailoptions.h"

#include <QByteArray>
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QNetworkAccessManager>
#include <QTextStream>

#include <cerrno>
#include <cstring>
#include <termios.h>
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

// The password for --user: SIGHTLINE_PASSWORD, else one line read from the
// terminal with echo off (or from standard input when it is not a terminal).
QString readPassword(const QString &username)
{
    if (qEnvironmentVariableIsSet("SIGHTLINE_PASSWORD"))
        return qEnvironmentVariable("SIGHTLINE_PASSWORD");
    const bool isTerminal = ::isatty(STDIN_FILENO);
    termios saved {};
    if (isTerminal) {
        QTextStream(stderr) << "Password for " << username << ": " << Qt::flush;
        ::tcgetattr(STDIN_FILENO, &saved);
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    QTextStream in(stdin);
    const QString password = in.readLine();
    if (isTerminal) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        QTextStream(stderr) << '\n';
    }
    return password;
}

int runNetworkMode(QCoreApplication &app, Sightline::TailOptions options)
{
    if (!options.username.isEmpty()) {
        options.password = readPassword(options.username);
        if (options.password.isEmpty()) {
            printError(
                QStringLiteral("no password (set SIGHTLINE_PASSWORD or type one at the prompt)"));
            return Sightline::TailController::ExitSignInFailed;
        }
    }
    QFile out;
    QFile err;
    if (!out.open(STDOUT_FILENO, QIODevice::WriteOnly | QIODevice::Unbuffered)
        || !err.open(STDERR_FILENO, QIODevice::WriteOnly | QIODevice::Unbuffered)) {
        printError(QStringLiteral("cannot open standard output"));
        return kExitFailure;
    }
    QNetworkAccessManager network;
    Sightline::TailController tail(options, &network, &out, &err);
    QObject::connect(&tail, &Sightline::TailController::finished, &app, &QCoreApplication::exit);
    tail.start();
    return app.exec();
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
    Sightline::TailOptions::addTo(cli);

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

    QString error;
    const std::optional<Sightline::TailOptions> options = Sightline::TailOptions::read(cli, &error);
    if (!options) {
        printError(error);
        return kExitBadArguments;
    }
    return runNetworkMode(app, *options);
}
