// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/script.h>

#include "weightinventory_p.h"

#include "core/model/inspector.h"

#include <unordered_map>
#include <unordered_set>

namespace qs::detail {

namespace {

// Ops that only reshape or retype a weight on its way to the op that computes with it.
bool isPassThrough(const std::string& kind)
{
    static const std::unordered_set<std::string> ops { "aten::t", "aten::transpose", "aten::permute", "aten::view",
        "aten::reshape", "aten::contiguous", "aten::to", "aten::detach", "aten::flatten", "aten::unsqueeze",
        "aten::squeeze", "aten::numpy_T", "aten::type_as", "aten::clone", "prim::ListConstruct" };
    return ops.count(kind) > 0;
}

void collectConsumers(torch::jit::Value* v, QStringList& out, int depth = 0)
{
    for (const torch::jit::Use& use : v->uses()) {
        const std::string kind = use.user->kind().toQualString();
        if (isPassThrough(kind) && depth < 4) {
            for (torch::jit::Value* o : use.user->outputs())
                collectConsumers(o, out, depth + 1);
            continue;
        }
        const QString k = QString::fromStdString(kind);
        if (!out.contains(k))
            out << k;
    }
}

void visit(torch::jit::Block* block, const std::function<void(torch::jit::Node*)>& fn)
{
    for (torch::jit::Node* n : block->nodes()) {
        fn(n);
        for (torch::jit::Block* b : n->blocks())
            visit(b, fn);
    }
}

QString typeName(const torch::jit::Module& m)
{
    const auto name = m.type()->name();
    return shortTypeName(QString::fromStdString(name ? name->qualifiedName() : std::string()));
}

} // namespace

std::vector<std::string> attributeChain(torch::jit::Value* v, torch::jit::Value* self)
{
    std::vector<std::string> chain;
    while (v != self) {
        torch::jit::Node* n = v->node();
        if (n->kind() != c10::prim::GetAttr)
            return {};
        chain.push_back(n->s(c10::attr::name));
        v = n->input(0);
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
}

int WeightInventory::weightIndex(const QString& path) const
{
    for (size_t i = 0; i < weights.size(); ++i) {
        if (weights[i].path() == path)
            return int(i);
        for (const auto& alias : weights[i].aliases) {
            if ((alias.first.isEmpty() ? alias.second : alias.first + QLatin1Char('.') + alias.second) == path)
                return int(i);
        }
    }
    return -1;
}

int WeightInventory::layerIndex(const QString& name) const
{
    for (size_t i = 0; i < layers.size(); ++i) {
        if (layers[i].name == name)
            return int(i);
    }
    return -1;
}

WeightInventory inventoryOf(const torch::jit::Module& model)
{
    WeightInventory inv;
    std::unordered_set<const void*> tensors;
    for (const auto& p : model.named_parameters(/*recurse=*/true))
        tensors.insert(p.value.unsafeGetTensorImpl());
    for (const auto& b : model.named_buffers(/*recurse=*/true))
        tensors.insert(b.value.unsafeGetTensorImpl());
    inv.totalTensors = int(tensors.size());

    std::unordered_map<const void*, int> byImpl;
    for (const auto& named : model.named_modules()) {
        const QString name = QString::fromStdString(named.name);
        const QString type = typeName(named.value);
        inv.moduleTypes.insert(name, type);
        for (const auto& p : named.value.named_parameters(/*recurse=*/false)) {
            const at::Tensor& t = p.value;
            if (!t.defined() || !t.is_floating_point() || t.dim() < 2)
                continue;
            const QString attr = QString::fromStdString(p.name);
            const auto seen = byImpl.find(t.unsafeGetTensorImpl());
            if (seen != byImpl.end()) {
                inv.weights[size_t(seen->second)].aliases.emplace_back(name, attr);
                continue;
            }
            byImpl.emplace(t.unsafeGetTensorImpl(), int(inv.weights.size()));
            WeightInfo w;
            w.module = name;
            w.attr = attr;
            w.moduleType = type;
            w.tensor = t;
            inv.weights.push_back(w);
        }
    }

    // How forward uses each weight: GetAttr chains from self in the inlined graph.
    if (auto method = model.find_method("forward")) {
        auto graph = method->graph()->copy();
        torch::jit::Inline(*graph);
        torch::jit::Value* self = graph->inputs().at(0);
        visit(graph->block(), [&](torch::jit::Node* n) {
            if (n->kind() != c10::prim::GetAttr || !n->output()->type()->isSubtypeOf(*c10::TensorType::get()))
                return;
            const auto chain = attributeChain(n->output(), self);
            if (chain.empty())
                return;
            QStringList parts;
            for (const auto& s : chain)
                parts << QString::fromStdString(s);
            const int idx = inv.weightIndex(parts.join(QLatin1Char('.')));
            if (idx < 0)
                return;
            WeightInfo& w = inv.weights[size_t(idx)];
            w.used = true;
            collectConsumers(n->output(), w.consumers);
        });
    }

    for (size_t i = 0; i < inv.weights.size(); ++i) {
        const WeightInfo& w = inv.weights[i];
        int li = inv.layerIndex(w.module);
        if (li < 0) {
            inv.layers.push_back(LayerRecord { w.module, w.moduleType, {}, false, {} });
            li = int(inv.layers.size()) - 1;
        }
        LayerRecord& layer = inv.layers[size_t(li)];
        layer.weights.push_back(int(i));
        layer.used = layer.used || w.used;
        for (const QString& op : w.consumers) {
            if (!layer.ops.contains(op))
                layer.ops << op;
        }
    }
    return inv;
}

} // namespace qs::detail
