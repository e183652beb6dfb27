// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarkpage.h"

#include "ui/benchmarkliveview.h"
#include "ui/messagebanner.h"
#include "ui/sessionrunmodel.h"
#include "ui/studiocontext.h"

#include "core/bench/benchmarkjob.h"
#include "core/common/engine.h"
#include "core/common/paths.h"
#include "core/store/jobrecorder.h"
#include "plots/metricformat.h"

#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QSortFilterProxyModel>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QRadioButton>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

namespace qs::ui {

namespace {
enum ItemRole { PathRole = Qt::UserRole, LabelRole, SchemeRole, KindRole, ModelRole };
enum Kind { Fp32, Fp32Optimized, File };

template<typename T>
Result<QVector<T>> parseList(const QString& text, const QString& what, T minimum)
{
    QVector<T> out;
    for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 v = part.toLongLong(&ok);
        if (!ok || v < minimum)
            return Error::usage(BenchmarkPage::tr("%1: \"%2\" is not a whole number of at least %3. Write a list such as 1, 8, 32.")
                                    .arg(what, part)
                                    .arg(minimum));
        if (!out.contains(T(v)))
            out << T(v);
    }
    if (out.isEmpty())
        return Error::usage(BenchmarkPage::tr("%1: give at least one value, e.g. 1.").arg(what));
    return out;
}
} // namespace

