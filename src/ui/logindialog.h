#pragma once

#include "ui/signinrequest.h"

#include <QDeadlineTimer>
#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QTimer;

namespace Sightline {

// The sign-in dialog: server URL, username, password, "remember me". It
// validates what it can locally, emits signInRequested() and waits: the
// wiring answers with accept() on success or showError() in words. No
// network code lives here.
//
// "Remember me" keeps the username and the choice itself in QSettings
// (saveSettings/restoreSettings); the password never leaves the dialog.
class LoginDialog : public QDialog
{
    Q_OBJECT

public:
    explicit LoginDialog(QWidget *parent = nullptr);
    ~LoginDialog() override;

    void setServerUrl(const QUrl &url);
    void setUsername(const QString &username);
    void setRememberMe(bool remember);
    SignInRequest request() const;

    // QSettings keys. Never the password.
    static constexpr const char *kRememberMeKey = "signIn/rememberMe";
    static constexpr const char *kUsernameKey = "signIn/username";
    // Keeps "remember me" and, when it is ticked, the username; unticked
    // removes both.
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);
    // The username kept by "remember me"; empty when none.
    static QString rememberedUsername(const QSettings &settings);

    // Shows why signing in failed. retryAfterSeconds matters for
    // TooManyAttempts: the button stays disabled until then.
    void showError(SignInError error, const QString &detail = QString(), int retryAfterSeconds = 0);
    void clearError();
    // While a sign-in runs: inputs disabled, button says so.
    void setBusy(bool busy);
    bool isBusy() const { return m_busy; }
    QString errorText() const;
    QPushButton *signInButton() const { return m_signInButton; }

Q_SIGNALS:
    void signInRequested(const Sightline::SignInRequest &request);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateErrorColor();
    void submit();
    void updateButton();
    // A missing field, in words; empty when all are filled.
    QString missingInput() const;
    void updateLockout();
    QString validate() const;

    QLineEdit *m_server = nullptr;
    QLineEdit *m_username = nullptr;
    QLineEdit *m_password = nullptr;
    QCheckBox *m_remember = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_hint = nullptr; // why Sign in is disabled
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_signInButton = nullptr;
    QTimer *m_lockoutTimer = nullptr;
    QDeadlineTimer m_lockoutUntil;
    bool m_busy = false;
    bool m_lockedOut = false;
};

} // namespace Sightline
