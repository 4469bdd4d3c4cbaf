#pragma once

#include "ui/connectionstatus.h"

#include <QDeadlineTimer>
#include <QFrame>

class QLabel;
class QPushButton;
class QTimer;

namespace Sightline {

// A strip across the top of the main window that says whether what the user
// sees is live. It shows the ConnectionStatus it is given and nothing else;
// its buttons only emit signals (the wiring decides what they do).
class ConnectionBanner : public QFrame
{
    Q_OBJECT

public:
    explicit ConnectionBanner(QWidget *parent = nullptr);
    ~ConnectionBanner() override;

    void setStatus(const ConnectionStatus &status);
    ConnectionStatus status() const { return m_status; }
    // The banner's text as shown (for tests and accessibility).
    QString text() const;
    QPushButton *retryButton() const { return m_retryButton; }
    QPushButton *signInButton() const { return m_signInButton; }

Q_SIGNALS:
    // The user asked to reconnect now instead of waiting.
    void retryRequested();
    // The user asked to sign in (nobody is, or the session expired).
    void signInRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateText();
    void updateColors();

    ConnectionStatus m_status;
    QDeadlineTimer m_retryDeadline;
    QLabel *m_dot = nullptr;
    QLabel *m_label = nullptr;
    QPushButton *m_retryButton = nullptr;
    QPushButton *m_signInButton = nullptr;
    QTimer *m_countdown = nullptr;
    bool m_updatingPalette = false;
    bool m_coloured = false;
};

} // namespace Sightline
