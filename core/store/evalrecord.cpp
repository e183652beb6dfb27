// SPDX-License-Identifier: GPL-3.0-or-later
#include "evalrecord.h"

#include <QtCore/QFileInfo>

#include <cmath>

namespace qs {

RunRecord evalRunRecord(const QString& modelPath, const QString& modelSha256, const QJsonObject& config)
{
    RunRecord rec;
    rec.kind = QStringLiteral("eval");
    rec.status = RunStatus::Running;
    const QFileInfo file(modelPath);
    rec.model.path = file.absoluteFilePath();
    rec.model.name = file.fileName();
    rec.model.sha256 = modelSha256;
    rec.model.fileBytes = file.exists() ? file.size() : -1;
    // "fp32" until the Store finds that the file is the artifact of a quantize run.
    rec.variant.scheme = QStringLiteral("fp32");
    rec.variant.artifactPath = rec.model.path;
    rec.variant.artifactSha256 = modelSha256;
    rec.variant.artifactBytes = rec.model.fileBytes;
    rec.config = config;
    return rec;
}

RunRecord evalRunRecord(const EvalResult& r, const QJsonObject& fingerprint)
{
    QJsonObject config{{QStringLiteral("data"), r.dataPath},
                       {QStringLiteral("data_kind"), r.dataKind},
                       {QStringLiteral("data_summary"), r.dataSummary},
                       {QStringLiteral("subset"), r.subset},
                       {QStringLiteral("samples"), double(r.samples)},
                       {QStringLiteral("batch"), double(r.batch)},
                       {QStringLiteral("threads"), r.threads},
                       {QStringLiteral("engine"), r.engine},
                       {QStringLiteral("output"), r.output},
                       {QStringLiteral("reference"), r.referencePath}};
    RunRecord rec = evalRunRecord(r.modelPath, r.modelSha256, config);
    rec.status = RunStatus::Complete;
    rec.started = QDateTime::fromString(r.startedAt, Qt::ISODateWithMs);
    if (rec.started.isValid())
        rec.finished = rec.started.addMSecs(qint64((r.seconds + r.referenceSeconds + r.dataSeconds) * 1000));
    rec.fingerprint = fingerprint;
    rec.evaluation = r.toJson();
    rec.result = rec.evaluation;
    auto put = [&](const QString& name, double v) {
        if (std::isfinite(v))
            rec.metrics.insert(name, v);
    };
    put(QStringLiteral("samples"), double(r.samples));
    put(QStringLiteral("samples_per_s"), r.samplesPerSecond);
    if (r.accuracy) {
        const AccuracyMetrics& a = *r.accuracy;
        put(metric::Top1, 100.0 * a.top1);
        put(metric::Top5, 100.0 * a.top5);
        put(QStringLiteral("loss"), a.loss);
        put(QStringLiteral("precision"), a.precision);
        put(QStringLiteral("recall"), a.recall);
        put(QStringLiteral("f1"), a.f1);
    }
    if (r.referenceAccuracy)
        put(QStringLiteral("reference_top1"), 100.0 * r.referenceAccuracy->top1);
    if (const auto drop = r.top1DropPoints())
        put(QStringLiteral("top1_drop_pt"), *drop);
    if (r.fidelity) {
        const FidelityMetrics& f = *r.fidelity;
        put(metric::Cosine, f.cosine);
        put(metric::SqnrDb, f.sqnrDb);
        put(QStringLiteral("mse"), f.mse);
        put(QStringLiteral("psnr_db"), f.psnrDb);
        put(QStringLiteral("mean_abs"), f.meanAbs);
        put(QStringLiteral("mean_rel"), f.meanRel);
        put(QStringLiteral("max_abs"), f.maxAbs);
        if (f.top1Agreement)
            put(metric::Top1Agreement, 100.0 * *f.top1Agreement);
    }
    return rec;
}

} // namespace qs
