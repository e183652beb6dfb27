// SPDX-License-Identifier: GPL-3.0-or-later
// What one memory sample costs, by source, in a process that has LibTorch loaded and a model
// in memory (smaps_rollup walks every mapping, so the process must look like a real one):
// /proc/self/statm through a kept-open descriptor (what the sampler uses), /proc/self/status
// and /proc/self/smaps_rollup opened and read each time.
//
//   bench_memory_sources [--reads 5000]
#include "core/bench/procfs.h"
#include "core/model/modelfactory.h"
#include "core/model/modelloader.h"
#include "tests/bench/bench/benchutil.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QTemporaryDir>

#include <chrono>
#include <fcntl.h>
#include <unistd.h>

using namespace qs;
using namespace qs::benchutil;

namespace {

double perReadUs(int reads, const std::function<void()>& read)
{
    QVector<double> us;
    for (int rep = 0; rep < 5; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < reads; ++i)
            read();
        us << std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / reads;
    }
    return median(us);
}

void readWhole(const char* path)
{
    char buf[8192];
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    while (::read(fd, buf, sizeof(buf)) > 0) {
    }
    ::close(fd);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int reads = int(option(app.arguments(), "--reads", 5000));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cnn.pt"));
    if (!modelfactory::smallCnn()->save(path).ok())
        return 1;
    auto model = loadModel(path);
    if (!model)
        return 1;
    QFile maps(QStringLiteral("/proc/self/maps"));
    maps.open(QIODevice::ReadOnly);
    const int mappings = int(maps.readAll().count('\n'));

    procfs::StatmReader statm;
    volatile qint64 sink = 0;
    const double statmUs = perReadUs(reads, [&] { sink = sink + statm.read().anon; });
    const double statusUs = perReadUs(reads, [] { readWhole("/proc/self/status"); });
    const double rollupUs = perReadUs(std::max(reads / 10, 100), [] { readWhole("/proc/self/smaps_rollup"); });
    print(QStringLiteral("Memory sample cost, %1 mappings in the process, load average %2").arg(mappings).arg(loadavg()));
    print(QStringLiteral("| source | per read | gives |"));
    print(QStringLiteral("| --- | --- | --- |"));
    print(QStringLiteral("| /proc/self/statm, kept-open fd + pread | %1 us | resident, shared (= RssFile + RssShmem) |").arg(statmUs, 0, 'f', 2));
    print(QStringLiteral("| /proc/self/status, open + read + close | %1 us | RssAnon, RssFile, RssShmem, VmHWM |").arg(statusUs, 0, 'f', 2));
    print(QStringLiteral("| /proc/self/smaps_rollup, open + read + close | %1 us | Rss, Pss, Anonymous, Swap... |").arg(rollupUs, 0, 'f', 2));
    return 0;
}
