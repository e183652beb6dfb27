// SPDX-License-Identifier: GPL-3.0-or-later
#include "layertypeplot.h"

#include "core/model/layertablemodel.h"
#include "plots/axistickers_p.h"
#include "plots/chartpalette.h"

#include <qcustomplot.h>

#include <QtCore/QMap>

namespace qs::plots {

LayerTypePlot::LayerTypePlot(QWidget* parent) : ChartWidget(parent)
{
    setTitle(tr("Weights by layer type"));
    setEmptyText(tr("Open a model to see where its weights are."));
    QCustomPlot* p = plot();
    m_bars = new QCPBars(p->yAxis, p->xAxis);
    m_bars->setWidth(0.6);
    p->xAxis->setLabel(tr("weight bytes"));
    p->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new BytesTicker));
    p->yAxis->grid()->setVisible(false);
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    p->axisRect()->setRangeDrag(Qt::Horizontal);
    p->axisRect()->setRangeZoom(Qt::Horizontal);
    applyPalette();
}

void LayerTypePlot::setModelInfo(const ModelInfo& info)
{
    QMap<QString, Row> byType;
    for (const LayerInfo& l : info.layers) {
        Row& r = byType[l.type];
        r.type = l.type;
        r.count++;
        r.params += l.params + l.packedParams;
        r.bytes += l.bytes;
    }
    m_rows.clear();
    for (const Row& r : byType) {
        if (r.bytes > 0)
            m_rows << r;
    }
    // Largest at the top: QCustomPlot's value axis grows upwards, so sort ascending.
    std::sort(m_rows.begin(), m_rows.end(), [](const Row& a, const Row& b) { return a.bytes < b.bytes; });

    QVector<double> keys, values;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < m_rows.size(); ++i) {
        keys << i + 1;
        values << double(m_rows[i].bytes);
        ticker->addTick(i + 1, QStringLiteral("%1 ×%2").arg(m_rows[i].type).arg(m_rows[i].count));
    }
    m_bars->setData(keys, values);
    QCustomPlot* p = plot();
    p->yAxis->setTicker(ticker);
    p->yAxis->setRange(0.4, m_rows.size() + 0.6);
    double maxBytes = 0;
    for (double v : values)
        maxBytes = std::max(maxBytes, v);
    p->xAxis->setRange(0, maxBytes * 1.08 + 1);
    setEmpty(m_rows.isEmpty());
    p->replot();
}

QString LayerTypePlot::toolTipAt(const QPoint& pos) const
{
    const double key = plot()->yAxis->pixelToCoord(pos.y());
    const int i = int(std::lround(key)) - 1;
    if (i < 0 || i >= m_rows.size() || std::abs(key - (i + 1)) > 0.35)
        return {};
    const Row& r = m_rows[i];
    return tr("<b>%1</b> (%2 layers)<br>%3 parameters<br>%4")
        .arg(r.type).arg(r.count).arg(QLocale().toString(r.params), LayerTableModel::humanBytes(r.bytes));
}

void LayerTypePlot::applyPalette()
{
    ChartWidget::applyPalette();
    if (!m_bars)
        return;
    const QColor c = seriesColor(0);
    m_bars->setPen(QPen(c.darker(120)));
    m_bars->setBrush(c);
    plot()->replot();
}

} // namespace qs::plots
