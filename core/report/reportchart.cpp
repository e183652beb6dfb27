// SPDX-License-Identifier: GPL-3.0-or-later
// The report's charts as primitives. No font metrics here (QtCore only): label widths are
// estimated, and long labels are shortened so that they never run into the plot.
#include "reportchart.h"

#include <algorithm>
#include <cmath>

namespace qs::report {

namespace {

constexpr double kLeft = 210;   // room for row labels
constexpr double kRight = 24;
constexpr double kTop = 16;
constexpr double kRowH = 26;
const QString kAxis = QStringLiteral("#444444");
const QString kGrid = QStringLiteral("#dddddd");
const QString kText = QStringLiteral("#222222");

ChartItem line(QPointF a, QPointF b, const QString& color, double width = 1, bool dashed = false)
{
    ChartItem it;
    it.kind = ChartItem::Kind::Line;
    it.points = {a, b};
    it.stroke = color;
    it.width = width;
    it.dashed = dashed;
    return it;
}

ChartItem rect(QPointF topLeft, QPointF bottomRight, const QString& fill, const QString& stroke = {})
{
    ChartItem it;
    it.kind = ChartItem::Kind::Rect;
    it.points = {topLeft, bottomRight};
    it.fill = fill;
    it.stroke = stroke;
    return it;
}

ChartItem text(QPointF at, const QString& s, ChartItem::Anchor anchor = ChartItem::Anchor::Start, double size = 10, bool bold = false)
{
    ChartItem it;
    it.kind = ChartItem::Kind::Text;
    it.points = {at};
    it.text = s;
    it.anchor = anchor;
    it.fontSize = size;
    it.bold = bold;
    it.fill = kText;
    return it;
}

/// Shortens \a s to about \a width points at \a size (an average glyph is ~0.55 em wide).
QString elide(const QString& s, double width, double size = 10)
{
    const int max = std::max(4, int(width / (0.55 * size)));
    if (s.size() <= max)
        return s;
    qsizetype keep = max - 1;
    if (s[keep - 1].isHighSurrogate()) // never half of a surrogate pair (an emoji, say)
        --keep;
    return s.left(keep) + QChar(0x2026);
}

/// Round tick values covering [lo, hi] (about \a count of them).
QVector<double> ticks(double lo, double hi, int count = 5)
{
    if (!(hi > lo))
        hi = lo + 1;
    const double raw = (hi - lo) / count;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        step = m * mag;
        if (raw <= step)
            break;
    }
    QVector<double> t;
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
        t << (std::fabs(v) < step * 1e-9 ? 0.0 : v);
    return t;
}

QString tickText(double v)
{
    return QString::number(v, 'g', 4);
}

/// A horizontal value axis at the bottom of a row chart, with vertical grid lines.
void valueAxis(Chart& c, double x0, double x1, double top, double bottom, double lo, double hi, const QString& unit)
{
    for (double t : ticks(lo, hi)) {
        const double x = x0 + (t - lo) / (hi - lo) * (x1 - x0);
        c.items << line({x, top}, {x, bottom}, kGrid);
        c.items << text({x, bottom + 14}, tickText(t), ChartItem::Anchor::Middle, 9);
    }
    c.items << line({x0, bottom}, {x1, bottom}, kAxis);
    c.items << text({(x0 + x1) / 2, bottom + 30}, unit, ChartItem::Anchor::Middle, 9);
}

double percentile(const std::vector<double>& sorted, double p)
{
    if (sorted.empty())
        return qQNaN();
    const double pos = p * double(sorted.size() - 1);
    const size_t i = size_t(pos);
    const double frac = pos - double(i);
    return i + 1 < sorted.size() ? sorted[i] * (1 - frac) + sorted[i + 1] * frac : sorted[i];
}

Chart sizeChart(const Report& r)
{
    Chart c;
    c.id = QStringLiteral("size");
    c.title = QStringLiteral("Model size");
    c.caption = QStringLiteral("File size of each variant; the ratio is to the baseline.");
    double hi = 0;
    int n = 0;
    for (const ReportRow& row : r.rows) {
        if (std::isfinite(row.sizeBytes)) {
            hi = std::max(hi, row.sizeBytes / 1e6);
            ++n;
        }
    }
    if (n == 0)
        return c;
    hi *= 1.25; // room for the value labels
    const double x0 = kLeft, x1 = c.width - kRight;
    const double bottom = kTop + r.rows.size() * kRowH;
    valueAxis(c, x0, x1, kTop, bottom, 0, hi, QStringLiteral("MB"));
    for (int i = 0; i < r.rows.size(); ++i) {
        const ReportRow& row = r.rows[i];
        const double y = kTop + i * kRowH;
        c.items << text({x0 - 8, y + 17}, elide(row.label, kLeft - 16), ChartItem::Anchor::End);
        if (!std::isfinite(row.sizeBytes)) {
            c.items << text({x0 + 4, y + 17}, QStringLiteral("unknown"), ChartItem::Anchor::Start, 9);
            continue;
        }
        const double x = x0 + row.sizeBytes / 1e6 / hi * (x1 - x0);
        c.items << rect({x0, y + 5}, {x, y + kRowH - 5}, rowColor(i));
        QString value = QStringLiteral("%1 MB").arg(row.sizeBytes / 1e6, 0, 'f', 2);
        if (!row.isBaseline && std::isfinite(row.sizeRatio))
            value += QStringLiteral(" (%1x)").arg(row.sizeRatio, 0, 'f', 2);
        c.items << text({x + 5, y + 17}, value, ChartItem::Anchor::Start, 9);
    }
    c.height = bottom + 40;
    return c;
}

Chart latencyChart(const Report& r)
{
    Chart c;
    c.id = QStringLiteral("latency");
    c.title = QStringLiteral("Latency distribution");
    c.caption = QStringLiteral("Per run: whiskers p1-p99, box p25-p75, bar the median (p50), from every steady-state sample.");
    struct Box
    {
        double p1, p25, p50, p75, p99;
    };
    QVector<Box> boxes;
    double hi = 0;
    int n = 0;
    for (const ReportRow& row : r.rows) {
        std::vector<double> s(row.run.latencyMs.begin(), row.run.latencyMs.end());
        std::sort(s.begin(), s.end());
        Box b{percentile(s, 0.01), percentile(s, 0.25), percentile(s, 0.5), percentile(s, 0.75), percentile(s, 0.99)};
        if (s.empty()) { // imported or summarised runs: the stored percentiles only
            b.p50 = row.p50Ms;
            b.p99 = row.p99Ms;
        }
        if (std::isfinite(b.p50))
            ++n;
        for (double v : {b.p50, b.p99}) {
            if (std::isfinite(v))
                hi = std::max(hi, v);
        }
        boxes << b;
    }
    if (n == 0)
        return c;
    hi *= 1.3; // room for the p50 labels right of the whiskers
    const double x0 = kLeft, x1 = c.width - kRight;
    const double bottom = kTop + r.rows.size() * kRowH;
    auto X = [&](double v) { return x0 + v / hi * (x1 - x0); };
    valueAxis(c, x0, x1, kTop, bottom, 0, hi, QStringLiteral("ms per inference"));
    for (int i = 0; i < r.rows.size(); ++i) {
        const Box& b = boxes[i];
        const double y = kTop + i * kRowH, mid = y + kRowH / 2;
        c.items << text({x0 - 8, y + 17}, elide(r.rows[i].label, kLeft - 16), ChartItem::Anchor::End);
        if (!std::isfinite(b.p50)) {
            c.items << text({x0 + 4, y + 17}, QStringLiteral("not measured"), ChartItem::Anchor::Start, 9);
            continue;
        }
        const QString color = rowColor(i);
        if (std::isfinite(b.p1) && std::isfinite(b.p99))
            c.items << line({X(b.p1), mid}, {X(b.p99), mid}, color, 1.5);
        else if (std::isfinite(b.p99))
            c.items << line({X(b.p50), mid}, {X(b.p99), mid}, color, 1.5, true);
        if (std::isfinite(b.p25) && std::isfinite(b.p75))
            c.items << rect({X(b.p25), y + 6}, {std::max(X(b.p75), X(b.p25) + 1), y + kRowH - 6}, color, color);
        c.items << line({X(b.p50), y + 3}, {X(b.p50), y + kRowH - 3}, kText, 2);
        if (std::isfinite(b.p99))
            c.items << line({X(b.p99), y + 8}, {X(b.p99), y + kRowH - 8}, color, 1.5);
        c.items << text({X(std::isfinite(b.p99) ? b.p99 : b.p50) + 6, y + 17}, QStringLiteral("p50 %1 ms").arg(b.p50, 0, 'g', 3),
                        ChartItem::Anchor::Start, 9);
    }
    c.height = bottom + 40;
    return c;
}

Chart memoryChart(const Report& r)
{
    Chart c;
    c.id = QStringLiteral("memory");
    c.title = QStringLiteral("Memory over time");
    c.caption = QStringLiteral("Resident set (anonymous + file-backed) of each run from its start; the highest sample is its peak.");
    double tMax = 0, yMax = 0;
    int n = 0;
    for (const ReportRow& row : r.rows) {
        const MemoryTimeline& m = row.run.memory;
        if (m.isEmpty())
            continue;
        ++n;
        tMax = std::max(tMax, double(m.tUs.last()) / 1e6);
        yMax = std::max(yMax, double(m.peak()) / (1024.0 * 1024.0));
    }
    if (n == 0)
        return c;
    yMax *= 1.08;
    if (!(tMax > 0))
        tMax = 1;
    const double x0 = 70, x1 = c.width - kRight, top = kTop, bottom = 250;
    auto X = [&](double t) { return x0 + t / tMax * (x1 - x0); };
    auto Y = [&](double mb) { return bottom - mb / yMax * (bottom - top); };
    for (double t : ticks(0, yMax)) {
        c.items << line({x0, Y(t)}, {x1, Y(t)}, kGrid);
        c.items << text({x0 - 6, Y(t) + 3}, tickText(t), ChartItem::Anchor::End, 9);
    }
    ChartItem yTitle = text({18, (top + bottom) / 2}, QStringLiteral("MiB"), ChartItem::Anchor::Middle, 9);
    yTitle.rotate = -90;
    c.items << yTitle;
    valueAxis(c, x0, x1, top, bottom, 0, tMax, QStringLiteral("seconds since the run started"));
    c.items << line({x0, top}, {x0, bottom}, kAxis);
    // At most ~600 points per run: the highest sample of each slice, so that peaks stay visible.
    constexpr int kBuckets = 600;
    double legendY = bottom + 50;
    for (int i = 0; i < r.rows.size(); ++i) {
        const MemoryTimeline& m = r.rows[i].run.memory;
        if (m.isEmpty())
            continue;
        ChartItem poly;
        poly.kind = ChartItem::Kind::Polyline;
        poly.stroke = rowColor(i);
        poly.width = 1.5;
        const int per = std::max(1, (m.size() + kBuckets - 1) / kBuckets);
        for (int s = 0; s < m.size(); s += per) {
            qint64 best = -1;
            int at = s;
            for (int k = s; k < std::min(m.size(), s + per); ++k) {
                if (m.rssAt(k) > best) {
                    best = m.rssAt(k);
                    at = k;
                }
            }
            poly.points << QPointF(X(double(m.tUs[at]) / 1e6), Y(double(best) / (1024.0 * 1024.0)));
        }
        c.items << poly;
        c.items << line({x0, legendY - 4}, {x0 + 24, legendY - 4}, rowColor(i), 3);
        c.items << text({x0 + 30, legendY}, elide(r.rows[i].label, 400) + QStringLiteral(" (peak %1 MiB)").arg(double(m.peak()) / (1024.0 * 1024.0), 0, 'f', 1), ChartItem::Anchor::Start, 9);
        legendY += 16;
    }
    c.height = legendY + 4;
    return c;
}

Chart tradeoffChart(const Report& r)
{
    Chart c;
    c.id = QStringLiteral("tradeoff");
    bool useTop1 = false;
    for (const ReportRow& row : r.rows)
        useTop1 = useTop1 || (std::isfinite(row.top1) && std::isfinite(row.p50Ms));
    auto acc = [&](const ReportRow& row) { return useTop1 ? row.top1 : row.cosine; };
    c.title = useTop1 ? QStringLiteral("Accuracy vs latency") : QStringLiteral("Fidelity vs latency");
    c.caption = useTop1 ? QStringLiteral("Top-1 accuracy against median latency: up and to the left is better.")
                        : QStringLiteral("Cosine similarity of the outputs to FP32 against median latency: up and to the left is better.");
    double xHi = 0, yLo = 1e300, yHi = -1e300;
    int n = 0;
    for (const ReportRow& row : r.rows) {
        if (!std::isfinite(acc(row)) || !std::isfinite(row.p50Ms))
            continue;
        ++n;
        xHi = std::max(xHi, row.p50Ms);
        yLo = std::min(yLo, acc(row));
        yHi = std::max(yHi, acc(row));
    }
    if (n == 0)
        return c;
    xHi *= 1.15;
    const double span = std::max(yHi - yLo, useTop1 ? 1.0 : 0.001);
    yLo -= span * 0.15;
    yHi += span * 0.15;
    const double x0 = 70, x1 = c.width - kRight, top = kTop, bottom = 250;
    auto X = [&](double v) { return x0 + v / xHi * (x1 - x0); };
    auto Y = [&](double v) { return bottom - (v - yLo) / (yHi - yLo) * (bottom - top); };
    for (double t : ticks(yLo, yHi)) {
        c.items << line({x0, Y(t)}, {x1, Y(t)}, kGrid);
        c.items << text({x0 - 6, Y(t) + 3}, tickText(t), ChartItem::Anchor::End, 9);
    }
    ChartItem yTitle = text({18, (top + bottom) / 2}, useTop1 ? QStringLiteral("top-1 %") : QStringLiteral("cosine"),
                            ChartItem::Anchor::Middle, 9);
    yTitle.rotate = -90;
    c.items << yTitle;
    valueAxis(c, x0, x1, top, bottom, 0, xHi, QStringLiteral("median latency, ms"));
    c.items << line({x0, top}, {x0, bottom}, kAxis);
    for (int i = 0; i < r.rows.size(); ++i) {
        const ReportRow& row = r.rows[i];
        if (!std::isfinite(acc(row)) || !std::isfinite(row.p50Ms))
            continue;
        ChartItem dot;
        dot.kind = ChartItem::Kind::Circle;
        dot.points = {QPointF(X(row.p50Ms), Y(acc(row)))};
        dot.fill = rowColor(i);
        dot.stroke = kText;
        dot.radius = 5;
        c.items << dot;
        const bool right = X(row.p50Ms) < (x0 + x1) / 2;
        c.items << text({X(row.p50Ms) + (right ? 8 : -8), Y(acc(row)) - 7}, elide(row.label, 260, 9),
                        right ? ChartItem::Anchor::Start : ChartItem::Anchor::End, 9);
    }
    c.height = bottom + 40;
    return c;
}

} // namespace

QString rowColor(int index)
{
    // The baseline in grey, the others in colours distinguishable by colour-blind readers (Okabe-Ito).
    static const char* const palette[] = {"#7f7f7f", "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000"};
    return QLatin1String(palette[index % int(std::size(palette))]);
}

QVector<Chart> buildCharts(const Report& report, QStringList* skipped)
{
    QVector<Chart> charts;
    if (report.rows.isEmpty())
        return charts;
    const struct
    {
        Chart (*build)(const Report&);
        const char* why;
    } kinds[] = {
        {sizeChart, "No run has a known file size: no size chart."},
        {latencyChart, "No run measured latency: no latency chart."},
        {memoryChart, "No run sampled memory over time: no memory chart."},
        {tradeoffChart, "No run has both accuracy (or fidelity) and latency: no accuracy vs latency chart."},
    };
    for (const auto& k : kinds) {
        Chart c = k.build(report);
        if (!c.items.isEmpty())
            charts << c;
        else if (skipped)
            *skipped << QString::fromLatin1(k.why);
    }
    return charts;
}

} // namespace qs::report
