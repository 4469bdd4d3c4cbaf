#include "server/peerclosewatcher.h"

#include <QSocketNotifier>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "server/logging.h"
#include "server/streamclientconnection.h"

namespace Sightline {

PeerCloseWatcher::PeerCloseWatcher(QObject *parent)
    : QObject(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
{
    if (m_epoll < 0) {
        qCWarning(lcServerHub) << "no epoll set for stream clients:" << qt_error_string(errno);
        return;
    }
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &PeerCloseWatcher::handleActivity);
}

PeerCloseWatcher::~PeerCloseWatcher()
{
    delete m_notifier;
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool PeerCloseWatcher::watch(int descriptor, StreamClientConnection *connection)
{
    if (m_epoll < 0 || descriptor < 0)
        return false;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = descriptor;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, descriptor, &event) != 0) {
        qCWarning(lcServerHub) << "cannot watch stream socket" << descriptor << ":" << qt_error_string(errno);
        return false;
    }
    m_watched.insert(descriptor, connection);
    return true;
}

void PeerCloseWatcher::unwatch(int descriptor, StreamClientConnection *connection)
{
    const auto it = m_watched.find(descriptor);
    if (it == m_watched.end() || it.value() != connection)
        return;
    m_watched.erase(it);
    // Fails harmlessly (EBADF, ENOENT) when the descriptor is closed already:
    // closing it took it out of the set.
    epoll_event unused{};
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, descriptor, &unused);
}

void PeerCloseWatcher::handleActivity()
{
    epoll_event events[256];
    const int count = ::epoll_wait(m_epoll, events, 256, 0);
    for (int i = 0; i < count; ++i) {
        const int descriptor = events[i].data.fd;
        StreamClientConnection *connection = m_watched.value(descriptor);
        if (!connection)
            continue;
        // Bytes after the request are read and dropped (QHttpServer must not
        // parse them as a pipelined request in the middle of the stream).
        bool gone = (events[i].events & (EPOLLHUP | EPOLLERR)) != 0;
        char scratch[4096];
        while (!gone) {
            const ssize_t got = ::recv(descriptor, scratch, sizeof scratch, MSG_DONTWAIT);
            if (got > 0)
                continue;
            gone = got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
            break;
        }
        if (gone)
            connection->abort(); // stops watching, emits disconnected(): the endpoint cleans up
    }
}

} // namespace Sightline
