// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/jobs/job.h"
#include "core/model/torchmodel.h"
#include "core/quant/quantizeoptions.h"
#include "core/quant/quantizer.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QMutex>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <utility>

namespace qs {

/// \brief Counts of values in equal-width bins over [lo, hi], ready to plot. The last bin
/// includes hi; nothing lies outside [lo, hi].
struct Histogram
{
    double lo = 0;
    double hi = 0;
    QVector<qint64> counts;

    int bins() const { return int(counts.size()); }
    double binWidth() const { return counts.isEmpty() ? 0.0 : (hi - lo) / counts.size(); }
    double binStart(int i) const { return lo + i * binWidth(); }
    double binCenter(int i) const { return lo + (i + 0.5) * binWidth(); }
    qint64 total() const;

    QJsonObject toJson() const;
    static Histogram fromJson(const QJsonObject& o);
    bool operator==(const Histogram& o) const { return lo == o.lo && hi == o.hi && counts == o.counts; }
};

/// \brief The float values a scheme can represent for a tensor: what it clips to and the
/// parameters that map floats to codes (scale and zero point, per tensor, per channel or per
/// block; or a codebook).
struct QuantRange
{
    enum class Kind {
        None, ///< not quantized (kept in FP32)
        PerTensor, ///< one scale and zero point
        PerChannel, ///< one scale and zero point per output channel (axis)
        PerBlock, ///< one scale per row and block of \a block weights (weight-int8/int4)
        Codebook, ///< k-means centroids
        Float16, ///< FP16 storage: saturated to +-65504, rounded to half precision
    };

    Kind kind = Kind::None;
    QString dtype; ///< "qint8", "quint8", "int4", "int16", "index4", "float16"
    qint64 qmin = 0; ///< smallest code
    qint64 qmax = 0; ///< largest code
    /// The widest clip range: per tensor, scale (qmin - zero point) .. scale (qmax - zero point);
    /// per channel/block, the lowest and highest of the channels' ranges; codebook, the first and
    /// last centroid (values beyond are not clipped but mapped to them).
    double clipMin = 0;
    double clipMax = 0;
    double scale = 0; ///< PerTensor
    qint64 zeroPoint = 0; ///< PerTensor
    QVector<double> scales; ///< PerChannel: one per channel; PerBlock: rows x blocks, row-major
    QVector<qint64> zeroPoints; ///< PerChannel: one per channel (0 for symmetric schemes)
    int axis = 0; ///< PerChannel: the channel axis of the tensor
    qint64 block = 0; ///< PerBlock: weights per block along a row
    QVector<double> codebook; ///< Codebook: ascending centroids
    QString observer; ///< the torch.ao observer that chose it ("HistogramObserver"); empty for codecs

    static QString kindName(Kind k); ///< "none", "per-tensor", "per-channel", "per-block", "codebook", "float16"
    /// The clip range of channel (or PerBlock entry) \a i; the whole range for other kinds.
    std::pair<double, double> rangeOf(int i) const;

    QJsonObject toJson() const;
    static QuantRange fromJson(const QJsonObject& o);
};

/// \brief One weight of a layer as the scheme quantizes it: its error and its distribution
/// against the chosen range.
struct WeightDiagnosis
{
    QString layer; ///< qualified module name, "features.0"; "" for the root module
    QString layerType; ///< short type, "Conv2d"
    QString tensor; ///< "features.0.weight"
    QVector<qint64> shape;
    bool quantized = false;
    /// Why it is not quantized, or what to know (e.g. "BatchNorm bn1 folded in before quantizing").
    QString note;
    double sqnrDb = 0; ///< 10 log10(sum w^2 / sum (w - q(w))^2); +inf when q(w) == w
    double mse = 0; ///< mean (w - q(w))^2
    double maxAbsError = 0;
    /// Weights whose code is clamped: beyond their channel's clip range by more than half a step.
    double clippedFraction = 0;
    Histogram histogram; ///< of the FP32 (folded) weight, over the weight's and the range's extent
    QuantRange range;