BenchmarkPage::BenchmarkPage(StudioContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_variants(new QListWidget(this))
    , m_batches(new QLineEdit(QStringLiteral("1"), this))
    , m_threads(new QLineEdit(QStringLiteral("1"), this))
    , m_engine(new QComboBox(this))
    , m_warmup(new QSpinBox(this))
    , m_minIters(new QSpinBox(this))
    , m_minTime(new QDoubleSpinBox(this))
    , m_sampler(new QComboBox(this))
    , m_liveMode(new QRadioButton(tr("&Live, in this process"), this))
    , m_isolatedMode(new QRadioButton(tr("&Isolated child process"), this))
    , m_start(new QPushButton(tr("Run benchmark"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_plan(new QLabel(this))
    , m_banner(new MessageBanner(this))
    , m_liveView(new BenchmarkLiveView(this))
    , m_table(new QTableView(this))
    , m_runs(new SessionRunModel(this))
{
    setObjectName(QStringLiteral("benchmarkPage"));
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(splitter);

    // ---- configuration --------------------------------------------------------------------
    auto* config = new QWidget;
    auto* form = new QVBoxLayout(config);
    auto* variantsBox = new QGroupBox(tr("Variants"), config);
    auto* variantsLayout = new QVBoxLayout(variantsBox);
    m_variants->setObjectName(QStringLiteral("benchmarkVariants"));
    m_variants->setToolTip(tr("Each checked variant is measured in one block (all its batch sizes and thread counts) "
                              "before the next, so that their thread pools do not disturb each other."));
    m_variants->setMinimumHeight(120);
    variantsLayout->addWidget(m_variants);
    auto* addFile = new QPushButton(tr("Add model file…"), config);
    addFile->setToolTip(tr("Benchmark another TorchScript file, e.g. a variant quantized earlier"));
    variantsLayout->addWidget(addFile);
    form->addWidget(variantsBox);

    auto* sweepBox = new QGroupBox(tr("Sweep"), config);
    auto* sweepForm = new QFormLayout(sweepBox);
    m_batches->setObjectName(QStringLiteral("benchmarkBatches"));
    m_batches->setToolTip(tr("Batch sizes, e.g. 1, 8, 32 (replaces the first dimension of every input)"));
    m_threads->setObjectName(QStringLiteral("benchmarkThreads"));
    m_threads->setToolTip(tr("Thread counts, e.g. 1, 2 (LibTorch and OpenBLAS are both bounded)"));
    sweepForm->addRow(tr("&Batch sizes:"), m_batches);
    sweepForm->addRow(tr("&Threads:"), m_threads);
    m_engine->addItem(tr("fastest (%1)").arg(engine::fastest()), QString());
    for (const QString& e : engine::available())
        m_engine->addItem(e, e);
    m_engine->setToolTip(tr("Quantized engine: onednn is the fast one on x86, qnnpack on ARM"));
    sweepForm->addRow(tr("&Engine:"), m_engine);
    form->addWidget(sweepBox);

    auto* protocolBox = new QGroupBox(tr("Protocol"), config);
    auto* protocolForm = new QFormLayout(protocolBox);
    m_warmup->setRange(0, 10000);
    m_warmup->setValue(10);
    m_warmup->setSuffix(tr(" forwards"));
    m_warmup->setToolTip(tr("Forwards run and recorded before measuring: caches, allocators and kernels settle"));
    m_minIters->setRange(1, 10000);
    m_minIters->setValue(50);
    m_minIters->setSuffix(tr(" forwards"));
    m_minIters->setObjectName(QStringLiteral("benchmarkMinIters"));
    m_minTime->setRange(0.0, 60.0);
    m_minTime->setDecimals(1);
    m_minTime->setSingleStep(0.5);
    m_minTime->setValue(2.0);
    m_minTime->setSuffix(tr(" s"));
    m_minTime->setObjectName(QStringLiteral("benchmarkMinTime"));
    m_minTime->setToolTip(tr("The steady state runs until both minimums are met (caps: 10,000 forwards, 60 s)"));
    protocolForm->addRow(tr("&Warmup:"), m_warmup);
    protocolForm->addRow(tr("Minimum &forwards:"), m_minIters);
    protocolForm->addRow(tr("Minimum t&ime:"), m_minTime);
    m_sampler->addItem(tr("1 kHz"), 1000);
    m_sampler->addItem(tr("100 Hz"), 100);
    m_sampler->addItem(tr("off"), 0);
    m_sampler->setToolTip(tr("How often the memory sampler reads the resident set (costs about 1.5 µs a sample)"));
    protocolForm->addRow(tr("&Memory sampling:"), m_sampler);
    m_liveMode->setChecked(true);
    m_liveMode->setObjectName(QStringLiteral("liveMode"));
    m_liveMode->setToolTip(tr("Measure in this process and watch the charts fill in"));
    m_isolatedMode->setObjectName(QStringLiteral("isolatedMode"));
    m_isolatedMode->setToolTip(tr("Measure each run in a child quantscope-cli: the peak memory belongs to that model alone"));
    protocolForm->addRow(tr("Mode:"), m_liveMode);
    protocolForm->addRow(QString(), m_isolatedMode);
    form->addWidget(protocolBox);

    m_plan->setWordWrap(true);
    m_plan->setObjectName(QStringLiteral("benchmarkPlan"));
    form->addWidget(m_plan);
    form->addWidget(m_banner);
    auto* buttons = new QHBoxLayout;
    m_start->setObjectName(QStringLiteral("startBenchmark"));
    m_start->setDefault(true);
    m_start->setToolTip(tr("Measure every checked variant (Ctrl+R)"));
    m_cancel->setObjectName(QStringLiteral("cancelBenchmark"));
    m_cancel->setToolTip(tr("Stop after the current forward; the run is recorded as cancelled (Esc: the status bar's Cancel)"));
    buttons->addWidget(m_start, 1);
    buttons->addWidget(m_cancel);
    form->addLayout(buttons);
    form->addStretch();

    auto* scroll = new QScrollArea(splitter);
    scroll->setWidget(config);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(300);
    splitter->addWidget(scroll);

    // ---- live view and runs --------------------------------------------------------------
    auto* right = new QSplitter(Qt::Vertical, splitter);
    right->addWidget(m_liveView);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_runs);
    proxy->setSortRole(SessionRunModel::SortRole);
    m_table->setModel(proxy);
    m_table->setObjectName(QStringLiteral("sessionRuns"));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(SessionRunModel::RunColumn, QHeaderView::Stretch);
    m_table->setToolTip(tr("Runs measured in this session; pick one to see its charts"));
    right->addWidget(m_table);
    right->setStretchFactor(0, 4);
    right->setStretchFactor(1, 1);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({330, 1000});

    connect(addFile, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Add a TorchScript model"), StudioContext::variantsDir(),
                                                          tr("TorchScript models (*.pt *.pth *.ts *.zip);;All files (*)"));
        if (!path.isEmpty())
            addVariantFile(path);
    });
    connect(m_start, &QPushButton::clicked, this, &BenchmarkPage::start);
    connect(m_cancel, &QPushButton::clicked, this, &BenchmarkPage::cancel);
    for (QLineEdit* e : {m_batches, m_threads})
        connect(e, &QLineEdit::textChanged, this, &BenchmarkPage::updatePlan);
    connect(m_minIters, &QSpinBox::valueChanged, this, &BenchmarkPage::updatePlan);
    connect(m_minTime, &QDoubleSpinBox::valueChanged, this, &BenchmarkPage::updatePlan);
    connect(m_variants, &QListWidget::itemChanged, this, &BenchmarkPage::updatePlan);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this, proxy](const QModelIndex& current) {
        if (current.isValid() && !isRunning())
            m_liveView->showResult(m_runs->run(proxy->mapToSource(current).row()));
    });
    connect(context, &StudioContext::modelChanged, this, &BenchmarkPage::rebuildVariants);
    // Variants quantized in this session join the list, checked: measuring them is the next step.
    connect(context, &StudioContext::variantAdded, this, [this](const Variant& v) {
        if (!v.artifactPath.isEmpty())
            addVariantFile(v.artifactPath, v.scheme, v.scheme, true, v.modelPath);
    });
    rebuildVariants();
    setRunning(false);
}

