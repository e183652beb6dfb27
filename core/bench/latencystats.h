// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QVector>

namespace qs {

/// \brief Summary statistics of a Run's steady-state latency samples, in milliseconds.
///
/// Percentiles interpolate linearly between closest ranks (Hyndman & Fan type 7, NumPy's
/// default): the p-th percentile of n sorted samples x[0..n-1] is x[h] + (h - floor h) *
/// (x[floor h + 1] - x[floor h]) with h = (n - 1) p. q1/q3 are p25/p75, iqr = q3 - q1.
/// std is the sample standard deviation (n - 1). The confidence interval of the median is
/// distribution-free: the order statistics x(j), x(k) (1-based) with j = floor((n - z sqrt n) / 2)
/// and k = ceil(1 + (n + z sqrt n) / 2), clamped to [1, n], z = 1.96 for 95% (the normal
/// approximation to the binomial count of samples below the median; Conover, Practical
/// Nonparametric Statistics). For n = 100 it is [x(40), x(61)].
struct LatencyStats
{
    int count = 0;
    double mean = 0;
    double std = 0;
    double min = 0;
    double max = 0;
    double p50 = 0;
    double p90 = 0;
    double p95 = 0;
    double p99 = 0;
    double q1 = 0;
    double q3 = 0;
    double iqr = 0;
    double medianCiLow = 0;
    double medianCiHigh = 0;
    double ciLevel = 0.95;

    /// Statistics of \a samplesMs (any order). An empty input gives count 0 and zeros.
    static LatencyStats compute(const QVector<double>& samplesMs);
    /// Type-7 percentile of ascending \a sorted, \a p in [0, 1].
    static double percentile(const QVector<double>& sorted, double p);
    /// 1-based ranks [j, k] of the 95% confidence interval of the median of n samples.
    static QPair<int, int> medianCiRanks(int n);

    /// IQR / median: the noise measure (a run above 10% is flagged as noisy).
    double relativeIqr() const { return p50 > 0 ? iqr / p50 : 0; }

    QJsonObject toJson() const;
    static LatencyStats fromJson(const QJsonObject& object);
};

} // namespace qs
