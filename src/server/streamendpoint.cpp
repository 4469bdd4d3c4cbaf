#include "server/streamendpoint.h"

#include <QAbstractEventDispatcher>
#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QPointer>
#include <QTcpSocket>
#include <QThread>

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>
#include <utility>

#include "server/apierror.h"
#include "server/hub.h"
#include "server/identity.h"
#include "server/logging.h"
#include "server/peerclosewatcher.h"
#include "server/sseformatter.h"
#include "server/storagetypes.h"
#include "server/streamclientconnection.h"
#include "server/streamfilter.h"

namespace Sightline {

namespace {

// API.md "Live stream": the first bytes are `retry: 10000`.
constexpr int kRetryMilliseconds = 10000;
// Events per range read of the log while replaying.
constexpr int kReplayPageSize = 500;
// How long a stream that was told to close may take to send its last bytes
// before it is cut (a peer that stopped reading never lets it finish).
constexpr qint64 kClosingGraceMsecs = 5000;
// Longest single wait of the expiry timer (QTimer takes an int of ms).
constexpr qint64 kMaxTimerMsecs = 3600 * 1000;
// Threads that send one fan-out (one per core, the event loop's included).
// Past a few, the kernel's per-socket work no longer spreads: measured
// only up to two (bench/fanout).
constexpr int kMaxSendThreads = 4;

const QString kTokenExpired = QStringLiteral("token_expired");
const QString kShutdown = QStringLiteral("shutdown");
const QString kNotice = QStringLiteral("notice");

QByteArray counter(const char *name, const char *help, quint64 value)
{
    return QByteArrayLiteral("# HELP ") + name + ' ' + help + QByteArrayLiteral("\n# TYPE ") + name
        + QByteArrayLiteral(" counter\n") + name + ' ' + QByteArray::number(value) + '\n';
}

// 503 for a stream asked for while the server shuts down.
ApiError shuttingDown()
{
    return ApiError{503, QByteArrayLiteral("shutting_down"),
                    QStringLiteral("The server is shutting down; reconnect in a few seconds."), {}}
        .withHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("10"));
}

} // namespace

StreamEndpoint::StreamEndpoint(const ServerConfig &config, Authenticator *auth, Hub *hub, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_auth(auth)
    , m_hub(hub)
    , m_heartbeatFrame(SseFormatter::comment("ping"))
    , m_sender(qMin(QThread::idealThreadCount(), kMaxSendThreads))
{
    static std::once_flag raised;
    std::call_once(raised, &StreamEndpoint::raiseOpenFileLimit);

    connect(m_hub, &Hub::eventPublished, this, &StreamEndpoint::handleEventPublished);
    // Published events go out at the end of the event-loop turn that
    // published them, before the loop waits again (see handleEventPublished).
    if (QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance(thread()))
        connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, &StreamEndpoint::deliverPublished);

    // One tick for every client's heartbeat: ticking at half the heartbeat
    // period and pinging whoever has been quiet for half of it keeps every
    // gap between writes at or below heartbeatSeconds (API.md: "at least
    // every 15 s when nothing else is").
    m_heartbeatTimer.setInterval(int(std::max<qint64>(100, qint64(m_config.heartbeatSeconds) * 500)));
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &StreamEndpoint::handleHeartbeatTick);
    m_heartbeatTimer.start();

    m_expiryTimer.setSingleShot(true);
    m_expiryTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_expiryTimer, &QTimer::timeout, this, &StreamEndpoint::handleExpiryTimer);

    // Created before any connection, so it is also deleted before them (the
    // connections hold it in a QPointer).
    m_closeWatcher = new PeerCloseWatcher(this);
}

// The connections are children and go with this object; the sockets stay
// QHttpServer's.
StreamEndpoint::~StreamEndpoint() = default;

int StreamEndpoint::watchedClientCount() const
{
    return m_closeWatcher->watchedCount();
}