    QJsonObject toJson() const;
    static WeightDiagnosis fromJson(const QJsonObject& o);
};

/// \brief One activation static INT8 quantizes: what calibration saw and the range the observer
/// chose for it.
struct ActivationDiagnosis
{
    QString name; ///< "input", "relu1 output", "aten::add output"
    QString producer; ///< the module ("relu1") or op ("aten::add") that makes it; "input" for inputs
    QStringList consumers; ///< the modules or ops that read it
    QString owner; ///< the module whose forward observes it ("" = root)
    QString observerName; ///< the observer's attribute in the prepared model, "_observer_3"
    qint64 values = 0; ///< values seen in calibration
    double observedMin = 0;
    double observedMax = 0;
    /// Quantize-dequantize of the calibration values with the chosen range (as FakeQuantize does).
    double sqnrDb = 0;
    double mse = 0;
    /// Values whose code is clamped: beyond [range.clipMin, range.clipMax] by more than half a step.
    double clippedFraction = 0;
    Histogram histogram; ///< over [min(observedMin, clipMin), max(observedMax, clipMax)]
    QuantRange range;

    QJsonObject toJson() const;
    static ActivationDiagnosis fromJson(const QJsonObject& o);
};

/// \brief What to diagnose: the scheme and its options (observer, granularity, block, excludes,
/// calibration data and sample count, engine) exactly as `quantize` takes them.
struct LayerDiagnosisOptions
{
    QuantizeOptions quant;
    int bins = 64; ///< histogram bins (weights and activations)
};

/// \brief Per-layer weight error and weight/activation histograms with the ranges a scheme
/// chooses, in model order. For static-int8 the activation ranges come from the quantizer's own
/// observers run over the calibration data.
struct LayerDiagnosis
{
    QString modelPath;
    QString modelName;
    QString scheme;
    QString engine;
    QString observer; ///< static-int8: "histogram" / "minmax"
    QString granularity; ///< weights: "per-tensor" / "per-channel" (block schemes: "block 64")
    QString calibrationSource; ///< static-int8; empty otherwise
    int calibrationSamples = 0;
    int bins = 64;
    double seconds = 0;
    QVector<WeightDiagnosis> weights;
    QVector<ActivationDiagnosis> activations; ///< static-int8 only
    QStringList notes;

    QJsonObject toJson() const;
    static Result<LayerDiagnosis> fromJson(const QJsonObject& o);
};

/// \brief Diagnoses \a fp32 for options.quant.scheme. Graph-mode schemes (dynamic-int8,
/// static-int8) fold Conv+BatchNorm and run torch.ao's observers exactly as quantizeModel() does;
/// weight-only schemes use their codecs. \a calibration: the calibration data (null: opened from
/// options.quant like quantizeModel()). Nothing is written to disk.
Result<LayerDiagnosis> diagnoseLayers(const TorchModel& fp32, const LayerDiagnosisOptions& options,
    const Dataset& calibration = {}, const QuantizeHooks& hooks = {});

/// \brief diagnoseLayers() on a worker (calibration of static-int8 takes a while on big models).
class LayerDiagnosisJob : public Job
{
    Q_OBJECT
public:
    LayerDiagnosisJob(const TorchModel& fp32, const LayerDiagnosisOptions& options, const Dataset& calibration = {},
        QObject* parent = nullptr);
    LayerDiagnosis result() const;

Q_SIGNALS:
    void diagnosed(const qs::LayerDiagnosis& result);

protected:
    Status run() override;

private:
    TorchModel m_model;
    LayerDiagnosisOptions m_options;
    Dataset m_calibration;
    mutable QMutex m_mutex;
    LayerDiagnosis m_result;
};

} // namespace qs

Q_DECLARE_METATYPE(qs::LayerDiagnosis)
