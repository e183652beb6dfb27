// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtWidgets/QMainWindow>

class QListWidget;
class QStackedWidget;
class QLabel;
class QProgressBar;
class QToolButton;
class QMenu;

namespace qs {
class Job;
}

namespace qs::ui {

class StudioContext;
class ModelsPage;
class QuantizePage;
class BenchmarkPage;
class BenchmarkPage;
class EnvironmentPage;
class ComparePage;
class HistoryPage;
class LayersPage;

/// \brief The studio's main window: page navigation on the left, pages on the right, menus,
/// drag & drop of model files, recent files, running jobs in the status bar.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(StudioContext* context, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Adds a page to the navigation; Ctrl+<n> switches to it. Returns its index.
    int addPage(QWidget* page, const QString& title, const QIcon& icon, const QString& toolTip);
    void showPage(QWidget* page);
    QWidget* currentPage() const;

    ModelsPage* modelsPage() const { return m_models; }
    QuantizePage* quantizePage() const { return m_quantize; }
    BenchmarkPage* benchmarkPage() const { return m_benchmark; }
    EnvironmentPage* environmentPage() const { return m_environment; }
    ComparePage* comparePage() const { return m_compare; }
    HistoryPage* historyPage() const { return m_history; }
    LayersPage* layersPage() const { return m_layers; }
    StudioContext* context() const { return m_context; }
    /// The status bar's job line ("Benchmarking … 0:12 left"), empty when idle.
    QString jobText() const;

public Q_SLOTS:
    void openModelDialog();
    void showPreferences();
    void showShortcuts();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void rebuildRecentMenu();
    void trackJob(Job* job);
    void updateJobStatus();

    StudioContext* m_context;
    QListWidget* m_nav;
    QStackedWidget* m_pages;
    ModelsPage* m_models;
    QuantizePage* m_quantize;
    BenchmarkPage* m_benchmark;
    EnvironmentPage* m_environment;
    ComparePage* m_compare;
    HistoryPage* m_history;
    LayersPage* m_layers;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_runMenu = nullptr;
    QAction* m_pagesSeparator = nullptr;
    QLabel* m_jobLabel;
    QProgressBar* m_jobProgress;
    QToolButton* m_jobCancel;
    QList<Job*> m_jobs;
};

} // namespace qs::ui
