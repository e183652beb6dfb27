// SPDX-License-Identifier: GPL-3.0-or-later
#include "variant.h"

#include "core/common/jsonutil.h"

#include <QtCore/QJsonArray>

#include <cmath>

namespace qs {

namespace {

QJsonValue finiteOrNull(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QStringList toStrings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& s : v.toArray())
        out << s.toString();
    return out;
}

} // namespace

QJsonObject Coverage::toJson() const
{
    QJsonObject types;
    for (auto it = perType.begin(); it != perType.end(); ++it)
        types.insert(it.key(),
            QJsonObject { { QStringLiteral("quantized"), it->quantized }, { QStringLiteral("total"), it->total } });
    QJsonArray fp32;
    for (const Fp32Layer& l : fp32Layers) {
        fp32.append(QJsonObject { { QStringLiteral("name"), l.name }, { QStringLiteral("type"), l.type },
            { QStringLiteral("reason"), l.reason }, { QStringLiteral("detail"), l.detail } });
    }
    QJsonObject ops;
    for (auto it = quantizedOps.begin(); it != quantizedOps.end(); ++it)
        ops.insert(it.key(), it.value());
    return QJsonObject {
        { QStringLiteral("quantized_layers"), quantizedLayers },
        { QStringLiteral("total_layers"), totalLayers },
        { QStringLiteral("quantized_tensors"), quantizedTensors },
        { QStringLiteral("total_tensors"), totalTensors },
        { QStringLiteral("per_type"), types },
        { QStringLiteral("quantized_layer_names"), json::fromStrings(quantizedLayerNames) },
        { QStringLiteral("fp32_layers"), fp32 },
        { QStringLiteral("quantized_ops"), ops },
    };
}

Coverage Coverage::fromJson(const QJsonObject& o)
{
    Coverage c;
    c.quantizedLayers = o.value(QStringLiteral("quantized_layers")).toInt();
    c.totalLayers = o.value(QStringLiteral("total_layers")).toInt();
    c.quantizedTensors = o.value(QStringLiteral("quantized_tensors")).toInt();
    c.totalTensors = o.value(QStringLiteral("total_tensors")).toInt();
    const QJsonObject types = o.value(QStringLiteral("per_type")).toObject();
    for (auto it = types.begin(); it != types.end(); ++it) {
        const QJsonObject t = it.value().toObject();
        c.perType.insert(it.key(),
            TypeCoverage { t.value(QStringLiteral("quantized")).toInt(), t.value(QStringLiteral("total")).toInt() });
    }
    c.quantizedLayerNames = toStrings(o.value(QStringLiteral("quantized_layer_names")));
    for (const QJsonValue& v : o.value(QStringLiteral("fp32_layers")).toArray()) {
        const QJsonObject l = v.toObject();
        c.fp32Layers << Fp32Layer { l.value(QStringLiteral("name")).toString(),
            l.value(QStringLiteral("type")).toString(), l.value(QStringLiteral("reason")).toString(),
            l.value(QStringLiteral("detail")).toString() };
    }
    const QJsonObject ops = o.value(QStringLiteral("quantized_ops")).toObject();
    for (auto it = ops.begin(); it != ops.end(); ++it)
        c.quantizedOps.insert(it.key(), it.value().toInt());
    return c;
}

bool Coverage::operator==(const Coverage& o) const
{
    return quantizedLayers == o.quantizedLayers && totalLayers == o.totalLayers && perType == o.perType
        && quantizedTensors == o.quantizedTensors && totalTensors == o.totalTensors
        && quantizedLayerNames == o.quantizedLayerNames && fp32Layers == o.fp32Layers && quantizedOps == o.quantizedOps;
}

QJsonObject Fidelity::toJson() const
{
    QJsonObject o { { QStringLiteral("measured"), measured } };
    if (measured) {
        o.insert(QStringLiteral("samples"), samples);
        o.insert(QStringLiteral("inputs"), inputs);
        o.insert(QStringLiteral("cosine"), finiteOrNull(cosine));
        // JSON has no infinity: identical outputs give "sqnr_db": null with "identical": true.
        o.insert(QStringLiteral("sqnr_db"), finiteOrNull(sqnrDb));
        o.insert(QStringLiteral("identical"), std::isinf(sqnrDb) && sqnrDb > 0);
        o.insert(QStringLiteral("max_abs_diff"), finiteOrNull(maxAbsDiff));
        o.insert(QStringLiteral("collapsed"), collapsed);
    }
    if (!note.isEmpty())
        o.insert(QStringLiteral("note"), note);
    return o;
}

