// SPDX-License-Identifier: GPL-3.0-or-later
#include "metricbarplot.h"

#include "plots/axistickers_p.h"
#include "plots/chartpalette.h"
#include "plots/plotitems_p.h"

#include <qcustomplot.h>

#include <cmath>

namespace qs::plots {

MetricBarPlot::MetricBarPlot(QWidget* parent) : ChartWidget(parent)
{
    setEmptyText(tr("No runs measured this figure."));
    QCustomPlot* p = plot();
    // Horizontal bars: variant names read on the left however long, and each bar's value and
    // ratio fit on one line at its end instead of colliding above narrow columns.
    p->yAxis->grid()->setVisible(false);
    p->yAxis->setRangeReversed(true); // the baseline, first, on top
    p->yAxis->setTickLength(0, 0);
    p->yAxis->setSubTicks(false);
    p->axisRect()->setRangeZoom(Qt::Horizontal);
    p->axisRect()->setRangeDrag(Qt::Horizontal);
    setLayoutDependent(true);
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
    plot()->xAxis->setTicker(spec.unit == Unit::Bytes ? QSharedPointer<QCPAxisTicker>(new BytesTicker)
                                                      : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    plot()->xAxis->setLabel(spec.unit == Unit::Bytes ? QString() : unitSuffix(spec.unit));
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
        return tr("not measured");
    QString text = formatValue(b.value, m_spec.unit);
    const int base = baselineIndex();
    if (base >= 0 && base != i) {
        const QString cmp = formatComparison(b.value, m_bars[base].value, m_spec);
        if (!cmp.isEmpty())
            text += QStringLiteral(" · ") + cmp;
    } else if (base == i) {
        text += QStringLiteral(" · ") + tr("baseline");
    }
    if (b.noisy)
        text += tr(" · noisy");
    return text;
}

void MetricBarPlot::rebuild()
{
    QCustomPlot* p = plot();
    p->clearPlottables();
    p->clearItems();
    m_labels.clear();
    QStringList names;
    bool any = false;
    const QColor text = textColor(palette());
    int variantColor = 0;
    for (int i = 0; i < m_bars.size(); ++i) {
        const MetricBar& b = m_bars[i];
        names << b.label;
        // One QCPBars per bar: each gets its own colour and its own whiskers.
        auto* bars = new QCPBars(p->yAxis, p->xAxis);
        bars->setWidth(0.62);
        const QColor c = b.baseline ? baselineColor(palette()) : seriesColor(variantColor++);
        bars->setPen(QPen(c.darker(115)));
        bars->setBrush(b.noisy ? QBrush(c, Qt::BDiagPattern) : QBrush(c));
        // Runs without the figure keep their row, saying so: a missing bar is not a zero.
        if (std::isfinite(b.value)) {
            any = true;
            bars->addData(i + 1, b.value);
            for (double w : {b.whiskerLow, b.whiskerHigh}) {
                if (!std::isfinite(w) || w <= b.value)
                    continue;
                auto* err = new QCPErrorBars(p->yAxis, p->xAxis);
                err->setDataPlottable(bars);
                err->setData(QVector<double>{0}, QVector<double>{w - b.value}); // towards larger values only
                err->setProperty("bar", i);
                err->setProperty("end", w);
                err->setWhiskerWidth(w == b.whiskerHigh ? 10 : 16);
                err->setPen(QPen(text, w == b.whiskerHigh ? 1.0 : 1.8));
            }
        }
        QCPItemText* label = detail::addLabel(p, 0, i + 1, barLabel(i), text, Qt::AlignLeft | Qt::AlignVCenter);
        label->setPadding(QMargins(6, 1, 2, 1));
        label->setClipToAxisRect(false);
        m_labels << label;
    }
    for (QString& n : names)
        n = detail::wrapLabel(n, 22);
    p->yAxis->setTicker(detail::categoryTicker(names));
    setEmpty(!any);
    rescale();
    applyPalette();
}

void MetricBarPlot::rescale()
{
    // Whiskers count towards the range unless they are far out (p99 of a run disturbed by load):
    // those run off the chart rather than squashing every bar to a sliver.
    double robust = 0;
    for (const MetricBar& b : m_bars) {
        for (double v : {b.value, b.whiskerLow}) {
            if (std::isfinite(v))
                robust = std::max(robust, v);
        }
    }
    double top = robust;
    for (const MetricBar& b : m_bars) {
        if (std::isfinite(b.whiskerHigh) && b.whiskerHigh <= 2.0 * robust)
            top = std::max(top, b.whiskerHigh);
    }
    if (top <= 0)
        top = 1.0;
    QCustomPlot* p = plot();
    QCPAxisRect* rect = p->axisRect();
    // Room at the right for the longest label, from the width the value axis has.
    const int width = p->width() - rect->margins().left() - rect->margins().right();
    double upper = top * 1.02;
    QVector<double> at(m_bars.size(), 0.0);
    for (int i = 0; i < m_bars.size(); ++i) {
        const MetricBar& b = m_bars[i];
        double end = 0;
        for (double v : {b.value, b.whiskerLow, b.whiskerHigh}) {
            if (std::isfinite(v))
                end = std::max(end, v);
        }
        at[i] = std::min(end, top);
        const int textWidth = QFontMetrics(m_labels.value(i) ? m_labels[i]->font() : font()).horizontalAdvance(barLabel(i)) + 12;
        if (width - textWidth > 40)
            upper = std::max(upper, at[i] * width / double(width - textWidth));
        else
            upper = std::max(upper, at[i] * 2.0);
    }
    p->xAxis->setRange(0, upper);
    p->yAxis->setRange(0.4, m_bars.size() + 0.6);
    // Whiskers beyond the range stop at its edge, before the label (the tooltip has the value).
    for (int i = 0; i < p->plottableCount(); ++i) {
        auto* err = qobject_cast<QCPErrorBars*>(p->plottable(i));
        if (!err)
            continue;
        const MetricBar& b = m_bars.value(err->property("bar").toInt());
        const double end = std::min(err->property("end").toDouble(), top);
        err->setData(QVector<double>{0}, QVector<double>{std::max(0.0, end - b.value)});
    }
    for (int i = 0; i < m_labels.size(); ++i)
        m_labels[i]->position->setCoords(at[i], i + 1);
}

QString MetricBarPlot::toolTipAt(const QPoint& pos) const
{
    const double key = plot()->yAxis->pixelToCoord(pos.y());
    const int i = int(std::lround(key)) - 1;
    if (i < 0 || i >= m_bars.size() || std::abs(key - (i + 1)) > 0.4)
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
