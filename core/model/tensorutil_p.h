// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core .cpp files: conversions between our value types and LibTorch's.
#pragma once

#include <torch/script.h>

#include "core/model/inputspec.h"

#include <optional>
#include <vector>

namespace qs::detail {

at::ScalarType toScalarType(DType t);
std::optional<DType> fromScalarType(at::ScalarType t);
/// "float32", "qint8", ... for any scalar type, quantized ones included.
QString scalarTypeName(at::ScalarType t);
/// "1x3x224x224"
QString shapeString(at::IntArrayRef sizes);

/// Inputs for one forward: floating point from a seeded normal distribution, integers and bools
/// zero (valid indices for embeddings).
std::vector<c10::IValue> makeInputs(const InputSpec& spec, uint64_t seed = 0);

/// Bytes a tensor's elements take (quantized tensors: their integer storage).
qint64 tensorBytes(const at::Tensor& t);

} // namespace qs::detail
