// SPDX-License-Identifier: GPL-3.0-or-later
#include "historypage.h"

#include "ui/exportreportdialog.h"
#include "ui/historyloader.h"
#include "ui/messagebanner.h"
#include "ui/runfilterproxy.h"
#include "ui/runreplayer.h"
#include "ui/studiocontext.h"

#include "core/common/paths.h"
#include "core/store/runtablemodel.h"
#include "plots/metricformat.h"

#include <QtCore/QHash>
#include <QtCore/QSet>
#include <QtCore/QSettings>
#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QInputDialog>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStyle>
#include <QtWidgets/QTableView>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include <cmath>

namespace qs::ui {

namespace {

QStringList splitTags(const QString& text)
{
    QStringList tags;
    for (const QString& t : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!t.trimmed().isEmpty() && !tags.contains(t.trimmed()))
            tags << t.trimmed();
    }
    return tags;
}

QToolButton* toolButton(QAction* action, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setDefaultAction(action);
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    b->setAutoRaise(true);
    return b;
}

} // namespace

HistoryPage::HistoryPage(StudioContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_loader(new HistoryLoader(this))
    , m_model(new RunTableModel(this))
    , m_proxy(new RunFilterProxy(this))
    , m_title(new QLabel(this))
    , m_banner(new MessageBanner(this))
    , m_filter(new QLineEdit(this))
    , m_tagFilter(new QComboBox(this))
    , m_kindFilter(new QComboBox(this))
    , m_statusFilter(new QComboBox(this))
    , m_count(new QLabel(this))
    , m_table(new QTableView(this))
    , m_details(new QLabel(this))
    , m_note(new QPlainTextEdit(this))
    , m_saveNote(new QPushButton(tr("Save Note"), this))
{
    setObjectName(QStringLiteral("historyPage"));
    m_proxy->setSourceModel(m_model);
    createActions();

    auto* layout = new QVBoxLayout(this);
    m_title->setText(tr("<h2>History</h2>"));
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);
    m_banner->setObjectName(QStringLiteral("historyBanner"));
    layout->addWidget(m_banner);

    // ---- filters ----------------------------------------------------------------------------
    auto* filters = new QHBoxLayout;
    m_filter->setObjectName(QStringLiteral("historyFilter"));
    m_filter->setPlaceholderText(tr("Filter: model, variant, engine, kind, tag, note, run id…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Shows the runs whose model, scheme, engine, kind, tags or note contain this text (Ctrl+F)"));
    auto* find = new QAction(tr("Filter"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_filter, [this] { m_filter->setFocus(Qt::ShortcutFocusReason); m_filter->selectAll(); });
    addAction(find);
    filters->addWidget(m_filter, 3);
    m_tagFilter->setObjectName(QStringLiteral("tagFilter"));
    m_tagFilter->setToolTip(tr("Only runs with this tag"));
    m_kindFilter->setObjectName(QStringLiteral("kindFilter"));
    m_kindFilter->setToolTip(tr("Only benchmarks, quantizations, evaluations…"));
    m_statusFilter->setObjectName(QStringLiteral("statusFilter"));
    m_statusFilter->setToolTip(tr("Only runs that ended this way"));
    m_statusFilter->addItem(tr("Any status"), QString());
    for (RunStatus s : {RunStatus::Complete, RunStatus::Failed, RunStatus::Cancelled, RunStatus::Interrupted, RunStatus::Running})
        m_statusFilter->addItem(runStatusName(s), runStatusName(s));
    for (auto [label, box] : {std::pair{tr("&Tag:"), m_tagFilter}, std::pair{tr("&Kind:"), m_kindFilter}, std::pair{tr("&Status:"), m_statusFilter}}) {
        auto* l = new QLabel(label, this);
        l->setBuddy(box);
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        filters->addWidget(l);
        filters->addWidget(box);
    }
    m_count->setObjectName(QStringLiteral("historyCount"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    filters->addWidget(m_count, 1, Qt::AlignRight);
    layout->addLayout(filters);
    rebuildFilterChoices();

    // ---- actions bar ------------------------------------------------------------------------
    auto* bar = new QHBoxLayout;
    for (QAction* a : {m_compare, m_export})
        bar->addWidget(toolButton(a, this));
    bar->addSpacing(12);
    for (QAction* a : {m_tag, m_untag, m_editNote})
        bar->addWidget(toolButton(a, this));
    bar->addSpacing(12);
    auto* rerun = toolButton(m_setUp, this);
    auto* rerunMenu = new QMenu(rerun);
    rerunMenu->addAction(m_setUp);
    rerunMenu->addAction(m_runAgain);
    rerun->setMenu(rerunMenu);
    rerun->setPopupMode(QToolButton::MenuButtonPopup);
    rerun->setObjectName(QStringLiteral("rerunButton"));
    bar->addWidget(rerun);
    bar->addWidget(toolButton(m_delete, this));
    bar->addStretch();
    bar->addWidget(toolButton(m_refresh, this));
    layout->addLayout(bar);

    // ---- table and details --------------------------------------------------------------------
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("historySplitter"));
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunTableModel::StartedColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Thousands of rows: fixed row heights and no per-cell size hints keep scrolling smooth.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->verticalHeader()->hide();
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->setSectionsMovable(true);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    const QFontMetrics fm = m_table->fontMetrics();
    auto width = [&fm](const char* sample) { return fm.horizontalAdvance(QLatin1String(sample)) + 16; };
    const std::pair<int, int> widths[] = {
        {RunTableModel::IdColumn, width("00000")}, {RunTableModel::StartedColumn, width("2024-01-01 00:00:00.")},
        {RunTableModel::ModelColumn, width("fashion_cnn.pt..")}, {RunTableModel::VariantColumn, width("static-int8 (onednn)")},
        {RunTableModel::KindColumn, width("quantize")}, {RunTableModel::StatusColumn, width("interrupted")},
        {RunTableModel::BatchColumn, width("Batch")}, {RunTableModel::ThreadsColumn, width("Threads")},
        {RunTableModel::P50Column, width("p50 ms")}, {RunTableModel::P99Column, width("p99 ms")},
        {RunTableModel::ThroughputColumn, width("Throughput/s")}, {RunTableModel::PeakMemoryColumn, width("Peak MiB")},
        {RunTableModel::CpuColumn, width("CPU %")}, {RunTableModel::SizeColumn, width("100.0 MB")},
        {RunTableModel::Top1Column, width("Top-1 %")}, {RunTableModel::TagsColumn, width("baseline, nightly")}};
    for (auto [column, w] : widths)
        header->resizeSection(column, w);
    // Tags are what people sort their runs by: next to the status, not past the figures.
    header->moveSection(header->visualIndex(RunTableModel::TagsColumn), header->visualIndex(RunTableModel::StatusColumn) + 1);
    header->restoreState(QSettings().value(QStringLiteral("history/header")).toByteArray());
    connect(header, &QHeaderView::customContextMenuRequested, this, [this, header](const QPoint& pos) {
        // Seventeen columns do not fit every screen: people hide the ones they never read.
        QMenu menu;
        for (int c = 0; c < m_model->columnCount(); ++c) {
            QAction* a = menu.addAction(m_model->headerData(c, Qt::Horizontal).toString());
            a->setCheckable(true);
            a->setChecked(!header->isSectionHidden(c));
            connect(a, &QAction::toggled, header, [header, c](bool on) { header->setSectionHidden(c, !on); });
        }
        menu.exec(header->mapToGlobal(pos));
    });
    splitter->addWidget(m_table);

    auto* detailsHost = new QWidget(this);
    auto* details = new QHBoxLayout(detailsHost);
    details->setContentsMargins(0, 4, 0, 0);
    m_details->setObjectName(QStringLiteral("runDetails"));
    m_details->setWordWrap(true);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMinimumWidth(320);
    details->addWidget(m_details, 3);
    auto* noteBox = new QVBoxLayout;
    auto* noteLabel = new QLabel(tr("&Note:"), this);
    noteLabel->setBuddy(m_note);
    noteBox->addWidget(noteLabel);
    m_note->setObjectName(QStringLiteral("runNote"));
    m_note->setPlaceholderText(tr("Why this run was made, what changed, what it showed…"));
    m_note->setTabChangesFocus(true);
    noteBox->addWidget(m_note, 1);
    m_saveNote->setObjectName(QStringLiteral("saveNote"));
    m_saveNote->setToolTip(tr("Store the note with the run (Ctrl+Return)"));
    m_saveNote->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    noteBox->addWidget(m_saveNote, 0, Qt::AlignRight);
    details->addLayout(noteBox, 2);
    splitter->addWidget(detailsHost);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(m_filter, &QLineEdit::textChanged, this, &HistoryPage::updateFilter);
    for (QComboBox* box : {m_tagFilter, m_kindFilter, m_statusFilter})
        connect(box, &QComboBox::currentIndexChanged, this, &HistoryPage::updateFilter);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HistoryPage::updateSelection);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryPage::updateSelection);
    connect(m_table, &QTableView::customContextMenuRequested, this, &HistoryPage::showContextMenu);
    connect(m_note, &QPlainTextEdit::textChanged, this, [this] {
        const RunSummary* r = currentRun();
        m_saveNote->setEnabled(r && r->id == m_noteRun && m_note->toPlainText() != r->note);
    });
    connect(m_saveNote, &QPushButton::clicked, this, &HistoryPage::saveNote);

    connect(m_loader, &HistoryLoader::loaded, this, &HistoryPage::showRuns);
    connect(m_loader, &HistoryLoader::failed, this, [this](const QString& doing, const Error& e) {
        m_banner->setMessage(MessageBanner::Kind::Error,
                             tr("<b>Run database, %1:</b> %2").arg(doing.toHtmlEscaped(), e.message.toHtmlEscaped()));
    });
    connect(m_loader, &HistoryLoader::runLoaded, this, [this](int request, const RunRecord& run) {
        if (request != m_rerunRequest || !m_replayer)
            return;
        m_rerunRequest = 0;
        if (Status st = m_replayer->replay(run, m_rerunStart); !st)
            m_banner->setMessage(MessageBanner::Kind::Error, tr("<b>Cannot re-run:</b> %1").arg(st.error().message.toHtmlEscaped()));
    });

    connect(m_loader, &HistoryLoader::reportBuilt, this, [this](int request, const Report& report) {
        if (request != m_reportRequest)
            return;
        m_reportRequest = 0;
        auto* dialog = new ExportReportDialog(report, this);
        dialog->setObjectName(QStringLiteral("exportReportDialog"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });

    // What this studio records, and anything another process commits while the page shows.
    auto changed = [this] {
        if (isVisible())
            m_loader->reload();
        else
            m_stale = true;
    };
    connect(context, &StudioContext::runRecorded, this, changed);
    connect(context, &StudioContext::runAdded, this, changed);
    connect(context, &StudioContext::databasePathChanged, this, [this](const QString& path) {
        m_model->setRuns({});
        m_loader->setDatabasePath(path);
        m_stale = false;
    });
    m_loader->setDatabasePath(StudioContext::databasePath());
    m_stale = false;
    updateSelection();
}

HistoryPage::~HistoryPage()
{
    QSettings().setValue(QStringLiteral("history/header"), m_table->horizontalHeader()->saveState());
}

void HistoryPage::createActions()
{
    auto make = [this](const QString& text, const QString& tip, const QKeySequence& key = {}, QStyle::StandardPixmap icon = QStyle::SP_CustomBase) {
        auto* a = new QAction(text, this);
        a->setToolTip(key.isEmpty() ? tip : tr("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        if (!key.isEmpty()) {
            a->setShortcut(key);
            a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        }
        if (icon != QStyle::SP_CustomBase)
            a->setIcon(style()->standardIcon(icon));
        addAction(a);
        return a;
    };
    m_compare = make(tr("Compare"), tr("Open the selected runs side by side, against a baseline"), QKeySequence(Qt::CTRL | Qt::Key_D),
                     QStyle::SP_FileDialogDetailedView);
    m_compare->setObjectName(QStringLiteral("compareRuns"));
    connect(m_compare, &QAction::triggered, this, &HistoryPage::compareSelected);
    m_export = make(tr("Export Report…"), tr("Write a report (HTML, PDF, Markdown, CSV, JSON) of the selected runs"),
                    QKeySequence(Qt::CTRL | Qt::Key_E), QStyle::SP_DialogSaveButton);
    m_export->setObjectName(QStringLiteral("exportRuns"));
    connect(m_export, &QAction::triggered, this, &HistoryPage::exportSelected);
    m_tag = make(tr("Tag…"), tr("Add tags to the selected runs"), QKeySequence(Qt::CTRL | Qt::Key_T));
    m_tag->setObjectName(QStringLiteral("tagRuns"));
    connect(m_tag, &QAction::triggered, this, &HistoryPage::tagSelected);
    m_untag = make(tr("Remove Tag…"), tr("Remove a tag from the selected runs"));
    m_untag->setObjectName(QStringLiteral("untagRuns"));
    connect(m_untag, &QAction::triggered, this, &HistoryPage::untagSelected);
    m_editNote = make(tr("Note"), tr("Write a note for the current run"), QKeySequence(Qt::Key_F2));
    connect(m_editNote, &QAction::triggered, this, [this] { m_note->setFocus(Qt::ShortcutFocusReason); });
    m_setUp = make(tr("Re-run"), tr("Put the run's configuration back into the Benchmark or Quantize page"),
                   QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), QStyle::SP_BrowserReload);
    m_setUp->setObjectName(QStringLiteral("setUpAgain"));
    connect(m_setUp, &QAction::triggered, this, [this] { rerunCurrent(false); });
    m_runAgain = make(tr("Run Again Now"), tr("Set the run up on its page and start it at once"));
    m_runAgain->setObjectName(QStringLiteral("runAgain"));
    connect(m_runAgain, &QAction::triggered, this, [this] { rerunCurrent(true); });
    m_delete = make(tr("Delete…"), tr("Delete the selected runs from the database"), QKeySequence(QKeySequence::Delete),
                    QStyle::SP_TrashIcon);
    m_delete->setObjectName(QStringLiteral("deleteRuns"));
    connect(m_delete, &QAction::triggered, this, [this] { deleteSelected(true); });
    m_copyUuid = make(tr("Copy UUID"), tr("The run's UUID, as quantscope-cli runs show and export take it"));
    connect(m_copyUuid, &QAction::triggered, this, [this] {
        if (const RunSummary* r = currentRun())
            QGuiApplication::clipboard()->setText(r->uuid);
    });
    m_refresh = make(tr("Refresh"), tr("List the database again"), QKeySequence(QKeySequence::Refresh), QStyle::SP_BrowserReload);
    connect(m_refresh, &QAction::triggered, this, &HistoryPage::reload);
}

void HistoryPage::setRerunPages(BenchmarkPage* benchmark, QuantizePage* quantize)
{
    delete m_replayer;
    m_replayer = new RunReplayer(m_context, benchmark, quantize, this);
    connect(m_replayer, &RunReplayer::pageReady, this, &HistoryPage::showPageRequested);
    updateSelection();
}

void HistoryPage::reload()
{
    m_loader->reload();
}

void HistoryPage::showEvent(QShowEvent* event)
{
    if (m_stale) {
        m_stale = false;
        m_loader->reload();
    }
    m_loader->setPolling(true);
    QWidget::showEvent(event);
}

void HistoryPage::hideEvent(QHideEvent* event)
{
    m_loader->setPolling(false);
    QWidget::hideEvent(event);
}

void HistoryPage::showRuns(const QVector<RunSummary>& runs, double ms)
{
    m_listMs = ms;
    // A reload must not lose the user's place: selection, current run and scroll position.
    const QVector<qint64> selected = selectedRuns();
    const RunSummary* current = currentRun();
    const qint64 currentId = current ? current->id : 0;
    const int scroll = m_table->verticalScrollBar()->value();
    const QString note = m_note->toPlainText();
    const bool noteEdited = m_saveNote->isEnabled();

    const bool first = m_model->rowCount() == 0;
    m_model->setRuns(runs);
    rebuildFilterChoices();
    if (first && !runs.isEmpty() && QSettings().value(QStringLiteral("history/header")).isNull()) {
        // Names vary in length; fit them once (visible rows only: cheap with any number of runs).
        for (int c : {int(RunTableModel::ModelColumn), int(RunTableModel::VariantColumn)})
            m_table->resizeColumnToContents(c);
    }
    if (!selected.isEmpty()) {
        selectRuns(selected);
        if (currentId) {
            const int row = m_model->rowOfRun(currentId);
            const QModelIndex at = m_proxy->mapFromSource(m_model->index(row, 0));
            if (at.isValid())
                m_table->selectionModel()->setCurrentIndex(at, QItemSelectionModel::NoUpdate);
        }
    }
    m_table->verticalScrollBar()->setValue(scroll);
    if (noteEdited && currentId == m_noteRun)
        m_note->setPlainText(note); // an unsaved note survives a refresh
    updateSelection();
    updateFilter();
    m_title->setText(tr("<h2>History</h2>Every run recorded in %1, by this studio and by quantscope-cli.")
                         .arg(paths::pretty(m_loader->databasePath()).toHtmlEscaped()));
    if (m_banner->kind() == MessageBanner::Kind::Error)
        m_banner->setMessage(MessageBanner::Kind::Info, QString());
    Q_EMIT runsShown(int(runs.size()));
}

void HistoryPage::rebuildFilterChoices()
{
    // Offer what the database holds; keep the choice when it still exists.
    QSet<QString> tags, kinds;
    for (const RunSummary& r : m_model->runs()) {
        for (const QString& t : r.tags)
            tags.insert(t);
        kinds.insert(r.kind);
    }
    auto fill = [](QComboBox* box, const QString& any, QStringList values) {
        const QString keep = box->currentData().toString();
        std::sort(values.begin(), values.end());
        QSignalBlocker block(box);
        box->clear();
        box->addItem(any, QString());
        for (const QString& v : values)
            box->addItem(v, v);
        const int i = box->findData(keep);
        if (i < 0 && !keep.isEmpty()) {
            box->addItem(keep, keep); // a filter the user chose stays, even if no run has it any more
            box->setCurrentIndex(box->count() - 1);
        } else {
            box->setCurrentIndex(std::max(i, 0));
        }
    };
    fill(m_tagFilter, tr("Any tag"), QStringList(tags.begin(), tags.end()));
    fill(m_kindFilter, tr("Any kind"), QStringList(kinds.begin(), kinds.end()));
}

void HistoryPage::updateFilter()
{
    RunFilter f;
    f.text = m_filter->text();
    f.tag = m_tagFilter->currentData().toString();
    f.kind = m_kindFilter->currentData().toString();
    f.status = parseRunStatus(m_statusFilter->currentData().toString());
    m_proxy->setRunFilter(f);
    const int shown = m_proxy->rowCount();
    const int total = m_model->rowCount();
    const QString runs = plots::countText(total, tr("run"), tr("runs"));
    m_count->setText(shown == total ? runs : tr("%1 of %2").arg(QLocale().toString(shown), runs));
    m_count->setToolTip(tr("Listed in %1 ms").arg(QLocale().toString(m_listMs, 'f', 1)));
    updateSelection();
}

QVector<int> HistoryPage::selectedSourceRows() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QVector<int> out;
    out.reserve(rows.size());
    for (const QModelIndex& i : rows)
        out << m_proxy->mapToSource(i).row();
    return out;
}

QVector<qint64> HistoryPage::selectedRuns() const
{
    QVector<qint64> ids;
    for (int row : selectedSourceRows())
        ids << m_model->run(row).id;
    return ids;
}

void HistoryPage::selectRuns(const QVector<qint64>& ids)
{
    // One pass over the rows, whatever the number of ids (a select-all of 10,000 runs).
    QHash<qint64, int> wanted;
    for (int i = 0; i < ids.size(); ++i)
        wanted.insert(ids[i], i);
    QItemSelection selection;
    QModelIndex first;
    int firstOrder = int(ids.size());
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const auto it = wanted.constFind(m_model->run(row).id);
        if (it == wanted.constEnd())
            continue;
        const QModelIndex at = m_proxy->mapFromSource(m_model->index(row, 0));
        if (!at.isValid())
            continue;
        selection.select(at, at.siblingAtColumn(m_proxy->columnCount() - 1));
        if (*it < firstOrder) {
            firstOrder = *it;
            first = at;
        }
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (first.isValid())
        m_table->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
}

const RunSummary* HistoryPage::currentRun() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row(), current.parent()))
        return nullptr;
    const QModelIndex source = m_proxy->mapToSource(current);
    return source.isValid() ? &m_model->run(source.row()) : nullptr;
}

