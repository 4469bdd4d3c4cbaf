#include "historyloader.h"

#include "apirequest.h"
#include "logging.h"

#include <QNetworkReply>
#include <QUrlQuery>

namespace Sightline {

HistoryLoader::HistoryLoader(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{
}

HistoryLoader::~HistoryLoader()
{
    cancelAll();
}

void HistoryLoader::load(const QString &deviceId, qint64 sinceMs, qint64 untilMs)
{
    const bool replacing = m_replies.contains(deviceId);
    if (replacing)
        ApiRequest::abandon(m_replies.take(deviceId), this);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("deviceId"), deviceId);
    query.addQueryItem(QStringLiteral("since"), formatTimestamp(sinceMs));
    query.addQueryItem(QStringLiteral("until"), formatTimestamp(untilMs));
    query.addQueryItem(QStringLiteral("limit"), QString::number(m_limit));
    const QUrl url = ApiRequest::endpoint(m_server, QStringLiteral("/api/v1/telemetry/history"), query);
    QNetworkReply *reply = ApiRequest::get(m_network, url, m_tokenSource ? m_tokenSource() : QString());
    m_replies.insert(deviceId, reply);
    connect(reply, &QNetworkReply::finished, this, [this, deviceId, reply] { handleFinished(deviceId, reply); });
    qCDebug(lcApp) << "loading history of" << deviceId << "since" << formatTimestamp(sinceMs);
    if (!replacing)
        emit pendingCountChanged(pendingCount());
}

void HistoryLoader::cancelAll()
{
    const bool hadPending = !m_replies.isEmpty();
    for (const QPointer<QNetworkReply> &reply : std::as_const(m_replies))
        ApiRequest::abandon(reply, this);
    m_replies.clear();
    if (hadPending)
        emit pendingCountChanged(0);
}

void HistoryLoader::handleFinished(const QString &deviceId, QNetworkReply *reply)
{
    if (m_replies.value(deviceId) != reply)
        return;
    m_replies.remove(deviceId);
    reply->deleteLater();
    const ApiRequest::Answer answer = ApiRequest::read(reply);
    emit pendingCountChanged(pendingCount());
    if (!answer.isOk()) {
        qCWarning(lcApp).noquote() << "history of" << deviceId << "not loaded:" << answer.errorString;
        emit failed(deviceId, answer.errorString, answer.status);
        return;
    }
    const ParseResult<HistoryPage> page = HistoryPage::fromJson(answer.body, deviceId);
    if (!page.isOk()) {
        qCWarning(lcApp).noquote() << "history of" << deviceId << "unreadable:" << page.error();
        emit failed(deviceId, page.error(), answer.status);
        return;
    }
    qCDebug(lcApp) << "history of" << deviceId << ":" << page.value().points.size() << "points"
                   << (page.value().truncated ? "(truncated)" : "");
    emit loaded(deviceId, page.value());
}

} // namespace Sightline
