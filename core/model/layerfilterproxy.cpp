// SPDX-License-Identifier: GPL-3.0-or-later
#include "layerfilterproxy.h"

#include "core/model/layertablemodel.h"

namespace qs {

LayerFilterProxy::LayerFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(LayerTableModel::SortRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setFilterKeyColumn(-1);
}

void LayerFilterProxy::setLeafOnly(bool leafOnly)
{
    if (m_leafOnly == leafOnly)
        return;
    m_leafOnly = leafOnly;
    invalidateRowsFilter();
}

bool LayerFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_leafOnly && !sourceModel()->index(sourceRow, 0, sourceParent).data(LayerTableModel::LeafRole).toBool())
        return false;
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace qs
