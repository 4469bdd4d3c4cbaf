#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <functional>
#include <memory>

#include "server/pointstore.h"

class QEventLoop;
class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace Sightline {

// Points in InfluxDB 1.x (issue 8), through its HTTP API (/ping, /query,
// /write) with a QNetworkAccessManager on the main thread. Owns that
// manager, the writes waiting for a POST, the history reads in flight and
// the probe timer; depends on nothing else of the server. The rows it
// writes are described in InfluxLineProtocol.
//
// The URL is http(s)://[USER:PASSWORD@]HOST[:PORT][/PREFIX][?db=NAME]:
// USER and PASSWORD go in as HTTP basic auth, PREFIX (behind a proxy) comes
// before /ping, /query and /write, NAME is the database ("sightline" by
// default). Without a port the scheme's (80, 443) is used, as for any URL.
//
// open() creates the database and the retention policy "sightline_retention"
// (DURATION = retentionHours, at least 1 h; REPLICATION 1; the database's
// default), or alters the policy when the retention changed. InfluxDB then
// expires points by itself: purge() does nothing.
//
// Writes requested while a POST is in flight (or in the same event-loop
// turn) go together into the next POST, up to kMaxPointsPerPost points or
// kMaxBytesPerPost bytes; their callbacks run in call order once InfluxDB
// answered 204. When InfluxDB cannot be reached, answers with an error, or
// does not answer within kTransferTimeoutMs, every write of the POST fails
// with the reason in words and the store is unhealthy; from then on it
// probes GET /ping every kProbeIntervalMs and, once InfluxDB answers, makes
// sure the database and the retention policy exist (as it does before the
// next write) and is healthy again. A 400 from /write is about the points
// themselves (a field type conflict with older data, a limit of InfluxDB):
// those writes fail with InfluxDB's words, each write of a failed group is
// retried alone so one bad point does not fail the others, and health does
// not change, since InfluxDB is there and storing. Points older than the
// retention policy, which InfluxDB drops, count as written.
//
// History reads run alongside the writes (a read sees every write
// acknowledged before it was called); their callbacks run in call order
// among reads.
class InfluxPointStore : public PointStore
{
    Q_OBJECT

public:
    static constexpr int kOpenTimeoutMs = 5000; // open(): database and retention policy
    static constexpr int kTransferTimeoutMs = 10000; // any one request
    static constexpr int kProbeIntervalMs = 1000; // GET /ping while unhealthy
    static constexpr int kCloseTimeoutMs = 10000; // close(): writes in flight and queued
    static constexpr int kMaxPointsPerPost = 5000;
    static constexpr qsizetype kMaxBytesPerPost = 4 * 1024 * 1024;

    InfluxPointStore(const QUrl &url, int retentionHours, QObject *parent = nullptr);
    ~InfluxPointStore() override;

    // False only for a URL that is not http(s)://HOST...; an unreachable
    // InfluxDB gives true, an unhealthy store and a warning.
    bool open(QString *error) override;
    void close() override;
    void writePoints(const QList<PointWrite> &points, WriteCallback done) override;
    void readHistory(const HistoryQuery &query, HistoryCallback done) override;
    void purge(const QDateTime &cutoff) override;
    QString healthKey() const override { return QStringLiteral("influx"); }
    bool isHealthy() const override { return m_healthy; }
    QString statusText() const override { return m_status; }

    // From ?db=NAME, "sightline" by default.
    QString databaseName() const { return m_database; }
    static QString defaultDatabaseName() { return QStringLiteral("sightline"); }
    static QString retentionPolicyName() { return QStringLiteral("sightline_retention"); }

private:
    struct PendingWrite
    {
        QByteArray lines; // line protocol, "\n" after each point
        int pointCount = 0;
        QString error; // set: fails in its turn without being sent
        bool alone = false; // retried in a POST of its own after a 400
        WriteCallback done;
    };
    struct PendingRead
    {
        HistoryQuery query;
        HistoryResult result;
        bool finished = false;
        HistoryCallback done;
    };

    QUrl endpoint(const QString &path, const QByteArray &encodedQuery) const;
    QNetworkRequest makeRequest(const QUrl &url) const;
    QNetworkReply *postStatement(const QString &influxql);
    QString failureText(
        QNetworkReply *reply, const QString &action, const QString &influxError) const;
    static void abortReply(QNetworkReply *reply, const QString &reason);

    void startSetup();
    void handleRetentionPolicies(QNetworkReply *reply);
    void handleSetupStatement(QNetworkReply *reply);
    void finishSetup(const QString &error);
    void probe();
    void scheduleSend();
    void sendNextPost();
    void handlePostFinished(QNetworkReply *reply);
    void handleHistoryAnswer(QNetworkReply *reply, const std::shared_ptr<PendingRead> &read);
    void deliverReads();
    void failQueuedWrites(const QString &error);
    void markUnhealthy(const QString &reason);
    void markHealthy();
    void waitFor(const std::function<bool()> &condition, int timeoutMs);
    void wakeWaiter();

    QUrl m_baseUrl; // scheme, host, port, prefix: no user info, no query
    QString m_displayUrl; // for messages: no password
    QByteArray m_authorization; // "Basic ..." or empty
    QString m_database;
    int m_retentionHours = 1;
    QNetworkAccessManager *m_network = nullptr; // child of this
    QTimer m_probeTimer;
    bool m_open = false;
    bool m_healthy = false;
    bool m_setUp = false; // the database and the retention policy were checked
    QString m_status = QStringLiteral("not open");
    QString m_urlError; // open() fails with it
    QString m_lastRejection; // the last 400 logged (logged once until it changes)
    bool m_reportedDown = false; // a warning said InfluxDB is unreachable
    std::deque<PendingWrite> m_queue; // waiting for a POST, oldest first
    QList<PendingWrite> m_posted; // in the POST in flight
    QNetworkReply *m_postReply = nullptr;
    QNetworkReply *m_setupReply = nullptr;
    QNetworkReply *m_probeReply = nullptr;
    bool m_sendScheduled = false;
    QElapsedTimer m_postTimer;
    std::deque<std::shared_ptr<PendingRead>> m_reads; // call order
    QEventLoop *m_waitLoop = nullptr; // open() and close() wait in it
    std::function<bool()> m_waitCondition;
};

} // namespace Sightline
