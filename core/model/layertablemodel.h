// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/model/modelinfo.h"

#include <QtCore/QAbstractTableModel>

namespace qs {

/// \brief The inspector's layer table: one row per submodule of a ModelInfo.
class LayerTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, ParamsColumn, BytesColumn, OutputColumn, MacsColumn, SchemesColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole, ///< raw numbers for numeric columns
        LeafRole,                ///< bool: has no submodules
        DepthRole,               ///< int
        QuantizedRole,           ///< bool
        NameRole,                ///< qualified name
    };

    explicit LayerTableModel(QObject* parent = nullptr);

    void setModelInfo(const ModelInfo& info);
    const ModelInfo& modelInfo() const { return m_info; }
    const LayerInfo& layer(int row) const { return m_info.layers.at(row); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// "1.2 M", "12.3 k", "123"
    static QString humanCount(qint64 n);
    /// "1.23 MB", "12.3 kB", "123 B"
    static QString humanBytes(qint64 n);

private:
    ModelInfo m_info;
};

} // namespace qs
