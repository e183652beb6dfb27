// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: the weights and layers of an FP32 model and how its forward uses them, for
// coverage reports and for the weight-only schemes.
#pragma once

#include <torch/script.h>

#include <QtCore/QHash>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <vector>

namespace qs::detail {

/// \brief A weight: a floating-point parameter with 2 or more dimensions.
struct WeightInfo
{
    QString module; ///< owner's qualified name, "" for the root
    QString attr; ///< attribute name, "weight"
    QString moduleType; ///< owner's short type, "Linear"
    at::Tensor tensor;
    /// Other (module, attr) slots holding the same tensor (tied weights).
    std::vector<std::pair<QString, QString>> aliases;
    QStringList consumers; ///< ops of the inlined forward that use it ("aten::linear")
    bool used = false; ///< forward reads it

    QString path() const { return module.isEmpty() ? attr : module + QLatin1Char('.') + attr; }
};

/// \brief A layer: a module that owns at least one weight.
struct LayerRecord
{
    QString name;
    QString type;
    std::vector<int> weights; ///< indices into WeightInventory::weights
    bool used = false;
    QStringList ops; ///< consumers of its weights
};

struct WeightInventory
{
    std::vector<WeightInfo> weights;
    std::vector<LayerRecord> layers;
    int totalTensors = 0; ///< parameters + buffers, each tensor once
    QHash<QString, QString> moduleTypes; ///< every module's short type, "" -> the root's

    int weightIndex(const QString& path) const;
    int layerIndex(const QString& name) const;
};

/// Walks the module tree and the inlined forward graph of \a model.
WeightInventory inventoryOf(const torch::jit::Module& model);

/// "features.0.weight" -> {"features", "0", "weight"}: the GetAttr chain from the graph's first
/// input (self) to \a v, or empty when \a v is not such a chain.
std::vector<std::string> attributeChain(torch::jit::Value* v, torch::jit::Value* self);

} // namespace qs::detail
