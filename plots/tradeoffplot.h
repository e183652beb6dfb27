// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plots/chartwidget.h"
#include "plots/metricformat.h"

#include <QtCore/QVector>

class QCPItemText;

namespace qs::plots {

/// \brief One variant in a trade-off chart.
struct TradeoffPoint
{
    QString label;
    double x = 0;
    double y = 0;
    bool baseline = false;
    bool noisy = false;
    /// seriesColor() index, so that a variant keeps its bar charts' colour when points without
    /// both figures are left out; -1: the next colour.
    int color = -1;
};

/// \brief Two figures against each other (accuracy vs latency, size vs accuracy), one point per
/// variant, with the Pareto front: the variants no other variant beats on both figures.
class TradeoffPlot : public ChartWidget
{
    Q_OBJECT
public:
    explicit TradeoffPlot(QWidget* parent = nullptr);

    /// The axes: which figure, and for each whether lower is better.
    void setAxes(const MetricSpec& x, const MetricSpec& y);
    void setPoints(const QVector<TradeoffPoint>& points);
    const QVector<TradeoffPoint>& points() const { return m_points; }
    /// Indices of the points on the Pareto front, in x order.
    QVector<int> front() const { return m_front; }

    /// Indices of the non-dominated points of \a points for the given directions, in x order.
    static QVector<int> paretoFront(const QVector<TradeoffPoint>& points, bool xLowerIsBetter, bool yLowerIsBetter);

protected:
    void rescale() override;
    QString toolTipAt(const QPoint& pos) const override;
    void applyPalette() override;

private:
    void rebuild();
    void placeLabels();

    MetricSpec m_x;
    MetricSpec m_y;
    QVector<TradeoffPoint> m_points;
    QVector<int> m_front;
    QVector<QCPItemText*> m_labels; ///< one per point, placed by placeLabels()
};

} // namespace qs::plots
