// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/quant/quantizeoptions.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMap>
#include <QtCore/QMetaType>
#include <QtCore/QVector>

#include <limits>

namespace qs {

/// \brief A layer a variant keeps in FP32, and why.
struct Fp32Layer
{
    /// Reasons, as stored and shown.
    static inline const QString Excluded = QStringLiteral("excluded"); ///< matched --exclude
    static inline const QString UnsupportedOp = QStringLiteral("unsupported op"); ///< no quantized kernel for its op
    static inline const QString FunctionalCall
        = QStringLiteral("functional call"); ///< weight used by a functional op the passes do not match
    static inline const QString Embedding = QStringLiteral("embedding"); ///< embeddings stay FP32 in this scheme
    static inline const QString NotCalled = QStringLiteral("not called by forward"); ///< forward never reaches it

    QString name; ///< qualified module name ("features.0"); "" for the root module
    QString type; ///< short type ("Conv2d")
    QString reason; ///< one of the reasons above
    QString detail; ///< e.g. the op: "aten::conv_transpose2d", or the pattern that excluded it

    bool operator==(const Fp32Layer& o) const
    {
        return name == o.name && type == o.type && reason == o.reason && detail == o.detail;
    }
};

/// \brief Quantized / total layers of one short type.
struct TypeCoverage
{
    int quantized = 0;
    int total = 0;
    bool operator==(const TypeCoverage& o) const { return quantized == o.quantized && total == o.total; }
};

/// \brief What a variant quantized. A layer is a module that owns a weight (a floating-point
/// parameter of 2 or more dimensions: Linear, Conv*, Embedding, LSTM, ...); tensors are all
/// parameters and buffers of the FP32 model, as its state_dict lists them.
struct Coverage
{
    int quantizedLayers = 0;
    int totalLayers = 0;
    QMap<QString, TypeCoverage> perType; ///< "Linear" -> {3, 3}
    int quantizedTensors = 0;
    int totalTensors = 0;
    QStringList quantizedLayerNames;
    QVector<Fp32Layer> fp32Layers; ///< every layer not quantized, with its reason
    QMap<QString, int> quantizedOps; ///< real-kernel variants: "quantized::linear_dynamic" -> 3

    QJsonObject toJson() const;
    static Coverage fromJson(const QJsonObject& object);
    bool operator==(const Coverage& o) const;
};

/// \brief Output of the variant against its FP32 model on the same inputs.
struct Fidelity
{
    bool measured = false;
    int samples = 0;
    QString inputs; ///< where the inputs came from: "64 samples of calib.pt not used for calibration"
    double cosine = 0;
    /// Signal-to-quantization-noise ratio in dB; +inf when the outputs are identical.
    double sqnrDb = 0;
    double maxAbsDiff = 0;
    /// Cosine below collapseCosine(), all-zero or non-finite output: the variant is broken.
    bool collapsed = false;
    QString note; ///< why it was not measured, or what collapsed

    static constexpr double collapseCosine() { return 0.9; }
    QJsonObject toJson() const;
    static Fidelity fromJson(const QJsonObject& object);
};

/// \brief What a Scheme made from a Model: the artifact file, its bytes, its coverage, its
/// fidelity. The quantize job emits it; the run store keeps it; the studio shows it.
struct Variant
{
    /// How the artifact runs.
    enum class Runtime {
        QuantizedKernels, ///< LibTorch INT8/FP16 kernels (dynamic-int8, static-int8, fp16 with FBGEMM)
        DequantizedAtLoad, ///< packed weights, restored to FP32 when loaded: the benefit is size only
    };

    QString scheme;
    QuantizeOptions options;
    QString engine; ///< quantized engine it was made for (and must be loaded with)
    Runtime runtime = Runtime::QuantizedKernels;
    QString modelPath;
    QString modelSha256;
    QString artifactPath; ///< empty when the variant was not written
    qint64 fileBytesBefore = 0;
    qint64 fileBytesAfter = 0; ///< bytes of the artifact (also when held in memory only)
    qint64 paramBytesBefore = 0; ///< bytes of all weights: parameters, buffers, packed, constants
    qint64 paramBytesAfter = 0;
    double seconds = 0; ///< whole quantization, calibration included
    double calibrationSeconds = 0;
    int calibrationSamples = 0; ///< samples actually used
    QString calibrationSource; ///< "calib.pt (200 of 1000 samples)", "random (seed 0)", ""
    Coverage coverage;
    Fidelity fidelity;
    QStringList warnings; ///< things the user must know (fallbacks, random calibration, collapse)
    QString createdAt; ///< ISO 8601 UTC
    QString quantscopeVersion;
    QString libtorchVersion;

    static QString runtimeName(Runtime r);
    QJsonObject toJson() const;
    static Result<Variant> fromJson(const QJsonObject& object);
};

/// The vocabulary calls it Variant; the quantize job produces one per scheme.
using QuantizeResult = Variant;

} // namespace qs

Q_DECLARE_METATYPE(qs::Variant)
