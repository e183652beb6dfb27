// SPDX-License-Identifier: GPL-3.0-or-later
#include "exclusionproxymodel.h"

#include "core/model/layertablemodel.h"

#include <QtGui/QFont>

namespace qs::ui {

ExclusionProxyModel::ExclusionProxyModel(QObject* parent) : QIdentityProxyModel(parent) {}

void ExclusionProxyModel::setPatterns(const QStringList& patterns)
{
    if (patterns == m_patterns)
        return;
    m_patterns = patterns;
    m_res.clear();
    for (const QString& p : patterns)
        m_res << QRegularExpression(QRegularExpression::wildcardToRegularExpression(p, QRegularExpression::UnanchoredWildcardConversion),
                                    QRegularExpression::NoPatternOption);
    // Anchor: a glob matches the whole name, as the quantizer's patterns do.
    for (QRegularExpression& re : m_res)
        re.setPattern(QStringLiteral("\\A(?:%1)\\z").arg(re.pattern()));
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::DisplayRole, Qt::FontRole, Qt::ToolTipRole});
}

QString ExclusionProxyModel::matchingPattern(const QString& name, const QString& type) const
{
    for (int i = 0; i < m_res.size(); ++i) {
        if (m_res[i].match(type).hasMatch())
            return m_patterns[i];
        // The layer itself or one of the modules holding it ("features" covers "features.0").
        QString n = name;
        while (!n.isEmpty()) {
            if (m_res[i].match(n).hasMatch())
                return m_patterns[i];
            const int dot = n.lastIndexOf(QLatin1Char('.'));
            n = dot < 0 ? QString() : n.left(dot);
        }
    }
    return {};
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
