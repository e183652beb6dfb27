// SPDX-License-Identifier: GPL-3.0-or-later
#include "latencyhistogramplot.h"

#include "plots/chartpalette.h"
#include "plots/metricformat.h"
#include "plots/plotitems_p.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace qs::plots {

LatencyHistogramPlot::LatencyHistogramPlot(QWidget* parent) : ChartWidget(parent)
{
    setTitle(tr("Latency distribution"));
    setEmptyText(tr("The latency histogram fills in during the steady state."));
    QCustomPlot* p = plot();
    m_bars = new QCPBars(p->xAxis, p->yAxis);
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    p->xAxis->setLabel(tr("latency (ms)"));
    p->yAxis->setLabel(tr("forwards"));
    p->axisRect()->setRangeZoom(Qt::Horizontal);
    p->axisRect()->setRangeDrag(Qt::Horizontal);
    m_p50Line = detail::addVerticalMarker(p, 0, tr("p50"), textColor(palette()), Qt::SolidLine, &m_p50Label);
    m_p99Line = detail::addVerticalMarker(p, 0, tr("p99"), textColor(palette()), Qt::DashLine, &m_p99Label);
    m_note = new QCPItemText(p);
    m_note->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_note->position->setCoords(1.0, 0.09);
    m_note->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    applyPalette();
    clear();
}

void LatencyHistogramPlot::clear()
{
    m_samples.clear();
    m_bins.clear();
    m_overflow = 0;
    m_dirty = false;
    m_bars->data()->clear();
    setEmpty(true);
    scheduleReplot();
}

void LatencyHistogramPlot::addSamples(const QVector<double>& ms)
{
    if (ms.isEmpty())
        return;
    m_samples += ms;
    m_dirty = true;
    setEmpty(false);
    scheduleReplot();
}

void LatencyHistogramPlot::setSamples(const QVector<double>& ms)
{
    m_samples = ms;
    m_dirty = true;
    setEmpty(ms.isEmpty());
    // Bins now (callers read them), the drawing with the next scheduled redraw.
    prepareReplot();
    scheduleReplot();
}

void LatencyHistogramPlot::prepareReplot()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    QVector<double> sorted = m_samples;
    std::sort(sorted.begin(), sorted.end());
    m_bins.clear();
    m_overflow = 0;
    if (sorted.isEmpty())
        return;
    m_p50 = detail::percentileSorted(sorted, 0.50);
    m_p99 = detail::percentileSorted(sorted, 0.99);
    const double lo = sorted.first();
    // The bulk decides the range: up to the 99.5th percentile, but no further than far outliers
    // (q3 + 5 IQR), or a few preempted forwards on a busy machine squash the shape into one bar.
    const double q1 = detail::percentileSorted(sorted, 0.25), q3 = detail::percentileSorted(sorted, 0.75);
    double hi = std::min(detail::percentileSorted(sorted, 0.995), q3 + 5 * std::max(q3 - q1, q3 * 0.01));
    if (hi <= lo)
        hi = lo + std::max(1e-3, lo * 0.01);
    // About sqrt(n) bins reads well from a few dozen samples to thousands.
    const int count = std::clamp(int(std::sqrt(double(sorted.size()))), 8, 60);
    const double width = (hi - lo) / count;
    m_bins.resize(count);
    for (int i = 0; i < count; ++i)
        m_bins[i] = {lo + i * width, lo + (i + 1) * width, 0};
    for (double v : sorted) {
        if (v > hi) {
            ++m_overflow;
            continue;
        }
        m_bins[std::min(count - 1, int((v - lo) / width))].count++;
    }
    QVector<double> keys, values;
    for (const Bin& b : m_bins) {
        keys << (b.lo + b.hi) / 2;
        values << b.count;
    }
    m_bars->setWidth(width * 0.92);
    m_bars->setData(keys, values, true);
    for (auto [line, label, value, name] : {std::tuple{m_p50Line, m_p50Label, m_p50, tr("p50 %1")},
                                            std::tuple{m_p99Line, m_p99Label, m_p99, tr("p99 %1")}}) {
        // A percentile beyond the range is drawn at its edge, with an arrow saying so.
        const bool beyond = value > hi;
        const double x = beyond ? hi : value;
        line->point1->setCoords(x, 0);
        line->point2->setCoords(x, 1);
        label->position->setCoords(x, 0);
        label->setPositionAlignment((beyond ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
        label->setText(name.arg(formatValue(value, Unit::Milliseconds)) + (beyond ? QStringLiteral(" →") : QString()));
    }
    m_note->setText(m_overflow > 0 ? tr("%1 beyond %2 not shown").arg(countText(m_overflow, tr("sample"), tr("samples")), formatValue(hi, Unit::Milliseconds))
                                   : countText(sorted.size(), tr("sample"), tr("samples")));
}

void LatencyHistogramPlot::rescale()
{
    if (m_bins.isEmpty())
        return;
    int maxCount = 1;
    for (const Bin& b : m_bins)
        maxCount = std::max(maxCount, b.count);
    const double w = m_bins.first().hi - m_bins.first().lo;
    plot()->xAxis->setRange(m_bins.first().lo - w, m_bins.last().hi + w);
    plot()->yAxis->setRange(0, maxCount * 1.18);
}

QString LatencyHistogramPlot::toolTipAt(const QPoint& pos) const
{
    const double x = plot()->xAxis->pixelToCoord(pos.x());
    for (const Bin& b : m_bins) {
        if (x >= b.lo && x < b.hi)
            return tr("%1 – %2<br><b>%3</b>")
                .arg(formatValue(b.lo, Unit::Milliseconds), formatValue(b.hi, Unit::Milliseconds), countText(b.count, tr("forward"), tr("forwards")));
    }
    return {};
}

void LatencyHistogramPlot::applyPalette()
{
    ChartWidget::applyPalette();
    if (!m_bars)
        return;
    const QColor c = seriesColor(0);
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(c);
    const QColor text = textColor(palette());
    for (QCPItemStraightLine* l : {m_p50Line, m_p99Line})
        l->setPen(QPen(text, 1, l->pen().style()));
    for (QCPItemText* t : {m_p50Label, m_p99Label, m_note})
        t->setColor(text);
    scheduleReplot();
}

} // namespace qs::plots
