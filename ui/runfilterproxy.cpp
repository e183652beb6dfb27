// SPDX-License-Identifier: GPL-3.0-or-later
#include "runfilterproxy.h"

#include "core/store/runtablemodel.h"

namespace qs::ui {

RunFilterProxy::RunFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(RunTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void RunFilterProxy::setRunFilter(const RunFilter& filter)
{
    m_filter = filter;
    m_filter.text = m_filter.text.trimmed();
    invalidateFilter();
}

bool RunFilterProxy::matches(const RunSummary& run, const RunFilter& filter)
{
    if (!filter.kind.isEmpty() && run.kind != filter.kind)
        return false;
    if (filter.status && run.status != *filter.status)
        return false;
    if (!filter.tag.isEmpty() && !run.tags.contains(filter.tag))
        return false;
    const QString& t = filter.text;
    if (t.isEmpty())
        return true;
    // SQL LIKE is case-insensitive for ASCII; so is this.
    auto has = [&t](const QString& s) { return s.contains(t, Qt::CaseInsensitive); };
    if (has(run.modelName) || has(run.scheme) || has(run.engine) || has(run.kind) || has(run.note))
        return true;
    for (const QString& tag : run.tags) {
        if (has(tag))
            return true;
    }
    // People also type the id they saw in a report or in `runs list`.
    const QString id = t.startsWith(QLatin1Char('#')) ? t.mid(1) : t;
    bool isNumber = false;
    if (id.toLongLong(&isNumber) == run.id && isNumber)
        return true;
    return t.size() >= 4 && run.uuid.startsWith(t, Qt::CaseInsensitive);
}

bool RunFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    const auto* runs = qobject_cast<const RunTableModel*>(sourceModel());
    if (!runs || sourceRow >= runs->rowCount())
        return false;
    return matches(runs->run(sourceRow), m_filter);
}

bool RunFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const QVariant l = left.data(sortRole());
    const QVariant r = right.data(sortRole());
    int c = 0;
    if (l.userType() == QMetaType::QString && r.userType() == QMetaType::QString) {
        c = QString::compare(l.toString(), r.toString(), Qt::CaseInsensitive);
    } else {
        const QPartialOrdering o = QVariant::compare(l, r);
        c = o == QPartialOrdering::Less ? -1 : o == QPartialOrdering::Greater ? 1 : 0;
    }
    // Equal values (the same batch, the same kind) keep a stable, meaningful order: by run id.
    if (c != 0)
        return c < 0;
    return left.data(RunTableModel::RunIdRole).toLongLong() < right.data(RunTableModel::RunIdRole).toLongLong();
}

} // namespace qs::ui
