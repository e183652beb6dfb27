// SPDX-License-Identifier: GPL-3.0-or-later
// How the History page copes with a large run database (docs/benchmarks.md): the listing on
// its worker, and what the GUI thread does with it (one model reset, sorting, filtering).
// Targets: 10,000 runs listed in well under 100 ms; on the GUI thread, a model reset, a sort and
// a filter keystroke each short enough that the page never stutters.
// Usage: qs_bench_history [--runs N] [--repeat R]
#include "ui/historyloader.h"
#include "ui/runfilterproxy.h"

#include "core/store/runtablemodel.h"
#include "core/store/store.h"
#include "tests/support/runfixtures.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTableView>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>

using namespace qs;

namespace {

QString loadavg()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2) : QStringLiteral("?");
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

/// Medians of \a repeat timings of \a f, in ms: wall clock, and the CPU time of this thread
/// (what the work costs, without the time spent waiting for a core on a loaded machine).
struct Timing
{
    double wall = 0;
    double cpu = 0;
};

Timing median(int repeat, const std::function<void()>& f)
{
    QVector<double> wall, cpu;
    for (int i = 0; i < repeat; ++i) {
        QElapsedTimer t;
        t.start();
        const double c = threadCpuMs();
        f();
        cpu << threadCpuMs() - c;
        wall << double(t.nsecsElapsed()) / 1e6;
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

Timing half(Timing t)
{
    return {t.wall / 2, t.cpu / 2};
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs in the database (default 10000)."), QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("repeat"), QStringLiteral("Repetitions per figure (default 7)."), QStringLiteral("R"), QStringLiteral("7")});
    parser.process(app);
    const int count = parser.value(QStringLiteral("runs")).toInt();
    const int repeat = std::max(1, parser.value(QStringLiteral("repeat")).toInt());

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("runs.db"));
    auto store = Store::open(path);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error().message));
        return 1;
    }
    // Runs of a few models and schemes, every tenth tagged, like a year of nightly benchmarks.
    const QStringList schemes{QStringLiteral("fp32"), QStringLiteral("dynamic-int8"), QStringLiteral("static-int8"), QStringLiteral("weight-int4")};
    const QStringList models{QStringLiteral("resnet50.pt"), QStringLiteral("bert.pt"), QStringLiteral("mobilenet.pt")};
    QVector<RunRecord> runs;
    for (int i = 0; i < count; ++i) {
        RunRecord r = test::makeRun(quint32(i + 1), 10, 10, schemes[i % schemes.size()], models[(i / 4) % models.size()]);
        if (i % 10 == 0)
            r.tags = {QStringLiteral("nightly")};
        runs << r;
    }
    QElapsedTimer fill;
    fill.start();
    auto imported = (*store)->importRuns(runs);
    if (!imported) {
        std::fprintf(stderr, "%s\n", qPrintable(imported.error().message));
        return 1;
    }
    std::printf("database: %d runs written in %.1f s; load average %s\n", count, double(fill.elapsed()) / 1000, qPrintable(loadavg()));

    QVector<RunSummary> listing;
    const Timing listMs = median(repeat, [&] { listing = *(*store)->listRuns(); });

    // The page's path: the loader's worker lists, the GUI thread receives.
    ui::HistoryLoader loader;
    QSignalSpy loaded(&loader, &ui::HistoryLoader::loaded);
    loader.setDatabasePath(path);
    loaded.wait(60000);
    const Timing roundTrip = median(repeat, [&] {
        loader.reload();
        loaded.wait(60000);
    });

    RunTableModel model;
    ui::RunFilterProxy proxy;
    proxy.setSourceModel(&model);
    QTableView view;
    view.setModel(&proxy);
    view.setSortingEnabled(true);
    view.resize(1200, 800);
    view.show();
    proxy.sort(RunTableModel::StartedColumn, Qt::DescendingOrder);
    const Timing resetMs = median(repeat, [&] {
        model.setRuns(listing);
        QCoreApplication::processEvents();
    });
    const Timing sortMs = half(median(repeat, [&] {
        view.sortByColumn(RunTableModel::P50Column, Qt::AscendingOrder);
        view.sortByColumn(RunTableModel::StartedColumn, Qt::DescendingOrder);
    }));
    RunFilter typed;
    const Timing filterMs = half(median(repeat, [&] {
        typed.text = QStringLiteral("int8");
        proxy.setRunFilter(typed);
        typed.text = QStringLiteral("int");
        proxy.setRunFilter(typed);
    }));
    std::printf("wall ms (CPU ms of the measuring thread):\n");
    std::printf("  listRuns, %lld runs with headline metrics and tags: %.1f (%.1f)\n", qlonglong(listing.size()), listMs.wall, listMs.cpu);
    std::printf("  worker round trip, reload -> loaded on the GUI thread: %.1f (GUI thread %.1f)\n", roundTrip.wall, roundTrip.cpu);
    std::printf("  GUI thread: model reset %.1f (%.1f), sort by a column %.1f (%.1f), one filter keystroke %.1f (%.1f), %d rows shown\n",
                resetMs.wall, resetMs.cpu, sortMs.wall, sortMs.cpu, filterMs.wall, filterMs.cpu, proxy.rowCount());
    std::printf("load average after: %s\n", qPrintable(loadavg()));
    return 0;
}
