// SPDX-License-Identifier: GPL-3.0-or-later
#include "rangetablemodel.h"

#include "plots/metricformat.h"

#include <QtCore/QLocale>

#include <algorithm>
#include <cmath>
#include <limits>

namespace qs::ui {

namespace {

QString number(double v)
{
    return QLocale().toString(v, 'g', 4);
}

QString decibels(double v)
{
    if (std::isinf(v))
        return v > 0 ? QObject::tr("exact") : QStringLiteral("−∞");
    return QLocale().toString(v, 'f', 1);
}

QString percent(double fraction)
{
    if (fraction <= 0)
        return QStringLiteral("0");
    return QLocale().toString(100.0 * fraction, 'g', 3) + QStringLiteral(" %");
}

QString scaleText(const QuantRange& r)
{
    switch (r.kind) {
    case QuantRange::Kind::PerTensor:
        return RangeTableModel::tr("%1, zero point %2").arg(number(r.scale)).arg(r.zeroPoint);
    case QuantRange::Kind::PerChannel:
    case QuantRange::Kind::PerBlock: {
        if (r.scales.isEmpty())
            return {};
        const auto [lo, hi] = std::minmax_element(r.scales.begin(), r.scales.end());
        return RangeTableModel::tr("%1, %2 … %3")
            .arg(plots::countText(r.scales.size(), RangeTableModel::tr("scale"), RangeTableModel::tr("scales")), number(*lo), number(*hi));
    }
    case QuantRange::Kind::Codebook:
        return plots::countText(r.codebook.size(), RangeTableModel::tr("centroid"), RangeTableModel::tr("centroids"));
    case QuantRange::Kind::Float16:
    case QuantRange::Kind::None:
        break;
    }
    return {};
}

} // namespace

RangeTableModel::RangeTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RangeTableModel::setDiagnosis(const LayerDiagnosis& diagnosis)
{
    beginResetModel();
    m_diagnosis = diagnosis;
    endResetModel();
}

void RangeTableModel::clear()
{
    setDiagnosis({});
}

RangeTableModel::Row RangeTableModel::rowAt(int row) const
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (isWeight(row)) {
        const WeightDiagnosis& w = m_diagnosis.weights.at(row);
        QStringList shape;
        for (qint64 s : w.shape)
            shape << QString::number(s);
        return {w.tensor, w.layerType, shape.join(QStringLiteral("×")), nan, nan, w.quantized, w.sqnrDb, w.mse,
                w.clippedFraction, w.note, &w.histogram, &w.range};
    }
    const ActivationDiagnosis& a = m_diagnosis.activations.at(row - m_diagnosis.weights.size());
    QString note = a.consumers.isEmpty() ? QString() : tr("read by %1").arg(a.consumers.join(QStringLiteral(", ")));
    if (!a.range.observer.isEmpty())
        note = note.isEmpty() ? a.range.observer : QStringLiteral("%1; %2").arg(note, a.range.observer);
    return {a.name, a.producer, QString(), a.observedMin, a.observedMax, a.range.kind != QuantRange::Kind::None, a.sqnrDb, a.mse,
            a.clippedFraction, note, &a.histogram, &a.range};
}

QString RangeTableModel::describeRange(const QuantRange& r)
{
    if (r.kind == QuantRange::Kind::None)
        return tr("FP32 (not quantized)");
    const QString extent = QStringLiteral("[%1, %2]").arg(number(r.clipMin), number(r.clipMax));
    if (r.kind == QuantRange::Kind::Float16)
        return tr("float16, %1").arg(extent);
    if (r.kind == QuantRange::Kind::Codebook)
        return tr("%1 codebook, centroids %2").arg(r.dtype, extent);
    if (r.kind == QuantRange::Kind::PerTensor)
        return tr("%1 per tensor, %2").arg(r.dtype, extent);
    // Per channel and per block: the widest of the channels' ranges.
    return tr("%1 %2, widest %3").arg(r.dtype, QuantRange::kindName(r.kind), extent);
}

