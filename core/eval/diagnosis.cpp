// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagnosis.h"

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

QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& s : v.toArray())
        out << s.toString();
    return out;
}

Error badFile(const char* what)
{
    return Error::badInput(QStringLiteral("This %1 was not written by Quantscope or is damaged (required fields are missing).")
                               .arg(QLatin1String(what)));
}

} // namespace

QString diagnosisMetricName(DiagnosisMetric m)
{
    switch (m) {
    case DiagnosisMetric::Auto: return QStringLiteral("auto");
    case DiagnosisMetric::Top1: return QStringLiteral("top1");
    case DiagnosisMetric::Sqnr: return QStringLiteral("sqnr");
    }
    return {};
}

std::optional<DiagnosisMetric> parseDiagnosisMetric(const QString& name)
{
    for (DiagnosisMetric m : {DiagnosisMetric::Auto, DiagnosisMetric::Top1, DiagnosisMetric::Sqnr}) {
        if (diagnosisMetricName(m) == name.toLower())
            return m;
    }
    return std::nullopt;
}

TrialFigures TrialFigures::of(const EvalResult& eval, const Variant& variant)
{
    TrialFigures f;
    if (eval.accuracy)
        f.top1 = eval.accuracy->top1;
    f.top1DropPoints = eval.top1DropPoints();
    if (eval.fidelity) {
        f.cosine = eval.fidelity->cosine;
        f.sqnrDb = eval.fidelity->sqnrDb;
        f.mse = eval.fidelity->mse;
        f.top1Agreement = eval.fidelity->top1Agreement;
    }
    f.fileBytes = variant.fileBytesAfter;
    f.quantizedLayers = variant.coverage.quantizedLayers;
    return f;
}

QJsonObject TrialFigures::toJson() const
{
    return QJsonObject{{QStringLiteral("top1"), optional(top1)},
                       {QStringLiteral("top1_drop_points"), optional(top1DropPoints)},
                       {QStringLiteral("cosine"), number(cosine)},
                       {QStringLiteral("sqnr_db"), number(sqnrDb)},
                       {QStringLiteral("mse"), number(mse)},
                       {QStringLiteral("top1_agreement"), optional(top1Agreement)},
                       {QStringLiteral("file_bytes"), fileBytes},
                       {QStringLiteral("quantized_layers"), quantizedLayers}};
}

TrialFigures TrialFigures::fromJson(const QJsonObject& o)
{
    TrialFigures f;
    f.top1 = readOptional(o, "top1");
    f.top1DropPoints = readOptional(o, "top1_drop_points");
    f.cosine = readNumber(o, "cosine");
    f.sqnrDb = readNumber(o, "sqnr_db");
    f.mse = readNumber(o, "mse");
    f.top1Agreement = readOptional(o, "top1_agreement");
    f.fileBytes = o.value(QStringLiteral("file_bytes")).toInteger();
    f.quantizedLayers = o.value(QStringLiteral("quantized_layers")).toInt();
    return f;
}

QJsonObject LayerSensitivity::toJson() const
{
    QJsonObject o = figures.toJson();
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("type"), type);
    o.insert(QStringLiteral("quantized"), quantized);
    o.insert(QStringLiteral("score"), number(score));
    o.insert(QStringLiteral("rank"), rank);
    o.insert(QStringLiteral("seconds"), seconds);
    if (!note.isEmpty())
        o.insert(QStringLiteral("note"), note);
    return o;
}

LayerSensitivity LayerSensitivity::fromJson(const QJsonObject& o)
{
    LayerSensitivity l;
    l.figures = TrialFigures::fromJson(o);
    l.name = o.value(QStringLiteral("name")).toString();
    l.type = o.value(QStringLiteral("type")).toString();
    l.quantized = o.value(QStringLiteral("quantized")).toBool();
    l.score = readNumber(o, "score");
    l.rank = o.value(QStringLiteral("rank")).toInt();
    l.seconds = o.value(QStringLiteral("seconds")).toDouble();
    l.note = o.value(QStringLiteral("note")).toString();
    return l;
}

QJsonObject DiagnosisHeader::headerJson() const
{
    QJsonObject o{{QStringLiteral("model"), modelPath},
                  {QStringLiteral("model_name"), modelName},
                  {QStringLiteral("scheme"), scheme},
                  {QStringLiteral("engine"), engine},
                  {QStringLiteral("metric"), diagnosisMetricName(metric)},
                  {QStringLiteral("seconds"), seconds},
                  {QStringLiteral("notes"), QJsonArray::fromStringList(notes)}};
    if (fp32Accuracy)
        o.insert(QStringLiteral("fp32_accuracy"), fp32Accuracy->toJson());
    return o;
}