void StreamEndpoint::raiseOpenFileLimit()
{
    // Every stream client holds a socket: with the usual soft limit of 1024
    // the server would refuse clients long before maxStreamClients.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        qCWarning(lcServerHub, "cannot read the open-file limit: %s", std::strerror(errno));
        return;
    }
    const rlim_t before = limit.rlim_cur;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            qCWarning(lcServerHub, "cannot raise the open-file limit from %llu to %llu: %s",
                      static_cast<unsigned long long>(before), static_cast<unsigned long long>(limit.rlim_max),
                      std::strerror(errno));
            return;
        }
    }
    qCInfo(lcServerHub, "open-file limit %llu (was %llu, hard limit %llu)",
           static_cast<unsigned long long>(limit.rlim_cur), static_cast<unsigned long long>(before),
           static_cast<unsigned long long>(limit.rlim_max));
}

void StreamEndpoint::registerRoutes(QHttpServer &server)
{
    server.route(QStringLiteral("/api/v1/telemetry/stream"), QHttpServerRequest::Method::Get,
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     handleStream(request, std::move(responder));
                 });
}

void StreamEndpoint::handleStream(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const auto refuse = [this, &responder](const ApiError &error) {
        ++m_streamsRefused;
        toResponse(error).write(std::move(responder));
    };
    if (m_shutDown) {
        refuse(shuttingDown());
        return;
    }
    const BearerResult bearer = m_auth->authenticateBearer(request);
    if (!bearer.claims) {
        refuse(bearer.error);
        return;
    }
    const AccessClaims &claims = *bearer.claims;
    ApiError error;
    const std::optional<StreamFilter> filter = StreamFilter::fromQuery(
        claims, request.query(), [this, &claims] { return m_auth->devices(claims.accountId); }, &error);
    if (!filter) {
        refuse(error);
        return;
    }
    const QByteArray lastEventIdHeader = request.value(QByteArrayLiteral("last-event-id"));
    const quint64 lastIssued = m_hub->lastIssuedId();
    const std::optional<quint64> lastEventId = StreamFilter::parseLastEventId(lastEventIdHeader, lastIssued, &error);
    if (!error.code.isEmpty()) {
        ApiError ignored;
        if (m_hub->isShared()
            && StreamFilter::parseLastEventId(lastEventIdHeader, std::numeric_limits<quint64>::max(), &ignored)) {
            // Above what this instance has followed, but another instance
            // may have issued it a moment ago (issue 8): the log decides.
            resumeAfterLogCheck(std::move(responder), *filter, lastEventIdHeader, claims.expiresAt);
            return;
        }
        refuse(error);
        return;
    }
    openStream(std::move(responder), *filter, lastEventId, claims.expiresAt, lastIssued);
}

void StreamEndpoint::resumeAfterLogCheck(QHttpServerResponder &&responder, const StreamFilter &filter,
                                         const QByteArray &lastEventIdHeader, const QDateTime &expiresAt)
{
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    const QPointer<QTcpSocket> socket(held->socket());
    const QPointer<StreamEndpoint> self(this);
    m_hub->fetchLastEventId([self, socket, held, filter, lastEventIdHeader, expiresAt](bool ok, quint64 newest) {
        if (!self || !socket)
            return; // the server or the client went away meanwhile
        ApiError error;
        std::optional<quint64> lastEventId;
        if (!ok) {
            error = ApiError{503, QByteArrayLiteral("unavailable"),
                             QStringLiteral("The event log cannot be read right now; reconnect in a few seconds."), {}}
                        .withHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("5"));
        } else if (self->m_shutDown) {
            error = shuttingDown();
        } else {
            lastEventId = StreamFilter::parseLastEventId(lastEventIdHeader, newest, &error);
        }
        if (!error.code.isEmpty()) {
            ++self->m_streamsRefused;
            toResponse(error).write(std::move(*held));
            return;
        }
        self->openStream(std::move(*held), filter, lastEventId, expiresAt, newest);
    });
}

