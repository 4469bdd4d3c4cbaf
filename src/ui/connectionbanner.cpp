#include "ui/connectionbanner.h"

#include "ui/severitycolors.h"

#include <QApplication>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>

#include <cmath>

namespace Sightline {

ConnectionBanner::ConnectionBanner(QWidget *parent)
    : QFrame(parent)
    , m_dot(new QLabel(this))
    , m_label(new QLabel(this))
    , m_retryButton(new QPushButton(tr("Retry now"), this))
    // Named for what it does: it opens the sign-in dialog (issue 14).
    , m_signInButton(new QPushButton(tr("Sign in…"), this))
    , m_countdown(new QTimer(this))
{
    setObjectName(QStringLiteral("connectionBanner"));
    setAutoFillBackground(true);
    setFrameShape(QFrame::NoFrame);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 8, 6);
    layout->setSpacing(8);
    m_dot->setText(QStringLiteral("●"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setAccessibleName(tr("Connection status"));
    layout->addWidget(m_dot);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_retryButton);
    layout->addWidget(m_signInButton);
    m_retryButton->setToolTip(tr("Reconnect now instead of waiting"));
    connect(m_retryButton, &QPushButton::clicked, this, &ConnectionBanner::retryRequested);
    connect(m_signInButton, &QPushButton::clicked, this, &ConnectionBanner::signInRequested);
    // The countdown only changes the text; once per 250 ms keeps it honest
    // without a visible lag.
    m_countdown->setInterval(250);
    connect(m_countdown, &QTimer::timeout, this, &ConnectionBanner::updateText);
    setStatus(ConnectionStatus::connecting());
}

ConnectionBanner::~ConnectionBanner() = default;

void ConnectionBanner::setStatus(const ConnectionStatus &status)
{
    const bool stateChanged = status.state != m_status.state || !m_coloured;
    m_status = status;
    using State = ConnectionStatus::State;
    if (status.state == State::Reconnecting) {
        m_retryDeadline.setRemainingTime(std::max(status.retryInMs, 0));
        m_countdown->start();
    } else {
        m_countdown->stop();
    }
    const bool needsSignIn = status.state == State::SessionExpired
        || (status.state == State::Disconnected && status.signInNeeded);
    m_retryButton->setVisible(!needsSignIn
                              && (status.state == State::Reconnecting || status.state == State::Disconnected));
    m_signInButton->setVisible(needsSignIn);
    updateText();
    // The live rate is refreshed every second; the tone only follows the state.
    if (stateChanged)
        updateColors();
}

QString ConnectionBanner::text() const
{
    return m_label->text();
}

void ConnectionBanner::updateText()
{
    using State = ConnectionStatus::State;
    QString text;
    switch (m_status.state) {
    case State::Connecting:
        text = tr("Connecting…");
        break;
    case State::Live:
        text = tr("Live · %1 events/s").arg(m_status.eventsPerSecond, 0, 'f', m_status.eventsPerSecond < 10 ? 1 : 0);
        break;
    case State::Reconnecting: {
        const qint64 remaining = m_retryDeadline.remainingTime();
        const int seconds = static_cast<int>(std::ceil(std::max<qint64>(remaining, 0) / 1000.0));
        text = seconds > 0 ? tr("Reconnecting in %1 s").arg(seconds) : tr("Reconnecting…");
        if (seconds == 0)
            m_countdown->stop();
        break;
    }
    case State::Disconnected:
        text = m_status.message.isEmpty() ? tr("Disconnected") : tr("Disconnected: %1").arg(m_status.message);
        break;
    case State::SessionExpired:
        // One sentence, saying "sign in" once; the reason comes in words.
        text = m_status.message.isEmpty()
                ? tr("Your sign-in has ended. Sign in to resume; no events are lost meanwhile.")
                : tr("Your sign-in has ended: %1. Sign in to resume; no events are lost meanwhile.")
                          .arg(m_status.message);
        break;
    }
    if (!m_status.message.isEmpty() && m_status.state != State::Disconnected
        && m_status.state != State::SessionExpired)
        text += QStringLiteral(" — ") + m_status.message;
    m_label->setText(text);
    m_label->setAccessibleDescription(text);
}

void ConnectionBanner::updateColors()
{
    using State = ConnectionStatus::State;
    Tone tone = Tone::Info;
    switch (m_status.state) {
    case State::Connecting:
        tone = Tone::Info;
        break;
    case State::Live:
        tone = Tone::Healthy;
        break;
    case State::Reconnecting:
    case State::SessionExpired:
        tone = Tone::Warning;
        break;
    case State::Disconnected:
        tone = Tone::Critical;
        break;
    }
    // Derived from the application palette, so a system switch between light
    // and dark re-tones the banner (changeEvent below).
    const QPalette base = QApplication::palette();
    m_updatingPalette = true;
    QPalette p = palette();
    p.setColor(QPalette::Window, toneBackground(tone, base));
    p.setColor(QPalette::WindowText, base.color(QPalette::Text));
    setPalette(p);
    QPalette dotPalette = m_dot->palette();
    dotPalette.setColor(QPalette::WindowText, toneColor(tone, base));
    m_dot->setPalette(dotPalette);
    m_updatingPalette = false;
    m_coloured = true;
}

void ConnectionBanner::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_updatingPalette)
        updateColors();
}

} // namespace Sightline
