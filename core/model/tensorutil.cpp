// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/CPUGeneratorImpl.h>

#include "tensorutil_p.h"

namespace qs::detail {

at::ScalarType toScalarType(DType t)
{
    switch (t) {
    case DType::Float32: return at::kFloat;
    case DType::Float64: return at::kDouble;
    case DType::Float16: return at::kHalf;
    case DType::BFloat16: return at::kBFloat16;
    case DType::Int64: return at::kLong;
    case DType::Int32: return at::kInt;
    case DType::Int16: return at::kShort;
    case DType::Int8: return at::kChar;
    case DType::UInt8: return at::kByte;
    case DType::Bool: return at::kBool;
    }
    return at::kFloat;
}

std::optional<DType> fromScalarType(at::ScalarType t)
{
    switch (t) {
    case at::kFloat: return DType::Float32;
    case at::kDouble: return DType::Float64;
    case at::kHalf: return DType::Float16;
    case at::kBFloat16: return DType::BFloat16;
    case at::kLong: return DType::Int64;
    case at::kInt: return DType::Int32;
    case at::kShort: return DType::Int16;
    case at::kChar: return DType::Int8;
    case at::kByte: return DType::UInt8;
    case at::kBool: return DType::Bool;
    default: return std::nullopt;
    }
}

QString scalarTypeName(at::ScalarType t)
{
    if (auto d = fromScalarType(t))
        return dtypeName(*d);
    return QString::fromLatin1(c10::toString(t)).toLower();
}

QString shapeString(at::IntArrayRef sizes)
{
    QStringList dims;
    for (int64_t s : sizes)
        dims << QString::number(s);
    return dims.isEmpty() ? QStringLiteral("scalar") : dims.join(QLatin1Char('x'));
}

std::vector<c10::IValue> makeInputs(const InputSpec& spec, uint64_t seed)
{
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    std::vector<c10::IValue> values;
    values.reserve(size_t(spec.inputs.size()));
    for (const TensorSpec& t : spec.inputs) {
        const std::vector<int64_t> shape(t.shape.begin(), t.shape.end());
        const auto type = toScalarType(t.dtype);
        if (isFloatingPoint(t.dtype))
            values.emplace_back(at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat)).to(type));
        else
            values.emplace_back(at::zeros(shape, at::TensorOptions().dtype(type)));
    }
    return values;
}

qint64 tensorBytes(const at::Tensor& t)
{
    if (!t.defined())
        return 0;
    return qint64(t.numel()) * qint64(t.element_size());
}

} // namespace qs::detail
