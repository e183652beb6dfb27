// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/cli/command.h"
#include "core/cli/texttable.h"
#include "core/common/paths.h"
#include "core/demo/demojob.h"

namespace qs::cli {

namespace {

int runDemo(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prepare the built-in demo workspace: a small CNN trained by Quantscope on Debian's Fashion-MNIST, with its "
        "test set (10,000 images) and a calibration set (1,000 training images). Cached after the first run."));
    parser.addOption({QStringLiteral("force"), QStringLiteral("Train again even if the workspace is cached.")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Where to put it (default: the data directory's demo/)."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("epochs"), QStringLiteral("Training epochs (default 2)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Training threads (default: all cores)."), QStringLiteral("N")});
    ctx.addStandardOptions(parser);
    if (int rc = ctx.parse(parser, args, QStringLiteral("quantscope-cli demo [--force] [--dir DIR] [--json]")); rc >= 0)
        return rc;
    DemoJob::Options options;
    options.dir = parser.value(QStringLiteral("dir"));
    options.force = parser.isSet(QStringLiteral("force"));
    auto epochs = ctx.positiveInt(parser, QStringLiteral("epochs"), 2);
    if (!epochs)
        return ctx.fail(epochs.error());
    options.epochs = *epochs;
    auto threads = ctx.positiveInt(parser, QStringLiteral("threads"), 0);
    if (!threads)
        return ctx.fail(threads.error());
    options.threads = *threads;

    DemoJob job(options);
    if (Status st = ctx.runJob(job); !st)
        return ctx.fail(st.error());
    const DemoWorkspace w = job.workspace();
    if (ctx.json) {
        QJsonObject o = w.toJson();
        o.insert(QStringLiteral("cached"), job.fromCache());
        ctx.printJson(o);
        return 0;
    }
    ctx.out() << keyValues({
        {QStringLiteral("Demo workspace"), paths::pretty(w.dir) + (job.fromCache() ? QStringLiteral(" (cached)") : QString())},
        {QStringLiteral("Model"), paths::pretty(w.modelPath)},
        {QStringLiteral("Input spec"), paths::pretty(w.sidecarPath)},
        {QStringLiteral("Test set"), paths::pretty(w.testDataPath) + QStringLiteral(" (10,000 images with labels)")},
        {QStringLiteral("Calibration set"), paths::pretty(w.calibDataPath) + QStringLiteral(" (1,000 training images)")},
        {QStringLiteral("FP32 test accuracy"), QStringLiteral("%1% top-1 after %2 epochs (%3 s on %4 threads)")
                                                   .arg(w.testAccuracy * 100, 0, 'f', 2).arg(w.epochs)
                                                   .arg(w.trainSeconds, 0, 'f', 1).arg(w.threads)},
    });
    return 0;
}

const CommandRegistrar reg({QStringLiteral("demo"), QStringLiteral("Prepare the demo workspace (Fashion-MNIST CNN) and print where it is."),
                            runDemo, 5});

} // namespace

} // namespace qs::cli
