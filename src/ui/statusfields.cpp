#include "ui/statusfields.h"

#include "telemetry/fieldformat.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>

namespace Sightline {

StatusFields::StatusFields(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_server = addField(tr("Server"));
    m_user = addField(tr("Signed-in user"));
    m_rate = addField(tr("Events received per second"));
    m_age = addField(tr("Time since the last event arrived"));
    m_latency = addField(tr("Median delay from a point's device timestamp to its drawing on screen"));
    setServer(QString());
    setUser(QString());
    setEventsPerSecond(0);
    setLastEventAge(-1);
    setLatency(-1);
}

StatusFields::~StatusFields() = default;

QLabel *StatusFields::addField(const QString &toolTip)
{
    auto *hbox = static_cast<QHBoxLayout *>(layout());
    if (hbox->count() > 0) {
        auto *line = new QFrame(this);
        line->setFrameShape(QFrame::VLine);
        line->setFrameShadow(QFrame::Sunken);
        hbox->addWidget(line);
    }
    auto *label = new QLabel(this);
    label->setToolTip(toolTip);
    label->setContentsMargins(8, 0, 8, 0);
    hbox->addWidget(label);
    return label;
}

void StatusFields::setServer(const QString &server)
{
    m_server->setText(server.isEmpty() ? tr("No server") : server);
}

void StatusFields::setUser(const QString &user)
{
    m_user->setText(user.isEmpty() ? tr("Not signed in") : tr("User: %1").arg(user));
}

void StatusFields::setEventsPerSecond(double rate)
{
    m_rate->setText(tr("%1 events/s").arg(rate, 0, 'f', rate < 10 ? 1 : 0));
}

void StatusFields::setLastEventAge(qint64 ageMs)
{
    m_age->setText(ageMs < 0 ? tr("Last event: none") : tr("Last event: %1").arg(formatAge(ageMs)));
}

void StatusFields::setLatency(qint64 ms)
{
    m_latency->setText(ms < 0 ? tr("Latency: –") : tr("Latency: %1 ms").arg(ms));
}

QString StatusFields::serverText() const { return m_server->text(); }
QString StatusFields::userText() const { return m_user->text(); }
QString StatusFields::rateText() const { return m_rate->text(); }
QString StatusFields::ageText() const { return m_age->text(); }
QString StatusFields::latencyText() const { return m_latency->text(); }

} // namespace Sightline
