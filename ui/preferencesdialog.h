// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtWidgets/QDialog>

class QComboBox;
class QLineEdit;
class QLabel;

namespace qs::ui {

class StudioContext;

/// \brief Preferences: where runs are recorded (the run database), where quantized variants are
/// written, and the colour theme.
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PreferencesDialog(StudioContext* context, QWidget* parent = nullptr);

    QLineEdit* databaseEdit() const { return m_database; }
    QLineEdit* variantsEdit() const { return m_variants; }

public Q_SLOTS:
    void accept() override;

private:
    void checkDatabase();

    StudioContext* m_context;
    QLineEdit* m_database;
    QLabel* m_databaseNote;
    QLineEdit* m_variants;
    QComboBox* m_theme;
};

} // namespace qs::ui
