// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/bench/opprofile.h"
#include "core/cli/command.h"
#include "core/cli/texttable.h"
#include "core/common/engine.h"
#include "core/common/paths.h"
#include "core/model/modelloader.h"

namespace qs::cli {

namespace {

const QString kUsage = QStringLiteral("quantscope-cli profile FP32_MODEL VARIANT [--input SHAPE]... [--batch N] "
                                      "[--iterations N] [--threads N] [--engine E] [--top N] [--json]");

QString ms(double v)
{
    return QString::number(v, 'f', v < 0.1 ? 4 : 3);
}

QString pct(double f)
{
    return QStringLiteral("%1%").arg(100.0 * f, 0, 'f', 1);
}

void printOps(Context& ctx, const OpProfile& p, int top)
{
    ctx.out() << p.label << ": " << ms(p.wallMs) << " ms per forward (" << ms(p.profiledMs) << " ms profiled, "
              << ms(p.opsMs) << " ms in ops, " << qRound64(p.minorFaults) << " page faults)\n";
    TextTable t({ QStringLiteral("Op"), QStringLiteral("Runs on"), QStringLiteral("Calls"), QStringLiteral("ms"),
                    QStringLiteral("Self ms"), QStringLiteral("Share") },
        { false, false, true, true, true, true });
    for (int i = 0; i < p.ops.size() && i < top; ++i) {
        const OpTime& o = p.ops[i];
        t.addRow({ o.op, o.category, QString::number(o.calls, 'g', 4), ms(o.ms), ms(o.selfMs), pct(o.share) });
    }
    ctx.out() << t.render();
    QStringList cats;
    for (auto it = p.categoryMs.begin(); it != p.categoryMs.end(); ++it)
        cats << QStringLiteral("%1 %2 ms (%3)").arg(it.key(), ms(it.value()), pct(p.categoryShare(it.key())));
    ctx.out() << "By kind: " << cats.join(QLatin1String(", ")) << "\n\n";
}

int runProfile(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Why is INT8 not faster? Per-op time of an FP32 model and a variant on the same random inputs (LibTorch's "
        "RecordFunction callbacks): the ops each graph calls, what they run on (fp32, int8, quantize, dequantize), "
        "the quantize/dequantize overhead and the ops still running FP32."));
    parser.addPositionalArgument(QStringLiteral("FP32_MODEL"), QStringLiteral("The FP32 TorchScript model."));
    parser.addPositionalArgument(QStringLiteral("VARIANT"), QStringLiteral("A variant of it (e.g. from 'quantize')."));
    parser.addOption({ QStringLiteral("input"),
        QStringLiteral("Shape[:dtype] of a forward input. Default: the sidecar <model>.json."), QStringLiteral("SHAPE") });
    parser.addOption({ QStringLiteral("batch"), QStringLiteral("Batch size (overrides the inputs' first dimension)."),
        QStringLiteral("N") });
    parser.addOption(
        { QStringLiteral("iterations"), QStringLiteral("Profiled forwards per model (default 50)."), QStringLiteral("N") });
    parser.addOption({ QStringLiteral("warmup"), QStringLiteral("Forwards before measuring (default 10)."), QStringLiteral("N") });
    parser.addOption({ QStringLiteral("threads"), QStringLiteral("Compute threads (default 1)."), QStringLiteral("N") });
    parser.addOption({ QStringLiteral("engine"),
        QStringLiteral("Quantized engine (%1). Default: %2.").arg(engine::available().join(QLatin1String(", ")), engine::fastest()),
        QStringLiteral("E") });
    parser.addOption({ QStringLiteral("top"), QStringLiteral("Ops shown per model (default 12)."), QStringLiteral("N") });
    ctx.addStandardOptions(parser);
    if (int rc = ctx.parse(parser, args, kUsage); rc >= 0)
        return rc;
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != 2)
        return ctx.fail(Error::usage(QStringLiteral("profile takes FP32_MODEL and VARIANT. Usage: %1").arg(kUsage)));
    OpProfileOptions o;
    o.engine = parser.value(QStringLiteral("engine")).toLower();
    if (Status st = engine::validate(o.engine); !st)
        return ctx.fail(st.error());
    auto iterations = ctx.positiveInt(parser, QStringLiteral("iterations"), 50);
    auto threads = ctx.positiveInt(parser, QStringLiteral("threads"), 1);
    auto batch = ctx.positiveInt(parser, QStringLiteral("batch"), 0);
    auto top = ctx.positiveInt(parser, QStringLiteral("top"), 12);
    for (const auto* r : { &iterations, &threads, &batch, &top })
        if (!*r)
            return ctx.fail(r->error());
    o.iterations = *iterations;
    o.threads = *threads;
    o.batch = *batch;
    if (parser.isSet(QStringLiteral("warmup"))) {
        bool ok = false;
        o.warmup = parser.value(QStringLiteral("warmup")).toInt(&ok);
        if (!ok || o.warmup < 0)
            return ctx.fail(Error::usage(QStringLiteral("--warmup must be 0 or more, not '%1'.")
                                             .arg(parser.value(QStringLiteral("warmup")))));
    }
    auto spec = ctx.inputSpec(parser.values(QStringLiteral("input")), pos.first());
    if (!spec)
        return ctx.fail(spec.error());
    o.inputs = *spec;
    // The engine first: a quantized variant's packed weights are prepared for it when loaded.
    if (Status st = engine::select(o.engine); !st)
        return ctx.fail(st.error());
    auto fp32 = loadModel(pos[0], { o.engine });
    if (!fp32)
        return ctx.fail(fp32.error());
    auto variant = loadModel(pos[1], { o.engine });
    if (!variant)
        return ctx.fail(variant.error());
    OpProfileJob job(*fp32, *variant, o);
    if (Status st = ctx.runJob(job); !st)
        return ctx.fail(st.error());
    const OpProfileComparison r = job.result();
    if (ctx.json) {
        ctx.printJson(r.toJson());
        return 0;
    }
    ctx.out() << keyValues({ { QStringLiteral("FP32"), paths::pretty(fp32->path()) },
                     { QStringLiteral("Variant"), paths::pretty(variant->path()) },
                     { QStringLiteral("Inputs"), r.inputs },
                     { QStringLiteral("Setup"), QStringLiteral("engine %1, %2 thread(s), %3 forwards each, interleaved")
                                                    .arg(r.engine)
                                                    .arg(r.threads)
                                                    .arg(r.iterations) } })
              << "\n";
    printOps(ctx, r.reference, *top);
    printOps(ctx, r.variant, *top);
    for (const QString& f : r.findings)
        ctx.out() << "- " << f << "\n";
    ctx.out().flush();
    return 0;
}

const CommandRegistrar reg({ QStringLiteral("profile"),
    QStringLiteral("Per-op time of FP32 against a variant: why INT8 is (not) faster."), runProfile, 62 });

} // namespace

} // namespace qs::cli
