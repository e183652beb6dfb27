// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plots/chartwidget.h"

#include "core/model/modelinfo.h"

class QCPBars;

namespace qs::plots {

/// \brief Weight bytes and parameters by layer type (horizontal bars, largest on top).
class LayerTypePlot : public ChartWidget
{
    Q_OBJECT
public:
    explicit LayerTypePlot(QWidget* parent = nullptr);
    void setModelInfo(const ModelInfo& info);

    struct Row
    {
        QString type;
        int count = 0;
        qint64 params = 0;
        qint64 bytes = 0;
    };
    /// The rows as plotted, top to bottom.
    QVector<Row> rows() const { return m_rows; }

protected:
    QString toolTipAt(const QPoint& pos) const override;
    void applyPalette() override;

private:
    QVector<Row> m_rows;
    QCPBars* m_bars = nullptr;
};

} // namespace qs::plots
