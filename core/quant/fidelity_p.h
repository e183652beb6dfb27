// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: a variant's output against its FP32 model's on the same inputs.
#pragma once

#include <torch/script.h>

#include "core/quant/variant.h"

#include <vector>

namespace qs::detail {

/// Runs \a reference and \a variant on every batch and compares all floating-point outputs
/// (tensors, and tensors inside tuples/lists/dicts), flattened: cosine, SQNR, max |diff|.
Fidelity measureFidelity(const torch::jit::Module& reference, const torch::jit::Module& variant,
    const std::vector<std::vector<c10::IValue>>& batches, int samples, const QString& source);

/// The comparison itself, on outputs already computed (double precision).
Fidelity compareOutputs(const at::Tensor& reference, const at::Tensor& variant);

} // namespace qs::detail
