#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

#include <QDateTime>

#include <map>
#include <optional>
#include <vector>

#include "server/fanoutsender.h"
#include "server/serverconfig.h"

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace Sightline {

class Authenticator;
class Hub;
class PeerCloseWatcher;
class StreamClientConnection;
class StreamFilter;
struct EventPage;
struct StoredEvent;

// GET /api/v1/telemetry/stream (issue 4, API.md "Live stream"): the route,
// the registry of open streams, and the stream metrics.
//
// For each request it checks the bearer token, builds the stream's filter
// from the token and the query, subscribes the client, then writes the
// headers and "retry: 10000". With Last-Event-ID it replays the event log
// (pages of the Hub's range read, flow-controlled by the client's unsent
// bytes) before going live; live events that arrive meanwhile are held by
// the connection and written after the replay without gap or duplicate.
//
// Each published event is serialized once (lazily, when some client may see
// it) and the same QByteArray is handed to every matching client. Clients are
// indexed by account, so an event only visits its own account's streams. The
// send() calls of one fan-out are spread over one thread per core
// (FanOutSender): they are nearly all of its cost.
// One heartbeat tick and one expiry timer serve every client (no timer per
// client). A client whose unsent bytes pass slowClientMaxBytes is dropped and
// counted; it resumes with Last-Event-ID and loses nothing.
//
// Does not own the Authenticator nor the Hub (both must outlive it); owns
// the StreamClientConnection objects.
class StreamEndpoint : public QObject
{
    Q_OBJECT

public:
    // auth, hub: not owned; must outlive this object.
    StreamEndpoint(const ServerConfig &config, Authenticator *auth, Hub *hub, QObject *parent = nullptr);
    ~StreamEndpoint() override;

    // Raises the process's open-file limit to its hard limit (one file per
    // stream client) and logs both values. Call once before listening.
    static void raiseOpenFileLimit();

    // GET /api/v1/telemetry/stream. Register before any catch-all route.
    void registerRoutes(QHttpServer &server);

    // Graceful shutdown: every stream gets `system` `shutdown`, its bytes are
    // pushed to the kernel, and it is closed. New requests get 503 after it.
    // Idempotent.
    void shutdown();

    // Prometheus text (exposition format 0.0.4) of the stream metrics.
    QByteArray metricsText() const;

    // Open streams (replaying or live), as the sightline_stream_clients gauge.
    int clientCount() const { return m_activeClients; }
    // Connection objects that exist, closing ones included (for leak tests).
    int connectionObjectCount() const { return int(m_clients.size()); }
    quint64 eventsDelivered() const;
    // Streams whose peer's close is watched in the one epoll set
    // (PeerCloseWatcher) rather than by a notifier per socket.
    int watchedClientCount() const;
    // Live writes that FanOutSender's pool threads sent (the rest went out
    // on the event loop's thread).
    quint64 pooledWrites() const { return m_sender.pooledWrites(); }
    quint64 slowClientsDropped() const { return m_slowDropped; }
    quint64 eventsReplayed() const { return m_eventsReplayed; }

private:
    struct ClientBook
    {
        std::multimap<qint64, StreamClientConnection *>::iterator expiry;
        bool indexed = false;     // in m_byAccount (receives live events)
        quint64 issuedAtOpen = 0; // the hub's last issued id when it opened
    };

    void handleStream(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void resumeAfterLogCheck(QHttpServerResponder &&responder, const StreamFilter &filter,
                             const QByteArray &lastEventIdHeader, const QDateTime &expiresAt);
    void openStream(QHttpServerResponder &&responder, const StreamFilter &filter, std::optional<quint64> lastEventId,
                    const QDateTime &expiresAt, quint64 lastIssued);
    void handleEventPublished(const StoredEvent &event);
    void deliverPublished();
    void deliverToAccount(const std::vector<StreamClientConnection *> &clients, const QList<StoredEvent> &events);
    // The writes of one fan-out that clients booked with beginDirect...(),
    // writes[i] being clients[i]'s.
    struct DirectSends
    {
        std::vector<FanOutSender::Write> writes;
        std::vector<StreamClientConnection *> clients;
        void add(StreamClientConnection *client, int descriptor, const QByteArray &bytes);
    };
    // Hands the writes to the kernel over m_sender's threads, then queues
    // what it did not take; clients that went over their limit are added to
    // `slow`.
    void sendDirect(DirectSends &direct, std::vector<StreamClientConnection *> *slow);
    void requestReplayPage(StreamClientConnection *client);
    void handleReplayPage(StreamClientConnection *client, const EventPage &page);
    void continueReplay(StreamClientConnection *client);
    void handleHeartbeatTick();
    void handleExpiryTimer();
    void scheduleExpiryTimer();
    void endStream(StreamClientConnection *client, const QString &kind, const QString &message);
    void dropSlowClient(StreamClientConnection *client);
    void unindex(StreamClientConnection *client);
    void forget(StreamClientConnection *client);

    ServerConfig m_config;
    Authenticator *m_auth; // not owned
    Hub *m_hub;            // not owned
    QHash<StreamClientConnection *, ClientBook> m_clients;
    QHash<QString, std::vector<StreamClientConnection *>> m_byAccount;
    std::multimap<qint64, StreamClientConnection *> m_expiries; // token exp (ms since epoch)
    QTimer m_heartbeatTimer;
    QTimer m_expiryTimer;
    QByteArray m_heartbeatFrame;
    QList<StoredEvent> m_published; // since the last deliverPublished(), in id order
    bool m_deliveryQueued = false;
    PeerCloseWatcher *m_closeWatcher = nullptr; // child: watches every stream client for its peer's close
    FanOutSender m_sender;
    int m_activeClients = 0;
    bool m_shutDown = false;
    quint64 m_finishedDelivered = 0; // events written to clients already gone
    quint64 m_slowDropped = 0;
    quint64 m_eventsReplayed = 0;
    quint64 m_streamsOpened = 0;
    quint64 m_streamsRefused = 0;
};

} // namespace Sightline
