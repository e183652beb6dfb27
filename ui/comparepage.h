// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtWidgets/QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QCheckBox;
class QPushButton;
class QTableView;

namespace qs {
class RunTableModel;
struct Report;
} // namespace qs

namespace qs::ui {

class StudioContext;
class ComparisonView;
class RunPickerProxy;

/// \brief The Compare page: pick runs from the run database and a baseline among them, then see
/// every figure side by side with its ratio to the baseline, the accuracy trade-offs, memory
/// timelines overlaid, and what differs between the runs' environments.
///
/// The database is read on a worker (a Store per thread); the page never blocks.
class ComparePage : public QWidget
{
    Q_OBJECT
public:
    explicit ComparePage(StudioContext* context, QWidget* parent = nullptr);
    ~ComparePage() override;

    ComparisonView* view() const { return m_view; }
    RunTableModel* runModel() const { return m_runs; }
    RunPickerProxy* picker() const { return m_picker; }
    /// The runs checked in the list and the baseline chosen among them.
    QList<qint64> checkedRunIds() const;
    qint64 baselineRunId() const;
    bool isLoading() const { return m_loading > 0; }

public Q_SLOTS:
    /// Shows \a runIds against \a baselineRunId (database ids; the baseline need not be among
    /// \a runIds). Checks them in the list; comparisonShown() or comparisonFailed() follows.
    void compare(qint64 baselineRunId, const QList<qint64>& runIds);
    /// Compares the checked runs with the chosen baseline.
    void compareChecked();
    /// Lists the database's runs again (runs recorded meanwhile appear; checks are kept).
    void reload();
    /// The Export report dialog for the comparison shown.
    void exportReport();

Q_SIGNALS:
    void comparisonShown();
    void comparisonFailed(const qs::Error& error);
    void runsReloaded();

private:
    void rebuildBaselines();
    void showError(const Error& error);
    void setLoading(bool loading);

    StudioContext* m_context;
    RunTableModel* m_runs;
    RunPickerProxy* m_picker;
    QLineEdit* m_filter;
    QCheckBox* m_benchOnly;
    QTableView* m_table;
    QComboBox* m_baseline;
    QPushButton* m_compare;
    QPushButton* m_export;
    QLabel* m_status;
    ComparisonView* m_view;
    int m_loading = 0;
    qint64 m_preferredBaseline = 0; ///< the baseline asked for or picked last
    quint64 m_generation = 0; ///< drops results of comparisons asked for before the latest one
};

} // namespace qs::ui
