// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/model/modelinfo.h"
#include "core/model/torchmodel.h"

namespace qs {

/// \brief Parameters, buffers, packed weights, layers and ops of a model, without running it.
ModelInfo inspectModel(const TorchModel& model);

/// \brief inspectModel() plus one forward with \a inputs: output shapes, per-layer output shapes
/// and MACs. Fails with the model's own error, condensed, when the inputs do not fit.
Result<ModelInfo> inspectModel(const TorchModel& model, const InputSpec& inputs);

/// \brief Short display type of a TorchScript class name:
/// "__torch__.torch.nn.modules.conv.___torch_mangle_3.Conv2d" -> "Conv2d",
/// "__torch__.torch.ao.nn.quantized.dynamic.modules.linear.Linear" -> "DynamicQuantizedLinear".
QString shortTypeName(const QString& qualifiedType);

} // namespace qs
