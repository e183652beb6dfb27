// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>

namespace qs::plots {

/// \brief The unit a figure is in, which decides how it is written ("1.23 ms", "4.5 MB").
enum class Unit { Milliseconds, Bytes, PerSecond, Percent, Decibel, Plain, Similarity };

/// \brief How one compared figure reads: its name, unit, which direction is better and the words
/// for "better"/"worse" in ratio labels ("2.1× faster", "3.9× smaller").
struct MetricSpec
{
    QString title;            ///< "p50 latency"
    Unit unit = Unit::Plain;
    bool lowerIsBetter = true;
    /// Accuracy-like figures compare by difference ("−0.07 pt"), the others by ratio.
    bool byDifference = false;
    QString better;           ///< "faster", "smaller"
    QString worse;            ///< "slower", "larger"
};

/// "1.23 ms", "12.3 kB", "1,234/s", "45.6 %", "31.2 dB", "0.99997" (Similarity: cosine of outputs,
/// whose differences lie in the fourth decimal); "–" for NaN.
QString formatValue(double value, Unit unit);
/// The axis label of a unit: "ms", "bytes", "per second"...
QString unitSuffix(Unit unit);
/// The comparison of \a value with \a baseline as a label: "2.10× faster", "1.35× larger",
/// "same", "+0.4 pt", "−1.2 pt"; empty when either is not a finite number or the baseline is 0.
QString formatComparison(double value, double baseline, const MetricSpec& spec);
/// "1 sample", "2,000 samples": English plurals without a translation file.
QString countText(qint64 n, const QString& one, const QString& many);
/// value / baseline, or NaN.
double ratio(double value, double baseline);

} // namespace qs::plots
