// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/cli/command.h"
#include "core/cli/diagnosisoptions.h"
#include "core/cli/texttable.h"
#include "core/common/paths.h"
#include "core/eval/fallbackjob.h"
#include "core/model/layertablemodel.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>

#include <cmath>

namespace qs::cli {

namespace {

int runFallback(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Accuracy-aware fallback: find the smallest set of layers to keep in FP32 so that the variant stays within a budget "
        "(default: at most 1 point of top-1 lost against FP32; without labels: output SQNR of at least 30 dB), write that "
        "mixed-precision variant and report what each step bought."));
    addDiagnosisOptions(parser);
    parser.addOption({QStringLiteral("budget"), QStringLiteral("Top-1 points that may be lost (metric top1, default 1), or the minimum SQNR in "
                                                               "dB (metric sqnr, default 30)."),
                      QStringLiteral("B")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Where to write the variant (default <model>.<scheme>-fallback.pt next to the model)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("no-prune"), QStringLiteral("Stop at the first set that meets the budget (do not try layers again).")});
    ctx.addStandardOptions(parser);
    const QString usage = QStringLiteral("quantscope-cli fallback MODEL --scheme S --data DATA [--budget B] [--out FILE] [--json]");
    if (int rc = ctx.parse(parser, args, usage); rc >= 0)
        return rc;
    FallbackOptions fo;
    if (parser.isSet(QStringLiteral("budget"))) {
        bool ok = false;
        fo.budget = parser.value(QStringLiteral("budget")).toDouble(&ok);
        if (!ok || fo.budget < 0 || !std::isfinite(fo.budget))
            return ctx.fail(Error::usage(QStringLiteral("--budget must be a number of at least 0, not '%1'.").arg(parser.value(QStringLiteral("budget")))));
    }
    fo.prune = !parser.isSet(QStringLiteral("no-prune"));
    auto d = diagnosisFromArgs(ctx, parser, usage);
    if (!d)
        return ctx.fail(d.error());
    fo.outPath = parser.value(QStringLiteral("out"));
    if (fo.outPath.isEmpty()) {
        const QFileInfo fi(d->model.path());
        fo.outPath = fi.dir().filePath(QStringLiteral("%1.%2-fallback.pt").arg(fi.completeBaseName(), d->options.quant.scheme));
    }
    FallbackJob job(d->model, d->data, d->options, fo);
    if (int rc = runDiagnosisJob(ctx, *d, job); rc >= 0)
        return rc;
    const FallbackResult r = job.result();
    if (ctx.json) {
        ctx.printJson(r.toJson());
        return 0;
    }
    const bool top1 = r.metric == DiagnosisMetric::Top1;
    QVector<QPair<QString, QString>> rows = headerRows(r);
    rows += QVector<QPair<QString, QString>>{
        {QStringLiteral("Budget"), top1 ? QStringLiteral("at most %1 point(s) of top-1 lost").arg(r.budget)
                                        : QStringLiteral("output SQNR of at least %1 dB").arg(r.budget)},
    };
    if (r.fp32Accuracy)
        rows << qMakePair(QStringLiteral("FP32"), QStringLiteral("top-1 %1%").arg(100 * r.fp32Accuracy->top1, 0, 'f', 2));
    ctx.out() << keyValues(rows) << "\n";
    TextTable t({QStringLiteral("Step"), QStringLiteral("Action"), top1 ? QStringLiteral("Drop") : QStringLiteral("SQNR"), QStringLiteral("Bought"),
                 QStringLiteral("Size"), QStringLiteral("Budget")},
                {true, false, true, true, true, false});
    for (int i = 0; i < r.steps.size(); ++i) {
        const FallbackStep& s = r.steps[i];
        const QString bought = i == 0 ? QString()
                                      : QStringLiteral("%1%2 %3").arg(s.gained >= 0 ? QStringLiteral("+") : QString())
                                            .arg(s.gained, 0, 'f', 2).arg(top1 ? QStringLiteral("pt") : QStringLiteral("dB"));
        t.addRow({QString::number(i), s.action + (s.accepted ? QString() : QStringLiteral(" (undone)")), formatFigure(s.figures, r.metric),
                  bought, LayerTableModel::humanBytes(s.figures.fileBytes), s.withinBudget ? QStringLiteral("met") : QStringLiteral("outside")});
    }
    ctx.out() << t.render() << "\n";
    if (r.met) {
        ctx.out() << (r.fp32Layers.isEmpty() ? QStringLiteral("Every layer quantized meets the budget")
                                              : QStringLiteral("Kept in FP32: %1").arg(r.fp32Layers.join(QLatin1String(", "))))
                  << QStringLiteral(" (%1 of %2 layers quantized, %3).\n")
                         .arg(r.variant.coverage.quantizedLayers).arg(r.variant.coverage.totalLayers)
                         .arg(formatFigure(r.final, r.metric));
        if (!r.variant.artifactPath.isEmpty())
            ctx.out() << "Variant: " << paths::pretty(r.variant.artifactPath) << " (" << LayerTableModel::humanBytes(r.variant.fileBytesAfter)
                      << ")\n";
    }
    for (const QString& n : r.notes)
        ctx.out() << "Note: " << n << "\n";
    return 0;
}

const CommandRegistrar reg({QStringLiteral("fallback"),
                            QStringLiteral("Keep the fewest layers in FP32 that an accuracy budget needs; write that variant."), runFallback, 46});

} // namespace

} // namespace qs::cli
