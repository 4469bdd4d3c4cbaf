#pragma once

#include "stream/heartbeatwatchdog.h"
#include "stream/reconnectpolicy.h"
#include "stream/sseevent.h"
#include "stream/sseparser.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Sightline {

// Keeps one live event stream open (GET /api/v1/telemetry/stream, API.md
// "Live stream"; issue 5) through every fault a network and a server produce:
// it reconnects with the server's retry hint plus backoff with jitter
// (ReconnectPolicy), resumes with Last-Event-ID, drops events it already
// delivered, notices dead connections (HeartbeatWatchdog) and turns auth
// problems into a state instead of a loop.
//
// Owns its parser, timers and the one reply in flight (never more than one;
// every reply is released with deleteLater()). It is given the
// QNetworkAccessManager (not owned) and a token source. It knows nothing of
// how tokens are obtained: when the server rejects the token (401) or says
// `system` `token_expired`, it emits tokenRefreshRequested() once and waits;
// whoever refreshes answers with resumeAfterTokenRefresh() or
// failAuthentication(). With nothing connected to tokenRefreshRequested()
// (a fixed --token), a rejected token is AuthExpired at once.
class StreamClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)

public:
    enum class State {
        Idle, // not started, or stop()ped
        Connecting, // a request is in flight, no answer yet
        Live, // 200 text/event-stream: events flow
        Reconnecting, // waiting reconnectDelay() ms (until nextAttemptAt()), or for a new token
        AuthExpired, // the token was refused and could not be refreshed; no retry
        Stopped, // the server answered 204: do not reconnect
        Failed, // a failure retrying cannot fix; errorString() says which
    };
    Q_ENUM(State)

    // The access token to send as Authorization: Bearer ("" sends none).
    using TokenSource = std::function<QString()>;

    static constexpr int kDefaultStableAfterMs = 30000;

    // network: not owned, must outlive the client.
    explicit StreamClient(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~StreamClient() override;

    // The full stream URL, query included.
    void setUrl(const QUrl &url);
    QUrl url() const { return m_url; }
    void setTokenSource(TokenSource source);

    // The resume point sent as Last-Event-ID: the id of the last event
    // delivered, or what was set here before start() (--last-event-id).
    void setLastEventId(const QString &id);
    QString lastEventId() const { return m_lastEventId; }

    // Tuning; the defaults are the contract's, tests shorten them.
    void setInitialRetryHint(int ms); // the base before any `retry:` field (3000 ms)
    void setMaxReconnectDelay(int ms); // the backoff cap (60 s)
    void setSilenceTimeout(int ms); // a dead connection (45 s)
    void setStableAfter(int ms); // live this long resets the backoff (30 s)
    void setRandomSource(ReconnectPolicy::RandomSource random);
    void setClock(HeartbeatWatchdog::Clock clock);
    // Retry at once when the network comes back (QNetworkInformation, where
    // the platform has a backend). On by default.
    void setFollowsReachability(bool follow) { m_followsReachability = follow; }

    State state() const { return m_state; }
    // Why the client is Reconnecting, Failed or AuthExpired, in words.
    QString errorString() const { return m_errorString; }
    // The wait of the pending reconnect, and when it ends.
    int reconnectDelay() const { return m_reconnectDelayMs; }
    QDateTime nextAttemptAt() const { return m_nextAttemptAt; }
    // The base reconnect delay: the latest `retry:` hint, else the initial one.
    int retryHint() const { return m_policy.retryHint(); }
    int failureCount() const { return m_policy.failureCount(); }
    bool hasRequestInFlight() const { return m_reply != nullptr; }

    // "idle", "connecting", "live", "reconnecting", "auth_expired",
    // "stopped", "failed" (the words of sightline-tail's state lines).
    static QString stateName(State state);

public slots:
    // Opens the stream (no-op while connecting, live or reconnecting).
    void start();
    // Drops the connection and any pending retry; state Idle.
    void stop();
    // While Reconnecting on a timer: try now (network reachable again).
    void retryNow();
    // The token source now has a fresh token: reconnect with Last-Event-ID.
    void resumeAfterTokenRefresh();
    // The token could not be refreshed: AuthExpired, no further attempts.
    void failAuthentication(const QString &reason);

signals:
    void stateChanged(Sightline::StreamClient::State state);
    // One new event, in stream order, never one delivered before. Its
    // lastEventId is the id this event carried itself, "" for an event
    // without an `id:` line (system events), unlike the parser's
    // WHATWG "last event ID string".
    void eventReceived(const Sightline::SseEvent &event);
    // The server refused the access token or announced its expiry: refresh
    // it, then call resumeAfterTokenRefresh() (or failAuthentication()).
    void tokenRefreshRequested();

private:
    void connectNow();
    void handleHeaders();
    void handleReadyRead();
    void handleFinished();
    void handleRedirect(const QUrl &target);
    void handleSilence(qint64 silenceMs);
    void deliver(QList<SseEvent> &events, quint64 generation);
    bool isDuplicate(const QString &id) const;
    void rememberDelivered(const QString &id);
    void releaseReply();
    void scheduleReconnect(const QString &reason, int minimumMs = 0);
    void requestTokenRefresh(const QString &reason);
    void finishWith(State state, const QString &reason);
    void setState(State state, bool force = false);
    void watchReachability();

    QNetworkAccessManager *m_network; // not owned
    QNetworkReply *m_reply = nullptr;
    QUrl m_url;
    TokenSource m_tokenSource;
    QString m_tokenInUse;
    SseParser m_parser;
    ReconnectPolicy m_policy;
    HeartbeatWatchdog m_watchdog;
    QElapsedTimer m_elapsed;
    HeartbeatWatchdog::Clock m_clock; // monotonic ms, for the stable-stream rule
    QTimer m_reconnectTimer;
    QByteArray m_readBuffer;

    State m_state = State::Idle;
    QString m_errorString;
    int m_reconnectDelayMs = 0;
    QDateTime m_nextAttemptAt;
    int m_stableAfterMs = kDefaultStableAfterMs;
    bool m_followsReachability = true;
    bool m_reachabilityWatched = false;

    // Per connection.
    quint64 m_generation = 0;
    bool m_headersHandled = false;
    bool m_isStreamResponse = false;
    qint64 m_liveSince = 0;
    QString m_connectionLastId; // the parser's last event ID string on this connection
    bool m_tokenExpiryAnnounced = false;

    // Across connections.
    QString m_lastEventId;
    QSet<QString> m_recentIds; // non-decimal ids: exact repeats are dropped
    QList<QString> m_recentOrder;
    bool m_refreshAttempted = false;
    bool m_awaitingToken = false;
};

} // namespace Sightline
