// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/runresult.h"

#include <QtWidgets/QWidget>

class QLabel;
class QTimer;

namespace qs::plots {
class LatencyHistogramPlot;
class LatencyTimelinePlot;
class MemoryTimelinePlot;
} // namespace qs::plots

namespace qs::ui {

/// \brief What a running benchmark looks like: the Run being measured, its phase, figures so
/// far, and its latency histogram, latency over time and memory timeline filling in.
///
/// Fed with the RunUpdates a BenchmarkJob streams (a few per second) and the RunResult at the
/// end. Charts redraw a few times a second at most and the figures are recomputed on a timer,
/// so a fast stream of updates never stalls the GUI thread.
class BenchmarkLiveView : public QWidget
{
    Q_OBJECT
public:
    explicit BenchmarkLiveView(QWidget* parent = nullptr);

    /// A new Run starts: clears the charts.
    void startRun(int index, int count, const RunConfig& config);
    void addUpdate(const RunUpdate& update);
    /// The Run ended: the charts show its full samples, the figures its statistics.
    void finishRun(const RunResult& result);
    /// Shows a stored run (e.g. picked from the session's list).
    void showResult(const RunResult& result);

    plots::LatencyHistogramPlot* histogram() const { return m_histogram; }
    plots::LatencyTimelinePlot* timeline() const { return m_timeline; }
    plots::MemoryTimelinePlot* memory() const { return m_memory; }
    /// The header line ("Run 2 of 6: …").
    QString headline() const;
    /// Steady-state samples received for the Run on show.
    int steadySamples() const { return int(m_steady.size()); }

private:
    void refreshFigures();
    void setFigure(int row, const QString& value);

    QLabel* m_header;
    QLabel* m_phase;
    QVector<QLabel*> m_figures;
    plots::LatencyHistogramPlot* m_histogram;
    plots::LatencyTimelinePlot* m_timeline;
    plots::MemoryTimelinePlot* m_memory;
    QTimer* m_figureTimer;
    RunConfig m_config;
    QVector<double> m_steady;
    qint64 m_peakBytes = -1;
    qint64 m_baselineBytes = -1;
    double m_elapsedMs = 0;
    bool m_dirty = false;
};

} // namespace qs::ui
