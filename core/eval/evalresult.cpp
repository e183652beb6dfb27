// SPDX-License-Identifier: GPL-3.0-or-later
#include "evalresult.h"

#include "core/eval/jsonnumbers_p.h"

#include <QtCore/QJsonArray>

#include <cmath>
#include <limits>

namespace qs {

namespace {

using jsonnumbers::number;
using jsonnumbers::optional;
using jsonnumbers::readNumber;
using jsonnumbers::readOptional;

bool sameDouble(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

Error badField(const char* what, const char* key)
{
    return Error::badInput(QStringLiteral("The %1 in this file has no valid \"%2\"; it was not written by Quantscope or is damaged.")
                               .arg(QLatin1String(what), QLatin1String(key)));
}

} // namespace

bool ClassMetrics::operator==(const ClassMetrics& o) const
{
    return index == o.index && name == o.name && support == o.support && predicted == o.predicted && sameDouble(precision, o.precision)
           && sameDouble(recall, o.recall) && sameDouble(f1, o.f1);
}

QJsonObject AccuracyMetrics::toJson() const
{
    QJsonArray classesJson;
    for (const ClassMetrics& c : perClass) {
        QJsonObject co{{QStringLiteral("index"), c.index},
                       {QStringLiteral("support"), c.support},
                       {QStringLiteral("predicted"), c.predicted},
                       {QStringLiteral("precision"), number(c.precision)},
                       {QStringLiteral("recall"), number(c.recall)},
                       {QStringLiteral("f1"), number(c.f1)}};
        if (!c.name.isEmpty())
            co.insert(QStringLiteral("name"), c.name);
        classesJson.append(co);
    }
    QJsonArray matrix;
    for (const auto& row : confusion) {
        QJsonArray r;
        for (qint64 v : row)
            r.append(v);
        matrix.append(r);
    }
    return QJsonObject{{QStringLiteral("samples"), samples},
                       {QStringLiteral("correct"), correct},
                       {QStringLiteral("top1"), number(top1)},
                       {QStringLiteral("top5"), number(top5)},
                       {QStringLiteral("top_k"), topK},
                       {QStringLiteral("loss"), number(loss)},
                       {QStringLiteral("classes"), classes},
                       {QStringLiteral("average"), average},
                       {QStringLiteral("precision"), number(precision)},
                       {QStringLiteral("recall"), number(recall)},
                       {QStringLiteral("f1"), number(f1)},
                       {QStringLiteral("macro"), QJsonObject{{QStringLiteral("precision"), number(macroPrecision)},
                                                             {QStringLiteral("recall"), number(macroRecall)},
                                                             {QStringLiteral("f1"), number(macroF1)}}},
                       {QStringLiteral("per_class"), classesJson},
                       {QStringLiteral("confusion"), matrix},
                       {QStringLiteral("non_finite"), nonFinite}};
}

Result<AccuracyMetrics> AccuracyMetrics::fromJson(const QJsonObject& o)
{
    if (!o.value(QStringLiteral("samples")).isDouble())
        return badField("accuracy", "samples");
    if (!o.value(QStringLiteral("top1")).isDouble())
        return badField("accuracy", "top1");
    AccuracyMetrics a;
    a.samples = o.value(QStringLiteral("samples")).toInteger();
    a.correct = o.value(QStringLiteral("correct")).toInteger();
    a.top1 = readNumber(o, "top1");
    a.top5 = readNumber(o, "top5");
    a.topK = o.value(QStringLiteral("top_k")).toInt(5);
    a.loss = readNumber(o, "loss");
    a.classes = o.value(QStringLiteral("classes")).toInt();
    a.average = o.value(QStringLiteral("average")).toString();
    a.precision = readNumber(o, "precision");
    a.recall = readNumber(o, "recall");
    a.f1 = readNumber(o, "f1");
    const QJsonObject macro = o.value(QStringLiteral("macro")).toObject();
    a.macroPrecision = readNumber(macro, "precision");
    a.macroRecall = readNumber(macro, "recall");
    a.macroF1 = readNumber(macro, "f1");
    for (const QJsonValue& v : o.value(QStringLiteral("per_class")).toArray()) {
        const QJsonObject co = v.toObject();
        ClassMetrics c;
        c.index = co.value(QStringLiteral("index")).toInt();
        c.name = co.value(QStringLiteral("name")).toString();
        c.support = co.value(QStringLiteral("support")).toInteger();
        c.predicted = co.value(QStringLiteral("predicted")).toInteger();
        c.precision = readNumber(co, "precision");
        c.recall = readNumber(co, "recall");
        c.f1 = readNumber(co, "f1");
        a.perClass << c;
    }
    for (const QJsonValue& row : o.value(QStringLiteral("confusion")).toArray()) {
        QVector<qint64> r;
        for (const QJsonValue& v : row.toArray())
            r << v.toInteger();
        a.confusion << r;
    }
    a.nonFinite = o.value(QStringLiteral("non_finite")).toInteger();
    return a;
}

bool AccuracyMetrics::operator==(const AccuracyMetrics& o) const
{
    return samples == o.samples && correct == o.correct && sameDouble(top1, o.top1) && topK == o.topK && sameDouble(top5, o.top5)
           && sameDouble(loss, o.loss) && classes == o.classes && average == o.average && sameDouble(precision, o.precision)
           && sameDouble(recall, o.recall) && sameDouble(f1, o.f1) && sameDouble(macroPrecision, o.macroPrecision)
           && sameDouble(macroRecall, o.macroRecall) && sameDouble(macroF1, o.macroF1) && perClass == o.perClass
           && confusion == o.confusion && nonFinite == o.nonFinite;
}

QJsonObject FidelityMetrics::toJson() const
{
    QJsonObject o{{QStringLiteral("samples"), samples},
                  {QStringLiteral("elements"), elements},
                  {QStringLiteral("cosine"), number(cosine)},
                  {QStringLiteral("cosine_min"), number(cosineMin)},
                  {QStringLiteral("sqnr_db"), number(sqnrDb)},
                  {QStringLiteral("mse"), number(mse)},
                  {QStringLiteral("psnr_db"), number(psnrDb)},
                  {QStringLiteral("psnr_peak"), number(psnrPeak)},
                  {QStringLiteral("mean_abs"), number(meanAbs)},
                  {QStringLiteral("mean_rel"), number(meanRel)},
                  {QStringLiteral("max_abs"), number(maxAbs)},
                  {QStringLiteral("top1_agreement"), top1Agreement ? number(*top1Agreement) : QJsonValue()}};
    if (imagePsnrDb)
        o.insert(QStringLiteral("image_psnr_db"), number(*imagePsnrDb));
    if (ssim)
        o.insert(QStringLiteral("ssim"), number(*ssim));
    if (imagePsnrDb || ssim)
        o.insert(QStringLiteral("image_peak"), number(imagePeak));
    return o;
}

Result<FidelityMetrics> FidelityMetrics::fromJson(const QJsonObject& o)
{
    if (!o.value(QStringLiteral("cosine")).isDouble())
        return badField("fidelity", "cosine");
    FidelityMetrics f;
    f.samples = o.value(QStringLiteral("samples")).toInteger();
    f.elements = o.value(QStringLiteral("elements")).toInteger();
    f.cosine = readNumber(o, "cosine");
    f.cosineMin = readNumber(o, "cosine_min");
    f.sqnrDb = readNumber(o, "sqnr_db");
    f.mse = readNumber(o, "mse");
    f.psnrDb = readNumber(o, "psnr_db");
    f.psnrPeak = readNumber(o, "psnr_peak");
    f.meanAbs = readNumber(o, "mean_abs");
    f.meanRel = readNumber(o, "mean_rel");
    f.maxAbs = readNumber(o, "max_abs");
    f.top1Agreement = readOptional(o, "top1_agreement");
    if (o.contains(QStringLiteral("image_psnr_db")))
        f.imagePsnrDb = readNumber(o, "image_psnr_db");
    if (o.contains(QStringLiteral("ssim")))
        f.ssim = readNumber(o, "ssim");
    f.imagePeak = readNumber(o, "image_peak");
    if (!o.contains(QStringLiteral("image_peak")))
        f.imagePeak = 0;
    return f;
}

bool FidelityMetrics::operator==(const FidelityMetrics& o) const
{
    return samples == o.samples && elements == o.elements && sameDouble(cosine, o.cosine) && sameDouble(cosineMin, o.cosineMin)
           && sameDouble(sqnrDb, o.sqnrDb) && sameDouble(mse, o.mse) && sameDouble(psnrDb, o.psnrDb) && sameDouble(psnrPeak, o.psnrPeak)
           && sameDouble(meanAbs, o.meanAbs) && sameDouble(meanRel, o.meanRel) && sameDouble(maxAbs, o.maxAbs)
           && top1Agreement == o.top1Agreement && imagePsnrDb == o.imagePsnrDb && ssim == o.ssim && sameDouble(imagePeak, o.imagePeak);
}

std::optional<double> EvalResult::top1DropPoints() const
{
    if (!accuracy || !referenceAccuracy)
        return std::nullopt;
    return 100.0 * (referenceAccuracy->top1 - accuracy->top1);
}

QJsonObject EvalResult::toJson() const
{
    QJsonObject o{{QStringLiteral("format_version"), kFormatVersion},
                  {QStringLiteral("model"), modelPath},
                  {QStringLiteral("model_name"), modelName},
                  {QStringLiteral("model_sha256"), modelSha256},
                  {QStringLiteral("data"), dataPath},
                  {QStringLiteral("data_kind"), dataKind},
                  {QStringLiteral("data_summary"), dataSummary},
                  {QStringLiteral("subset"), subset},
                  {QStringLiteral("samples"), samples},
                  {QStringLiteral("batch"), batch},
                  {QStringLiteral("output"), output},
                  {QStringLiteral("engine"), engine},
                  {QStringLiteral("threads"), threads},
                  {QStringLiteral("seconds"), seconds},
                  {QStringLiteral("samples_per_second"), number(samplesPerSecond)},
                  {QStringLiteral("data_seconds"), dataSeconds},
                  {QStringLiteral("notes"), QJsonArray::fromStringList(notes)},
                  {QStringLiteral("started_at"), startedAt},
                  {QStringLiteral("quantscope_version"), quantscopeVersion}};
    if (!classNames.isEmpty())
        o.insert(QStringLiteral("classes"), QJsonArray::fromStringList(classNames));
    if (!referencePath.isEmpty()) {
        o.insert(QStringLiteral("reference"), referencePath);
        o.insert(QStringLiteral("reference_sha256"), referenceSha256);
        o.insert(QStringLiteral("reference_seconds"), referenceSeconds);
    }
    if (accuracy)
        o.insert(QStringLiteral("accuracy"), accuracy->toJson());
    if (referenceAccuracy)
        o.insert(QStringLiteral("reference_accuracy"), referenceAccuracy->toJson());
    if (auto drop = top1DropPoints())
        o.insert(QStringLiteral("top1_drop_points"), number(*drop));
    if (fidelity)
        o.insert(QStringLiteral("fidelity"), fidelity->toJson());
    return o;
}

Result<EvalResult> EvalResult::fromJson(const QJsonObject& o)
{
    const int version = o.value(QStringLiteral("format_version")).toInt(-1);
    if (version < 1)
        return badField("evaluation", "format_version");
    if (version > kFormatVersion)
        return Error::badInput(QStringLiteral("This evaluation was written by a newer Quantscope (format %1; this one reads up to %2). "
                                              "Update Quantscope to read it.").arg(version).arg(kFormatVersion));
    if (!o.value(QStringLiteral("model")).isString())
        return badField("evaluation", "model");
    if (!o.value(QStringLiteral("samples")).isDouble())
        return badField("evaluation", "samples");
    EvalResult r;
    r.modelPath = o.value(QStringLiteral("model")).toString();
    r.modelName = o.value(QStringLiteral("model_name")).toString();
    r.modelSha256 = o.value(QStringLiteral("model_sha256")).toString();
    r.referencePath = o.value(QStringLiteral("reference")).toString();
    r.referenceSha256 = o.value(QStringLiteral("reference_sha256")).toString();
    r.dataPath = o.value(QStringLiteral("data")).toString();
    r.dataKind = o.value(QStringLiteral("data_kind")).toString();
    r.dataSummary = o.value(QStringLiteral("data_summary")).toString();
    r.subset = o.value(QStringLiteral("subset")).toString();
    r.samples = o.value(QStringLiteral("samples")).toInteger();
    r.batch = o.value(QStringLiteral("batch")).toInteger();
    r.output = o.value(QStringLiteral("output")).toString();
    r.engine = o.value(QStringLiteral("engine")).toString();
    r.threads = o.value(QStringLiteral("threads")).toInt();
    for (const QJsonValue& v : o.value(QStringLiteral("classes")).toArray())
        r.classNames << v.toString();
    r.seconds = o.value(QStringLiteral("seconds")).toDouble();
    r.samplesPerSecond = readNumber(o, "samples_per_second");
    r.referenceSeconds = o.value(QStringLiteral("reference_seconds")).toDouble();
    r.dataSeconds = o.value(QStringLiteral("data_seconds")).toDouble();
    for (const char* key : {"accuracy", "reference_accuracy"}) {
        if (!o.contains(QLatin1String(key)))
            continue;
        auto a = AccuracyMetrics::fromJson(o.value(QLatin1String(key)).toObject());
        if (!a)
            return a.error();
        (qstrcmp(key, "accuracy") == 0 ? r.accuracy : r.referenceAccuracy) = *a;
    }
    if (o.contains(QStringLiteral("fidelity"))) {
        auto f = FidelityMetrics::fromJson(o.value(QStringLiteral("fidelity")).toObject());
        if (!f)
            return f.error();
        r.fidelity = *f;
    }
    for (const QJsonValue& v : o.value(QStringLiteral("notes")).toArray())
        r.notes << v.toString();
    r.startedAt = o.value(QStringLiteral("started_at")).toString();
    r.quantscopeVersion = o.value(QStringLiteral("quantscope_version")).toString();
    return r;
}

} // namespace qs
