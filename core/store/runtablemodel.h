// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/store.h"

#include <QtCore/QAbstractTableModel>

namespace qs {

/// \brief The History page's table: one row per stored run (a listing from Store::listRuns()).
///
/// Read-only; edits (tags, notes, delete) go through the Store, then reload() replaces the whole
/// result (one model reset, no per-row signals for thousands of runs). Sorting and filtering
/// belong in a QSortFilterProxyModel over SortRole.
class RunTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        StartedColumn,
        ModelColumn,
        VariantColumn,
        KindColumn,
        StatusColumn,
        BatchColumn,
        ThreadsColumn,
        P50Column,
        P99Column,
        ThroughputColumn,
        PeakMemoryColumn,
        CpuColumn,
        SizeColumn,
        Top1Column,
        TagsColumn,
        NoteColumn,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        SortRole = Qt::UserRole, ///< numbers as numbers, times as ms since the epoch, NaN-free
        RunIdRole,               ///< qint64 database id
        UuidRole,                ///< QString
        StatusRole,              ///< int (RunStatus)
        NoisyRole,               ///< bool: the producer flagged the run as noisy
        TagsRole,                ///< QStringList
    };

    explicit RunTableModel(QObject* parent = nullptr);

    /// Replaces all rows (one model reset).
    void setRuns(QVector<RunSummary> runs);
    /// Lists \a store with \a filter and shows the result; on error the rows stay as they were.
    Status reload(const Store& store, const RunFilter& filter = {});
    const QVector<RunSummary>& runs() const { return m_runs; }
    const RunSummary& run(int row) const { return m_runs.at(row); }
    /// The row showing run \a id, or -1.
    int rowOfRun(qint64 id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const RunSummary& run, int column) const;
    QVariant sortValue(const RunSummary& run, int column) const;

    QVector<RunSummary> m_runs;
};

} // namespace qs
