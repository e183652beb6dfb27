// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparepage.h"

#include "ui/comparisonview.h"
#include "ui/errordialog.h"
#include "ui/exportreportdialog.h"
#include "ui/runpickerproxy.h"
#include "ui/studiocontext.h"

#include "core/report/report.h"
#include "core/store/runtablemodel.h"
#include "core/store/store.h"
#include "plots/metricformat.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QFutureWatcher>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

#include <functional>

namespace qs::ui {

namespace {
/// Runs \a work on a pool thread with a Store of its own (QtSql connections stay on the thread
/// that opened them) and hands the result to \a done on \a context's thread.
template<typename T>
void readStore(QObject* context, const QString& path, std::function<Result<T>(const Store&)> work,
               std::function<void(const Result<T>&)> done)
{
    auto* watcher = new QFutureWatcher<Result<T>>(context);
    QObject::connect(watcher, &QFutureWatcher<Result<T>>::finished, context, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([path, work]() -> Result<T> {
        Store::Options options;
        options.readOnly = true; // the Compare page never writes
        options.create = false;
        auto store = Store::open(path, options);
        if (!store)
            return store.error();
        return work(**store);
    }));
}

// The columns a person picks runs by; the rest stay in the History page.
const RunTableModel::Column kShown[] = {RunTableModel::IdColumn,     RunTableModel::VariantColumn, RunTableModel::BatchColumn,
                                        RunTableModel::ThreadsColumn, RunTableModel::P50Column,     RunTableModel::StatusColumn,
                                        RunTableModel::ModelColumn,   RunTableModel::StartedColumn};
} // namespace

ComparePage::ComparePage(StudioContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_runs(new RunTableModel(this))
    , m_picker(new RunPickerProxy(this))
    , m_filter(new QLineEdit(this))
    , m_benchOnly(new QCheckBox(tr("&Benchmarks only"), this))
    , m_table(new QTableView(this))
    , m_baseline(new QComboBox(this))
    , m_compare(new QPushButton(tr("&Compare"), this))
    , m_export(new QPushButton(tr("E&xport Report…"), this))
    , m_status(new QLabel(this))
    , m_view(new ComparisonView(this))
{
    setObjectName(QStringLiteral("comparePage"));
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(splitter);

    auto* left = new QWidget(splitter);
    auto* layout = new QVBoxLayout(left);
    m_filter->setObjectName(QStringLiteral("compareFilter"));
    m_filter->setPlaceholderText(tr("Filter: model, variant, engine, tag…"));
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);
    m_benchOnly->setChecked(true);
    m_benchOnly->setToolTip(tr("Show only benchmark runs; off: quantize and evaluation runs too"));
    layout->addWidget(m_benchOnly);

    m_picker->setSourceModel(m_runs);
    m_picker->setKind(QStringLiteral("bench"));
    m_table->setModel(m_picker);
    m_table->setObjectName(QStringLiteral("compareRuns"));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunTableModel::IdColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setToolTip(tr("Check the runs to compare (Space checks the selected rows)"));
    for (int c = 0; c < RunTableModel::ColumnCount; ++c)
        m_table->setColumnHidden(c, std::find(std::begin(kShown), std::end(kShown), c) == std::end(kShown));
    // The variant first: it is what people pick by; where and when come last.
    for (int to = 0; to < int(std::size(kShown)); ++to)
        m_table->horizontalHeader()->moveSection(m_table->horizontalHeader()->visualIndex(kShown[to]), to);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);

    auto* form = new QFormLayout;
    m_baseline->setObjectName(QStringLiteral("compareBaseline"));
    m_baseline->setToolTip(tr("The run every ratio is taken against, usually FP32"));
    m_baseline->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_baseline->setMinimumContentsLength(16);
    form->addRow(tr("Base&line:"), m_baseline);
    layout->addLayout(form);
    auto* buttons = new QHBoxLayout;
    m_compare->setObjectName(QStringLiteral("compareButton"));
    m_compare->setDefault(true);
    m_compare->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_compare->setToolTip(tr("Compare the checked runs with the baseline (Ctrl+Return)"));
    m_export->setObjectName(QStringLiteral("exportReportButton"));
    m_export->setToolTip(tr("Write this comparison as HTML, PDF, Markdown, CSV or JSON (Ctrl+E)"));
    m_export->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    buttons->addWidget(m_compare, 1);
    buttons->addWidget(m_export, 1);
    layout->addLayout(buttons);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("compareStatus"));
    layout->addWidget(m_status);

    splitter->addWidget(left);
    splitter->addWidget(m_view);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({420, 1000});

    connect(m_filter, &QLineEdit::textChanged, m_picker, &RunPickerProxy::setText);
    connect(m_benchOnly, &QCheckBox::toggled, this, [this](bool on) { m_picker->setKind(on ? QStringLiteral("bench") : QString()); });
    connect(m_picker, &RunPickerProxy::checkedChanged, this, &ComparePage::rebuildBaselines);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        const QModelIndex check = index.siblingAtColumn(0);
        m_picker->setData(check, check.data(Qt::CheckStateRole).toInt() == Qt::Checked ? Qt::Unchecked : Qt::Checked, Qt::CheckStateRole);
    });
    auto* space = new QAction(this);
    space->setShortcut(Qt::Key_Space);
    space->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(space);
    connect(space, &QAction::triggered, this, [this] {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        const bool on = std::any_of(rows.begin(), rows.end(), [](const QModelIndex& i) { return i.data(Qt::CheckStateRole).toInt() != Qt::Checked; });
        for (const QModelIndex& i : rows)
            m_picker->setData(i, on ? Qt::Checked : Qt::Unchecked, Qt::CheckStateRole);
    });
    connect(m_baseline, &QComboBox::activated, this, [this] { m_preferredBaseline = baselineRunId(); });
    connect(m_compare, &QPushButton::clicked, this, &ComparePage::compareChecked);
    connect(m_export, &QPushButton::clicked, this, &ComparePage::exportReport);
    connect(context, &StudioContext::runRecorded, this, &ComparePage::reload);
    connect(context, &StudioContext::databasePathChanged, this, [this] {
        m_picker->setCheckedRunIds({});
        m_view->clear();
        reload();
    });
    rebuildBaselines();
    reload();
}