void StreamEndpoint::openStream(QHttpServerResponder &&responder, const StreamFilter &filter,
                                std::optional<quint64> lastEventId, const QDateTime &expiresAt, quint64 lastIssued)
{
    const auto refuse = [this, &responder](const ApiError &error) {
        ++m_streamsRefused;
        toResponse(error).write(std::move(responder));
    };
    if (m_activeClients >= m_config.maxStreamClients) {
        qCWarning(lcServerHub, "refusing a stream: %d clients is the limit (maxStreamClients)",
                  m_config.maxStreamClients);
        refuse(ApiError{503, QByteArrayLiteral("too_many_streams"),
                        QStringLiteral("This server holds as many streams as it may; retry later."), {}}
                   .withHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("10")));
        return;
    }

    auto *client = new StreamClientConnection(std::move(responder), filter, lastEventId,
                                              m_config.slowClientMaxBytes, this);
    connect(client, &StreamClientConnection::disconnected, this, [this, client] { forget(client); });
    connect(client, &StreamClientConnection::drained, this, [this, client] { continueReplay(client); });

    // Subscribe first (API.md: "the stream is subscribed before they are
    // written"): from here every published event reaches this client.
    ClientBook book;
    book.expiry = m_expiries.end();
    book.indexed = true;
    book.issuedAtOpen = lastIssued;
    if (expiresAt.isValid())
        book.expiry = m_expiries.emplace(expiresAt.toMSecsSinceEpoch(), client);
    m_clients.insert(client, book);
    m_byAccount[filter.accountId()].push_back(client);
    ++m_activeClients;
    ++m_streamsOpened;
    scheduleExpiryTimer();

    if (!client->open(SseFormatter::retryField(kRetryMilliseconds), m_closeWatcher)) {
        forget(client);
        return;
    }
    qCDebug(lcServerHub) << "stream opened for account" << filter.accountId() << "resuming after"
                         << (lastEventId ? QString::number(*lastEventId) : QStringLiteral("(live)"));
    if (lastEventId) {
        if (filter.wantsLogEvents())
            requestReplayPage(client);
        else if (!client->finishReplay()) // only system events: nothing to replay
            dropSlowClient(client);
    }
}

void StreamEndpoint::handleEventPublished(const StoredEvent &event)
{
    if (!m_byAccount.contains(event.accountId))
        return;
    // Events published in one turn of the event loop go out together at its
    // end, one write per client: when the server falls behind, several
    // events pile up per turn and each client costs one send() for all of
    // them instead of one each (the kernel's send path is most of the
    // fan-out's CPU). The end of the turn is the dispatcher's aboutToBlock;
    // a queued call covers loops that never block (processEvents() spun by
    // hand), whichever comes first delivers.
    m_published.append(event);
    if (!m_deliveryQueued) {
        m_deliveryQueued = true;
        QMetaObject::invokeMethod(this, &StreamEndpoint::deliverPublished, Qt::QueuedConnection);
    }
}

void StreamEndpoint::deliverPublished()
{
    m_deliveryQueued = false;
    if (m_published.isEmpty())
        return;
    const QList<StoredEvent> events = std::exchange(m_published, {});
    // Per account, in id order.
    QHash<QString, QList<StoredEvent>> byAccount;
    for (const StoredEvent &event : events)
        byAccount[event.accountId].append(event);
    for (auto it = byAccount.cbegin(); it != byAccount.cend(); ++it) {
        const auto clients = m_byAccount.constFind(it.key());
        if (clients != m_byAccount.cend())
            deliverToAccount(*clients, it.value());
    }
}

