// SPDX-License-Identifier: GPL-3.0-or-later
#include "memorysampler.h"

#include "core/bench/procfs.h"

#include <pthread.h>
#include <sched.h>

namespace qs {

namespace {
double cpuSecondsOf(clockid_t clock)
{
    timespec ts{};
    if (clock_gettime(clock, &ts) != 0)
        return 0;
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}
} // namespace

MemorySampler::MemorySampler(int hz) : m_hz(std::max(hz, 0)), m_origin(std::chrono::steady_clock::now())
{
    m_timeline.hz = m_hz;
    m_timeline.source = QStringLiteral("statm");
    if (m_hz > 0) {
        // A minute of samples without reallocating in the sampling loop.
        const int reserve = std::min(m_hz * 60, 120000);
        m_timeline.tUs.reserve(reserve);
        m_timeline.anonBytes.reserve(reserve);
        m_timeline.fileBytes.reserve(reserve);
    }
}

MemorySampler::~MemorySampler()
{
    stop();
}

void MemorySampler::start()
{
    if (m_hz <= 0 || m_thread.joinable())
        return;
    {
        std::lock_guard<std::mutex> lock(m_wakeMutex);
        m_stop = false;
    }
    m_thread = std::thread([this] { loop(); });
    m_haveCpuClock = pthread_getcpuclockid(m_thread.native_handle(), &m_cpuClock) == 0;
}

void MemorySampler::yieldToWork()
{
    // The measurement comes first: as SCHED_IDLE the sampler only gets a core nothing else wants.
    // With fewer compute threads than cores it samples at full rate on a free core; with as many
    // threads as cores it samples when a core idles instead of preempting a compute thread, which
    // on OpenMP/OpenBLAS pools costs a whole parallel region its spinning workers (measured: +5%
    // median at 2 threads on 2 cores at normal priority). Refused: the normal policy stays.
    if (!m_thread.joinable())
        return;
    sched_param idle{};
    pthread_setschedparam(m_thread.native_handle(), SCHED_IDLE, &idle);
}

void MemorySampler::stop()
{
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard<std::mutex> lock(m_wakeMutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
    m_haveCpuClock = false;
}

double MemorySampler::elapsedMs() const
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_origin).count();
}

void MemorySampler::append(qint64 tUs, qint64 anon, qint64 file)
{
    m_timeline.tUs << tUs;
    m_timeline.anonBytes << anon;
    m_timeline.fileBytes << file;
}

void MemorySampler::loop()
{
    pthread_setname_np(pthread_self(), "qs-memsampler");
    procfs::StatmReader reader;
    const auto period = std::chrono::nanoseconds(1000000000LL / m_hz);
    auto next = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> wakeLock(m_wakeMutex);
    while (!m_stop) {
        wakeLock.unlock();
        const procfs::Rss rss = reader.read();
        {
            QMutexLocker lock(&m_mutex);
            // The time is taken under the lock so that samples from sampleNow() stay in order.
            const auto now = std::chrono::steady_clock::now();
            append(std::chrono::duration_cast<std::chrono::microseconds>(now - m_origin).count(), rss.anon, rss.file);
            next += period;
            if (now > next) {
                // Late (the machine is busy): skip the missed ticks instead of bursting.
                m_late.fetch_add(1, std::memory_order_relaxed);
                next = now + period;
            }
        }
        wakeLock.lock();
        m_wake.wait_until(wakeLock, next, [this] { return m_stop; });
    }
    m_cpuSeconds.store(cpuSecondsOf(CLOCK_THREAD_CPUTIME_ID));
}

qint64 MemorySampler::sampleNow()
{
    static thread_local procfs::StatmReader reader;
    const procfs::Rss rss = reader.read();
    QMutexLocker lock(&m_mutex);
    append(qint64(elapsedMs() * 1000.0), rss.anon, rss.file);
    return rss.total();
}

void MemorySampler::mark(Phase phase)
{
    QMutexLocker lock(&m_mutex);
    m_timeline.markers << MemoryMarker{elapsedMs(), phase};
}

MemoryTimeline MemorySampler::takeNew()
{
    QMutexLocker lock(&m_mutex);
    MemoryTimeline chunk;
    chunk.hz = m_timeline.hz;
    chunk.source = m_timeline.source;
    const int n = m_timeline.size();
    chunk.tUs = m_timeline.tUs.mid(m_taken);
    chunk.anonBytes = m_timeline.anonBytes.mid(m_taken);
    chunk.fileBytes = m_timeline.fileBytes.mid(m_taken);
    chunk.markers = m_timeline.markers.mid(m_markersTaken);
    m_taken = n;
    m_markersTaken = int(m_timeline.markers.size());
    return chunk;
}

MemoryTimeline MemorySampler::timeline() const
{
    QMutexLocker lock(&m_mutex);
    return m_timeline;
}

qint64 MemorySampler::peakBetween(double fromMs, double toMs) const
{
    QMutexLocker lock(&m_mutex);
    return m_timeline.peakBetween(fromMs, toMs);
}

double MemorySampler::threadCpuSeconds() const
{
    if (m_haveCpuClock)
        return cpuSecondsOf(m_cpuClock);
    return m_cpuSeconds.load();
}

} // namespace qs
