// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/bench/fingerprint.h"
#include "core/bench/threading.h"
#include "core/cli/command.h"
#include "core/cli/texttable.h"
#include "core/common/engine.h"

namespace qs::cli {

namespace {

QString gb(qint64 bytes)
{
    return QStringLiteral("%1 GB").arg(double(bytes) / 1e9, 0, 'f', 1);
}

int runEnv(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Show the environment every run records: CPU, ISA, OS, LibTorch, "
                                                    "quantized engines, the BLAS really loaded, threads and load."));
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Fix the compute threads first (LibTorch, OpenMP, OpenBLAS)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("engine"), QStringLiteral("Select a quantized engine first (onednn, qnnpack)."),
                      QStringLiteral("ENGINE")});
    ctx.addStandardOptions(parser);
    if (int rc = ctx.parse(parser, args, QStringLiteral("quantscope-cli env [--threads N] [--engine E] [--json]")); rc >= 0)
        return rc;
    if (parser.isSet(QStringLiteral("threads"))) {
        auto n = ctx.positiveInt(parser, QStringLiteral("threads"), 1);
        if (!n)
            return ctx.fail(n.error());
        threading::setComputeThreads(*n);
    }
    if (Status st = engine::select(parser.value(QStringLiteral("engine"))); !st)
        return ctx.fail(st.error());

    const Fingerprint fp = captureFingerprint();
    if (ctx.json) {
        ctx.printJson(fp.toJson());
        return 0;
    }
    QVector<QPair<QString, QString>> rows{
        {QStringLiteral("CPU"), QStringLiteral("%1 (%2, %3 cores, %4 physical)").arg(fp.cpu, fp.arch).arg(fp.cores).arg(fp.physicalCores)},
        {QStringLiteral("ISA"), fp.isa.join(QLatin1Char(' '))},
        {QStringLiteral("OS"), QStringLiteral("%1, kernel %2").arg(fp.os, fp.kernel)},
        {QStringLiteral("Memory"), QStringLiteral("%1 total, %2 available").arg(gb(fp.memoryTotal), gb(fp.memoryAvailable))},
        {QStringLiteral("LibTorch"), fp.libtorch},
        {QStringLiteral("Engines"), QStringLiteral("%1 (selected: %2)").arg(fp.engines.join(QLatin1String(", ")), fp.engine)},
        {QStringLiteral("BLAS"), QStringLiteral("%1  %2").arg(fp.blas, fp.blasPath)},
        {QStringLiteral("Threads"), QStringLiteral("torch %1, interop %2, OpenBLAS %3; OMP_NUM_THREADS=%4 OPENBLAS_NUM_THREADS=%5")
                                       .arg(fp.torchThreads).arg(fp.interopThreads).arg(fp.blasThreads)
                                       .arg(fp.ompNumThreads.isEmpty() ? QStringLiteral("unset") : fp.ompNumThreads,
                                            fp.openblasNumThreads.isEmpty() ? QStringLiteral("unset") : fp.openblasNumThreads)},
        {QStringLiteral("Load"), QStringLiteral("%1 %2 %3").arg(fp.loadavg1).arg(fp.loadavg5).arg(fp.loadavg15)},
        {QStringLiteral("Quantscope"), QStringLiteral("%1 (Qt %2, %3)").arg(fp.quantscope, fp.qt, fp.compiler)},
    };
    ctx.out() << keyValues(rows);
    for (const QString& w : fp.warnings())
        ctx.out() << "warning: " << w << "\n";
    return 0;
}

const CommandRegistrar reg({QStringLiteral("env"), QStringLiteral("Show the environment fingerprint (CPU, ISA, BLAS, engines, threads)."),
                            runEnv, 10});

} // namespace

} // namespace qs::cli
