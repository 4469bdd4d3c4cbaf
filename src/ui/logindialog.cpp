#include "ui/logindialog.h"

#include "ui/severitycolors.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace Sightline {

namespace {

QString formatWait(int seconds)
{
    if (seconds < 60)
        return seconds == 1 ? LoginDialog::tr("1 second") : LoginDialog::tr("%1 seconds").arg(seconds);
    const int minutes = (seconds + 59) / 60;
    return minutes == 1 ? LoginDialog::tr("1 minute") : LoginDialog::tr("%1 minutes").arg(minutes);
}

} // namespace

LoginDialog::LoginDialog(QWidget *parent)
    : QDialog(parent)
    , m_server(new QLineEdit(this))
    , m_username(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_remember(new QCheckBox(tr("&Remember me on this computer"), this))
    , m_error(new QLabel(this))
    , m_hint(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
    , m_lockoutTimer(new QTimer(this))
{
    setWindowTitle(tr("Sign in to Sightline"));
    setModal(true);
    // "e.g.": a bare address in grey read as a value already filled in.
    m_server->setPlaceholderText(tr("e.g. %1").arg(QStringLiteral("http://127.0.0.1:8080")));
    m_server->setInputMethodHints(Qt::ImhUrlCharactersOnly);
    m_password->setEchoMode(QLineEdit::Password);
    m_remember->setToolTip(tr("Keeps a sign-in token in the system keychain so the next start signs in by itself."));
    m_error->setWordWrap(true);
    m_error->setVisible(false);
    m_error->setAccessibleName(tr("Sign-in error"));
    updateErrorColor();
    m_hint->setObjectName(QStringLiteral("signInHint"));
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false); // drawn as a quiet hint, not an error

    auto *form = new QFormLayout;
    form->addRow(tr("&Server:"), m_server);
    form->addRow(tr("&Username:"), m_username);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(QString(), m_remember);

    m_signInButton = m_buttons->addButton(tr("Sign in"), QDialogButtonBox::AcceptRole);
    m_signInButton->setDefault(true);
    // While busy the inputs are disabled and focus falls to Cancel; an
    // auto-default Cancel would then take Enter from Sign in (issue 14).
    if (QPushButton *cancel = m_buttons->button(QDialogButtonBox::Cancel))
        cancel->setAutoDefault(false);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_hint);
    layout->addWidget(m_buttons);
    setMinimumWidth(420);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &LoginDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *edit : {m_server, m_username, m_password})
        connect(edit, &QLineEdit::textChanged, this, &LoginDialog::updateButton);
    m_lockoutTimer->setInterval(1000);
    connect(m_lockoutTimer, &QTimer::timeout, this, &LoginDialog::updateLockout);
    updateButton();
}

LoginDialog::~LoginDialog() = default;

void LoginDialog::updateErrorColor()
{
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, toneColor(Tone::Critical, QApplication::palette()));
    m_error->setPalette(errorPalette);
}

void LoginDialog::changeEvent(QEvent *event)
{
    QDialog::changeEvent(event);
    // The dialog is kept between sign-ins: a theme switch in between must
    // re-pick the error's shade for the new lightness.
    if (event->type() == QEvent::PaletteChange)
        updateErrorColor();
}

void LoginDialog::setServerUrl(const QUrl &url)
{
    m_server->setText(url.toString());
}

void LoginDialog::setUsername(const QString &username)
{
    m_username->setText(username);
    if (!username.isEmpty())
        m_password->setFocus();
}

void LoginDialog::setRememberMe(bool remember)
{
    m_remember->setChecked(remember);
}

SignInRequest LoginDialog::request() const
{
    SignInRequest r;
    r.serverUrl = QUrl::fromUserInput(m_server->text().trimmed());
    r.username = m_username->text().trimmed();
    r.password = m_password->text();
    r.rememberMe = m_remember->isChecked();
    return r;
}

QString LoginDialog::validate() const
{
    const QString serverText = m_server->text().trimmed();
    const QUrl url(serverText);
    if (serverText.isEmpty())
        return tr("Enter the server address, for example http://127.0.0.1:8080.");
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        return tr("The server address must start with http:// or https:// and name a host.");
    if (m_username->text().trimmed().isEmpty())
        return tr("Enter your username.");
    if (m_password->text().isEmpty())
        return tr("Enter your password.");
    return QString();
}

void LoginDialog::submit()
{
    const QString problem = validate();
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->setVisible(true);
        return;
    }
    clearError();
    setBusy(true);
    Q_EMIT signInRequested(request());
}

