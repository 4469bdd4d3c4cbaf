#include "server/fanoutsender.h"

#include <QSemaphore>

#include <sys/socket.h>

#include <cerrno>

namespace Sightline {

// Shared by the caller and the pool tasks of one send(); a task that starts
// after send() returned still holds it, finds no chunk left and never reads
// `writes` (which may be gone by then).
struct FanOutSender::Job
{
    FanOutSender::Write *writes = nullptr;
    size_t count = 0;
    std::atomic<size_t> next{0};
    QSemaphore chunksDoneByPool;
};

FanOutSender::FanOutSender(int threads)
    : m_threads(qMax(1, threads))
{
    m_pool.setMaxThreadCount(qMax(1, m_threads - 1));
    m_pool.setExpiryTimeout(-1); // several fan-outs a second: keep the threads
    m_pool.setObjectName(QStringLiteral("FanOutSender"));
}

FanOutSender::~FanOutSender()
{
    m_pool.waitForDone();
}

void FanOutSender::sendNow(Write &write)
{
    const ssize_t sent = ::send(write.descriptor, write.bytes.constData(), size_t(write.bytes.size()),
                                MSG_NOSIGNAL | MSG_DONTWAIT);
    write.sent = sent > 0 ? qsizetype(sent) : 0;
    write.error = sent < 0 ? errno : 0;
}

FanOutSender::Done FanOutSender::work(Job &job)
{
    Done done;
    while (true) {
        const size_t begin = job.next.fetch_add(kChunk, std::memory_order_relaxed);
        if (begin >= job.count)
            return done;
        const size_t end = qMin(begin + kChunk, job.count);
        for (size_t i = begin; i < end; ++i)
            sendNow(job.writes[i]);
        ++done.chunks;
        done.writes += end - begin;
    }
}

void FanOutSender::send(std::vector<Write> &writes)
{
    auto job = std::make_shared<Job>();
    job->writes = writes.data();
    job->count = writes.size();
    const size_t chunks = (writes.size() + kChunk - 1) / kChunk;
    if (m_threads == 1 || chunks < 2) {
        work(*job);
        return;
    }
    const size_t helpers = qMin(size_t(m_threads - 1), chunks - 1);
    for (size_t i = 0; i < helpers; ++i) {
        // `this` outlives the task: the destructor waits for the pool.
        m_pool.start([this, job] {
            const Done done = work(*job);
            if (done.chunks == 0)
                return;
            m_pooledWrites.fetch_add(done.writes, std::memory_order_relaxed);
            job->chunksDoneByPool.release(int(done.chunks));
        });
    }
    const Done mine = work(*job);
    // Every chunk is claimed now; wait for those still in pool threads (the
    // semaphore's release/acquire also makes their results visible here).
    job->chunksDoneByPool.acquire(int(chunks - mine.chunks));
}

} // namespace Sightline
