// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plots/chartwidget.h"

#include <QtCore/QVector>

class QCPGraph;

namespace qs::plots {

/// \brief Every forward's latency in the order it ran: warmup in grey, then the steady state.
/// Shows drift, periodic hiccups and a warmup that was too short at a glance.
class LatencyTimelinePlot : public ChartWidget
{
    Q_OBJECT
public:
    explicit LatencyTimelinePlot(QWidget* parent = nullptr);

    void clear();
    void addWarmup(const QVector<double>& ms);
    void addSteady(const QVector<double>& ms);
    /// A finished run at once.
    void setSamples(const QVector<double>& warmupMs, const QVector<double>& steadyMs);
    int warmupCount() const { return m_warmupCount; }
    int steadyCount() const { return m_steadyCount; }

protected:
    void rescale() override;
    QString toolTipAt(const QPoint& pos) const override;
    void applyPalette() override;

private:
    void append(QCPGraph* graph, const QVector<double>& ms);

    QCPGraph* m_warmup = nullptr;
    QCPGraph* m_steady = nullptr;
    int m_warmupCount = 0;
    int m_steadyCount = 0;
    QVector<double> m_sortedCache; ///< for the robust y range
};

} // namespace qs::plots
