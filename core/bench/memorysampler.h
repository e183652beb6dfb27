// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/memorytimeline.h"

#include <QtCore/QMutex>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <time.h>

namespace qs {

/// \brief Samples the process's resident set (anonymous and file-backed) on a thread of its
/// own at a fixed rate, default 1 kHz, and keeps the timeline with phase markers.
///
/// The clock starts at construction; phases and latency marks use elapsedMs() so that every
/// figure of a Run shares one time axis. The measuring thread takes what is new with
/// takeNew() a few times a second and streams it. With a rate of 0 no thread runs and the
/// timeline holds only the samples taken with sampleNow().
///
/// Once the timed phases start (yieldToWork()), the sampling thread runs at SCHED_IDLE so that
/// it never takes a core from the measurement: when every core is busy, samples come late or not
/// at all (lateSamples()); phase boundaries (sampleNow()) and the kernel's high-water mark still
/// give the peaks.
class MemorySampler
{
public:
    explicit MemorySampler(int hz = 1000);
    ~MemorySampler();
    MemorySampler(const MemorySampler&) = delete;
    MemorySampler& operator=(const MemorySampler&) = delete;

    int hz() const { return m_hz; }
    /// Starts the sampling thread (no-op with a rate of 0 or when already running).
    void start();
    /// From now on the sampling thread only runs on a core nothing else wants (SCHED_IDLE).
    void yieldToWork();
    /// Stops and joins the thread; the timeline stays.
    void stop();
    bool isRunning() const { return m_thread.joinable(); }

    /// Milliseconds since construction, on the timeline's clock.
    double elapsedMs() const;
    /// Takes one sample now, from the calling thread, and adds it to the timeline.
    qint64 sampleNow();
    /// Adds a phase marker at elapsedMs().
    void mark(Phase phase);

    /// Samples and markers added since the previous call.
    MemoryTimeline takeNew();
    /// Everything so far.
    MemoryTimeline timeline() const;
    /// Highest resident set sampled between two times, or -1.
    qint64 peakBetween(double fromMs, double toMs) const;
    /// CPU time the sampling thread has used, seconds (subtracted from the run's CPU %).
    double threadCpuSeconds() const;
    /// Samples that came later than one period after the previous one (a busy machine, or all
    /// cores computing: the sampling thread runs at idle priority).
    int lateSamples() const { return m_late.load(); }

private:
    void loop();
    void append(qint64 tUs, qint64 anon, qint64 file);

    const int m_hz;
    const std::chrono::steady_clock::time_point m_origin;
    mutable QMutex m_mutex;
    MemoryTimeline m_timeline;
    int m_taken = 0;
    int m_markersTaken = 0;
    std::thread m_thread;
    std::mutex m_wakeMutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::atomic<int> m_late{0};
    std::atomic<double> m_cpuSeconds{0};
    clockid_t m_cpuClock{};
    bool m_haveCpuClock = false;
};

} // namespace qs
