// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: encoding the weights of the schemes without LibTorch kernels.
#pragma once

#include "core/quant/packedartifact_p.h"
#include "core/quant/quantizer.h"
#include "core/quant/schemecatalog.h"
#include "core/quant/weightinventory_p.h"

namespace qs::detail {

/// \brief How a symmetric codec (weight-int8/int4, linear-*) lays a weight out: rows x cols, one
/// scale per row and block of \a block columns (0: the whole row).
struct SymmetricLayout
{
    qint64 rows = 1;
    qint64 cols = 0;
    qint64 block = 0;
};

/// The layout \a scheme with \a options gives a weight of \a shape (per tensor, per output
/// channel or per block).
SymmetricLayout symmetricLayout(const SchemeInfo& scheme, const QuantizeOptions& options, const std::vector<int64_t>& shape);

/// Encodes inventory.weights[i] for every i in \a selected as \a scheme with \a options
/// (granularity, block, seed). Progress from \a progressFrom to \a progressTo; cancellable
/// between weights.
Result<std::vector<PackedWeight>> encodeWeights(const WeightInventory& inventory, const std::vector<int>& selected,
    const SchemeInfo& scheme, const QuantizeOptions& options, const QuantizeHooks& hooks, int progressFrom,
    int progressTo);

} // namespace qs::detail
