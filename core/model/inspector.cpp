// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/script.h>

#include "inspector.h"

#include "core/model/forwardprobe.h"
#include "core/model/tensorutil_p.h"
#include "core/model/torchmodel_p.h"
#include "core/quant/schemecatalog.h"

#include <QtCore/QSet>

#include <unordered_set>

namespace qs {

namespace {

using detail::scalarTypeName;
using detail::tensorBytes;

struct PackedWeights
{
    qint64 elements = 0;
    qint64 bytes = 0;
    QMap<QString, qint64> bytesByDtype;
    QMap<QString, qint64> elementsByDtype;
};

// Packed INT8/FP16 weights are LibTorch custom-class objects; their unpack() gives (weight, bias).
bool addPacked(const c10::IValue& v, PackedWeights& out)
{
    if (!v.isObject())
        return false;
    const auto obj = v.toObject();
    const auto type = obj->type();
    if (!type->name() || type->name()->qualifiedName().find("PackedParams") == std::string::npos)
        return false;
    torch::jit::Function* unpack = type->findMethod("unpack");
    if (!unpack)
        return false;
    try {
        torch::jit::Stack stack{v};
        unpack->run(stack);
        const c10::IValue result = stack.empty() ? c10::IValue() : stack.back();
        std::vector<c10::IValue> parts;
        if (result.isTuple())
            parts = result.toTupleRef().elements().vec();
        for (const auto& p : parts) {
            if (p.isTensor() && p.toTensor().defined()) {
                const at::Tensor t = p.toTensor();
                out.elements += t.numel();
                out.bytes += tensorBytes(t);
                out.bytesByDtype[scalarTypeName(t.scalar_type())] += tensorBytes(t);
                out.elementsByDtype[scalarTypeName(t.scalar_type())] += t.numel();
            } else if (p.isOptionalTensorList() || p.isTensorList()) {
                // Conv packed params unpack to (weight, optional bias) only; nothing else to count.
            }
        }
    } catch (...) {
        return false;
    }
    return true;
}

std::shared_ptr<torch::jit::Graph> inlinedForward(const torch::jit::Module& module)
{
    auto method = module.find_method("forward");
    if (!method)
        return nullptr;
    auto graph = method->graph()->copy();
    torch::jit::Inline(*graph);
    return graph;
}

void visitNodes(torch::jit::Block* block, const std::function<void(torch::jit::Node*)>& fn)
{
    for (torch::jit::Node* n : block->nodes()) {
        fn(n);
        for (torch::jit::Block* b : n->blocks())
            visitNodes(b, fn);
    }
}

} // namespace

QString shortTypeName(const QString& qualifiedType)
{
    QStringList parts = qualifiedType.split(QLatin1Char('.'), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return qualifiedType;
    const QString last = parts.last();
    if (qualifiedType.contains(QLatin1String(".quantized.dynamic.")))
        return QStringLiteral("DynamicQuantized") + last;
    if (qualifiedType.contains(QLatin1String(".quantized.")) && !qualifiedType.startsWith(QLatin1String("__torch__.torch.classes.")))
        return QStringLiteral("Quantized") + last;
    if (qualifiedType.contains(QLatin1String(".intrinsic.qat.")) || qualifiedType.contains(QLatin1String(".qat.")))
        return QStringLiteral("QAT") + last;
    return last;
}

ModelInfo inspectModel(const TorchModel& model)
{
    ModelInfo info;
    if (model.isNull())
        return info;
    info.path = model.path();
    info.name = model.name();
    info.fileBytes = model.fileBytes();
    info.sha256 = model.sha256();

    const torch::jit::Module& root = detail::moduleOf(model);

    // Parameters and buffers as PyTorch's parameters()/buffers() count them: each tensor once,
    // even when several modules share it.
    std::unordered_set<const void*> seenParams;
    for (const auto& p : root.named_parameters(/*recurse=*/true)) {
        if (!seenParams.insert(p.value.unsafeGetTensorImpl()).second)
            continue;
        info.params += p.value.numel();
        info.paramBytes += tensorBytes(p.value);
        info.paramBytesByDtype[scalarTypeName(p.value.scalar_type())] += tensorBytes(p.value);
        info.paramsByDtype[scalarTypeName(p.value.scalar_type())] += p.value.numel();
        if (p.value.is_quantized())
            info.quantized = true;
    }
    std::unordered_set<const void*> seenBuffers;
    for (const auto& b : root.named_buffers(/*recurse=*/true)) {
        if (!seenBuffers.insert(b.value.unsafeGetTensorImpl()).second)
            continue;
        info.buffers += b.value.numel();
        info.bufferBytes += tensorBytes(b.value);
    }

    int packedCount = 0;
    QMap<QString, int> packedKinds;
    for (const auto& named : root.named_modules()) {
        const torch::jit::Module& mod = named.value;
        const auto type = mod.type();
        const QString qualified = QString::fromStdString(type->name() ? type->name()->qualifiedName() : std::string());
        PackedWeights packed;
        for (size_t i = 0; i < type->numAttributes(); ++i) {
            const c10::IValue slot = mod._ivalue()->getSlot(i);
            if (addPacked(slot, packed)) {
                ++packedCount;
                packedKinds[shortTypeName(QString::fromStdString(slot.toObject()->type()->name()->qualifiedName()))]++;
            }
        }
        info.packedParams += packed.elements;
        info.packedBytes += packed.bytes;
        for (auto it = packed.bytesByDtype.begin(); it != packed.bytesByDtype.end(); ++it)
            info.paramBytesByDtype[it.key()] += it.value();
        for (auto it = packed.elementsByDtype.begin(); it != packed.elementsByDtype.end(); ++it)
            info.paramsByDtype[it.key()] += it.value();

        if (named.name.empty())
            continue; // the root itself is not a layer
        LayerInfo layer;
        layer.name = QString::fromStdString(named.name);
        layer.qualifiedType = qualified;
        layer.type = shortTypeName(qualified);
        layer.depth = int(layer.name.count(QLatin1Char('.'))) + 1;
        layer.leaf = mod.children().size() == 0;
        for (const auto& p : mod.named_parameters(/*recurse=*/false)) {
            layer.params += p.value.numel();
            layer.bytes += tensorBytes(p.value);
            if (p.value.is_quantized())
                layer.quantized = true;
        }
        for (const auto& b : mod.named_buffers(/*recurse=*/false)) {
            layer.buffers += b.value.numel();
            layer.bytes += tensorBytes(b.value);
        }
        layer.packedParams = packed.elements;
        layer.bytes += packed.bytes;
        // Eager-mode quantized modules keep their packed weights in a child (_packed_params);
        // their own type says what they are.
        if (packed.elements > 0 || layer.type.startsWith(QLatin1String("Quantized"))
            || layer.type.startsWith(QLatin1String("DynamicQuantized")))
            layer.quantized = true;
        layer.schemes = layer.quantized ? QStringList() : schemesForLayerType(layer.type);
        info.layerTypes[layer.type]++;
        info.layers << layer;
    }
    if (packedCount > 0) {
        info.quantized = true;
        for (auto it = packedKinds.begin(); it != packedKinds.end(); ++it)
            info.quantizedEvidence << QStringLiteral("%1 x%2").arg(it.key()).arg(it.value());
    }

    // Frozen models (graph-mode quantization freezes) keep their weights as graph constants.
    if (auto graph = inlinedForward(root)) {
        std::unordered_set<const void*> seenConstants;
        visitNodes(graph->block(), [&](torch::jit::Node* n) {
            const QString kind = QString::fromLatin1(n->kind().toQualString());
            if (n->kind() == c10::prim::Constant && n->outputs().size() == 1) {
                const auto value = torch::jit::toIValue(n->output());
                if (value && value->isTensor()) {
                    const at::Tensor t = value->toTensor();
                    if (t.defined() && t.numel() > 1 && seenConstants.insert(t.unsafeGetTensorImpl()).second) {
                        info.paramBytesByDtype[scalarTypeName(t.scalar_type())] += tensorBytes(t);
                        info.paramsByDtype[scalarTypeName(t.scalar_type())] += t.numel();
                        info.constantTensors += 1;
                        info.constantBytes += tensorBytes(t);
                        if (t.is_quantized())
                            info.quantized = true;
                    }
                } else if (value && value->isObject()) {
                    PackedWeights packed;
                    if (seenConstants.insert(value->toObject().get()).second && addPacked(*value, packed)) {
                        info.packedParams += packed.elements;
                        info.packedBytes += packed.bytes;
                        info.quantized = true;
                        for (auto it = packed.bytesByDtype.begin(); it != packed.bytesByDtype.end(); ++it)
                            info.paramBytesByDtype[it.key()] += it.value();
                        for (auto it = packed.elementsByDtype.begin(); it != packed.elementsByDtype.end(); ++it)
                            info.paramsByDtype[it.key()] += it.value();
                    }
                }
                return;
            }
            if (kind.startsWith(QLatin1String("aten::")) || kind.startsWith(QLatin1String("quantized::")))
                info.opCounts[kind]++;
        });
        int quantOps = 0;
        for (auto it = info.opCounts.begin(); it != info.opCounts.end(); ++it) {
            if (it.key().startsWith(QLatin1String("quantized::")) || it.key() == QLatin1String("aten::quantize_per_tensor")
                || it.key() == QLatin1String("aten::quantize_per_channel")) {
                info.quantizedEvidence << QStringLiteral("%1 x%2").arg(it.key()).arg(it.value());
                quantOps += it.value();
            }
        }
        if (quantOps > 0)
            info.quantized = true;
    }

    info.forwardArgs = forwardArguments(model);
    return info;
}

Result<ModelInfo> inspectModel(const TorchModel& model, const InputSpec& inputs)
{
    ModelInfo info = inspectModel(model);
    auto probe = probeForward(model, inputs, /*perLayer=*/true);
    if (!probe)
        return probe.error();
    info.inputs = inputs;
    info.outputs = probe->outputs;
    info.forwardMs = probe->forwardMs;
    qint64 total = 0;
    bool any = false;
    for (LayerInfo& layer : info.layers) {
        const auto it = probe->layers.constFind(layer.name);
        if (it == probe->layers.constEnd())
            continue;
        layer.outputShape = it->outputShape;
        layer.macs = it->macs;
        if (layer.macs >= 0 && layer.leaf) {
            total += layer.macs;
            any = true;
        }
    }
    if (any)
        info.macs = total;
    return info;
}

} // namespace qs
