// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/store.h"

#include <QtCore/QSortFilterProxyModel>

namespace qs::ui {

/// \brief Filters and sorts a RunTableModel in memory with the meaning Store::listRuns() gives
/// a RunFilter (text in model, variant, engine, kind, tags or note; exact tag, kind, status).
///
/// The History page lists every run once and filters here: typing in the filter field costs a
/// pass over the rows in memory, never a query. With thousands of runs, what each row is matched
/// and sorted by is prepared once per listing (case-folded text, sort keys of the sorted column),
/// so that a keystroke or a click on a header stays well within a frame.
class RunFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RunFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override;
    void setRunFilter(const RunFilter& filter);
    const RunFilter& runFilter() const { return m_filter; }
    /// Whether \a run passes \a filter (the same test as listRuns(filter), in memory). The text
    /// also matches a run id ("12" or "#12") and a UUID prefix.
    static bool matches(const RunSummary& run, const RunFilter& filter);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    static QString haystack(const RunSummary& run);
    static bool matchesExactly(const RunSummary& run, const RunFilter& filter);
    static bool matchesId(const RunSummary& run, const QString& text);
    void sourceChanged();
    void prepareSortKeys(int column) const;

    RunFilter m_filter;
    QString m_needle; ///< m_filter.text, case-folded
    // Derived from the source rows; rebuilt after every change of the source.
    mutable QVector<QString> m_haystacks;
    mutable int m_keyColumn = -1;
    mutable bool m_textKeys = false;
    mutable QVector<double> m_numberKeys;
    mutable QVector<QString> m_textKeyValues;
};

} // namespace qs::ui
