// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/cli/command.h"
#include "core/cli/schemeoptions.h"
#include "core/cli/texttable.h"
#include "core/common/paths.h"
#include "core/eval/layerdiagnosis.h"
#include "core/model/modelloader.h"
#include "core/quant/schemecatalog.h"

#include <cmath>

namespace qs::cli {

namespace {

const QString kUsage = QStringLiteral("quantscope-cli layers MODEL --scheme S [--calib DATA|random] [--calib-samples N] "
                                      "[--observer minmax|histogram] [--per-channel|--per-tensor] [--block N] "
                                      "[--exclude P]... [--bins N] [--json]");

QString db(double v)
{
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("exact") : QStringLiteral("-inf");
    return QStringLiteral("%1 dB").arg(v, 0, 'f', 1);
}

QString num(double v)
{
    return QString::number(v, 'g', 4);
}

QString percent(double f)
{
    return f > 0 ? QStringLiteral("%1%").arg(100.0 * f, 0, 'g', 3) : QStringLiteral("0");
}

// The histogram in 16 characters of block elements: the shape at a glance.
QString sparkline(const Histogram& h)
{
    static const QString levels = QStringLiteral(" \u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
    if (h.counts.isEmpty())
        return {};
    const int cells = std::min(16, int(h.counts.size()));
    QVector<qint64> merged(cells, 0);
    for (int i = 0; i < h.counts.size(); ++i)
        merged[i * cells / h.counts.size()] += h.counts[i];
    const qint64 peak = *std::max_element(merged.begin(), merged.end());
    QString out;
    for (qint64 c : merged)
        out += levels[peak > 0 ? int(std::ceil(8.0 * double(c) / double(peak))) : 0];
    return out;
}

QString scaleCell(const QuantRange& r)
{
    switch (r.kind) {
    case QuantRange::Kind::PerTensor:
        return QStringLiteral("%1 zp %2").arg(num(r.scale)).arg(r.zeroPoint);
    case QuantRange::Kind::PerChannel:
    case QuantRange::Kind::PerBlock: {
        if (r.scales.isEmpty())
            return {};
        const auto [lo, hi] = std::minmax_element(r.scales.begin(), r.scales.end());
        return QStringLiteral("%1 scales %2..%3").arg(r.scales.size()).arg(num(*lo), num(*hi));
    }
    case QuantRange::Kind::Codebook:
        return QStringLiteral("%1 centroids").arg(r.codebook.size());
    case QuantRange::Kind::Float16:
    case QuantRange::Kind::None:
        break;
    }
    return {};
}

QString rangeCell(const QuantRange& r)
{
    if (r.kind == QuantRange::Kind::None)
        return QStringLiteral("FP32");
    return QStringLiteral("[%1, %2]").arg(num(r.clipMin), num(r.clipMax));
}

void printHuman(Context& ctx, const LayerDiagnosis& r)
{
    QVector<QPair<QString, QString>> rows { { QStringLiteral("Model"),
                                                QStringLiteral("%1 (%2)").arg(r.modelName, paths::pretty(r.modelPath)) },
        { QStringLiteral("Scheme"), QStringLiteral("%1 (engine %2)").arg(r.scheme, r.engine) } };
    if (!r.granularity.isEmpty())
        rows << qMakePair(QStringLiteral("Weights"), r.granularity);
    if (!r.observer.isEmpty())
        rows << qMakePair(QStringLiteral("Activations"), QStringLiteral("%1 observer").arg(r.observer));
    if (!r.calibrationSource.isEmpty())
        rows << qMakePair(QStringLiteral("Calibration"), r.calibrationSource);
    ctx.out() << keyValues(rows) << "\n";

    TextTable w({ QStringLiteral("Weight"), QStringLiteral("Type"), QStringLiteral("Shape"), QStringLiteral("Range"),
                    QStringLiteral("Scale"), QStringLiteral("SQNR"), QStringLiteral("MSE"), QStringLiteral("Clipped"),
                    QStringLiteral("Distribution"), QStringLiteral("Note") },
        { false, false, false, false, false, true, true, true, false, false });
    for (const WeightDiagnosis& d : r.weights) {
        QStringList shape;
        for (qint64 s : d.shape)
            shape << QString::number(s);
        w.addRow({ d.tensor, d.layerType, shape.join(QLatin1Char('x')), rangeCell(d.range), scaleCell(d.range),
            d.quantized ? db(d.sqnrDb) : QStringLiteral("-"), d.quantized ? num(d.mse) : QStringLiteral("-"),
            d.quantized ? percent(d.clippedFraction) : QStringLiteral("-"), sparkline(d.histogram), d.note });
    }
    ctx.out() << w.render();
    if (!r.activations.isEmpty()) {
        ctx.out() << "\n";
        TextTable a({ QStringLiteral("Activation"), QStringLiteral("Read by"), QStringLiteral("Observed"),
                        QStringLiteral("Range"), QStringLiteral("Scale"), QStringLiteral("SQNR"), QStringLiteral("Clipped"),
                        QStringLiteral("Distribution") },
            { false, false, false, false, false, true, true, false });
        for (const ActivationDiagnosis& d : r.activations)
            a.addRow({ d.name, d.consumers.join(QLatin1String(", ")),
                QStringLiteral("[%1, %2]").arg(num(d.observedMin), num(d.observedMax)), rangeCell(d.range),
                scaleCell(d.range), db(d.sqnrDb), percent(d.clippedFraction), sparkline(d.histogram) });
        ctx.out() << a.render();
    }
    for (const QString& n : r.notes)
        ctx.out() << "Note: " << n << "\n";
    ctx.out() << QStringLiteral("SQNR: signal over quantization noise of the tensor (higher is better); clipped: values "
                                "clamped to the end of the range. %1 weights, %2 activations in %3 s.\n")
                     .arg(r.weights.size())
                     .arg(r.activations.size())
                     .arg(r.seconds, 0, 'f', 2);
    ctx.out().flush();
}

int runLayers(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Per-layer diagnosis of a scheme: each weight's quantization error (SQNR, MSE) and histogram with the range the "
        "scheme chooses (clip range, scales, zero points or codebook); for static-int8 also each activation's histogram "
        "over the calibration data with the range its observer chose."));
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("FP32 TorchScript model."));
    parser.addOption({ QStringLiteral("scheme"), QStringLiteral("Scheme: %1.").arg(schemeIds().join(QLatin1String(", "))),
        QStringLiteral("S") });
    addSchemeOptions(parser);
    parser.addOption({ QStringLiteral("bins"), QStringLiteral("Histogram bins (default 64)."), QStringLiteral("N") });
    ctx.addStandardOptions(parser);
    if (int rc = ctx.parse(parser, args, kUsage); rc >= 0)
        return rc;
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != 1)
        return ctx.fail(Error::usage(QStringLiteral("layers takes one MODEL. Usage: %1").arg(kUsage)));
    if (!parser.isSet(QStringLiteral("scheme")))
        return ctx.fail(
            Error::usage(QStringLiteral("Give --scheme S (%1).").arg(schemeIds().join(QLatin1String(", ")))));
    LayerDiagnosisOptions options;
    auto quant = schemeOptionsFromArgs(ctx, parser, pos.first());
    if (!quant)
        return ctx.fail(quant.error());
    options.quant = *quant;
    options.quant.scheme = parser.value(QStringLiteral("scheme")).toLower();
    if (Status st = options.quant.validate(); !st)
        return ctx.fail(st.error());
    auto bins = ctx.positiveInt(parser, QStringLiteral("bins"), 64);
    if (!bins)
        return ctx.fail(bins.error());
    options.bins = *bins;
    auto model = loadModel(pos.first(), { options.quant.engine });
    if (!model)
        return ctx.fail(model.error());
    LayerDiagnosisJob job(*model, options);
    if (Status st = ctx.runJob(job); !st)
        return ctx.fail(st.error());
    if (ctx.json)
        ctx.printJson(job.result().toJson());
    else
        printHuman(ctx, job.result());
    return 0;
}

const CommandRegistrar reg({ QStringLiteral("layers"),
    QStringLiteral("Per-layer weight error and weight/activation histograms with the ranges a scheme chooses."),
    runLayers, 47 });

} // namespace

} // namespace qs::cli
