// SPDX-License-Identifier: GPL-3.0-or-later
#include "layerspage.h"

#include "ui/fallbackstepmodel.h"
#include "ui/messagebanner.h"
#include "ui/rangetablemodel.h"
#include "ui/sensitivitytablemodel.h"
#include "ui/studiocontext.h"

#include "core/common/engine.h"
#include "core/common/paths.h"
#include "core/demo/demoworkspace.h"
#include "core/eval/fallbackjob.h"
#include "core/eval/sensitivityjob.h"
#include "core/quant/quantizer.h"
#include "core/quant/schemecatalog.h"
#include "plots/metricformat.h"
#include "plots/sensitivityplot.h"
#include "plots/tradeoffplot.h"
#include "plots/valuehistogramplot.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QFutureWatcher>
#include <QtCore/QItemSelectionModel>
#include <QtCore/QSortFilterProxyModel>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

#include <cmath>

namespace qs::ui {

namespace {

/// The data a diagnosis measures on, opened off the GUI thread (a 10,000-image file takes a
/// moment to read).
struct PreparedData
{
    std::optional<Dataset> data;
    std::optional<Dataset> calibration;
    std::optional<Error> error;
};

PreparedData prepareData(const QString& dataPath, qint64 samples, const QString& calibPath, const InputSpec& spec)
{
    PreparedData p;
    DatasetOptions o;
    o.limit = samples;
    auto data = Dataset::open(dataPath, o, spec);
    if (!data) {
        p.error = data.error();
        return p;
    }
    p.data = *data;
    if (!calibPath.isEmpty()) {
        auto calib = Dataset::open(calibPath, {}, spec);
        if (!calib) {
            p.error = calib.error();
            return p;
        }
        p.calibration = *calib;
    }
    return p;
}

// A result's notes as sentences on lines of their own, after its summary.
QString notesHtml(const QStringList& notes)
{
    QString html;
    for (QString n : notes) {
        if (n.isEmpty())
            continue;
        n[0] = n[0].toUpper();
        html += QStringLiteral("<br>") + n.toHtmlEscaped() + (n.endsWith(QLatin1Char('.')) ? QString() : QStringLiteral("."));
    }
    return html;
}

QTableView* makeTable(QAbstractItemModel* model, int sortRole, QWidget* parent)
{
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setSortRole(sortRole);
    auto* table = new QTableView(parent);
    table->setModel(proxy);
    table->setSortingEnabled(true);
    table->sortByColumn(0, Qt::AscendingOrder);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    return table;
}

} // namespace

LayersPage::LayersPage(StudioContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_scheme(new QComboBox(this))
    , m_engine(new QComboBox(this))
    , m_metric(new QComboBox(this))
    , m_dataPath(new QLineEdit(this))
    , m_samples(new QSpinBox(this))
    , m_calibSamples(new QSpinBox(this))
    , m_calibNote(new QLabel(this))
    , m_analyze(new QPushButton(tr("Rank Layers"), this))
    , m_budget(new QDoubleSpinBox(this))
    , m_prune(new QCheckBox(tr("Quantize kept layers again when the budget allows"), this))
    , m_save(new QCheckBox(tr("Save the mixed-precision variant"), this))
    , m_fallback(new QPushButton(tr("Find Fallback"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_progress(new QProgressBar(this))
    , m_progressLabel(new QLabel(this))
    , m_banner(new MessageBanner(this))
    , m_tabs(new QTabWidget(this))
    , m_summary(new QLabel(this))
    , m_plot(new plots::SensitivityPlot(this))
    , m_sensitivity(new SensitivityTableModel(this))
    , m_fallbackBanner(new MessageBanner(this))
    , m_stepPlot(new plots::TradeoffPlot(this))
    , m_steps(new FallbackStepModel(this))
    , m_bins(new QSpinBox(this))
    , m_rangesButton(new QPushButton(tr("Show Ranges"), this))
    , m_rangeSummary(new QLabel(this))
    , m_ranges(new RangeTableModel(this))
    , m_histogram(new plots::ValueHistogramPlot(this))
    , m_logScale(new QCheckBox(tr("&Logarithmic counts"), this))
{
    setObjectName(QStringLiteral("layersPage"));
    qRegisterMetaType<qs::SensitivityResult>();
    qRegisterMetaType<qs::FallbackResult>();
    qRegisterMetaType<qs::LayerDiagnosis>();
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(splitter);

    // ---- the form ----------------------------------------------------------------------------
    auto* config = new QWidget;
    auto* form = new QVBoxLayout(config);
    auto* intro = new QLabel(tr("<h2>Layers</h2>Which layers suffer from quantization, and the fewest to keep in FP32 "
                                "for an accuracy budget."), config);
    intro->setWordWrap(true);
    form->addWidget(intro);

    auto* analysisBox = new QGroupBox(tr("Sensitivity"), config);
    auto* analysisForm = new QFormLayout(analysisBox);
    m_scheme->setObjectName(QStringLiteral("diagnosisScheme"));
    for (const SchemeInfo& s : schemeCatalog())
        m_scheme->addItem(s.title, s.id);
    m_scheme->setCurrentIndex(std::max(0, m_scheme->findData(QStringLiteral("static-int8"))));
    m_scheme->setToolTip(tr("The scheme each layer is quantized with, alone, while every other layer stays FP32"));
    analysisForm->addRow(tr("&Scheme:"), m_scheme);
    m_engine->addItem(tr("fastest (%1)").arg(engine::fastest()), QString());
    for (const QString& e : engine::available())
        m_engine->addItem(e, e);
    analysisForm->addRow(tr("&Engine:"), m_engine);
    m_metric->setObjectName(QStringLiteral("diagnosisMetric"));
    m_metric->addItem(tr("Top-1 accuracy"), int(DiagnosisMetric::Top1));
    m_metric->addItem(tr("Output SQNR vs FP32"), int(DiagnosisMetric::Sqnr));
    m_metric->setToolTip(tr("Top-1 needs labelled data; SQNR (signal to quantization noise) works on any inputs"));
    analysisForm->addRow(tr("&Measure by:"), m_metric);
    auto* dataRow = new QHBoxLayout;
    m_dataPath->setObjectName(QStringLiteral("diagnosisData"));
    m_dataPath->setPlaceholderText(tr("tensor file, image folder or IDX file"));
    m_dataPath->setToolTip(tr("What the layers are measured on: a torch.save'd {\"inputs\", \"labels\"} file, an image folder "
                              "(one subfolder per class) or an IDX file"));
    auto* browse = new QPushButton(tr("Browse…"), config);
    dataRow->addWidget(m_dataPath, 1);
    dataRow->addWidget(browse);
    auto* dataLabel = new QLabel(tr("&Data:"), config);
    dataLabel->setBuddy(m_dataPath);
    analysisForm->addRow(dataLabel, dataRow);
    m_samples->setObjectName(QStringLiteral("diagnosisSamples"));
    m_samples->setRange(10, 1000000);
    m_samples->setValue(1000);
    m_samples->setSingleStep(100);
    m_samples->setGroupSeparatorShown(true);
    m_samples->setToolTip(tr("Samples each layer is measured on: more give steadier rankings, each layer costs one pass"));
    analysisForm->addRow(tr("Sa&mples:"), m_samples);
    m_calibSamples->setRange(1, 100000);
    m_calibSamples->setValue(200);
    m_calibSamples->setToolTip(tr("Calibration samples of static schemes"));
    analysisForm->addRow(tr("&Calibration:"), m_calibSamples);
    m_calibNote->setWordWrap(true);
    m_calibNote->setForegroundRole(QPalette::PlaceholderText);
    analysisForm->addRow(QString(), m_calibNote);
    m_analyze->setObjectName(QStringLiteral("rankLayers"));
    m_analyze->setDefault(true);
    m_analyze->setToolTip(tr("Quantize each layer alone and measure what it costs (Ctrl+L)"));
    m_analyze->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    analysisForm->addRow(m_analyze);
    form->addWidget(analysisBox);

    auto* fallbackBox = new QGroupBox(tr("Accuracy-aware fallback"), config);
    auto* fallbackForm = new QFormLayout(fallbackBox);
    m_budget->setObjectName(QStringLiteral("fallbackBudget"));
    m_budget->setDecimals(2);
    fallbackForm->addRow(tr("&Budget:"), m_budget);
    m_prune->setChecked(true);
    m_prune->setToolTip(tr("After the budget is met, try each kept layer again, least sensitive first: a smaller FP32 set"));
    fallbackForm->addRow(m_prune);
    m_save->setToolTip(tr("Write the variant to the variants folder (Preferences), to benchmark it like any other"));
    fallbackForm->addRow(m_save);
    m_fallback->setObjectName(QStringLiteral("findFallback"));
    m_fallback->setToolTip(tr("Keep the most sensitive layers in FP32 until the variant is within the budget; reuses the ranking "
                              "when it was made with the same settings"));
    fallbackForm->addRow(m_fallback);
    form->addWidget(fallbackBox);

    auto* rangesBox = new QGroupBox(tr("Ranges"), config);
    auto* rangesForm = new QFormLayout(rangesBox);
    m_bins->setObjectName(QStringLiteral("histogramBins"));
    m_bins->setRange(8, 1024);
    m_bins->setValue(LayerDiagnosisOptions().bins);
    m_bins->setToolTip(tr("Histogram bins of each weight and activation"));
    rangesForm->addRow(tr("B&ins:"), m_bins);
    m_rangesButton->setObjectName(QStringLiteral("showRanges"));
    m_rangesButton->setToolTip(tr("Each weight's and activation's values against the range the scheme chooses, with the error "
                                  "and the share clipped; static schemes calibrate first (Ctrl+Shift+L)"));
    m_rangesButton->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    rangesForm->addRow(m_rangesButton);
    form->addWidget(rangesBox);

    m_cancel->setObjectName(QStringLiteral("cancelDiagnosis"));
    form->addWidget(m_cancel, 0, Qt::AlignLeft);
    m_progress->setRange(0, 1000);
    form->addWidget(m_progress);
    m_progressLabel->setWordWrap(true);
    form->addWidget(m_progressLabel);
    m_banner->setObjectName(QStringLiteral("layersBanner"));
    form->addWidget(m_banner);
    form->addStretch();
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(config);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(config->sizeHint().width() + 24);
    splitter->addWidget(scroll);

    // ---- results -----------------------------------------------------------------------------
    auto* sensitivityTab = new QWidget;
    auto* sensitivityLayout = new QVBoxLayout(sensitivityTab);
    m_summary->setObjectName(QStringLiteral("sensitivitySummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sensitivityLayout->addWidget(m_summary);
    auto* sensitivitySplit = new QSplitter(Qt::Vertical, sensitivityTab);
    m_plot->setObjectName(QStringLiteral("sensitivityPlot"));
    m_plot->setMinimumHeight(220);
    sensitivitySplit->addWidget(m_plot);
    m_table = makeTable(m_sensitivity, SensitivityTableModel::SortRole, sensitivitySplit);
    m_table->setObjectName(QStringLiteral("sensitivityTable"));
    sensitivitySplit->addWidget(m_table);
    sensitivitySplit->setStretchFactor(0, 3);
    sensitivitySplit->setStretchFactor(1, 2);
    sensitivityLayout->addWidget(sensitivitySplit, 1);
    m_tabs->addTab(sensitivityTab, tr("Sensitivity"));

    auto* fallbackTab = new QWidget;
    auto* fallbackLayout = new QVBoxLayout(fallbackTab);
    m_fallbackBanner->setObjectName(QStringLiteral("fallbackSummary"));
    fallbackLayout->addWidget(m_fallbackBanner);
    auto* fallbackSplit = new QSplitter(Qt::Vertical, fallbackTab);
    m_stepPlot->setObjectName(QStringLiteral("fallbackPlot"));
    m_stepPlot->setTitle(tr("What each step bought"));
    m_stepPlot->setEmptyText(tr("Find a fallback to see, step by step, which layers go back to FP32 and what each buys."));
    m_stepPlot->setMinimumHeight(220);
    fallbackSplit->addWidget(m_stepPlot);
    m_stepTable = makeTable(m_steps, FallbackStepModel::SortRole, fallbackSplit);
    m_stepTable->setObjectName(QStringLiteral("fallbackSteps"));
    fallbackSplit->addWidget(m_stepTable);
    fallbackSplit->setStretchFactor(0, 3);
    fallbackSplit->setStretchFactor(1, 2);
    fallbackLayout->addWidget(fallbackSplit, 1);
    m_tabs->addTab(fallbackTab, tr("Fallback"));

    auto* rangesTab = new QWidget;
    auto* rangesLayout = new QVBoxLayout(rangesTab);
    m_rangeSummary->setObjectName(QStringLiteral("rangeSummary"));
    m_rangeSummary->setWordWrap(true);
    m_rangeSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rangeSummary->setText(tr("Show Ranges to see each weight's and activation's values against the range the scheme "
                               "chooses: a range wider than the values wastes levels, a narrower one clips."));
    rangesLayout->addWidget(m_rangeSummary);
    auto* rangesSplit = new QSplitter(Qt::Vertical, rangesTab);
    auto* histogramBox = new QWidget(rangesSplit);
    auto* histogramLayout = new QVBoxLayout(histogramBox);
    histogramLayout->setContentsMargins(0, 0, 0, 0);
    m_histogram->setObjectName(QStringLiteral("rangeHistogram"));
    m_histogram->setMinimumHeight(220);
    m_histogram->setEmptyText(tr("Show Ranges, then pick a weight or an activation in the table."));
    histogramLayout->addWidget(m_histogram, 1);
    m_logScale->setObjectName(QStringLiteral("histogramLog"));
    m_logScale->setChecked(true);
    m_logScale->setToolTip(tr("The tails of weight distributions, where clipping happens, vanish on a linear axis"));
    histogramLayout->addWidget(m_logScale, 0, Qt::AlignLeft);
    rangesSplit->addWidget(histogramBox);
    m_rangeTable = makeTable(m_ranges, RangeTableModel::SortRole, rangesSplit);
    m_rangeTable->setObjectName(QStringLiteral("rangeTable"));
    m_rangeTable->setSelectionMode(QAbstractItemView::SingleSelection);
    rangesSplit->addWidget(m_rangeTable);
    rangesSplit->setStretchFactor(0, 3);
    rangesSplit->setStretchFactor(1, 2);
    rangesLayout->addWidget(rangesSplit, 1);
    m_tabs->addTab(rangesTab, tr("Ranges"));
    m_tabs->setObjectName(QStringLiteral("layersTabs"));
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Data to measure on"), QFileInfo(m_dataPath->text()).absolutePath(),
                                                          tr("Tensor files (*.pt *.pth);;IDX files (*.gz *-ubyte);;All files (*)"));
        if (!path.isEmpty())
            m_dataPath->setText(path);
    });
    connect(m_analyze, &QPushButton::clicked, this, &LayersPage::analyze);
    connect(m_fallback, &QPushButton::clicked, this, &LayersPage::findFallback);
    connect(m_rangesButton, &QPushButton::clicked, this, &LayersPage::showRanges);
    connect(m_rangeTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LayersPage::showHistogramOf);
    connect(m_logScale, &QCheckBox::toggled, m_histogram, &plots::ValueHistogramPlot::setLogScale);
    connect(m_cancel, &QPushButton::clicked, this, &LayersPage::cancel);
    connect(m_dataPath, &QLineEdit::textChanged, this, &LayersPage::updateState);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &LayersPage::updateBudgetUnit);
    connect(context, &StudioContext::modelChanged, this, &LayersPage::modelChanged);
    updateBudgetUnit();
    modelChanged();
}

LayersPage::~LayersPage() = default;

QString LayersPage::demoDataPath(bool calibration) const
{
    if (!m_context->hasModel())
        return {};
    const QFileInfo model(m_context->model().info.path);
    std::optional<DemoWorkspace> w = m_context->demo();
    if (!w || QFileInfo(w->modelPath) != model)
        w = DemoWorkspace::load(model.absolutePath());
    if (!w || QFileInfo(w->modelPath) != model)
        return {};
    return calibration ? w->calibDataPath : w->testDataPath;
}

void LayersPage::modelChanged()
{
    // Results belong to the model they were measured on.
    m_sensitivity->clear();
    m_steps->clear();
    m_plot->setScores({}, {});
    m_stepPlot->setPoints({});
    m_ranges->clear();
    m_histogram->setHistogram({});
    m_summary->clear();
    m_fallbackBanner->setMessage(MessageBanner::Kind::Info, QString());
    m_lastSensitivity.reset();
    m_sensitivityKey.clear();
    const QString demo = demoDataPath(false);
    if (!demo.isEmpty()) {
        m_dataPath->setText(demo);
        setMetric(DiagnosisMetric::Top1);
    }
    updateState();
}

void LayersPage::updateBudgetUnit()
{
    const bool sqnr = DiagnosisMetric(m_metric->currentData().toInt()) == DiagnosisMetric::Sqnr;
    FallbackOptions defaults;
    if (sqnr) {
        m_budget->setRange(0, 150);
        m_budget->setSingleStep(1);
        m_budget->setSuffix(tr(" dB"));
        m_budget->setValue(defaults.budgetFor(DiagnosisMetric::Sqnr));
        m_budget->setToolTip(tr("The smallest output SQNR against FP32 the variant may have"));
    } else {
        m_budget->setRange(0, 100);
        m_budget->setSingleStep(0.1);
        m_budget->setSuffix(tr(" pt"));
        m_budget->setValue(defaults.budgetFor(DiagnosisMetric::Top1));
        m_budget->setToolTip(tr("The most top-1 accuracy the variant may lose against FP32, in percentage points"));
    }
}

void LayersPage::updateState()
{
    const bool running = isRunning();
    auto o = options();
    m_analyze->setEnabled(!running && o.ok());
    m_fallback->setEnabled(!running && o.ok());
    m_rangesButton->setEnabled(!running && o.ok());
    m_cancel->setEnabled(running && !m_job.isNull());
    m_progress->setVisible(running);
    if (!running)
        m_progressLabel->setText(o ? QString() : o.error().message);
    const bool demoCalib = !demoDataPath(true).isEmpty() && QFileInfo(m_dataPath->text().trimmed()) == QFileInfo(demoDataPath(false));
    m_calibNote->setText(demoCalib ? tr("Static schemes calibrate on the demo's calibration set (training images).")
                                   : tr("Static schemes calibrate on the first samples of the data."));
}

Result<DiagnosisOptions> LayersPage::options() const
{
    if (!m_context->hasModel())
        return Error::usage(tr("Open a model first (File → Open Model, or the demo workspace)."));
    if (m_context->model().inputs.isEmpty())
        return Error::usage(tr("The model's input shapes are not known: enter them on the Models page first."));
    if (m_dataPath->text().trimmed().isEmpty())
        return Error::usage(tr("Choose the data to measure the layers on."));
    DiagnosisOptions d;
    d.quant.scheme = m_scheme->currentData().toString();
    d.quant.engine = m_engine->currentData().toString();
    d.quant.calibrationSamples = m_calibSamples->value();
    d.quant.excludes = m_context->excludedLayers();
    d.quant.inputs = m_context->model().inputs;
    d.eval.modelSpec = m_context->model().inputs;
    d.metric = DiagnosisMetric(m_metric->currentData().toInt());
    // The diagnosis brings its own calibration data; check the rest of the scheme's options.
    QuantizeOptions check = d.quant;
    check.calibration = QuantizeOptions::Calibration::Random;
    if (Status st = check.validate(); !st)
        return st.error();
    return d;
}

void LayersPage::setScheme(const QString& scheme)
{
    const int i = m_scheme->findData(scheme);
    if (i >= 0)
        m_scheme->setCurrentIndex(i);
}

void LayersPage::setData(const QString& path, int samples)
{
    m_dataPath->setText(path);
    m_samples->setValue(samples);
}

void LayersPage::setMetric(DiagnosisMetric metric)
{
    const int i = m_metric->findData(int(metric));
    if (i >= 0)
        m_metric->setCurrentIndex(i);
}

void LayersPage::setBudget(double budget)
{
    m_budget->setValue(budget);
}

void LayersPage::setBins(int bins)
{
    m_bins->setValue(bins);
}

QString LayersPage::diagnosisKey() const
{
    return QStringList{m_context->hasModel() ? m_context->model().info.path : QString(), m_scheme->currentData().toString(),
                       m_engine->currentData().toString(), m_metric->currentData().toString(), m_dataPath->text().trimmed(),
                       QString::number(m_samples->value()), QString::number(m_calibSamples->value()),
                       m_context->excludedLayers().join(QLatin1Char(','))}
        .join(QLatin1Char('|'));
}

void LayersPage::analyze()
{
    start(Work::Sensitivity);
}

void LayersPage::findFallback()
{
    start(Work::Fallback);
}

void LayersPage::showRanges()
{
    start(Work::Ranges);
}

void LayersPage::cancel()
{
    if (m_job)
        m_job->cancel();
}

void LayersPage::start(Work work)
{
    if (isRunning())
        return;
    auto o = options();
    if (!o) {
        m_banner->setMessage(MessageBanner::Kind::Error, o.error().message.toHtmlEscaped());
        return;
    }
    m_banner->setMessage(MessageBanner::Kind::Info, QString());
    const QString dataPath = m_dataPath->text().trimmed();
    const bool demoCalib = QFileInfo(dataPath) == QFileInfo(demoDataPath(false));
    const QString calibPath = demoCalib ? demoDataPath(true) : QString();
    m_preparing = true;
    m_progress->setValue(0);
    m_progressLabel->setText(tr("Reading %1…").arg(QFileInfo(dataPath).fileName()));
    updateState();
    auto* watcher = new QFutureWatcher<PreparedData>(this);
    const DiagnosisOptions options = *o;
    connect(watcher, &QFutureWatcher<PreparedData>::finished, this, [this, watcher, work, options] {
        const PreparedData p = watcher->result();
        watcher->deleteLater();
        m_preparing = false;
        if (p.error) {
            m_banner->setMessage(MessageBanner::Kind::Error, tr("<b>Cannot read the data:</b> %1").arg(p.error->message.toHtmlEscaped()));
            updateState();
            Q_EMIT diagnosisFinished();
            return;
        }
        DiagnosisOptions d = options;
        d.calibration = p.calibration;
        launch(work, d, *p.data);
    });
    watcher->setFuture(QtConcurrent::run(prepareData, dataPath, qint64(m_samples->value()), calibPath, m_context->model().inputs));
}

void LayersPage::launch(Work work, const DiagnosisOptions& options, const Dataset& data)
{
    const QString key = diagnosisKey();
    Job* job = nullptr;
    if (work == Work::Ranges) {
        LayerDiagnosisOptions d;
        d.quant = options.quant;
        d.bins = m_bins->value();
        // Static schemes choose activation ranges on the calibration set the ranking would use.
        auto* r = new LayerDiagnosisJob(m_context->model().model, d, options.calibration.value_or(data));
        connect(r, &LayerDiagnosisJob::diagnosed, this, [this](const LayerDiagnosis& result) {
            showDiagnosis(result);
            Q_EMIT rangesReady(result);
        });
        job = r;
    } else if (work == Work::Sensitivity) {
        auto* s = new SensitivityJob(m_context->model().model, data, options);
        connect(s, &SensitivityJob::analyzed, this, [this, key](const SensitivityResult& r) {
            m_sensitivityKey = key;
            showSensitivity(r);
            Q_EMIT sensitivityReady(r);
        });
        job = s;
    } else {
        FallbackOptions f;
        f.budget = m_budget->value();
        f.prune = m_prune->isChecked();
        if (m_save->isChecked()) {
            QDir().mkpath(StudioContext::variantsDir());
            f.outPath = defaultArtifactPath(m_context->model().info.path, options.quant.scheme + QStringLiteral("-fallback"),
                                            StudioContext::variantsDir());
        }
        auto* fj = new FallbackJob(m_context->model().model, data, options, f);
        // The ranking on screen was made with these settings: the fallback need not measure it again.
        if (m_lastSensitivity && m_sensitivityKey == key)
            fj->setSensitivity(*m_lastSensitivity);
        connect(fj, &FallbackJob::found, this, [this](const FallbackResult& r) {
            showFallback(r);
            Q_EMIT fallbackReady(r);
        });
        job = fj;
    }
    m_job = job;
    connect(job, &Job::progress, this, [this](int permille, const QString& message, qint64 eta) {
        // The status bar shows the time left; the page says what is being measured.
        Q_UNUSED(eta);
        m_progress->setValue(permille);
        m_progressLabel->setText(message);
    });
    connect(job, &Job::failed, this, [this](const Error& e) {
        m_banner->setMessage(MessageBanner::Kind::Error, tr("<b>The diagnosis did not complete:</b> %1").arg(e.message.toHtmlEscaped()));
    });
    connect(job, &Job::cancelled, this, [this] { m_banner->setMessage(MessageBanner::Kind::Info, tr("Cancelled.")); });
    connect(job, &Job::finished, this, [this] {
        m_job = nullptr; // deleted later; the page is free now
        updateState();
        Q_EMIT diagnosisFinished();
    });
    updateState();
    m_context->run(job);
}

void LayersPage::showSensitivity(const SensitivityResult& r)
{
    m_lastSensitivity = r;
    m_sensitivity->setResult(r);
    QVector<plots::LayerScore> scores;
    for (const LayerSensitivity& l : r.layers) {
        if (l.quantized)
            scores << plots::LayerScore{l.name, l.type, SensitivityTableModel::cost(l, r.metric), false, l.note};
    }
    plots::MetricSpec spec;
    spec.title = SensitivityTableModel::costTitle(r.metric);
    spec.unit = plots::Unit::Plain;
    m_plot->setScores(scores, spec);
    m_table->resizeColumnsToContents();

    const QString scheme = r.engine.isEmpty() ? r.scheme : QStringLiteral("%1 (%2)").arg(r.scheme, r.engine);
    QStringList lines;
    lines << tr("<b>%1</b> on %2, %3.").arg(scheme.toHtmlEscaped(), QFileInfo(r.dataPath).fileName().toHtmlEscaped(),
                                           plots::countText(r.samples, tr("sample"), tr("samples")));
    const TrialFigures& all = r.allQuantized;
    if (r.metric == DiagnosisMetric::Top1 && r.fp32Accuracy && all.top1) {
        // A change, signed: quantizing sometimes gains a little on a small test set.
        const double change = -all.top1DropPoints.value_or(0);
        lines << tr("FP32 top-1 %1 %; every layer quantized %2 % (%3%4 pt).")
                     .arg(QLocale().toString(r.fp32Accuracy->top1 * 100, 'f', 2), QLocale().toString(*all.top1 * 100, 'f', 2),
                          change >= 0 ? QStringLiteral("+") : QStringLiteral("−"), QLocale().toString(std::abs(change), 'f', 2));
    } else {
        lines << tr("Every layer quantized: output SQNR %1 dB against FP32.").arg(QLocale().toString(all.sqnrDb, 'f', 1));
    }
    if (!r.layers.isEmpty() && r.layers.first().quantized) {
        const LayerSensitivity& top = r.layers.first();
        lines << tr("Most sensitive: <b>%1</b> (%2).").arg(top.name.toHtmlEscaped(), top.type);
    }
    lines << tr("Took %1 s.").arg(QLocale().toString(r.seconds, 'f', 1));
    QString text = lines.join(QLatin1Char(' '));
    text += notesHtml(r.notes);
    m_summary->setText(text);
    m_tabs->setCurrentIndex(0);
}

void LayersPage::showFallback(const FallbackResult& r)
{
    m_steps->setResult(r);
    m_sensitivity->setKeptLayers(r.fp32Layers);
    m_table->resizeColumnToContents(SensitivityTableModel::FallbackColumn);
    if (m_lastSensitivity) {
        QVector<plots::LayerScore> scores = m_plot->scores();
        for (plots::LayerScore& s : scores)
            s.keptFp32 = r.fp32Layers.contains(s.layer);
        plots::MetricSpec spec;
        spec.title = SensitivityTableModel::costTitle(m_lastSensitivity->metric);
        m_plot->setScores(scores, spec);
    }
    const bool sqnr = r.metric == DiagnosisMetric::Sqnr;
    QVector<plots::TradeoffPoint> points;
    for (int i = 0; i < r.steps.size(); ++i) {
        const FallbackStep& s = r.steps[i];
        const double y = FallbackStepModel::figure(s, r.metric);
        if (!s.accepted || !std::isfinite(y) || s.figures.fileBytes <= 0)
            continue;
        points << plots::TradeoffPoint{tr("%1: %2").arg(i + 1).arg(s.action), double(s.figures.fileBytes), y, i == 0, false};
    }
    plots::MetricSpec x{tr("File size"), plots::Unit::Bytes, true, false, tr("smaller"), tr("larger")};
    plots::MetricSpec y = sqnr ? plots::MetricSpec{tr("Output SQNR"), plots::Unit::Decibel, false, true, tr("cleaner"), tr("noisier")}
                               : plots::MetricSpec{tr("Top-1 drop (pt)"), plots::Unit::Plain, true, true, tr("better"), tr("worse")};
    m_stepPlot->setAxes(x, y);
    m_stepPlot->setPoints(points);
    m_stepTable->resizeColumnsToContents();

    const QString budget = sqnr ? tr("SQNR ≥ %1 dB").arg(QLocale().toString(r.budget, 'f', 1))
                                : tr("top-1 drop ≤ %1 pt").arg(QLocale().toString(r.budget, 'f', 2));
    const QString result = sqnr ? tr("SQNR %1 dB").arg(QLocale().toString(r.final.sqnrDb, 'f', 1))
                                : tr("top-1 drop %1 pt").arg(QLocale().toString(r.final.top1DropPoints.value_or(qQNaN()), 'f', 2));
    const QString kept = r.fp32Layers.isEmpty() ? tr("no layer needs to stay in FP32")
                                                : tr("keep %1 in FP32").arg(r.fp32Layers.join(QStringLiteral(", ")).toHtmlEscaped());
    QString text = r.met ? tr("<b>Budget met</b> (%1): %2 → %3, %4, %5.")
                               .arg(budget, kept, result, plots::formatValue(double(r.final.fileBytes), plots::Unit::Bytes),
                                    plots::countText(r.steps.size(), tr("step"), tr("steps")))
                         : tr("<b>Budget not met</b> (%1): even with %2 the variant has %3. Try a larger budget or another scheme.")
                               .arg(budget, kept, result);
    if (!r.variant.artifactPath.isEmpty())
        text += tr("<br>Saved as %1: add it on the Benchmark page to measure it.").arg(paths::pretty(r.variant.artifactPath).toHtmlEscaped());
    m_fallbackBanner->setMessage(r.met ? MessageBanner::Kind::Positive : MessageBanner::Kind::Warning, text);
    m_tabs->setCurrentIndex(1);
}

} // namespace qs::ui

namespace qs::ui {

void LayersPage::showDiagnosis(const LayerDiagnosis& r)
{
    m_ranges->setDiagnosis(r);
    m_rangeTable->resizeColumnsToContents();
    int quantized = 0;
    for (const WeightDiagnosis& w : r.weights)
        quantized += w.quantized ? 1 : 0;
    QStringList lines;
    const QString scheme = r.engine.isEmpty() ? r.scheme : QStringLiteral("%1 (%2)").arg(r.scheme, r.engine);
    lines << tr("<b>%1</b>: %2 of %3 quantized").arg(scheme.toHtmlEscaped()).arg(quantized).arg(plots::countText(r.weights.size(), tr("weight"), tr("weights")));
    if (!r.granularity.isEmpty())
        lines.last() += tr(" %1").arg(r.granularity.toHtmlEscaped());
    if (!r.activations.isEmpty())
        lines << tr("%1 ranged by the %2 observer on %3 from %4")
                     .arg(plots::countText(r.activations.size(), tr("activation"), tr("activations")), r.observer.toHtmlEscaped(),
                          plots::countText(r.calibrationSamples, tr("sample"), tr("samples")),
                          QFileInfo(r.calibrationSource).fileName().toHtmlEscaped());
    const int worst = m_ranges->worstRow();
    QString text = lines.join(QStringLiteral("; ")) + QLatin1Char('.');
    if (worst >= 0) {
        const QModelIndex sqnr = m_ranges->index(worst, RangeTableModel::SqnrColumn);
        text += tr(" Lowest SQNR: <b>%1</b> (%2 dB, %3 clipped).")
                    .arg(m_ranges->index(worst, RangeTableModel::TensorColumn).data().toString().toHtmlEscaped(), sqnr.data().toString(),
                         m_ranges->index(worst, RangeTableModel::ClippedColumn).data().toString());
    }
    text += tr(" Took %1 s.").arg(QLocale().toString(r.seconds, 'f', 1));
    text += notesHtml(r.notes);
    m_rangeSummary->setText(text);
    // The tensor the scheme hurts most is the one to look at first.
    auto* proxy = static_cast<QSortFilterProxyModel*>(m_rangeTable->model());
    const QModelIndex first = proxy->mapFromSource(m_ranges->index(std::max(0, worst), 0));
    if (first.isValid()) {
        m_rangeTable->setCurrentIndex(first);
        m_rangeTable->scrollTo(first);
    } else {
        m_histogram->setHistogram({});
    }
    m_tabs->setCurrentIndex(2);
}

void LayersPage::showHistogramOf(const QModelIndex& proxyIndex)
{
    auto* proxy = static_cast<QSortFilterProxyModel*>(m_rangeTable->model());
    const QModelIndex source = proxy->mapToSource(proxyIndex);
    m_histogram->setHistogram(source.isValid() ? m_ranges->histogram(source.row()) : plots::ValueHistogram{});
}

} // namespace qs::ui
