// SPDX-License-Identifier: GPL-3.0-or-later
#include "latencystats.h"

#include <algorithm>
#include <cmath>

namespace qs {

double LatencyStats::percentile(const QVector<double>& sorted, double p)
{
    if (sorted.isEmpty())
        return 0;
    p = std::clamp(p, 0.0, 1.0);
    const double h = double(sorted.size() - 1) * p;
    const int lo = int(std::floor(h));
    const int hi = std::min(lo + 1, int(sorted.size()) - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

QPair<int, int> LatencyStats::medianCiRanks(int n)
{
    if (n <= 0)
        return {0, 0};
    const double z = 1.959963984540054; // two-sided 95%
    const double spread = z * std::sqrt(double(n));
    const int j = int(std::floor((n - spread) / 2.0));
    const int k = int(std::ceil(1.0 + (n + spread) / 2.0));
    return {std::clamp(j, 1, n), std::clamp(k, 1, n)};
}

LatencyStats LatencyStats::compute(const QVector<double>& samplesMs)
{
    LatencyStats s;
    s.count = int(samplesMs.size());
    if (s.count == 0)
        return s;
    QVector<double> sorted = samplesMs;
    std::sort(sorted.begin(), sorted.end());
    // Two passes: the mean first, then squared deviations (stable for samples close together).
    double sum = 0;
    for (double v : sorted)
        sum += v;
    s.mean = sum / s.count;
    double sq = 0;
    for (double v : sorted)
        sq += (v - s.mean) * (v - s.mean);
    s.std = s.count > 1 ? std::sqrt(sq / (s.count - 1)) : 0;
    s.min = sorted.first();
    s.max = sorted.last();
    s.p50 = percentile(sorted, 0.50);
    s.p90 = percentile(sorted, 0.90);
    s.p95 = percentile(sorted, 0.95);
    s.p99 = percentile(sorted, 0.99);
    s.q1 = percentile(sorted, 0.25);
    s.q3 = percentile(sorted, 0.75);
    s.iqr = s.q3 - s.q1;
    const auto ranks = medianCiRanks(s.count);
    s.medianCiLow = sorted[ranks.first - 1];
    s.medianCiHigh = sorted[ranks.second - 1];
    return s;
}

QJsonObject LatencyStats::toJson() const
{
    return QJsonObject{
        {QStringLiteral("count"), count},
        {QStringLiteral("mean"), mean},
        {QStringLiteral("std"), std},
        {QStringLiteral("min"), min},
        {QStringLiteral("max"), max},
        {QStringLiteral("p50"), p50},
        {QStringLiteral("p90"), p90},
        {QStringLiteral("p95"), p95},
        {QStringLiteral("p99"), p99},
        {QStringLiteral("q1"), q1},
        {QStringLiteral("q3"), q3},
        {QStringLiteral("iqr"), iqr},
        {QStringLiteral("median_ci_low"), medianCiLow},
        {QStringLiteral("median_ci_high"), medianCiHigh},
        {QStringLiteral("ci_level"), ciLevel},
    };
}

LatencyStats LatencyStats::fromJson(const QJsonObject& o)
{
    LatencyStats s;
    s.count = o.value(QLatin1String("count")).toInt();
    s.mean = o.value(QLatin1String("mean")).toDouble();
    s.std = o.value(QLatin1String("std")).toDouble();
    s.min = o.value(QLatin1String("min")).toDouble();
    s.max = o.value(QLatin1String("max")).toDouble();
    s.p50 = o.value(QLatin1String("p50")).toDouble();
    s.p90 = o.value(QLatin1String("p90")).toDouble();
    s.p95 = o.value(QLatin1String("p95")).toDouble();
    s.p99 = o.value(QLatin1String("p99")).toDouble();
    s.q1 = o.value(QLatin1String("q1")).toDouble();
    s.q3 = o.value(QLatin1String("q3")).toDouble();
    s.iqr = o.value(QLatin1String("iqr")).toDouble();
    s.medianCiLow = o.value(QLatin1String("median_ci_low")).toDouble();
    s.medianCiHigh = o.value(QLatin1String("median_ci_high")).toDouble();
    s.ciLevel = o.value(QLatin1String("ci_level")).toDouble(0.95);
    return s;
}

} // namespace qs
