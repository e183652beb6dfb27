// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/eval/diagnosis.h"

#include <QtCore/QAbstractTableModel>

namespace qs::ui {

/// \brief The Layers page's ranking: one row per layer of a SensitivityResult, most sensitive
/// first, with what quantizing it alone costs and whether the fallback keeps it in FP32.
class SensitivityTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { RankColumn, LayerColumn, TypeColumn, CostColumn, Top1Column, SqnrColumn, CosineColumn, SizeColumn,
                  SecondsColumn, FallbackColumn, NoteColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        SortRole = Qt::UserRole, ///< numbers as numbers (NaN-free)
        LayerNameRole,           ///< QString: "features.0"
        KeptRole,                ///< bool: the fallback keeps it in FP32
    };

    explicit SensitivityTableModel(QObject* parent = nullptr);

    void setResult(const SensitivityResult& result);
    const SensitivityResult& result() const { return m_result; }
    /// Marks the layers the accuracy-aware fallback keeps in FP32.
    void setKeptLayers(const QStringList& layers);
    void clear();

    /// "Top-1 drop (pt)" or "Noise (% of signal)": what the cost column holds for \a metric.
    static QString costTitle(DiagnosisMetric metric);
    /// The cost of \a layer on the scale the chart and the cost column use: top-1 points lost
    /// (metric top1) or output noise power in percent of the signal, 100 * 10^(-SQNR/10) (sqnr).
    static double cost(const LayerSensitivity& layer, DiagnosisMetric metric);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    SensitivityResult m_result;
    QStringList m_kept;
};

} // namespace qs::ui
