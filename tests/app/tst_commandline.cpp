// CommandLine (issue 14): sightline's options and their checks, and the
// built program answering --help and --version without a display.
#include "commandline.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

using namespace Sightline;

namespace {

constexpr int kProgramTimeoutMs = 30000;

QStringList argumentsOf(const QString &line)
{
    return QStringList{QStringLiteral("sightline")} + line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

} // namespace

class tst_CommandLine : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void goodArguments();
    void badArguments_data();
    void badArguments();
    void helpOrVersionIsRecognised_data();
    void helpOrVersionIsRecognised();
    void programAnswersWithoutDisplay_data();
    void programAnswersWithoutDisplay();
};

void tst_CommandLine::initTestCase()
{
    QCoreApplication::setApplicationName(QStringLiteral("sightline"));
}

void tst_CommandLine::goodArguments()
{
    CommandLine commandLine;
    QVERIFY2(commandLine.parse(argumentsOf(QStringLiteral(
                 "--server http://127.0.0.1:8080 --user demo --device jetson-01,jetson-02 --window 5 "
                 "--screenshot shot.png --after 2.5"))),
             qPrintable(commandLine.errorText()));
    QCOMPARE(commandLine.server(), QUrl(QStringLiteral("http://127.0.0.1:8080")));
    QCOMPARE(commandLine.username(), QStringLiteral("demo"));
    QCOMPARE(commandLine.devices(), (QStringList{QStringLiteral("jetson-01"), QStringLiteral("jetson-02")}));
    QCOMPARE(commandLine.windowMinutes(), 5);
    QCOMPARE(commandLine.screenshotPath(), QStringLiteral("shot.png"));
    QCOMPARE(commandLine.afterSeconds(), 2.5);
    QVERIFY(!commandLine.isHelpRequested());
    QVERIFY(!commandLine.isVersionRequested());

    CommandLine nothing;
    QVERIFY(nothing.parse(argumentsOf(QString())));
    QVERIFY(!nothing.server().isValid());
    QCOMPARE(nothing.windowMinutes(), 0);
    QCOMPARE(nothing.afterSeconds(), 0.0);
    QVERIFY(nothing.devices().isEmpty());
}

void tst_CommandLine::badArguments_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("named");

    QTest::newRow("window of 7 minutes") << "--window 7" << "--window";
    QTest::newRow("window not a number") << "--window five" << "--window";
    QTest::newRow("negative after") << "--after -1" << "--after";
    QTest::newRow("server without scheme") << "--server 127.0.0.1:8080" << "--server";
    QTest::newRow("server with ftp") << "--server ftp://example.org" << "--server";
    QTest::newRow("unknown option") << "--colour red" << "colour";
    QTest::newRow("option without its value") << "--user" << "user";
}

void tst_CommandLine::badArguments()
{
    QFETCH(QString, line);
    QFETCH(QString, named);
    CommandLine commandLine;
    QVERIFY(!commandLine.parse(argumentsOf(line)));
    QVERIFY2(commandLine.errorText().contains(named), qPrintable(commandLine.errorText()));
}

void tst_CommandLine::helpOrVersionIsRecognised_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<bool>("asks");

    QTest::newRow("--help") << "--help" << true;
    QTest::newRow("-h after other options") << "--server http://h:1 -h" << true;
    QTest::newRow("--help-all") << "--help-all" << true;
    QTest::newRow("--version") << "--version" << true;
    QTest::newRow("-v") << "-v" << true;
    QTest::newRow("a user named --help after --") << "-- --help" << false;
    QTest::newRow("ordinary options") << "--server http://h:1 --user demo" << false;
    QTest::newRow("the program alone") << "" << false;
}

void tst_CommandLine::helpOrVersionIsRecognised()
{
    QFETCH(QString, line);
    QFETCH(bool, asks);
    QCOMPARE(CommandLine::asksForHelpOrVersion(argumentsOf(line)), asks);
}

void tst_CommandLine::programAnswersWithoutDisplay_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QStringList>("expectedParts");

    QTest::newRow("--help") << "--help"
                            << QStringList{QStringLiteral("Usage:"), QStringLiteral("--server <URL>"),
                                           QStringLiteral("--screenshot <FILE>")};
    QTest::newRow("--version") << "--version" << QStringList{QStringLiteral("sightline ")};
}

void tst_CommandLine::programAnswersWithoutDisplay()
{
    QFETCH(QString, option);
    QFETCH(QStringList, expectedParts);
    const QString binDir = qEnvironmentVariable("SIGHTLINE_BIN_DIR");
    QVERIFY2(!binDir.isEmpty(), "SIGHTLINE_BIN_DIR is not set (CTest sets it)");
    const QString program = QDir(binDir).filePath(QStringLiteral("sightline"));
    QVERIFY2(QFileInfo(program).isExecutable(), qPrintable(program + QStringLiteral(" is not built")));

    // What a terminal without a display gives it: no X11, no Wayland, no
    // platform chosen.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        environment.remove(QString::fromLatin1(name));
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, {option});
    QVERIFY2(process.waitForFinished(kProgramTimeoutMs), qPrintable(process.errorString()));
    const QString out = QString::fromLocal8Bit(process.readAllStandardOutput());
    const QString err = QString::fromLocal8Bit(process.readAllStandardError());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit); // not aborted
    QVERIFY2(process.exitCode() == 0, qPrintable(err));
    for (const QString &part : expectedParts)
        QVERIFY2(out.contains(part), qPrintable(out));
}

QTEST_GUILESS_MAIN(tst_CommandLine)
#include "tst_commandline.moc"
