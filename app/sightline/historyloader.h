#pragma once

#include "telemetry/events.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Sightline {

// Loads recent history of devices (API.md GET /api/v1/telemetry/history,
// issue 6 item 4) and hands each page over as one signal; merging it with
// live data is SeriesStore's job. At most one request per device is in
// flight: a new load of a device still loading replaces the old request
// with one over both ranges.
//
// The server answers the newest `limit` points of the range and says
// "truncated" when older ones were left out; the loader then asks for the
// older part (until = the oldest point's time + 1 ms, so points sharing that
// millisecond are not lost; the store drops the repeats), up to maxPages()
// pages per load, so a fast device's whole window arrives newest first.
//
// loadBuckets() asks for the same history in buckets of `step` seconds
// (API.md "History for long ranges"), for ranges longer than a chart has
// pixels: one request per device, as many buckets as the range holds (at
// most the contract's 100000), no paging. Bucket loads and point loads of
// one device are independent; a new bucket load of a device replaces the
// one in flight.
//
// Uses the given QNetworkAccessManager (not owned) and asks the token
// source for the access token at each request. Never logs a token.
class HistoryLoader : public QObject
{
    Q_OBJECT

public:
    using TokenSource = std::function<QString()>;

    // network: not owned, must outlive the loader.
    explicit HistoryLoader(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~HistoryLoader() override;

    void setServer(const QUrl &server) { m_server = server; }
    void setTokenSource(TokenSource source) { m_tokenSource = std::move(source); }
    // The most points asked for per request (the contract's default is 10000).
    void setLimit(int points) { m_limit = points; }
    // Requests per load, at most (default kDefaultMaxPages).
    static constexpr int kDefaultMaxPages = 8;
    void setMaxPages(int pages) { m_maxPages = pages; }
    int maxPages() const { return m_maxPages; }

    // Asks for deviceId's points with device time in [sinceMs, untilMs).
    void load(const QString &deviceId, qint64 sinceMs, qint64 untilMs);
    // Asks for deviceId's history in [sinceMs, untilMs) as buckets of
    // stepSeconds (1 to 86400): bucketsLoaded or failed follows. `fields`
    // narrows the aggregates to the fields a view draws (empty: all): a day
    // of one-minute buckets is about 120 KB per field and device.
    void loadBuckets(const QString &deviceId, qint64 sinceMs, qint64 untilMs, int stepSeconds,
                     const QStringList &fields = {});
    // Drops every request in flight (no signal for them).
    void cancelAll();
    // Point and bucket requests in flight.
    int pendingCount() const { return int(m_replies.size() + m_bucketReplies.size()); }
    bool isLoading(const QString &deviceId) const { return m_replies.contains(deviceId); }
    bool isLoadingBuckets(const QString &deviceId) const { return m_bucketReplies.contains(deviceId); }

signals:
    void loaded(const QString &deviceId, const Sightline::HistoryPage &page);
    // The answer to loadBuckets(): every bucket of the range that has data,
    // oldest first (page.truncated: the server left older ones out).
    void bucketsLoaded(const QString &deviceId, const Sightline::HistoryBucketPage &page);
    // A point or bucket load failed. httpStatus 0: no answer; 401: the token was refused.
    void failed(const QString &deviceId, const QString &reason, int httpStatus);
    void pendingCountChanged(int pending);

private:
    struct Paging
    {
        qint64 sinceMs = 0;
        qint64 untilMs = 0;
        int pagesLeft = 0;
    };
    void request(const QString &deviceId);
    void handleFinished(const QString &deviceId, QNetworkReply *reply);
    void handleBucketsFinished(const QString &deviceId, QNetworkReply *reply);

    QNetworkAccessManager *m_network; // not owned
    QUrl m_server;
    TokenSource m_tokenSource;
    int m_limit = 10000;
    int m_maxPages = kDefaultMaxPages;
    QHash<QString, QPointer<QNetworkReply>> m_replies;
    QHash<QString, Paging> m_paging; // the range still to load, per device in m_replies
    QHash<QString, QPointer<QNetworkReply>> m_bucketReplies;
};

} // namespace Sightline
