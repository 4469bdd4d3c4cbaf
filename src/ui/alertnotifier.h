#pragma once

#include "telemetry/events.h"

#include <QObject>

class QSystemTrayIcon;

namespace Sightline {

class AlertTableModel;

// Turns "a critical alert started firing" into a desktop notification: a
// QSystemTrayIcon message where the platform has a tray, and always the
// notified() signal (the main window also flashes its title from it).
class AlertNotifier : public QObject
{
    Q_OBJECT

public:
    // model is not owned; trayIcon may be null (no tray on this platform).
    AlertNotifier(AlertTableModel *model, QSystemTrayIcon *trayIcon, QObject *parent = nullptr);
    ~AlertNotifier() override;

    static QString titleFor(const AlertEvent &alert);
    static QString messageFor(const AlertEvent &alert);

Q_SIGNALS:
    void notified(const QString &title, const QString &message);

private:
    void notify(const AlertEvent &alert);

    QSystemTrayIcon *m_trayIcon; // not owned, may be null
};

} // namespace Sightline
