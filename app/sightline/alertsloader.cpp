#include "alertsloader.h"

#include "apirequest.h"
#include "logging.h"

#include <QHash>
#include <QJsonArray>
#include <QNetworkReply>

#include <algorithm>

namespace Sightline {

AlertsLoader::AlertsLoader(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{
}

AlertsLoader::~AlertsLoader()
{
    cancel();
}

void AlertsLoader::load()
{
    cancel();
    const QUrl url = ApiRequest::endpoint(m_server, QStringLiteral("/api/v1/alerts"));
    QNetworkReply *reply = ApiRequest::get(m_network, url, m_tokenSource ? m_tokenSource() : QString());
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { handleFinished(reply); });
}

void AlertsLoader::cancel()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    ApiRequest::abandon(reply, this);
}

ParseResult<QList<AlertsLoader::FiringAlert>> AlertsLoader::firingAlertsIn(const QJsonObject &body)
{
    using Result = ParseResult<QList<FiringAlert>>;
    const QJsonValue list = body.value(QLatin1String("alerts"));
    if (!list.isArray())
        return Result::failure(QStringLiteral("the answer has no \"alerts\" array"));
    QList<FiringAlert> all;
    const QJsonArray array = list.toArray();
    for (int i = 0; i < array.size(); ++i) {
        const QJsonObject object = array.at(i).toObject();
        ParseResult<AlertEvent> alert = AlertEvent::fromJson(object);
        if (!alert.isOk())
            return Result::failure(QStringLiteral("alert %1: %2").arg(i).arg(alert.error()));
        FiringAlert item { object.value(QLatin1String("id")).toString(), alert.value() };
        if (item.eventId.isEmpty())
            return Result::failure(QStringLiteral("alert %1 has no \"id\"").arg(i));
        const ParseResult<qint64> ts = parseTimestamp(object.value(QLatin1String("ts")).toString());
        if (!ts.isOk())
            return Result::failure(QStringLiteral("alert %1: \"ts\": %2").arg(i).arg(ts.error()));
        item.alert.tsMs = ts.value();
        all.append(item);
    }
    // The newest event of each (device, rule) says whether it still fires.
    std::stable_sort(all.begin(), all.end(), [](const FiringAlert &a, const FiringAlert &b) {
        return a.alert.tsMs < b.alert.tsMs;
    });
    QHash<QString, int> newest;
    for (int i = 0; i < all.size(); ++i)
        newest.insert(all.at(i).alert.deviceId + QLatin1Char('\n') + all.at(i).alert.ruleId, i);
    QList<FiringAlert> firing;
    for (int i = 0; i < all.size(); ++i) {
        const FiringAlert &item = all.at(i);
        if (newest.value(item.alert.deviceId + QLatin1Char('\n') + item.alert.ruleId) == i
            && item.alert.state == AlertEvent::State::Firing)
            firing.append(item);
    }
    return Result::success(firing);
}

void AlertsLoader::handleFinished(QNetworkReply *reply)
{
    if (m_reply != reply)
        return;
    m_reply = nullptr;
    reply->deleteLater();
    const ApiRequest::Answer answer = ApiRequest::read(reply);
    if (!answer.isOk()) {
        qCWarning(lcApp).noquote() << "firing alerts not loaded:" << answer.errorString;
        emit failed(answer.errorString, answer.status);
        return;
    }
    const ParseResult<QList<FiringAlert>> alerts = firingAlertsIn(answer.body);
    if (!alerts.isOk()) {
        qCWarning(lcApp).noquote() << "firing alerts unreadable:" << alerts.error();
        emit failed(alerts.error(), answer.status);
        return;
    }
    qCDebug(lcApp) << "firing alerts at sign-in:" << alerts.value().size();
    emit loaded(alerts.value());
}

} // namespace Sightline
