// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/cli/command.h"
#include "core/cli/diagnosisoptions.h"
#include "core/cli/texttable.h"
#include "core/common/paths.h"
#include "core/eval/sensitivityjob.h"

#include <cmath>

namespace qs::cli {

namespace {

QString percent(const std::optional<double>& v)
{
    return v ? QString::number(100.0 * *v, 'f', 2) + QLatin1Char('%') : QStringLiteral("-");
}

QString sqnr(double db)
{
    return std::isinf(db) ? QStringLiteral("identical") : QStringLiteral("%1 dB").arg(db, 0, 'f', 1);
}

int runSensitivity(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Per-layer sensitivity: quantize each layer the scheme covers alone (every other layer in FP32), measure the variant "
        "against FP32 on the data (top-1 drop with labels, output SQNR without) and rank the layers, the most sensitive first."));
    addDiagnosisOptions(parser);
    ctx.addStandardOptions(parser);
    const QString usage = QStringLiteral("quantscope-cli sensitivity MODEL --scheme S --data DATA [--calib DATA] [--samples N] "
                                         "[--metric top1|sqnr] [--json]");
    if (int rc = ctx.parse(parser, args, usage); rc >= 0)
        return rc;
    auto d = diagnosisFromArgs(ctx, parser, usage);
    if (!d)
        return ctx.fail(d.error());
    SensitivityJob job(d->model, d->data, d->options);
    if (int rc = runDiagnosisJob(ctx, *d, job); rc >= 0)
        return rc;
    const SensitivityResult r = job.result();
    if (ctx.json) {
        ctx.printJson(r.toJson());
        return 0;
    }
    const bool top1 = r.metric == DiagnosisMetric::Top1;
    QVector<QPair<QString, QString>> rows = headerRows(r);
    rows += QVector<QPair<QString, QString>>{
        {QStringLiteral("Data"), r.dataSummary},
        {QStringLiteral("Ranked by"), top1 ? QStringLiteral("top-1 drop against FP32") : QStringLiteral("output SQNR against FP32")},
    };
    if (!r.calibrationSource.isEmpty())
        rows << qMakePair(QStringLiteral("Calibration"), r.calibrationSource);
    if (r.fp32Accuracy)
        rows << qMakePair(QStringLiteral("FP32"), QStringLiteral("top-1 %1").arg(percent(r.fp32Accuracy->top1)));
    rows << qMakePair(QStringLiteral("All quantized"), QStringLiteral("%1%2, SQNR %3")
                                                           .arg(top1 ? QStringLiteral("top-1 %1, ").arg(percent(r.allQuantized.top1)) : QString(),
                                                                top1 ? QStringLiteral("drop %1").arg(formatFigure(r.allQuantized, r.metric)) : QString(),
                                                                sqnr(r.allQuantized.sqnrDb)));
    ctx.out() << keyValues(rows) << "\n";
    TextTable t({QStringLiteral("Rank"), QStringLiteral("Layer"), QStringLiteral("Type"), QStringLiteral("Top-1"), QStringLiteral("Drop"),
                 QStringLiteral("SQNR"), QStringLiteral("Cosine"), QStringLiteral("Note")},
                {true, false, false, true, true, true, true, false});
    for (const LayerSensitivity& l : r.layers)
        t.addRow({QString::number(l.rank), l.name, l.type, percent(l.figures.top1),
                  l.figures.top1DropPoints ? QStringLiteral("%1 pt").arg(*l.figures.top1DropPoints, 0, 'f', 2) : QStringLiteral("-"),
                  sqnr(l.figures.sqnrDb), QString::number(l.figures.cosine, 'f', 5), l.note});
    ctx.out() << t.render();
    for (const QString& n : r.notes)
        ctx.out() << "Note: " << n << "\n";
    ctx.out() << QStringLiteral("%1 layers in %2 s. Keep the top-ranked layers in FP32 with --exclude, or let 'quantscope-cli fallback' "
                                "pick them for an accuracy budget.\n")
                     .arg(r.layers.size()).arg(r.seconds, 0, 'f', 1);
    return 0;
}

const CommandRegistrar reg({QStringLiteral("sensitivity"),
                            QStringLiteral("Rank layers by what quantizing each alone costs (accuracy or fidelity)."), runSensitivity, 45});

} // namespace

} // namespace qs::cli
