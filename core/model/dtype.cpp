// SPDX-License-Identifier: GPL-3.0-or-later
#include "dtype.h"

namespace qs {

QString dtypeName(DType t)
{
    switch (t) {
    case DType::Float32: return QStringLiteral("float32");
    case DType::Float64: return QStringLiteral("float64");
    case DType::Float16: return QStringLiteral("float16");
    case DType::BFloat16: return QStringLiteral("bfloat16");
    case DType::Int64: return QStringLiteral("int64");
    case DType::Int32: return QStringLiteral("int32");
    case DType::Int16: return QStringLiteral("int16");
    case DType::Int8: return QStringLiteral("int8");
    case DType::UInt8: return QStringLiteral("uint8");
    case DType::Bool: return QStringLiteral("bool");
    }
    return {};
}

std::optional<DType> parseDType(const QString& raw)
{
    QString n = raw.trimmed().toLower();
    if (n.startsWith(QLatin1String("torch.")))
        n = n.mid(6);
    if (n == QLatin1String("float32") || n == QLatin1String("float") || n == QLatin1String("f32") || n == QLatin1String("fp32"))
        return DType::Float32;
    if (n == QLatin1String("float64") || n == QLatin1String("double") || n == QLatin1String("f64"))
        return DType::Float64;
    if (n == QLatin1String("float16") || n == QLatin1String("half") || n == QLatin1String("f16") || n == QLatin1String("fp16"))
        return DType::Float16;
    if (n == QLatin1String("bfloat16") || n == QLatin1String("bf16"))
        return DType::BFloat16;
    if (n == QLatin1String("int64") || n == QLatin1String("long") || n == QLatin1String("i64"))
        return DType::Int64;
    if (n == QLatin1String("int32") || n == QLatin1String("int") || n == QLatin1String("i32"))
        return DType::Int32;
    if (n == QLatin1String("int16") || n == QLatin1String("short") || n == QLatin1String("i16"))
        return DType::Int16;
    if (n == QLatin1String("int8") || n == QLatin1String("i8"))
        return DType::Int8;
    if (n == QLatin1String("uint8") || n == QLatin1String("byte") || n == QLatin1String("u8"))
        return DType::UInt8;
    if (n == QLatin1String("bool"))
        return DType::Bool;
    return std::nullopt;
}

QStringList dtypeNames()
{
    return {QStringLiteral("float32"), QStringLiteral("float64"), QStringLiteral("float16"), QStringLiteral("bfloat16"),
            QStringLiteral("int64"), QStringLiteral("int32"), QStringLiteral("int16"), QStringLiteral("int8"),
            QStringLiteral("uint8"), QStringLiteral("bool")};
}

int dtypeBytes(DType t)
{
    switch (t) {
    case DType::Float64: case DType::Int64: return 8;
    case DType::Float32: case DType::Int32: return 4;
    case DType::Float16: case DType::BFloat16: case DType::Int16: return 2;
    case DType::Int8: case DType::UInt8: case DType::Bool: return 1;
    }
    return 0;
}

bool isFloatingPoint(DType t)
{
    return t == DType::Float32 || t == DType::Float64 || t == DType::Float16 || t == DType::BFloat16;
}

} // namespace qs
