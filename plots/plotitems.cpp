// SPDX-License-Identifier: GPL-3.0-or-later
#include "plotitems_p.h"

#include <cmath>

namespace qs::plots::detail {

QSharedPointer<QCPAxisTickerText> categoryTicker(const QStringList& labels)
{
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < labels.size(); ++i)
        ticker->addTick(i + 1, labels[i]);
    return ticker;
}

QCPItemStraightLine* addVerticalMarker(QCustomPlot* plot, double x, const QString& text, const QColor& color,
                                       Qt::PenStyle style, QCPItemText** label)
{
    auto* line = new QCPItemStraightLine(plot);
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    line->setPen(QPen(color, 1, style));
    line->setSelectable(false);
    auto* t = new QCPItemText(plot);
    // x follows the data, y sticks to the top of the axis rect whatever the zoom.
    t->position->setTypeX(QCPItemPosition::ptPlotCoords);
    t->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    t->position->setCoords(x, 0.0);
    t->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    t->setPadding(QMargins(3, 1, 3, 1));
    t->setText(text);
    t->setColor(color);
    t->setSelectable(false);
    QFont f = plot->font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    t->setFont(f);
    if (label)
        *label = t;
    return line;
}

QCPItemText* addLabel(QCustomPlot* plot, double x, double y, const QString& text, const QColor& color, Qt::Alignment alignment)
{
    auto* t = new QCPItemText(plot);
    t->position->setCoords(x, y);
    t->setPositionAlignment(alignment);
    t->setText(text);
    t->setColor(color);
    t->setSelectable(false);
    t->setPadding(QMargins(2, 1, 2, 1));
    return t;
}

QString wrapLabel(const QString& text, int maxChars)
{
    if (text.size() <= maxChars || text.contains(QLatin1Char('\n')))
        return text;
    int best = -1;
    for (int i = 0; i < text.size(); ++i) {
        if (text[i] == QLatin1Char(' ') && (best < 0 || std::abs(i - text.size() / 2) < std::abs(best - text.size() / 2)))
            best = i;
    }
    if (best < 0)
        return text;
    QString out = text;
    out[best] = QLatin1Char('\n');
    return out;
}

double percentileSorted(const QVector<double>& sorted, double p)
{
    if (sorted.isEmpty())
        return qQNaN();
    const double h = (sorted.size() - 1) * p;
    const int lo = int(std::floor(h));
    const int hi = std::min(lo + 1, int(sorted.size()) - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

} // namespace qs::plots::detail
