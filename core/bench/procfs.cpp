// SPDX-License-Identifier: GPL-3.0-or-later
#include "procfs.h"

#include <QtCore/QByteArray>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace qs::procfs {

namespace {

// Whole small /proc file into a stack buffer; returns its length or -1.
ssize_t readSmall(const char* path, char* buf, size_t size)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t total = 0;
    while (size_t(total) < size - 1) {
        const ssize_t n = ::read(fd, buf + total, size - 1 - size_t(total));
        if (n <= 0)
            break;
        total += n;
    }
    ::close(fd);
    buf[total] = '\0';
    return total;
}

// "Key:   1234 kB" -> 1234 * 1024, or -1.
qint64 statusField(const char* text, const char* key)
{
    const char* p = std::strstr(text, key);
    if (!p)
        return -1;
    p += std::strlen(key);
    while (*p == ' ' || *p == '\t')
        ++p;
    qint64 v = 0;
    bool any = false;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p++ - '0');
        any = true;
    }
    if (!any)
        return -1;
    return std::strncmp(p, " kB", 3) == 0 ? v * 1024 : v;
}

const char* parseNumber(const char* p, const char* end, qint64& out)
{
    while (p < end && *p == ' ')
        ++p;
    qint64 v = 0;
    while (p < end && *p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    out = v;
    return p;
}

} // namespace

StatmReader::StatmReader()
{
    m_fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    const long ps = sysconf(_SC_PAGESIZE);
    if (ps > 0)
        m_pageSize = ps;
}

StatmReader::~StatmReader()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Rss StatmReader::read()
{
    Rss rss;
    if (m_fd < 0)
        return rss;
    char buf[128];
    // pread at offset 0 makes the kernel regenerate the file: no lseek, no reopen.
    const ssize_t n = ::pread(m_fd, buf, sizeof(buf), 0);
    if (n <= 0)
        return rss;
    const char* end = buf + n;
    qint64 size = 0, resident = 0, shared = 0;
    const char* p = parseNumber(buf, end, size);
    p = parseNumber(p, end, resident);
    parseNumber(p, end, shared);
    rss.file = shared * m_pageSize;
    rss.anon = (resident - shared) * m_pageSize;
    return rss;
}

Rss currentRss()
{
    StatmReader r;
    return r.read();
}

qint64 peakRss()
{
    char buf[4096];
    if (readSmall("/proc/self/status", buf, sizeof(buf)) <= 0)
        return -1;
    return statusField(buf, "VmHWM:");
}

bool resetPeakRss()
{
    const int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, "5", 1) == 1;
    ::close(fd);
    return ok;
}

int threadCount()
{
    char buf[4096];
    if (readSmall("/proc/self/status", buf, sizeof(buf)) <= 0)
        return 0;
    return int(std::max<qint64>(statusField(buf, "Threads:"), 0));
}

qint64 memAvailable()
{
    char buf[4096];
    if (readSmall("/proc/meminfo", buf, sizeof(buf)) <= 0)
        return -1;
    return statusField(buf, "MemAvailable:");
}

double processCpuSeconds()
{
    rusage ru{};
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

} // namespace qs::procfs
