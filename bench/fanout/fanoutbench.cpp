// sightline-bench-fanout: the load generator of bench/fanout (issue 4). One thread, one
// epoll set, plain non-blocking sockets: N event-stream subscribers and a
// publisher posting R points per second, against sightline-server
// (GET /api/v1/telemetry/stream + POST /api/v1/telemetry) or nginx + nchan
// (an eventsource subscriber location + a publisher location).
//
// Each published point carries its sequence number and its send time in
// microseconds ("pseq", "sent_us"); a subscriber's latency is its receive
// time minus sent_us, and a point it never sees is lost. The receive time is
// the kernel's: the moment the bytes reached the subscriber's socket
// (SO_TIMESTAMPNS on each recvmsg), not the moment this one thread got round
// to reading them, which on a shared 2-core machine says more about the load
// generator than about the server. The read time is reported as well. Server
// CPU and resident memory come from /proc/<pid>.
//
// Deliberately not Qt: one QTcpSocket per client would cost more than the
// server being measured.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

enum class Kind { Sightline, Nchan };

struct Options
{
    Kind kind = Kind::Sightline;
    std::vector<int> ports; // clients and publishers spread over them (several server instances)
    int clients = 100;
    int rate = 10;
    double seconds = 10;
    std::string token;     // sightline: access token
    std::string deviceKey; // sightline: x-api-key
    std::string deviceId = "bench-01";
    std::string subPath = "/sub";
    std::string pubPath = "/pub";
    std::vector<int> pids; // server processes to sample
    int connectBatch = 500;
    int publishers = 32; // keep-alive publisher connections
    // Optional pause after each epoll wait, so that one wake-up reads many
    // sockets instead of every delivery waking this thread (on loopback the
    // wake-up is paid in the server's send(); a client on another machine
    // costs the server nothing there). Latency is unaffected: the kernel
    // stamps it. Off by default.
    int readPauseUs = 0;
    std::string label;
};

int64_t nowUs()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

double monoSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

[[noreturn]] void die(const char *what)
{
    std::fprintf(stderr, "sightline-bench-fanout: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

std::string rfc3339Ms(int64_t us)
{
    const time_t secs = time_t(us / 1000000);
    tm utc{};
    gmtime_r(&secs, &utc);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, int((us / 1000) % 1000));
    return buf;
}

// utime + stime in clock ticks, and VmRSS in KiB, summed over the pids.
struct ProcSample
{
    long long ticks = 0;
    long long rssKb = 0;
};

ProcSample sample(const std::vector<int> &pids)
{
    ProcSample out;
    for (int pid : pids) {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string line;
        std::getline(stat, line);
        const auto close = line.rfind(')');
        if (close != std::string::npos) {
            std::istringstream rest(line.substr(close + 2));
            std::string field;
            std::vector<std::string> fields;
            while (rest >> field)
                fields.push_back(field);
            // fields[0] is state (field 3); utime is field 14, stime 15.
            if (fields.size() > 12)
                out.ticks += std::atoll(fields[11].c_str()) + std::atoll(fields[12].c_str());
        }
        std::ifstream status("/proc/" + std::to_string(pid) + "/status");
        while (std::getline(status, line)) {
            if (line.rfind("VmRSS:", 0) == 0)
                out.rssKb += std::atoll(line.c_str() + 6);
        }
    }
    return out;
}

// The 1-minute load average: the machine is shared, so say how busy it was.
double loadAverage()
{
    std::ifstream in("/proc/loadavg");
    double one = 0;
    in >> one;
    return one;
}

int connectTo(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket");
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0)
        die("setsockopt SO_TIMESTAMPNS");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
        die("connect");
    return fd;
}