qint64 HistoryPage::compareBaseline() const
{
    const QVector<int> rows = selectedSourceRows();
    for (int row : rows) {
        const RunSummary& r = m_model->run(row);
        if (r.kind == QLatin1String("bench") && r.scheme == QLatin1String("fp32"))
            return r.id;
    }
    if (const RunSummary* r = currentRun())
        return r->id;
    return rows.isEmpty() ? 0 : m_model->run(rows.first()).id;
}

void HistoryPage::updateSelection()
{
    const QVector<int> ids = selectedSourceRows();
    bool anyRunning = false, anyTags = false;
    for (int row : ids) {
        anyRunning = anyRunning || m_model->run(row).status == RunStatus::Running;
        anyTags = anyTags || !m_model->run(row).tags.isEmpty();
    }
    m_compare->setEnabled(ids.size() >= 2);
    m_export->setEnabled(!ids.isEmpty());
    m_tag->setEnabled(!ids.isEmpty());
    m_untag->setEnabled(anyTags);
    m_delete->setEnabled(!ids.isEmpty() && !anyRunning);
    m_delete->setToolTip(anyRunning ? tr("Runs still running cannot be deleted") : tr("Delete the selected runs from the database (Del)"));
    const RunSummary* current = currentRun();
    const bool replayable = m_replayer && current && ids.size() == 1 && RunReplayer::canReplay(current->kind);
    m_setUp->setEnabled(replayable);
    m_runAgain->setEnabled(replayable);
    m_editNote->setEnabled(current != nullptr);
    m_copyUuid->setEnabled(current != nullptr);
    showDetails();
}

