#pragma once

#include <QHash>
#include <QObject>

class QSocketNotifier;

namespace Sightline {

class StreamClientConnection;

// Watches the sockets of open event streams for their peer going away,
// through one epoll set behind one QSocketNotifier.
//
// Why: Qt's glib event dispatcher hands every enabled socket notifier to
// poll() on every turn of the event loop, and each QTcpSocket keeps a read
// notifier. With 10,000 stream clients, that poll() over 10,000 descriptors
// (a few milliseconds, several times per published event) was a quarter of
// the server's time and most of the fan-out's latency (bench/fanout, perf).
// A stream client sends nothing after its request, so its socket's only
// news is the peer closing; one epoll set carries that for all of them.
//
// The connection disables its QTcpSocket's read notifier and watches its
// descriptor here; what arrives is read and discarded, and end of stream or
// an error closes the connection (StreamClientConnection::abort()).
class PeerCloseWatcher : public QObject
{
    Q_OBJECT

public:
    explicit PeerCloseWatcher(QObject *parent = nullptr);
    ~PeerCloseWatcher() override;

    // False when epoll could not be set up (connections keep Qt's notifiers).
    bool isValid() const { return m_epoll >= 0; }
    bool watch(int descriptor, StreamClientConnection *connection);
    // Only when descriptor is still connection's: a closed descriptor's
    // number may already belong to a newer connection.
    void unwatch(int descriptor, StreamClientConnection *connection);
    int watchedCount() const { return int(m_watched.size()); }

private:
    void handleActivity();

    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    QHash<int, StreamClientConnection *> m_watched;
};

} // namespace Sightline
