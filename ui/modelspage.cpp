// SPDX-License-Identifier: GPL-3.0-or-later
#include "modelspage.h"

#include "ui/errordialog.h"
#include "ui/exclusionproxymodel.h"
#include "ui/inputspeceditor.h"
#include "ui/studiocontext.h"
#include "ui/welcomewidget.h"

#include "core/common/paths.h"
#include "core/model/layerfilterproxy.h"
#include "core/model/layertablemodel.h"
#include "plots/layertypeplot.h"

#include <QtCore/QLocale>
#include <QtGui/QAction>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QMenu>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

namespace qs::ui {

ModelsPage::ModelsPage(StudioContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_stack(new QStackedWidget(this))
    , m_welcome(new WelcomeWidget(context, this))
    , m_title(new QLabel(this))
    , m_summary(new QFormLayout)
    , m_inputs(new InputSpecEditor(this))
    , m_inputProblem(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_leafOnly(new QCheckBox(tr("Leaf layers only"), this))
    , m_table(new QTableView(this))
    , m_layers(new LayerTableModel(this))
    , m_exclusions(new ExclusionProxyModel(this))
    , m_proxy(new LayerFilterProxy(this))
    , m_keepFp32(new QPushButton(tr("Keep in FP32"), this))
    , m_requantize(new QPushButton(tr("Quantize again"), this))
    , m_excludedLabel(new QLabel(this))
    , m_typePlot(new plots::LayerTypePlot(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);
    m_stack->addWidget(m_welcome);

    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setObjectName(QStringLiteral("modelTitle"));
    layout->addWidget(m_title);

    auto* top = new QHBoxLayout;
    auto* summaryBox = new QGroupBox(tr("Summary"), content);
    summaryBox->setLayout(m_summary);
    m_summary->setLabelAlignment(Qt::AlignRight);
    m_summary->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    top->addWidget(summaryBox, 2);

    auto* inputBox = new QGroupBox(tr("Inputs"), content);
    auto* inputLayout = new QVBoxLayout(inputBox);
    m_inputs->setObjectName(QStringLiteral("inputSpecEditor"));
    inputLayout->addWidget(m_inputs, 1);
    auto* inputButtons = new QHBoxLayout;
    auto* apply = new QPushButton(tr("Check"), content);
    apply->setObjectName(QStringLiteral("applyInputsButton"));
    apply->setToolTip(tr("Run one forward with these inputs to get output shapes and MACs (Enter in a shape)"));
    auto* save = new QPushButton(tr("Save as sidecar"), content);
    save->setToolTip(tr("Write these inputs to <model>.json next to the model, so they are used next time"));
    inputButtons->addStretch();
    inputButtons->addWidget(apply);
    inputButtons->addWidget(save);
    inputLayout->addLayout(inputButtons);
    m_inputProblem->setWordWrap(true);
    m_inputProblem->setObjectName(QStringLiteral("inputProblem"));
    m_inputProblem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette warn = m_inputProblem->palette();
    warn.setColor(QPalette::WindowText, QColor(0xD5, 0x5E, 0x00));
    m_inputProblem->setPalette(warn);
    inputLayout->addWidget(m_inputProblem);
    top->addWidget(inputBox, 2);
    summaryBox->setMinimumWidth(300);
    m_typePlot->setMinimumWidth(380);
    top->addWidget(m_typePlot, 3);
    // The summary is a few lines: the table below gets the height.
    auto* topHost = new QWidget(content);
    topHost->setLayout(top);
    top->setContentsMargins(0, 0, 0, 0);
    topHost->setMaximumHeight(290);
    layout->addWidget(topHost);

    auto* tableHost = new QWidget(content);
    auto* tableLayout = new QVBoxLayout(tableHost);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    auto* filterRow = new QHBoxLayout;
    m_filter->setPlaceholderText(tr("Filter layers by name, type or scheme"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setObjectName(QStringLiteral("layerFilter"));
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_leafOnly);
    tableLayout->addLayout(filterRow);

    m_exclusions->setSourceModel(m_layers);
    m_proxy->setSourceModel(m_exclusions);
    m_table->setModel(m_proxy);
    m_table->setObjectName(QStringLiteral("layerTable"));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    tableLayout->addWidget(m_table, 1);

    auto* exclusionRow = new QHBoxLayout;
    m_keepFp32->setObjectName(QStringLiteral("keepFp32Button"));
    m_keepFp32->setToolTip(tr("Keep the selected layers in FP32 when quantizing, e.g. the first and the last layer (Ctrl+E)"));
    m_keepFp32->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_requantize->setToolTip(tr("Quantize the selected layers again"));
    m_excludedLabel->setObjectName(QStringLiteral("excludedLabel"));
    m_excludedLabel->setWordWrap(true);
    auto* quantize = new QPushButton(tr("Quantize…"), this);
    quantize->setToolTip(tr("Choose schemes for this model on the Quantize page"));
    exclusionRow->addWidget(m_keepFp32);
    exclusionRow->addWidget(m_requantize);
    exclusionRow->addWidget(m_excludedLabel, 1);
    exclusionRow->addWidget(quantize);
    tableLayout->addLayout(exclusionRow);
    layout->addWidget(tableHost, 1);
    m_stack->addWidget(content);

    connect(m_welcome, &WelcomeWidget::openRequested, this, &ModelsPage::openRequested);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_leafOnly, &QCheckBox::toggled, m_proxy, &LayerFilterProxy::setLeafOnly);
    connect(apply, &QPushButton::clicked, this, &ModelsPage::applyInputs);
    connect(m_inputs, &InputSpecEditor::applyRequested, this, &ModelsPage::applyInputs);
    connect(save, &QPushButton::clicked, this, &ModelsPage::saveSidecar);
    connect(m_keepFp32, &QPushButton::clicked, this, &ModelsPage::keepSelectedInFp32);
    connect(m_requantize, &QPushButton::clicked, this, &ModelsPage::quantizeSelected);
    connect(quantize, &QPushButton::clicked, this, &ModelsPage::quantizeRequested);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ModelsPage::updateExclusionButtons);
    connect(m_table, &QTableView::customContextMenuRequested, this, [this](const QPoint& pos) {
        QMenu menu(this);
        menu.addAction(tr("Keep in FP32 when quantizing"), this, &ModelsPage::keepSelectedInFp32)->setEnabled(!selectedLayers().isEmpty());
        menu.addAction(tr("Quantize again"), this, &ModelsPage::quantizeSelected)->setEnabled(!selectedLayers().isEmpty());
        menu.addSeparator();
        menu.addAction(tr("Quantize every layer"), this, [this] { m_context->setExcludedLayers({}); })
            ->setEnabled(!m_context->excludedLayers().isEmpty());
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    connect(context, &StudioContext::modelChanged, this, &ModelsPage::refresh);
    connect(context, &StudioContext::excludedLayersChanged, this, [this](const QStringList& patterns) {
        m_exclusions->setPatterns(patterns);
        updateExclusionButtons();
    });
    refresh();
}

QStringList ModelsPage::selectedLayers() const
{
    QStringList names;
    for (const QModelIndex& i : m_table->selectionModel()->selectedRows(LayerTableModel::NameColumn))
        names << i.data(LayerTableModel::NameRole).toString();
    return names;
}

void ModelsPage::keepSelectedInFp32()
{
    const QStringList names = selectedLayers();
    if (!names.isEmpty())
        m_context->setExcludedLayers(m_context->excludedLayers() + names);
}

void ModelsPage::quantizeSelected()
{
    QStringList patterns = m_context->excludedLayers();
    for (const QString& n : selectedLayers())
        patterns.removeAll(n);
    m_context->setExcludedLayers(patterns);
}

void ModelsPage::updateExclusionButtons()
{
    const QStringList selected = selectedLayers();
    const QStringList excluded = m_context->excludedLayers();
    m_keepFp32->setEnabled(!selected.isEmpty());
    bool anyExcluded = false;
    for (const QString& n : selected)
        anyExcluded = anyExcluded || excluded.contains(n);
    m_requantize->setEnabled(anyExcluded);
    m_excludedLabel->setText(excluded.isEmpty() ? tr("Every quantizable layer is quantized.")
                                                : tr("Kept in FP32: %1").arg(excluded.join(QStringLiteral(", "))));
}

void ModelsPage::refresh()
{
    updateExclusionButtons();
    if (!m_context->hasModel()) {
        m_stack->setCurrentIndex(0);
        return;
    }
    m_stack->setCurrentIndex(1);
    const OpenedModel& m = m_context->model();
    const ModelInfo& info = m.info;
    const QLocale loc;
    m_title->setText(QStringLiteral("<h2 style='margin-bottom:0'>%1</h2><span>%2</span>")
                         .arg(info.name.toHtmlEscaped(), paths::pretty(info.path).toHtmlEscaped()));

    while (m_summary->rowCount() > 0)
        m_summary->removeRow(0);
    auto add = [this](const QString& label, const QString& value, const QString& tip = {}) {
        auto* l = new QLabel(value);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setToolTip(tip);
        l->setWordWrap(true);
        m_summary->addRow(label, l);
    };
    add(tr("File:"), LayerTableModel::humanBytes(info.fileBytes), tr("sha256 %1").arg(info.sha256));
    add(tr("Parameters:"), tr("%1 (%2)").arg(loc.toString(info.params), LayerTableModel::humanBytes(info.paramBytes)));
    QStringList dtypes;
    for (auto it = info.paramBytesByDtype.begin(); it != info.paramBytesByDtype.end(); ++it)
        dtypes << QStringLiteral("%1 %2").arg(LayerTableModel::humanBytes(it.value()), it.key());
    add(tr("Weights:"), dtypes.join(QLatin1String(", ")));
    add(tr("Quantized:"), info.quantized ? tr("yes — %1").arg(info.quantizedEvidence.join(QLatin1String(", "))) : tr("no"));
    if (!info.outputs.isEmpty()) {
        QStringList outs;
        for (const OutputInfo& o : info.outputs) {
            QStringList dims;
            for (qint64 d : o.shape)
                dims << QString::number(d);
            outs << (o.path.isEmpty() ? QString() : o.path + QLatin1String(": ")) + dims.join(QLatin1Char('x')) + QLatin1Char(' ') + o.dtype;
        }
        add(tr("Outputs:"), outs.join(QLatin1String(", ")));
    }
    if (info.macs >= 0)
        add(tr("MACs:"), tr("%1 per forward (Conv/Linear)").arg(loc.toString(info.macs)));
    if (info.forwardMs >= 0)
        add(tr("One forward:"), tr("%1 ms (unwarmed, batch as given)").arg(loc.toString(info.forwardMs, 'f', 2)));
    add(tr("Forward:"), QStringLiteral("forward(%1)").arg(info.forwardArgs.join(QLatin1String(", "))));

    m_inputs->setSpec(m.inputs);
    if (!m.inputProblem.isEmpty())
        m_inputProblem->setText(m.inputProblem);
    else if (m.inputs.isEmpty())
        m_inputProblem->setText(tr("No input shapes yet: TorchScript does not record them. Enter them above to see output "
                                   "shapes and MACs (and to quantize and benchmark)."));
    else
        m_inputProblem->clear();
    m_inputProblem->setVisible(!m_inputProblem->text().isEmpty());

    m_layers->setModelInfo(info);
    m_table->resizeColumnsToContents();
    m_typePlot->setModelInfo(info);
}

void ModelsPage::applyInputs()
{
    auto spec = m_inputs->spec();
    if (!spec) {
        m_inputProblem->setText(spec.error().message);
        m_inputProblem->setVisible(true);
        return;
    }
    m_context->setInputs(*spec);
}

void ModelsPage::saveSidecar()
{
    if (!m_context->hasModel())
        return;
    auto spec = m_inputs->spec();
    if (!spec) {
        showError(this, tr("Save input spec"), spec.error());
        return;
    }
    const QString path = InputSpec::sidecarCandidates(m_context->model().info.path).value(0);
    if (Status st = InputSpec::writeFile(*spec, path); !st)
        showError(this, tr("Save input spec"), st.error());
    else
        m_context->showStatus(tr("Saved the inputs to %1").arg(paths::pretty(path)));
}

} // namespace qs::ui
