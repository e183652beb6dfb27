// SPDX-License-Identifier: GPL-3.0-or-later
#include "tradeoffplot.h"

#include "plots/axistickers_p.h"
#include "plots/chartpalette.h"
#include "plots/plotitems_p.h"

#include <qcustomplot.h>

#include <cmath>

namespace qs::plots {

TradeoffPlot::TradeoffPlot(QWidget* parent) : ChartWidget(parent)
{
    setEmptyText(tr("Needs at least one run with both figures."));
    setLayoutDependent(true);
    auto* title = new QCPTextElement(plot(), QString(), QFont(font().family(), font().pointSize(), QFont::Bold));
    plot()->plotLayout()->insertRow(0);
    plot()->plotLayout()->addElement(0, 0, title);
}

void TradeoffPlot::setAxes(const MetricSpec& x, const MetricSpec& y)
{
    m_x = x;
    m_y = y;
    const QString title = tr("%1 vs %2").arg(y.title, x.title);
    setTitle(title);
    if (auto* t = qobject_cast<QCPTextElement*>(plot()->plotLayout()->element(0, 0)))
        t->setText(title);
    auto axisLabel = [](const MetricSpec& m) {
        const QString u = unitSuffix(m.unit);
        const QString arrow = m.lowerIsBetter ? tr("lower is better") : tr("higher is better");
        return u.isEmpty() || m.unit == Unit::Bytes ? tr("%1 (%2)").arg(m.title, arrow) : tr("%1, %2 (%3)").arg(m.title, u, arrow);
    };
    auto tickerFor = [](const MetricSpec& m) {
        return m.unit == Unit::Bytes ? QSharedPointer<QCPAxisTicker>(new BytesTicker) : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker);
    };
    plot()->xAxis->setTicker(tickerFor(x));
    plot()->yAxis->setTicker(tickerFor(y));
    plot()->xAxis->setLabel(axisLabel(x));
    plot()->yAxis->setLabel(axisLabel(y));
    rebuild();
}

void TradeoffPlot::setPoints(const QVector<TradeoffPoint>& points)
{
    m_points.clear();
    for (const TradeoffPoint& p : points) {
        if (std::isfinite(p.x) && std::isfinite(p.y))
            m_points << p;
    }
    rebuild();
}

QVector<int> TradeoffPlot::paretoFront(const QVector<TradeoffPoint>& points, bool xLowerIsBetter, bool yLowerIsBetter)
{
    auto better = [](double a, double b, bool lower) { return lower ? a < b : a > b; };
    auto notWorse = [](double a, double b, bool lower) { return lower ? a <= b : a >= b; };
    QVector<int> front;
    for (int i = 0; i < points.size(); ++i) {
        bool dominated = false;
        for (int j = 0; j < points.size() && !dominated; ++j) {
            if (i == j)
                continue;
            const TradeoffPoint& a = points[j];
            const TradeoffPoint& b = points[i];
            dominated = notWorse(a.x, b.x, xLowerIsBetter) && notWorse(a.y, b.y, yLowerIsBetter)
                && (better(a.x, b.x, xLowerIsBetter) || better(a.y, b.y, yLowerIsBetter));
        }
        if (!dominated)
            front << i;
    }
    std::sort(front.begin(), front.end(), [&](int a, int b) { return points[a].x < points[b].x; });
    return front;
}

void TradeoffPlot::rebuild()
{
    QCustomPlot* p = plot();
    p->clearPlottables();
    p->clearItems();
    m_labels.clear();
    m_front = paretoFront(m_points, m_x.lowerIsBetter, m_y.lowerIsBetter);
    const QColor text = textColor(palette());
    if (m_front.size() > 1) {
        QCPGraph* line = p->addGraph();
        line->setName(tr("Pareto front"));
        QVector<double> xs, ys;
        for (int i : m_front) {
            xs << m_points[i].x;
            ys << m_points[i].y;
        }
        line->setData(xs, ys, true);
        line->setPen(QPen(text, 1.2, Qt::DashLine));
        line->setLineStyle(QCPGraph::lsLine);
    }
    int variantColor = 0;
    for (int i = 0; i < m_points.size(); ++i) {
        const TradeoffPoint& pt = m_points[i];
        QCPGraph* g = p->addGraph();
        g->setName(pt.label);
        g->setLineStyle(QCPGraph::lsNone);
        const QColor c = pt.baseline ? baselineColor(palette()) : seriesColor(pt.color >= 0 ? pt.color : variantColor);
        variantColor += pt.baseline ? 0 : 1;
        const bool onFront = m_front.contains(i);
        g->setScatterStyle(QCPScatterStyle(pt.baseline ? QCPScatterStyle::ssSquare : QCPScatterStyle::ssDisc, QPen(c.darker(120), 1.2),
                                           pt.noisy ? QBrush(Qt::NoBrush) : QBrush(c), onFront ? 12 : 9));
        g->setData(QVector<double>{pt.x}, QVector<double>{pt.y});
        // Noisy points are hollow (the tooltip says why): the label stays short.
        m_labels << detail::addLabel(p, pt.x, pt.y, pt.label, text, Qt::AlignLeft | Qt::AlignBottom);
        m_labels.last()->setPadding(QMargins(2, 1, 2, 1));
    }
    setEmpty(m_points.isEmpty());
    rescale();
    applyPalette();
}

