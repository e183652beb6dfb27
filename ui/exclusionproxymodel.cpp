// SPDX-License-Identifier: GPL-3.0-or-later
#include "exclusionproxymodel.h"

#include "core/model/layertablemodel.h"

#include <QtGui/QFont>

namespace qs::ui {

ExclusionProxyModel::ExclusionProxyModel(QObject* parent) : QIdentityProxyModel(parent) {}

void ExclusionProxyModel::setSourceModel(QAbstractItemModel* source)
{
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    QIdentityProxyModel::setSourceModel(source);
    m_typesValid = false;
    if (source) {
        connect(source, &QAbstractItemModel::modelReset, this, [this] { m_typesValid = false; });
        connect(source, &QAbstractItemModel::layoutChanged, this, [this] { m_typesValid = false; });
        connect(source, &QAbstractItemModel::rowsInserted, this, [this] { m_typesValid = false; });
        connect(source, &QAbstractItemModel::rowsRemoved, this, [this] { m_typesValid = false; });
    }
}

void ExclusionProxyModel::setPatterns(const QStringList& patterns)
{
    if (patterns == m_patterns)
        return;
    m_patterns = patterns;
    m_set = LayerPatternSet(patterns);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::DisplayRole, Qt::FontRole, Qt::ToolTipRole});
}

QString ExclusionProxyModel::matchingPattern(const QString& name, const QString& type) const
{
    if (m_patterns.isEmpty())
        return {};
    if (!m_typesValid && sourceModel()) {
        m_types.clear();
        for (int r = 0; r < sourceModel()->rowCount(); ++r)
            m_types.insert(sourceModel()->index(r, LayerTableModel::NameColumn).data(LayerTableModel::NameRole).toString(),
                           sourceModel()->index(r, LayerTableModel::TypeColumn).data().toString());
        m_typesValid = true;
    }
    return m_set.match(name, type, [this](const QString& parent) { return m_types.value(parent); });
}

QVariant ExclusionProxyModel::data(const QModelIndex& index, int role) const
{
    if (m_patterns.isEmpty() || !index.isValid() || (role != Qt::DisplayRole && role != Qt::FontRole && role != Qt::ToolTipRole))
        return QIdentityProxyModel::data(index, role);
    const QModelIndex nameIndex = index.siblingAtColumn(LayerTableModel::NameColumn);
    const QString name = QIdentityProxyModel::data(nameIndex, LayerTableModel::NameRole).toString();
    const QString type = QIdentityProxyModel::data(index.siblingAtColumn(LayerTableModel::TypeColumn), Qt::DisplayRole).toString();
    const QString pattern = matchingPattern(name, type);
    if (pattern.isEmpty())
        return QIdentityProxyModel::data(index, role);
    switch (role) {
    case Qt::FontRole: {
        QFont f = QIdentityProxyModel::data(index, role).value<QFont>();
        f.setItalic(true);
        return f;
    }
    case Qt::DisplayRole:
        if (index.column() == LayerTableModel::SchemesColumn)
            return tr("kept in FP32");
        break;
    case Qt::ToolTipRole:
        return tr("Kept in FP32 when quantizing (excluded by \"%1\")").arg(pattern);
    }
    return QIdentityProxyModel::data(index, role);
}

} // namespace qs::ui
