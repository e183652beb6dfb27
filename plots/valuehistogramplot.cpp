// SPDX-License-Identifier: GPL-3.0-or-later
#include "valuehistogramplot.h"

#include "plots/chartpalette.h"
#include "plots/plotitems_p.h"

#include <qcustomplot.h>

#include <cmath>

namespace qs::plots {

ValueHistogramPlot::ValueHistogramPlot(QWidget* parent) : ChartWidget(parent)
{
    setTitle(tr("Value histogram"));
    setEmptyText(tr("Pick a layer to see its values and the quantization range."));
    QCustomPlot* p = plot();
    m_inside = new QCPBars(p->xAxis, p->yAxis);
    m_inside->setName(tr("inside the range"));
    m_outside = new QCPBars(p->xAxis, p->yAxis);
    m_outside->setName(tr("clipped"));
    p->xAxis->setLabel(tr("value"));
    p->yAxis->setLabel(tr("count"));
    p->axisRect()->setRangeZoom(Qt::Horizontal);
    p->axisRect()->setRangeDrag(Qt::Horizontal);
    p->legend->setVisible(true);
    setLogScale(true);
    applyPalette();
}

void ValueHistogramPlot::setLogScale(bool log)
{
    m_log = log;
    QCPAxis* y = plot()->yAxis;
    y->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    y->setTicker(log ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog) : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    // Bars on a log axis need a base above 0.
    for (QCPBars* b : {m_inside, m_outside})
        b->setBaseValue(log ? 0.5 : 0);
    rescale();
    plot()->replot();
}

void ValueHistogramPlot::setHistogram(const ValueHistogram& h)
{
    m_h = h;
    QCustomPlot* p = plot();
    p->clearItems();
    const int n = int(h.counts.size());
    const double w = n > 0 ? (h.hi - h.lo) / n : 1;
    QVector<double> ik, iv, ok, ov;
    const bool hasRange = std::isfinite(h.rangeLo) && std::isfinite(h.rangeHi);
    for (int i = 0; i < n; ++i) {
        const double c = h.lo + (i + 0.5) * w;
        const bool out = hasRange && (c < h.rangeLo || c > h.rangeHi);
        (out ? ok : ik) << c;
        (out ? ov : iv) << h.counts[i];
    }
    for (QCPBars* b : {m_inside, m_outside})
        b->setWidth(w);
    m_inside->setData(ik, iv, true);
    m_outside->setData(ok, ov, true);
    if (hasRange) {
        const QColor c = textColor(palette());
        detail::addVerticalMarker(p, h.rangeLo, h.rangeLabel.isEmpty() ? tr("range") : h.rangeLabel, c, Qt::DashLine);
        detail::addVerticalMarker(p, h.rangeHi, QString(), c, Qt::DashLine);
    }
    setTitle(h.title);
    p->xAxis->setLabel(h.title.isEmpty() ? tr("value") : h.title);
    setEmpty(n == 0);
    rescale();
    applyPalette();
}

double ValueHistogramPlot::clippedFraction() const
{
    double total = 0, out = 0;
    for (auto it = m_inside->data()->constBegin(); it != m_inside->data()->constEnd(); ++it)
        total += it->value;
    for (auto it = m_outside->data()->constBegin(); it != m_outside->data()->constEnd(); ++it)
        out += it->value;
    return total + out > 0 ? out / (total + out) : 0;
}

void ValueHistogramPlot::rescale()
{
    if (m_h.counts.isEmpty())
        return;
    double lo = m_h.lo, hi = m_h.hi;
    if (std::isfinite(m_h.rangeLo))
        lo = std::min(lo, m_h.rangeLo);
    if (std::isfinite(m_h.rangeHi))
        hi = std::max(hi, m_h.rangeHi);
    const double pad = (hi - lo) * 0.04 + 1e-12;
    plot()->xAxis->setRange(lo - pad, hi + pad);
    double top = 1;
    for (double c : m_h.counts)
        top = std::max(top, c);
    plot()->yAxis->setRange(m_log ? 0.5 : 0, m_log ? top * 3 : top * 1.12);
}

QString ValueHistogramPlot::toolTipAt(const QPoint& pos) const
{
    const int n = int(m_h.counts.size());
    if (n == 0)
        return {};
    const double x = plot()->xAxis->pixelToCoord(pos.x());
    const double w = (m_h.hi - m_h.lo) / n;
    const int i = int(std::floor((x - m_h.lo) / w));
    if (i < 0 || i >= n)
        return {};
    return tr("%1 … %2<br><b>%3</b>")
        .arg(QLocale().toString(m_h.lo + i * w, 'g', 4), QLocale().toString(m_h.lo + (i + 1) * w, 'g', 4))
        .arg(QLocale().toString(m_h.counts[i], 'f', 0));
}

void ValueHistogramPlot::applyPalette()
{
    ChartWidget::applyPalette();
    if (!m_inside)
        return;
    m_inside->setPen(Qt::NoPen);
    m_inside->setBrush(seriesColor(0));
    m_outside->setPen(Qt::NoPen);
    m_outside->setBrush(seriesColor(3));
    const QColor text = textColor(palette());
    for (int i = 0; i < plot()->itemCount(); ++i) {
        if (auto* t = qobject_cast<QCPItemText*>(plot()->item(i)))
            t->setColor(text);
        else if (auto* l = qobject_cast<QCPItemStraightLine*>(plot()->item(i)))
            l->setPen(QPen(text, 1, Qt::DashLine));
    }
    scheduleReplot();
}

} // namespace qs::plots
