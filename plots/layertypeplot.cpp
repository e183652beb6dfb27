// SPDX-License-Identifier: GPL-3.0-or-later
#include "layertypeplot.h"

#include "core/model/layertablemodel.h"
#include "plots/axistickers_p.h"
#include "plots/chartpalette.h"
#include "plots/plotitems_p.h"

#include <qcustomplot.h>

#include <QtCore/QMap>

namespace qs::plots {

LayerTypePlot::LayerTypePlot(QWidget* parent) : ChartWidget(parent)
{
    setTitle(tr("Weights by layer type"));
    setEmptyText(tr("Open a model to see where its weights are."));
    QCustomPlot* p = plot();
    // Two panels sharing the type axis: bytes (what quantization shrinks) and parameters.
    // Layout: the title on top, below it a grid of the two panels.
    QCPAxisRect* bytesRect = m_bytesRect = p->axisRect();
    p->plotLayout()->take(bytesRect);
    p->plotLayout()->simplify();
    m_paramsRect = new QCPAxisRect(p);
    auto* panels = new QCPLayoutGrid;
    p->plotLayout()->addElement(0, 0, new QCPTextElement(p, tr("Weights by layer type"), QFont(font().family(), font().pointSize(), QFont::Bold)));
    p->plotLayout()->addElement(1, 0, panels);
    p->plotLayout()->setRowStretchFactor(0, 0.01);
    panels->addElement(0, 0, bytesRect);
    panels->addElement(0, 1, m_paramsRect);
    panels->setColumnStretchFactor(0, 3);
    panels->setColumnStretchFactor(1, 2);
    m_bytes = new QCPBars(bytesRect->axis(QCPAxis::atLeft), bytesRect->axis(QCPAxis::atBottom));
    m_params = new QCPBars(m_paramsRect->axis(QCPAxis::atLeft), m_paramsRect->axis(QCPAxis::atBottom));
    for (QCPBars* b : {m_bytes, m_params})
        b->setWidth(0.6);
    bytesRect->axis(QCPAxis::atBottom)->setLabel(tr("weight bytes"));
    // Few ticks: "200.0 kB" labels are wide and the panels narrow.
    QSharedPointer<QCPAxisTicker> bytesTicker(new BytesTicker);
    bytesTicker->setTickCount(3);
    bytesRect->axis(QCPAxis::atBottom)->setTicker(bytesTicker);
    m_paramsRect->axis(QCPAxis::atBottom)->setLabel(tr("parameters"));
    QSharedPointer<QCPAxisTicker> countTicker(new CountTicker);
    countTicker->setTickCount(3);
    m_paramsRect->axis(QCPAxis::atBottom)->setTicker(countTicker);
    m_paramsRect->axis(QCPAxis::atLeft)->setTickLabels(false);
    for (QCPAxisRect* r : {bytesRect, m_paramsRect}) {
        r->axis(QCPAxis::atLeft)->grid()->setVisible(false);
        r->setRangeDrag(Qt::Horizontal);
        r->setRangeZoom(Qt::Horizontal);
    }
    // The same rows on both sides whatever the user drags.
    connect(bytesRect->axis(QCPAxis::atLeft), qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
            m_paramsRect->axis(QCPAxis::atLeft), qOverload<const QCPRange&>(&QCPAxis::setRange));

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

    QVector<double> keys, bytes, params;
    QStringList labels;
    for (int i = 0; i < m_rows.size(); ++i) {
        keys << i + 1;
        bytes << double(m_rows[i].bytes);
        params << double(m_rows[i].params);
        labels << QStringLiteral("%1 ×%2").arg(m_rows[i].type).arg(m_rows[i].count);
    }
    m_bytes->setData(keys, bytes);
    m_params->setData(keys, params);
    m_bytesRect->axis(QCPAxis::atLeft)->setTicker(detail::categoryTicker(labels));
    m_paramsRect->axis(QCPAxis::atLeft)->setTicker(detail::categoryTicker(labels));
    setEmpty(m_rows.isEmpty());
    rescale();
    plot()->replot();
}

void LayerTypePlot::rescale()
{
    double maxBytes = 0, maxParams = 0;
    for (const Row& r : m_rows) {
        maxBytes = std::max(maxBytes, double(r.bytes));
        maxParams = std::max(maxParams, double(r.params));
    }
    m_bytesRect->axis(QCPAxis::atLeft)->setRange(0.4, m_rows.size() + 0.6);
    m_bytesRect->axis(QCPAxis::atBottom)->setRange(0, maxBytes * 1.08 + 1);
    m_paramsRect->axis(QCPAxis::atBottom)->setRange(0, maxParams * 1.08 + 1);
}

QString LayerTypePlot::toolTipAt(const QPoint& pos) const
{
    const double key = m_bytesRect->axis(QCPAxis::atLeft)->pixelToCoord(pos.y());
    const int i = int(std::lround(key)) - 1;
    if (i < 0 || i >= m_rows.size() || std::abs(key - (i + 1)) > 0.35)
        return {};
    const Row& r = m_rows[i];
    return tr("<b>%1</b> (%2 layers)<br>%3 parameters<br>%4")
        .arg(r.type)
        .arg(r.count)
        .arg(QLocale().toString(r.params), LayerTableModel::humanBytes(r.bytes));
}

void LayerTypePlot::applyPalette()
{
    ChartWidget::applyPalette();
    if (!m_bytes)
        return;
    for (auto [bars, c] : {std::pair{m_bytes, seriesColor(0)}, std::pair{m_params, seriesColor(1)}}) {
        bars->setPen(QPen(c.darker(120)));
        bars->setBrush(c);
    }
    scheduleReplot();
}

} // namespace qs::plots
