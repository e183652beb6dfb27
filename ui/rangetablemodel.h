// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/eval/layerdiagnosis.h"
#include "plots/valuehistogramplot.h"

#include <QtCore/QAbstractTableModel>

namespace qs::ui {

/// \brief The Layers page's ranges: one row per weight, then one per activation, of a
/// LayerDiagnosis, with the range the scheme chose and what quantizing to it costs the tensor
/// (SQNR, MSE, values clipped). The histogram of a row, ready to plot, comes from histogram().
class RangeTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    // What tells a tensor's trouble first (its error and what is clipped), then why.
    enum Column { TensorColumn, KindColumn, TypeColumn, SqnrColumn, ClippedColumn, RangeColumn, ObservedColumn, ScaleColumn,
                  MseColumn, ShapeColumn, NoteColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        SortRole = Qt::UserRole, ///< numbers as numbers (FP32 rows last when sorted by SQNR)
        QuantizedRole,           ///< bool: the scheme quantizes this tensor
    };

    explicit RangeTableModel(QObject* parent = nullptr);

    void setDiagnosis(const LayerDiagnosis& diagnosis);
    const LayerDiagnosis& diagnosis() const { return m_diagnosis; }
    void clear();

    bool isWeight(int row) const { return row < m_diagnosis.weights.size(); }
    /// Row \a row's values and range, as the histogram plot takes them.
    plots::ValueHistogram histogram(int row) const;
    /// The quantized row with the lowest SQNR (the tensor the scheme hurts most), or -1.
    int worstRow() const;

    /// "int8 per-channel, [−0.41, 0.38]": how a range reads in a title or a legend.
    static QString describeRange(const QuantRange& range);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString tensor;
        QString type;
        QString shape;
        double observedMin;
        double observedMax;
        bool quantized;
        double sqnrDb;
        double mse;
        double clipped;
        QString note;
        const Histogram* histogram;
        const QuantRange* range;
    };
    Row rowAt(int row) const;

    LayerDiagnosis m_diagnosis;
};

} // namespace qs::ui