void LoginDialog::showError(SignInError error, const QString &detail, int retryAfterSeconds)
{
    setBusy(false);
    QString text;
    switch (error) {
    case SignInError::WrongCredentials:
        text = tr("The username or password is wrong.");
        m_password->selectAll();
        m_password->setFocus();
        break;
    case SignInError::ServerUnreachable:
        text = tr("Cannot reach the server at %1. Check the address and that the server runs.")
                       .arg(m_server->text().trimmed());
        m_server->setFocus();
        break;
    case SignInError::TooManyAttempts:
        m_lockedOut = retryAfterSeconds > 0;
        m_lockoutUntil.setRemainingTime(std::chrono::seconds(std::max(retryAfterSeconds, 0)));
        if (m_lockedOut)
            m_lockoutTimer->start();
        text = retryAfterSeconds > 0
                ? tr("Too many failed sign-ins. Try again in %1.").arg(formatWait(retryAfterSeconds))
                : tr("Too many failed sign-ins. Try again later.");
        break;
    case SignInError::Other:
        text = tr("Signing in failed.");
        break;
    }
    if (!detail.isEmpty())
        text += QLatin1Char(' ') + detail;
    m_error->setText(text);
    m_error->setVisible(true);
    updateButton();
}

void LoginDialog::clearError()
{
    m_error->clear();
    m_error->setVisible(false);
}

QString LoginDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void LoginDialog::setBusy(bool busy)
{
    const bool wasBusy = m_busy;
    m_busy = busy;
    for (QWidget *w : {static_cast<QWidget *>(m_server), static_cast<QWidget *>(m_username),
                       static_cast<QWidget *>(m_password), static_cast<QWidget *>(m_remember)})
        w->setEnabled(!busy);
    m_signInButton->setText(busy ? tr("Signing in…") : tr("Sign in"));
    updateButton();
    if (wasBusy && !busy) {
        // Back in the fields, where Enter signs in again.
        QLineEdit *first = m_password;
        for (QLineEdit *edit : {m_server, m_username, m_password}) {
            if (edit->text().trimmed().isEmpty()) {
                first = edit;
                break;
            }
        }
        first->setFocus();
        m_signInButton->setDefault(true);
    }
}

void LoginDialog::updateLockout()
{
    if (m_lockoutUntil.hasExpired()) {
        m_lockedOut = false;
        m_lockoutTimer->stop();
        clearError();
    } else {
        const int seconds = static_cast<int>(std::ceil(m_lockoutUntil.remainingTime() / 1000.0));
        m_error->setText(tr("Too many failed sign-ins. Try again in %1.").arg(formatWait(seconds)));
    }
    updateButton();
}

QString LoginDialog::missingInput() const
{
    if (m_server->text().trimmed().isEmpty())
        return tr("Enter the server address to sign in.");
    if (m_username->text().trimmed().isEmpty())
        return tr("Enter your username to sign in.");
    if (m_password->text().isEmpty())
        return tr("Enter your password to sign in.");
    return QString();
}

void LoginDialog::updateButton()
{
    const QString missing = missingInput();
    m_signInButton->setEnabled(missing.isEmpty() && !m_busy && !m_lockedOut);
    // A disabled button says why (issue 14); the lockout says so in the error.
    m_hint->setText(missing);
    m_hint->setVisible(!missing.isEmpty() && !m_busy);
    m_signInButton->setToolTip(missing);
}

void LoginDialog::saveSettings(QSettings &settings) const
{
    const QLatin1String rememberKey(kRememberMeKey);
    const QLatin1String usernameKey(kUsernameKey);
    if (m_remember->isChecked()) {
        settings.setValue(rememberKey, true);
        settings.setValue(usernameKey, m_username->text().trimmed());
    } else {
        settings.remove(rememberKey);
        settings.remove(usernameKey);
    }
}

void LoginDialog::restoreSettings(const QSettings &settings)
{
    const bool remember = settings.value(QLatin1String(kRememberMeKey), false).toBool();
    m_remember->setChecked(remember);
    if (remember)
        setUsername(rememberedUsername(settings));
}

QString LoginDialog::rememberedUsername(const QSettings &settings)
{
    if (!settings.value(QLatin1String(kRememberMeKey), false).toBool())
        return QString();
    return settings.value(QLatin1String(kUsernameKey)).toString();
}

} // namespace Sightline
