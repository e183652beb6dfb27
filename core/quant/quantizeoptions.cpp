// SPDX-License-Identifier: GPL-3.0-or-later
#include "quantizeoptions.h"

#include "core/common/engine.h"
#include "core/common/jsonutil.h"
#include "core/quant/layerpattern.h"
#include "core/quant/schemecatalog.h"

#include <QtCore/QJsonArray>

namespace qs {

QVector<int> validBlockSizes()
{
    return { 32, 64, 128 };
}

namespace {

// The DatasetOptions that matter for calibration, as JSON (defaults left out).
QJsonObject dataOptionsJson(const DatasetOptions& d)
{
    QJsonObject o;
    if (d.fraction > 0)
        o.insert(QStringLiteral("fraction"), d.fraction);
    if (d.seed != 0)
        o.insert(QStringLiteral("seed"), QString::number(d.seed));
    if (d.resize > 0)
        o.insert(QStringLiteral("resize"), d.resize);
    if (d.cropWidth > 0)
        o.insert(QStringLiteral("crop"), QStringLiteral("%1x%2").arg(d.cropWidth).arg(d.cropHeight));
    if (d.color != DatasetOptions::Color::Rgb)
        o.insert(QStringLiteral("channels"), d.color == DatasetOptions::Color::Bgr ? QStringLiteral("bgr") : QStringLiteral("gray"));
    QJsonArray mean, std;
    for (double v : d.mean)
        mean.append(v);
    for (double v : d.std)
        std.append(v);
    if (!mean.isEmpty())
        o.insert(QStringLiteral("mean"), mean);
    if (!std.isEmpty())
        o.insert(QStringLiteral("std"), std);
    if (!d.scale)
        o.insert(QStringLiteral("scale"), false);
    if (d.skipUnreadable)
        o.insert(QStringLiteral("skip_unreadable"), true);
    if (!d.labelsPath.isEmpty())
        o.insert(QStringLiteral("labels"), d.labelsPath);
    return o;
}

DatasetOptions dataOptionsFromJson(const QJsonObject& o)
{
    DatasetOptions d;
    d.fraction = o.value(QStringLiteral("fraction")).toDouble(-1);
    d.seed = o.value(QStringLiteral("seed")).toString().toULongLong();
    d.resize = o.value(QStringLiteral("resize")).toInt(0);
    const QStringList crop = o.value(QStringLiteral("crop")).toString().split(QLatin1Char('x'));
    if (crop.size() == 2) {
        d.cropWidth = crop[0].toInt();
        d.cropHeight = crop[1].toInt();
    }
    const QString channels = o.value(QStringLiteral("channels")).toString();
    d.color = channels == QLatin1String("bgr") ? DatasetOptions::Color::Bgr
        : channels == QLatin1String("gray")    ? DatasetOptions::Color::Grayscale
                                               : DatasetOptions::Color::Rgb;
    for (const QJsonValue& v : o.value(QStringLiteral("mean")).toArray())
        d.mean << v.toDouble();
    for (const QJsonValue& v : o.value(QStringLiteral("std")).toArray())
        d.std << v.toDouble();
    d.scale = o.value(QStringLiteral("scale")).toBool(true);
    d.skipUnreadable = o.value(QStringLiteral("skip_unreadable")).toBool(false);
    d.labelsPath = o.value(QStringLiteral("labels")).toString();
    return d;
}

} // namespace

QString QuantizeOptions::observerName(Observer o)
{
    return o == Observer::MinMax ? QStringLiteral("minmax") : QStringLiteral("histogram");
}

QString QuantizeOptions::granularityName(Granularity g)
{
    switch (g) {
    case Granularity::PerTensor:
        return QStringLiteral("per-tensor");
    case Granularity::PerChannel:
        return QStringLiteral("per-channel");
    case Granularity::Default:
        break;
    }
    return QStringLiteral("default");
}

QString QuantizeOptions::calibrationName(Calibration c)
{
    switch (c) {
    case Calibration::File:
        return QStringLiteral("file");
    case Calibration::Random:
        return QStringLiteral("random");
    case Calibration::None:
        break;
    }
    return QStringLiteral("none");
}

QuantizeOptions::Granularity QuantizeOptions::effectiveGranularity(const QString& engineName) const
{
    if (granularity != Granularity::Default)
        return granularity;
    const auto info = findScheme(scheme);
    if (!info)
        return Granularity::PerTensor;
    switch (info->kind) {
    case SchemeInfo::Kind::Static:
        // get_default_qconfig('qnnpack') observes weights per tensor; onednn/x86/fbgemm per channel.
        return engineName == QLatin1String("qnnpack") ? Granularity::PerTensor : Granularity::PerChannel;
    case SchemeInfo::Kind::WeightOnly:
        return Granularity::PerChannel;
    case SchemeInfo::Kind::Dynamic: // default_dynamic_qconfig
    case SchemeInfo::Kind::Fp16:
    case SchemeInfo::Kind::KMeans:
    case SchemeInfo::Kind::Linear:
        break;
    }
    return Granularity::PerTensor;
}

Status QuantizeOptions::validate() const
{
    const auto info = findScheme(scheme);
    if (!info)
        return Error::usage(
            QStringLiteral("Unknown scheme '%1'. Schemes: %2.").arg(scheme, schemeIds().join(QLatin1String(", "))));
    if (Status st = engine::validate(engine); !st)
        return st;
    if (blockSize != 0) {
        if (!info->blockwise)
            return Error::usage(
                QStringLiteral("A block size applies to weight-int8 and weight-int4 only, not to %1.").arg(scheme));
        if (!validBlockSizes().contains(blockSize))
            return Error::usage(
                QStringLiteral("Block size %1 is not supported: use 32, 64 or 128 weights per scale (or 0 for one "
                               "scale per output channel).")
                    .arg(blockSize));
        if (granularity == Granularity::PerTensor)
            return Error::usage(
                QStringLiteral("A block size and per-tensor weights contradict each other: blocks give one scale "
                               "per %1 weights. Choose one.")
                    .arg(blockSize));
    }
    if (granularity != Granularity::Default && !info->granularity)
        return Error::usage(
            QStringLiteral("%1 has no per-tensor/per-channel choice (it applies to dynamic-int8, static-int8, "
                           "weight-int8 and weight-int4).")
                .arg(scheme));
    if (calibrationSamples < 1)
        return Error::usage(
            QStringLiteral("The calibration sample count must be at least 1, not %1.").arg(calibrationSamples));
    if (calibrationBatch < 1)
        return Error::usage(
            QStringLiteral("The calibration batch size must be at least 1, not %1.").arg(calibrationBatch));
    if (info->needsCalibration && calibration == Calibration::None)
        return Error::usage(
            QStringLiteral("%1 needs calibration data to choose activation ranges: give --calib FILE (a "
                           "torch.save'd {\"inputs\": X} of typical inputs, ~200 samples), or --calib random "
                           "(seeded random inputs: this runs, but gives poor accuracy).")
                .arg(scheme));
    if (calibration == Calibration::File && calibrationPath.isEmpty())
        return Error::usage(QStringLiteral("No calibration file given."));
    for (const QString& p : excludes) {
        if (Status st = LayerPattern::check(p); !st)
            return st;
    }
    return {};
}

QJsonObject QuantizeOptions::toJson() const
{
    QJsonObject o {
        { QStringLiteral("scheme"), scheme },
        { QStringLiteral("engine"), engine },
        { QStringLiteral("observer"), observerName(observer) },
        { QStringLiteral("granularity"), granularityName(granularity) },
        { QStringLiteral("block"), blockSize },
        { QStringLiteral("calibration"), calibrationName(calibration) },
        { QStringLiteral("calibration_path"), calibrationPath },
        { QStringLiteral("calibration_data"), dataOptionsJson(calibrationData) },
        { QStringLiteral("calibration_samples"), calibrationSamples },
        { QStringLiteral("calibration_batch"), calibrationBatch },
        { QStringLiteral("exclude"), json::fromStrings(excludes) },
        { QStringLiteral("seed"), QString::number(seed) },
        { QStringLiteral("out"), outPath },
    };
    if (!inputs.isEmpty())
        o.insert(QStringLiteral("inputs"), inputs.toJson().value(QStringLiteral("inputs")));
    return o;
}

Result<QuantizeOptions> QuantizeOptions::fromJson(const QJsonObject& o)
{
    QuantizeOptions q;
    q.scheme = o.value(QStringLiteral("scheme")).toString();
    if (q.scheme.isEmpty())
        return Error::badInput(QStringLiteral("Quantize options without a scheme."));
    q.engine = o.value(QStringLiteral("engine")).toString();
    const QString obs = o.value(QStringLiteral("observer")).toString(QStringLiteral("histogram"));
    if (obs != QLatin1String("minmax") && obs != QLatin1String("histogram"))
        return Error::badInput(QStringLiteral("Unknown observer '%1' (minmax or histogram).").arg(obs));
    q.observer = obs == QLatin1String("minmax") ? Observer::MinMax : Observer::Histogram;
    const QString g = o.value(QStringLiteral("granularity")).toString(QStringLiteral("default"));
    q.granularity = g == QLatin1String("per-tensor") ? Granularity::PerTensor
        : g == QLatin1String("per-channel")          ? Granularity::PerChannel
                                                     : Granularity::Default;
    q.blockSize = o.value(QStringLiteral("block")).toInt(0);
    const QString c = o.value(QStringLiteral("calibration")).toString(QStringLiteral("none"));
    q.calibration = c == QLatin1String("file") ? Calibration::File
        : c == QLatin1String("random")         ? Calibration::Random
                                               : Calibration::None;
    q.calibrationPath = o.value(QStringLiteral("calibration_path")).toString();
    q.calibrationData = dataOptionsFromJson(o.value(QStringLiteral("calibration_data")).toObject());
    q.calibrationSamples = o.value(QStringLiteral("calibration_samples")).toInt(200);
    q.calibrationBatch = o.value(QStringLiteral("calibration_batch")).toInt(32);
    for (const QJsonValue& v : o.value(QStringLiteral("exclude")).toArray())
        q.excludes << v.toString();
    q.seed = o.value(QStringLiteral("seed")).toString().toULongLong();
    q.outPath = o.value(QStringLiteral("out")).toString();
    if (o.contains(QStringLiteral("inputs"))) {
        auto spec = InputSpec::fromJson(QJsonObject { { QStringLiteral("inputs"), o.value(QStringLiteral("inputs")) } },
            QStringLiteral("quantize options"));
        if (!spec)
            return spec.error();
        q.inputs = *spec;
    }
    return q;
}

} // namespace qs