// A number after `"key":` in text (JSON as either server writes it).
bool findNumber(const char *begin, const char *end, const char *key, double *value)
{
    const size_t keyLen = std::strlen(key);
    const char *p = begin;
    while (true) {
        p = static_cast<const char *>(memmem(p, size_t(end - p), key, keyLen));
        if (!p)
            return false;
        p += keyLen;
        while (p < end && (*p == ' ' || *p == ':'))
            ++p;
        char *stop = nullptr;
        *value = std::strtod(p, &stop);
        return stop != p;
    }
}

struct Subscriber
{
    int fd = -1;
    bool requestSent = false;
    bool headersDone = false;
    bool failed = false;
    bool closed = false;
    std::string buffer;
    int64_t received = 0;
    int64_t duplicates = 0;
    int64_t outOfOrder = 0; // sightline: an event id at or below the previous one
    uint64_t lastEventId = 0;
    std::vector<uint8_t> seen; // by pseq: parallel publishers make arrival order differ from pseq order
};

struct Publisher
{
    int fd = -1;
    bool connected = false;
    bool busy = false;
    long long seq = -1; // the point in flight
    std::string in;
};

// epoll user data: index with a tag in the top bits.
constexpr uint64_t kSubTag = 1ull << 62;
constexpr uint64_t kPubTag = 1ull << 61;
constexpr uint64_t kTimerTag = 1ull << 60;

class Bench
{
public:
    explicit Bench(const Options &options)
        : m_o(options)
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        if (m_epoll < 0)
            die("epoll_create1");
    }

    int run()
    {
        // A server that just signed a user in may still hold the password
        // hash's memory: wait until its resident size settles (10 s at most).
        ProcSample base = sample(m_o.pids);
        for (int i = 0; i < 50; ++i) {
            usleep(200 * 1000);
            const ProcSample again = sample(m_o.pids);
            const bool settled = std::llabs(again.rssKb - base.rssKb) < 256;
            base = again;
            if (settled)
                break;
        }
        if (!connectSubscribers())
            return 1;
        const ProcSample connected = sample(m_o.pids);
        connectPublishers();

        // Publish for the given time.
        m_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        itimerspec spec{};
        const long long intervalNs = 1000000000LL / std::max(1, m_o.rate);
        spec.it_interval.tv_sec = intervalNs / 1000000000LL;
        spec.it_interval.tv_nsec = intervalNs % 1000000000LL;
        spec.it_value = spec.it_interval;
        timerfd_settime(m_timer, 0, &spec, nullptr);
        add(m_timer, kTimerTag, EPOLLIN);
        const double start = monoSeconds();
        const ProcSample cpuStart = sample(m_o.pids);
        rusage selfStart{};
        getrusage(RUSAGE_SELF, &selfStart);
        const long long toPublish = (long long)(m_o.rate * m_o.seconds);
        const double giveUp = start + m_o.seconds + 60;
        while (m_published < toPublish && monoSeconds() < giveUp)
            poll(100);
        if (m_published < toPublish)
            std::fprintf(stderr, "sightline-bench-fanout: %lld of %lld points sent in time; the rest go out while draining\n",
                         m_published, toPublish);
        const double publishEnd = monoSeconds();
        const ProcSample cpuEnd = sample(m_o.pids);
        rusage selfEnd{};
        getrusage(RUSAGE_SELF, &selfEnd);
        const auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
        const double elapsed = monoSeconds() - start;
        m_selfCpuPct = 100.0 * (seconds(selfEnd.ru_utime) - seconds(selfStart.ru_utime) + seconds(selfEnd.ru_stime)
                                - seconds(selfStart.ru_stime)) / elapsed;
        // This program's own code; the rest is the kernel receiving for it.
        m_selfUserCpuPct = 100.0 * (seconds(selfEnd.ru_utime) - seconds(selfStart.ru_utime)) / elapsed;
        const itimerspec stop{};
        timerfd_settime(m_timer, 0, &stop, nullptr);

        // Drain: every point to every live subscriber, or 30 s (on a shared,
        // overloaded machine late is not lost: "lost" is what never came).
        const double drainUntil = monoSeconds() + 30;
        while (monoSeconds() < drainUntil && (!m_backlog.empty() || m_acked < m_published || !allReceived()))
            poll(50);

        report(base, connected, cpuStart, cpuEnd, publishEnd - start);
        return 0;
    }

