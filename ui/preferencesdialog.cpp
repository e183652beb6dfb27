// SPDX-License-Identifier: GPL-3.0-or-later
#include "preferencesdialog.h"

#include "ui/studiocontext.h"
#include "ui/theme.h"

#include "core/common/paths.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>

namespace qs::ui {

PreferencesDialog::PreferencesDialog(StudioContext* context, QWidget* parent)
    : QDialog(parent)
    , m_context(context)
    , m_database(new QLineEdit(this))
    , m_databaseNote(new QLabel(this))
    , m_variants(new QLineEdit(this))
    , m_theme(new QComboBox(this))
{
    setWindowTitle(tr("Preferences"));
    setObjectName(QStringLiteral("preferencesDialog"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    auto pathRow = [this](QLineEdit* edit, const QString& defaultPath, bool file, const QString& caption) {
        auto* row = new QHBoxLayout;
        row->addWidget(edit, 1);
        auto* browse = new QPushButton(tr("Browse…"), this);
        auto* reset = new QPushButton(tr("Default"), this);
        reset->setToolTip(paths::pretty(defaultPath));
        row->addWidget(browse);
        row->addWidget(reset);
        connect(reset, &QPushButton::clicked, edit, [edit, defaultPath] { edit->setText(defaultPath); });
        connect(browse, &QPushButton::clicked, this, [this, edit, file, caption] {
            const QString start = edit->text().isEmpty() ? QDir::homePath() : edit->text();
            const QString path = file ? QFileDialog::getSaveFileName(this, caption, start, tr("Run databases (*.sqlite *.db);;All files (*)"),
                                                                    nullptr, QFileDialog::DontConfirmOverwrite)
                                      : QFileDialog::getExistingDirectory(this, caption, start);
            if (!path.isEmpty())
                edit->setText(path);
        });
        return row;
    };

    m_database->setObjectName(QStringLiteral("databasePath"));
    m_database->setText(StudioContext::databasePath());
    m_database->setToolTip(tr("The SQLite file every run is recorded in. quantscope-cli uses the same default (--db FILE "
                              "picks another), so runs from the command line show up here too."));
    form->addRow(tr("Run &database:"), pathRow(m_database, paths::defaultDatabase(), true, tr("Run database")));
    m_databaseNote->setWordWrap(true);
    m_databaseNote->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(QString(), m_databaseNote);

    m_variants->setObjectName(QStringLiteral("variantsPath"));
    m_variants->setText(StudioContext::variantsDir());
    m_variants->setToolTip(tr("Where quantized variants are written (<model>.<scheme>.pt)"));
    form->addRow(tr("&Variants folder:"), pathRow(m_variants, StudioContext::defaultVariantsDir(), false, tr("Variants folder")));

    m_theme->addItem(tr("Follow the desktop"), themeName(Theme::System));
    m_theme->addItem(tr("Light"), themeName(Theme::Light));
    m_theme->addItem(tr("Dark"), themeName(Theme::Dark));
    m_theme->setCurrentIndex(m_theme->findData(themeName(currentTheme())));
    form->addRow(tr("&Colours:"), m_theme);
    layout->addLayout(form);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(m_database, &QLineEdit::textChanged, this, &PreferencesDialog::checkDatabase);
    checkDatabase();
    resize(640, sizeHint().height());
}

void PreferencesDialog::checkDatabase()
{
    const QFileInfo fi(m_database->text());
    if (m_database->text().trimmed().isEmpty())
        m_databaseNote->setText(tr("Empty: the default, %1.").arg(paths::pretty(paths::defaultDatabase())));
    else if (fi.exists())
        m_databaseNote->setText(tr("Existing database, %1 kB. Its runs show on the History page.").arg(fi.size() / 1024));
    else if (QFileInfo(fi.absolutePath()).isDir())
        m_databaseNote->setText(tr("A new database will be created there with the next run."));
    else
        m_databaseNote->setText(tr("The folder %1 does not exist yet; it will be created.").arg(paths::pretty(fi.absolutePath())));
}

void PreferencesDialog::accept()
{
    const QString db = m_database->text().trimmed();
    m_context->setDatabasePath(db.isEmpty() ? paths::defaultDatabase() : QFileInfo(db).absoluteFilePath());
    const QString variants = m_variants->text().trimmed();
    StudioContext::setVariantsDir(variants.isEmpty() ? StudioContext::defaultVariantsDir() : variants);
    const Theme theme = parseTheme(m_theme->currentData().toString());
    if (theme != currentTheme())
        applyTheme(theme);
    QDialog::accept();
}

} // namespace qs::ui
