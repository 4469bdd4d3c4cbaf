#pragma once

#include <QByteArray>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <vector>

namespace Sightline {

// Hands one fan-out's writes to the kernel from several threads at once.
//
// Why: on a stream fan-out almost all of the server's time is the kernel's
// send() path (bench/fanout, perf: ~6.5 µs per delivery, on loopback the
// receiver's TCP input included), so one event reaching 10,000 clients from
// one thread takes ~65 ms. Sockets do not share locks, so the sends of one
// fan-out spread over the cores: with two threads, bench/fanout's p99 at
// 10,000 clients × 10 events/s went from 84 to 56 ms (median of five runs).
//
// send() is a fork-join: the calling thread and up to threadCount() - 1 pool
// threads claim chunks of the writes from one atomic counter until none is
// left, and send() returns once every claimed chunk is done. A pool thread
// that starts late finds nothing left and costs nothing; the caller never
// waits for a thread that has not started, only for chunks in flight.
// Pool threads touch nothing but the descriptors and the bytes of the
// writes: no Qt object, no socket buffer. The caller keeps every descriptor
// open and every QByteArray unchanged until send() returns.
class FanOutSender
{
public:
    struct Write
    {
        int descriptor = -1;
        QByteArray bytes;
        // Filled by send(): bytes the kernel took (0..size), and errno when
        // it took none (EAGAIN for a full socket buffer, EPIPE, ...).
        qsizetype sent = 0;
        int error = 0;
    };

    // threads: how many threads send, the caller included (1: the caller
    // alone, no pool).
    explicit FanOutSender(int threads);
    ~FanOutSender();

    int threadCount() const { return m_threads; }
    // Writes sent by pool threads so far (the rest went out on callers).
    quint64 pooledWrites() const { return m_pooledWrites.load(std::memory_order_relaxed); }

    // One non-blocking send() per write (MSG_NOSIGNAL | MSG_DONTWAIT).
    // Fewer writes than two chunks go out on the calling thread alone.
    void send(std::vector<Write> &writes);
    // That send() for one write, on the calling thread.
    static void sendNow(Write &write);

    // Writes per claim: ~0.4 ms of sends, small enough that the caller
    // never waits long for a chunk in flight.
    static constexpr size_t kChunk = 64;

private:
    struct Job;
    struct Done
    {
        size_t chunks = 0;
        size_t writes = 0;
    };
    // Claims and sends chunks until none is left.
    static Done work(Job &job);

    int m_threads = 1;
    std::atomic<quint64> m_pooledWrites{0};
    QThreadPool m_pool;
};

} // namespace Sightline
