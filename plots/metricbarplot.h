// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plots/chartwidget.h"
#include "plots/metricformat.h"

#include <QtCore/QVector>

#include <limits>

class QCPBars;
class QCPErrorBars;
class QCPItemText;

namespace qs::plots {

/// \brief One variant's figure in a comparison.
struct MetricBar
{
    QString label;       ///< "static-int8 (onednn) b1 t1"
    double value = std::numeric_limits<double>::quiet_NaN();
    /// Optional whiskers above the bar (latency: p90 and p99 over a p50 bar).
    double whiskerLow = std::numeric_limits<double>::quiet_NaN();
    double whiskerHigh = std::numeric_limits<double>::quiet_NaN();
    bool baseline = false;
    bool noisy = false;  ///< hatched, and said so in the label
    QString note;        ///< extra tooltip line
};

/// \brief Side-by-side bars of one figure (file size, p50 latency, throughput, peak memory,
/// CPU %, accuracy...) for a baseline and its variants, each labelled with its value and its
/// ratio to the baseline ("2.1× faster"). Latency bars carry p90/p99 whiskers. Bars lie
/// horizontally, one row per variant, the baseline on top.
class MetricBarPlot : public ChartWidget
{
    Q_OBJECT
public:
    explicit MetricBarPlot(QWidget* parent = nullptr);

    void setMetric(const MetricSpec& spec);
    const MetricSpec& metric() const { return m_spec; }
    /// Shows \a bars left to right; the first one marked baseline is the reference of the ratios.
    void setBars(const QVector<MetricBar>& bars);
    const QVector<MetricBar>& bars() const { return m_bars; }
    /// The label written at the end of bar \a i ("1.23 ms · 2.10× faster").
    QString barLabel(int i) const;

protected:
    void rescale() override;
    QString toolTipAt(const QPoint& pos) const override;
    void applyPalette() override;

private:
    void rebuild();
    int baselineIndex() const;

    MetricSpec m_spec;
    QVector<MetricBar> m_bars;
    QVector<QCPItemText*> m_labels; ///< one per bar, placed by rescale()
};

} // namespace qs::plots