void TradeoffPlot::rescale()
{
    if (m_points.isEmpty())
        return;
    double x0 = m_points[0].x, x1 = x0, y0 = m_points[0].y, y1 = y0;
    for (const TradeoffPoint& p : m_points) {
        x0 = std::min(x0, p.x);
        x1 = std::max(x1, p.x);
        y0 = std::min(y0, p.y);
        y1 = std::max(y1, p.y);
    }
    // Padding from the spread, not the magnitude: fidelities of 0.996..1.0 must not drown in a
    // 0.98..1.04 axis.
    const double dx = std::max((x1 - x0) * 0.15, std::max(std::abs(x1) * 0.05, 1e-9));
    const double dy = std::max((y1 - y0) * 0.2, std::max(std::abs(y1) * 1e-5, 1e-9));
    // Extra room on the right for the point labels.
    plot()->xAxis->setRange(x0 - dx, x1 + dx * 3);
    plot()->yAxis->setRange(y0 - dy, y1 + dy * 2);
    placeLabels();
}

void TradeoffPlot::placeLabels()
{
    // Points often sit close together (variants of similar speed): each label takes the first
    // spot around its point that no earlier label and no other point covers. Points on the
    // front are placed first, so theirs get the best spots.
    QCustomPlot* p = plot();
    QVector<int> order = m_front;
    for (int i = 0; i < m_points.size(); ++i) {
        if (!order.contains(i))
            order << i;
    }
    QVector<QRectF> taken;
    for (const TradeoffPoint& pt : std::as_const(m_points)) {
        const QPointF c(p->xAxis->coordToPixel(pt.x), p->yAxis->coordToPixel(pt.y));
        taken << QRectF(c - QPointF(7, 7), QSizeF(14, 14));
    }
    const QRect area = p->axisRect()->rect();
    for (int i : std::as_const(order)) {
        QCPItemText* label = m_labels.value(i);
        if (!label)
            continue;
        const QPointF c(p->xAxis->coordToPixel(m_points[i].x), p->yAxis->coordToPixel(m_points[i].y));
        const QSizeF size = QFontMetrics(label->font()).size(0, label->text()) + QSizeF(4, 2);
        // Right above, right below, left above, left below, then further up and down.
        const QPointF offsets[] = {{9, -size.height() - 2}, {9, 2}, {-9 - size.width(), -size.height() - 2}, {-9 - size.width(), 2},
                                   {9, -2 * size.height() - 4}, {9, size.height() + 6}, {-size.width() / 2, -size.height() - 10},
                                   {-size.width() / 2, 10}};
        QRectF best(c + offsets[0], size);
        for (const QPointF& o : offsets) {
            const QRectF r(c + o, size);
            const bool inside = area.isEmpty() || area.contains(r.toAlignedRect());
            const bool free = std::none_of(taken.begin(), taken.end(), [&](const QRectF& t) { return t.intersects(r); });
            if (inside && free) {
                best = r;
                break;
            }
        }
        taken << best;
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->position->setCoords(p->xAxis->pixelToCoord(best.left()), p->yAxis->pixelToCoord(best.top()));
    }
}

QString TradeoffPlot::toolTipAt(const QPoint& pos) const
{
    for (int i = 0; i < m_points.size(); ++i) {
        const TradeoffPoint& p = m_points[i];
        const QPointF px(plot()->xAxis->coordToPixel(p.x), plot()->yAxis->coordToPixel(p.y));
        if (QLineF(px, QPointF(pos)).length() < 10) {
            return tr("<b>%1</b><br>%2: %3<br>%4: %5%6")
                .arg(p.label.toHtmlEscaped(), m_x.title, formatValue(p.x, m_x.unit), m_y.title, formatValue(p.y, m_y.unit),
                     m_front.contains(i) ? tr("<br>on the Pareto front: no variant beats it on both") : QString());
        }
    }
    return {};
}

void TradeoffPlot::applyPalette()
{
    ChartWidget::applyPalette();
    const QColor text = textColor(palette());
    for (int i = 0; i < plot()->itemCount(); ++i) {
        if (auto* t = qobject_cast<QCPItemText*>(plot()->item(i)))
            t->setColor(text);
    }
    if (plot()->graphCount() > 0 && m_front.size() > 1)
        plot()->graph(0)->setPen(QPen(text, 1.2, Qt::DashLine));
    scheduleReplot();
}

} // namespace qs::plots
