#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
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
// manager, the writes not answered yet, the POSTs and history reads in
// flight and the probe timer; depends on nothing else of the server. The
// rows it writes are described in InfluxLineProtocol.
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
// Writes go out in POSTs to /write, up to kMaxPostsInFlight at once, so the
// wait for one answer (InfluxDB's WAL fsync, which it shares among the
// writes waiting for it, or a network stall) does not hold back the writes
// behind it. Writes requested while every POST slot is taken (or in the
// same event-loop turn) go together into the next POST, up to
// kMaxPointsPerPost points or kMaxBytesPerPost bytes; a POST starts as soon
// as a slot is free, a second or later one only once at least
// minPointsForAnotherPost() points wait (small writes, as single points
// come, cost more in many small POSTs than they wait for one). Whatever order the answers come in, write callbacks run
// in the order the writes were made: a write answered early waits for the
// writes before it. POSTs in flight at once may be applied by InfluxDB in
// any order, so a point written twice with different values in overlapping
// POSTs may keep either; a retried batch writes the same values again,
// which is harmless.
//
// When InfluxDB cannot be reached, answers with an error other than 400, or
// does not answer within kTransferTimeoutMs, every write of that POST fails
// with the reason in words and the store is unhealthy. POSTs already in
// flight are not cancelled: their writes succeed or fail on their own
// answers, but a success does not make the store healthy again. No new POST
// starts until InfluxDB passed the check again: the writes waiting for a
// POST make the store check at once that the database and the retention
// policy exist, then go out, or fail with the reason if the check fails
// (they do not wait for InfluxDB to come back). While unhealthy, the store
// also probes GET /ping every kProbeIntervalMs and, once InfluxDB answers,
// runs the same check and is healthy again.
//
// A 400 from /write is about the points themselves (a field type conflict
// with older data, a limit of InfluxDB): those writes fail with InfluxDB's
// words, each write of a failed group is retried alone (before the writes
// still waiting) so one bad point does not fail the others, and health does
// not change, since InfluxDB is there and storing. Points older than the
// retention policy, which InfluxDB drops, count as written.
//
// close() waits (up to kCloseTimeoutMs) for the POSTs in flight and the
// writes still waiting, then answers whatever is left with an error.
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
    static constexpr int kMaxPostsInFlight = 4;
    static constexpr int kMinPointsForAnotherPost = 500;
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
    // How many points must wait before a POST starts while another is in
    // flight (kMinPointsForAnotherPost; tests of the overlap use 1).
    int minPointsForAnotherPost() const { return m_minPointsForAnotherPost; }
    void setMinPointsForAnotherPost(int points) { m_minPointsForAnotherPost = points; }
    static QString defaultDatabaseName() { return QStringLiteral("sightline"); }
    static QString retentionPolicyName() { return QStringLiteral("sightline_retention"); }

private:
    struct PendingWrite
    {
        QByteArray lines; // line protocol, "\n" after each point
        int pointCount = 0;
        bool alone = false; // retried in a POST of its own after a 400
        bool finished = false; // the outcome is known: answered in its turn
        QString error; // the outcome: empty when stored
        WriteCallback done;
    };
    struct PostInFlight
    {
        QList<PendingWrite *> writes; // owned by m_writes
        QElapsedTimer timer;
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
    void sendPosts();
    void sendPost();
    void handlePostFinished(QNetworkReply *reply);
    void deliverWrites();
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
    // The database and the retention policy were checked, and no POST failed
    // since: POSTs go out only while it is set.
    bool m_setUp = false;
    QString m_status = QStringLiteral("not open");
    QString m_urlError; // open() fails with it
    QString m_lastRejection; // the last 400 logged (logged once until it changes)
    bool m_reportedDown = false; // a warning said InfluxDB is unreachable
    // Every write not answered yet, in call order (the order of the
    // callbacks). A write leaves it only once finished, when it is in
    // neither m_queue nor a POST any more.
    std::deque<std::unique_ptr<PendingWrite>> m_writes;
    std::deque<PendingWrite *> m_queue; // waiting for a POST, oldest first
    QHash<QNetworkReply *, PostInFlight> m_posts; // at most kMaxPostsInFlight
    int m_minPointsForAnotherPost = kMinPointsForAnotherPost;
    QNetworkReply *m_setupReply = nullptr;
    QNetworkReply *m_probeReply = nullptr;
    bool m_sendScheduled = false;
    std::deque<std::shared_ptr<PendingRead>> m_reads; // call order
    QEventLoop *m_waitLoop = nullptr; // open() and close() wait in it
    std::function<bool()> m_waitCondition;
};

} // namespace Sightline
