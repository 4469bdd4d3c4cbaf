#include "server/streamclientconnection.h"

#include <QSocketNotifier>
#include <QTcpSocket>

#include <chrono>

#include "server/fanoutsender.h"
#include "server/logging.h"
#include "server/peerclosewatcher.h"

namespace Sightline {

StreamClientConnection::StreamClientConnection(QHttpServerResponder &&responder, const StreamFilter &filter,
                                               std::optional<quint64> lastEventId, qint64 maxUnsentBytes,
                                               QObject *parent)
    : QObject(parent)
    , m_responder(std::make_unique<QHttpServerResponder>(std::move(responder)))
    , m_socket(m_responder->socket())
    , m_filter(filter)
    , m_resumedFrom(lastEventId)
    , m_maxUnsentBytes(maxUnsentBytes)
{
    if (lastEventId) {
        m_phase = Phase::Replaying;
        m_lastSentId = *lastEventId;
        m_replayCursor = *lastEventId;
    }
}

StreamClientConnection::~StreamClientConnection()
{
    stopWatching();
}

qint64 StreamClientConnection::nowMsecs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool StreamClientConnection::open(const QByteArray &firstBytes, PeerCloseWatcher *watcher)
{
    if (!isOpen())
        return false;
    QTcpSocket *socket = m_socket.data();

    // From here on the socket carries one endless response. QHttpServer
    // would parse (and answer!) any further bytes as a pipelined request in
    // the middle of the stream, so its reader goes; ours discards. Reading
    // on (rather than pausing) is what lets a peer's close be seen at once.
    QObject::disconnect(socket, &QIODevice::readyRead, nullptr, nullptr);
    connect(socket, &QIODevice::readyRead, this, [socket] { socket->readAll(); });
    connect(socket, &QAbstractSocket::disconnected, this, &StreamClientConnection::handleDisconnected);
    connect(socket, &QObject::destroyed, this, &StreamClientConnection::handleDisconnected);
    connect(socket, &QIODevice::bytesWritten, this, [this] {
        if (m_phase == Phase::Replaying && canTakeMoreReplay())
            emit drained();
    });
    // With thousands of clients, one epoll set watches for closes instead of
    // a read notifier per socket, which Qt's dispatcher would poll on every
    // turn (PeerCloseWatcher). Qt's notifiers are its socket engine's
    // children; should a Qt version keep them elsewhere, the socket's own
    // notifier stays on and both report the close, which is harmless.
    const int descriptor = int(socket->socketDescriptor());
    if (watcher && watcher->isValid() && watcher->watch(descriptor, this)) {
        m_watcher = watcher;
        m_watchedDescriptor = descriptor;
        for (QSocketNotifier *notifier : socket->findChildren<QSocketNotifier *>()) {
            if (notifier->type() == QSocketNotifier::Read)
                notifier->setEnabled(false);
        }
    }
    // Frames are complete messages: send each batch at once instead of
    // waiting for the peer's delayed ACK (Nagle would add up to 40 ms).
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    // A close-delimited HTTP/1.1 body: no Content-Length, no chunking.
    m_responder->writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    m_responder->writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/event-stream"));
    m_responder->writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
    m_responder->writeHeader(QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no"));
    m_responder->writeHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
    m_responder->writeBody(firstBytes); // also ends the header block
    m_lastWriteMsecs = nowMsecs();
    // If bytes of a pipelined request are already buffered, drain them now.
    if (socket->bytesAvailable() > 0)
        socket->readAll();
    return true;
}

bool StreamClientConnection::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool StreamClientConnection::write(const QByteArray &frame)
{
    if (!isOpen() || m_phase == Phase::Closing)
        return true;
    // Fast path: with nothing queued in the socket, hand the frame straight
    // to the kernel (the descriptor is non-blocking). A buffered
    // QAbstractSocket::write() would enable the socket's write notifier and
    // disable it again once flushed, for every frame of every client; with
    // thousands of clients Qt's glib event dispatcher spends most of its time
    // in those (un)registrations (each is linear in the number of notifiers,
    // measured with bench/fanout and perf). It also saves an event-loop turn
    // of latency. Only what the kernel does not take goes through the
    // socket's buffer, so order is kept and bytesToWrite() still counts it.
    const int descriptor = beginDirectWrite();
    if (descriptor < 0) {
        m_lastWriteMsecs = nowMsecs();
        return queueUnsent(frame, 0);
    }
    FanOutSender::Write direct{descriptor, frame};
    FanOutSender::sendNow(direct);
    return finishDirectWrite(frame, direct.sent);
}

bool StreamClientConnection::queueUnsent(const QByteArray &frame, qsizetype sent)
{
    // On an error (EAGAIN, or a peer that is gone) nothing was sent: the
    // buffered write retries, and QAbstractSocket reports a broken
    // connection the usual way (disconnected). QIODevice::write(const
    // QByteArray &) lets the socket's buffer share a whole frame instead of
    // copying it.
    if (sent >= frame.size())
        return true;
    if (m_socket)
        m_socket->write(sent == 0 ? frame : frame.sliced(sent));
    return !isOverLimit();
}

bool StreamClientConnection::deliverLive(quint64 id, const QByteArray &frame)
{
    if (id <= m_lastSentId || m_phase == Phase::Closing)
        return true;
    if (m_phase == Phase::Replaying) {
        m_held.append(HeldFrame{id, frame});
        m_heldBytes += frame.size();
        return !isOverLimit();
    }
    m_lastSentId = id;
    ++m_eventsWritten;
    return write(frame);
}

bool StreamClientConnection::deliverLiveRun(quint64 lastId, int count, const QByteArray &frames)
{
    Q_ASSERT(canTakeLiveRun(lastId));
    m_lastSentId = lastId;
    m_eventsWritten += quint64(count);
    return write(frames);
}

int StreamClientConnection::beginDirectWrite()
{
    if (m_phase == Phase::Closing || !isOpen() || m_socket->bytesToWrite() != 0)
        return -1;
    m_lastWriteMsecs = nowMsecs();
    return int(m_socket->socketDescriptor());
}

int StreamClientConnection::beginDirectLiveRun(quint64 lastId, int count)
{
    Q_ASSERT(canTakeLiveRun(lastId));
    const int descriptor = beginDirectWrite();
    if (descriptor >= 0) {
        m_lastSentId = lastId;
        m_eventsWritten += quint64(count);
    }
    return descriptor;
}

bool StreamClientConnection::deliverReplayed(quint64 id, const QByteArray &frame)
{
    if (id > m_replayCursor)
        m_replayCursor = id;
    if (id <= m_lastSentId || m_phase == Phase::Closing)
        return true;
    m_lastSentId = id;
    ++m_eventsWritten;
    return write(frame);
}

bool StreamClientConnection::deliverUnlogged(const QByteArray &frame)
{
    return write(frame);
}

void StreamClientConnection::setReplayPage(const QList<StoredEvent> &events, bool hasMore)
{
    m_replayPage = events;
    m_replayNext = 0;
    m_replayHasMore = hasMore;
}

void StreamClientConnection::dropHeldUpTo(quint64 id)
{
    qsizetype keepFrom = 0;
    while (keepFrom < m_held.size() && m_held.at(keepFrom).id <= id) {
        m_heldBytes -= m_held.at(keepFrom).frame.size();
        ++keepFrom;
    }
    if (keepFrom > 0)
        m_held.remove(0, keepFrom);
}

bool StreamClientConnection::finishReplay()
{
    if (m_phase != Phase::Replaying)
        return !isOverLimit();
    m_phase = Phase::Live;
    m_replayPage.clear();
    m_replayNext = 0;
    const QList<HeldFrame> held = std::move(m_held);
    m_held.clear();
    m_heldBytes = 0;
    bool ok = true;
    for (const HeldFrame &item : held)
        ok = deliverLive(item.id, item.frame) && ok;
    return ok && !isOverLimit();
}

bool StreamClientConnection::canTakeMoreReplay() const
{
    return m_socket && m_socket->bytesToWrite() < m_maxUnsentBytes / 4;
}

qint64 StreamClientConnection::unsentBytes() const
{
    return (m_socket ? m_socket->bytesToWrite() : 0) + m_heldBytes;
}

void StreamClientConnection::closeGracefully()
{
    if (m_phase == Phase::Closing)
        return;
    m_phase = Phase::Closing;
    m_closingSinceMsecs = nowMsecs();
    m_replayPage.clear();
    m_held.clear();
    m_heldBytes = 0;
    if (m_socket)
        m_socket->disconnectFromHost(); // may emit disconnected right away
    else
        handleDisconnected();
}

void StreamClientConnection::abort()
{
    m_phase = Phase::Closing;
    m_replayPage.clear();
    m_held.clear();
    m_heldBytes = 0;
    if (m_socket && m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort(); // emits disconnected
    handleDisconnected();
}

void StreamClientConnection::flush()
{
    if (isOpen())
        m_socket->flush();
}

void StreamClientConnection::stopWatching()
{
    if (m_watcher)
        m_watcher->unwatch(m_watchedDescriptor, this);
    m_watcher.clear();
    m_watchedDescriptor = -1;
}

void StreamClientConnection::handleDisconnected()
{
    stopWatching();
    if (m_disconnectedEmitted)
        return;
    m_disconnectedEmitted = true;
    m_phase = Phase::Closing;
    if (m_socket)
        m_socket->disconnect(this);
    emit disconnected();
}

} // namespace Sightline
