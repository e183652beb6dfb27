// SPDX-License-Identifier: GPL-3.0-or-later
// The PDF report: the rich-text flavour of the HTML report laid out by QTextDocument on A4 pages,
// the charts drawn with QPainter from the same primitives the SVG is made of.
#include "reporttext_p.h"

#include <QtCore/QBuffer>
#include <QtCore/QUrl>
#include <QtGui/QFontMetricsF>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtGui/QPainter>
#include <QtGui/QPainterPath>
#include <QtGui/QPdfWriter>
#include <QtGui/QTextDocument>

namespace qs::report::detail {

namespace {

// Chart images are drawn at this multiple of their size so that they stay sharp when printed.
constexpr double kScale = 3.0;
// Width of the charts on the page, in the document's units (the text width of A4 is ~680).
constexpr double kPageChartWidth = 600;

QPen penOf(const ChartItem& it)
{
    if (it.stroke.isEmpty())
        return Qt::NoPen;
    QPen pen(QColor(it.stroke), it.width);
    if (it.dashed)
        pen.setStyle(Qt::DashLine);
    pen.setJoinStyle(Qt::RoundJoin);
    return pen;
}

QBrush brushOf(const ChartItem& it)
{
    return it.fill.isEmpty() ? QBrush(Qt::NoBrush) : QBrush(QColor(it.fill));
}

void paintChart(const Chart& c, QPainter& p)
{
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    for (const ChartItem& it : c.items) {
        p.setPen(penOf(it));
        p.setBrush(brushOf(it));
        switch (it.kind) {
        case ChartItem::Kind::Line:
            p.drawLine(it.points[0], it.points[1]);
            break;
        case ChartItem::Kind::Polyline:
            p.drawPolyline(it.points.constData(), int(it.points.size()));
            break;
        case ChartItem::Kind::Rect:
            p.drawRect(QRectF(it.points[0], it.points[1]).normalized());
            break;
        case ChartItem::Kind::Circle:
            p.drawEllipse(it.points[0], it.radius, it.radius);
            break;
        case ChartItem::Kind::Text: {
            QFont font(QStringLiteral("sans-serif"));
            font.setPixelSize(std::max(1, qRound(it.fontSize)));
            font.setBold(it.bold);
            p.setFont(font);
            p.setPen(QColor(it.fill.isEmpty() ? QStringLiteral("#222222") : it.fill));
            const double w = QFontMetricsF(font).horizontalAdvance(it.text);
            const double dx = it.anchor == ChartItem::Anchor::Start ? 0 : it.anchor == ChartItem::Anchor::Middle ? -w / 2 : -w;
            p.save();
            p.translate(it.points[0]);
            p.rotate(it.rotate);
            p.drawText(QPointF(dx, 0), it.text);
            p.restore();
            break;
        }
        }
    }
}

QImage chartImage(const Chart& c)
{
    QImage image(QSize(qCeil(c.width * kScale), qCeil(c.height * kScale)), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.scale(kScale, kScale);
    paintChart(c, p);
    return image;
}

} // namespace

Result<QByteArray> pdfDocument(const Report& report)
{
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
        return Error(Error::Kind::Internal, QStringLiteral("Writing a PDF needs fonts, which need a QGuiApplication; this program has none. "
                                                           "Write HTML instead, or use quantscope-cli report (it makes one)."));
    QString richText = htmlDocument(report, HtmlFlavor::RichText);
    QTextDocument doc;
    QFont base(QStringLiteral("sans-serif"));
    base.setPointSizeF(9);
    doc.setDefaultFont(base);
    for (const Chart& c : buildCharts(report)) {
        doc.addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("qs-chart:") + c.id), chartImage(c));
        // Charts scaled to the page's text width, proportions kept.
        const double h = c.height * kPageChartWidth / c.width;
        richText.replace(QStringLiteral("src=\"qs-chart:%1\" width=\"%2\" height=\"%3\"").arg(c.id).arg(int(c.width)).arg(int(c.height)),
                         QStringLiteral("src=\"qs-chart:%1\" width=\"%2\" height=\"%3\"").arg(c.id).arg(int(kPageChartWidth)).arg(int(h)));
    }
    doc.setHtml(richText);

    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
        writer.setTitle(report.title);
        writer.setCreator(report.generator);
        doc.print(&writer);
    }
    buffer.close();
    if (!bytes.startsWith("%PDF"))
        return Error(Error::Kind::Internal, QStringLiteral("Qt produced no PDF for the report."));
    return bytes;
}

} // namespace qs::report::detail
