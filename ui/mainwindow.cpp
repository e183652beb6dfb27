// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "ui/benchmarkpage.h"
#include "ui/comparepage.h"
#include "ui/environmentpage.h"
#include "ui/errordialog.h"
#include "ui/historypage.h"
#include "ui/layerspage.h"
#include "ui/modelspage.h"
#include "ui/preferencesdialog.h"
#include "ui/quantizepage.h"
#include "ui/shortcutsdialog.h"
#include "ui/studiocontext.h"
#include "ui/theme.h"

#include "core/common/paths.h"
#include "core/common/version.h"
#include "core/jobs/job.h"

#include <QtCore/QFileInfo>
#include <QtCore/QMimeData>
#include <QtCore/QPointer>
#include <QtCore/QSettings>
#include <QtGui/QActionGroup>
#include <QtGui/QCloseEvent>
#include <QtGui/QDragEnterEvent>
#include <QtWidgets/QApplication>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QStyle>
#include <QtWidgets/QToolButton>

namespace qs::ui {

namespace {
QString formatEta(qint64 ms)
{
    if (ms < 0)
        return {};
    const qint64 s = (ms + 999) / 1000;
    return MainWindow::tr(", %1:%2 left").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

MainWindow::MainWindow(StudioContext* context, QWidget* parent)
    : QMainWindow(parent)
    , m_context(context)
    , m_nav(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_models(new ModelsPage(context, this))
    , m_quantize(new QuantizePage(context, this))
    , m_benchmark(new BenchmarkPage(context, this))
    , m_environment(new EnvironmentPage(this))
    , m_compare(new ComparePage(context, this))
    , m_history(new HistoryPage(context, this))
    , m_layers(new LayersPage(context, this))
    , m_jobLabel(new QLabel(this))
    , m_jobProgress(new QProgressBar(this))
    , m_jobCancel(new QToolButton(this))
{
    setWindowTitle(tr("Quantscope"));
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);

    m_nav->setObjectName(QStringLiteral("pageNavigation"));
    m_nav->setIconSize(QSize(22, 22));
    m_nav->setSpacing(2);
    m_nav->setMaximumWidth(200);
    m_nav->setMinimumWidth(140);
    m_nav->setFrameShape(QFrame::NoFrame);
    m_pages->setObjectName(QStringLiteral("pages"));
    auto* splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(m_nav);
    splitter->addWidget(m_pages);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    splitter->setSizes({170, 1110});
    setCentralWidget(splitter);
    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    createMenus();
    addPage(m_models, tr("Models"), style()->standardIcon(QStyle::SP_DirOpenIcon),
            tr("Open and inspect models: layers, parameters, input shapes"));
    addPage(m_quantize, tr("Quantize"), style()->standardIcon(QStyle::SP_ArrowDown),
            tr("Make variants with several schemes at once; see what each quantized and what stayed FP32"));
    addPage(m_benchmark, tr("Benchmark"), style()->standardIcon(QStyle::SP_MediaPlay),
            tr("Measure latency, throughput, memory and CPU of FP32 and its variants, live"));
    addPage(m_compare, tr("Compare"), style()->standardIcon(QStyle::SP_FileDialogContentsView),
            tr("Recorded runs side by side against a baseline: every figure with its ratio, trade-offs, memory, environment"));
    addPage(m_layers, tr("Layers"), style()->standardIcon(QStyle::SP_FileDialogListView),
            tr("Which layers suffer from quantization: per-layer sensitivity, the accuracy-aware fallback, value ranges"));
    addPage(m_history, tr("History"), style()->standardIcon(QStyle::SP_FileDialogInfoView),
            tr("Every recorded run: filter, tag, note, delete, re-run; select several to compare or export"));
    addPage(m_environment, tr("Environment"), style()->standardIcon(QStyle::SP_ComputerIcon),
            tr("The machine, LibTorch, BLAS and threads every run records"));
    m_nav->setCurrentRow(0);

    m_jobLabel->setObjectName(QStringLiteral("jobLabel"));
    m_jobProgress->setRange(0, 1000);
    m_jobProgress->setMaximumWidth(220);
    m_jobProgress->setTextVisible(false);
    m_jobCancel->setText(tr("Cancel"));
    m_jobCancel->setObjectName(QStringLiteral("cancelJobButton"));
    m_jobCancel->setToolTip(tr("Cancel the running job (Esc)"));
    m_jobCancel->setShortcut(Qt::Key_Escape);
    statusBar()->addPermanentWidget(m_jobLabel);
    statusBar()->addPermanentWidget(m_jobProgress);
    statusBar()->addPermanentWidget(m_jobCancel);
    m_jobProgress->hide();
    m_jobCancel->hide();
    connect(m_jobCancel, &QToolButton::clicked, this, [this] {
        // The job shown is the one running; queued ones behind it stay.
        if (!m_jobs.isEmpty())
            m_jobs.first()->cancel();
    });

    connect(m_models, &ModelsPage::openRequested, this, &MainWindow::openModelDialog);
    connect(m_models, &ModelsPage::quantizeRequested, this, [this] { showPage(m_quantize); });
    connect(m_quantize, &QuantizePage::benchmarkRequested, this, [this] { showPage(m_benchmark); });
    connect(context, &StudioContext::compareRequested, this, [this](qint64 baseline, const QList<qint64>& runs) {
        showPage(m_compare);
        m_compare->compare(baseline, runs);
    });
    m_history->setRerunPages(m_benchmark, m_quantize);
    connect(m_history, &HistoryPage::showPageRequested, this, &MainWindow::showPage);
    connect(m_history, &HistoryPage::compareRequested, context, &StudioContext::requestCompare);
    connect(context, &StudioContext::jobStarted, this, &MainWindow::trackJob);
    connect(context, &StudioContext::statusMessage, this, [this](const QString& m) { statusBar()->showMessage(m, 6000); });
    connect(context, &StudioContext::errorOccurred, this,
            [this](const QString& title, const Error& e) { showError(this, title, e); });
    connect(context, &StudioContext::recentFilesChanged, this, &MainWindow::rebuildRecentMenu);
    connect(context, &StudioContext::modelChanged, this, [this] {
        if (m_context->hasModel()) {
            setWindowTitle(tr("%1 — Quantscope").arg(m_context->model().info.name));
            statusBar()->showMessage(tr("Opened %1").arg(paths::pretty(m_context->model().info.path)), 5000);
        }
    });

    QSettings settings;
    resize(1400, 900);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
}

MainWindow::~MainWindow() = default;

int MainWindow::addPage(QWidget* page, const QString& title, const QIcon& icon, const QString& toolTip)
{
    const int index = m_pages->addWidget(page);
    page->setAccessibleName(title);
    auto* item = new QListWidgetItem(icon, title, m_nav);
    item->setToolTip(toolTip);
    item->setSizeHint(QSize(0, 34));
    if (index < 9) {
        auto* a = new QAction(icon, title, this);
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
        a->setToolTip(toolTip);
        m_viewMenu->insertAction(m_pagesSeparator, a);
        connect(a, &QAction::triggered, this, [this, page] { showPage(page); });
    }
    return index;
}

void MainWindow::showPage(QWidget* page)
{
    const int i = m_pages->indexOf(page);
    if (i >= 0)
        m_nav->setCurrentRow(i);
}

QWidget* MainWindow::currentPage() const
{
    return m_pages->currentWidget();
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Model…"), this,
                                    &MainWindow::openModelDialog);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    QAction* demo = file->addAction(tr("Open &Demo Workspace"), m_context, &StudioContext::openDemo);
    demo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    demo->setToolTip(tr("A Fashion-MNIST CNN trained by Quantscope, with test and calibration data"));
    file->addSeparator();
    QAction* prefs = file->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences);
    prefs->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    prefs->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    rebuildRecentMenu();

