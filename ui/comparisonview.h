// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/report/report.h"

#include <QtWidgets/QScrollArea>

class QLabel;
class QTreeWidget;

namespace qs::plots {
class ChartWidget;
class MetricBarPlot;
class TradeoffPlot;
class MemoryTimelinePlot;
} // namespace qs::plots

namespace qs::ui {

class MessageBanner;

/// \brief The charts of one comparison (a Report): verdicts, side-by-side bars of every figure
/// with its ratio to the baseline, the accuracy trade-offs with their Pareto fronts, memory
/// timelines overlaid, and what differs between the runs' environments.
class ComparisonView : public QScrollArea
{
    Q_OBJECT
public:
    enum Figure { Size, Latency, Throughput, PeakMemory, Cpu, Accuracy, FigureCount };

    explicit ComparisonView(QWidget* parent = nullptr);

    void setReport(const Report& report);
    const Report& report() const { return m_report; }
    void clear();

    plots::MetricBarPlot* bars(Figure figure) const { return m_bars[figure]; }
    plots::TradeoffPlot* accuracyVsLatency() const { return m_accuracyLatency; }
    plots::TradeoffPlot* sizeVsAccuracy() const { return m_sizeAccuracy; }
    plots::MemoryTimelinePlot* memory() const { return m_memory; }
    QTreeWidget* differences() const { return m_differences; }
    /// Every chart, in the order the page shows them (reports, screenshots).
    QList<plots::ChartWidget*> charts() const;

private:
    void showVerdicts();
    void showBars();
    void showTradeoffs();
    void showMemory();
    void showDifferences();

    Report m_report;
    QLabel* m_title;
    QLabel* m_verdicts;
    MessageBanner* m_banner;
    plots::MetricBarPlot* m_bars[FigureCount];
    plots::TradeoffPlot* m_accuracyLatency;
    plots::TradeoffPlot* m_sizeAccuracy;
    plots::MemoryTimelinePlot* m_memory;
    QTreeWidget* m_differences;
};

} // namespace qs::ui
