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
#include <functional>

using namespace qs;

namespace {

QString loadavg()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2) : QStringLiteral("?");
}

/// Median of \a repeat timings of \a f, in ms.
double median(int repeat, const std::function<void()>& f)
{
    QVector<double> ms;
    for (int i = 0; i < repeat; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        ms << double(t.nsecsElapsed()) / 1e6;
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
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
    const double listMs = median(repeat, [&] { listing = *(*store)->listRuns(); });

    // The page's path: the loader's worker lists, the GUI thread receives.
    ui::HistoryLoader loader;
    QSignalSpy loaded(&loader, &ui::HistoryLoader::loaded);
    loader.setDatabasePath(path);
    loaded.wait(60000);
    const double roundTrip = median(repeat, [&] {
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
    const double resetMs = median(repeat, [&] {
        model.setRuns(listing);
        QCoreApplication::processEvents();
    });
    const double sortMs = median(repeat, [&] {
        view.sortByColumn(RunTableModel::P50Column, Qt::AscendingOrder);
        view.sortByColumn(RunTableModel::StartedColumn, Qt::DescendingOrder);
    }) / 2;
    RunFilter typed;
    const double filterMs = median(repeat, [&] {
        typed.text = QStringLiteral("int8");
        proxy.setRunFilter(typed);
        typed.text = QStringLiteral("int");
        proxy.setRunFilter(typed);
    }) / 2;
    std::printf("listRuns (%lld runs with headline metrics and tags): %.1f ms\n", qlonglong(listing.size()), listMs);
    std::printf("worker round trip (reload -> loaded on the GUI thread): %.1f ms\n", roundTrip);
    std::printf("GUI thread: model reset %.1f ms, sort by a column %.1f ms, one filter keystroke %.1f ms (%d rows shown)\n",
                resetMs, sortMs, filterMs, proxy.rowCount());
    std::printf("load average after: %s\n", qPrintable(loadavg()));
    return 0;
}
