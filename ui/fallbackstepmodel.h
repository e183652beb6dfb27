// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/eval/diagnosis.h"

#include <QtCore/QAbstractTableModel>

namespace qs::ui {

/// \brief The steps of an accuracy-aware fallback, one row each: which layer went back to FP32
/// (or was quantized again), the figure it gave against the budget, and what the step bought
/// in accuracy and cost in bytes.
class FallbackStepModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { StepColumn, ActionColumn, ResultColumn, GainedColumn, SizeColumn, BytesAddedColumn, Fp32LayersColumn,
                  BudgetColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        SortRole = Qt::UserRole,
        AcceptedRole,     ///< bool: false for a pruning attempt that was undone
        WithinBudgetRole, ///< bool
    };

    explicit FallbackStepModel(QObject* parent = nullptr);

    void setResult(const FallbackResult& result);
    const FallbackResult& result() const { return m_result; }
    void clear();

    /// The step's figure on the budget's scale: top-1 drop in points, or SQNR in dB.
    static double figure(const FallbackStep& step, DiagnosisMetric metric);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    FallbackResult m_result;
};

} // namespace qs::ui
