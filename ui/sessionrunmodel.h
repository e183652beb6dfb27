// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/runresult.h"

#include <QtCore/QAbstractTableModel>

namespace qs::ui {

/// \brief The Runs measured in this session, one row each, as the Benchmark page lists them
/// under its live view: headline figures, status and noise at a glance.
class SessionRunModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { RunColumn, StatusColumn, P50Column, P99Column, ThroughputColumn, PeakColumn, CpuColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole, ///< raw numbers for numeric columns
        UuidRole,
    };

    explicit SessionRunModel(QObject* parent = nullptr);

    void setRuns(const QVector<RunResult>& runs);
    void addRun(const RunResult& run);
    const RunResult& run(int row) const { return m_runs.at(row); }
    const QVector<RunResult>& runs() const { return m_runs; }
    /// "static-int8 b1 t1 onednn": what tells runs of one model apart.
    static QString shortLabel(const RunConfig& config);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<RunResult> m_runs;
};

} // namespace qs::ui
