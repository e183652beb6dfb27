// SPDX-License-Identifier: GPL-3.0-or-later
#include "sensitivitytablemodel.h"

#include "plots/metricformat.h"

#include <QtCore/QLocale>

#include <cmath>
#include <limits>

namespace qs::ui {

namespace {
QString fixed(double v, int decimals)
{
    return std::isfinite(v) ? QLocale().toString(v, 'f', decimals) : std::isinf(v) ? QStringLiteral("∞") : QString();
}
QVariant sortable(double v)
{
    return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
}
} // namespace

SensitivityTableModel::SensitivityTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SensitivityTableModel::setResult(const SensitivityResult& result)
{
    beginResetModel();
    m_result = result;
    m_kept.clear();
    endResetModel();
}

void SensitivityTableModel::setKeptLayers(const QStringList& layers)
{
    m_kept = layers;
    if (!m_result.layers.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void SensitivityTableModel::clear()
{
    setResult({});
}

QString SensitivityTableModel::costTitle(DiagnosisMetric metric)
{
    return metric == DiagnosisMetric::Sqnr ? tr("Noise (% of signal)") : tr("Top-1 drop (pt)");
}

double SensitivityTableModel::cost(const LayerSensitivity& layer, DiagnosisMetric metric)
{
    if (metric == DiagnosisMetric::Sqnr)
        return std::isinf(layer.figures.sqnrDb) ? 0.0 : 100.0 * std::pow(10.0, -layer.figures.sqnrDb / 10.0);
    return layer.figures.top1DropPoints.value_or(layer.score);
}

int SensitivityTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_result.layers.size());
}

int SensitivityTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SensitivityTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LayerSensitivity& l = m_result.layers.at(index.row());
    const TrialFigures& f = l.figures;
    const bool kept = m_kept.contains(l.name);
    const double top1 = f.top1 ? *f.top1 * 100.0 : qQNaN();
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case RankColumn: return l.rank;
        case LayerColumn: return l.name;
        case TypeColumn: return l.type;
        case CostColumn: return l.quantized ? fixed(cost(l, m_result.metric), 2) : QString();
        case Top1Column: return l.quantized ? fixed(top1, 2) : QString();
        case SqnrColumn: return l.quantized ? fixed(f.sqnrDb, 1) : QString();
        case CosineColumn: return l.quantized ? fixed(f.cosine, 5) : QString();
        case SizeColumn: return f.fileBytes > 0 ? plots::formatValue(double(f.fileBytes), plots::Unit::Bytes) : QString();
        case SecondsColumn: return fixed(l.seconds, 1);
        case FallbackColumn: return kept ? tr("kept in FP32") : QString();
        case NoteColumn: return l.quantized ? l.note : (l.note.isEmpty() ? tr("not quantized by this scheme") : l.note);
        case ColumnCount: break;
        }
        return {};
    case SortRole:
        switch (Column(index.column())) {
        case RankColumn: return l.rank;
        case CostColumn: return sortable(l.quantized ? cost(l, m_result.metric) : qQNaN());
        case Top1Column: return sortable(top1);
        case SqnrColumn: return sortable(std::isinf(f.sqnrDb) ? std::numeric_limits<double>::max() : f.sqnrDb);
        case CosineColumn: return sortable(f.cosine);
        case SizeColumn: return f.fileBytes;
        case SecondsColumn: return l.seconds;
        case FallbackColumn: return kept;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        switch (Column(index.column())) {
        case RankColumn: case CostColumn: case Top1Column: case SqnrColumn: case CosineColumn: case SizeColumn: case SecondsColumn:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default: return int(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case Qt::ToolTipRole:
        if (index.column() == CostColumn)
            return m_result.metric == DiagnosisMetric::Sqnr
                ? tr("Output noise when only this layer is quantized, as a share of the output's power (from SQNR)")
                : tr("Top-1 points lost when only this layer is quantized (negative: it gained)");
        if (index.column() == NoteColumn && !l.note.isEmpty())
            return l.note;
        return {};
    case LayerNameRole: return l.name;
    case KeptRole: return kept;
    default: return {};
    }
}

QVariant SensitivityTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case RankColumn: return tr("Rank");
    case LayerColumn: return tr("Layer");
    case TypeColumn: return tr("Type");
    case CostColumn: return costTitle(m_result.metric);
    case Top1Column: return tr("Top-1 %");
    case SqnrColumn: return tr("SQNR dB");
    case CosineColumn: return tr("Cosine");
    case SizeColumn: return tr("Size");
    case SecondsColumn: return tr("Seconds");
    case FallbackColumn: return tr("Fallback");
    case NoteColumn: return tr("Note");
    case ColumnCount: break;
    }
    return {};
}

} // namespace qs::ui
