// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plots/chartwidget.h"
#include "plots/metricformat.h"

#include <QtCore/QVector>

class QCPBars;

namespace qs::plots {

/// \brief How much one layer costs when it alone is quantized.
struct LayerScore
{
    QString layer; ///< "features.0"
    QString type;  ///< "Conv2d"
    double value = 0; ///< the drop (accuracy points, or fidelity lost); larger = more sensitive
    bool keptFp32 = false; ///< the fallback keeps it in FP32
    QString note;
};

/// \brief Per-layer sensitivity: layers ranked by what quantizing each alone costs, the most
/// sensitive on top; layers the accuracy-aware fallback keeps in FP32 are highlighted.
class SensitivityPlot : public ChartWidget
{
    Q_OBJECT
public:
    explicit SensitivityPlot(QWidget* parent = nullptr);

    void setScores(const QVector<LayerScore>& scores, const MetricSpec& spec);
    /// As plotted, bottom to top (the most sensitive last).
    const QVector<LayerScore>& scores() const { return m_scores; }

protected:
    void rescale() override;
    QString toolTipAt(const QPoint& pos) const override;
    void applyPalette() override;

private:
    MetricSpec m_spec;
    QVector<LayerScore> m_scores;
    QCPBars* m_quantized = nullptr;
    QCPBars* m_kept = nullptr;
};

} // namespace qs::plots
