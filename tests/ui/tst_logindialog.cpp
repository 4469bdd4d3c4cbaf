#include "ui/logindialog.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Sightline;

class tst_LoginDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emitsRequest();
    void validation_data();
    void validation();
    void errorsInWords_data();
    void errorsInWords();
    void tooManyAttemptsLocksUntilTheWaitPasses();
};

namespace {

void fill(LoginDialog &dialog, const QString &server, const QString &user, const QString &password)
{
    const QList<QLineEdit *> edits = dialog.findChildren<QLineEdit *>();
    QCOMPARE(edits.size(), 3);
    edits.at(0)->setText(server);
    edits.at(1)->setText(user);
    edits.at(2)->setText(password);
}

} // namespace

void tst_LoginDialog::emitsRequest()
{
    LoginDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy spy(&dialog, &LoginDialog::signInRequested);
    QVERIFY(!dialog.signInButton()->isEnabled());
    fill(dialog, QStringLiteral("http://127.0.0.1:8080"), QStringLiteral(" demo "), QStringLiteral("s3cret pass"));
    dialog.setRememberMe(true);
    QVERIFY(dialog.signInButton()->isEnabled());
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QCOMPARE(spy.size(), 1);
    const auto request = spy.at(0).at(0).value<SignInRequest>();
    QCOMPARE(request.serverUrl, QUrl(QStringLiteral("http://127.0.0.1:8080")));
    QCOMPARE(request.username, QStringLiteral("demo"));
    QCOMPARE(request.password, QStringLiteral("s3cret pass")); // passwords are not trimmed
    QVERIFY(request.rememberMe);
    QVERIFY(dialog.isBusy());
    QVERIFY(!dialog.signInButton()->isEnabled());
    QVERIFY(dialog.errorText().isEmpty());
}

void tst_LoginDialog::validation_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("error");
    QTest::newRow("no scheme") << QStringLiteral("127.0.0.1:8080") << QStringLiteral("http://");
    QTest::newRow("ftp") << QStringLiteral("ftp://example.org") << QStringLiteral("http://");
    QTest::newRow("no host") << QStringLiteral("http://") << QStringLiteral("host");
}

void tst_LoginDialog::validation()
{
    QFETCH(QString, server);
    QFETCH(QString, error);
    LoginDialog dialog;
    QSignalSpy spy(&dialog, &LoginDialog::signInRequested);
    fill(dialog, server, QStringLiteral("demo"), QStringLiteral("demo"));
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QCOMPARE(spy.size(), 0);
    QVERIFY2(dialog.errorText().contains(error), qPrintable(dialog.errorText()));
    QVERIFY(!dialog.isBusy());
}

void tst_LoginDialog::errorsInWords_data()
{
    QTest::addColumn<int>("error");
    QTest::addColumn<int>("retryAfter");
    QTest::addColumn<QString>("text");
    QTest::newRow("wrong password") << int(SignInError::WrongCredentials) << 0 << QStringLiteral("The username or password is wrong.");
    QTest::newRow("server unreachable") << int(SignInError::ServerUnreachable) << 0
                                        << QStringLiteral("Cannot reach the server at http://127.0.0.1:9. Check the address and that the server runs.");
    QTest::newRow("too many attempts, minutes") << int(SignInError::TooManyAttempts) << 270
                                                << QStringLiteral("Too many failed sign-ins. Try again in 5 minutes.");
    QTest::newRow("too many attempts, seconds") << int(SignInError::TooManyAttempts) << 40
                                                << QStringLiteral("Too many failed sign-ins. Try again in 40 seconds.");
    QTest::newRow("other") << int(SignInError::Other) << 0 << QStringLiteral("Signing in failed.");
}

void tst_LoginDialog::errorsInWords()
{
    QFETCH(int, error);
    QFETCH(int, retryAfter);
    QFETCH(QString, text);
    LoginDialog dialog;
    fill(dialog, QStringLiteral("http://127.0.0.1:9"), QStringLiteral("demo"), QStringLiteral("x"));
    QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
    QVERIFY(dialog.isBusy());
    dialog.showError(static_cast<SignInError>(error), QString(), retryAfter);
    QCOMPARE(dialog.errorText(), text);
    QVERIFY(!dialog.isBusy());
    QCOMPARE(dialog.signInButton()->isEnabled(), retryAfter == 0);
}

void tst_LoginDialog::tooManyAttemptsLocksUntilTheWaitPasses()
{
    LoginDialog dialog;
    fill(dialog, QStringLiteral("http://127.0.0.1:9"), QStringLiteral("demo"), QStringLiteral("x"));
    dialog.showError(SignInError::TooManyAttempts, QString(), 1);
    QVERIFY(!dialog.signInButton()->isEnabled());
    constexpr int kLockoutTimeoutMs = 15000;
    QTRY_VERIFY_WITH_TIMEOUT(dialog.signInButton()->isEnabled(), kLockoutTimeoutMs);
    QVERIFY(dialog.errorText().isEmpty());
}

QTEST_MAIN(tst_LoginDialog)
#include "tst_logindialog.moc"
