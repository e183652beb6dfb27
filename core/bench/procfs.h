// SPDX-License-Identifier: GPL-3.0-or-later
// What the kernel says about this process: resident set, high-water mark, threads, CPU time,
// and the machine's available memory. Linux /proc; other systems get zeros and -1s.
#pragma once

#include <QtCore/QtGlobal>

namespace qs::procfs {

/// \brief Resident set split the way /proc/self/status does: RssAnon and RssFile + RssShmem.
struct Rss
{
    qint64 anon = 0;
    qint64 file = 0;
    qint64 total() const { return anon + file; }
};

/// \brief Reads /proc/self/statm through a descriptor kept open: one pread() and a parse of two
/// numbers, about 1.5 us (statm's "shared" is RssFile + RssShmem, so resident - shared is
/// exactly RssAnon). Not thread-safe: one reader per thread.
class StatmReader
{
public:
    StatmReader();
    ~StatmReader();
    StatmReader(const StatmReader&) = delete;
    StatmReader& operator=(const StatmReader&) = delete;

    bool isOpen() const { return m_fd >= 0; }
    /// Zeros when the file cannot be read.
    Rss read();

private:
    int m_fd = -1;
    qint64 m_pageSize = 4096;
};

/// The current resident set (opens statm once).
Rss currentRss();
/// VmHWM of /proc/self/status: the highest resident set since start or the last reset; -1.
qint64 peakRss();
/// Resets VmHWM to the current resident set (writes "5" to /proc/self/clear_refs, Linux 4.0+).
/// False where that is not permitted (old kernels, some sandboxes).
bool resetPeakRss();
/// Threads of this process (/proc/self/status), 0 when unknown.
int threadCount();
/// MemAvailable of /proc/meminfo in bytes, -1 when unknown.
qint64 memAvailable();
/// User + system CPU time of the whole process, seconds.
double processCpuSeconds();

} // namespace qs::procfs