ComparePage::~ComparePage() = default;

QList<qint64> ComparePage::checkedRunIds() const
{
    return m_picker->checkedRunIds();
}

qint64 ComparePage::baselineRunId() const
{
    return m_baseline->currentData().toLongLong();
}

void ComparePage::setLoading(bool loading)
{
    m_loading += loading ? 1 : -1;
    m_compare->setEnabled(m_baseline->count() > 0);
    m_export->setEnabled(!m_view->report().rows.isEmpty());
}

void ComparePage::showError(const Error& error)
{
    m_status->setText(QStringLiteral("<span style=\"color:%1\">%2</span>")
                          .arg(palette().color(QPalette::Highlight).name(), error.message.toHtmlEscaped()));
}

void ComparePage::reload()
{
    setLoading(true);
    readStore<QVector<RunSummary>>(
        this, StudioContext::databasePath(), [](const Store& s) { return s.listRuns(); },
        [this](const Result<QVector<RunSummary>>& runs) {
            setLoading(false);
            const QString none = tr("No runs recorded yet: benchmark a model first.");
            if (!runs) {
                // No database yet is the normal first start, not an error.
                m_status->setText(none);
                m_runs->setRuns({});
            } else {
                m_runs->setRuns(*runs);
                if (m_status->text() == none)
                    m_status->clear();
            }
            rebuildBaselines();
            Q_EMIT runsReloaded();
        });
}

void ComparePage::rebuildBaselines()
{
    const QList<qint64> ids = checkedRunIds();
    QSignalBlocker block(m_baseline);
    m_baseline->clear();
    int select = -1;
    int fp32 = -1;
    for (qint64 id : ids) {
        const RunSummary& r = m_runs->run(m_runs->rowOfRun(id)); // checked ids are listed ones
        m_baseline->addItem(tr("#%1 %2 b%3 t%4").arg(id).arg(r.label()).arg(r.batch).arg(r.threads), id);
        if (id == m_preferredBaseline)
            select = m_baseline->count() - 1;
        if (fp32 < 0 && r.scheme == QLatin1String("fp32"))
            fp32 = m_baseline->count() - 1;
    }
    // FP32 is the baseline people mean unless they chose another.
    m_baseline->setCurrentIndex(select >= 0 ? select : fp32 >= 0 ? fp32 : (m_baseline->count() > 0 ? 0 : -1));
    m_compare->setEnabled(m_baseline->count() > 0);
    m_export->setEnabled(!m_view->report().rows.isEmpty());
}

void ComparePage::compareChecked()
{
    const QList<qint64> ids = checkedRunIds();
    if (ids.isEmpty()) {
        m_status->setText(tr("Check the runs to compare in the list."));
        return;
    }
    compare(baselineRunId() > 0 ? baselineRunId() : ids.first(), ids);
}

void ComparePage::compare(qint64 baselineRunId, const QList<qint64>& runIds)
{
    QList<qint64> ids = runIds;
    if (!ids.contains(baselineRunId))
        ids.prepend(baselineRunId);
    m_preferredBaseline = baselineRunId;
    m_picker->setCheckedRunIds(ids);
    // Runs recorded since the list was read (History's "Compare" on a fresh run) are listed
    // and checked once the listing catches up.
    if (std::any_of(ids.begin(), ids.end(), [this](qint64 id) { return m_runs->rowOfRun(id) < 0; }))
        reload();
    m_status->setText(tr("Reading %1…").arg(plots::countText(ids.size(), tr("run"), tr("runs"))));
    const quint64 generation = ++m_generation;
    setLoading(true);
    const QVector<qint64> wanted(ids.begin(), ids.end());
    readStore<Report>(
        this, StudioContext::databasePath(), [wanted, baselineRunId](const Store& s) { return buildReport(s, wanted, baselineRunId); },
        [this, generation](const Result<Report>& report) {
            setLoading(false);
            if (generation != m_generation)
                return; // another comparison was asked for meanwhile
            if (!report) {
                showError(report.error());
                Q_EMIT comparisonFailed(report.error());
                return;
            }
            m_status->clear();
            m_view->setReport(*report);
            m_export->setEnabled(true);
            Q_EMIT comparisonShown();
        });
}

void ComparePage::exportReport()
{
    if (m_view->report().rows.isEmpty())
        return;
    auto* dialog = new ExportReportDialog(m_view->report(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace qs::ui
