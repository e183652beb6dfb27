// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/model/inputspec.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QStringList>

namespace qs {

/// \brief How a Scheme is applied: everything a user chooses besides the model.
///
/// Defaults are what PyTorch's own defaults do, so that a variant made with default options is
/// the one `quantize_jit` / `quantize_dynamic_jit` would make with the engine's default qconfig.
struct QuantizeOptions
{
    /// Activation observer of static-int8 (torch.ao's MinMaxObserver / HistogramObserver).
    enum class Observer { MinMax, Histogram };
    /// Weight granularity. Default: per-channel for static-int8 on onednn and for weight-int8/4,
    /// per-tensor for dynamic-int8 and for static-int8 on qnnpack (torch.ao's default qconfigs).
    enum class Granularity { Default, PerTensor, PerChannel };
    /// Where calibration (and fidelity) inputs come from: nothing, a Dataset source (tensor file,
    /// image folder, IDX file; see Dataset::open), or seeded random inputs from \a inputs.
    enum class Calibration { None, File, Random };

    QString scheme; ///< an id of schemeCatalog(): "dynamic-int8", "weight-int4", ...
    QString engine; ///< "onednn", "qnnpack"; empty: engine::fastest()
    Observer observer = Observer::Histogram;
    Granularity granularity = Granularity::Default;
    int blockSize = 0; ///< weight-int8/int4 only: 32, 64 or 128 weights per scale; 0 = per channel/tensor
    Calibration calibration = Calibration::None;
    QString calibrationPath; ///< Calibration::File: what Dataset::open() takes ({"inputs": X} file, folder, IDX)
    DatasetOptions calibrationData; ///< how to read it (image transforms, a random fraction); its limit is ignored
    int calibrationSamples = 200; ///< samples used for calibration (users calibrate on ~200)
    int calibrationBatch = 32; ///< samples per calibration forward
    QStringList excludes; ///< layer names or short layer types, glob-like ("fc3", "features.0.*", "Embedding")
    quint64 seed = 0; ///< k-means++ and random inputs
    InputSpec inputs; ///< the model's inputs (random calibration, fidelity); may be empty
    QString outPath; ///< artifact to write; empty: no file (the variant stays in memory)

    /// Granularity resolved for \a engine (never Default).
    Granularity effectiveGranularity(const QString& engine) const;
    /// Checks the options against the scheme catalog (unknown scheme, block size, patterns...).
    /// Does not look at the model.
    Status validate() const;

    QJsonObject toJson() const;
    static Result<QuantizeOptions> fromJson(const QJsonObject& object);

    static QString observerName(Observer o);
    static QString granularityName(Granularity g);
    static QString calibrationName(Calibration c);
};

/// \brief Block sizes weight-int8/int4 accept besides 0 (per channel).
QVector<int> validBlockSizes();

} // namespace qs

Q_DECLARE_METATYPE(qs::QuantizeOptions)
