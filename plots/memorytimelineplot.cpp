// SPDX-License-Identifier: GPL-3.0-or-later
#include "memorytimelineplot.h"

#include "plots/chartpalette.h"
#include "plots/metricformat.h"
#include "plots/plotitems_p.h"

#include <qcustomplot.h>

namespace qs::plots {

namespace {
constexpr double kMB = 1e6;
} // namespace

MemoryTimelinePlot::MemoryTimelinePlot(QWidget* parent) : ChartWidget(parent)
{
    setTitle(tr("Memory over time"));
    setEmptyText(tr("Resident memory appears here while a run measures."));
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("time (s)"));
    p->yAxis->setLabel(tr("resident memory (MB)"));
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    applyPalette();
}

void MemoryTimelinePlot::clear()
{
    QCustomPlot* p = plot();
    p->clearGraphs();
    p->clearItems();
    m_series.clear();
    m_markerItems.clear();
    setEmpty(true);
    scheduleReplot();
}

QColor MemoryTimelinePlot::colorOf(int index) const
{
    const Series& s = m_series[index];
    if (s.baseline)
        return baselineColor(palette());
    // Colours skip the baseline's so that variant colours match the bar charts' order.
    int n = 0;
    for (int i = 0; i < index; ++i)
        n += m_series[i].baseline ? 0 : 1;
    return seriesColor(n);
}

int MemoryTimelinePlot::addSeries(const QString& label, bool baseline)
{
    QCustomPlot* p = plot();
    Series s;
    s.label = label;
    s.baseline = baseline;
    s.rss = p->addGraph();
    s.rss->setName(label);
    s.rss->setAdaptiveSampling(true);
    s.peak = new QCPItemTracer(p); // attached to its graph once it has data
    s.peak->setStyle(QCPItemTracer::tsCircle);
    s.peak->setSize(7);
    s.peak->setVisible(false);
    s.peakLabel = new QCPItemText(p);
    s.peakLabel->position->setParentAnchor(s.peak->position);
    s.peakLabel->position->setCoords(0, -4);
    s.peakLabel->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    s.peakLabel->setVisible(false);
    m_series << s;
    // A second series turns a single-run chart into an overlay: drop the detail lines.
    if (m_series.size() == 2 && m_series[0].anon) {
        p->removeGraph(m_series[0].anon);
        m_series[0].anon = nullptr;
        for (QCPAbstractItem* item : std::as_const(m_markerItems))
            p->removeItem(item);
        m_markerItems.clear();
    }
    if (m_series.size() == 1) {
        m_series[0].anon = p->addGraph();
        m_series[0].anon->setName(tr("anonymous (heap, tensors)"));
        m_series[0].anon->setAdaptiveSampling(true);
    }
    applyPalette();
    return int(m_series.size()) - 1;
}

void MemoryTimelinePlot::append(int index, const MemoryTimeline& chunk)
{
    if (index < 0 || index >= m_series.size())
        return;
    Series& s = m_series[index];
    QVector<double> t, rss, anon;
    t.reserve(chunk.size());
    rss.reserve(chunk.size());
    for (int i = 0; i < chunk.size(); ++i) {
        const double ms = chunk.tUs[i] / 1000.0;
        const qint64 r = chunk.rssAt(i);
        t << ms / 1000.0;
        rss << r / kMB;
        anon << chunk.anonBytes[i] / kMB;
        if (r > s.peakBytes) {
            s.peakBytes = r;
            s.peakMs = ms;
        }
    }
    s.rss->addData(t, rss, true);
    if (s.anon)
        s.anon->addData(t, anon, true);
    s.markers += chunk.markers;
    if (!chunk.isEmpty())
        setEmpty(false);
    scheduleReplot();
}

void MemoryTimelinePlot::setTimeline(const QString& label, const MemoryTimeline& timeline)
{
    clear();
    append(addSeries(label), timeline);
    prepareReplot();
}

void MemoryTimelinePlot::placeLegend(bool outside)
{
    QCustomPlot* p = plot();
    QCPLayoutInset* inset = p->axisRect()->insetLayout();
    const bool isOutside = p->plotLayout()->rowCount() > 1;
    if (outside == isOutside)
        return;
    if (outside) {
        // Below the chart, two entries a row: as wide as the chart, as tall as its entries.
        inset->take(p->legend);
        auto* below = new QCPLayoutGrid;
        p->plotLayout()->addElement(1, 0, below);
        p->plotLayout()->setRowStretchFactor(1, 0.001);
        below->setMargins(QMargins(4, 0, 4, 4));
        below->addElement(0, 0, p->legend);
        p->legend->setWrap(2);
        p->legend->setFillOrder(QCPLegend::foColumnsFirst, true);
    } else {
        auto* below = qobject_cast<QCPLayoutGrid*>(p->plotLayout()->element(1, 0));
        below->take(p->legend);
        p->plotLayout()->remove(below);
        p->plotLayout()->simplify();
        p->legend->setWrap(0);
        p->legend->setFillOrder(QCPLegend::foRowsFirst, true);
        inset->addElement(p->legend, Qt::AlignBottom | Qt::AlignRight);
    }
}

