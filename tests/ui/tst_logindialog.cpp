#include "ui/logindialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QTemporaryDir>
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
    void enterSignsInAgainAfterAnError_data();
    void enterSignsInAgainAfterAnError();
    void rememberMeRemembersUserAndItself();
    void disabledSignInSaysWhatIsMissing();
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

void tst_LoginDialog::enterSignsInAgainAfterAnError_data()
{
    QTest::addColumn<int>("error");
    QTest::newRow("wrong password") << int(SignInError::WrongCredentials);
    QTest::newRow("server unreachable") << int(SignInError::ServerUnreachable);
    QTest::newRow("other") << int(SignInError::Other);
}

void tst_LoginDialog::enterSignsInAgainAfterAnError()
{
    // Issue 14: after an error, Enter pressed Cancel (the inputs were
    // disabled while busy, so focus fell to Cancel, which then became the
    // default button).
    QFETCH(int, error);
    LoginDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    QSignalSpy requested(&dialog, &LoginDialog::signInRequested);
    QSignalSpy rejected(&dialog, &QDialog::rejected);
    fill(dialog, QStringLiteral("http://127.0.0.1:9"), QStringLiteral("demo"), QStringLiteral("x"));
    QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &dialog, Qt::Key_Return);
    QCOMPARE(requested.size(), 1);
    dialog.showError(static_cast<SignInError>(error));
    QVERIFY(dialog.signInButton()->isDefault());
    QWidget *focus = QApplication::focusWidget();
    QVERIFY(focus);
    QVERIFY2(qobject_cast<QLineEdit *>(focus), focus->metaObject()->className()); // back in a field
    QTest::keyClick(focus, Qt::Key_Return);
    QCOMPARE(rejected.size(), 0);
    QCOMPARE(requested.size(), 2);
    QVERIFY(dialog.isVisible());
}

void tst_LoginDialog::rememberMeRemembersUserAndItself()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("sightline.ini"));
    {
        LoginDialog dialog;
        fill(dialog, QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("demo"), QStringLiteral("s3cret"));
        dialog.setRememberMe(true);
        QSettings settings(file, QSettings::IniFormat);
        dialog.saveSettings(settings);
    }
    {
        QSettings settings(file, QSettings::IniFormat);
        QCOMPARE(LoginDialog::rememberedUsername(settings), QStringLiteral("demo"));
        for (const QString &key : settings.allKeys())
            QVERIFY2(!settings.value(key).toString().contains(QLatin1String("s3cret")), qPrintable(key));
        LoginDialog next; // the next start
        next.restoreSettings(settings);
        QCOMPARE(next.request().username, QStringLiteral("demo"));
        QVERIFY(next.request().rememberMe);
        QVERIFY(next.request().password.isEmpty());

        // Unticked: neither the name nor the choice is kept.
        next.setRememberMe(false);
        next.saveSettings(settings);
    }
    QSettings settings(file, QSettings::IniFormat);
    QCOMPARE(LoginDialog::rememberedUsername(settings), QString());
    LoginDialog later;
    later.setRememberMe(true);
    later.restoreSettings(settings);
    QVERIFY(!later.request().rememberMe);
    QCOMPARE(later.request().username, QString());
}

void tst_LoginDialog::disabledSignInSaysWhatIsMissing()
{
    LoginDialog dialog;
    dialog.show();
    auto *server = dialog.findChildren<QLineEdit *>().at(0);
    // The placeholder reads as an example, not as a value already entered.
    QVERIFY2(server->placeholderText().startsWith(QLatin1String("e.g. ")), qPrintable(server->placeholderText()));
    QLabel *hint = dialog.findChild<QLabel *>(QStringLiteral("signInHint"));
    QVERIFY(hint);
    const auto says = [&](const char *word) {
        return hint->isVisible() && hint->text().contains(QLatin1String(word))
            && dialog.signInButton()->toolTip() == hint->text();
    };
    QVERIFY(!dialog.signInButton()->isEnabled());
    QVERIFY2(says("server"), qPrintable(hint->text()));
    fill(dialog, QStringLiteral("http://127.0.0.1:8080"), QString(), QString());
    QVERIFY2(says("username"), qPrintable(hint->text()));
    fill(dialog, QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("demo"), QString());
    QVERIFY2(says("password"), qPrintable(hint->text()));
    fill(dialog, QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("demo"), QStringLiteral("x"));
    QVERIFY(dialog.signInButton()->isEnabled());
    QVERIFY(!hint->isVisible());
}

QTEST_MAIN(tst_LoginDialog)
#include "tst_logindialog.moc"
