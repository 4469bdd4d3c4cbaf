#include "eventrouter.h"

#include "logging.h"

#include "telemetry/alerttablemodel.h"
#include "telemetry/bucketstore.h"
#include "telemetry/devicelistmodel.h"
#include "telemetry/latestvaluesmodel.h"
#include "telemetry/seriesstore.h"

namespace Sightline {

EventRouter::EventRouter(const WorkspaceModels &models, QObject *parent)
    : QObject(parent)
    , m_models(models)
{
    Q_ASSERT(models.series && models.buckets && models.devices && models.alerts && models.latest);
}

QString EventRouter::siteOfTopic(const QString &topic)
{
    const QStringList parts = topic.split(QLatin1Char('/'));
    for (const QString &part : parts)
        if (part.startsWith(QLatin1String("site:")))
            return part.mid(5);
    return QString();
}

bool EventRouter::reject(const SseEvent &event, const QString &reason)
{
    ++m_rejected;
    const QString text = QStringLiteral("%1 event %2 dropped: %3")
                             .arg(event.type, event.lastEventId.isEmpty() ? QStringLiteral("(no id)") : event.lastEventId,
                                  reason);
    // Once per event that breaks the contract: the server is the one to fix.
    qCWarning(lcApp).noquote() << text;
    emit eventRejected(text);
    return false;
}

bool EventRouter::route(const SseEvent &event)
{
    const ParseResult<EventEnvelope> envelope = EventEnvelope::fromJson(event.data);
    if (!envelope.isOk())
        return reject(event, envelope.error());
    const ParseResult<EventType> type = parseEventType(event.type);
    if (type.isOk() && type.value() != envelope.value().type)
        return reject(event, QStringLiteral("the event field says \"%1\" but the JSON says \"%2\"")
                                 .arg(event.type, eventTypeName(envelope.value().type)));

    const EventEnvelope &e = envelope.value();
    switch (e.type) {
    case EventType::Telemetry: {
        const ParseResult<TelemetryData> point = TelemetryData::fromJson(e.data);
        if (!point.isOk())
            return reject(event, point.error());
        m_models.series->addPoint(point.value());
        m_models.buckets->addPoint(point.value());
        m_models.latest->applyPoint(point.value());
        m_models.devices->notePoint(point.value().deviceId, point.value().tsMs);
        break;
    }
    case EventType::Alert: {
        ParseResult<AlertEvent> alert = AlertEvent::fromJson(e.data);
        if (!alert.isOk())
            return reject(event, alert.error());
        if (alert.value().tsMs == 0)
            alert.value().tsMs = e.tsMs;
        m_models.alerts->applyAlert(alert.value(), e.id);
        break;
    }
    case EventType::DeviceStatus: {
        const ParseResult<DeviceStatusEvent> status = DeviceStatusEvent::fromJson(e.data);
        if (!status.isOk())
            return reject(event, status.error());
        m_models.devices->applyStatus(status.value(), siteOfTopic(e.topic));
        break;
    }
    case EventType::System: {
        const ParseResult<SystemEvent> system = SystemEvent::fromJson(e.data);
        if (!system.isOk())
            return reject(event, system.error());
        emit systemEventReceived(system.value());
        break;
    }
    }
    ++m_routed;
    return true;
}

} // namespace Sightline
