// SPDX-License-Identifier: GPL-3.0-or-later
#include "metricformat.h"

#include "core/model/layertablemodel.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QLocale>

#include <cmath>

namespace qs::plots {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("qs::plots::MetricFormat", text);
}

// Three significant digits read well for every magnitude a benchmark produces.
QString significant(double v)
{
    const double a = std::abs(v);
    const int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    return QLocale().toString(v, 'f', decimals);
}
} // namespace

QString formatValue(double value, Unit unit)
{
    if (!std::isfinite(value))
        return QStringLiteral("–");
    switch (unit) {
    case Unit::Milliseconds:
        if (std::abs(value) < 1.0)
            return tr("%1 µs").arg(significant(value * 1000.0));
        return tr("%1 ms").arg(significant(value));
    case Unit::Bytes: return LayerTableModel::humanBytes(qint64(std::llround(value)));
    case Unit::PerSecond: return tr("%1/s").arg(significant(value));
    case Unit::Percent: return tr("%1 %").arg(QLocale().toString(value, 'f', value >= 100 ? 0 : 1));
    case Unit::Decibel: return tr("%1 dB").arg(QLocale().toString(value, 'f', 1));
    case Unit::Plain: return significant(value);
    case Unit::Similarity: return QLocale().toString(value, 'f', 5);
    }
    return {};
}

QString unitSuffix(Unit unit)
{
    switch (unit) {
    case Unit::Milliseconds: return tr("ms");
    case Unit::Bytes: return tr("bytes");
    case Unit::PerSecond: return tr("per second");
    case Unit::Percent: return tr("%");
    case Unit::Decibel: return tr("dB");
    case Unit::Plain: return {};
    case Unit::Similarity: return {};
    }
    return {};
}

QString countText(qint64 n, const QString& one, const QString& many)
{
    return QStringLiteral("%1 %2").arg(QLocale().toString(n), n == 1 ? one : many);
}

double ratio(double value, double baseline)
{
    if (!std::isfinite(value) || !std::isfinite(baseline) || baseline == 0)
        return qQNaN();
    return value / baseline;
}

QString formatComparison(double value, double baseline, const MetricSpec& spec)
{
    if (!std::isfinite(value) || !std::isfinite(baseline))
        return {};
    if (spec.byDifference) {
        const double d = value - baseline;
        if (spec.unit == Unit::Similarity) {
            if (std::abs(d) < 0.000005)
                return tr("same");
            return QStringLiteral("%1%2").arg(d > 0 ? QStringLiteral("+") : QStringLiteral("−"), QLocale().toString(std::abs(d), 'f', 5));
        }
        if (std::abs(d) < 0.005)
            return tr("same");
        return tr("%1%2 pt").arg(d > 0 ? QStringLiteral("+") : QStringLiteral("−")).arg(QLocale().toString(std::abs(d), 'f', 2));
    }
    const double r = ratio(value, baseline);
    if (!std::isfinite(r) || r <= 0)
        return {};
    if (std::abs(r - 1.0) < 0.005)
        return tr("same");
    // Say it the way people say it: "2.1× faster" rather than "0.48×".
    const bool better = spec.lowerIsBetter ? r < 1.0 : r > 1.0;
    const double factor = r < 1.0 ? 1.0 / r : r;
    const QString word = better ? spec.better : spec.worse;
    if (word.isEmpty())
        return tr("%1×").arg(QLocale().toString(r, 'f', 2));
    return tr("%1× %2").arg(QLocale().toString(factor, 'f', 2), word);
}

} // namespace qs::plots
