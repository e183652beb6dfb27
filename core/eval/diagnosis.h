// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/data/dataset.h"
#include "core/eval/evalresult.h"
#include "core/eval/evaluatejob.h"
#include "core/quant/quantizeoptions.h"
#include "core/quant/variant.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <optional>

namespace qs {

/// \brief What a diagnosis ranks and budgets by: top-1 accuracy when the data has labels,
/// otherwise output SQNR against FP32.
enum class DiagnosisMetric { Auto, Top1, Sqnr };
QString diagnosisMetricName(DiagnosisMetric m); ///< "auto", "top1", "sqnr"
std::optional<DiagnosisMetric> parseDiagnosisMetric(const QString& name);

/// \brief How a diagnosis (sensitivity, fallback) quantizes and measures.
struct DiagnosisOptions
{
    /// The scheme and its options. Its excludes stay in FP32 in every variant; calibration
    /// settings other than calibrationSamples are set by the diagnosis.
    QuantizeOptions quant;
    EvalOptions eval;
    DiagnosisMetric metric = DiagnosisMetric::Auto;
    /// Calibration samples for static schemes; none: the first samples of the diagnosis data.
    std::optional<Dataset> calibration;
};

/// \brief A model's figures against FP32 on the diagnosis data (one row of a sensitivity table or
/// one fallback step).
struct TrialFigures
{
    std::optional<double> top1;           ///< with labels, in [0, 1]
    std::optional<double> top1DropPoints; ///< 100 (FP32 top-1 - top1)
    double cosine = 0;
    double sqnrDb = 0;                    ///< +inf when identical to FP32
    double mse = 0;
    std::optional<double> top1Agreement;
    qint64 fileBytes = 0;                 ///< the variant's artifact bytes
    int quantizedLayers = 0;

    static TrialFigures of(const EvalResult& eval, const Variant& variant);
    QJsonObject toJson() const;
    static TrialFigures fromJson(const QJsonObject& o);
};

/// \brief What quantizing one layer alone costs.
struct LayerSensitivity
{
    QString name;          ///< qualified module name, "features.0"
    QString type;          ///< short type, "Conv2d"
    bool quantized = false; ///< the scheme quantized it when it was the only layer allowed
    TrialFigures figures;
    /// Larger = more sensitive: the top-1 drop in points (metric top1), or -SQNR in dB (metric
    /// sqnr: -40 dB of noise is less sensitive than -20 dB).
    double score = 0;
    int rank = 0;          ///< 1 = most sensitive
    double seconds = 0;    ///< quantizing and evaluating it
    QString note;

    QJsonObject toJson() const;
    static LayerSensitivity fromJson(const QJsonObject& o);
};

/// \brief What every diagnosis result says first: which model, scheme and metric.
struct DiagnosisHeader
{
    QString modelPath;
    QString modelName;
    QString scheme;
    QString engine;
    DiagnosisMetric metric = DiagnosisMetric::Top1; ///< the metric actually used (never Auto)
    std::optional<AccuracyMetrics> fp32Accuracy;    ///< with labels
    double seconds = 0;
    QStringList notes;

    QJsonObject headerJson() const;
    Status readHeader(const QJsonObject& o);
};

/// \brief Per-layer sensitivity of a model to a scheme: each quantizable layer quantized alone
/// (every other layer kept in FP32), measured end to end against FP32, ranked.
struct SensitivityResult : DiagnosisHeader
{
    QString dataPath;
    QString dataSummary;
    qint64 samples = 0;
    QString calibrationSource;
    TrialFigures allQuantized;         ///< every layer the scheme covers quantized together
    QVector<LayerSensitivity> layers;  ///< ranked: the most sensitive first

    QJsonObject toJson() const;
    static Result<SensitivityResult> fromJson(const QJsonObject& o);
};

/// \brief One step of the accuracy-aware fallback: a set of layers kept in FP32 and what it gave.
struct FallbackStep
{
    QString action;         ///< "quantize every layer", "keep fc2 in FP32", "quantize conv1 again"
    QString layer;          ///< the layer the step changed (empty for the first)
    QStringList fp32Layers; ///< layers kept in FP32 after the step (besides --exclude)
    TrialFigures figures;
    bool withinBudget = false;
    bool accepted = true;   ///< false: a pruning attempt that broke the budget and was undone
    /// What the step bought against the previous accepted step: top-1 points (or SQNR dB) and bytes.
    double gained = 0;
    qint64 bytesAdded = 0;

    QJsonObject toJson() const;
    static FallbackStep fromJson(const QJsonObject& o);
};

/// \brief The smallest set of layers found to keep in FP32 so that a variant stays within an
/// accuracy (or fidelity) budget, the steps that found it, and the variant it produced.
struct FallbackResult : DiagnosisHeader
{
    double budget = 0;        ///< max top-1 drop in points (top1), or min SQNR in dB (sqnr)
    bool met = false;
    QVector<FallbackStep> steps;
    QStringList fp32Layers;   ///< the final set (besides --exclude)
    TrialFigures final;
    Variant variant;          ///< the mixed-precision variant (artifactPath set when written)

    QJsonObject toJson() const;
    static Result<FallbackResult> fromJson(const QJsonObject& o);
};

} // namespace qs

Q_DECLARE_METATYPE(qs::SensitivityResult)
Q_DECLARE_METATYPE(qs::FallbackResult)
