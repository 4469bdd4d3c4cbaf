// Tests for FanOutSender: one fan-out's send() calls spread over threads,
// on real TCP connections over 127.0.0.1.
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "server/fanoutsender.h"

using namespace Sightline;

namespace {

// `count` connected TCP pairs on 127.0.0.1: we send on ours[i] and read
// theirs[i]. Both ends are non-blocking.
class TcpPairs
{
public:
    ~TcpPairs()
    {
        for (int fd : ours)
            ::close(fd);
        for (int fd : theirs)
            ::close(fd);
    }

    bool open(int count)
    {
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        bool ok = listener >= 0 && ::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
            && ::listen(listener, 128) == 0
            && ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) == 0;
        for (int i = 0; ok && i < count; ++i) {
            const int ours_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            ok = ours_ >= 0 && ::connect(ours_, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
            const int theirs_ = ok ? ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK) : -1;
            ok = ok && theirs_ >= 0;
            if (ours_ >= 0)
                ours.push_back(ours_);
            if (theirs_ >= 0)
                theirs.push_back(theirs_);
        }
        if (listener >= 0)
            ::close(listener);
        return ok;
    }

    // Reads what has arrived on theirs[i] (loopback delivers within the
    // sender's send(), so everything sent is already there).
    QByteArray readAll(size_t i) const
    {
        QByteArray data;
        char buffer[65536];
        ssize_t got = 0;
        while ((got = ::recv(theirs[i], buffer, sizeof buffer, 0)) > 0)
            data.append(buffer, got);
        return data;
    }

    std::vector<int> ours;
    std::vector<int> theirs;
};

// One write per pair, each with its own bytes and length.
std::vector<FanOutSender::Write> writesFor(const TcpPairs &pairs, int round = 0)
{
    std::vector<FanOutSender::Write> writes;
    for (size_t i = 0; i < pairs.ours.size(); ++i) {
        const QByteArray line = "data: round " + QByteArray::number(round) + " socket " + QByteArray::number(i) + "\n";
        writes.push_back(FanOutSender::Write{pairs.ours[i], line.repeated(1 + int(i % 7)) + '\n'});
    }
    return writes;
}

} // namespace

class tst_FanOutSender : public QObject
{
    Q_OBJECT

private slots:
    void everyWriteReachesItsOwnSocket();
    void poolThreadsShareTheWork();
    void fanOutsThePoolSkips_data();
    void fanOutsThePoolSkips();
    void fullAndBrokenSocketsSayWhatTheKernelTook();
};

void tst_FanOutSender::everyWriteReachesItsOwnSocket()
{
    TcpPairs pairs;
    QVERIFY(pairs.open(1000));
    FanOutSender sender(2);
    for (int round = 0; round < 3; ++round) {
        std::vector<FanOutSender::Write> writes = writesFor(pairs, round);
        sender.send(writes);
        for (size_t i = 0; i < writes.size(); ++i) {
            QCOMPARE(writes[i].error, 0);
            QCOMPARE(writes[i].sent, writes[i].bytes.size());
            QCOMPARE(pairs.readAll(i), writes[i].bytes);
        }
    }
}

void tst_FanOutSender::poolThreadsShareTheWork()
{
    TcpPairs pairs;
    QVERIFY(pairs.open(1000));
    FanOutSender sender(2);
    QCOMPARE(sender.threadCount(), 2);
    // Whether the pool thread gets a chunk of one fan-out depends on the
    // scheduler; over a few fan-outs it does.
    int round = 0;
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 std::vector<FanOutSender::Write> writes = writesFor(pairs, ++round);
                                 sender.send(writes);
                                 for (size_t i = 0; i < writes.size(); ++i) {
                                     if (writes[i].sent != writes[i].bytes.size() || pairs.readAll(i) != writes[i].bytes)
                                         qFatal("write %zu of round %d did not arrive whole", i, round);
                                 }
                                 return sender.pooledWrites() > 0;
                             }()),
                             20000);
}

void tst_FanOutSender::fanOutsThePoolSkips_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("writes");
    QTest::newRow("one chunk, four threads") << 4 << int(FanOutSender::kChunk);
    QTest::newRow("one thread, many chunks") << 1 << 500;
}

void tst_FanOutSender::fanOutsThePoolSkips()
{
    QFETCH(int, threads);
    QFETCH(int, writes);
    TcpPairs pairs;
    QVERIFY(pairs.open(writes));
    FanOutSender sender(threads);
    std::vector<FanOutSender::Write> all = writesFor(pairs);
    sender.send(all);
    QCOMPARE(sender.pooledWrites(), quint64(0));
    for (size_t i = 0; i < all.size(); ++i)
        QCOMPARE(pairs.readAll(i), all[i].bytes);
}

void tst_FanOutSender::fullAndBrokenSocketsSayWhatTheKernelTook()
{
    TcpPairs pairs;
    QVERIFY(pairs.open(500));
    const size_t full = 7;     // its peer reads nothing: 8 MiB cannot all fit
    const size_t broken = 300; // shut down for writing: EPIPE
    QCOMPARE(::shutdown(pairs.ours[broken], SHUT_WR), 0);
    // Small buffers at both ends, so that what fits does not depend on the
    // machine's TCP memory settings.
    const int small = 64 * 1024;
    QCOMPARE(::setsockopt(pairs.ours[full], SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
    QCOMPARE(::setsockopt(pairs.theirs[full], SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    FanOutSender sender(2);
    std::vector<FanOutSender::Write> writes = writesFor(pairs);
    writes[full].bytes = QByteArray(8 << 20, 'x');
    sender.send(writes);

    QVERIFY2(writes[full].sent > 0 && writes[full].sent < writes[full].bytes.size(),
             qPrintable(QString::number(writes[full].sent)));
    QCOMPARE(writes[full].error, 0);
    QCOMPARE(writes[broken].sent, qsizetype(0));
    QCOMPARE(writes[broken].error, EPIPE);
    for (size_t i = 0; i < writes.size(); ++i) {
        if (i == full || i == broken)
            continue;
        QCOMPARE(writes[i].sent, writes[i].bytes.size());
        QCOMPARE(pairs.readAll(i), writes[i].bytes);
    }

    // Once full, the kernel takes nothing and says why. (A few more sends
    // may still fit: the peer's receive queue takes what its window allows.)
    std::vector<FanOutSender::Write> again;
    for (int attempt = 0; attempt < 100; ++attempt) {
        again = {FanOutSender::Write{pairs.ours[full], QByteArray(1 << 20, 'y')}};
        sender.send(again);
        if (again[0].sent == 0)
            break;
    }
    QCOMPARE(again[0].sent, qsizetype(0));
    QCOMPARE(again[0].error, EAGAIN);
}

QTEST_GUILESS_MAIN(tst_FanOutSender)
#include "tst_fanoutsender.moc"
