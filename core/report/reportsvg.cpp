// SPDX-License-Identifier: GPL-3.0-or-later
// Charts as inline SVG for the HTML report: plain elements and attributes only (no scripts, no
// external references, no xlink), every text escaped.
#include "reportchart.h"

#include <QtCore/QRectF>

namespace qs::report {

namespace {

QString n(double v)
{
    return QString::number(v, 'f', 1);
}

QString paint(const ChartItem& it)
{
    QString s = QStringLiteral(" fill=\"%1\"").arg(it.fill.isEmpty() ? QStringLiteral("none") : it.fill);
    if (!it.stroke.isEmpty())
        s += QStringLiteral(" stroke=\"%1\" stroke-width=\"%2\"").arg(it.stroke, n(it.width));
    if (it.dashed)
        s += QStringLiteral(" stroke-dasharray=\"4 3\"");
    return s;
}

} // namespace

QString toSvg(const Chart& c)
{
    QString svg = QStringLiteral("<svg class=\"chart\" role=\"img\" width=\"%1\" height=\"%2\" "
                                 "viewBox=\"0 0 %1 %2\" font-family=\"sans-serif\">\n<title>%3</title>\n")
                      .arg(n(c.width), n(c.height), c.title.toHtmlEscaped());
    for (const ChartItem& it : c.items) {
        switch (it.kind) {
        case ChartItem::Kind::Line:
            svg += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%4\"%5/>\n")
                       .arg(n(it.points[0].x()), n(it.points[0].y()), n(it.points[1].x()), n(it.points[1].y()), paint(it));
            break;
        case ChartItem::Kind::Polyline: {
            QStringList pts;
            pts.reserve(it.points.size());
            for (const QPointF& p : it.points)
                pts << n(p.x()) + QLatin1Char(',') + n(p.y());
            svg += QStringLiteral("<polyline points=\"%1\"%2 stroke-linejoin=\"round\"/>\n").arg(pts.join(QLatin1Char(' ')), paint(it));
            break;
        }
        case ChartItem::Kind::Rect: {
            const QRectF r = QRectF(it.points[0], it.points[1]).normalized();
            svg += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\"%5/>\n")
                       .arg(n(r.x()), n(r.y()), n(r.width()), n(r.height()), paint(it));
            break;
        }
        case ChartItem::Kind::Circle:
            svg += QStringLiteral("<circle cx=\"%1\" cy=\"%2\" r=\"%3\"%4/>\n").arg(n(it.points[0].x()), n(it.points[0].y()), n(it.radius), paint(it));
            break;
        case ChartItem::Kind::Text: {
            static const char* const anchors[] = {"start", "middle", "end"};
            QString extra;
            if (it.bold)
                extra += QStringLiteral(" font-weight=\"bold\"");
            if (it.rotate != 0)
                extra += QStringLiteral(" transform=\"rotate(%1 %2 %3)\"").arg(n(it.rotate), n(it.points[0].x()), n(it.points[0].y()));
            svg += QStringLiteral("<text x=\"%1\" y=\"%2\" font-size=\"%3\" text-anchor=\"%4\" fill=\"%5\"%6>%7</text>\n")
                       .arg(n(it.points[0].x()), n(it.points[0].y()), n(it.fontSize), QLatin1String(anchors[int(it.anchor)]),
                            it.fill.isEmpty() ? QStringLiteral("#222222") : it.fill, extra, it.text.toHtmlEscaped());
            break;
        }
        }
    }
    svg += QStringLiteral("</svg>");
    return svg;
}

} // namespace qs::report
