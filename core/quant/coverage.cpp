// SPDX-License-Identifier: GPL-3.0-or-later
#include "coverage_p.h"

#include "core/common/error.h"
#include "core/quant/layerpattern.h"

#include <QtCore/QMap>

namespace qs::detail {

namespace {

bool isLinearLayer(const LayerRecord& l)
{
    return l.type == QLatin1String("Linear") || l.ops.contains(QStringLiteral("aten::linear"));
}

bool isEmbeddingLayer(const LayerRecord& l)
{
    return l.type.startsWith(QLatin1String("Embedding")) || l.ops.contains(QStringLiteral("aten::embedding"))
        || l.ops.contains(QStringLiteral("aten::embedding_bag"));
}

bool isStandardLayerType(const QString& type)
{
    static const QStringList types { QStringLiteral("Linear"), QStringLiteral("Conv1d"), QStringLiteral("Conv2d"),
        QStringLiteral("Conv3d"), QStringLiteral("ConvTranspose1d"), QStringLiteral("ConvTranspose2d"),
        QStringLiteral("ConvTranspose3d"), QStringLiteral("Embedding"), QStringLiteral("EmbeddingBag"),
        QStringLiteral("LSTM"), QStringLiteral("GRU"), QStringLiteral("RNN"), QStringLiteral("LSTMCell"),
        QStringLiteral("GRUCell"), QStringLiteral("RNNCell"), QStringLiteral("MultiheadAttention"),
        QStringLiteral("Bilinear") };
    return types.contains(type);
}

QString opsText(const LayerRecord& l)
{
    return l.ops.isEmpty() ? QStringLiteral("no op") : l.ops.join(QLatin1String(", "));
}

// Why a graph-mode scheme left a layer in FP32 (it was not excluded).
Fp32Layer graphModeReason(const LayerRecord& l, const SchemeInfo& scheme)
{
    Fp32Layer f { l.name, l.type, {}, {} };
    if (!l.used) {
        f.reason = Fp32Layer::NotCalled;
        return f;
    }
    if (isEmbeddingLayer(l)) {
        f.reason = Fp32Layer::Embedding;
        f.detail = QStringLiteral("graph-mode %1 keeps embeddings in FP32; weight-int8/int4 or kmeans compress them")
                       .arg(scheme.id);
        return f;
    }
    if (!isStandardLayerType(l.type) && !l.type.isEmpty()) {
        f.reason = Fp32Layer::FunctionalCall;
        f.detail = QStringLiteral("%1 in %2.forward is not a pattern the passes quantize").arg(opsText(l), l.type);
        return f;
    }
    f.reason = Fp32Layer::UnsupportedOp;
    if (scheme.kind != SchemeInfo::Kind::Static && !isLinearLayer(l))
        f.detail = QStringLiteral("%1: %2 quantizes Linear layers only (static-int8 also convolutions)")
                       .arg(opsText(l), scheme.id);
    else
        f.detail = QStringLiteral("%1 has no quantized kernel in graph mode").arg(opsText(l));
    return f;
}

Coverage tally(const WeightInventory& inv, const ExclusionMap& excluded,
    const std::function<bool(const LayerRecord&)>& quantized, const std::function<Fp32Layer(const LayerRecord&)>& why,
    int quantizedTensors)
{
    Coverage c;
    c.totalTensors = inv.totalTensors;
    c.quantizedTensors = quantizedTensors;
    for (const LayerRecord& l : inv.layers) {
        TypeCoverage& t = c.perType[l.type];
        ++t.total;
        ++c.totalLayers;
        if (quantized(l)) {
            ++t.quantized;
            ++c.quantizedLayers;
            c.quantizedLayerNames << l.name;
        } else if (excluded.contains(l.name)) {
            c.fp32Layers << Fp32Layer { l.name, l.type, Fp32Layer::Excluded,
                QStringLiteral("--exclude %1").arg(excluded.value(l.name)) };
        } else {
            c.fp32Layers << why(l);
        }
    }
    return c;
}

} // namespace

ExclusionMap exclusionsOf(const WeightInventory& inv, const QStringList& patterns)
{
    ExclusionMap map;
    if (patterns.isEmpty())
        return map;
    const LayerPatternSet set(patterns);
    for (const LayerRecord& l : inv.layers) {
        const QString p = set.match(l.name, l.type, [&inv](const QString& n) { return inv.moduleTypes.value(n); });
        if (!p.isEmpty())
            map.insert(l.name, p);
    }
    return map;
}

std::vector<int> weightsToPack(const WeightInventory& inv, const ExclusionMap& excluded, const SchemeInfo& scheme)
{
    std::vector<int> out;
    for (const LayerRecord& l : inv.layers) {
        if (excluded.contains(l.name))
            continue;
        if (scheme.kind == SchemeInfo::Kind::Fp16 && !isLinearLayer(l))
            continue;
        out.insert(out.end(), l.weights.begin(), l.weights.end());
    }
    std::sort(out.begin(), out.end());
    return out;
}

Coverage graphModeCoverage(const WeightInventory& inv, const ExclusionMap& excluded, const SchemeInfo& scheme,
    const QSet<QString>& observedWeights, const QMap<QString, int>& quantizedOps)
{
    // Observed weights count only when the passes produced quantized ops at all.
    QSet<int> quantizedWeights;
    if (!quantizedOps.isEmpty()) {
        for (const QString& path : observedWeights) {
            const int i = inv.weightIndex(path);
            if (i >= 0)
                quantizedWeights.insert(i);
        }
    }
    auto isQuantized = [&](const LayerRecord& l) {
        return std::any_of(l.weights.begin(), l.weights.end(), [&](int w) { return quantizedWeights.contains(w); });
    };
    Coverage c = tally(
        inv, excluded, isQuantized, [&](const LayerRecord& l) { return graphModeReason(l, scheme); },
        int(quantizedWeights.size()));
    c.quantizedOps = quantizedOps;
    return c;
}

Coverage weightOnlyCoverage(
    const WeightInventory& inv, const ExclusionMap& excluded, const SchemeInfo& scheme, const std::vector<int>& packed)
{
    const QSet<int> set(packed.begin(), packed.end());
    auto isQuantized = [&](const LayerRecord& l) {
        return std::any_of(l.weights.begin(), l.weights.end(), [&](int w) { return set.contains(w); });
    };
    auto why = [&](const LayerRecord& l) {
        // Only fp16 storage skips layers on its own: it mirrors quantize_dynamic_jit's fp16.
        return Fp32Layer { l.name, l.type, Fp32Layer::UnsupportedOp,
            QStringLiteral("%1: %2 covers Linear layers only, as quantize_dynamic_jit's fp16 does")
                .arg(opsText(l), scheme.id) };
    };
    return tally(inv, excluded, isQuantized, why, int(packed.size()));
}

QString summarizeReasons(const Coverage& c)
{
    if (c.totalLayers == 0)
        return QStringLiteral("it has no layer with weights");
    QMap<QString, int> counts;
    for (const Fp32Layer& f : c.fp32Layers)
        counts[f.reason]++;
    QStringList parts;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    return parts.join(QLatin1String(", "));
}

// Exclusions: every --exclude must match a layer name or type, else it is a typo.
Result<QStringList> excludedModules(const QStringList& patterns, const WeightInventory& inv, const QString& modelName)
{
    QStringList modules;
    for (const QString& p : patterns) {
        const LayerPattern pattern(p);
        bool any = false;
        for (auto it = inv.moduleTypes.begin(); it != inv.moduleTypes.end(); ++it) {
            if (!it.key().isEmpty() && pattern.matchesModule(it.key(), it.value())) {
                any = true;
                if (!modules.contains(it.key()))
                    modules << it.key();
            }
        }
        if (!any) {
            QStringList names, types;
            for (const auto& layer : inv.layers) {
                if (!layer.name.isEmpty())
                    names << layer.name;
                if (!types.contains(layer.type))
                    types << layer.type;
            }
            if (names.size() > 12)
                names = names.mid(0, 12) << QStringLiteral("...");
            return Error::usage(
                QStringLiteral("--exclude '%1' matches no layer name or type of %2. Layers: %3; types: %4.")
                    .arg(p, modelName, names.join(QLatin1String(", ")), types.join(QLatin1String(", "))));
        }
    }
    return modules;
}

} // namespace qs::detail
