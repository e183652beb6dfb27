// SPDX-License-Identifier: GPL-3.0-or-later
#include "runpickerproxy.h"

#include "core/store/runtablemodel.h"

namespace qs::ui {

RunPickerProxy::RunPickerProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(RunTableModel::SortRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void RunPickerProxy::setKind(const QString& kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    invalidateRowsFilter();
}

void RunPickerProxy::setText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateRowsFilter();
}

bool RunPickerProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const auto* runs = qobject_cast<const RunTableModel*>(sourceModel());
    if (!runs || sourceRow >= runs->rowCount())
        return true;
    const RunSummary& r = runs->run(sourceRow);
    if (!m_kind.isEmpty() && r.kind != m_kind)
        return false;
    if (m_text.isEmpty())
        return true;
    for (const QString& s : {r.modelName, r.label(), r.engine, r.note, r.tags.join(QLatin1Char(' ')), QString::number(r.id)}) {
        if (s.contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

qint64 RunPickerProxy::runId(int row) const
{
    return index(row, 0).data(RunTableModel::RunIdRole).toLongLong();
}

QList<qint64> RunPickerProxy::checkedRunIds() const
{
    QList<qint64> ids;
    const auto* runs = qobject_cast<const RunTableModel*>(sourceModel());
    if (!runs)
        return ids;
    for (const RunSummary& r : runs->runs()) {
        if (m_checked.contains(r.id))
            ids << r.id;
    }
    return ids;
}

void RunPickerProxy::setCheckedRunIds(const QList<qint64>& ids)
{
    const QSet<qint64> checked(ids.begin(), ids.end());
    if (checked == m_checked)
        return;
    m_checked = checked;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, 0), {Qt::CheckStateRole});
    Q_EMIT checkedChanged();
}

Qt::ItemFlags RunPickerProxy::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QSortFilterProxyModel::flags(index);
    if (index.isValid() && index.column() == 0)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

QVariant RunPickerProxy::data(const QModelIndex& index, int role) const
{
    if (role == Qt::CheckStateRole && index.isValid() && index.column() == 0)
        return m_checked.contains(runId(index.row())) ? Qt::Checked : Qt::Unchecked;
    return QSortFilterProxyModel::data(index, role);
}

bool RunPickerProxy::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::CheckStateRole || !index.isValid() || index.column() != 0)
        return QSortFilterProxyModel::setData(index, value, role);
    const qint64 id = runId(index.row());
    const bool on = value.toInt() == Qt::Checked;
    if (on == m_checked.contains(id))
        return true;
    if (on)
        m_checked.insert(id);
    else
        m_checked.remove(id);
    Q_EMIT dataChanged(index, index, {Qt::CheckStateRole});
    Q_EMIT checkedChanged();
    return true;
}

} // namespace qs::ui