void StreamEndpoint::deliverToAccount(const std::vector<StreamClientConnection *> &clients,
                                      const QList<StoredEvent> &events)
{
    // Each event serialized once, on the first client that may see it, and
    // shared; `run` is all of them in one buffer, for the clients that see
    // every one (the usual case: no filter, or one that all of them pass).
    // Those clients' sends are collected and handed to the kernel together,
    // spread over m_sender's threads; the rest (filtered, replaying, or with
    // bytes already queued) are written here, in order.
    QList<QByteArray> frames(events.size());
    const auto frameAt = [&](qsizetype i) -> const QByteArray & {
        if (frames[i].isNull())
            frames[i] = SseFormatter::storedEvent(events.at(i));
        return frames.at(i);
    };
    QByteArray run;
    DirectSends direct;
    std::vector<StreamClientConnection *> slow;
    for (StreamClientConnection *client : clients) {
        bool seesAll = true;
        for (const StoredEvent &event : events)
            seesAll = seesAll && client->filter().matches(event);
        if (seesAll && client->canTakeLiveRun(events.constFirst().id)) {
            if (run.isNull()) {
                for (qsizetype i = 0; i < events.size(); ++i)
                    run += frameAt(i);
            }
            const int descriptor = client->beginDirectLiveRun(events.constLast().id, int(events.size()));
            if (descriptor >= 0)
                direct.add(client, descriptor, run);
            else if (!client->deliverLiveRun(events.constLast().id, int(events.size()), run))
                slow.push_back(client);
            continue;
        }
        bool ok = true;
        for (qsizetype i = 0; i < events.size(); ++i) {
            if (client->filter().matches(events.at(i)))
                ok = client->deliverLive(events.at(i).id, frameAt(i)) && ok;
        }
        if (!ok)
            slow.push_back(client);
    }
    sendDirect(direct, &slow);
    for (StreamClientConnection *client : slow)
        dropSlowClient(client);
}

void StreamEndpoint::DirectSends::add(StreamClientConnection *client, int descriptor, const QByteArray &bytes)
{
    writes.push_back(FanOutSender::Write{descriptor, bytes});
    clients.push_back(client);
}

void StreamEndpoint::sendDirect(DirectSends &direct, std::vector<StreamClientConnection *> *slow)
{
    m_sender.send(direct.writes);
    for (size_t i = 0; i < direct.writes.size(); ++i) {
        if (!direct.clients[i]->finishDirectWrite(direct.writes[i].bytes, direct.writes[i].sent))
            slow->push_back(direct.clients[i]);
    }
}

void StreamEndpoint::requestReplayPage(StreamClientConnection *client)
{
    client->setReplayReadPending(true);
    const QPointer<StreamEndpoint> self(this);
    const QPointer<StreamClientConnection> guard(client);
    m_hub->readEvents(client->filter().eventQuery(client->replayCursor(), kReplayPageSize),
                      [self, guard](const EventPage &page) {
                          if (!self || !guard)
                              return;
                          guard->setReplayReadPending(false);
                          if (guard->phase() == StreamClientConnection::Phase::Replaying)
                              self->handleReplayPage(guard, page);
                      });
}

void StreamEndpoint::handleReplayPage(StreamClientConnection *client, const EventPage &page)
{
    if (!page.ok) {
        qCWarning(lcServerHub) << "cannot replay the event log:" << page.error;
        endStream(client, kNotice,
                  QStringLiteral("The event log could not be read; reconnect with Last-Event-ID to resume."));
        return;
    }
    if (!client->isRetentionChecked()) {
        client->setRetentionChecked();
        // Ids are consecutive, so events between the resume id and the
        // oldest retained one were purged by retention (or the whole log
        // was, when it is empty but ids were issued before this request).
        const quint64 from = client->resumedFrom().value_or(0);
        const quint64 oldest = page.oldestRetainedId;
        const auto bookIt = m_clients.constFind(client);
        const quint64 issued = bookIt != m_clients.cend() ? bookIt->issuedAtOpen : 0;
        const bool missed = oldest == 0 ? from < issued : from + 1 < oldest;
        if (missed && client->filter().wantsSystemEvents()) {
            const QString message =
                oldest == 0
                    ? QStringLiteral("Events after id %1 are no longer retained (retention %2 h); none is left "
                                     "to replay, the stream continues live.")
                          .arg(from)
                          .arg(m_config.retentionHours)
                    : QStringLiteral("Events after id %1 up to id %2 are no longer retained (retention %3 h); "
                                     "the stream continues with the oldest retained event.")
                          .arg(from)
                          .arg(oldest - 1)
                          .arg(m_config.retentionHours);
            if (!client->deliverUnlogged(
                    SseFormatter::systemEvent(kNotice, message, QDateTime::currentDateTimeUtc()))) {
                dropSlowClient(client);
                return;
            }
        }
    }
    client->setReplayPage(page.events, page.hasMore);
    continueReplay(client);
}

