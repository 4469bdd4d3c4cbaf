#pragma once

#include <QByteArray>
#include <QHttpServerResponder>
#include <QList>
#include <QObject>
#include <QPointer>

#include <memory>

#include "server/storagetypes.h"
#include "server/streamfilter.h"

class QTcpSocket;

namespace Sightline {

class PeerCloseWatcher;

// One open event stream (issue 4): the only class that touches the
// responder and the socket of a stream. Qt 6.4's QHttpServer has no
// streaming API, so it writes the status line and headers itself and then
// keeps writing body bytes; the body ends when the connection closes
// (RFC 9112 6.3 rule 8: no Content-Length, no chunking, "Connection: close").
// It takes the socket away from QHttpServer's request parser, so bytes the
// client sends afterwards are read and discarded, never answered in the
// middle of the stream.
//
// It also keeps the per-connection delivery state that makes resume exact:
// the last id written, and while the log is being replayed, the live events
// that arrived meanwhile (written after the replay, those at or below the
// last replayed id dropped).
//
// Owns the responder. Does not own the socket (QHttpServer deletes it when
// the peer disconnects; a QPointer notices). No timers: the StreamEndpoint
// runs one heartbeat tick and one expiry timer for all clients.
class StreamClientConnection : public QObject
{
    Q_OBJECT

public:
    enum class Phase { Replaying, Live, Closing };

    // lastEventId: the Last-Event-ID of the request (replay follows), or
    // nothing (live at once). maxUnsentBytes: the slow-client limit.
    StreamClientConnection(QHttpServerResponder &&responder, const StreamFilter &filter,
                           std::optional<quint64> lastEventId, qint64 maxUnsentBytes,
                           QObject *parent = nullptr);
    ~StreamClientConnection() override;

    // Writes the 200 status line, the headers and `firstBytes`, and takes
    // the socket over. False when the socket is already gone. With a valid
    // watcher, the peer's close is watched there instead of by the socket's
    // own read notifier (see PeerCloseWatcher).
    bool open(const QByteArray &firstBytes, PeerCloseWatcher *watcher = nullptr);

    const StreamFilter &filter() const { return m_filter; }
    Phase phase() const { return m_phase; }
    bool isOpen() const;

    // A live event (the frame is shared by every client): written now when
    // live, kept for later while replaying; ignored at or below the last id
    // written. False when the client went over its unsent-bytes limit (the
    // caller then drops it).
    bool deliverLive(quint64 id, const QByteArray &frame);
    // Whether a run of live events starting at firstId can go out as one
    // write: the client is live and has written nothing at or above it.
    bool canTakeLiveRun(quint64 firstId) const { return m_phase == Phase::Live && firstId > m_lastSentId; }
    // `count` live events up to lastId, their frames concatenated in id
    // order, in one write (only when canTakeLiveRun). False when over the limit.
    bool deliverLiveRun(quint64 lastId, int count, const QByteArray &frames);
    // Writes sent by the caller (FanOutSender, from any thread): when the
    // socket is open and has nothing queued, beginDirectWrite() books a
    // write and returns the descriptor to send() on; otherwise it returns -1
    // (use deliverUnlogged()). beginDirectLiveRun() is the same for a live
    // run, booking its ids (otherwise use deliverLiveRun()). After the send,
    // finishDirectWrite() with the bytes the kernel took queues the rest in
    // the socket; false when over the limit.
    int beginDirectWrite();
    int beginDirectLiveRun(quint64 lastId, int count);
    bool finishDirectWrite(const QByteArray &bytes, qsizetype sent) { return queueUnsent(bytes, sent); }
    // A replayed event of the log; ignored at or below the last id written.
    bool deliverReplayed(quint64 id, const QByteArray &frame);
    // A frame outside the log (system events, heartbeat comments).
    bool deliverUnlogged(const QByteArray &frame);
    // The replay has caught up to `id`: drop held live events at or below it.
    void dropHeldUpTo(quint64 id);
    // The replay is done: write the held live events above the last id
    // written and go live. False when over the limit.
    bool finishReplay();