BenchmarkPage::~BenchmarkPage() = default;

void BenchmarkPage::rebuildVariants()
{
    // Keep what the user added and checked across model re-probes.
    QList<QListWidgetItem*> files;
    while (m_variants->count() > 0) {
        QListWidgetItem* item = m_variants->takeItem(0);
        if (item->data(KindRole).toInt() == File)
            files << item;
        else
            delete item;
    }
    if (m_context->hasModel()) {
        const QString path = m_context->model().info.path;
        auto* fp32 = new QListWidgetItem(tr("FP32 as loaded"));
        fp32->setData(PathRole, path);
        fp32->setData(LabelRole, QStringLiteral("fp32"));
        fp32->setData(KindRole, Fp32);
        fp32->setToolTip(path);
        fp32->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        fp32->setCheckState(Qt::Checked);
        m_variants->addItem(fp32);
        auto* optimized = new QListWidgetItem(tr("FP32 optimized"));
        optimized->setData(PathRole, path);
        optimized->setData(LabelRole, QStringLiteral("fp32-optimized"));
        optimized->setData(KindRole, Fp32Optimized);
        optimized->setToolTip(tr("Frozen and optimize_for_inference at load: a fair FP32 baseline, so that \"INT8 is 2x faster\" "
                                 "is not a claim against a handicapped FP32"));
        optimized->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        optimized->setCheckState(Qt::Unchecked);
        m_variants->addItem(optimized);
    }
    const QString current = m_context->hasModel() ? m_context->model().info.path : QString();
    for (QListWidgetItem* f : files) {
        // A variant quantized from another model does not take this model's inputs.
        const QString of = f->data(ModelRole).toString();
        if (!of.isEmpty() && QFileInfo(of) != QFileInfo(current))
            delete f;
        else
            m_variants->addItem(f);
    }
    updatePlan();
}