    m_runMenu = menuBar()->addMenu(tr("&Run"));
    QAction* quantize = m_runMenu->addAction(style()->standardIcon(QStyle::SP_ArrowDown), tr("&Quantize"), this, [this] {
        showPage(m_quantize);
        m_quantize->start();
    });
    quantize->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    quantize->setToolTip(tr("Quantize the open model with the checked schemes"));
    QAction* bench = m_runMenu->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Benchmark"), this, [this] {
        showPage(m_benchmark);
        m_benchmark->start();
    });
    bench->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    bench->setToolTip(tr("Benchmark the checked variants with the Benchmark page's settings"));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_pagesSeparator = m_viewMenu->addSeparator();
    QMenu* theme = m_viewMenu->addMenu(tr("&Colours"));
    auto* group = new QActionGroup(this);
    for (auto [t, name] : {std::pair{Theme::System, tr("Follow the &Desktop")}, std::pair{Theme::Light, tr("&Light")},
                           std::pair{Theme::Dark, tr("Dar&k")}}) {
        QAction* a = theme->addAction(name, this, [t = t] { applyTheme(t); });
        a->setCheckable(true);
        a->setChecked(currentTheme() == t);
        group->addAction(a);
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* keys = help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Slash), QKeySequence::HelpContents});
    help->addSeparator();
    help->addAction(tr("&About Quantscope"), this, [this] {
        QMessageBox::about(this, tr("About Quantscope"),
                           tr("<h3>Quantscope %1</h3><p>A studio for measuring what quantization does to a neural "
                              "network: size, latency, memory and accuracy of FP32 and its quantized variants.</p>"
                              "<p>LibTorch %2 · Qt %3</p><p>Licensed under the GNU GPL, version 3 or later.</p>")
                               .arg(version(), libtorchVersion(), QString::fromLatin1(qVersion())));
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = m_context->recentFiles();
    for (const QString& f : files)
        m_recentMenu->addAction(paths::pretty(f), this, [this, f] { m_context->openModel(f); });
    if (files.isEmpty()) {
        m_recentMenu->addAction(tr("No recent models"))->setEnabled(false);
    } else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear List"), m_context, &StudioContext::clearRecentFiles);
    }
}

