// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core/eval: numbers in JSON. JSON has no infinity or NaN: non-finite values are
// written as null and read back as +inf (the only non-finite value results hold on purpose:
// SQNR and PSNR of identical outputs).
#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>

#include <cmath>
#include <limits>
#include <optional>

namespace qs::jsonnumbers {

inline QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

inline QJsonValue optional(const std::optional<double>& v)
{
    return v ? number(*v) : QJsonValue();
}

inline double readNumber(const QJsonObject& o, const char* key, double fallback = 0)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isNull())
        return std::numeric_limits<double>::infinity();
    return v.isDouble() ? v.toDouble() : fallback;
}

inline std::optional<double> readOptional(const QJsonObject& o, const char* key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
}

} // namespace qs::jsonnumbers
