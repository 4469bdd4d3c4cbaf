#pragma once

#include "device/deliverybackoff.h"
#include "device/devicepoint.h"
#include "device/pointbuffer.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace Sightline {

// Delivers one device's points to POST /api/v1/telemetry and loses nothing
// it can keep (issue 7, API.md "Ingest"). It owns the device's PointBuffer,
// its backoff and its one request in flight; it is given the network access
// manager. It knows nothing of where points come from (simulator,
// tegrastats) nor of how problems are shown to a person: it emits signals.
//
// Rules:
//  - Every submitted point gets the next seq of this device. The first seq
//    is the start time in ms x 1000 (unless set), so seq keeps growing
//    across restarts of the agent and the server's (deviceId, seq)
//    de-duplication never mistakes a new point for an old one.
//  - One POST at a time, in order, of up to maxBatchPoints points (a JSON
//    array). A backlog goes out in full batches, a live trickle one by one.
//  - Server unreachable, a timeout, 408/429 and 5xx: the batch goes back to
//    the front of the buffer and is retried after DeliveryBackoff's delay,
//    never sooner than the server's Retry-After. Resending is harmless:
//    the server drops (deviceId, seq) it already stored.
//  - Buffer full: the oldest points are dropped and pointsDropped() says
//    how many and which seqs.
//  - 401 (bad key), 403 (key of another device), 404/405 (no such endpoint
//    at that URL), 3xx (a redirect: --server is not the address to post
//    to; redirects are not followed): retrying cannot help; the uploader stops with
//    errorOccurred() and keeps its points (they are counted as pending).
//  - 413 on a batch: the batch size is halved and the points resent.
//  - Any other 4xx on a batch (one bad point rejects the whole array): the
//    batch is resent point by point so the good points get through; each
//    point the server still rejects is dropped and reported with the
//    server's own message (pointRejected), never retried forever.
class TelemetryUploader : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QUrl serverUrl; // e.g. http://127.0.0.1:8080 (a path prefix is kept)
        QString deviceId;
        QByteArray apiKey; // sent as x-api-key, never logged
        int maxBatchPoints = 100; // 1..1000 (the server's limit)
        int bufferCapacity = 10000;
        int requestTimeoutMs = 30000;
        int initialRetryDelayMs = DeliveryBackoff::kDefaultInitialDelayMs;
        int maxRetryDelayMs = DeliveryBackoff::kDefaultMaxDelayMs;
        qint64 firstSeq = -1; // -1: start time in ms x 1000
    };

    enum class State { Idle, Sending, WaitingToRetry, Paused, Stopped };
    enum class Error { None, KeyRejected, DeviceRejected, EndpointNotFound /* also 3xx */ };

    // network: not owned; must outlive the uploader.
    TelemetryUploader(QNetworkAccessManager *network, const Settings &settings, QObject *parent = nullptr);
    ~TelemetryUploader() override;

    // The random source of the backoff jitter (tests pin it).
    void setRandomSource(DeliveryBackoff::RandomSource random);

    // Queues one point stamped ts and returns its seq. Sends at once when
    // nothing is in flight or waiting.
    qint64 submit(const QDateTime &ts, const DevicePoint::Fields &fields);

    // While paused no request starts (the device is silent); points still
    // queue. A request already in flight finishes.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    // Skips the current backoff wait.
    void retryNow();
    // Aborts the request in flight (its points go back to the buffer) and
    // stops for good.
    void stop();

    State state() const { return m_state; }
    Error error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    const Settings &settings() const { return m_settings; }
    QUrl endpoint() const { return m_endpoint; }

    qint64 nextSeq() const { return m_nextSeq; }
    qint64 submittedCount() const { return m_submitted; }
    // Points the server acknowledged (202), duplicates included.
    qint64 acknowledgedCount() const { return m_acknowledged; }
    // Of those, the ones the server already had (a resend).
    qint64 duplicateCount() const { return m_duplicates; }
    // Points dropped because the buffer was full.
    qint64 droppedCount() const { return m_buffer.droppedTotal(); }
    // Points the server refused (4xx) and that were given up.
    qint64 rejectedCount() const { return m_rejected; }
    // Points waiting: buffered or in flight.
    qint64 pendingCount() const { return m_buffer.size() + m_inFlight.size(); }
    // Consecutive failed attempts since the last delivery.
    int failedAttempts() const { return m_backoff.failureCount(); }

    // <server>/api/v1/telemetry, keeping a path prefix of the server URL.
    static QUrl endpointFor(const QUrl &server);

signals:
    void batchAcknowledged(qint64 firstSeq, qint64 lastSeq, int points, int duplicates);
    // A batch failed for a reason that may pass; the next attempt is in
    // delayMs. reason is one short phrase with the server's words if any.
    void retryScheduled(int delayMs, const QString &reason, qint64 pendingPoints);
    // The first delivery after failedAttempts failures.
    void deliveryResumed(int failedAttempts);
    // The buffer was full: count oldest points (seq firstSeq..lastSeq) are
    // gone; droppedTotal since the start.
    void pointsDropped(qint64 count, qint64 firstSeq, qint64 lastSeq, qint64 droppedTotal);
    // The server refused a whole batch (4xx); it is resent point by point.
    void batchRejected(int points, int status, const QString &message);
    // The server refused this point on its own; it is dropped.
    void pointRejected(qint64 seq, int status, const QString &message);
    // Nothing is buffered or in flight any more.
    void drained();
    void stateChanged(Sightline::TelemetryUploader::State state);
    // Delivery stopped for a reason retrying cannot fix (see Error).
    void errorOccurred(Sightline::TelemetryUploader::Error error, const QString &message);

private:
    void sendNextBatch();
    void handleReply(QNetworkReply *reply);
    void handleAcknowledged(const QByteArray &body);
    void scheduleRetry(const QString &reason, int minimumDelayMs);
    void restoreInFlight();
    void reportDrop(const PointBuffer::Drop &drop);
    void fail(Error error, const QString &message);
    void setState(State state);
    void updateIdleState();

    QNetworkAccessManager *m_network;
    Settings m_settings;
    QUrl m_endpoint;
    PointBuffer m_buffer;
    DeliveryBackoff m_backoff;
    QTimer m_retryTimer;
    QPointer<QNetworkReply> m_reply;
    QList<DevicePoint> m_inFlight;
    State m_state = State::Idle;
    Error m_error = Error::None;
    QString m_errorString;
    bool m_paused = false;
    int m_batchLimit;
    qsizetype m_isolating = 0; // points still to send one by one after a 4xx
    qint64 m_nextSeq;
    qint64 m_submitted = 0;
    qint64 m_acknowledged = 0;
    qint64 m_duplicates = 0;
    qint64 m_rejected = 0;
};

} // namespace Sightline