void MainWindow::openModelDialog()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastOpenDir")).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open TorchScript Model"), dir,
                                                      tr("TorchScript models (*.pt *.pth *.ts *.zip);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastOpenDir"), QFileInfo(path).absolutePath());
    m_context->openModel(path);
    showPage(m_models);
}

void MainWindow::showPreferences()
{
    PreferencesDialog dialog(m_context, this);
    dialog.exec();
}

void MainWindow::showShortcuts()
{
    auto* dialog = new ShortcutsDialog(this, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

QString MainWindow::jobText() const
{
    return m_jobLabel->text();
}

void MainWindow::trackJob(Job* job)
{
    m_jobs << job;
    QPointer<Job> guard(job);
    connect(job, &Job::progress, this, [this, guard](int permille, const QString& message, qint64 eta) {
        if (!guard || m_jobs.value(0) != guard)
            return;
        m_jobProgress->setValue(permille);
        QString text = (message.isEmpty() ? guard->title() : message) + formatEta(eta);
        if (m_jobs.size() > 1)
            text += tr(" (+%1 queued)").arg(m_jobs.size() - 1);
        m_jobLabel->setText(text);
    });
    connect(job, &Job::finished, this, [this, job] {
        m_jobs.removeAll(job);
        updateJobStatus();
    });
    updateJobStatus();
}

void MainWindow::updateJobStatus()
{
    if (m_jobs.isEmpty()) {
        m_jobLabel->clear();
        m_jobProgress->hide();
        m_jobCancel->hide();
        return;
    }
    Job* job = m_jobs.first();
    QString text = job->title();
    if (m_jobs.size() > 1)
        text += tr(" (+%1 queued)").arg(m_jobs.size() - 1);
    m_jobLabel->setText(text);
    m_jobProgress->setValue(0);
    m_jobProgress->show();
    m_jobCancel->show();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_context->jobs()->isBusy()) {
        // Running work is cancelled, not abandoned: jobs stop at their next check and their
        // last results (a run recorded as cancelled) are delivered before the window goes away.
        statusBar()->showMessage(tr("Cancelling running jobs…"));
        m_context->jobs()->cancelAll();
        m_context->jobs()->waitForDone();
        QCoreApplication::sendPostedEvents();
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (auto* splitter = qobject_cast<QSplitter*>(centralWidget()))
        settings.setValue(QStringLiteral("window/splitter"), splitter->saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) {
        for (const QUrl& url : event->mimeData()->urls()) {
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
        }
    }
}

void MainWindow::dropEvent(QDropEvent* event)
{
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            m_context->openModel(url.toLocalFile());
            showPage(m_models);
            event->acceptProposedAction();
            return;
        }
    }
}

} // namespace qs::ui