qint64 MemoryTimelinePlot::peakBytes(int index) const
{
    return index >= 0 && index < m_series.size() ? m_series[index].peakBytes : -1;
}

void MemoryTimelinePlot::prepareReplot()
{
    // Overlaid runs peak at nearly the same height: their peak labels would pile up, so the
    // legend carries each run's peak instead, beside the chart where it hides no line.
    const bool overlay = m_series.size() > 1;
    placeLegend(overlay);
    for (Series& s : m_series) {
        if (s.peakBytes < 0)
            continue;
        const QString peak = tr("peak %1").arg(formatValue(double(s.peakBytes), Unit::Bytes));
        s.peak->setGraph(s.rss);
        s.peak->setGraphKey(s.peakMs / 1000.0);
        s.peak->setVisible(true);
        s.peakLabel->setText(peak);
        s.peakLabel->setVisible(!overlay);
        s.rss->setName(overlay ? QStringLiteral("%1 · %2").arg(s.label, peak) : s.label);
    }
    // Phase markers: single-run charts only (an overlay of several runs' phases is unreadable).
    if (m_series.size() != 1)
        return;
    Series& s = m_series[0];
    const QColor text = textColor(palette());
    for (; s.drawnMarkers < s.markers.size(); ++s.drawnMarkers) {
        const MemoryMarker& m = s.markers[s.drawnMarkers];
        QCPItemText* label = nullptr;
        m_markerItems << detail::addVerticalMarker(plot(), m.tMs / 1000.0, phaseTitle(m.phase), text, Qt::DotLine, &label);
        // Phases often start milliseconds apart: labels step down so that they never overlap.
        label->position->setCoords(m.tMs / 1000.0, 0.07 * (s.drawnMarkers % 5));
        m_markerItems << label;
    }
}

void MemoryTimelinePlot::rescale()
{
    double tMax = 0, yMax = 0, yMin = std::numeric_limits<double>::max();
    for (const Series& s : m_series) {
        if (s.rss->data()->isEmpty())
            continue;
        bool found = false;
        const QCPRange v = s.rss->data()->valueRange(found);
        if (found) {
            yMax = std::max(yMax, v.upper);
            yMin = std::min(yMin, v.lower);
        }
        if (s.anon) {
            const QCPRange a = s.anon->data()->valueRange(found);
            if (found)
                yMin = std::min(yMin, a.lower);
        }
        tMax = std::max(tMax, (s.rss->data()->constEnd() - 1)->key);
    }
    if (yMax <= 0)
        return;
    plot()->xAxis->setRange(0, std::max(0.1, tMax * 1.03));
    // Start near the lowest sample: a 300 MB process whose model adds 20 MB must show the 20 MB.
    const double span = std::max(1.0, yMax - yMin);
    plot()->yAxis->setRange(std::max(0.0, yMin - span * 0.1), yMax + span * 0.25);
}

QString MemoryTimelinePlot::toolTipAt(const QPoint& pos) const
{
    const double t = plot()->xAxis->pixelToCoord(pos.x());
    QStringList lines;
    for (const Series& s : m_series) {
        auto it = s.rss->data()->findBegin(t, false);
        if (it == s.rss->data()->constEnd())
            continue;
        lines << tr("%1: <b>%2</b>").arg(s.label.toHtmlEscaped(), formatValue(it->value * kMB, Unit::Bytes));
    }
    if (lines.isEmpty())
        return {};
    QString phase;
    if (m_series.size() == 1) {
        for (const MemoryMarker& m : m_series[0].markers) {
            if (m.tMs / 1000.0 <= t)
                phase = phaseTitle(m.phase);
        }
    }
    return tr("%1 s%2<br>%3").arg(QLocale().toString(t, 'f', 2), phase.isEmpty() ? QString() : QStringLiteral(" · ") + phase,
                                  lines.join(QStringLiteral("<br>")));
}

void MemoryTimelinePlot::applyPalette()
{
    ChartWidget::applyPalette();
    const QColor text = textColor(palette());
    for (int i = 0; i < m_series.size(); ++i) {
        Series& s = m_series[i];
        const QColor c = colorOf(i);
        s.rss->setPen(QPen(c, 1.6));
        if (s.anon) {
            QColor a = c;
            a.setAlpha(150);
            s.anon->setPen(QPen(a, 1, Qt::DashLine));
        }
        s.peak->setPen(QPen(c, 1.5));
        s.peak->setBrush(backgroundColor(palette()));
        s.peakLabel->setColor(isDark(palette()) ? c.lighter(140) : c.darker(110));
    }
    for (QCPAbstractItem* item : std::as_const(m_markerItems)) {
        if (auto* line = qobject_cast<QCPItemStraightLine*>(item))
            line->setPen(QPen(text, 1, Qt::DotLine));
        else if (auto* label = qobject_cast<QCPItemText*>(item))
            label->setColor(text);
    }
    scheduleReplot();
}

} // namespace qs::plots
