#include "server/alertengine.h"

#include <QJsonObject>

#include "server/clock.h"
#include "server/hub.h"
#include "server/logging.h"

namespace Sightline {

AlertEngine::AlertEngine(const QList<AlertRule> &rules, Hub *hub, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_rules(rules)
    , m_hub(hub)
    , m_clock(clock)
{
    for (const AlertRule &rule : m_rules) {
        // API.md: `device` is a device id or a `*` glob.
        m_devicePatterns.append(
            QRegularExpression(QRegularExpression::wildcardToRegularExpression(rule.devicePattern)));
    }
}

QString AlertEngine::severityName(AlertRule::Severity severity)
{
    switch (severity) {
    case AlertRule::Severity::Info: return QStringLiteral("info");
    case AlertRule::Severity::Warning: return QStringLiteral("warning");
    case AlertRule::Severity::Critical: return QStringLiteral("critical");
    }
    return QStringLiteral("warning");
}

QString AlertEngine::opName(AlertRule::Op op)
{
    switch (op) {
    case AlertRule::Op::Greater: return QStringLiteral(">");
    case AlertRule::Op::GreaterOrEqual: return QStringLiteral(">=");
    case AlertRule::Op::Less: return QStringLiteral("<");
    case AlertRule::Op::LessOrEqual: return QStringLiteral("<=");
    }
    return QString();
}

bool AlertEngine::breaches(const AlertRule &rule, double value) const
{
    switch (rule.op) {
    case AlertRule::Op::Greater: return value > rule.value;
    case AlertRule::Op::GreaterOrEqual: return value >= rule.value;
    case AlertRule::Op::Less: return value < rule.value;
    case AlertRule::Op::LessOrEqual: return value <= rule.value;
    }
    return false;
}

void AlertEngine::restore(const QList<StoredEvent> &alertEvents)
{
    for (const StoredEvent &event : alertEvents) {
        if (event.type != u"alert" || event.data.value(QStringLiteral("state")).toString() != u"firing")
            continue;
        const QString ruleId = event.data.value(QStringLiteral("ruleId")).toString();
        for (int r = 0; r < m_rules.size(); ++r) {
            if (m_rules.at(r).id != ruleId || !m_devicePatterns.at(r).match(event.deviceId).hasMatch())
                continue;
            Track &track = m_tracks[QString::number(r) + QLatin1Char('\n') + event.accountId + QLatin1Char('\n')
                                    + event.deviceId];
            track.ruleIndex = r;
            track.device = DeviceRecord{event.accountId, event.siteId, event.deviceId};
            track.state = State::Firing;
            track.breachSince = event.ts;
            track.lastValue = event.data.value(QStringLiteral("value")).toDouble();
        }
    }
}

void AlertEngine::evaluate(const DeviceRecord &device, const QList<TelemetryPoint> &points)
{
    const QDateTime now = m_clock->now();
    for (int r = 0; r < m_rules.size(); ++r) {
        const AlertRule &rule = m_rules.at(r);
        if (!m_devicePatterns.at(r).match(device.deviceId).hasMatch())
            continue;
        const QString key = QString::number(r) + QLatin1Char('\n') + device.accountId + QLatin1Char('\n')
            + device.deviceId;
        for (const TelemetryPoint &point : points) {
            const QJsonValue value = point.fields.value(rule.field);
            if (!value.isDouble())
                continue;
            Track &track = m_tracks[key];
            track.ruleIndex = r;
            track.device = device;
            track.lastValue = value.toDouble();
            const bool breach = breaches(rule, track.lastValue);
            switch (track.state) {
            case State::Normal:
                if (!breach)
                    break;
                track.breachSince = now;
                track.state = State::Pending;
                Q_FALLTHROUGH();
            case State::Pending:
                if (!breach) {
                    track.state = State::Normal;
                } else if (track.breachSince.msecsTo(now) >= qint64(rule.holdSeconds) * 1000) {
                    track.state = State::Firing;
                    publishTransition(track, QStringLiteral("firing"));
                }
                break;
            case State::Firing:
                if (!breach) {
                    track.state = State::Normal;
                    publishTransition(track, QStringLiteral("resolved"));
                }
                break;
            }
        }
    }
}

void AlertEngine::checkHolds()
{
    const QDateTime now = m_clock->now();
    for (Track &track : m_tracks) {
        if (track.state != State::Pending)
            continue;
        const AlertRule &rule = m_rules.at(track.ruleIndex);
        if (track.breachSince.msecsTo(now) >= qint64(rule.holdSeconds) * 1000) {
            track.state = State::Firing;
            publishTransition(track, QStringLiteral("firing"));
        }
    }
}

int AlertEngine::firingCount() const
{
    int count = 0;
    for (const Track &track : m_tracks)
        count += track.state == State::Firing ? 1 : 0;
    return count;
}

void AlertEngine::publishTransition(const Track &track, const QString &state)
{
    const AlertRule &rule = m_rules.at(track.ruleIndex);
    const QJsonObject data{
        {QStringLiteral("deviceId"), track.device.deviceId},
        {QStringLiteral("ruleId"), rule.id},
        {QStringLiteral("severity"), severityName(rule.severity)},
        {QStringLiteral("state"), state},
        {QStringLiteral("field"), rule.field},
        {QStringLiteral("value"), track.lastValue},
        {QStringLiteral("threshold"), rule.value},
        {QStringLiteral("message"), rule.message},
    };
    qCInfo(lcServerRules) << "alert" << rule.id << state << "for" << track.device.deviceId;
    m_hub->publish(track.device.topic(), QStringLiteral("alert"), data);
}

} // namespace Sightline