    // The page of the log being replayed: events not yet written, and
    // whether the log has more after them.
    void setReplayPage(const QList<StoredEvent> &events, bool hasMore);
    bool hasReplayQueued() const { return m_replayNext < m_replayPage.size(); }
    const StoredEvent &takeReplayEvent() { return m_replayPage.at(m_replayNext++); }
    bool replayHasMore() const { return m_replayHasMore; }
    bool isReplayReadPending() const { return m_replayReadPending; }
    void setReplayReadPending(bool pending) { m_replayReadPending = pending; }
    // Whether the retention check of the first page was done.
    bool isRetentionChecked() const { return m_retentionChecked; }
    void setRetentionChecked() { m_retentionChecked = true; }

    // Where the replay of the log continues (the last id written or skipped).
    quint64 replayCursor() const { return m_replayCursor; }
    void setReplayCursor(quint64 id) { m_replayCursor = id; }
    quint64 lastSentId() const { return m_lastSentId; }
    std::optional<quint64> resumedFrom() const { return m_resumedFrom; }

    // Bytes written but not yet taken by the kernel plus held live frames.
    qint64 unsentBytes() const;
    bool isOverLimit() const { return unsentBytes() > m_maxUnsentBytes; }
    // Whether the socket has room for more replay (its unsent bytes below a
    // quarter of the limit; held live frames do not count, they shrink as
    // the replay passes them).
    bool canTakeMoreReplay() const;
    // Logged events (replayed or live) written to this client so far.
    quint64 eventsWritten() const { return m_eventsWritten; }
    // Monotonic milliseconds (steady clock) of the last write, for heartbeats.
    qint64 lastWriteMsecs() const { return m_lastWriteMsecs; }
    qint64 closingSinceMsecs() const { return m_closingSinceMsecs; }

    // Writes nothing more; closes once what was written has been sent.
    void closeGracefully();
    // Closes at once, discarding unsent bytes (a slow client, or a peer
    // the PeerCloseWatcher saw go away).
    void abort();
    // Pushes written bytes to the kernel now, without waiting (shutdown).
    void flush();

    // The steady clock all stream timing uses (milliseconds).
    static qint64 nowMsecs();

Q_SIGNALS:
    // The peer went away or the connection was closed; emitted once.
    void disconnected();
    // Unsent bytes went down while replaying: more replay may be written.
    void drained();

private:
    bool write(const QByteArray &frame);
    // The part of `frame` past `sent` (what the kernel did not take) goes
    // through the socket's buffer. False when over the limit.
    bool queueUnsent(const QByteArray &frame, qsizetype sent);
    void handleDisconnected();

    struct HeldFrame
    {
        quint64 id;
        QByteArray frame;
    };

    void stopWatching();

    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket; // not owned: QHttpServer's
    StreamFilter m_filter;
    Phase m_phase = Phase::Live;
    std::optional<quint64> m_resumedFrom;
    quint64 m_lastSentId = 0;
    quint64 m_replayCursor = 0;
    QList<StoredEvent> m_replayPage;
    qsizetype m_replayNext = 0;
    bool m_replayHasMore = false;
    bool m_replayReadPending = false;
    bool m_retentionChecked = false;
    QList<HeldFrame> m_held; // live events that arrived during the replay
    qint64 m_heldBytes = 0;
    qint64 m_maxUnsentBytes;
    qint64 m_lastWriteMsecs = 0;
    qint64 m_closingSinceMsecs = 0;
    quint64 m_eventsWritten = 0;
    bool m_disconnectedEmitted = false;
    QPointer<PeerCloseWatcher> m_watcher; // set while it watches our descriptor
    int m_watchedDescriptor = -1;
};

} // namespace Sightline