Fidelity Fidelity::fromJson(const QJsonObject& o)
{
    Fidelity f;
    f.measured = o.value(QStringLiteral("measured")).toBool();
    f.samples = o.value(QStringLiteral("samples")).toInt();
    f.inputs = o.value(QStringLiteral("inputs")).toString();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    f.cosine = o.value(QStringLiteral("cosine")).toDouble(nan);
    f.sqnrDb = o.value(QStringLiteral("identical")).toBool() ? std::numeric_limits<double>::infinity()
                                                             : o.value(QStringLiteral("sqnr_db")).toDouble(nan);
    f.maxAbsDiff = o.value(QStringLiteral("max_abs_diff")).toDouble(nan);
    f.collapsed = o.value(QStringLiteral("collapsed")).toBool();
    f.note = o.value(QStringLiteral("note")).toString();
    return f;
}

QString Variant::runtimeName(Runtime r)
{
    return r == Runtime::QuantizedKernels ? QStringLiteral("quantized-kernels") : QStringLiteral("dequantized-at-load");
}

QJsonObject Variant::toJson() const
{
    return QJsonObject {
        { QStringLiteral("scheme"), scheme },
        { QStringLiteral("engine"), engine },
        { QStringLiteral("runtime"), runtimeName(runtime) },
        { QStringLiteral("model"), modelPath },
        { QStringLiteral("model_sha256"), modelSha256 },
        { QStringLiteral("out"), artifactPath },
        { QStringLiteral("file_bytes_before"), fileBytesBefore },
        { QStringLiteral("file_bytes_after"), fileBytesAfter },
        { QStringLiteral("param_bytes_before"), paramBytesBefore },
        { QStringLiteral("param_bytes_after"), paramBytesAfter },
        { QStringLiteral("seconds"), seconds },
        { QStringLiteral("calibration_seconds"), calibrationSeconds },
        { QStringLiteral("calibration_samples"), calibrationSamples },
        { QStringLiteral("calibration_source"), calibrationSource },
        { QStringLiteral("coverage"), coverage.toJson() },
        { QStringLiteral("fidelity"), fidelity.toJson() },
        { QStringLiteral("warnings"), json::fromStrings(warnings) },
        { QStringLiteral("options"), options.toJson() },
        { QStringLiteral("created_at"), createdAt },
        { QStringLiteral("quantscope"), quantscopeVersion },
        { QStringLiteral("libtorch"), libtorchVersion },
    };
}

Result<Variant> Variant::fromJson(const QJsonObject& o)
{
    Variant v;
    v.scheme = o.value(QStringLiteral("scheme")).toString();
    if (v.scheme.isEmpty())
        return Error::badInput(QStringLiteral("A variant record without a \"scheme\"."));
    auto options = QuantizeOptions::fromJson(o.value(QStringLiteral("options")).toObject());
    if (options)
        v.options = *options;
    else
        v.options.scheme = v.scheme;
    v.engine = o.value(QStringLiteral("engine")).toString();
    v.runtime = o.value(QStringLiteral("runtime")).toString() == QLatin1String("dequantized-at-load")
        ? Runtime::DequantizedAtLoad
        : Runtime::QuantizedKernels;
    v.modelPath = o.value(QStringLiteral("model")).toString();
    v.modelSha256 = o.value(QStringLiteral("model_sha256")).toString();
    v.artifactPath = o.value(QStringLiteral("out")).toString();
    v.fileBytesBefore = o.value(QStringLiteral("file_bytes_before")).toInteger();
    v.fileBytesAfter = o.value(QStringLiteral("file_bytes_after")).toInteger();
    v.paramBytesBefore = o.value(QStringLiteral("param_bytes_before")).toInteger();
    v.paramBytesAfter = o.value(QStringLiteral("param_bytes_after")).toInteger();
    v.seconds = o.value(QStringLiteral("seconds")).toDouble();
    v.calibrationSeconds = o.value(QStringLiteral("calibration_seconds")).toDouble();
    v.calibrationSamples = o.value(QStringLiteral("calibration_samples")).toInt();
    v.calibrationSource = o.value(QStringLiteral("calibration_source")).toString();
    v.coverage = Coverage::fromJson(o.value(QStringLiteral("coverage")).toObject());
    v.fidelity = Fidelity::fromJson(o.value(QStringLiteral("fidelity")).toObject());
    v.warnings = toStrings(o.value(QStringLiteral("warnings")));
    v.createdAt = o.value(QStringLiteral("created_at")).toString();
    v.quantscopeVersion = o.value(QStringLiteral("quantscope")).toString();
    v.libtorchVersion = o.value(QStringLiteral("libtorch")).toString();
    return v;
}

} // namespace qs
