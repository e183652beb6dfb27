// SPDX-License-Identifier: GPL-3.0-or-later
#include "schemecatalog.h"

namespace qs {

const QVector<SchemeInfo>& schemeCatalog()
{
    static const QStringList weightTypes{QStringLiteral("Linear"), QStringLiteral("Conv1d"), QStringLiteral("Conv2d"),
                                         QStringLiteral("Conv3d"), QStringLiteral("Embedding"), QStringLiteral("EmbeddingBag")};
    static const QVector<SchemeInfo> catalog{
        {QStringLiteral("dynamic-int8"), QStringLiteral("Dynamic INT8"),
         QStringLiteral("INT8 weights; activations quantized at run time by quantized::linear_dynamic."), false, true,
         {QStringLiteral("Linear")}},
        {QStringLiteral("static-int8"), QStringLiteral("Static INT8"),
         QStringLiteral("INT8 weights and activations, calibrated on sample inputs; Conv+BN folded, ReLU fused."), true, true,
         {QStringLiteral("Linear"), QStringLiteral("Conv1d"), QStringLiteral("Conv2d"), QStringLiteral("Conv3d")}},
        {QStringLiteral("fp16"), QStringLiteral("FP16 dynamic"),
         QStringLiteral("FP16 weights run by quantized::linear_dynamic_fp16."), false, true, {QStringLiteral("Linear")}},
        {QStringLiteral("weight-int8"), QStringLiteral("Weight-only INT8"),
         QStringLiteral("Symmetric INT8 weights per channel or per block; activations stay FP32."), false, false, weightTypes},
        {QStringLiteral("weight-int4"), QStringLiteral("Weight-only INT4"),
         QStringLiteral("Symmetric INT4 weights per channel or per block, two per byte; activations stay FP32."), false, false,
         weightTypes},
        {QStringLiteral("kmeans-2"), QStringLiteral("k-means 2-bit"),
         QStringLiteral("Per-layer weight clustering into 4 centroids; codebook + 2-bit indices."), false, false, weightTypes},
        {QStringLiteral("kmeans-4"), QStringLiteral("k-means 4-bit"),
         QStringLiteral("Per-layer weight clustering into 16 centroids; codebook + 4-bit indices."), false, false, weightTypes},
        {QStringLiteral("kmeans-8"), QStringLiteral("k-means 8-bit"),
         QStringLiteral("Per-layer weight clustering into 256 centroids; codebook + 8-bit indices."), false, false, weightTypes},
        {QStringLiteral("linear-int8"), QStringLiteral("Linear INT8"),
         QStringLiteral("Symmetric linear INT8 weight quantization per layer."), false, false, weightTypes},
        {QStringLiteral("linear-int16"), QStringLiteral("Linear INT16"),
         QStringLiteral("Symmetric linear INT16 weight quantization per layer."), false, false, weightTypes},
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