Status DiagnosisHeader::readHeader(const QJsonObject& o)
{
    if (!o.value(QStringLiteral("scheme")).isString())
        return badFile("diagnosis result");
    modelPath = o.value(QStringLiteral("model")).toString();
    modelName = o.value(QStringLiteral("model_name")).toString();
    scheme = o.value(QStringLiteral("scheme")).toString();
    engine = o.value(QStringLiteral("engine")).toString();
    metric = parseDiagnosisMetric(o.value(QStringLiteral("metric")).toString()).value_or(DiagnosisMetric::Top1);
    seconds = o.value(QStringLiteral("seconds")).toDouble();
    notes = strings(o.value(QStringLiteral("notes")));
    if (o.contains(QStringLiteral("fp32_accuracy"))) {
        auto a = AccuracyMetrics::fromJson(o.value(QStringLiteral("fp32_accuracy")).toObject());
        if (!a)
            return a.error();
        fp32Accuracy = *a;
    }
    return {};
}

QJsonObject SensitivityResult::toJson() const
{
    QJsonArray rows;
    for (const LayerSensitivity& l : layers)
        rows.append(l.toJson());
    QJsonObject o = headerJson();
    o.insert(QStringLiteral("data"), dataPath);
    o.insert(QStringLiteral("data_summary"), dataSummary);
    o.insert(QStringLiteral("samples"), samples);
    o.insert(QStringLiteral("calibration"), calibrationSource);
    o.insert(QStringLiteral("all_quantized"), allQuantized.toJson());
    o.insert(QStringLiteral("layers"), rows);
    return o;
}

Result<SensitivityResult> SensitivityResult::fromJson(const QJsonObject& o)
{
    SensitivityResult r;
    if (!o.value(QStringLiteral("layers")).isArray())
        return badFile("sensitivity result");
    if (Status st = r.readHeader(o); !st)
        return st.error();
    r.dataPath = o.value(QStringLiteral("data")).toString();
    r.dataSummary = o.value(QStringLiteral("data_summary")).toString();
    r.samples = o.value(QStringLiteral("samples")).toInteger();
    r.calibrationSource = o.value(QStringLiteral("calibration")).toString();
    r.allQuantized = TrialFigures::fromJson(o.value(QStringLiteral("all_quantized")).toObject());
    for (const QJsonValue& v : o.value(QStringLiteral("layers")).toArray())
        r.layers << LayerSensitivity::fromJson(v.toObject());
    return r;
}

QJsonObject FallbackStep::toJson() const
{
    QJsonObject o{{QStringLiteral("action"), action},
                  {QStringLiteral("layer"), layer},
                  {QStringLiteral("fp32_layers"), QJsonArray::fromStringList(fp32Layers)},
                  {QStringLiteral("figures"), figures.toJson()},
                  {QStringLiteral("within_budget"), withinBudget},
                  {QStringLiteral("accepted"), accepted},
                  {QStringLiteral("gained"), number(gained)},
                  {QStringLiteral("bytes_added"), bytesAdded}};
    return o;
}

FallbackStep FallbackStep::fromJson(const QJsonObject& o)
{
    FallbackStep s;
    s.action = o.value(QStringLiteral("action")).toString();
    s.layer = o.value(QStringLiteral("layer")).toString();
    s.fp32Layers = strings(o.value(QStringLiteral("fp32_layers")));
    s.figures = TrialFigures::fromJson(o.value(QStringLiteral("figures")).toObject());
    s.withinBudget = o.value(QStringLiteral("within_budget")).toBool();
    s.accepted = o.value(QStringLiteral("accepted")).toBool(true);
    s.gained = readNumber(o, "gained");
    s.bytesAdded = o.value(QStringLiteral("bytes_added")).toInteger();
    return s;
}

QJsonObject FallbackResult::toJson() const
{
    QJsonArray stepsJson;
    for (const FallbackStep& s : steps)
        stepsJson.append(s.toJson());
    QJsonObject o = headerJson();
    o.insert(QStringLiteral("budget"), budget);
    o.insert(QStringLiteral("met"), met);
    o.insert(QStringLiteral("steps"), stepsJson);
    o.insert(QStringLiteral("fp32_layers"), QJsonArray::fromStringList(fp32Layers));
    o.insert(QStringLiteral("final"), final.toJson());
    o.insert(QStringLiteral("variant"), variant.toJson());
    o.insert(QStringLiteral("out"), variant.artifactPath);
    return o;
}

Result<FallbackResult> FallbackResult::fromJson(const QJsonObject& o)
{
    FallbackResult r;
    if (!o.value(QStringLiteral("steps")).isArray())
        return badFile("fallback result");
    if (Status st = r.readHeader(o); !st)
        return st.error();
    r.budget = o.value(QStringLiteral("budget")).toDouble();
    r.met = o.value(QStringLiteral("met")).toBool();
    for (const QJsonValue& v : o.value(QStringLiteral("steps")).toArray())
        r.steps << FallbackStep::fromJson(v.toObject());
    r.fp32Layers = strings(o.value(QStringLiteral("fp32_layers")));
    r.final = TrialFigures::fromJson(o.value(QStringLiteral("final")).toObject());
    if (auto v = Variant::fromJson(o.value(QStringLiteral("variant")).toObject()))
        r.variant = *v;
    return r;
}

} // namespace qs
