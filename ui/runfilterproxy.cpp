// SPDX-License-Identifier: GPL-3.0-or-later
#include "runfilterproxy.h"

#include "core/store/runtablemodel.h"

namespace qs::ui {

RunFilterProxy::RunFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(RunTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void RunFilterProxy::setSourceModel(QAbstractItemModel* model)
{
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    // Connected before the base class connects its own handlers: the derived data is stale
    // by the time the proxy re-filters and re-sorts.
    if (model) {
        connect(model, &QAbstractItemModel::modelAboutToBeReset, this, &RunFilterProxy::sourceChanged);
        connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this, &RunFilterProxy::sourceChanged);
        connect(model, &QAbstractItemModel::dataChanged, this, &RunFilterProxy::sourceChanged);
        connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, &RunFilterProxy::sourceChanged);
        connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, &RunFilterProxy::sourceChanged);
    }
    sourceChanged();
    QSortFilterProxyModel::setSourceModel(model);
}

void RunFilterProxy::sourceChanged()
{
    m_haystacks.clear();
    m_keyColumn = -1;
}

void RunFilterProxy::setRunFilter(const RunFilter& filter)
{
    m_filter = filter;
    m_filter.text = m_filter.text.trimmed();
    m_needle = m_filter.text.toCaseFolded();
    invalidateFilter();
}

QString RunFilterProxy::haystack(const RunSummary& run)
{
    // The fields the text filter looks at, one per line: a needle typed on one line never
    // matches across two fields, as SQL LIKE on each column does not.
    QString h = run.modelName + QLatin1Char('\n') + run.scheme + QLatin1Char('\n') + run.engine + QLatin1Char('\n') + run.kind
        + QLatin1Char('\n') + run.note;
    for (const QString& tag : run.tags)
        h += QLatin1Char('\n') + tag;
    return h.toCaseFolded();
}

bool RunFilterProxy::matchesExactly(const RunSummary& run, const RunFilter& filter)
{
    if (!filter.kind.isEmpty() && run.kind != filter.kind)
        return false;
    if (filter.status && run.status != *filter.status)
        return false;
    return filter.tag.isEmpty() || run.tags.contains(filter.tag);
}

bool RunFilterProxy::matchesId(const RunSummary& run, const QString& text)
{
    // People also type the id they saw in a report or in `runs list`, or the start of a UUID.
    const QString id = text.startsWith(QLatin1Char('#')) ? text.mid(1) : text;
    bool isNumber = false;
    if (id.toLongLong(&isNumber) == run.id && isNumber)
        return true;
    return text.size() >= 4 && run.uuid.startsWith(text, Qt::CaseInsensitive);
}

bool RunFilterProxy::matches(const RunSummary& run, const RunFilter& filter)
{
    if (!matchesExactly(run, filter))
        return false;
    const QString t = filter.text.trimmed();
    return t.isEmpty() || haystack(run).contains(t.toCaseFolded()) || matchesId(run, t);
}

bool RunFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    const auto* runs = qobject_cast<const RunTableModel*>(sourceModel());
    if (!runs || sourceRow >= runs->rowCount())
        return false;
    const RunSummary& run = runs->run(sourceRow);
    if (!matchesExactly(run, m_filter))
        return false;
    if (m_needle.isEmpty())
        return true;
    if (m_haystacks.size() != runs->rowCount()) {
        m_haystacks.clear();
        m_haystacks.reserve(runs->rowCount());
        for (const RunSummary& r : runs->runs())
            m_haystacks << haystack(r);
    }
    return m_haystacks.at(sourceRow).contains(m_needle) || matchesId(run, m_filter.text);
}

void RunFilterProxy::prepareSortKeys(int column) const
{
    const QAbstractItemModel* m = sourceModel();
    if (m_keyColumn == column && m_numberKeys.size() + m_textKeyValues.size() == m->rowCount())
        return;
    // One data() call per row instead of two per comparison.
    m_keyColumn = column;
    m_numberKeys.clear();
    m_textKeyValues.clear();
    m_textKeys = m->rowCount() > 0 && m->index(0, column).data(sortRole()).userType() == QMetaType::QString;
    for (int row = 0; row < m->rowCount(); ++row) {
        const QVariant v = m->index(row, column).data(sortRole());
        if (m_textKeys)
            m_textKeyValues << v.toString().toCaseFolded();
        else
            m_numberKeys << v.toDouble();
    }
}

bool RunFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    prepareSortKeys(left.column());
    const int a = left.row(), b = right.row();
    int c = 0;
    if (m_textKeys) {
        c = m_textKeyValues.at(a).compare(m_textKeyValues.at(b));
    } else {
        const double x = m_numberKeys.at(a), y = m_numberKeys.at(b);
        c = x < y ? -1 : y < x ? 1 : 0;
    }
    // Equal values (the same batch, the same kind) keep a stable, meaningful order: by run id.
    if (c != 0)
        return c < 0;
    const auto* runs = qobject_cast<const RunTableModel*>(sourceModel());
    return runs ? runs->run(a).id < runs->run(b).id : a < b;
}

} // namespace qs::ui
