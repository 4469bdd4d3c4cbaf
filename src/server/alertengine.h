#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QRegularExpression>

#include "server/serverconfig.h"
#include "server/storagetypes.h"

namespace Sightline {

class Clock;
class Hub;

// Threshold rules (ServerConfig::alertRules, API.md "Configuration file"):
// one `alert` event per transition, never one per point. A rule with
// holdSeconds fires only when the breach has lasted that long (checked on
// each point and by checkHolds(), which the owner calls from a timer); it
// resolves on the first later point that no longer breaches. The clock is
// injected so tests never wait real seconds.
class AlertEngine : public QObject
{
    Q_OBJECT

public:
    // hub, clock: not owned.
    AlertEngine(const QList<AlertRule> &rules, Hub *hub, const Clock *clock, QObject *parent = nullptr);

    // The last alert events of the log (Storage::latestStateEvents): a rule
    // that was firing at the last stop is firing again, so a still-breaching
    // point after a restart publishes nothing, and the next normal one
    // publishes `resolved`.
    void restore(const QList<StoredEvent> &alertEvents);

    // Points a device just stored, in order.
    void evaluate(const DeviceRecord &device, const QList<TelemetryPoint> &points);
    // Fires every pending breach whose hold time has passed.
    void checkHolds();

    // How many (rule, device) pairs are firing now.
    int firingCount() const;

    static QString severityName(AlertRule::Severity severity);
    static QString opName(AlertRule::Op op);

private:
    enum class State { Normal, Pending, Firing };
    struct Track
    {
        int ruleIndex = 0;
        DeviceRecord device;
        State state = State::Normal;
        QDateTime breachSince;
        double lastValue = 0;
    };
    bool breaches(const AlertRule &rule, double value) const;
    void publishTransition(const Track &track, const QString &state);

    QList<AlertRule> m_rules;
    QList<QRegularExpression> m_devicePatterns; // one per rule
    Hub *m_hub;           // not owned
    const Clock *m_clock; // not owned
    QHash<QString, Track> m_tracks; // key: rule index, account, device
};

} // namespace Sightline
