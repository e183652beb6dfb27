// SPDX-License-Identifier: GPL-3.0-or-later
#include "latencytimelineplot.h"

#include "plots/chartpalette.h"
#include "plots/metricformat.h"
#include "plots/plotitems_p.h"

#include <qcustomplot.h>

namespace qs::plots {

LatencyTimelinePlot::LatencyTimelinePlot(QWidget* parent) : ChartWidget(parent)
{
    setTitle(tr("Latency over time"));
    setEmptyText(tr("Each forward's latency appears here as the run goes."));
    QCustomPlot* p = plot();
    m_warmup = p->addGraph();
    m_warmup->setName(tr("warmup"));
    m_steady = p->addGraph();
    m_steady->setName(tr("steady state"));
    for (QCPGraph* g : {m_warmup, m_steady}) {
        g->setLineStyle(QCPGraph::lsLine);
        g->setAdaptiveSampling(true);
    }
    p->xAxis->setLabel(tr("forward #"));
    p->yAxis->setLabel(tr("latency (ms)"));
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    applyPalette();
    clear();
}

void LatencyTimelinePlot::clear()
{
    m_warmup->data()->clear();
    m_steady->data()->clear();
    m_warmupCount = m_steadyCount = 0;
    m_sortedCache.clear();
    setEmpty(true);
    scheduleReplot();
}

void LatencyTimelinePlot::append(QCPGraph* graph, const QVector<double>& ms)
{
    if (ms.isEmpty())
        return;
    QVector<double> keys;
    keys.reserve(ms.size());
    const int first = m_warmupCount + m_steadyCount + 1;
    for (int i = 0; i < ms.size(); ++i)
        keys << first + i;
    graph->addData(keys, ms, true);
    // Only a subsample feeds the y range: enough for a robust 99th percentile at any length.
    const int stride = std::max(1, int((m_warmupCount + m_steadyCount) / 2000));
    for (int i = 0; i < ms.size(); i += stride)
        m_sortedCache.insert(std::upper_bound(m_sortedCache.begin(), m_sortedCache.end(), ms[i]), ms[i]);
    setEmpty(false);
}

void LatencyTimelinePlot::addWarmup(const QVector<double>& ms)
{
    append(m_warmup, ms);
    m_warmupCount += int(ms.size());
    scheduleReplot();
}

void LatencyTimelinePlot::addSteady(const QVector<double>& ms)
{
    append(m_steady, ms);
    m_steadyCount += int(ms.size());
    scheduleReplot();
}

void LatencyTimelinePlot::setSamples(const QVector<double>& warmupMs, const QVector<double>& steadyMs)
{
    clear();
    append(m_warmup, warmupMs);
    m_warmupCount = int(warmupMs.size());
    append(m_steady, steadyMs);
    m_steadyCount = int(steadyMs.size());
    scheduleReplot();
}

void LatencyTimelinePlot::rescale()
{
    const int n = m_warmupCount + m_steadyCount;
    if (n == 0)
        return;
    plot()->xAxis->setRange(0, std::max(10, n) * 1.02);
    // The first forwards can be 100x slower than the rest, and a busy machine preempts a few:
    // scale to the bulk (far outliers run off the top; zoom out to see them).
    const double q1 = detail::percentileSorted(m_sortedCache, 0.25), q3 = detail::percentileSorted(m_sortedCache, 0.75);
    const double top = std::min(detail::percentileSorted(m_sortedCache, 0.99) * 1.3, q3 + 8 * std::max(q3 - q1, q3 * 0.02));
    plot()->yAxis->setRange(0, std::isfinite(top) && top > 0 ? top : 1.0);
}

QString LatencyTimelinePlot::toolTipAt(const QPoint& pos) const
{
    const int i = int(std::lround(plot()->xAxis->pixelToCoord(pos.x())));
    for (QCPGraph* g : {m_warmup, m_steady}) {
        auto it = g->data()->findBegin(i, false);
        if (it != g->data()->constEnd() && int(it->key) == i) {
            const double py = plot()->yAxis->coordToPixel(it->value);
            if (std::abs(py - pos.y()) < 40)
                return tr("forward %1 (%2)<br><b>%3</b>").arg(i).arg(g->name(), formatValue(it->value, Unit::Milliseconds));
        }
    }
    return {};
}

void LatencyTimelinePlot::applyPalette()
{
    ChartWidget::applyPalette();
    if (!m_steady)
        return;
    m_warmup->setPen(QPen(baselineColor(palette()), 1));
    m_steady->setPen(QPen(seriesColor(0), 1));
    scheduleReplot();
}

} // namespace qs::plots
