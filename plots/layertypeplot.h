// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plots/chartwidget.h"

#include "core/model/modelinfo.h"

class QCPBars;
class QCPAxisRect;

namespace qs::plots {

/// \brief Parameters and weight bytes by layer type, side by side (horizontal bars, largest
/// on top): where a model's size is, and so what quantizing each kind of layer can save.
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
    /// The rows as plotted, bottom to top (largest last).
    QVector<Row> rows() const { return m_rows; }

protected:
    QString toolTipAt(const QPoint& pos) const override;
    void applyPalette() override;
    void rescale() override;

private:
    QVector<Row> m_rows;
    QCPAxisRect* m_bytesRect = nullptr;
    QCPAxisRect* m_paramsRect = nullptr;
    QCPBars* m_bytes = nullptr;
    QCPBars* m_params = nullptr;
};

} // namespace qs::plots
