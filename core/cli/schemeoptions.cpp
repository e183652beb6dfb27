// SPDX-License-Identifier: GPL-3.0-or-later
#include "schemeoptions.h"

#include "core/cli/dataoptions.h"
#include "core/common/engine.h"

namespace qs::cli {

void addSchemeOptions(QCommandLineParser& parser)
{
    parser.addOption({ QStringLiteral("engine"),
        QStringLiteral("Quantized engine (%1). Default: %2, the fastest here.")
            .arg(engine::available().join(QLatin1String(", ")), engine::fastest()),
        QStringLiteral("E") });
    parser.addOption({ QStringLiteral("calib"),
        QStringLiteral(
            "Calibration data: %1. 'random' uses seeded random inputs of --input: it runs, but gives poor static "
            "INT8. Samples past --calib-samples (default 200) measure fidelity.")
            .arg(dataHelp()),
        QStringLiteral("DATA") });
    addDataOptions(parser, QStringLiteral("calib-"), QStringLiteral("the calibration data"));
    parser.addOption({ QStringLiteral("calib-batch"), QStringLiteral("Samples per calibration forward (default 32)."),
        QStringLiteral("N") });
    parser.addOption({ QStringLiteral("observer"),
        QStringLiteral("Activation observer of static-int8: histogram (default) or minmax."), QStringLiteral("O") });
    parser.addOption({ QStringLiteral("per-channel"),
        QStringLiteral("One weight scale per output channel (default: static-int8 on onednn, "
                       "weight-int8/int4).") });
    parser.addOption({ QStringLiteral("per-tensor"),
        QStringLiteral("One weight scale per tensor (default: dynamic-int8, static-int8 on qnnpack).") });
    parser.addOption({ QStringLiteral("block"),
        QStringLiteral("weight-int8/int4: one scale per block of N weights (32, 64, 128)."), QStringLiteral("N") });
    parser.addOption({ QStringLiteral("exclude"),
        QStringLiteral("Keep matching layers in FP32: a name (fc3), a glob (features.*) or a "
                       "type (Embedding). Repeatable."),
        QStringLiteral("PATTERN") });
    parser.addOption({ QStringLiteral("input"),
        QStringLiteral("Shape[:dtype] of a forward input (for random calibration and "
                       "fidelity). Default: the sidecar <model>.json."),
        QStringLiteral("SHAPE") });
    parser.addOption({ QStringLiteral("seed"), QStringLiteral("Seed of k-means and random inputs (default 0)."),
        QStringLiteral("N") });
}

Result<QuantizeOptions> schemeOptionsFromArgs(Context& ctx, const QCommandLineParser& p, const QString& modelPath)
{
    QuantizeOptions o;
    o.engine = p.value(QStringLiteral("engine")).toLower();
    if (Status st = engine::validate(o.engine); !st)
        return st.error();
    if (p.isSet(QStringLiteral("calib"))) {
        const QString c = p.value(QStringLiteral("calib"));
        if (c == QLatin1String("random")) {
            o.calibration = QuantizeOptions::Calibration::Random;
        } else {
            o.calibration = QuantizeOptions::Calibration::File;
            o.calibrationPath = c;
        }
    }
    auto data = dataOptions(p, QStringLiteral("calib-"));
    if (!data)
        return data.error();
    o.calibrationData = *data;
    // --calib-samples is how many samples calibrate; the ones after it measure fidelity.
    o.calibrationSamples = data->limit > 0 ? int(std::min<qint64>(data->limit, 1 << 30)) : 200;
    o.calibrationData.limit = -1;
    auto batch = ctx.positiveInt(p, QStringLiteral("calib-batch"), 32);
    if (!batch)
        return batch.error();
    o.calibrationBatch = *batch;
    if (p.isSet(QStringLiteral("observer"))) {
        const QString obs = p.value(QStringLiteral("observer")).toLower();
        if (obs != QLatin1String("minmax") && obs != QLatin1String("histogram"))
            return Error::usage(QStringLiteral("--observer must be minmax or histogram, not '%1'.").arg(obs));
        o.observer
            = obs == QLatin1String("minmax") ? QuantizeOptions::Observer::MinMax : QuantizeOptions::Observer::Histogram;
    }
    if (p.isSet(QStringLiteral("per-channel")) && p.isSet(QStringLiteral("per-tensor")))
        return Error::usage(QStringLiteral("--per-channel and --per-tensor contradict each other; give one."));
    if (p.isSet(QStringLiteral("per-channel")))
        o.granularity = QuantizeOptions::Granularity::PerChannel;
    if (p.isSet(QStringLiteral("per-tensor")))
        o.granularity = QuantizeOptions::Granularity::PerTensor;
    if (p.isSet(QStringLiteral("block"))) {
        bool ok = false;
        o.blockSize = p.value(QStringLiteral("block")).toInt(&ok);
        if (!ok)
            return Error::usage(
                QStringLiteral("--block must be 32, 64 or 128, not '%1'.").arg(p.value(QStringLiteral("block"))));
    }
    if (p.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        o.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok)
            return Error::usage(
                QStringLiteral("--seed must be a whole number, not '%1'.").arg(p.value(QStringLiteral("seed"))));
    }
    if (!p.isSet(QStringLiteral("calib-seed")))
        o.calibrationData.seed = o.seed;
    o.excludes = p.values(QStringLiteral("exclude"));
    auto spec = ctx.inputSpec(p.values(QStringLiteral("input")), modelPath);
    if (!spec)
        return spec.error();
    o.inputs = *spec;
    return o;
}

} // namespace qs::cli