void HistoryPage::showDetails()
{
    const RunSummary* r = currentRun();
    const int selected = int(m_table->selectionModel()->selectedRows().size());
    if (!r || selected != 1) {
        m_details->setText(selected > 1 ? tr("<b>%1 selected.</b> Compare them (Ctrl+D), export a report (Ctrl+E), tag or delete them.")
                                              .arg(plots::countText(selected, tr("run"), tr("runs")))
                                        : tr("Select a run to see its details and note; select several to compare them."));
        m_noteRun = 0;
        QSignalBlocker block(m_note);
        m_note->clear();
        m_note->setEnabled(false);
        m_saveNote->setEnabled(false);
        return;
    }
    QStringList lines;
    lines << tr("<b>Run %1</b> · %2 · %3 · started %4").arg(r->id).arg(r->kind.toHtmlEscaped(), runStatusName(r->status),
                                                              QLocale().toString(r->started.toLocalTime(), QLocale::ShortFormat));
    lines << tr("<b>Model:</b> %1").arg(paths::pretty(r->modelPath).toHtmlEscaped());
    QString config = tr("<b>Variant:</b> %1").arg(r->label().toHtmlEscaped());
    if (r->batch > 0)
        config += tr(" · batch %1").arg(r->batch);
    if (r->threads > 0)
        config += tr(" · %1").arg(plots::countText(r->threads, tr("thread"), tr("threads")));
    if (!r->mode.isEmpty())
        config += QStringLiteral(" · ") + r->mode.toHtmlEscaped();
    lines << config;
    QStringList figures;
    auto add = [&](const QString& name, const QString& label, plots::Unit unit, double scale = 1) {
        const double v = r->metric(name);
        if (!std::isnan(v))
            figures << tr("%1 %2").arg(label, plots::formatValue(v * scale, unit));
    };
    add(metric::LatencyP50Ms, tr("p50"), plots::Unit::Milliseconds);
    add(metric::LatencyP99Ms, tr("p99"), plots::Unit::Milliseconds);
    add(metric::ThroughputPerS, tr("throughput"), plots::Unit::PerSecond);
    add(metric::PeakMb, tr("peak"), plots::Unit::Bytes, 1024.0 * 1024.0); // stored in MiB
    add(metric::CpuPercent, tr("CPU"), plots::Unit::Percent);
    add(metric::Top1, tr("top-1"), plots::Unit::Percent);
    add(metric::SqnrDb, tr("SQNR"), plots::Unit::Decibel);
    if (!figures.isEmpty())
        lines << figures.join(QStringLiteral(" · "));
    if (r->metric(metric::Noisy) > 0)
        lines << tr("<span style='color:#D55E00'>Noisy: the latencies varied too much for small differences to be trusted.</span>");
    if (!r->error.isEmpty())
        lines << tr("<b>Why it ended:</b> %1").arg(r->error.toHtmlEscaped());
    if (!r->tags.isEmpty())
        lines << tr("<b>Tags:</b> %1").arg(r->tags.join(QStringLiteral(", ")).toHtmlEscaped());
    lines << tr("<small>UUID %1%2</small>").arg(r->uuid, r->imported ? tr(" · imported") : QString());
    m_details->setText(lines.join(QStringLiteral("<br>")));
    if (m_noteRun != r->id) {
        m_noteRun = r->id;
        QSignalBlocker block(m_note);
        m_note->setPlainText(r->note);
    }
    m_note->setEnabled(true);
    m_saveNote->setEnabled(m_note->toPlainText() != r->note);
}

