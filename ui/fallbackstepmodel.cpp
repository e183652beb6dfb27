// SPDX-License-Identifier: GPL-3.0-or-later
#include "fallbackstepmodel.h"

#include "plots/metricformat.h"

#include <QtCore/QLocale>
#include <QtGui/QColor>

#include <cmath>
#include <limits>

namespace qs::ui {

FallbackStepModel::FallbackStepModel(QObject* parent) : QAbstractTableModel(parent) {}

void FallbackStepModel::setResult(const FallbackResult& result)
{
    beginResetModel();
    m_result = result;
    endResetModel();
}

void FallbackStepModel::clear()
{
    setResult({});
}

double FallbackStepModel::figure(const FallbackStep& step, DiagnosisMetric metric)
{
    if (metric == DiagnosisMetric::Sqnr)
        return step.figures.sqnrDb;
    return step.figures.top1DropPoints.value_or(qQNaN());
}

int FallbackStepModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_result.steps.size());
}

int FallbackStepModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FallbackStepModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FallbackStep& s = m_result.steps.at(index.row());
    const bool sqnr = m_result.metric == DiagnosisMetric::Sqnr;
    const double value = figure(s, m_result.metric);
    const bool first = index.row() == 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case StepColumn: return index.row() + 1;
        case ActionColumn: return s.accepted ? s.action : tr("%1 (undone)").arg(s.action);
        case ResultColumn:
            if (std::isinf(value))
                return QStringLiteral("∞ dB");
            return std::isnan(value) ? QString() : sqnr ? tr("%1 dB").arg(QLocale().toString(value, 'f', 1))
                                                         : tr("%1 pt").arg(QLocale().toString(value, 'f', 2));
        case GainedColumn:
            if (first)
                return QString();
            return sqnr ? tr("%1 dB").arg(QLocale().toString(s.gained, 'f', 1)) : tr("%1 pt").arg(QLocale().toString(s.gained, 'f', 2));
        case SizeColumn: return s.figures.fileBytes > 0 ? plots::formatValue(double(s.figures.fileBytes), plots::Unit::Bytes) : QString();
        case BytesAddedColumn:
            if (first)
                return QString();
            return (s.bytesAdded >= 0 ? QStringLiteral("+") : QStringLiteral("−"))
                + plots::formatValue(double(std::abs(s.bytesAdded)), plots::Unit::Bytes);
        case Fp32LayersColumn: return s.fp32Layers.isEmpty() ? tr("none") : s.fp32Layers.join(QStringLiteral(", "));
        case BudgetColumn: return s.withinBudget ? tr("within") : tr("outside");
        case ColumnCount: break;
        }
        return {};
    case SortRole:
        switch (Column(index.column())) {
        case StepColumn: return index.row();
        case ResultColumn: return std::isnan(value) ? -std::numeric_limits<double>::infinity() : value;
        case GainedColumn: return s.gained;
        case SizeColumn: return s.figures.fileBytes;
        case BytesAddedColumn: return s.bytesAdded;
        case Fp32LayersColumn: return int(s.fp32Layers.size());
        case BudgetColumn: return s.withinBudget;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::ForegroundRole:
        // Undone pruning attempts are history, not the result: shown faded.
        if (!s.accepted)
            return QColor(0x88, 0x88, 0x88);
        if (index.column() == BudgetColumn)
            return s.withinBudget ? QColor(0x00, 0x9E, 0x73) : QColor(0xD5, 0x5E, 0x00);
        return {};
    case Qt::TextAlignmentRole:
        switch (Column(index.column())) {
        case StepColumn: case ResultColumn: case GainedColumn: case SizeColumn: case BytesAddedColumn:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default: return int(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case Qt::ToolTipRole:
        if (index.column() == GainedColumn && !first)
            return sqnr ? tr("SQNR gained against the previous accepted step") : tr("Top-1 points won back against the previous accepted step");
        if (index.column() == BytesAddedColumn && !first)
            return tr("What keeping the layer in FP32 costs in file size (negative: quantizing it again saved)");
        return {};
    case AcceptedRole: return s.accepted;
    case WithinBudgetRole: return s.withinBudget;
    default: return {};
    }
}

QVariant FallbackStepModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    const bool sqnr = m_result.metric == DiagnosisMetric::Sqnr;
    switch (Column(section)) {
    case StepColumn: return tr("Step");
    case ActionColumn: return tr("Action");
    case ResultColumn: return sqnr ? tr("SQNR") : tr("Top-1 drop");
    case GainedColumn: return tr("Bought");
    case SizeColumn: return tr("Size");
    case BytesAddedColumn: return tr("Size added");
    case Fp32LayersColumn: return tr("Layers in FP32");
    case BudgetColumn: return tr("Budget");
    case ColumnCount: break;
    }
    return {};
}

} // namespace qs::ui
