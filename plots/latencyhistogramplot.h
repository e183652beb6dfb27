// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plots/chartwidget.h"

#include <QtCore/QVector>

class QCPBars;
class QCPItemStraightLine;
class QCPItemText;

namespace qs::plots {

/// \brief The distribution of a Run's steady-state latency samples, filling in while it runs,
/// with the median and p99 marked.
///
/// The range spans the fastest sample to the 99.5th percentile so that one slow outlier does not
/// squash the shape; samples beyond it are counted in the label.
class LatencyHistogramPlot : public ChartWidget
{
    Q_OBJECT
public:
    explicit LatencyHistogramPlot(QWidget* parent = nullptr);

    void clear();
    /// Adds steady-state samples (ms); the chart redraws a few times a second at most.
    void addSamples(const QVector<double>& ms);
    void setSamples(const QVector<double>& ms);
    int sampleCount() const { return int(m_samples.size()); }

    struct Bin
    {
        double lo = 0;
        double hi = 0;
        int count = 0;
    };
    /// The bins as last drawn (brought up to date by replotNow()).
    QVector<Bin> bins() const { return m_bins; }
    /// Samples beyond the last bin when last drawn.
    int overflow() const { return m_overflow; }

protected:
    void prepareReplot() override;
    void rescale() override;
    QString toolTipAt(const QPoint& pos) const override;
    void applyPalette() override;

private:
    QVector<double> m_samples;
    bool m_dirty = false;
    QVector<Bin> m_bins;
    int m_overflow = 0;
    double m_p50 = 0;
    double m_p99 = 0;
    QCPBars* m_bars = nullptr;
    QCPItemStraightLine* m_p50Line = nullptr;
    QCPItemStraightLine* m_p99Line = nullptr;
    QCPItemText* m_p50Label = nullptr;
    QCPItemText* m_p99Label = nullptr;
    QCPItemText* m_note = nullptr;
};

} // namespace qs::plots