void HistoryPage::showContextMenu(const QPoint& pos)
{
    const QModelIndex at = m_table->indexAt(pos);
    if (!at.isValid())
        return;
    QMenu menu(this);
    menu.addAction(m_compare);
    if (selectedRuns().size() >= 2) {
        const qint64 id = at.data(RunTableModel::RunIdRole).toLongLong();
        menu.addAction(tr("Compare with Run %1 as Baseline").arg(id), this, [this, id] {
            QList<qint64> others;
            for (qint64 s : selectedRuns()) {
                if (s != id)
                    others << s;
            }
            Q_EMIT compareRequested(id, others);
        });
    }
    menu.addAction(m_export);
    menu.addSeparator();
    menu.addAction(m_tag);
    menu.addAction(m_untag);
    menu.addAction(m_editNote);
    menu.addSeparator();
    menu.addAction(m_setUp);
    menu.addAction(m_runAgain);
    menu.addAction(m_copyUuid);
    menu.addSeparator();
    menu.addAction(m_delete);
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void HistoryPage::tagSelected()
{
    if (selectedRuns().isEmpty())
        return;
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Tag Runs"),
                                               tr("Tags for %1 (separate several with commas):")
                                                   .arg(plots::countText(selectedRuns().size(), tr("run"), tr("runs"))),
                                               QLineEdit::Normal, QString(), &ok);
    if (ok)
        addTags(splitTags(text));
}

