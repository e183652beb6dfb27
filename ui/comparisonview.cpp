// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparisonview.h"

#include "ui/messagebanner.h"

#include "plots/memorytimelineplot.h"
#include "plots/metricformat.h"
#include "plots/metricbarplot.h"
#include "plots/tradeoffplot.h"

#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTreeWidget>
#include <QtWidgets/QVBoxLayout>

#include <cmath>

namespace qs::ui {

namespace {
using plots::MetricSpec;
using plots::Unit;

constexpr double kMiB = 1024.0 * 1024.0;

MetricSpec spec(const QString& title, Unit unit, bool lowerIsBetter, const QString& better, const QString& worse, bool byDifference = false)
{
    MetricSpec s;
    s.title = title;
    s.unit = unit;
    s.lowerIsBetter = lowerIsBetter;
    s.better = better;
    s.worse = worse;
    s.byDifference = byDifference;
    return s;
}

bool anyFinite(const QVector<ReportRow>& rows, double ReportRow::*field)
{
    return std::any_of(rows.begin(), rows.end(), [field](const ReportRow& r) { return std::isfinite(r.*field); });
}

/// Top-1 when any run has it, else the output fidelity (cosine to FP32). FP32 itself is the
/// reference of fidelity: its cosine is 1 by definition, not a measurement it lacks.
struct AccuracyFigure
{
    MetricSpec spec;
    double ReportRow::*field = nullptr;
    double valueOf(const ReportRow& r) const
    {
        const double v = r.*field;
        if (!std::isfinite(v) && field == &ReportRow::cosine && r.run.variant.scheme == QLatin1String("fp32"))
            return 1.0;
        return v;
    }
};

AccuracyFigure accuracyFigure(const QVector<ReportRow>& rows)
{
    if (anyFinite(rows, &ReportRow::top1) || !anyFinite(rows, &ReportRow::cosine))
        return {spec(ComparisonView::tr("Top-1 accuracy"), Unit::Percent, false, {}, {}, true), &ReportRow::top1};
    return {spec(ComparisonView::tr("Fidelity (cosine to FP32)"), Unit::Similarity, false, {}, {}, true), &ReportRow::cosine};
}

bool isNoisy(const ReportRow& r)
{
    return r.run.status != RunStatus::Complete || r.run.metric(metric::Noisy, 0) > 0;
}
} // namespace

ComparisonView::ComparisonView(QWidget* parent)
    : QScrollArea(parent)
    , m_title(new QLabel)
    , m_verdicts(new QLabel)
    , m_banner(new MessageBanner)
    , m_accuracyLatency(new plots::TradeoffPlot)
    , m_sizeAccuracy(new plots::TradeoffPlot)
    , m_memory(new plots::MemoryTimelinePlot)
    , m_differences(new QTreeWidget)
{
    setObjectName(QStringLiteral("comparisonView"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_title->setObjectName(QStringLiteral("comparisonTitle"));
    m_verdicts->setWordWrap(true);
    m_verdicts->setTextFormat(Qt::RichText);
    m_verdicts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdicts->setObjectName(QStringLiteral("comparisonVerdicts"));
    layout->addWidget(m_title);
    layout->addWidget(m_verdicts);
    layout->addWidget(m_banner);

    auto* grid = new QGridLayout;
    for (int i = 0; i < FigureCount; ++i) {
        m_bars[i] = new plots::MetricBarPlot;
        grid->addWidget(m_bars[i], i / 2, i % 2);
    }
    m_bars[Size]->setMetric(spec(tr("File size"), Unit::Bytes, true, tr("smaller"), tr("larger")));
    m_bars[Latency]->setMetric(spec(tr("p50 latency (whiskers: p90, p99)"), Unit::Milliseconds, true, tr("faster"), tr("slower")));
    m_bars[Throughput]->setMetric(spec(tr("Throughput"), Unit::PerSecond, false, tr("higher"), tr("lower")));
    m_bars[PeakMemory]->setMetric(spec(tr("Peak memory"), Unit::Bytes, true, tr("less"), tr("more")));
    m_bars[Cpu]->setMetric(spec(tr("CPU"), Unit::Percent, true, tr("less"), tr("more")));
    m_bars[Accuracy]->setMetric(accuracyFigure({}).spec);
    layout->addLayout(grid);

    auto* tradeoffs = new QHBoxLayout;
    for (plots::TradeoffPlot* t : {m_accuracyLatency, m_sizeAccuracy}) {
        t->setMinimumHeight(300);
        tradeoffs->addWidget(t);
    }
    layout->addLayout(tradeoffs);
    m_memory->setTitle(tr("Resident memory over time"));
    m_memory->setMinimumHeight(260);
    m_memory->setEmptyText(tr("None of these runs sampled its memory."));
    layout->addWidget(m_memory);

    auto* diffTitle = new QLabel(tr("<b>What differs from the baseline</b> (environment and configuration), and why a figure may not be trusted"));
    diffTitle->setWordWrap(true);
    layout->addWidget(diffTitle);
    m_differences->setObjectName(QStringLiteral("comparisonDifferences"));
    m_differences->setColumnCount(2);
    m_differences->setHeaderLabels({tr("Run"), tr("Difference")});
    m_differences->setRootIsDecorated(true);
    m_differences->setUniformRowHeights(true);
    m_differences->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_differences->header()->setStretchLastSection(true);
    m_differences->setMinimumHeight(160);
    layout->addWidget(m_differences);
    setWidget(content);
    clear();
}

QList<plots::ChartWidget*> ComparisonView::charts() const
{
    QList<plots::ChartWidget*> out;
    for (plots::MetricBarPlot* b : m_bars)
        out << b;
    out << m_accuracyLatency << m_sizeAccuracy << m_memory;
    return out;
}

void ComparisonView::clear()
{
    setReport(Report{});
}

void ComparisonView::setReport(const Report& report)
{
    m_report = report;
    m_title->setText(report.rows.isEmpty() ? tr("Pick a baseline and the runs to compare with it.") : report.title);
    showVerdicts();
    showBars();
    showTradeoffs();
    showMemory();
    showDifferences();
}

void ComparisonView::showVerdicts()
{
    QStringList items;
    for (const ReportRow& r : std::as_const(m_report.rows))
        items << QStringLiteral("<li>%1</li>").arg(r.verdict.toHtmlEscaped());
    for (const QString& n : std::as_const(m_report.notes))
        items << QStringLiteral("<li><i>%1</i></li>").arg(n.toHtmlEscaped());
    m_verdicts->setText(items.isEmpty() ? QString() : QStringLiteral("<ul style=\"margin-left: -20px\">%1</ul>").arg(items.join(QString())));
    m_verdicts->setVisible(!items.isEmpty());

    // What makes figures untrustworthy, said once before anyone reads a ratio; the details are
    // in the differences below and in each bar's tooltip.
    QStringList noisy;
    QStringList reasons;
    QSet<QString> seen;
    int differing = 0;
    for (const ReportRow& r : std::as_const(m_report.rows)) {
        if (isNoisy(r)) {
            noisy << r.label;
            for (const QString& n : r.noise) {
                // Machine-wide warnings ("the load average (18.8) is above...") come with every run,
                // their numbers differing a little: said once. Per-run spreads stay in the details.
                QString key = n;
                key.replace(QRegularExpression(QStringLiteral("[0-9.]+")), QStringLiteral("#"));
                if (!n.startsWith(QLatin1String("noisy:")) && !seen.contains(key)) {
                    seen << key;
                    reasons << n;
                }
            }
        }
        differing += r.environment.isEmpty() ? 0 : 1;
    }
    QStringList warnings;
    if (!noisy.isEmpty())
        warnings << tr("Noisy: %1. Small differences between these are not to be trusted (hatched bars).").arg(noisy.join(QStringLiteral(", ")));
    for (const QString& r : std::as_const(reasons))
        warnings << r;
    if (differing > 0)
        warnings << tr("%1 ran in another environment or configuration than the baseline: see the differences below.")
                        .arg(plots::countText(differing, tr("run"), tr("runs")));
    m_banner->setMessages(MessageBanner::Kind::Warning, warnings);
}

void ComparisonView::showBars()
{
    const AccuracyFigure accuracy = accuracyFigure(m_report.rows);
    m_bars[Accuracy]->setMetric(accuracy.spec);
    QVector<plots::MetricBar> bars[FigureCount];
    for (const ReportRow& r : std::as_const(m_report.rows)) {
        plots::MetricBar b;
        b.label = r.label;
        b.baseline = r.isBaseline;
        b.noisy = isNoisy(r);
        if (b.noisy && !r.noise.isEmpty())
            b.note = r.noise.join(QStringLiteral("; "));
        auto with = [&b](double v, double lo = qQNaN(), double hi = qQNaN()) {
            plots::MetricBar x = b;
            x.value = v;
            x.whiskerLow = lo;
            x.whiskerHigh = hi;
            return x;
        };
        bars[Size] << with(r.sizeBytes);
        bars[Latency] << with(r.p50Ms, r.run.metric(metric::LatencyP90Ms), r.p99Ms);
        bars[Throughput] << with(r.throughput);
        bars[PeakMemory] << with(r.peakMb * kMiB);
        bars[Cpu] << with(r.cpuPercent);
        plots::MetricBar acc = with(accuracy.valueOf(r));
        if (!std::isfinite(r.*accuracy.field) && std::isfinite(acc.value))
            acc.note = tr("the reference of fidelity: 1 by definition");
        else if (r.accuracyRunId > 0 && r.accuracyRunId != r.run.id)
            acc.note = tr("measured by run %1 of the same variant").arg(r.accuracyRunId);
        bars[Accuracy] << acc;
    }
    // A row per run: the charts grow with the comparison instead of squeezing its labels.
    const int rowHeight = fontMetrics().height() * 2 + 8;
    for (int i = 0; i < FigureCount; ++i) {
        m_bars[i]->setBars(bars[i]);
        m_bars[i]->setMinimumHeight(std::max(180, 90 + rowHeight * int(bars[i].size())));
    }
}

void ComparisonView::showTradeoffs()
{
    const AccuracyFigure accuracy = accuracyFigure(m_report.rows);
    const MetricSpec latency = m_bars[Latency]->metric();
    MetricSpec p50 = latency;
    p50.title = tr("p50 latency");
    m_accuracyLatency->setAxes(p50, accuracy.spec);
    m_sizeAccuracy->setAxes(m_bars[Size]->metric(), accuracy.spec);
    const QString noAccuracy = tr("No accuracy or fidelity recorded for these runs: quantizing with calibration data measures "
                                  "fidelity, `quantscope-cli eval` measures accuracy.");
    m_accuracyLatency->setEmptyText(noAccuracy);
    m_sizeAccuracy->setEmptyText(noAccuracy);
    m_bars[Accuracy]->setEmptyText(noAccuracy);
    QVector<plots::TradeoffPoint> byLatency, bySize;
    int color = 0;
    for (const ReportRow& r : std::as_const(m_report.rows)) {
        plots::TradeoffPoint p;
        p.label = r.label;
        p.baseline = r.isBaseline;
        p.noisy = isNoisy(r);
        p.color = r.isBaseline ? -1 : color++;
        p.y = accuracy.valueOf(r);
        p.x = r.p50Ms;
        byLatency << p;
        p.x = r.sizeBytes;
        bySize << p;
    }
    m_accuracyLatency->setPoints(byLatency);
    m_sizeAccuracy->setPoints(bySize);
}

void ComparisonView::showMemory()
{
    m_memory->clear();
    for (const ReportRow& r : std::as_const(m_report.rows)) {
        // Every run gets its series, sampled or not, so that colours match the bars.
        const int i = m_memory->addSeries(r.label, r.isBaseline);
        m_memory->append(i, r.run.memory);
    }
    m_memory->resetZoom();
}

void ComparisonView::showDifferences()
{
    m_differences->clear();
    const QColor warn = palette().color(QPalette::Highlight);
    for (const ReportRow& r : std::as_const(m_report.rows)) {
        if (r.isBaseline && r.noise.isEmpty())
            continue;
        auto* top = new QTreeWidgetItem(m_differences, {r.isBaseline ? tr("%1 (baseline)").arg(r.label) : r.label});
        if (r.environment.isEmpty() && r.noise.isEmpty()) {
            top->setText(1, tr("same environment and configuration as the baseline"));
            continue;
        }
        top->setText(1, tr("%1, %2").arg(plots::countText(r.environment.size(), tr("difference"), tr("differences")),
                                         plots::countText(r.noise.size(), tr("warning"), tr("warnings"))));
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(0, bold);
        for (const QString& d : r.environment) {
            auto* item = new QTreeWidgetItem(top, {tr("differs"), d});
            item->setForeground(0, warn);
            item->setToolTip(1, d);
        }
        for (const QString& n : r.noise) {
            auto* item = new QTreeWidgetItem(top, {tr("noise"), n});
            item->setForeground(0, warn);
            item->setToolTip(1, n);
        }
        top->setExpanded(true);
    }
    if (m_differences->topLevelItemCount() == 0 && !m_report.rows.isEmpty())
        new QTreeWidgetItem(m_differences, {tr("Nothing to compare with the baseline yet.")});
}

} // namespace qs::ui