void BenchmarkPage::addVariantFile(const QString& path, const QString& label, const QString& scheme, bool checked,
                                   const QString& modelPath)
{
    for (int i = 0; i < m_variants->count(); ++i) {
        QListWidgetItem* item = m_variants->item(i);
        if (item->data(KindRole).toInt() == File && item->data(PathRole).toString() == path) {
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
            return;
        }
    }
    const QString name = label.isEmpty() ? QFileInfo(path).fileName() : label;
    auto* item = new QListWidgetItem(name);
    item->setData(PathRole, path);
    item->setData(LabelRole, label);
    item->setData(SchemeRole, scheme);
    item->setData(KindRole, File);
    item->setData(ModelRole, modelPath);
    item->setToolTip(paths::pretty(path));
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    m_variants->addItem(item);
    updatePlan();
}

QStringList BenchmarkPage::variantLabels() const
{
    QStringList out;
    for (int i = 0; i < m_variants->count(); ++i) {
        const QListWidgetItem* item = m_variants->item(i);
        out << (item->data(LabelRole).toString().isEmpty() ? item->text() : item->data(LabelRole).toString());
    }
    return out;
}

void BenchmarkPage::checkVariants(const QStringList& labels)
{
    for (int i = 0; i < m_variants->count(); ++i) {
        QListWidgetItem* item = m_variants->item(i);
        const bool on = labels.contains(item->data(LabelRole).toString()) || labels.contains(item->data(PathRole).toString())
            || labels.contains(item->text());
        if (item->data(KindRole).toInt() != File || on || item->checkState() == Qt::Checked)
            item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
}

void BenchmarkPage::setBatches(const QString& text)
{
    m_batches->setText(text);
}

void BenchmarkPage::setThreads(const QString& text)
{
    m_threads->setText(text);
}

void BenchmarkPage::setMinimums(int iterations, double seconds, int warmup)
{
    m_minIters->setValue(iterations);
    m_minTime->setValue(seconds);
    m_warmup->setValue(warmup);
}

void BenchmarkPage::setIsolated(bool isolated)
{
    (isolated ? m_isolatedMode : m_liveMode)->setChecked(true);
}

void BenchmarkPage::setEngine(const QString& engine)
{
    const int i = m_engine->findData(engine);
    m_engine->setCurrentIndex(i >= 0 ? i : 0);
}

void BenchmarkPage::setSamplerHz(int samplerHz)
{
    const int i = m_sampler->findData(samplerHz);
    if (i >= 0)
        m_sampler->setCurrentIndex(i);
}

Result<BenchmarkSweep> BenchmarkPage::sweep() const
{
    if (!m_context->hasModel())
        return Error::usage(tr("Open a model first (File → Open Model, or the demo workspace)."));
    if (m_context->model().inputs.isEmpty())
        return Error::usage(tr("The model's input shapes are not known: enter them on the Models page first."));
    BenchmarkSweep s;
    const InputSpec inputs = m_context->model().inputs;
    for (int i = 0; i < m_variants->count(); ++i) {
        const QListWidgetItem* item = m_variants->item(i);
        if (item->checkState() != Qt::Checked)
            continue;
        switch (item->data(KindRole).toInt()) {
        case Fp32: s.targets << BenchmarkTarget{item->data(PathRole).toString(), QStringLiteral("fp32"), QString(), inputs}; break;
        case Fp32Optimized: s.baselineOptimized = true; break;
        case File:
            s.targets << BenchmarkTarget{item->data(PathRole).toString(), item->data(LabelRole).toString(),
                                         item->data(SchemeRole).toString(), inputs};
            break;
        }
    }
    if (s.baselineOptimized) {
        // The optimized baseline is built from the FP32 file: make sure FP32 is a target.
        bool hasFp32 = false;
        for (const BenchmarkTarget& t : s.targets)
            hasFp32 = hasFp32 || t.variant == QLatin1String("fp32");
        if (!hasFp32)
            s.targets.prepend(BenchmarkTarget{m_context->model().info.path, QStringLiteral("fp32"), QString(), inputs});
    }
    if (s.targets.isEmpty())
        return Error::usage(tr("Check at least one variant to measure."));
    auto batches = parseList<qint64>(m_batches->text(), tr("Batch sizes"), 1);
    if (!batches)
        return batches.error();
    auto threads = parseList<int>(m_threads->text(), tr("Threads"), 1);
    if (!threads)
        return threads.error();
    s.batches = *batches;
    s.threads = *threads;
    if (!m_engine->currentData().toString().isEmpty())
        s.engines = {m_engine->currentData().toString()};
    s.protocol.warmupIterations = m_warmup->value();
    s.protocol.minIterations = m_minIters->value();
    s.protocol.minSeconds = m_minTime->value();
    s.protocol.samplerHz = m_sampler->currentData().toInt();
    s.protocol.mode = m_isolatedMode->isChecked() ? RunMode::Isolated : RunMode::Live;
    return s;
}

void BenchmarkPage::updatePlan()
{
    auto s = sweep();
    if (!s) {
        m_plan->setText(s.error().message);
        m_start->setEnabled(false);
        return;
    }
    m_start->setEnabled(!isRunning());
    const int runs = int(s->expand().size());
    // Warmup and load come on top; the minimum time is the honest lower bound.
    m_plan->setText(tr("%1, at least %2 s of measuring.").arg(plots::countText(runs, tr("run"), tr("runs"))).arg(QLocale().toString(runs * s->protocol.minSeconds, 'f', 0)));
}

void BenchmarkPage::setRunning(bool running)
{
    m_start->setEnabled(!running);
    m_cancel->setEnabled(running);
    if (!running)
        updatePlan();
}

void BenchmarkPage::start()
{
    if (isRunning())
        return;
    auto s = sweep();
    if (!s) {
        m_banner->setMessage(MessageBanner::Kind::Error, s.error().message.toHtmlEscaped());
        return;
    }
    m_banner->setMessage(MessageBanner::Kind::Info, QString());
    m_noisyRuns.clear();
    auto* job = new BenchmarkJob(*s);
    m_job = job;
    connect(job, &BenchmarkJob::runStarted, this, [this](int index, int count, const RunConfig& config) {
        m_liveView->startRun(index, count, config);
    });
    connect(job, &BenchmarkJob::runUpdated, m_liveView, &BenchmarkLiveView::addUpdate);
    connect(job, &BenchmarkJob::runFinished, this, [this](const RunResult& r) {
        // What made figures unfair or noisy, as the run's own fingerprint recorded it.
        if (m_banner->kind() != MessageBanner::Kind::Error) {
            QStringList why = r.environment.warnings();
            if (r.noisy) {
                m_noisyRuns << SessionRunModel::shortLabel(r.config);
                why.prepend(tr("Noisy runs, small differences are not to be trusted: %1").arg(m_noisyRuns.join(QStringLiteral(", "))));
            }
            if (!why.isEmpty())
                m_banner->setMessages(MessageBanner::Kind::Warning, why);
        }
        m_liveView->finishRun(r);
        m_runs->addRun(r);
        m_context->addRun(r);
        Q_EMIT runFinished(r);
    });
    connect(job, &Job::failed, this, [this](const Error& e) {
        m_banner->setMessage(MessageBanner::Kind::Error, tr("<b>The benchmark did not complete:</b> %1").arg(e.message.toHtmlEscaped()));
    });
    connect(job, &Job::finished, this, [this] {
        m_job = nullptr; // deleted later; the page is free now
        setRunning(false);
        Q_EMIT benchmarkFinished();
    });
    auto* recorder = new BenchRecorder(StudioContext::databasePath());
    recorder->attach(job);
    m_context->record(recorder, job);
    setRunning(true);
    m_context->run(job, JobRunner::Lane::Timing);
}

void BenchmarkPage::cancel()
{
    if (m_job)
        m_job->cancel();
}

} // namespace qs::ui
