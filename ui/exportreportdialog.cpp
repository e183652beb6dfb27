// SPDX-License-Identifier: GPL-3.0-or-later
#include "exportreportdialog.h"

#include "core/common/paths.h"
#include "plots/metricformat.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QFutureWatcher>
#include <QtCore/QRegularExpression>
#include <QtCore/QSettings>
#include <QtCore/QUrl>
#include <QtGui/QDesktopServices>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QToolButton>

namespace qs::ui {

namespace {
const char* kDirKey = "report/lastDir";
const char* kFormatKey = "report/format";

QString fileBase(const Report& r)
{
    QString base = r.rows.isEmpty() ? QStringLiteral("report") : QFileInfo(r.baseline().run.model.name).completeBaseName() + QStringLiteral("-comparison");
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    return base;
}
} // namespace

ExportReportDialog::ExportReportDialog(const Report& report, QWidget* parent)
    : QDialog(parent)
    , m_report(report)
    , m_format(new QComboBox(this))
    , m_path(new QLineEdit(this))
    , m_title(new QLineEdit(report.title, this))
    , m_open(new QCheckBox(tr("&Open the report when it is written"), this))
    , m_message(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Export Report"));
    setObjectName(QStringLiteral("exportReportDialog"));
    auto* form = new QFormLayout(this);
    auto* intro = new QLabel(tr("Compares %1 with %2.")
                                 .arg(plots::countText(std::max(0, int(report.rows.size()) - 1), tr("run"), tr("runs")), report.rows.isEmpty() ? QString() : report.baseline().label.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    form->addRow(intro);

    for (report::Format f : report::formats())
        m_format->addItem(report::formatTitle(f), int(f));
    m_format->setObjectName(QStringLiteral("reportFormat"));
    m_format->setToolTip(tr("HTML: one self-contained file with charts. PDF: the same, paginated. Markdown and CSV: tables. "
                            "JSON: the data, for scripts"));
    form->addRow(tr("&Format:"), m_format);

    auto* pathRow = new QHBoxLayout;
    m_path->setObjectName(QStringLiteral("reportPath"));
    auto* browse = new QToolButton(this);
    browse->setText(tr("Browse…"));
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    form->addRow(tr("F&ile:"), pathRow);
    m_title->setObjectName(QStringLiteral("reportTitle"));
    form->addRow(tr("&Title:"), m_title);
    m_open->setObjectName(QStringLiteral("reportOpen"));
    m_open->setChecked(true);
    form->addRow(m_open);
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("reportMessage"));
    m_message->hide();
    form->addRow(m_message);
    QPushButton* exportButton = m_buttons->addButton(tr("&Export"), QDialogButtonBox::AcceptRole);
    exportButton->setObjectName(QStringLiteral("reportExport"));
    exportButton->setDefault(true);
    form->addRow(m_buttons);

    const QSettings settings;
    const QString dir = settings.value(QLatin1String(kDirKey), QDir::homePath()).toString();
    const int savedFormat = m_format->findData(settings.value(QLatin1String(kFormatKey), int(report::Format::Html)).toInt());
    m_format->setCurrentIndex(std::max(0, savedFormat));
    m_path->setText(QDir(dir).filePath(fileBase(report) + QLatin1Char('.') + report::extension(format())));

    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportReportDialog::formatChanged);
    connect(m_path, &QLineEdit::editingFinished, this, &ExportReportDialog::pathEdited);
    connect(browse, &QToolButton::clicked, this, &ExportReportDialog::browse);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExportReportDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExportReportDialog::reject);
    resize(560, sizeHint().height());
}

report::Format ExportReportDialog::format() const
{
    return report::Format(m_format->currentData().toInt());
}

void ExportReportDialog::setFormat(report::Format format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

QString ExportReportDialog::path() const
{
    return m_path->text().trimmed();
}

void ExportReportDialog::setPath(const QString& path)
{
    m_path->setText(path);
    pathEdited();
}

void ExportReportDialog::setReportTitle(const QString& title)
{
    m_title->setText(title);
}

void ExportReportDialog::setOpenWhenWritten(bool open)
{
    m_open->setChecked(open);
}

void ExportReportDialog::formatChanged()
{
    // The file name follows the format: "x.html" becomes "x.pdf".
    const QFileInfo info(path());
    if (!info.fileName().isEmpty())
        m_path->setText(info.dir().filePath(info.completeBaseName() + QLatin1Char('.') + report::extension(format())));
}

void ExportReportDialog::pathEdited()
{
    // ...and the format follows an extension typed by hand.
    if (auto f = report::formatFromPath(path()); f && *f != format()) {
        QSignalBlocker block(m_format);
        setFormat(*f);
    }
}

void ExportReportDialog::browse()
{
    const QStringList filters = report::nameFilters();
    const int i = int(report::formats().indexOf(format()));
    QString selected = filters.value(i);
    const QString p = QFileDialog::getSaveFileName(this, tr("Export Report"), path(), filters.join(QLatin1String(";;")), &selected);
    if (p.isEmpty())
        return;
    const int chosen = int(filters.indexOf(selected));
    if (chosen >= 0)
        setFormat(report::formats().at(chosen));
    m_path->setText(p);
    pathEdited();
}

void ExportReportDialog::setWriting(bool writing)
{
    m_writing = writing;
    for (QWidget* w : {static_cast<QWidget*>(m_format), static_cast<QWidget*>(m_path), static_cast<QWidget*>(m_title)})
        w->setEnabled(!writing);
    m_buttons->setEnabled(!writing);
    if (writing) {
        m_message->setText(tr("Writing %1…").arg(paths::pretty(path())));
        m_message->show();
    }
}

void ExportReportDialog::accept()
{
    if (m_writing)
        return;
    const QString target = path();
    if (target.isEmpty()) {
        m_message->setText(tr("Choose the file to write."));
        m_message->show();
        return;
    }
    if (auto f = report::formatFromPath(target); f && *f != format()) {
        const QString message = tr("The file name ends in .%1 but the format is %2: change one of them.")
                                    .arg(QFileInfo(target).suffix(), report::formatTitle(format()));
        m_message->setText(message);
        m_message->show();
        return;
    }
    Report report = m_report;
    if (!m_title->text().trimmed().isEmpty())
        report.title = m_title->text().trimmed();
    const report::Format f = format();
    setWriting(true);
    // A PDF of many runs takes a moment to paint: off the GUI thread (QPdfWriter paints anywhere).
    auto* watcher = new QFutureWatcher<Status>(this);
    connect(watcher, &QFutureWatcher<Status>::finished, this, [this, watcher, target, f] {
        const Status st = watcher->result();
        watcher->deleteLater();
        setWriting(false);
        if (!st) {
            // Said in the dialog, which stays open to pick another place: no second window.
            m_message->setText(tr("<b>Not written:</b> %1").arg(st.error().message.toHtmlEscaped()));
            m_message->setToolTip(st.error().details);
            Q_EMIT failed(st.error());
            return;
        }
        QSettings settings;
        settings.setValue(QLatin1String(kDirKey), QFileInfo(target).absolutePath());
        settings.setValue(QLatin1String(kFormatKey), int(f));
        if (m_open->isChecked())
            QDesktopServices::openUrl(QUrl::fromLocalFile(target));
        Q_EMIT written(target);
        QDialog::accept();
    });
    watcher->setFuture(QtConcurrent::run([report, f, target] { return report::write(report, f, target); }));
}

} // namespace qs::ui
