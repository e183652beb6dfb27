// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/report/report.h"

#include <QtCore/QByteArray>
#include <QtCore/QStringList>
#include <QtCore/QVector>

namespace qs {
class Store;
}

/// Writing comparisons of runs (qs::Report) as files: what `quantscope-cli report` and the
/// studio's Export-report dialog call. Library `quantscope_report` (QtGui for PDF; never QtWidgets).
namespace qs::report {

/// \brief The file formats a report can be written as.
enum class Format {
    Html,     ///< self-contained: styles inline, charts as inline SVG, no external resources, no scripts
    Pdf,      ///< the same content, paginated A4 (needs a QGuiApplication: the studio, or the CLI's offscreen one)
    Markdown, ///< tables, for pasting into a repository
    Csv,      ///< one line per run, RFC 4180 quoting
    Json,     ///< Report::toJson()
};

/// All formats, in the order a file dialog lists them.
QVector<Format> formats();
/// "html", "pdf", "md", "csv", "json": the extension written (without the dot).
QString extension(Format format);
/// "HTML", "PDF", "Markdown", "CSV", "JSON".
QString formatTitle(Format format);
/// QFileDialog filters, one per format in formats() order: "HTML report (*.html *.htm)"...
QStringList nameFilters();
/// The format a file name asks for, from its extension (case-insensitive: .html/.htm, .pdf,
/// .md/.markdown, .csv, .json). A usage error naming the supported extensions otherwise.
Result<Format> formatFromPath(const QString& path);
/// Whether writing \a format needs a QGuiApplication (fonts and painting): only PDF.
bool needsGuiApplication(Format format);

/// The report rendered in memory (UTF-8 text, or the PDF's bytes).
Result<QByteArray> render(const Report& report, Format format);

/// Writes \a report to \a path atomically (temporary file + rename): on an unwritable folder or
/// a full disk nothing is left under \a path (an existing file there stays as it was), and the
/// error says so.
Status write(const Report& report, Format format, const QString& path);

/// Builds the comparison of \a runIds against \a baselineId from \a store (read only: the
/// database is never written) and writes it. \a baselineId is added to the runs when it is not
/// among them. Call on the thread that opened \a store. Errors: a run or baseline id the database
/// does not have (Error::badInput, naming the id), a damaged database, the ones of write().
Status write(const Store& store, const QVector<qint64>& runIds, qint64 baselineId, Format format, const QString& path,
             const QString& title = {});

} // namespace qs::report
