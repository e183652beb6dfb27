// SPDX-License-Identifier: GPL-3.0-or-later
#include "metricbarplot.h"

#include "plots/chartpalette.h"
#include "plots/plotitems_p.h"

#include <qcustomplot.h>

#include <cmath>

namespace qs::plots {

MetricBarPlot::MetricBarPlot(QWidget* parent) : ChartWidget(parent)
{
    setEmptyText(tr("No runs measured this figure."));
    QCustomPlot* p = plot();
    p->xAxis->grid()->setVisible(false);
    p->xAxis->setTickLabelRotation(0);
    p->axisRect()->setRangeZoom(Qt::Vertical);
    p->axisRect()->setRangeDrag(Qt::Vertical);
    auto* title = new QCPTextElement(p, QString(), QFont(font().family(), font().pointSize(), QFont::Bold));
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, title);
}

void MetricBarPlot::setMetric(const MetricSpec& spec)
{
    m_spec = spec;
    setTitle(spec.title);
    if (auto* t = qobject_cast<QCPTextElement*>(plot()->plotLayout()->element(0, 0)))
        t->setText(spec.title);
    const QString suffix = unitSuffix(spec.unit);
    plot()->yAxis->setLabel(suffix.isEmpty() ? QString() : suffix);
    rebuild();
}

void MetricBarPlot::setBars(const QVector<MetricBar>& bars)
{
    m_bars = bars;
    rebuild();
}

int MetricBarPlot::baselineIndex() const
{
    for (int i = 0; i < m_bars.size(); ++i) {
        if (m_bars[i].baseline)
            return i;
    }
    return -1;
}

QString MetricBarPlot::barLabel(int i) const
{
    const MetricBar& b = m_bars.value(i);
    if (!std::isfinite(b.value))
        return tr("n/a");
    QString text = formatValue(b.value, m_spec.unit);
    const int base = baselineIndex();
    if (base >= 0 && base != i) {
        const QString cmp = formatComparison(b.value, m_bars[base].value, m_spec);
        if (!cmp.isEmpty())
            text += QLatin1Char('\n') + cmp;
    } else if (base == i) {
        text += QLatin1Char('\n') + tr("baseline");
    }
    if (b.noisy)
        text += tr(" (noisy)");
    return text;
}

void MetricBarPlot::rebuild()
{
    QCustomPlot* p = plot();
    p->clearPlottables();
    p->clearItems();
    QStringList names;
    bool any = false;
    const QColor text = textColor(palette());
    int variantColor = 0;
    for (int i = 0; i < m_bars.size(); ++i) {
        const MetricBar& b = m_bars[i];
        names << b.label;
        // One QCPBars per bar: each gets its own colour and its own whiskers.
        auto* bars = new QCPBars(p->xAxis, p->yAxis);
        bars->setWidth(0.62);
        const QColor c = b.baseline ? baselineColor(palette()) : seriesColor(variantColor++);
        bars->setPen(QPen(c.darker(115)));
        bars->setBrush(b.noisy ? QBrush(c, Qt::BDiagPattern) : QBrush(c));
        if (!std::isfinite(b.value))
            continue;
        any = true;
        bars->addData(i + 1, b.value);
        for (double w : {b.whiskerLow, b.whiskerHigh}) {
            if (!std::isfinite(w) || w <= b.value)
                continue;
            auto* err = new QCPErrorBars(p->xAxis, p->yAxis);
            err->setDataPlottable(bars);
            err->setData(QVector<double>{0}, QVector<double>{w - b.value}); // up only
            err->setWhiskerWidth(w == b.whiskerHigh ? 14 : 22);
            err->setPen(QPen(text, w == b.whiskerHigh ? 1.0 : 1.8));
        }
        const double top = std::max({b.value, std::isfinite(b.whiskerHigh) ? b.whiskerHigh : 0.0,
                                     std::isfinite(b.whiskerLow) ? b.whiskerLow : 0.0});
        detail::addLabel(p, i + 1, top, barLabel(i), text)->setPadding(QMargins(2, 1, 2, 4));
    }
    for (QString& n : names)
        n = detail::wrapLabel(n);
    p->xAxis->setTicker(detail::categoryTicker(names));
    setEmpty(!any);
    rescale();
    applyPalette();
}

void MetricBarPlot::rescale()
{
    double top = 0;
    for (const MetricBar& b : m_bars) {
        for (double v : {b.value, b.whiskerHigh, b.whiskerLow}) {
            if (std::isfinite(v))
                top = std::max(top, v);
        }
    }
    QCustomPlot* p = plot();
    p->xAxis->setRange(0.4, m_bars.size() + 0.6);
    // Head room for the two-line labels over the tallest bar.
    p->yAxis->setRange(0, top > 0 ? top * 1.32 : 1.0);
}

QString MetricBarPlot::toolTipAt(const QPoint& pos) const
{
    const double x = plot()->xAxis->pixelToCoord(pos.x());
    const int i = int(std::lround(x)) - 1;
    if (i < 0 || i >= m_bars.size() || std::abs(x - (i + 1)) > 0.35)
        return {};
    const MetricBar& b = m_bars[i];
    QString tip = QStringLiteral("<b>%1</b><br>%2: %3").arg(b.label.toHtmlEscaped(), m_spec.title, formatValue(b.value, m_spec.unit));
    if (std::isfinite(b.whiskerLow))
        tip += tr("<br>p90: %1").arg(formatValue(b.whiskerLow, m_spec.unit));
    if (std::isfinite(b.whiskerHigh))
        tip += tr("<br>p99: %1").arg(formatValue(b.whiskerHigh, m_spec.unit));
    const int base = baselineIndex();
    if (base >= 0 && base != i) {
        const QString cmp = formatComparison(b.value, m_bars[base].value, m_spec);
        if (!cmp.isEmpty())
            tip += tr("<br>vs %1: %2").arg(m_bars[base].label.toHtmlEscaped(), cmp);
    }
    if (b.noisy)
        tip += tr("<br><i>noisy run: spread or machine load too high to trust small differences</i>");
    if (!b.note.isEmpty())
        tip += QStringLiteral("<br>") + b.note.toHtmlEscaped();
    return tip;
}

void MetricBarPlot::applyPalette()
{
    ChartWidget::applyPalette();
    const QColor text = textColor(palette());
    for (int i = 0; i < plot()->itemCount(); ++i) {
        if (auto* t = qobject_cast<QCPItemText*>(plot()->item(i)))
            t->setColor(text);
    }
    for (int i = 0; i < plot()->plottableCount(); ++i) {
        if (auto* e = qobject_cast<QCPErrorBars*>(plot()->plottable(i)))
            e->setPen(QPen(text, e->pen().widthF()));
    }
    scheduleReplot();
}

} // namespace qs::plots
