// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the real studio window on the demo workspace and saves one screenshot per page
// (scripts/screenshots.sh runs it under Xvfb). Screenshots are for looking at, not asserting.
#include "ui/mainwindow.h"
#include "ui/benchmarkpage.h"
#include "ui/comparepage.h"
#include "ui/comparisonview.h"
#include "ui/historyloader.h"
#include "ui/historypage.h"
#include "ui/layerspage.h"
#include "ui/quantizepage.h"
#include "ui/studiocontext.h"
#include "ui/theme.h"

#include "core/store/runtablemodel.h"
#include "core/store/store.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtWidgets/QApplication>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTabWidget>

#include <cstdio>
#include <functional>

using namespace qs;
using namespace qs::ui;

namespace {
// Runs the event loop until \a done or \a timeoutMs.
bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(50, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

void settle(int ms)
{
    waitFor([] { return false; }, ms);
}
} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("quantscope-screenshots"));
    QApplication::setOrganizationName(QStringLiteral("quantscope-screenshots"));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("out"), QStringLiteral("Folder for the PNG files."), QStringLiteral("DIR"), QStringLiteral(".")});
    parser.addOption({QStringLiteral("theme"), QStringLiteral("light or dark."), QStringLiteral("THEME"), QStringLiteral("light")});
    parser.addOption({QStringLiteral("suffix"), QStringLiteral("Appended to file names (e.g. -dark)."), QStringLiteral("TEXT")});
    parser.process(app);
    applyTheme(parseTheme(parser.value(QStringLiteral("theme"))));
    const QDir out(parser.value(QStringLiteral("out")));
    QDir().mkpath(out.path());
    const QString suffix = parser.value(QStringLiteral("suffix"));

    // A fresh run database: the History page shows what this session records, nothing older.
    QTemporaryDir database;
    StudioContext::setVariantsDir(database.filePath(QStringLiteral("variants")));
    StudioContext context;
    context.setDatabasePath(database.filePath(QStringLiteral("runs.db")));
    MainWindow window(&context);
    window.resize(1500, 940);
    window.show();
    context.openDemo();
    if (!waitFor([&] { return context.hasModel(); }, 180000)) {
        std::fprintf(stderr, "screenshots: the demo model did not open\n");
        return 1;
    }
    settle(500);

    // Make the variants every later page shows, as a user would on the Quantize page.
    QuantizePage* quantize = window.quantizePage();
    window.showPage(quantize);
    quantize->checkSchemes({QStringLiteral("dynamic-int8"), QStringLiteral("static-int8"), QStringLiteral("weight-int4")});
    bool quantized = false;
    QObject::connect(quantize, &QuantizePage::quantizeFinished, &app, [&] { quantized = true; });
    quantize->start();
    if (!waitFor([&] { return quantized; }, 300000)) {
        std::fprintf(stderr, "screenshots: quantizing did not finish\n");
        return 1;
    }

    // Benchmark FP32, the optimized baseline and the variants, briefly, in the live view.
    BenchmarkPage* bench = window.benchmarkPage();
    window.showPage(bench);
    bench->checkVariants({QStringLiteral("fp32"), QStringLiteral("fp32-optimized"), QStringLiteral("dynamic-int8"),
                          QStringLiteral("static-int8"), QStringLiteral("weight-int4")});
    bench->setBatches(QStringLiteral("1"));
    bench->setMinimums(100, 1.0, 10);
    bool benchmarked = false;
    QObject::connect(bench, &BenchmarkPage::benchmarkFinished, &app, [&] { benchmarked = true; });
    bench->start();
    if (!waitFor([&] { return benchmarked; }, 600000)) {
        std::fprintf(stderr, "screenshots: the benchmark did not finish\n");
        return 1;
    }

    // Compare the recorded benchmark runs against FP32 as loaded.
    settle(500); // the recorders' last notifications
    qint64 baseline = 0;
    QList<qint64> others;
    {
        auto store = Store::open(StudioContext::databasePath());
        RunFilter filter;
        filter.kind = QStringLiteral("bench");
        auto runs = store ? (*store)->listRuns(filter) : Result<QVector<RunSummary>>(store.error());
        if (!runs) {
            std::fprintf(stderr, "screenshots: cannot read the runs: %s\n", qPrintable(runs.error().message));
            return 1;
        }
        for (const RunSummary& r : *runs) {
            if (r.scheme == QLatin1String("fp32") && baseline == 0)
                baseline = r.id;
            else
                others.prepend(r.id); // oldest first, as they were measured
        }
    }
    ComparePage* compare = window.comparePage();
    bool compared = false;
    QObject::connect(compare, &ComparePage::comparisonShown, &app, [&] { compared = true; });
    context.requestCompare(baseline, others);
    if (!waitFor([&] { return compared; }, 30000)) {
        std::fprintf(stderr, "screenshots: the comparison did not show\n");
        return 1;
    }
    settle(500);
    {
        // The whole comparison, scrolled or not: what the page holds below the fold too.
        QWidget* content = compare->view()->widget();
        const QString path = out.filePath(QStringLiteral("compare-full") + suffix + QStringLiteral(".png"));
        if (content->grab().save(path))
            std::printf("%s\n", qPrintable(path));
    }

    // Rank the demo's layers for INT4 weights (which cost it accuracy, unlike INT8) and find
    // what to keep in FP32 to lose at most half a point; then the weight and activation ranges
    // static INT8 chooses.
    LayersPage* layers = window.layersPage();
    window.showPage(layers);
    layers->setScheme(QStringLiteral("weight-int4"));
    layers->setData(layers->findChild<QLineEdit*>(QStringLiteral("diagnosisData"))->text(), 2000);
    for (int work = 0; work < 3; ++work) {
        bool done = false;
        auto c = QObject::connect(layers, &LayersPage::diagnosisFinished, &app, [&] { done = true; });
        if (work == 0) {
            layers->analyze();
        } else if (work == 1) {
            layers->setBudget(0.5);
            layers->findFallback();
        } else {
            layers->setScheme(QStringLiteral("static-int8"));
            layers->showRanges();
        }
        if (!waitFor([&] { return done; }, 900000)) {
            std::fprintf(stderr, "screenshots: the layer diagnosis did not finish\n");
            return 1;
        }
        QObject::disconnect(c);
    }

    // Mark the FP32 benchmark as the baseline with a note, as people do, and select it.
    HistoryPage* history = window.historyPage();
    window.showPage(history);
    auto historyStore = Store::open(StudioContext::databasePath());
    const auto allRuns = historyStore ? (*historyStore)->listRuns() : Result<QVector<RunSummary>>(historyStore.error());
    if (allRuns) {
        for (const RunSummary& r : *allRuns) {
            if (r.kind == QLatin1String("bench") && r.scheme == QLatin1String("fp32")) {
                (*historyStore)->addTags({r.id}, {QStringLiteral("baseline")});
                (*historyStore)->setNote(r.id, QStringLiteral("FP32 as loaded, batch 1, one thread: the reference for the INT8 variants."));
                bool shown = false;
                QObject::connect(history, &HistoryPage::runsShown, &app, [&] { shown = true; });
                history->reload();
                waitFor([&] { return shown && !history->loader()->isBusy(); }, 20000);
                history->selectRuns({r.id});
                break;
            }
        }
    }

    auto* pages = window.findChild<QStackedWidget*>(QStringLiteral("pages"));
    for (int i = 0; i < pages->count(); ++i) {
        QWidget* page = pages->widget(i);
        window.showPage(page);
        settle(400);
        const QString name = page->accessibleName().toLower().replace(QLatin1Char(' '), QLatin1Char('-'));
        const QString path = out.filePath(name + suffix + QStringLiteral(".png"));
        if (!window.grab().save(path))
            std::fprintf(stderr, "screenshots: cannot write %s\n", qPrintable(path));
        else
            std::printf("%s\n", qPrintable(path));
        if (page == layers) {
            // The three tabs of the Layers page: the ranking, the fallback's steps, the ranges.
            layers->tabs()->setCurrentIndex(0);
            settle(400);
            window.grab().save(path);
            layers->tabs()->setCurrentIndex(1);
            settle(400);
            const QString steps = out.filePath(name + QStringLiteral("-fallback") + suffix + QStringLiteral(".png"));
            if (window.grab().save(steps))
                std::printf("%s\n", qPrintable(steps));
            layers->tabs()->setCurrentIndex(2);
            settle(400);
            const QString ranges = out.filePath(name + QStringLiteral("-ranges") + suffix + QStringLiteral(".png"));
            if (window.grab().save(ranges))
                std::printf("%s\n", qPrintable(ranges));
        }
    }
    return 0;
}