private:
    void add(int fd, uint64_t data, uint32_t events)
    {
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 = data;
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0)
            die("epoll_ctl add");
    }
    void modify(int fd, uint64_t data, uint32_t events)
    {
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 = data;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
    }

    std::string subscribeRequest() const
    {
        std::string request;
        if (m_o.kind == Kind::Sightline) {
            request = "GET /api/v1/telemetry/stream?types=telemetry HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Accept: text/event-stream\r\nAuthorization: Bearer "
                + m_o.token + "\r\n\r\n";
        } else {
            request = "GET " + m_o.subPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
        }
        return request;
    }

    bool connectSubscribers()
    {
        m_subs.resize(size_t(m_o.clients));
        const std::string request = subscribeRequest();
        int next = 0;
        int ready = 0;
        const double deadline = monoSeconds() + 300;
        while (ready + m_failedSubs < m_o.clients) {
            // Keep at most one batch of connections in progress.
            while (next < m_o.clients && next - ready - m_failedSubs < m_o.connectBatch) {
                Subscriber &sub = m_subs[size_t(next)];
                sub.fd = connectTo(m_o.ports[size_t(next) % m_o.ports.size()]);
                add(sub.fd, kSubTag | uint64_t(next), EPOLLOUT | EPOLLIN | EPOLLRDHUP);
                ++next;
            }
            poll(100);
            ready = m_readySubs;
            if (monoSeconds() > deadline) {
                std::fprintf(stderr, "sightline-bench-fanout: only %d of %d subscribers ready after 300 s\n", ready,
                             m_o.clients);
                return false;
            }
        }
        (void)request;
        if (m_failedSubs > 0)
            std::fprintf(stderr, "sightline-bench-fanout: %d subscribers failed to open\n", m_failedSubs);
        return m_readySubs > 0;
    }

    void connectPublishers()
    {
        m_pubs.resize(size_t(m_o.publishers));
        for (size_t i = 0; i < m_pubs.size(); ++i) {
            m_pubs[i].fd = connectTo(m_o.ports[i % m_o.ports.size()]);
            add(m_pubs[i].fd, kPubTag | i, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
        }
        const double deadline = monoSeconds() + 10;
        while (monoSeconds() < deadline) {
            poll(10);
            bool all = true;
            for (const Publisher &p : m_pubs)
                all = all && p.connected;
            if (all)
                return;
        }
    }

    void poll(int timeoutMs)
    {
        epoll_event events[1024];
        const int n = epoll_wait(m_epoll, events, 1024, timeoutMs);
        for (int i = 0; i < n; ++i) {
            const uint64_t data = events[i].data.u64;
            if (data & kTimerTag)
                handleTimer();
            else if (data & kSubTag)
                handleSubscriber(size_t(data & ~kSubTag), events[i].events);
            else if (data & kPubTag)
                handlePublisher(size_t(data & ~kPubTag), events[i].events);
        }
        if (n > 0 && n < 1024 && m_o.readPauseUs > 0)
            usleep(useconds_t(m_o.readPauseUs));
    }

    void handleSubscriber(size_t index, uint32_t events)
    {
        Subscriber &sub = m_subs[index];
        if (sub.closed)
            return;
        if (!sub.requestSent && (events & EPOLLOUT)) {
            static const std::string request = subscribeRequest();
            if (send(sub.fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) {
                failSub(sub);
                return;
            }
            sub.requestSent = true;
            modify(sub.fd, kSubTag | index, EPOLLIN | EPOLLRDHUP);
        }
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            char buf[65536];
            while (true) {
                // The kernel stamps each segment as it arrives; recvmsg()
                // hands back the stamp of the last segment it read, so an
                // event that shares a read with a later one is counted late,
                // never early.
                iovec iov{buf, sizeof buf};
                alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
                msghdr msg{};
                msg.msg_iov = &iov;
                msg.msg_iovlen = 1;
                msg.msg_control = control;
                msg.msg_controllen = sizeof control;
                const ssize_t got = recvmsg(sub.fd, &msg, 0);
                if (got > 0) {
                    const int64_t readAt = nowUs();
                    int64_t arrivedAt = 0;
                    for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                            timespec ts{};
                            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
                            arrivedAt = int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
                        }
                    }
                    if (arrivedAt == 0) { // no stamp: count it as read
                        arrivedAt = readAt;
                        ++m_unstamped;
                    }
                    sub.buffer.append(buf, size_t(got));
                    consume(sub, arrivedAt, readAt);
                    if (sub.closed)
                        return;
                    if (size_t(got) < sizeof buf)
                        break;
                    continue;
                }
                if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                    if (sub.headersDone)
                        ++m_closedSubs;
                    else
                        failSub(sub);
                    closeSub(sub);
                }
                break;
            }
        }
    }

    void failSub(Subscriber &sub)
    {
        if (!sub.failed && !sub.headersDone) {
            sub.failed = true;
            ++m_failedSubs;
        }
    }
    void closeSub(Subscriber &sub)
    {
        if (!sub.closed) {
            sub.closed = true;
            close(sub.fd);
        }
    }

    void consume(Subscriber &sub, int64_t arrivedAt, int64_t readAt)
    {
        if (!sub.headersDone) {
            const size_t end = sub.buffer.find("\r\n\r\n");
            if (end == std::string::npos)
                return;
            if (sub.buffer.compare(0, 12, "HTTP/1.1 200") != 0) {
                std::fprintf(stderr, "sightline-bench-fanout: subscriber refused: %.80s\n", sub.buffer.c_str());
                failSub(sub);
                closeSub(sub);
                return;
            }
            sub.headersDone = true;
            ++m_readySubs;
            sub.buffer.erase(0, end + 4);
        }
        // Complete SSE blocks end with a blank line.
        size_t start = 0;
        while (true) {
            const size_t end = sub.buffer.find("\n\n", start);
            if (end == std::string::npos)
                break;
            const char *b = sub.buffer.data() + start;
            const char *e = sub.buffer.data() + end;
            double seq = 0;
            double sentUs = 0;
            if (findNumber(b, e, "\"pseq\"", &seq) && findNumber(b, e, "\"sent_us\"", &sentUs)) {
                const size_t s = size_t(seq);
                const char *line = b;
                while (line < e && *line == ':') { // heartbeat comments in front
                    const char *nl = static_cast<const char *>(std::memchr(line, '\n', size_t(e - line)));
                    line = nl ? nl + 1 : e;
                }
                if (m_o.kind == Kind::Sightline && size_t(e - line) > 4 && std::memcmp(line, "id: ", 4) == 0) {
                    const uint64_t id = std::strtoull(line + 4, nullptr, 10);
                    if (id <= sub.lastEventId)
                        ++sub.outOfOrder;
                    sub.lastEventId = id;
                }
                if (sub.seen.size() <= s)
                    sub.seen.resize(std::max(s + 1, size_t(m_o.rate * m_o.seconds)), 0);
                if (sub.seen[s]) {
                    ++sub.duplicates;
                } else {
                    sub.seen[s] = 1;
                    ++sub.received;
                    const auto micros = [](int64_t us) { return uint32_t(std::clamp<int64_t>(us, 0, UINT32_MAX)); };
                    m_latencies.push_back(micros(arrivedAt - int64_t(sentUs)));
                    m_readLatencies.push_back(micros(readAt - int64_t(sentUs)));
                }
            }
            start = end + 2;
        }
        if (start > 0)
            sub.buffer.erase(0, start);
    }

    void handleTimer()
    {
        uint64_t expirations = 0;
        if (read(m_timer, &expirations, sizeof expirations) != sizeof expirations)
            return;
        const long long toPublish = (long long)(m_o.rate * m_o.seconds);
        for (uint64_t i = 0; i < expirations && m_queued < toPublish; ++i)
            m_backlog.push_back(m_queued++);
        pump();
    }

    std::string publishRequest(long long seq) const
    {
        const int64_t sent = nowUs();
        char body[512];
        std::string request;
        if (m_o.kind == Kind::Sightline) {
            std::snprintf(body, sizeof body,
                          "{\"deviceId\":\"%s\",\"ts\":\"%s\",\"seq\":%lld,\"fields\":{\"pseq\":%lld,"
                          "\"sent_us\":%" PRId64 ",\"cpu_temp_c\":47.5,\"gpu_util_pct\":31}}",
                          m_o.deviceId.c_str(), rfc3339Ms(sent).c_str(), seq + m_seqBase, seq, sent);
            request = "POST /api/v1/telemetry HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "x-api-key: "
                + m_o.deviceKey + "\r\nContent-Length: " + std::to_string(std::strlen(body)) + "\r\n\r\n" + body;
        } else {
            std::snprintf(body, sizeof body,
                          "{\"deviceId\":\"%s\",\"ts\":\"%s\",\"seq\":%lld,\"fields\":{\"pseq\":%lld,"
                          "\"sent_us\":%" PRId64 ",\"cpu_temp_c\":47.5,\"gpu_util_pct\":31}}",
                          m_o.deviceId.c_str(), rfc3339Ms(sent).c_str(), seq + m_seqBase, seq, sent);
            request = "POST " + m_o.pubPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Content-Length: "
                + std::to_string(std::strlen(body)) + "\r\n\r\n" + body;
        }
        return request;
    }

    // Sends queued points on idle publisher connections (one request each).
    void pump()
    {
        for (Publisher &pub : m_pubs) {
            if (m_backlog.empty())
                return;
            if (!pub.connected || pub.busy)
                continue;
            const long long seq = m_backlog.front();
            m_backlog.pop_front();
            const std::string request = publishRequest(seq);
            if (send(pub.fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) {
                std::fprintf(stderr, "sightline-bench-fanout: publisher send failed\n");
                ++m_publishErrors;
                continue;
            }
            pub.busy = true;
            pub.seq = seq;
            ++m_published;
        }
        if (!m_backlog.empty())
            ++m_publisherWaits;
    }

    void handlePublisher(size_t index, uint32_t events)
    {
        Publisher &pub = m_pubs[index];
        if (!pub.connected && (events & EPOLLOUT)) {
            pub.connected = true;
            modify(pub.fd, kPubTag | index, EPOLLIN | EPOLLRDHUP);
            pump();
        }
        if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)))
            return;
        char buf[16384];
        while (true) {
            const ssize_t got = recv(pub.fd, buf, sizeof buf, 0);
            if (got <= 0) {
                if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                    std::fprintf(stderr, "sightline-bench-fanout: publisher connection closed\n");
                    pub.connected = false;
                    close(pub.fd);
                }
                break;
            }
            pub.in.append(buf, size_t(got));
        }
        // One response: headers, then Content-Length bytes.
        while (true) {
            const size_t end = pub.in.find("\r\n\r\n");
            if (end == std::string::npos)
                break;
            size_t length = 0;
            std::string head = pub.in.substr(0, end);
            for (auto &c : head)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            const size_t cl = head.find("content-length:");
            if (cl != std::string::npos)
                length = size_t(std::atoll(head.c_str() + cl + 15));
            if (pub.in.size() < end + 4 + length)
                break;
            const int status = std::atoi(pub.in.c_str() + 9);
            if (status < 200 || status >= 300) {
                ++m_publishErrors;
                if (m_publishErrors < 5)
                    std::fprintf(stderr, "sightline-bench-fanout: publish answered %.200s\n", pub.in.c_str());
            } else if (pub.seq >= 0) {
                // Only acknowledged points can be lost: the server said it took them.
                if (m_ackedOk.size() <= size_t(pub.seq))
                    m_ackedOk.resize(size_t(pub.seq) + 1, 0);
                m_ackedOk[size_t(pub.seq)] = 1;
            }
            pub.seq = -1;
            pub.in.erase(0, end + 4 + length);
            pub.busy = false;
            ++m_acked;
        }
        pump();
    }

    bool allReceived() const
    {
        for (const Subscriber &sub : m_subs) {
            if (sub.headersDone && !sub.closed && sub.received < m_published - m_publishErrors)
                return false;
        }
        return true;
    }

    // Acknowledged points this subscriber never received.
    long long missing(const Subscriber &sub) const
    {
        long long count = 0;
        for (size_t seq = 0; seq < m_ackedOk.size(); ++seq) {
            if (m_ackedOk[seq] && (seq >= sub.seen.size() || !sub.seen[seq]))
                ++count;
        }
        return count;
    }

    void report(const ProcSample &base, const ProcSample &connected, const ProcSample &cpuStart,
                const ProcSample &cpuEnd, double seconds)
    {
        const ProcSample end = sample(m_o.pids);
        std::vector<uint32_t> lat = m_latencies;
        std::sort(lat.begin(), lat.end());
        std::vector<uint32_t> readLat = m_readLatencies;
        std::sort(readLat.begin(), readLat.end());
        const auto percentile = [](const std::vector<uint32_t> &sorted, double p) -> double {
            if (sorted.empty())
                return 0;
            return sorted[std::min(sorted.size() - 1, size_t(p * double(sorted.size())))] / 1000.0;
        };
        const auto pct = [&](double p) { return percentile(lat, p); };
        const long long goodPoints = m_published - m_publishErrors;
        long long expected = 0;
        long long got = 0;
        long long lost = 0;
        const long long acked = std::count(m_ackedOk.begin(), m_ackedOk.end(), uint8_t(1));
        long long disorder = 0;
        long long duplicates = 0;
        int live = 0;
        for (const Subscriber &sub : m_subs) {
            if (!sub.headersDone)
                continue;
            expected += goodPoints;
            got += sub.received;
            lost += missing(sub);
            disorder += sub.outOfOrder;
            duplicates += sub.duplicates;
            if (!sub.closed)
                ++live;
        }
        const double ticksPerSec = double(sysconf(_SC_CLK_TCK));
        const double cpu = seconds > 0 ? 100.0 * double(cpuEnd.ticks - cpuStart.ticks) / ticksPerSec / seconds : 0;
        const double cpuUsPerDelivery = goodPoints > 0 && live > 0
            ? 1e6 * double(cpuEnd.ticks - cpuStart.ticks) / ticksPerSec / double(goodPoints * live)
            : 0;
        const double perClientKb =
            m_readySubs > 0 ? double(connected.rssKb - base.rssKb) / double(m_readySubs) : 0;
        std::printf("RESULT label=%s clients=%d ready=%d open_at_end=%d rate=%d published=%lld publish_errors=%lld "
                    "acked=%lld deliveries=%lld lost=%lld late=%lld duplicates=%lld out_of_order=%lld p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
                    "server_cpu_pct=%.1f cpu_us_per_delivery=%.2f rss_base_mb=%.1f rss_connected_mb=%.1f rss_end_mb=%.1f "
                    "rss_per_client_kb=%.1f publisher_waits=%lld loadgen_cpu_pct=%.1f loadgen_user_cpu_pct=%.1f loadavg=%.2f "
                    "read_p50_ms=%.2f read_p99_ms=%.2f "
                    "unstamped=%lld\n",
                    m_o.label.empty() ? "-" : m_o.label.c_str(), m_o.clients, m_readySubs, live, m_o.rate,
                    m_published, m_publishErrors, acked, got, lost, expected - got - lost, duplicates, disorder, pct(0.50), pct(0.99),
                    lat.empty() ? 0.0 : lat.back() / 1000.0, cpu, cpuUsPerDelivery, base.rssKb / 1024.0, connected.rssKb / 1024.0,
                    end.rssKb / 1024.0, perClientKb, m_publisherWaits, m_selfCpuPct, m_selfUserCpuPct, loadAverage(),
                    percentile(readLat, 0.50), percentile(readLat, 0.99), m_unstamped);
        std::fflush(stdout);
    }

    Options m_o;
    int m_epoll = -1;
    int m_timer = -1;
    std::vector<Subscriber> m_subs;
    std::vector<Publisher> m_pubs;
    std::deque<long long> m_backlog;
    std::vector<uint32_t> m_latencies;     // sent -> arrived in the subscriber's socket
    std::vector<uint32_t> m_readLatencies; // sent -> read by this program
    long long m_unstamped = 0;
    std::vector<uint8_t> m_ackedOk; // by pseq: the publish was answered 2xx
    int m_readySubs = 0;
    int m_failedSubs = 0;
    int m_closedSubs = 0;
    long long m_queued = 0;
    long long m_published = 0;
    long long m_acked = 0;
    long long m_publishErrors = 0;
    long long m_publisherWaits = 0;
    double m_selfCpuPct = 0;
    double m_selfUserCpuPct = 0;
    // Device seq values must not repeat across runs on one data dir (the
    // server drops duplicates): start from the wall clock.
    long long m_seqBase = nowUs() / 1000;
};

