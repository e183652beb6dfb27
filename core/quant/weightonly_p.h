// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: encoding the weights of the schemes without LibTorch kernels.
#pragma once

#include "core/quant/packedartifact_p.h"
#include "core/quant/quantizer.h"
#include "core/quant/schemecatalog.h"
#include "core/quant/weightinventory_p.h"

namespace qs::detail {

/// Encodes inventory.weights[i] for every i in \a selected as \a scheme with \a options
/// (granularity, block, seed). Progress from \a progressFrom to \a progressTo; cancellable
/// between weights.
Result<std::vector<PackedWeight>> encodeWeights(const WeightInventory& inventory, const std::vector<int>& selected,
    const SchemeInfo& scheme, const QuantizeOptions& options, const QuantizeHooks& hooks, int progressFrom,
    int progressTo);

} // namespace qs::detail
