// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/model/inputspec.h"

#include <QtWidgets/QWidget>

class QTableWidget;
class QPushButton;

namespace qs::ui {

/// \brief Edits a model's InputSpec one input per row: a shape and a dtype picked from a list,
/// rows added and removed as the forward has arguments.
class InputSpecEditor : public QWidget
{
    Q_OBJECT
public:
    explicit InputSpecEditor(QWidget* parent = nullptr);

    void setSpec(const InputSpec& spec);
    /// The spec as edited; an error naming the row and the value when a shape does not parse.
    Result<InputSpec> spec() const;
    int inputCount() const;
    /// Sets row \a row (added as needed) to \a shape and \a dtype, as a user would.
    void setInput(int row, const QString& shape, DType dtype);
    /// Whether the rows differ from the last setSpec().
    bool isModified() const;

Q_SIGNALS:
    /// Enter pressed in a shape: check these inputs.
    void applyRequested();
    void edited();

private:
    void addRow(const TensorSpec& spec);

    QTableWidget* m_table;
    QPushButton* m_add;
    InputSpec m_original;
};

} // namespace qs::ui