void usage()
{
    std::fprintf(stderr,
                 "usage: sightline-bench-fanout --kind sightline|nchan --port P [--port P2]... --clients N --rate R --seconds S\n"
                 "       [--token JWT --device-key KEY --device-id ID]   (sightline)\n"
                 "       [--sub-path /sub --pub-path /pub]              (nchan)\n"
                 "       [--pid PID]... [--connect-batch 500] [--publishers 32] [--read-pause-us 0] [--label TEXT]\n");
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--kind") {
            const std::string kind = value();
            o.kind = kind == "nchan" ? Kind::Nchan : Kind::Sightline;
        } else if (arg == "--port") {
            o.ports.push_back(std::atoi(value().c_str()));
        } else if (arg == "--clients") {
            o.clients = std::atoi(value().c_str());
        } else if (arg == "--rate") {
            o.rate = std::atoi(value().c_str());
        } else if (arg == "--seconds") {
            o.seconds = std::atof(value().c_str());
        } else if (arg == "--token") {
            o.token = value();
        } else if (arg == "--device-key") {
            o.deviceKey = value();
        } else if (arg == "--device-id") {
            o.deviceId = value();
        } else if (arg == "--sub-path") {
            o.subPath = value();
        } else if (arg == "--pub-path") {
            o.pubPath = value();
        } else if (arg == "--pid") {
            o.pids.push_back(std::atoi(value().c_str()));
        } else if (arg == "--connect-batch") {
            o.connectBatch = std::atoi(value().c_str());
        } else if (arg == "--publishers") {
            o.publishers = std::atoi(value().c_str());
        } else if (arg == "--read-pause-us") {
            o.readPauseUs = std::atoi(value().c_str());
        } else if (arg == "--label") {
            o.label = value();
        } else {
            usage();
            return 2;
        }
    }
    if (o.ports.empty() || o.ports.front() <= 0 || o.clients <= 0 || o.rate <= 0) {
        usage();
        return 2;
    }
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    if (rlim_t(o.clients + o.publishers + 16) > limit.rlim_cur) {
        std::fprintf(stderr, "sightline-bench-fanout: %d clients need more than the open-file limit %llu\n", o.clients,
                     static_cast<unsigned long long>(limit.rlim_cur));
        return 1;
    }
    Bench bench(o);
    return bench.run();
}
