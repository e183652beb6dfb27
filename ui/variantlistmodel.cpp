// SPDX-License-Identifier: GPL-3.0-or-later
#include "variantlistmodel.h"

#include "plots/metricformat.h"

#include <QtCore/QLocale>
#include <QtGui/QBrush>
#include <QtGui/QColor>

#include <cmath>

namespace qs::ui {

using plots::formatValue;
using plots::Unit;

VariantListModel::VariantListModel(QObject* parent) : QAbstractTableModel(parent) {}

QString VariantListModel::label(const Variant& v)
{
    return v.engine.isEmpty() || v.runtime == Variant::Runtime::DequantizedAtLoad ? v.scheme
                                                                                   : QStringLiteral("%1 (%2)").arg(v.scheme, v.engine);
}

void VariantListModel::setVariants(const QVector<Variant>& variants)
{
    beginResetModel();
    m_variants = variants;
    endResetModel();
}

void VariantListModel::addVariant(const Variant& variant)
{
    for (int i = 0; i < m_variants.size(); ++i) {
        if (!variant.artifactPath.isEmpty() && m_variants[i].artifactPath == variant.artifactPath) {
            m_variants[i] = variant;
            Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
            return;
        }
    }
    beginInsertRows({}, int(m_variants.size()), int(m_variants.size()));
    m_variants << variant;
    endInsertRows();
}

int VariantListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_variants.size());
}

int VariantListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant VariantListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_variants.size())
        return {};
    const Variant& v = m_variants.at(index.row());
    const Coverage& c = v.coverage;
    const Fidelity& f = v.fidelity;
    const double shrink = v.fileBytesAfter > 0 ? double(v.fileBytesBefore) / double(v.fileBytesAfter) : 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SchemeColumn: return label(v);
        case SizeColumn:
            return tr("%1 (%2× smaller)").arg(formatValue(double(v.fileBytesAfter), Unit::Bytes), QLocale().toString(shrink, 'f', 2));
        case LayersColumn: return QStringLiteral("%1/%2").arg(c.quantizedLayers).arg(c.totalLayers);
        case TensorsColumn: return QStringLiteral("%1/%2").arg(c.quantizedTensors).arg(c.totalTensors);
        case CosineColumn: return f.measured ? QLocale().toString(f.cosine, 'f', 4) : tr("not measured");
        case SqnrColumn: return f.measured ? (std::isinf(f.sqnrDb) ? tr("identical") : formatValue(f.sqnrDb, Unit::Decibel)) : QString();
        case SecondsColumn: return tr("%1 s").arg(QLocale().toString(v.seconds, 'f', 1));
        }
        break;
    case SortRole:
        switch (index.column()) {
        case SizeColumn: return v.fileBytesAfter;
        case LayersColumn: return c.quantizedLayers;
        case TensorsColumn: return c.quantizedTensors;
        case CosineColumn: return f.measured ? f.cosine : -2.0;
        case SqnrColumn: return f.measured ? f.sqnrDb : -1e9;
        case SecondsColumn: return v.seconds;
        default: return data(index, Qt::DisplayRole);
        }
    case ArtifactRole: return v.artifactPath;
    case CollapsedRole: return f.collapsed;
    case Qt::ForegroundRole:
        if (f.collapsed && (index.column() == CosineColumn || index.column() == SchemeColumn))
            return QBrush(QColor(0xD5, 0x5E, 0x00));
        break;
    case Qt::ToolTipRole:
        if (index.column() == CosineColumn && f.collapsed)
            return tr("The output collapsed (cosine below %1, zeros or NaN): %2").arg(Fidelity::collapseCosine()).arg(f.note);
        if (index.column() == CosineColumn && f.measured)
            return tr("Cosine similarity of the outputs with FP32's on %1").arg(f.inputs);
        if (index.column() == SchemeColumn)
            return v.artifactPath;
        if (index.column() == SizeColumn)
            return tr("%1 → %2 bytes").arg(QLocale().toString(v.fileBytesBefore), QLocale().toString(v.fileBytesAfter));
        break;
    case Qt::TextAlignmentRole:
        if (index.column() != SchemeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    }
    return {};
}

QVariant VariantListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SchemeColumn: return tr("Variant");
    case SizeColumn: return tr("File size");
    case LayersColumn: return tr("Layers");
    case TensorsColumn: return tr("Tensors");
    case CosineColumn: return tr("Cosine");
    case SqnrColumn: return tr("SQNR");
    case SecondsColumn: return tr("Took");
    }
    return {};
}

} // namespace qs::ui
