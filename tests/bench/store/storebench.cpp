// SPDX-License-Identifier: GPL-3.0-or-later
// Speed targets of the run store (docs/benchmarks.md):
//   - a run with 100,000 latency samples and 60,000 memory samples written in under 100 ms;
//   - listing 10,000 runs with their headline metrics in under 100 ms.
// Usage: qs_bench_store [--runs N] [--repeat R] [--dir DIR] [--keep]
// Writes to a fresh database in DIR (default: a temporary folder), prints wall and CPU times and
// the load. --keep reuses the database a previous run left in DIR (listing only).
#include "core/store/runexchange.h"
#include "core/store/store.h"
#include "tests/support/runfixtures.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace qs;

namespace {

struct Figures
{
    double min = 0, median = 0, max = 0;
    double cpuMedian = 0; ///< CPU time of this thread: what the work costs when the machine is shared
};

Figures summarize(QVector<double> ms, QVector<double> cpuMs)
{
    std::sort(ms.begin(), ms.end());
    std::sort(cpuMs.begin(), cpuMs.end());
    return {ms.first(), ms[ms.size() / 2], ms.last(), cpuMs[cpuMs.size() / 2]};
}

double threadCpuMs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

/// Wall and CPU time of one measurement.
struct Stopwatch
{
    QElapsedTimer wall;
    double cpu0 = threadCpuMs();
    Stopwatch() { wall.start(); }
    void record(QVector<double>& wallMs, QVector<double>& cpuMs) const
    {
        wallMs << double(wall.nsecsElapsed()) / 1e6;
        cpuMs << threadCpuMs() - cpu0;
    }
};

QString loadavg()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2) : QStringLiteral("?");
}

void line(const char* what, const Figures& f, double target)
{
    std::printf("%-58s min %7.1f  median %7.1f  max %7.1f ms (median CPU %6.1f ms)   target < %.0f ms: %s\n", what, f.min, f.median,
                f.max, f.cpuMedian, target, f.median < target ? "met" : "MISSED");
}

int fail(const Error& e)
{
    std::fprintf(stderr, "qs_bench_store: %s\n", qPrintable(e.toText()));
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs to list (default 10000)."), QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("repeat"), QStringLiteral("Repetitions of each measurement (default 9)."), QStringLiteral("R"), QStringLiteral("9")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Folder for the database (default: a temporary one)."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("keep"), QStringLiteral("Reuse DIR's database from a previous run: measure the listing only.")});
    parser.addHelpOption();
    parser.process(app);
    const int runs = parser.value(QStringLiteral("runs")).toInt();
    const int repeat = std::max(1, parser.value(QStringLiteral("repeat")).toInt());
    QTemporaryDir tmp;
    const QString dir = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : tmp.path();
    const QString path = dir + QStringLiteral("/bench-store.sqlite");
    const bool keep = parser.isSet(QStringLiteral("keep")) && QFile::exists(path);
    for (const char* suffix : {"", "-wal", "-shm"}) {
        if (!keep)
            QFile::remove(path + QLatin1String(suffix));
    }

    std::printf("load average before: %s\n", qPrintable(loadavg()));
    auto store = Store::open(path);
    if (!store)
        return fail(store.error());

    // 1. Writing one big run: encode the samples, insert, commit (WAL, synchronous=NORMAL).
    if (!keep) {
        QVector<RunRecord> big;
        for (int i = 0; i < repeat; ++i)
            big << test::makeRun(quint32(i), 100'000, 60'000);
        QVector<double> writeMs, writeCpu;
        for (RunRecord& r : big) {
            Stopwatch t;
            if (Status st = (*store)->recordRun(r); !st)
                return fail(st.error());
            t.record(writeMs, writeCpu);
        }
        line("record a run (100,000 latency + 60,000 memory samples)", summarize(writeMs, writeCpu), 100);
        QVector<double> readMs, readCpu;
        for (const RunRecord& r : big) {
            Stopwatch t;
            auto loaded = (*store)->loadRun(r.id);
            if (!loaded)
                return fail(loaded.error());
            t.record(readMs, readCpu);
        }
        line("load it back with all samples", summarize(readMs, readCpu), 100);
    }

    // 2. Listing: fill up to N runs (1,000 latency / 600 memory samples each), in chunks of one
    // transaction each, then list them all with headline metrics and tags.
    QElapsedTimer fill;
    fill.start();
    auto count = (*store)->runCount();
    if (!count)
        return fail(count.error());
    for (int done = *count; done < runs;) {
        QVector<RunRecord> chunk;
        for (int i = 0; i < 500 && done < runs; ++i, ++done) {
            RunRecord r = test::makeRun(quint32(1000 + done), 1000, 600, done % 3 ? QStringLiteral("static-int8") : QStringLiteral("fp32"),
                                        QStringLiteral("model%1.pt").arg(done % 40));
            if (done % 10 == 0)
                r.tags << QStringLiteral("nightly");
            chunk << r;
        }
        if (auto st = (*store)->importRuns(chunk); !st)
            return fail(st.error());
    }
    std::printf("filled up to %d runs in %.1f s (%.1f MB database)\n", runs, fill.elapsed() / 1000.0,
                double(QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size()) / 1e6);

    QVector<double> coldMs, coldCpu, warmMs, warmCpu;
    int listed = 0;
    for (int i = 0; i < repeat; ++i) {
        // "Cold": a new connection, as a freshly started `runs list` or studio has.
        store->reset();
        Stopwatch cold;
        store = Store::open(path);
        if (!store)
            return fail(store.error());
        auto list = (*store)->listRuns();
        if (!list)
            return fail(list.error());
        cold.record(coldMs, coldCpu);
        listed = int(list->size());
        Stopwatch warm;
        list = (*store)->listRuns();
        warm.record(warmMs, warmCpu);
    }
    std::printf("listed %d runs\n", listed);
    line("open + list all runs with headline metrics (new connection)", summarize(coldMs, coldCpu), 100);
    line("list all runs again (same connection)", summarize(warmMs, warmCpu), 100);
    std::printf("load average after: %s\n", qPrintable(loadavg()));
    return 0;
}