void StreamEndpoint::continueReplay(StreamClientConnection *client)
{
    if (client->phase() != StreamClientConnection::Phase::Replaying || client->isReplayReadPending())
        return;
    // Flow control: write while the socket takes it; bytesWritten (drained)
    // brings us back. A long resume never trips the slow-client limit.
    while (client->hasReplayQueued()) {
        if (!client->canTakeMoreReplay())
            return;
        const StoredEvent &event = client->takeReplayEvent();
        if (event.id <= client->lastSentId()) {
            client->setReplayCursor(std::max(client->replayCursor(), event.id));
            continue;
        }
        ++m_eventsReplayed;
        if (!client->deliverReplayed(event.id, SseFormatter::storedEvent(event))) {
            dropSlowClient(client);
            return;
        }
    }
    // Live events the replay has passed are in the log: they were written.
    client->dropHeldUpTo(client->replayCursor());
    if (client->replayHasMore()) {
        requestReplayPage(client);
        return;
    }
    // The log is exhausted up to what was committed when it was read; every
    // later event has been held since subscription. The seam: held events at
    // or below the last replayed id are dropped, the rest written in order.
    if (!client->finishReplay())
        dropSlowClient(client);
}

void StreamEndpoint::handleHeartbeatTick()
{
    const qint64 now = StreamClientConnection::nowMsecs();
    const qint64 quiet = qint64(m_config.heartbeatSeconds) * 500;
    const qint64 grace = std::max<qint64>(kClosingGraceMsecs, qint64(m_config.heartbeatSeconds) * 1000);
    std::vector<StreamClientConnection *> slow;
    std::vector<StreamClientConnection *> stuck;
    // When the whole fleet is quiet every stream gets its ping in one tick:
    // a fan-out like any other (see deliverToAccount).
    DirectSends direct;
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        StreamClientConnection *client = it.key();
        if (client->phase() == StreamClientConnection::Phase::Closing) {
            if (now - client->closingSinceMsecs() > grace)
                stuck.push_back(client);
            continue;
        }
        if (now - client->lastWriteMsecs() < quiet)
            continue;
        const int descriptor = client->beginDirectWrite();
        if (descriptor >= 0)
            direct.add(client, descriptor, m_heartbeatFrame);
        else if (!client->deliverUnlogged(m_heartbeatFrame))
            slow.push_back(client);
    }
    sendDirect(direct, &slow);
    for (StreamClientConnection *client : slow)
        dropSlowClient(client);
    for (StreamClientConnection *client : stuck) {
        if (m_clients.contains(client))
            client->abort();
    }
}

void StreamEndpoint::scheduleExpiryTimer()
{
    if (m_expiries.empty()) {
        m_expiryTimer.stop();
        return;
    }
    const qint64 wait = m_expiries.begin()->first - QDateTime::currentMSecsSinceEpoch();
    m_expiryTimer.start(int(std::clamp<qint64>(wait, 0, kMaxTimerMsecs)));
}

void StreamEndpoint::handleExpiryTimer()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::vector<StreamClientConnection *> expired;
    while (!m_expiries.empty() && m_expiries.begin()->first <= now) {
        StreamClientConnection *client = m_expiries.begin()->second;
        m_expiries.erase(m_expiries.begin());
        const auto it = m_clients.find(client);
        if (it != m_clients.end())
            it->expiry = m_expiries.end();
        expired.push_back(client);
    }
    // API.md: "A stream never outlives its token".
    for (StreamClientConnection *client : expired) {
        if (m_clients.contains(client))
            endStream(client, kTokenExpired,
                      QStringLiteral("Your access token expired; refresh it and reconnect with Last-Event-ID."));
    }
    scheduleExpiryTimer();
}

