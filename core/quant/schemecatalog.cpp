// SPDX-License-Identifier: GPL-3.0-or-later
#include "schemecatalog.h"

namespace qs {

namespace {

SchemeInfo make(const char* id, const char* title, const char* summary, SchemeInfo::Kind kind, int bits, bool calib,
    bool real, const QStringList& types, bool blockwise = false, bool granularity = false)
{
    SchemeInfo s;
    s.id = QLatin1String(id);
    s.title = QLatin1String(title);
    s.summary = QLatin1String(summary);
    s.kind = kind;
    s.bits = bits;
    s.needsCalibration = calib;
    s.realKernels = real;
    s.layerTypes = types;
    s.blockwise = blockwise;
    s.granularity = granularity;
    return s;
}

} // namespace

const QVector<SchemeInfo>& schemeCatalog()
{
    using K = SchemeInfo::Kind;
    // Weight-only schemes quantize any weight; these are the types users recognise them on.
    static const QStringList weightTypes { QStringLiteral("Linear"), QStringLiteral("Conv1d"), QStringLiteral("Conv2d"),
        QStringLiteral("Conv3d"), QStringLiteral("Embedding"), QStringLiteral("EmbeddingBag") };
    static const QVector<SchemeInfo> catalog {
        make("dynamic-int8", "Dynamic INT8",
            "INT8 weights; activations quantized at run time by quantized::linear_dynamic.", K::Dynamic, 8, false, true,
            { QStringLiteral("Linear") }, false, true),
        make("static-int8", "Static INT8",
            "INT8 weights and activations, calibrated on sample inputs; Conv+BN folded, ReLU fused.", K::Static, 8,
            true, true,
            { QStringLiteral("Linear"), QStringLiteral("Conv1d"), QStringLiteral("Conv2d"), QStringLiteral("Conv3d") },
            false, true),
        make("fp16", "FP16 dynamic",
            "FP16 weights run by quantized::linear_dynamic_fp16 (needs FBGEMM; otherwise FP16 weight storage).",
            K::Fp16, 16, false, true, { QStringLiteral("Linear") }),
        make("weight-int8", "Weight-only INT8",
            "Symmetric INT8 weights per channel or per block; activations stay FP32.", K::WeightOnly, 8, false, false,
            weightTypes, true, true),
        make("weight-int4", "Weight-only INT4",
            "Symmetric INT4 weights per channel or per block, two per byte; activations stay FP32.", K::WeightOnly, 4,
            false, false, weightTypes, true, true),
        make("kmeans-2", "k-means 2-bit", "Per-layer weight clustering into 4 centroids; codebook + 2-bit indices.",
            K::KMeans, 2, false, false, weightTypes),
        make("kmeans-4", "k-means 4-bit", "Per-layer weight clustering into 16 centroids; codebook + 4-bit indices.",
            K::KMeans, 4, false, false, weightTypes),
        make("kmeans-8", "k-means 8-bit", "Per-layer weight clustering into 256 centroids; codebook + 8-bit indices.",
            K::KMeans, 8, false, false, weightTypes),
        make("linear-int8", "Linear INT8", "Symmetric linear INT8 weight quantization per layer.", K::Linear, 8, false,
            false, weightTypes),
        make("linear-int16", "Linear INT16", "Symmetric linear INT16 weight quantization per layer.", K::Linear, 16,
            false, false, weightTypes),
    };
    return catalog;
}

std::optional<SchemeInfo> findScheme(const QString& id)
{
    for (const SchemeInfo& s : schemeCatalog()) {
        if (s.id == id)
            return s;
    }
    return std::nullopt;
}

QStringList schemeIds()
{
    QStringList ids;
    for (const SchemeInfo& s : schemeCatalog())
        ids << s.id;
    return ids;
}

QStringList schemesForLayerType(const QString& type)
{
    QStringList ids;
    for (const SchemeInfo& s : schemeCatalog()) {
        if (s.layerTypes.contains(type))
            ids << s.id;
    }
    return ids;
}

} // namespace qs
