#pragma once

#include "stream/sseevent.h"
#include "telemetry/events.h"
#include "telemetry/workspacemodels.h"

#include <QObject>

namespace Sightline {

// The one place where stream events become model updates (issue 6): parses
// each SseEvent's JSON envelope (API.md "Live stream") and feeds the
// telemetry models. telemetry → series, buckets (the live edge of a long
// range), latest values and the device's last point; alert → alert table; device_status → device tree; system
// events are handed on (systemEventReceived) for the controller to act on.
// An event that does not follow the contract is dropped with a reason
// (eventRejected) and never reaches a model half-read.
class EventRouter : public QObject
{
    Q_OBJECT

public:
    // The models, none owned; all must outlive the router.
    explicit EventRouter(const WorkspaceModels &models, QObject *parent = nullptr);

    // Returns false (and emits eventRejected) for an event that does not
    // follow the contract.
    bool route(const SseEvent &event);

    // The site of a topic "account:a/site:s/device:d", "" when it has none.
    static QString siteOfTopic(const QString &topic);

    qint64 routedCount() const { return m_routed; }
    qint64 rejectedCount() const { return m_rejected; }

signals:
    void systemEventReceived(const Sightline::SystemEvent &event);
    void eventRejected(const QString &reason);

private:
    bool reject(const SseEvent &event, const QString &reason);

    WorkspaceModels m_models;
    qint64 m_routed = 0;
    qint64 m_rejected = 0;
};

} // namespace Sightline