plots::ValueHistogram RangeTableModel::histogram(int row) const
{
    plots::ValueHistogram h;
    if (row < 0 || row >= rowCount())
        return h;
    const Row r = rowAt(row);
    h.title = isWeight(row) ? r.tensor : tr("%1 (activation)").arg(r.tensor);
    h.lo = r.histogram->lo;
    h.hi = r.histogram->hi;
    h.counts.reserve(r.histogram->counts.size());
    for (qint64 c : r.histogram->counts)
        h.counts << double(c);
    if (r.range->kind != QuantRange::Kind::None) {
        h.rangeLo = r.range->clipMin;
        h.rangeHi = r.range->clipMax;
    }
    h.rangeLabel = describeRange(*r.range);
    return h;
}

int RangeTableModel::worstRow() const
{
    int worst = -1;
    for (int i = 0; i < rowCount(); ++i) {
        const Row r = rowAt(i);
        if (r.quantized && (worst < 0 || r.sqnrDb < rowAt(worst).sqnrDb))
            worst = i;
    }
    return worst;
}

int RangeTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_diagnosis.weights.size() + m_diagnosis.activations.size());
}

int RangeTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RangeTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row r = rowAt(index.row());
    const bool weight = isWeight(index.row());
    const bool observed = !std::isnan(r.observedMin);
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case TensorColumn: return r.tensor;
        case KindColumn: return weight ? tr("weight") : tr("activation");
        case TypeColumn: return r.type;
        case ShapeColumn: return r.shape;
        case ObservedColumn: return observed ? QStringLiteral("[%1, %2]").arg(number(r.observedMin), number(r.observedMax)) : QString();
        case RangeColumn: return r.range->kind == QuantRange::Kind::None ? tr("FP32")
                                                                          : QStringLiteral("[%1, %2]").arg(number(r.range->clipMin), number(r.range->clipMax));
        case ScaleColumn: return scaleText(*r.range);
        case SqnrColumn: return r.quantized ? decibels(r.sqnrDb) : QString();
        case MseColumn: return r.quantized ? number(r.mse) : QString();
        case ClippedColumn: return r.quantized ? percent(r.clipped) : QString();
        case NoteColumn: return r.note;
        case ColumnCount: break;
        }
        return {};
    case SortRole:
        switch (Column(index.column())) {
        // FP32 tensors last when sorted by error, worst first.
        case SqnrColumn: return r.quantized ? (std::isinf(r.sqnrDb) ? std::numeric_limits<double>::max() : r.sqnrDb)
                                            : std::numeric_limits<double>::infinity();
        case MseColumn: return r.quantized ? r.mse : -1.0;
        case ClippedColumn: return r.quantized ? r.clipped : -1.0;
        case ObservedColumn: return observed ? r.observedMax - r.observedMin : -1.0;
        case RangeColumn: return r.range->kind == QuantRange::Kind::None ? -1.0 : r.range->clipMax - r.range->clipMin;
        case KindColumn: return weight ? 0 : 1;
        case TensorColumn: return index.row(); // model order
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        switch (Column(index.column())) {
        case SqnrColumn: case MseColumn: case ClippedColumn: return int(Qt::AlignRight | Qt::AlignVCenter);
        default: return int(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case Qt::ToolTipRole:
        switch (Column(index.column())) {
        case RangeColumn: return describeRange(*r.range);
        case SqnrColumn: return tr("Signal over quantization noise of this tensor alone, rounded to its range (higher is better)");
        case ClippedColumn: return tr("Values clamped to the end of the range: beyond it by more than half a step");
        case NoteColumn: return r.note.isEmpty() ? QVariant() : r.note;
        default: return {};
        }
    case QuantizedRole: return r.quantized;
    default: return {};
    }
}

QVariant RangeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case TensorColumn: return tr("Tensor");
    case KindColumn: return tr("Kind");
    case TypeColumn: return tr("Layer / op");
    case ShapeColumn: return tr("Shape");
    case ObservedColumn: return tr("Observed");
    case RangeColumn: return tr("Range");
    case ScaleColumn: return tr("Scale");
    case SqnrColumn: return tr("SQNR dB");
    case MseColumn: return tr("MSE");
    case ClippedColumn: return tr("Clipped");
    case NoteColumn: return tr("Note");
    case ColumnCount: break;
    }
    return {};
}

} // namespace qs::ui
