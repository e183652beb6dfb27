// SPDX-License-Identifier: GPL-3.0-or-later
#include "quantizepage.h"

#include "ui/coveragereport.h"
#include "ui/messagebanner.h"
#include "ui/studiocontext.h"
#include "ui/variantlistmodel.h"

#include "core/common/engine.h"
#include "core/common/paths.h"
#include "core/quant/layerpattern.h"
#include "core/quant/quantizejob.h"
#include "core/quant/quantizer.h"
#include "core/quant/schemecatalog.h"
#include "core/store/jobrecorder.h"
#include "plots/metricformat.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSortFilterProxyModel>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

namespace qs::ui {

namespace {
enum Calib { CalibFile, CalibRandom, CalibNone };

QString formatEta(qint64 ms)
{
    if (ms < 0)
        return {};
    const qint64 s = (ms + 999) / 1000;
    return QuantizePage::tr(" — %1:%2 left").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

QuantizePage::QuantizePage(StudioContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_schemes(new QListWidget(this))
    , m_engine(new QComboBox(this))
    , m_observer(new QComboBox(this))
    , m_granularity(new QComboBox(this))
    , m_block(new QComboBox(this))
    , m_calibration(new QComboBox(this))
    , m_calibPath(new QLineEdit(this))
    , m_calibBrowse(new QPushButton(tr("Browse…"), this))
    , m_samples(new QSpinBox(this))
    , m_excluded(new QListWidget(this))
    , m_excludeEdit(new QLineEdit(this))
    , m_outDir(new QLabel(this))
    , m_start(new QPushButton(tr("Quantize"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_progress(new QProgressBar(this))
    , m_progressLabel(new QLabel(this))
    , m_banner(new MessageBanner(this))
    , m_table(new QTableView(this))
    , m_variants(new VariantListModel(this))
    , m_report(new CoverageReport(this))
{
    setObjectName(QStringLiteral("quantizePage"));
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(splitter);

    // ---- options ---------------------------------------------------------------------------
    auto* config = new QWidget;
    auto* form = new QVBoxLayout(config);
    auto* schemesBox = new QGroupBox(tr("Schemes"), config);
    auto* schemesLayout = new QVBoxLayout(schemesBox);
    m_schemes->setObjectName(QStringLiteral("schemeList"));
    for (const SchemeInfo& s : schemeCatalog()) {
        auto* item = new QListWidgetItem(QStringLiteral("%1  —  %2").arg(s.title, s.realKernels ? tr("INT8/FP16 kernels") : tr("size study")));
        item->setData(Qt::UserRole, s.id);
        item->setToolTip(tr("<b>%1</b> (%2)<br>%3<br>Quantizes: %4").arg(s.title, s.id, s.summary, s.layerTypes.join(QStringLiteral(", "))));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(s.id == QLatin1String("dynamic-int8") || s.id == QLatin1String("static-int8") ? Qt::Checked : Qt::Unchecked);
        m_schemes->addItem(item);
    }
    m_schemes->setMinimumHeight(m_schemes->sizeHintForRow(0) * 6);
    schemesLayout->addWidget(m_schemes);
    form->addWidget(schemesBox);

    auto* optionsBox = new QGroupBox(tr("Options"), config);
    auto* optionsForm = new QFormLayout(optionsBox);
    m_engine->addItem(tr("fastest (%1)").arg(engine::fastest()), QString());
    for (const QString& e : engine::available())
        m_engine->addItem(e, e);
    m_engine->setToolTip(tr("The quantized engine the variant is made for (and must run with)"));
    optionsForm->addRow(tr("&Engine:"), m_engine);
    m_observer->addItem(tr("Histogram"), int(QuantizeOptions::Observer::Histogram));
    m_observer->addItem(tr("MinMax"), int(QuantizeOptions::Observer::MinMax));
    m_observer->setToolTip(tr("How static-int8 chooses activation ranges from the calibration data (torch.ao's observers)"));
    optionsForm->addRow(tr("&Observer:"), m_observer);
    m_granularity->addItem(tr("engine default"), int(QuantizeOptions::Granularity::Default));
    m_granularity->addItem(tr("per tensor"), int(QuantizeOptions::Granularity::PerTensor));
    m_granularity->addItem(tr("per channel"), int(QuantizeOptions::Granularity::PerChannel));
    m_granularity->setToolTip(tr("One weight scale per tensor or per output channel (dynamic/static INT8, weight-only)"));
    optionsForm->addRow(tr("&Weights:"), m_granularity);
    m_block->addItem(tr("per channel"), 0);
    for (int b : validBlockSizes())
        m_block->addItem(tr("%1 weights").arg(b), b);
    m_block->setToolTip(tr("weight-int8/int4: one scale per block of weights instead of per channel"));
    optionsForm->addRow(tr("&Block size:"), m_block);
    form->addWidget(optionsBox);

    auto* calibBox = new QGroupBox(tr("Calibration and fidelity data"), config);
    auto* calibForm = new QFormLayout(calibBox);
    m_calibration->addItem(tr("File"), CalibFile);
    m_calibration->addItem(tr("Random inputs (seeded)"), CalibRandom);
    m_calibration->addItem(tr("None"), CalibNone);
    m_calibration->setObjectName(QStringLiteral("calibrationSource"));
    m_calibration->setToolTip(tr("static-int8 needs it; every scheme's fidelity (cosine, SQNR vs FP32) is measured on samples not "
                                 "used for calibration"));
    calibForm->addRow(tr("&Source:"), m_calibration);
    auto* pathRow = new QHBoxLayout;
    m_calibPath->setObjectName(QStringLiteral("calibrationPath"));
    m_calibPath->setPlaceholderText(tr("torch.save'd {\"inputs\": X} file"));
    pathRow->addWidget(m_calibPath, 1);
    pathRow->addWidget(m_calibBrowse);
    calibForm->addRow(tr("File:"), pathRow);
    m_samples->setRange(1, 100000);
    m_samples->setValue(200);
    m_samples->setObjectName(QStringLiteral("calibrationSamples"));
    m_samples->setToolTip(tr("Samples used for calibration (about 200 is what people use)"));
    calibForm->addRow(tr("S&amples:"), m_samples);
    form->addWidget(calibBox);

    auto* excludeBox = new QGroupBox(tr("Kept in FP32"), config);
    auto* excludeLayout = new QVBoxLayout(excludeBox);
    m_excluded->setObjectName(QStringLiteral("excludedLayers"));
    m_excluded->setToolTip(tr("Layers (or globs over names and types, e.g. fc*, Embedding) that every scheme leaves in FP32. "
                              "Pick them on the Models page (select rows, Keep in FP32), or type a pattern below."));
    m_excluded->setMaximumHeight(90);
    m_excluded->setSelectionMode(QAbstractItemView::ExtendedSelection);
    excludeLayout->addWidget(m_excluded);
    auto* excludeRow = new QHBoxLayout;
    m_excludeEdit->setPlaceholderText(tr("layer name, type or glob"));
    m_excludeEdit->setObjectName(QStringLiteral("excludePattern"));
    auto* addExclude = new QPushButton(tr("Add"), config);
    auto* removeExclude = new QPushButton(tr("Remove"), config);
    excludeRow->addWidget(m_excludeEdit, 1);
    excludeRow->addWidget(addExclude);
    excludeRow->addWidget(removeExclude);
    excludeLayout->addLayout(excludeRow);
    form->addWidget(excludeBox);

    m_outDir->setWordWrap(true);
    m_outDir->setForegroundRole(QPalette::PlaceholderText);
    form->addWidget(m_outDir);
    auto* buttons = new QHBoxLayout;
    m_start->setObjectName(QStringLiteral("startQuantize"));
    m_start->setToolTip(tr("Quantize the model with every checked scheme (Ctrl+K)"));
    m_cancel->setObjectName(QStringLiteral("cancelQuantize"));
    m_cancel->setToolTip(tr("Stop between calibration batches; variants already made are kept"));
    buttons->addWidget(m_start, 1);
    buttons->addWidget(m_cancel);
    form->addLayout(buttons);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    form->addWidget(m_progress);
    m_progressLabel->setWordWrap(true);
    form->addWidget(m_progressLabel);
    form->addWidget(m_banner);
    form->addStretch();

    auto* scroll = new QScrollArea(splitter);
    scroll->setWidget(config);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(330);
    splitter->addWidget(scroll);

    // ---- variants and coverage -------------------------------------------------------------
    auto* right = new QWidget(splitter);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto* results = new QSplitter(Qt::Vertical, right);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_variants);
    proxy->setSortRole(VariantListModel::SortRole);
    m_table->setModel(proxy);
    m_table->setObjectName(QStringLiteral("variantTable"));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(VariantListModel::SchemeColumn, QHeaderView::Stretch);
    results->addWidget(m_table);
    results->addWidget(m_report);
    results->setStretchFactor(0, 1);
    results->setStretchFactor(1, 3);
    rightLayout->addWidget(results, 1);
    auto* next = new QHBoxLayout;
    auto* bench = new QPushButton(tr("Benchmark these variants…"), right);
    bench->setToolTip(tr("Go to the Benchmark page with FP32 and this session's variants checked"));
    next->addStretch();
    next->addWidget(bench);
    rightLayout->addLayout(next);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({360, 1000});

    connect(m_start, &QPushButton::clicked, this, &QuantizePage::start);
    connect(m_cancel, &QPushButton::clicked, this, &QuantizePage::cancel);
    connect(bench, &QPushButton::clicked, this, &QuantizePage::benchmarkRequested);
    connect(m_schemes, &QListWidget::itemChanged, this, &QuantizePage::updateOptionsState);
    connect(m_calibration, &QComboBox::currentIndexChanged, this, &QuantizePage::updateOptionsState);
    connect(m_calibPath, &QLineEdit::textChanged, this, &QuantizePage::updateOptionsState);
    connect(m_calibBrowse, &QPushButton::clicked, this, [this] {
        const QString start = m_calibPath->text().isEmpty() ? QDir::homePath() : QFileInfo(m_calibPath->text()).absolutePath();
        const QString path = QFileDialog::getOpenFileName(this, tr("Calibration data"), start,
                                                          tr("Tensor files (*.pt *.pth);;All files (*)"));
        if (!path.isEmpty())
            m_calibPath->setText(path);
    });
    auto addPattern = [this] {
        const QString p = m_excludeEdit->text().trimmed();
        if (p.isEmpty())
            return;
        if (Status st = LayerPattern::check(p); !st) {
            m_banner->setMessage(MessageBanner::Kind::Error, st.error().message.toHtmlEscaped());
            return;
        }
        m_context->setExcludedLayers(m_context->excludedLayers() << p);
        m_excludeEdit->clear();
    };
    connect(addExclude, &QPushButton::clicked, this, addPattern);
    connect(m_excludeEdit, &QLineEdit::returnPressed, this, addPattern);
    connect(removeExclude, &QPushButton::clicked, this, [this] {
        QStringList patterns = m_context->excludedLayers();
        for (QListWidgetItem* item : m_excluded->selectedItems())
            patterns.removeAll(item->text());
        m_context->setExcludedLayers(patterns);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this, proxy](const QModelIndex& current) { showVariant(current.isValid() ? proxy->mapToSource(current).row() : -1); });
    connect(context, &StudioContext::modelChanged, this, &QuantizePage::modelChanged);
    connect(context, &StudioContext::excludedLayersChanged, this, &QuantizePage::refreshExclusions);
    connect(context, &StudioContext::variantAdded, this, [this](const Variant& v) {
        m_variants->addVariant(v);
        // Show the newest: that is what the user is waiting for.
        auto* proxyModel = static_cast<QSortFilterProxyModel*>(m_table->model());
        for (int r = 0; r < m_variants->rowCount(); ++r) {
            if (m_variants->variant(r).artifactPath == v.artifactPath)
                m_table->setCurrentIndex(proxyModel->mapFromSource(m_variants->index(r, 0)));
        }
    });
    m_progress->hide();
    m_cancel->setEnabled(false);
    modelChanged();
    refreshExclusions();
}

QuantizePage::~QuantizePage() = default;

void QuantizePage::modelChanged()
{
    // The demo comes with its calibration set: preselect it, as a user would.
    const auto demo = m_context->demo();
    if (m_context->hasModel() && demo && QFileInfo(m_context->model().info.path) == QFileInfo(demo->modelPath)
        && m_calibPath->text().isEmpty()) {
        m_calibPath->setText(demo->calibDataPath);
        m_calibration->setCurrentIndex(m_calibration->findData(CalibFile));
    }
    m_outDir->setText(tr("Variants are written to %1 (Preferences).").arg(paths::pretty(StudioContext::variantsDir())));
    updateOptionsState();
}

void QuantizePage::refreshExclusions()
{
    m_excluded->clear();
    m_excluded->addItems(m_context->excludedLayers());
    if (m_context->excludedLayers().isEmpty()) {
        auto* none = new QListWidgetItem(tr("none: every layer a scheme covers is quantized"), m_excluded);
        none->setFlags(Qt::NoItemFlags);
    }
}

QStringList QuantizePage::checkedSchemes() const
{
    QStringList ids;
    for (int i = 0; i < m_schemes->count(); ++i) {
        if (m_schemes->item(i)->checkState() == Qt::Checked)
            ids << m_schemes->item(i)->data(Qt::UserRole).toString();
    }
    return ids;
}

void QuantizePage::checkSchemes(const QStringList& schemeIds)
{
    for (int i = 0; i < m_schemes->count(); ++i)
        m_schemes->item(i)->setCheckState(schemeIds.contains(m_schemes->item(i)->data(Qt::UserRole).toString()) ? Qt::Checked : Qt::Unchecked);
}

void QuantizePage::setCalibration(const QString& path, int samples)
{
    m_calibration->setCurrentIndex(m_calibration->findData(path.isEmpty() ? CalibNone : CalibFile));
    m_calibPath->setText(path);
    m_samples->setValue(samples);
}

void QuantizePage::applyOptions(const QuantizeOptions& o)
{
    checkSchemes({o.scheme});
    auto select = [](QComboBox* box, const QVariant& value) {
        const int i = box->findData(value);
        if (i >= 0)
            box->setCurrentIndex(i);
    };
    select(m_engine, o.engine);
    select(m_observer, int(o.observer));
    select(m_granularity, int(o.granularity));
    select(m_block, o.blockSize);
    switch (o.calibration) {
    case QuantizeOptions::Calibration::File: select(m_calibration, int(CalibFile)); break;
    case QuantizeOptions::Calibration::Random: select(m_calibration, int(CalibRandom)); break;
    case QuantizeOptions::Calibration::None: select(m_calibration, int(CalibNone)); break;
    }
    m_calibPath->setText(o.calibrationPath);
    m_samples->setValue(o.calibrationSamples);
    m_context->setExcludedLayers(o.excludes);
    updateOptionsState();
}

void QuantizePage::updateOptionsState()
{
    // Options that none of the checked schemes take are greyed out, not hidden: people see
    // that they exist and which scheme they belong to.
    bool anyStatic = false, anyGranularity = false, anyBlock = false;
    for (const QString& id : checkedSchemes()) {
        const auto info = findScheme(id);
        anyStatic = anyStatic || (info && info->needsCalibration);
        anyGranularity = anyGranularity || (info && info->granularity);
        anyBlock = anyBlock || (info && info->blockwise);
    }
    m_observer->setEnabled(anyStatic);
    m_granularity->setEnabled(anyGranularity);
    m_block->setEnabled(anyBlock);
    const bool file = m_calibration->currentData().toInt() == CalibFile;
    m_calibPath->setEnabled(file);
    m_calibBrowse->setEnabled(file);
    m_samples->setEnabled(m_calibration->currentData().toInt() != CalibNone);
    auto o = options();
    m_start->setEnabled(o.ok() && !isRunning());
    if (!isRunning())
        m_progressLabel->setText(o ? tr("%1 will be made.").arg(plots::countText(o->size(), tr("variant"), tr("variants"))) : o.error().message);
}

Result<QVector<QuantizeOptions>> QuantizePage::options() const
{
    if (!m_context->hasModel())
        return Error::usage(tr("Open a model first."));
    const QStringList ids = checkedSchemes();
    if (ids.isEmpty())
        return Error::usage(tr("Check at least one scheme."));
    QVector<QuantizeOptions> out;
    for (const QString& id : ids) {
        const auto info = findScheme(id);
        QuantizeOptions o;
        o.scheme = id;
        o.engine = m_engine->currentData().toString();
        o.observer = QuantizeOptions::Observer(m_observer->currentData().toInt());
        if (info && info->granularity)
            o.granularity = QuantizeOptions::Granularity(m_granularity->currentData().toInt());
        if (info && info->blockwise)
            o.blockSize = m_block->currentData().toInt();
        switch (m_calibration->currentData().toInt()) {
        case CalibFile:
            o.calibration = QuantizeOptions::Calibration::File;
            o.calibrationPath = m_calibPath->text().trimmed();
            if (o.calibrationPath.isEmpty())
                return Error::usage(tr("Choose a calibration file, or pick random inputs."));
            break;
        case CalibRandom: o.calibration = QuantizeOptions::Calibration::Random; break;
        default: o.calibration = QuantizeOptions::Calibration::None; break;
        }
        o.calibrationSamples = m_samples->value();
        o.excludes = m_context->excludedLayers();
        o.inputs = m_context->model().inputs;
        o.outPath = defaultArtifactPath(m_context->model().info.path, id, StudioContext::variantsDir());
        if (Status st = o.validate(); !st)
            return st.error();
        out << o;
    }
    return out;
}

void QuantizePage::start()
{
    if (isRunning())
        return;
    auto opts = options();
    if (!opts) {
        m_banner->setMessage(MessageBanner::Kind::Error, opts.error().message.toHtmlEscaped());
        return;
    }
    QDir().mkpath(StudioContext::variantsDir());
    m_banner->setMessage(MessageBanner::Kind::Info, QString());
    auto* job = new QuantizeJob(m_context->model().model, *opts);
    m_job = job;
    connect(job, &QuantizeJob::progress, this, [this](int permille, const QString& message, qint64 eta) {
        m_progress->setValue(permille);
        m_progressLabel->setText(message + formatEta(eta));
    });
    connect(job, &QuantizeJob::variantReady, this, [this](int, const Variant& v) {
        m_context->addVariant(v);
        Q_EMIT variantReady(v);
    });
    connect(job, &QuantizeJob::variantFailed, this, [this](int, const QString& scheme, const Error& e) {
        m_banner->setMessage(MessageBanner::Kind::Error, tr("<b>%1 failed:</b> %2").arg(scheme, e.message.toHtmlEscaped()));
    });
    connect(job, &Job::cancelled, this, [this] { m_progressLabel->setText(tr("Cancelled; the variants made before are kept.")); });
    connect(job, &Job::succeeded, this, [this, job] {
        m_progressLabel->setText(tr("Made %1.").arg(plots::countText(job->variants().size(), tr("variant"), tr("variants"))));
    });
    connect(job, &Job::finished, this, [this] {
        m_job = nullptr; // deleted later; the page is free now
        m_progress->hide();
        m_cancel->setEnabled(false);
        updateOptionsState();
        Q_EMIT quantizeFinished();
    });
    auto* recorder = new QuantizeRecorder(StudioContext::databasePath());
    recorder->attach(job, *opts, m_context->model().info.path, m_context->model().info.sha256);
    m_context->record(recorder, job);
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->setEnabled(true);
    m_start->setEnabled(false);
    m_context->run(job);
}

void QuantizePage::cancel()
{
    if (m_job)
        m_job->cancel();
}

void QuantizePage::showVariant(int row)
{
    if (row < 0 || row >= m_variants->rowCount())
        m_report->clear();
    else
        m_report->setVariant(m_variants->variant(row));
}

} // namespace qs::ui
