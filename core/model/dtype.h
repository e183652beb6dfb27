// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <optional>

namespace qs {

/// \brief Element types a model input can have (a LibTorch-free mirror of at::ScalarType).
enum class DType { Float32, Float64, Float16, BFloat16, Int64, Int32, Int16, Int8, UInt8, Bool };

/// "float32", "int64", ...
QString dtypeName(DType t);
/// Accepts the PyTorch spellings: float32/float/f32, float16/half, bfloat16, float64/double,
/// int64/long, int32/int, int16/short, int8, uint8/byte, bool.
std::optional<DType> parseDType(const QString& name);
QStringList dtypeNames();
int dtypeBytes(DType t);
bool isFloatingPoint(DType t);

} // namespace qs
