// SPDX-License-Identifier: GPL-3.0-or-later
#include "modelspage.h"

#include "ui/errordialog.h"
#include "ui/studiocontext.h"
#include "ui/welcomewidget.h"

#include "core/common/paths.h"
#include "core/model/layerfilterproxy.h"
#include "core/model/layertablemodel.h"
#include "plots/layertypeplot.h"

#include <QtCore/QLocale>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSplitter>
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
    , m_inputs(new QLineEdit(this))
    , m_inputProblem(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_leafOnly(new QCheckBox(tr("Leaf layers only"), this))
    , m_table(new QTableView(this))
    , m_layers(new LayerTableModel(this))
    , m_proxy(new LayerFilterProxy(this))
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
    m_summary->setLabelAlignment(Qt::AlignRight);
    m_summary->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    top->addLayout(m_summary, 3);
    m_typePlot->setMinimumHeight(180);
    top->addWidget(m_typePlot, 2);
    layout->addLayout(top);

    auto* inputRow = new QHBoxLayout;
    auto* inputLabel = new QLabel(tr("&Inputs:"), content);
    inputLabel->setBuddy(m_inputs);
    m_inputs->setObjectName(QStringLiteral("inputSpecEdit"));
    m_inputs->setPlaceholderText(tr("e.g. 1x3x224x224, or 1x32:int64; 1x32:int64 for two inputs"));
    m_inputs->setToolTip(tr("TorchScript does not record input shapes. Give one SHAPE[:dtype] per forward argument; "
                            "Quantscope checks them with one forward pass."));
    auto* apply = new QPushButton(tr("Check"), content);
    apply->setObjectName(QStringLiteral("applyInputsButton"));
    apply->setToolTip(tr("Run one forward with these inputs to get output shapes and MACs"));
    auto* save = new QPushButton(tr("Save as sidecar"), content);
    save->setToolTip(tr("Write these inputs to <model>.json next to the model, so they are used next time"));
    inputRow->addWidget(inputLabel);
    inputRow->addWidget(m_inputs, 1);
    inputRow->addWidget(apply);
    inputRow->addWidget(save);
    layout->addLayout(inputRow);
    m_inputProblem->setWordWrap(true);
    m_inputProblem->setObjectName(QStringLiteral("inputProblem"));
    m_inputProblem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette warn = m_inputProblem->palette();
    warn.setColor(QPalette::WindowText, QColor(0xC0, 0x39, 0x2B));
    m_inputProblem->setPalette(warn);
    layout->addWidget(m_inputProblem);

    auto* filterRow = new QHBoxLayout;
    m_filter->setPlaceholderText(tr("Filter layers by name, type or scheme"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setObjectName(QStringLiteral("layerFilter"));
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_leafOnly);
    layout->addLayout(filterRow);

    m_proxy->setSourceModel(m_layers);
    m_table->setModel(m_proxy);
    m_table->setObjectName(QStringLiteral("layerTable"));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    layout->addWidget(m_table, 1);
    m_stack->addWidget(content);

    connect(m_welcome, &WelcomeWidget::openRequested, this, &ModelsPage::openRequested);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_leafOnly, &QCheckBox::toggled, m_proxy, &LayerFilterProxy::setLeafOnly);
    connect(apply, &QPushButton::clicked, this, &ModelsPage::applyInputs);
    connect(m_inputs, &QLineEdit::returnPressed, this, &ModelsPage::applyInputs);
    connect(save, &QPushButton::clicked, this, &ModelsPage::saveSidecar);
    connect(context, &StudioContext::modelChanged, this, &ModelsPage::refresh);
    refresh();
}

void ModelsPage::refresh()
{
    if (!m_context->hasModel()) {
        m_stack->setCurrentIndex(0);
        return;
    }
    m_stack->setCurrentIndex(1);
    const OpenedModel& m = m_context->model();
    const ModelInfo& info = m.info;
    const QLocale loc;
    m_title->setText(QStringLiteral("<h2>%1</h2><span>%2</span>").arg(info.name.toHtmlEscaped(), paths::pretty(info.path).toHtmlEscaped()));

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
    add(tr("Forward:"), QStringLiteral("forward(%1)").arg(info.forwardArgs.join(QLatin1String(", "))));

    m_inputs->setText(m.inputs.toEditString());
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
    auto spec = InputSpec::parseLine(m_inputs->text());
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
    auto spec = InputSpec::parseLine(m_inputs->text());
    if (!spec) {
        showError(this, tr("Save input spec"), spec.error());
        return;
    }
    const QString path = InputSpec::sidecarCandidates(m_context->model().info.path).value(0);
    if (Status st = InputSpec::writeFile(*spec, path); !st)
        showError(this, tr("Save input spec"), st.error());
}

} // namespace qs::ui
