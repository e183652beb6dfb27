// SPDX-License-Identifier: GPL-3.0-or-later
#include "quantizerecord.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <cmath>

namespace qs {

namespace {

QJsonObject variantOptions(const QuantizeOptions& options)
{
    QJsonObject o = options.toJson();
    // Where the artifact went is the variant's artifact path, not one of its options.
    o.remove(QStringLiteral("out"));
    o.remove(QStringLiteral("scheme"));
    o.remove(QStringLiteral("engine"));
    return o;
}

} // namespace

QString fileSha256(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&f))
        return {};
    return QString::fromLatin1(hash.result().toHex());
}

RunRecord quantizeRunRecord(const QuantizeOptions& options, const QString& modelPath, const QString& modelSha256)
{
    RunRecord rec;
    rec.kind = QStringLiteral("quantize");
    rec.status = RunStatus::Running;
    const QFileInfo file(modelPath);
    rec.model.path = file.absoluteFilePath();
    rec.model.name = file.fileName();
    rec.model.sha256 = modelSha256;
    rec.model.fileBytes = file.exists() ? file.size() : -1;
    rec.variant.scheme = options.scheme;
    rec.variant.engine = options.engine;
    rec.variant.options = variantOptions(options);
    rec.variant.artifactPath = options.outPath.isEmpty() ? QString() : QFileInfo(options.outPath).absoluteFilePath();
    rec.config = options.toJson();
    return rec;
}

RunRecord quantizeRunRecord(const Variant& v)
{
    RunRecord rec = quantizeRunRecord(v.options, v.modelPath, v.modelSha256);
    rec.status = RunStatus::Complete;
    rec.started = QDateTime::fromString(v.createdAt, Qt::ISODateWithMs);
    if (rec.started.isValid())
        rec.finished = rec.started.addMSecs(qint64(v.seconds * 1000));
    rec.model.fileBytes = v.fileBytesBefore;
    rec.variant.engine = v.engine;
    rec.variant.artifactPath = v.artifactPath.isEmpty() ? QString() : QFileInfo(v.artifactPath).absoluteFilePath();
    rec.variant.artifactSha256 = v.artifactPath.isEmpty() ? QString() : fileSha256(v.artifactPath);
    rec.variant.artifactBytes = v.fileBytesAfter;
    rec.variant.paramBytes = v.paramBytesAfter;
    rec.variant.coverage = v.coverage.toJson();
    rec.config.insert(QStringLiteral("engine"), v.engine);
    rec.result = v.toJson();
    auto put = [&](const QString& name, double value) {
        if (std::isfinite(value))
            rec.metrics.insert(name, value);
    };
    put(metric::QuantizeSeconds, v.seconds);
    put(QStringLiteral("calibration_s"), v.calibrationSeconds);
    put(QStringLiteral("calibration_samples"), v.calibrationSamples);
    put(QStringLiteral("file_bytes_before"), double(v.fileBytesBefore));
    put(QStringLiteral("file_bytes_after"), double(v.fileBytesAfter));
    put(QStringLiteral("param_bytes_before"), double(v.paramBytesBefore));
    put(QStringLiteral("param_bytes_after"), double(v.paramBytesAfter));
    put(QStringLiteral("quantized_layers"), v.coverage.quantizedLayers);
    put(QStringLiteral("total_layers"), v.coverage.totalLayers);
    put(QStringLiteral("quantized_tensors"), v.coverage.quantizedTensors);
    put(QStringLiteral("total_tensors"), v.coverage.totalTensors);
    if (v.fidelity.measured) {
        put(metric::Cosine, v.fidelity.cosine);
        put(metric::SqnrDb, v.fidelity.sqnrDb); // +inf (identical outputs) is left out: unknown to SQL
        put(QStringLiteral("max_abs_diff"), v.fidelity.maxAbsDiff);
        put(QStringLiteral("collapsed"), v.fidelity.collapsed ? 1 : 0);
    }
    return rec;
}

} // namespace qs
