// SPDX-License-Identifier: GPL-3.0-or-later
#include "layertablemodel.h"

#include <QtCore/QLocale>

namespace qs {

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::setModelInfo(const ModelInfo& info)
{
    beginResetModel();
    m_info = info;
    endResetModel();
}

int LayerTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_info.layers.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString LayerTableModel::humanCount(qint64 n)
{
    if (n >= 1000000000)
        return QStringLiteral("%1 G").arg(double(n) / 1e9, 0, 'f', 2);
    if (n >= 1000000)
        return QStringLiteral("%1 M").arg(double(n) / 1e6, 0, 'f', 2);
    if (n >= 10000)
        return QStringLiteral("%1 k").arg(double(n) / 1e3, 0, 'f', 1);
    return QString::number(n);
}

QString LayerTableModel::humanBytes(qint64 n)
{
    if (n >= 1000000000)
        return QStringLiteral("%1 GB").arg(double(n) / 1e9, 0, 'f', 2);
    if (n >= 1000000)
        return QStringLiteral("%1 MB").arg(double(n) / 1e6, 0, 'f', 2);
    if (n >= 1000)
        return QStringLiteral("%1 kB").arg(double(n) / 1e3, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(n);
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_info.layers.size() || index.column() >= ColumnCount)
        return {};
    const LayerInfo& l = m_info.layers.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return l.name;
        case TypeColumn: return l.type;
        case ParamsColumn: return l.params + l.packedParams > 0 ? humanCount(l.params + l.packedParams) : QString();
        case BytesColumn: return l.bytes > 0 ? humanBytes(l.bytes) : QString();
        case OutputColumn: return l.outputShape;
        case MacsColumn: return l.macs >= 0 ? humanCount(l.macs) : QString();
        case SchemesColumn: return l.quantized ? tr("already quantized") : l.schemes.join(QLatin1String(", "));
        }
        break;
    case SortRole:
        switch (index.column()) {
        case ParamsColumn: return l.params + l.packedParams;
        case BytesColumn: return l.bytes;
        case MacsColumn: return l.macs;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TypeColumn: return l.qualifiedType;
        case ParamsColumn: return QLocale().toString(l.params + l.packedParams);
        case BytesColumn: return QLocale().toString(l.bytes) + tr(" bytes");
        case MacsColumn: return l.macs >= 0 ? QLocale().toString(l.macs) : QVariant();
        default: return {};
        }
    case Qt::TextAlignmentRole:
        if (index.column() == ParamsColumn || index.column() == BytesColumn || index.column() == MacsColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case LeafRole: return l.leaf;
    case DepthRole: return l.depth;
    case QuantizedRole: return l.quantized;
    case NameRole: return l.name;
    }
    return {};
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Layer");
    case TypeColumn: return tr("Type");
    case ParamsColumn: return tr("Params");
    case BytesColumn: return tr("Bytes");
    case OutputColumn: return tr("Output");
    case MacsColumn: return tr("MACs");
    case SchemesColumn: return tr("Schemes");
    }
    return {};
}

} // namespace qs
