// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/store.h"

#include <QtWidgets/QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace qs {
class RunTableModel;
}

namespace qs::ui {

class StudioContext;
class HistoryLoader;
class RunFilterProxy;
class RunReplayer;
class MessageBanner;
class BenchmarkPage;
class QuantizePage;

/// \brief The History page: every run of the run database (recorded by the studio and by
/// quantscope-cli) in one table, filtered by text, tag, kind and status, sorted by any column;
/// tags, notes, delete, re-run; several runs selected to compare or to export a report.
///
/// The database is read on a worker (HistoryLoader); filtering and sorting happen in memory.
/// It lists again when this studio records a run and, while the page shows, when another
/// process commits to the same file.
class HistoryPage : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryPage(StudioContext* context, QWidget* parent = nullptr);
    ~HistoryPage() override;

    /// Where "re-run" puts a run's configuration back.
    void setRerunPages(BenchmarkPage* benchmark, QuantizePage* quantize);

    RunTableModel* model() const { return m_model; }
    RunFilterProxy* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    HistoryLoader* loader() const { return m_loader; }
    QLineEdit* filterEdit() const { return m_filter; }
    QComboBox* tagFilter() const { return m_tagFilter; }
    QComboBox* kindFilter() const { return m_kindFilter; }
    QComboBox* statusFilter() const { return m_statusFilter; }
    QPlainTextEdit* noteEdit() const { return m_note; }
    MessageBanner* banner() const { return m_banner; }
    QAction* compareAction() const { return m_compare; }
    QAction* exportAction() const { return m_export; }
    QAction* tagAction() const { return m_tag; }
    QAction* untagAction() const { return m_untag; }
    QAction* deleteAction() const { return m_delete; }
    QAction* setUpAgainAction() const { return m_setUp; }
    QAction* runAgainAction() const { return m_runAgain; }

    /// Database ids of the selected runs, in table order.
    QVector<qint64> selectedRuns() const;
    /// Selects exactly the runs \a ids that the filter shows (the first becomes current).
    void selectRuns(const QVector<qint64>& ids);
    /// The baseline "Compare" uses for the selection: its first FP32 benchmark, else the current run.
    qint64 compareBaseline() const;

public Q_SLOTS:
    /// Lists the database again (F5).
    void reload();
    /// Asks for tags (a dialog) and adds them to the selected runs.
    void tagSelected();
    void addTags(const QStringList& tags);
    /// Asks which tag to remove from the selected runs.
    void untagSelected();
    void removeTags(const QStringList& tags);
    /// Saves the note editor's text as the current run's note.
    void saveNote();
    /// Deletes the selected runs after asking (\a confirm false: without asking).
    void deleteSelected(bool confirm = true);
    void compareSelected();
    void exportSelected();
    /// Puts the current run's configuration back into its page (\a start: and starts it).
    void rerunCurrent(bool start);

Q_SIGNALS:
    /// "Compare": \a baseline and the other selected runs (database ids).
    void compareRequested(qint64 baseline, const QList<qint64>& runs);
    /// "Export Report…" for the selected runs (the page then opens the export dialog).
    void exportRequested(const QList<qint64>& runs);
    /// Re-run filled the form of \a page: show it.
    void showPageRequested(QWidget* page);
    /// A listing arrived and is shown (tests wait for it).
    void runsShown(int total);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void createActions();
    void showRuns(const QVector<RunSummary>& runs, double ms);
    void updateFilter();
    void rebuildFilterChoices();
    void updateSelection();
    void showDetails();
    void showContextMenu(const QPoint& pos);
    const RunSummary* currentRun() const;
    /// Rows of the model (not the proxy) that are selected, in table order.
    QVector<int> selectedSourceRows() const;

    StudioContext* m_context;
    HistoryLoader* m_loader;
    RunTableModel* m_model;
    RunFilterProxy* m_proxy;
    RunReplayer* m_replayer = nullptr;
    QLabel* m_title;
    MessageBanner* m_banner;
    QLineEdit* m_filter;
    QComboBox* m_tagFilter;
    QComboBox* m_kindFilter;
    QComboBox* m_statusFilter;
    QLabel* m_count;
    QTableView* m_table;
    QLabel* m_details;
    QPlainTextEdit* m_note;
    QPushButton* m_saveNote;
    QAction* m_compare = nullptr;
    QAction* m_export = nullptr;
    QAction* m_tag = nullptr;
    QAction* m_untag = nullptr;
    QAction* m_editNote = nullptr;
    QAction* m_delete = nullptr;
    QAction* m_setUp = nullptr;
    QAction* m_runAgain = nullptr;
    QAction* m_copyUuid = nullptr;
    QAction* m_refresh = nullptr;
    qint64 m_noteRun = 0;  ///< the run the note editor shows
    int m_rerunRequest = 0; ///< loadRun() request of a pending re-run
    int m_reportRequest = 0; ///< buildReport() request of a pending export
    bool m_rerunStart = false;
    bool m_stale = true;   ///< something changed while the page was hidden
    double m_listMs = 0;
};

} // namespace qs::ui
