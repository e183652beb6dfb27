// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QSortFilterProxyModel>

namespace qs {

/// \brief Sorting and filtering for LayerTableModel: text filter over name/type/schemes,
/// "leaf layers only", numeric sort on raw values.
class LayerFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit LayerFilterProxy(QObject* parent = nullptr);

    void setLeafOnly(bool leafOnly);
    bool leafOnly() const { return m_leafOnly; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool m_leafOnly = false;
};

} // namespace qs
