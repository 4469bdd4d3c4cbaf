#include "ui/alertnotifier.h"

#include "telemetry/alerttablemodel.h"
#include "telemetry/fieldformat.h"
#include "ui/logging.h"

#include <QSystemTrayIcon>

namespace Sightline {

AlertNotifier::AlertNotifier(AlertTableModel *model, QSystemTrayIcon *trayIcon, QObject *parent)
    : QObject(parent)
    , m_trayIcon(trayIcon)
{
    connect(model, &AlertTableModel::criticalAlertFired, this, &AlertNotifier::notify);
}

AlertNotifier::~AlertNotifier() = default;

QString AlertNotifier::titleFor(const AlertEvent &alert)
{
    return tr("Critical alert on %1").arg(alert.deviceId);
}

QString AlertNotifier::messageFor(const AlertEvent &alert)
{
    const QString what = alert.message.isEmpty() ? alert.ruleId : alert.message;
    if (alert.field.isEmpty())
        return what;
    return tr("%1 (%2 is %3)").arg(what, fieldLabel(alert.field), formatFieldValue(alert.field, alert.value));
}

void AlertNotifier::notify(const AlertEvent &alert)
{
    const QString title = titleFor(alert);
    const QString message = messageFor(alert);
    qCInfo(lcUi) << "notifying:" << title;
    if (m_trayIcon && QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages())
        m_trayIcon->showMessage(title, message, QSystemTrayIcon::Critical, 10000);
    Q_EMIT notified(title, message);
}

} // namespace Sightline
