// SPDX-License-Identifier: GPL-3.0-or-later
#include "sensitivityplot.h"

#include "plots/chartpalette.h"
#include "plots/plotitems_p.h"

#include <qcustomplot.h>

namespace qs::plots {

SensitivityPlot::SensitivityPlot(QWidget* parent) : ChartWidget(parent)
{
    setTitle(tr("Per-layer sensitivity"));
    setEmptyText(tr("Run a sensitivity analysis to rank the layers by what quantizing each costs."));
    QCustomPlot* p = plot();
    m_quantized = new QCPBars(p->yAxis, p->xAxis);
    m_quantized->setName(tr("quantized"));
    m_kept = new QCPBars(p->yAxis, p->xAxis);
    m_kept->setName(tr("kept in FP32 by the fallback"));
    for (QCPBars* b : {m_quantized, m_kept})
        b->setWidth(0.65);
    p->yAxis->grid()->setVisible(false);
    p->axisRect()->setRangeDrag(Qt::Vertical);
    p->axisRect()->setRangeZoom(Qt::Vertical);
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    applyPalette();
}

void SensitivityPlot::setScores(const QVector<LayerScore>& scores, const MetricSpec& spec)
{
    m_spec = spec;
    m_scores = scores;
    std::stable_sort(m_scores.begin(), m_scores.end(), [](const LayerScore& a, const LayerScore& b) { return a.value < b.value; });
    QVector<double> qk, qv, kk, kv;
    QStringList labels;
    for (int i = 0; i < m_scores.size(); ++i) {
        const LayerScore& s = m_scores[i];
        (s.keptFp32 ? kk : qk) << i + 1;
        (s.keptFp32 ? kv : qv) << s.value;
        labels << QStringLiteral("%1 (%2)").arg(s.layer, s.type);
    }
    m_quantized->setData(qk, qv, true);
    m_kept->setData(kk, kv, true);
    m_kept->setVisible(!kk.isEmpty());
    m_kept->addToLegend();
    if (kk.isEmpty())
        m_kept->removeFromLegend();
    // The legend only tells the two kinds of bars apart; it sits on the side the bars leave free.
    plot()->legend->setVisible(!kk.isEmpty());
    bool anyPositive = false;
    for (const LayerScore& s : m_scores)
        anyPositive = anyPositive || s.value > 0;
    plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | (anyPositive ? Qt::AlignRight : Qt::AlignLeft));
    plot()->yAxis->setTicker(detail::categoryTicker(labels));
    plot()->xAxis->setLabel(spec.title);
    setEmpty(m_scores.isEmpty());
    rescale();
    plot()->replot();
}

void SensitivityPlot::rescale()
{
    double lo = 0, hi = 0;
    for (const LayerScore& s : m_scores) {
        lo = std::min(lo, s.value);
        hi = std::max(hi, s.value);
    }
    const double span = std::max(hi - lo, 1e-6);
    plot()->xAxis->setRange(lo - (lo < 0 ? span * 0.08 : 0), hi + span * 0.08);
    plot()->yAxis->setRange(0.4, m_scores.size() + 0.6);
}

QString SensitivityPlot::toolTipAt(const QPoint& pos) const
{
    const double key = plot()->yAxis->pixelToCoord(pos.y());
    const int i = int(std::lround(key)) - 1;
    if (i < 0 || i >= m_scores.size() || std::abs(key - (i + 1)) > 0.4)
        return {};
    const LayerScore& s = m_scores[i];
    QString tip = tr("<b>%1</b> (%2)<br>%3: %4").arg(s.layer.toHtmlEscaped(), s.type, m_spec.title, formatValue(s.value, m_spec.unit));
    if (s.keptFp32)
        tip += tr("<br>kept in FP32 by the fallback");
    if (!s.note.isEmpty())
        tip += QStringLiteral("<br>") + s.note.toHtmlEscaped();
    return tip;
}

void SensitivityPlot::applyPalette()
{
    ChartWidget::applyPalette();
    if (!m_quantized)
        return;
    for (auto [bars, c] : {std::pair{m_quantized, seriesColor(0)}, std::pair{m_kept, seriesColor(3)}}) {
        bars->setPen(QPen(c.darker(120)));
        bars->setBrush(c);
    }
    scheduleReplot();
}

} // namespace qs::plots
