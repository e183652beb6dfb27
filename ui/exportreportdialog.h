// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/report/report.h"
#include "core/report/reportwriter.h"

#include <QtWidgets/QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace qs::ui {

/// \brief Export report: a comparison written as HTML, PDF, Markdown, CSV or JSON by core's
/// report writer (the same as `quantscope-cli report`), on a worker, then optionally opened.
class ExportReportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ExportReportDialog(const Report& report, QWidget* parent = nullptr);

    report::Format format() const;
    void setFormat(report::Format format);
    QString path() const;
    void setPath(const QString& path);
    void setReportTitle(const QString& title);
    /// Whether the file is opened with the desktop's viewer once written.
    void setOpenWhenWritten(bool open);
    bool isWriting() const { return m_writing; }

public Q_SLOTS:
    /// Writes the file; written() or failed() follows, and the dialog closes on success.
    void accept() override;

Q_SIGNALS:
    void written(const QString& path);
    void failed(const qs::Error& error);

private:
    void browse();
    void formatChanged();
    void pathEdited();
    void setWriting(bool writing);

    Report m_report;
    QComboBox* m_format;
    QLineEdit* m_path;
    QLineEdit* m_title;
    QCheckBox* m_open;
    QLabel* m_message;
    QDialogButtonBox* m_buttons;
    bool m_writing = false;
};

} // namespace qs::ui
