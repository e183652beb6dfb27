// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <optional>

namespace qs {

/// \brief A quantization scheme as users pick it: id, what it does, which layers it covers.
struct SchemeInfo
{
    /// How the scheme is carried out.
    enum class Kind {
        Dynamic, ///< graph-mode dynamic quantization (quantize_dynamic_jit)
        Static, ///< graph-mode static quantization with calibration (quantize_jit)
        Fp16, ///< graph-mode float16 dynamic quantization
        WeightOnly, ///< symmetric per-channel/blockwise weights, dequantized at load
        KMeans, ///< per-layer weight clustering, codebook + packed indices
        Linear, ///< symmetric per-layer linear weight quantization (MobileNetV2 study)
    };

    QString id; ///< "dynamic-int8", "static-int8", "fp16", "weight-int8", "kmeans-4", ...
    QString title; ///< "Dynamic INT8"
    QString summary; ///< one sentence for tooltips and reports
    bool needsCalibration = false;
    bool realKernels = false; ///< runs LibTorch INT8/FP16 kernels (otherwise a size/accuracy study)
    QStringList layerTypes; ///< short module types it quantizes (weight-only schemes: any weight)
    Kind kind = Kind::Dynamic;
    int bits = 8; ///< bits per stored weight (index bits for k-means)
    bool blockwise = false; ///< accepts a block size (weight-int8/int4)
    bool granularity = false; ///< accepts per-tensor / per-channel
};

/// Every scheme Quantscope knows, in the order the studio lists them.
const QVector<SchemeInfo>& schemeCatalog();
std::optional<SchemeInfo> findScheme(const QString& id);
QStringList schemeIds();
/// Ids of the schemes that can quantize a module of short type \a type ("Linear", "Conv2d").
QStringList schemesForLayerType(const QString& type);

} // namespace qs
