#include "historyloader.h"

#include "apirequest.h"
#include "logging.h"

#include <QNetworkReply>
#include <QUrlQuery>

#include <algorithm>

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
    if (replacing) {
        ApiRequest::abandon(m_replies.take(deviceId), this);
        // What the old load still had to fetch is not dropped: the new one
        // covers both ranges (and any time between them again; the store
        // drops repeats).
        const Paging &old = m_paging.value(deviceId);
        sinceMs = std::min(sinceMs, old.sinceMs);
        untilMs = std::max(untilMs, old.untilMs);
    }
    m_paging.insert(deviceId, Paging{sinceMs, untilMs, m_maxPages});
    request(deviceId);
    if (!replacing)
        emit pendingCountChanged(pendingCount());
}

void HistoryLoader::request(const QString &deviceId)
{
    Paging &paging = m_paging[deviceId];
    --paging.pagesLeft;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("deviceId"), deviceId);
    query.addQueryItem(QStringLiteral("since"), formatTimestamp(paging.sinceMs));
    query.addQueryItem(QStringLiteral("until"), formatTimestamp(paging.untilMs));
    query.addQueryItem(QStringLiteral("limit"), QString::number(m_limit));
    const QUrl url = ApiRequest::endpoint(m_server, QStringLiteral("/api/v1/telemetry/history"), query);
    QNetworkReply *reply = ApiRequest::get(m_network, url, m_tokenSource ? m_tokenSource() : QString());
    m_replies.insert(deviceId, reply);
    connect(reply, &QNetworkReply::finished, this, [this, deviceId, reply] { handleFinished(deviceId, reply); });
    qCDebug(lcApp) << "loading history of" << deviceId << "since" << formatTimestamp(paging.sinceMs) << "until"
                   << formatTimestamp(paging.untilMs);
}

void HistoryLoader::loadBuckets(const QString &deviceId, qint64 sinceMs, qint64 untilMs, int stepSeconds,
                                const QStringList &fields)
{
    const bool replacing = m_bucketReplies.contains(deviceId);
    if (replacing)
        ApiRequest::abandon(m_bucketReplies.take(deviceId), this);
    // Every bucket of the range in one answer: the range's steps, plus one
    // for a range that does not start on a step (the contract's maximum).
    constexpr qint64 kMaxBuckets = 100000;
    const qint64 stepMs = std::max(1, stepSeconds) * qint64(1000);
    const qint64 buckets = std::clamp<qint64>((untilMs - sinceMs + stepMs - 1) / stepMs + 1, 1, kMaxBuckets);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("deviceId"), deviceId);
    query.addQueryItem(QStringLiteral("since"), formatTimestamp(sinceMs));
    query.addQueryItem(QStringLiteral("until"), formatTimestamp(untilMs));
    query.addQueryItem(QStringLiteral("step"), QString::number(stepSeconds));
    query.addQueryItem(QStringLiteral("limit"), QString::number(buckets));
    if (!fields.isEmpty())
        query.addQueryItem(QStringLiteral("fields"), fields.join(QLatin1Char(',')));
    const QUrl url = ApiRequest::endpoint(m_server, QStringLiteral("/api/v1/telemetry/history"), query);
    QNetworkReply *reply = ApiRequest::get(m_network, url, m_tokenSource ? m_tokenSource() : QString());
    m_bucketReplies.insert(deviceId, reply);
    connect(reply, &QNetworkReply::finished, this, [this, deviceId, reply] { handleBucketsFinished(deviceId, reply); });
    qCDebug(lcApp) << "loading" << stepSeconds << "s buckets of" << deviceId << "since" << formatTimestamp(sinceMs)
                   << "until" << formatTimestamp(untilMs);
    if (!replacing)
        emit pendingCountChanged(pendingCount());
}

void HistoryLoader::handleBucketsFinished(const QString &deviceId, QNetworkReply *reply)
{
    if (m_bucketReplies.value(deviceId) != reply)
        return;
    m_bucketReplies.remove(deviceId);
    reply->deleteLater();
    const ApiRequest::Answer answer = ApiRequest::read(reply);
    emit pendingCountChanged(pendingCount());
    if (!answer.isOk()) {
        qCWarning(lcApp).noquote() << "buckets of" << deviceId << "not loaded:" << answer.errorString;
        emit failed(deviceId, answer.errorString, answer.status);
        return;
    }
    const ParseResult<HistoryBucketPage> page = HistoryBucketPage::fromJson(answer.body);
    if (!page.isOk()) {
        qCWarning(lcApp).noquote() << "buckets of" << deviceId << "unreadable:" << page.error();
        emit failed(deviceId, page.error(), answer.status);
        return;
    }
    qCDebug(lcApp) << "buckets of" << deviceId << ":" << page.value().buckets.size()
                   << (page.value().truncated ? "(truncated)" : "");
    emit bucketsLoaded(deviceId, page.value());
}

void HistoryLoader::cancelAll()
{
    const bool hadPending = pendingCount() > 0;
    for (const QPointer<QNetworkReply> &reply : std::as_const(m_replies))
        ApiRequest::abandon(reply, this);
    for (const QPointer<QNetworkReply> &reply : std::as_const(m_bucketReplies))
        ApiRequest::abandon(reply, this);
    m_bucketReplies.clear();
    m_replies.clear();
    m_paging.clear();
    if (hadPending)
        emit pendingCountChanged(0);
}

void HistoryLoader::handleFinished(const QString &deviceId, QNetworkReply *reply)
{
    if (m_replies.value(deviceId) != reply)
        return;
    m_replies.remove(deviceId);
    const Paging paging = m_paging.take(deviceId);
    reply->deleteLater();
    const ApiRequest::Answer answer = ApiRequest::read(reply);
    const ParseResult<HistoryPage> page =
        answer.isOk() ? HistoryPage::fromJson(answer.body, deviceId) : ParseResult<HistoryPage>::failure(answer.errorString);
    // A truncated page: the older part of the range is asked for next, and
    // the device stays pending until it has come (or the pages run out).
    if (page.isOk() && page.value().truncated && !page.value().points.isEmpty() && paging.pagesLeft > 0) {
        const qint64 olderUntil = page.value().points.constFirst().tsMs + 1;
        if (olderUntil < paging.untilMs && olderUntil > paging.sinceMs) {
            m_paging.insert(deviceId, Paging{paging.sinceMs, olderUntil, paging.pagesLeft});
            request(deviceId);
            qCDebug(lcApp) << "history of" << deviceId << ":" << page.value().points.size()
                           << "points (truncated), asking for the older part";
            emit loaded(deviceId, page.value());
            return;
        }
    }
    emit pendingCountChanged(pendingCount());
    if (!answer.isOk()) {
        qCWarning(lcApp).noquote() << "history of" << deviceId << "not loaded:" << answer.errorString;
        emit failed(deviceId, answer.errorString, answer.status);
        return;
    }
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
