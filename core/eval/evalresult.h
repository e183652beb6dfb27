// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <optional>

namespace qs {

/// \brief Precision, recall and F1 of one class (one-vs-rest).
struct ClassMetrics
{
    int index = 0;
    QString name;          ///< from the data or the model's sidecar; may be empty
    qint64 support = 0;    ///< samples whose label is this class
    qint64 predicted = 0;  ///< samples predicted as this class
    double precision = 0;  ///< TP / (TP + FP); 0 when never predicted
    double recall = 0;     ///< TP / (TP + FN); 0 without support
    double f1 = 0;         ///< 2PR / (P + R); 0 when P + R = 0

    bool operator==(const ClassMetrics& o) const;
};

/// \brief Metrics of class scores against labels. Fractions are in [0, 1]; docs/metrics.md
/// gives every formula.
struct AccuracyMetrics
{
    qint64 samples = 0;
    qint64 correct = 0;      ///< top-1 hits
    double top1 = 0;         ///< correct / samples
    int topK = 5;            ///< k of topk: 5, or the class count when there are fewer classes
    double top5 = 0;         ///< fraction whose label is among the k highest scores
    double loss = 0;         ///< mean cross-entropy of the scores taken as logits (nats)
    int classes = 0;         ///< width of the model's score output
    /// What precision/recall/f1 hold: "binary" (class 1 against class 0, two classes) or
    /// "macro" (unweighted mean over the classes that occur in labels or predictions).
    QString average;
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    double macroPrecision = 0;
    double macroRecall = 0;
    double macroF1 = 0;
    QVector<ClassMetrics> perClass;       ///< every class 0..classes-1
    QVector<QVector<qint64>> confusion;   ///< [true class][predicted class]
    qint64 nonFinite = 0;                 ///< samples with NaN/Inf scores (counted as wrong)

    QJsonObject toJson() const;
    static Result<AccuracyMetrics> fromJson(const QJsonObject& object);
    bool operator==(const AccuracyMetrics& o) const;
};

/// \brief How far a model's outputs are from a reference model's outputs on the same inputs.
///
/// Infinite values (identical outputs: SQNR and PSNR) are +inf in memory and null in JSON.
struct FidelityMetrics
{
    qint64 samples = 0;
    qint64 elements = 0;       ///< output values compared
    double cosine = 0;         ///< mean over samples of the cosine similarity of their flattened outputs
    double cosineMin = 0;      ///< the worst sample's cosine
    double sqnrDb = 0;         ///< 10 log10(sum ref^2 / sum (out - ref)^2)
    double mse = 0;            ///< mean (out - ref)^2
    double psnrDb = 0;         ///< 10 log10(peak^2 / mse), peak = psnrPeak
    double psnrPeak = 0;       ///< max(ref) - min(ref) over all reference outputs
    double meanAbs = 0;        ///< mean |out - ref|
    double meanRel = 0;        ///< sum |out - ref| / sum |ref|
    double maxAbs = 0;         ///< max |out - ref|
    std::optional<double> top1Agreement; ///< class-score outputs [N, C]: fraction with the same argmax
    std::optional<double> imagePsnrDb;   ///< image outputs [N, C, H, W]: mean per-image PSNR (each at most 100 dB)
    std::optional<double> ssim;          ///< image outputs: mean SSIM (11x11 Gaussian window, sigma 1.5)
    double imagePeak = 0;                ///< the L of image PSNR and SSIM: 1, 255 or the reference's range

    QJsonObject toJson() const;
    static Result<FidelityMetrics> fromJson(const QJsonObject& object);
    bool operator==(const FidelityMetrics& o) const;
};

/// \brief One evaluation of a model on a dataset: accuracy with labels, fidelity against a
/// reference model. What EvaluateJob emits, the CLI prints and the run store keeps.
///
/// The JSON form is stable: keys are only ever added (formatVersion says which).
struct EvalResult
{
    static constexpr int kFormatVersion = 1;

    QString modelPath;
    QString modelName;
    QString modelSha256;
    QString referencePath;     ///< empty without a reference
    QString referenceSha256;
    QString dataPath;          ///< the --data text: a path or "random:SHAPE"
    QString dataKind;          ///< "tensor-file", "image-folder", "idx", "random"
    QString dataSummary;       ///< "fashion_test.pt: 10,000 samples of 1x28x28 float32, with labels (10 classes)"
    QString subset;            ///< DatasetOptions::describe(): "first 500", "random 10% (seed 0)"; empty: all
    qint64 samples = 0;
    qint64 batch = 0;
    QString output;            ///< the output used: "" for a plain tensor, "0", "logits", ...
    QString engine;            ///< quantized engine selected while evaluating
    int threads = 0;
    QStringList classNames;
    double seconds = 0;        ///< model forwards only (data loading excluded)
    double samplesPerSecond = 0;
    double referenceSeconds = 0;
    double dataSeconds = 0;    ///< opening the data and making batches
    std::optional<AccuracyMetrics> accuracy;          ///< when the data has labels and the output is [N, C]
    std::optional<AccuracyMetrics> referenceAccuracy; ///< the reference's, on the same data
    std::optional<FidelityMetrics> fidelity;          ///< with a reference
    QStringList notes;         ///< what was assumed (reshaped inputs, ignored labels, ...)
    QString startedAt;         ///< ISO 8601 UTC
    QString quantscopeVersion;

    /// top-1 drop against the reference in points (100 * (reference top1 - top1)), when both exist.
    std::optional<double> top1DropPoints() const;

    QJsonObject toJson() const;
    static Result<EvalResult> fromJson(const QJsonObject& object);
};

} // namespace qs

Q_DECLARE_METATYPE(qs::EvalResult)
