// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/store.h"

#include <QtCore/QSortFilterProxyModel>

namespace qs::ui {

/// \brief Filters and sorts a RunTableModel in memory with the meaning Store::listRuns() gives
/// a RunFilter (text in model, variant, engine, kind, tags or note; exact tag, kind, status).
///
/// The History page lists every run once and filters here: typing in the filter field costs a
/// pass over the rows in memory, never a query, so thousands of runs stay smooth.
class RunFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RunFilterProxy(QObject* parent = nullptr);

    void setRunFilter(const RunFilter& filter);
    const RunFilter& runFilter() const { return m_filter; }
    /// Whether \a run passes \a filter (the same test as listRuns(filter), in memory). The text
    /// also matches a run id ("12" or "#12") and a UUID prefix.
    static bool matches(const RunSummary& run, const RunFilter& filter);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    RunFilter m_filter;
};

} // namespace qs::ui