void HistoryPage::addTags(const QStringList& tags)
{
    const QVector<qint64> ids = selectedRuns();
    if (!ids.isEmpty() && !tags.isEmpty())
        m_loader->addTags(ids, tags);
}

void HistoryPage::untagSelected()
{
    QStringList tags;
    for (int row : selectedSourceRows()) {
        for (const QString& t : m_model->run(row).tags) {
            if (!tags.contains(t))
                tags << t;
        }
    }
    if (tags.isEmpty())
        return;
    std::sort(tags.begin(), tags.end());
    bool ok = false;
    const QString tag = QInputDialog::getItem(this, tr("Remove Tag"), tr("Tag to remove from the selected runs:"), tags, 0, false, &ok);
    if (ok)
        removeTags({tag});
}

void HistoryPage::removeTags(const QStringList& tags)
{
    const QVector<qint64> ids = selectedRuns();
    if (!ids.isEmpty() && !tags.isEmpty())
        m_loader->removeTags(ids, tags);
}

void HistoryPage::saveNote()
{
    const RunSummary* r = currentRun();
    if (!r || r->id != m_noteRun)
        return;
    m_loader->setNote(r->id, m_note->toPlainText().trimmed());
    m_saveNote->setEnabled(false);
}

void HistoryPage::deleteSelected(bool confirm)
{
    const QVector<qint64> ids = selectedRuns();
    if (ids.isEmpty() || !m_delete->isEnabled())
        return;
    if (confirm) {
        QStringList names;
        for (int row : selectedSourceRows().mid(0, 5)) {
            const RunSummary& r = m_model->run(row);
            names << tr("Run %1: %2 %3 of %4").arg(r.id).arg(r.kind, r.label(), r.modelName);
        }
        if (ids.size() > 5)
            names << tr("… and %1 more").arg(ids.size() - 5);
        QMessageBox box(QMessageBox::Warning, tr("Delete Runs"),
                        tr("Delete %1 from the run database? This cannot be undone.")
                            .arg(plots::countText(ids.size(), tr("run"), tr("runs"))),
                        QMessageBox::Cancel, this);
        box.setObjectName(QStringLiteral("confirmDelete"));
        box.setInformativeText(names.join(QLatin1Char('\n')));
        QPushButton* del = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != del)
            return;
    }
    m_loader->deleteRuns(ids);
}

void HistoryPage::compareSelected()
{
    const QVector<qint64> ids = selectedRuns();
    if (ids.size() < 2)
        return;
    const qint64 baseline = compareBaseline();
    QList<qint64> others;
    for (qint64 id : ids) {
        if (id != baseline)
            others << id;
    }
    Q_EMIT compareRequested(baseline, others);
}

void HistoryPage::exportSelected()
{
    const QVector<qint64> ids = selectedRuns();
    if (ids.isEmpty())
        return;
    Q_EMIT exportRequested(QList<qint64>(ids.begin(), ids.end()));
    // The report is read on the worker; the dialog opens when it is ready.
    m_reportRequest = m_loader->buildReport(ids, compareBaseline());
}

void HistoryPage::rerunCurrent(bool start)
{
    const RunSummary* r = currentRun();
    if (!r || !m_replayer || !RunReplayer::canReplay(r->kind))
        return;
    m_rerunStart = start;
    m_rerunRequest = m_loader->loadRun(r->id);
}

} // namespace qs::ui
