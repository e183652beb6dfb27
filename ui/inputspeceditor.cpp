// SPDX-License-Identifier: GPL-3.0-or-later
#include "inputspeceditor.h"

#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStyle>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace qs::ui {

namespace {
enum Column { ShapeColumn, DtypeColumn, RemoveColumn };

QString shapeText(const TensorSpec& t)
{
    QStringList dims;
    for (qint64 d : t.shape)
        dims << QString::number(d);
    return dims.join(QLatin1Char('x'));
}
} // namespace

InputSpecEditor::InputSpecEditor(QWidget* parent) : QWidget(parent), m_table(new QTableWidget(0, 3, this)), m_add(new QPushButton(tr("Add input"), this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_table->setObjectName(QStringLiteral("inputSpecTable"));
    m_table->setHorizontalHeaderLabels({tr("Shape"), tr("dtype"), QString()});
    m_table->horizontalHeader()->setSectionResizeMode(ShapeColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(DtypeColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(RemoveColumn, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 14);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setToolTip(tr("One row per argument of forward(): the shape (batch first, e.g. 1x3x224x224) and the element type.\n"
                           "TorchScript does not record them; Quantscope checks them with one forward pass."));
    // Most models take one or two inputs: a short table, scrolling past four.
    m_table->setMaximumHeight(m_table->horizontalHeader()->sizeHint().height() + 4 * m_table->verticalHeader()->defaultSectionSize() + 4);
    layout->addWidget(m_table, 1);
    auto* buttons = new QHBoxLayout;
    m_add->setObjectName(QStringLiteral("addInputButton"));
    m_add->setToolTip(tr("Add an input for a forward that takes several tensors"));
    buttons->addWidget(m_add);
    buttons->addStretch();
    layout->addLayout(buttons);
    connect(m_add, &QPushButton::clicked, this, [this] {
        addRow(TensorSpec{{1}, DType::Float32});
        Q_EMIT edited();
    });
}

int InputSpecEditor::inputCount() const
{
    return m_table->rowCount();
}

void InputSpecEditor::addRow(const TensorSpec& spec)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto* shape = new QLineEdit(shapeText(spec), m_table);
    shape->setObjectName(QStringLiteral("inputShape%1").arg(row));
    shape->setPlaceholderText(tr("e.g. 1x3x224x224"));
    shape->setFrame(false);
    connect(shape, &QLineEdit::returnPressed, this, &InputSpecEditor::applyRequested);
    connect(shape, &QLineEdit::textEdited, this, &InputSpecEditor::edited);
    m_table->setCellWidget(row, ShapeColumn, shape);
    auto* dtype = new QComboBox(m_table);
    dtype->setObjectName(QStringLiteral("inputDtype%1").arg(row));
    dtype->addItems(dtypeNames());
    dtype->setCurrentText(dtypeName(spec.dtype));
    connect(dtype, &QComboBox::currentIndexChanged, this, &InputSpecEditor::edited);
    m_table->setCellWidget(row, DtypeColumn, dtype);
    auto* remove = new QToolButton(m_table);
    remove->setIcon(style()->standardIcon(QStyle::SP_DialogDiscardButton));
    remove->setToolTip(tr("Remove this input"));
    remove->setAutoRaise(true);
    connect(remove, &QToolButton::clicked, this, [this, remove] {
        for (int r = 0; r < m_table->rowCount(); ++r) {
            if (m_table->cellWidget(r, RemoveColumn) == remove) {
                m_table->removeRow(r);
                Q_EMIT edited();
                return;
            }
        }
    });
    m_table->setCellWidget(row, RemoveColumn, remove);
}

void InputSpecEditor::setSpec(const InputSpec& spec)
{
    m_original = spec;
    m_table->setRowCount(0);
    for (const TensorSpec& t : spec.inputs)
        addRow(t);
    if (spec.inputs.isEmpty())
        addRow(TensorSpec{{}, DType::Float32});
}

void InputSpecEditor::setInput(int row, const QString& shape, DType dtype)
{
    while (m_table->rowCount() <= row)
        addRow(TensorSpec{{}, DType::Float32});
    static_cast<QLineEdit*>(m_table->cellWidget(row, ShapeColumn))->setText(shape);
    static_cast<QComboBox*>(m_table->cellWidget(row, DtypeColumn))->setCurrentText(dtypeName(dtype));
}

Result<InputSpec> InputSpecEditor::spec() const
{
    InputSpec out;
    out.source = InputSpec::Source::User;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QString shape = static_cast<QLineEdit*>(m_table->cellWidget(r, ShapeColumn))->text().trimmed();
        const QString dtype = static_cast<QComboBox*>(m_table->cellWidget(r, DtypeColumn))->currentText();
        if (shape.isEmpty()) {
            if (m_table->rowCount() == 1)
                return Error::usage(tr("Enter the shape of the model's input, e.g. 1x3x224x224."));
            return Error::usage(tr("Input %1 has no shape: enter one (e.g. 1x32) or remove the row.").arg(r + 1));
        }
        auto parsed = TensorSpec::parse(shape + QLatin1Char(':') + dtype);
        if (!parsed)
            return Error::usage(tr("Input %1: %2").arg(r + 1).arg(parsed.error().message));
        out.inputs << *parsed;
    }
    return out;
}

bool InputSpecEditor::isModified() const
{
    auto s = spec();
    return !s || !(*s == m_original);
}

} // namespace qs::ui