void StreamEndpoint::endStream(StreamClientConnection *client, const QString &kind, const QString &message)
{
    if (client->phase() == StreamClientConnection::Phase::Closing)
        return;
    // Sent whatever `types` asked for: it explains why the stream ends.
    client->deliverUnlogged(SseFormatter::systemEvent(kind, message, QDateTime::currentDateTimeUtc()));
    unindex(client);
    client->closeGracefully(); // may call forget() right away
}

void StreamEndpoint::dropSlowClient(StreamClientConnection *client)
{
    if (!m_clients.contains(client) || client->phase() == StreamClientConnection::Phase::Closing)
        return;
    ++m_slowDropped;
    qCInfo(lcServerHub, "dropping a slow stream client of account %s: %lld bytes unsent (limit %lld)",
           qPrintable(client->filter().accountId()), static_cast<long long>(client->unsentBytes()),
           static_cast<long long>(m_config.slowClientMaxBytes));
    unindex(client);
    client->abort(); // calls forget()
}

void StreamEndpoint::unindex(StreamClientConnection *client)
{
    const auto it = m_clients.find(client);
    if (it == m_clients.end())
        return;
    if (it->expiry != m_expiries.end()) {
        m_expiries.erase(it->expiry);
        it->expiry = m_expiries.end();
    }
    if (!it->indexed)
        return;
    it->indexed = false;
    --m_activeClients;
    const auto accountIt = m_byAccount.find(client->filter().accountId());
    if (accountIt == m_byAccount.end())
        return;
    std::vector<StreamClientConnection *> &list = *accountIt;
    const auto pos = std::find(list.begin(), list.end(), client);
    if (pos != list.end()) {
        *pos = list.back(); // order among clients does not matter
        list.pop_back();
    }
    if (list.empty())
        m_byAccount.erase(accountIt);
}

void StreamEndpoint::forget(StreamClientConnection *client)
{
    if (!m_clients.contains(client))
        return;
    unindex(client);
    m_finishedDelivered += client->eventsWritten();
    m_clients.remove(client);
    client->disconnect(this);
    client->deleteLater();
}

void StreamEndpoint::shutdown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    deliverPublished(); // what was published before the shutdown notice
    m_heartbeatTimer.stop();
    m_expiryTimer.stop();
    const QList<StreamClientConnection *> clients = m_clients.keys();
    qCInfo(lcServerHub, "shutting down %d stream(s)", int(clients.size()));
    for (StreamClientConnection *client : clients) {
        if (!m_clients.contains(client) || client->phase() == StreamClientConnection::Phase::Closing)
            continue;
        client->deliverUnlogged(SseFormatter::systemEvent(
            kShutdown, QStringLiteral("The server is shutting down; reconnect with Last-Event-ID to resume."),
            QDateTime::currentDateTimeUtc()));
        // The event loop may not run again (serve quits right after): hand
        // the bytes to the kernel now, then close.
        client->flush();
        unindex(client);
        client->closeGracefully();
    }
}

QByteArray StreamEndpoint::metricsText() const
{
    quint64 delivered = m_finishedDelivered;
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it)
        delivered += it.key()->eventsWritten();
    return QByteArrayLiteral("# HELP sightline_stream_clients Open event streams (replaying or live).\n"
                             "# TYPE sightline_stream_clients gauge\n"
                             "sightline_stream_clients ")
        + QByteArray::number(m_activeClients) + '\n'
        + counter("sightline_stream_events_delivered_total",
                  "Events of the log written to stream clients (live and replayed).", delivered)
        + counter("sightline_stream_events_replayed_total",
                  "Events written to resuming clients from the event log.", m_eventsReplayed)
        + counter("sightline_stream_slow_clients_dropped_total",
                  "Stream clients dropped because their unsent bytes passed slowClientMaxBytes.", m_slowDropped)
        + counter("sightline_stream_opened_total", "Streams opened.", m_streamsOpened)
        + counter("sightline_stream_refused_total", "Stream requests answered with an error.", m_streamsRefused);
}

quint64 StreamEndpoint::eventsDelivered() const
{
    quint64 delivered = m_finishedDelivered;
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it)
        delivered += it.key()->eventsWritten();
    return delivered;
}

} // namespace Sightline
