// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagnosisoptions.h"

#include "core/cli/dataoptions.h"
#include "core/common/engine.h"
#include "core/common/paths.h"
#include "core/model/modelloader.h"
#include "core/quant/schemecatalog.h"

#include <cmath>

namespace qs::cli {

void addDiagnosisOptions(QCommandLineParser& parser)
{
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("FP32 TorchScript model."));
    parser.addOption({QStringLiteral("scheme"), QStringLiteral("Scheme: %1.").arg(schemeIds().join(QLatin1String(", "))), QStringLiteral("S")});
    parser.addOption({QStringLiteral("data"), QStringLiteral("Data to measure on (required): %1.").arg(dataHelp()), QStringLiteral("DATA")});
    addDataOptions(parser);
    parser.addOption({QStringLiteral("calib"), QStringLiteral("Calibration data of static schemes (any DATA form; default: the first samples of "
                                                              "--data)."),
                      QStringLiteral("DATA")});
    parser.addOption({QStringLiteral("calib-samples"), QStringLiteral("Samples to calibrate on (default 200)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("metric"), QStringLiteral("Rank and budget by top1 (needs labels) or sqnr; default: top1 with labels."),
                      QStringLiteral("top1|sqnr")});
    parser.addOption({QStringLiteral("engine"), QStringLiteral("Quantized engine (onednn, qnnpack); default: the fastest."), QStringLiteral("E")});
    parser.addOption({QStringLiteral("observer"), QStringLiteral("Activation observer of static-int8: histogram (default) or minmax."),
                      QStringLiteral("O")});
    parser.addOption({QStringLiteral("per-channel"), QStringLiteral("One weight scale per output channel.")});
    parser.addOption({QStringLiteral("per-tensor"), QStringLiteral("One weight scale per tensor.")});
    parser.addOption({QStringLiteral("exclude"), QStringLiteral("Keep matching layers in FP32 in every variant (name, glob or type)."),
                      QStringLiteral("PATTERN")});
    parser.addOption({QStringLiteral("input"), QStringLiteral("The model's input shape (default: its sidecar)."), QStringLiteral("SHAPE[:dtype]")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Samples per forward (default 256)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("output"), QStringLiteral("Which output of a tuple/dict result (0, logits)."), QStringLiteral("SEL")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Compute threads."), QStringLiteral("N")});
}

Result<Diagnosis> diagnosisFromArgs(Context& ctx, const QCommandLineParser& parser, const QString& usage)
{
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != 1)
        return Error::usage(QStringLiteral("Give one MODEL. Usage: %1").arg(usage));
    if (!parser.isSet(QStringLiteral("scheme")))
        return Error::usage(QStringLiteral("Give --scheme S (%1).").arg(schemeIds().join(QLatin1String(", "))));
    if (!parser.isSet(QStringLiteral("data")))
        return Error::usage(QStringLiteral("Give --data DATA: %1.").arg(dataHelp()));
    Diagnosis d;
    QuantizeOptions& q = d.options.quant;
    q.scheme = parser.value(QStringLiteral("scheme")).toLower();
    if (!findScheme(q.scheme))
        return Error::usage(QStringLiteral("Unknown scheme '%1'. Schemes: %2.").arg(q.scheme, schemeIds().join(QLatin1String(", "))));
    q.engine = parser.value(QStringLiteral("engine")).toLower();
    if (Status st = engine::validate(q.engine); !st)
        return st.error();
    if (parser.isSet(QStringLiteral("observer"))) {
        const QString o = parser.value(QStringLiteral("observer")).toLower();
        if (o != QLatin1String("histogram") && o != QLatin1String("minmax"))
            return Error::usage(QStringLiteral("--observer is histogram or minmax, not '%1'.").arg(o));
        q.observer = o == QLatin1String("minmax") ? QuantizeOptions::Observer::MinMax : QuantizeOptions::Observer::Histogram;
    }
    if (parser.isSet(QStringLiteral("per-channel")) && parser.isSet(QStringLiteral("per-tensor")))
        return Error::usage(QStringLiteral("--per-channel and --per-tensor contradict each other; give one."));
    if (parser.isSet(QStringLiteral("per-channel")))
        q.granularity = QuantizeOptions::Granularity::PerChannel;
    if (parser.isSet(QStringLiteral("per-tensor")))
        q.granularity = QuantizeOptions::Granularity::PerTensor;
    q.excludes = parser.values(QStringLiteral("exclude"));
    auto calibSamples = ctx.positiveInt(parser, QStringLiteral("calib-samples"), 200);
    if (!calibSamples)
        return calibSamples.error();
    q.calibrationSamples = *calibSamples;
    if (parser.isSet(QStringLiteral("metric"))) {
        auto m = parseDiagnosisMetric(parser.value(QStringLiteral("metric")));
        if (!m)
            return Error::usage(QStringLiteral("--metric is top1 or sqnr, not '%1'.").arg(parser.value(QStringLiteral("metric"))));
        d.options.metric = *m;
    }
    auto batch = ctx.positiveInt(parser, QStringLiteral("batch"), 0);
    if (!batch)
        return batch.error();
    auto threads = ctx.positiveInt(parser, QStringLiteral("threads"), 0);
    if (!threads)
        return threads.error();
    d.options.eval.batch = *batch;
    d.options.eval.threads = *threads;
    d.options.eval.output = parser.value(QStringLiteral("output"));
    auto dataOpts = dataOptions(parser);
    if (!dataOpts)
        return dataOpts.error();

    auto model = loadModel(pos.first(), {q.engine});
    if (!model)
        return model.error();
    d.model = *model;
    auto spec = ctx.inputSpec(parser.values(QStringLiteral("input")), pos.first());
    if (!spec)
        return spec.error();
    d.options.eval.modelSpec = *spec;
    d.options.eval.classNames = sidecarClassNames(pos.first());
    q.inputs = *spec;
    auto data = Dataset::open(parser.value(QStringLiteral("data")), *dataOpts, *spec);
    if (!data)
        return data.error();
    d.data = *data;
    if (parser.isSet(QStringLiteral("calib"))) {
        DatasetOptions calibOpts = *dataOpts;
        calibOpts.limit = -1;
        calibOpts.fraction = -1;
        auto calib = Dataset::open(parser.value(QStringLiteral("calib")), calibOpts, *spec);
        if (!calib)
            return calib.error();
        d.options.calibration = *calib;
    }
    return d;
}

int runDiagnosisJob(Context& ctx, const Diagnosis& d, Job& job)
{
    if (!ctx.quiet)
        ctx.err() << "Data: " << d.data.info().summary() << "\n";
    if (Status st = ctx.runJob(job); !st)
        return ctx.fail(st.error());
    return -1;
}

QVector<QPair<QString, QString>> headerRows(const DiagnosisHeader& r)
{
    return {{QStringLiteral("Model"), QStringLiteral("%1 (%2)").arg(r.modelName, paths::pretty(r.modelPath))},
            {QStringLiteral("Scheme"), QStringLiteral("%1 (engine %2)").arg(r.scheme, r.engine)}};
}

QString formatFigure(const TrialFigures& f, DiagnosisMetric metric)
{
    if (metric == DiagnosisMetric::Top1)
        return QStringLiteral("%1 pt").arg(f.top1DropPoints.value_or(0), 0, 'f', 2);
    if (std::isinf(f.sqnrDb))
        return QStringLiteral("identical");
    return QStringLiteral("%1 dB").arg(f.sqnrDb, 0, 'f', 1);
}

} // namespace qs::cli
