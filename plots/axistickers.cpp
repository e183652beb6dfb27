// SPDX-License-Identifier: GPL-3.0-or-later
#include "axistickers_p.h"

namespace qs::plots {

namespace {
// Axis labels are read at a glance: three significant digits and no trailing ".0"
// ("250 kB", "1.5 MB"), so that neighbouring ticks never run into each other.
QString compact(double v, const char* unit)
{
    static const struct
    {
        double scale;
        const char* prefix;
    } steps[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const auto& s : steps) {
        if (std::abs(v) >= s.scale)
            return QStringLiteral("%1 %2%3").arg(QLocale().toString(v / s.scale, 'g', 3), QLatin1String(s.prefix), QLatin1String(unit));
    }
    return QStringLiteral("%1%2%3").arg(QLocale().toString(v, 'g', 3), *unit ? QStringLiteral(" ") : QString(), QLatin1String(unit));
}
} // namespace

QString BytesTicker::getTickLabel(double tick, const QLocale&, QChar, int)
{
    return tick <= 0 ? QStringLiteral("0") : compact(tick, "B");
}

QString CountTicker::getTickLabel(double tick, const QLocale&, QChar, int)
{
    return compact(tick, "");
}

} // namespace qs::plots
