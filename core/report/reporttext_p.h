// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the renderers share: escaping per format, how figures and ratios are written, and the
// summary table's columns (so that HTML, PDF and Markdown show the same numbers).

#include "core/report/report.h"
#include "core/report/reportchart.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QVector>

namespace qs::report::detail {

// ---- escaping ---------------------------------------------------------------------------------
/// Text for HTML element content and double- or single-quoted attributes.
QString html(const QString& text);
/// Text for a Markdown table cell, list item or line: Markdown punctuation and inline HTML
/// disarmed with backslashes, pipes escaped, line breaks folded into spaces, outer white space
/// trimmed, and a start that would open a block in a list item ("# ", "- ", "+ ", "---", "1. ",
/// "1) ") escaped.
QString markdown(const QString& text);
/// A CSV field (RFC 4180): quoted when needed, quotes doubled; text that a spreadsheet would
/// run as a formula (=, +, -, @ first) is prefixed with an apostrophe.
QString csvText(const QString& text);
/// A CSV number: C locale, empty when unknown.
QString csvNumber(double value);

// ---- figures as text (C locale; "" when unknown) --------------------------------------------
QString megabytes(double bytes);        ///< "1.26 MB" (10^6 bytes)
QString fixed(double value, int decimals); ///< "0.812"
/// "3.93x smaller", "1.25x larger", "1.00x": a "higher is better" ratio (ReportRow's) in words.
QString factor(double ratio, const QString& better, const QString& worse);
/// "+0.12 pt", "-0.07 pt"
QString points(double delta);

/// \brief One column of the summary table: its title, and the value and the comparison with the
/// baseline for a row (either may be "").
struct SummaryColumn
{
    QString title;
    QString (*value)(const ReportRow&);
    QString (*versus)(const ReportRow&); ///< null: the column has no comparison
};
const QVector<SummaryColumn>& summaryColumns();

/// The run's details as label/value pairs (id, uuid, kind, status, model, path, scheme...).
QVector<QPair<QString, QString>> runDetails(const ReportRow& row);
/// The run's environment (fingerprint) as label/value pairs, in the fingerprint's order.
QVector<QPair<QString, QString>> environment(const ReportRow& row);

// ---- renderers ----------------------------------------------------------------------------------
/// Browser: the HTML file (CSS, inline SVG). RichText: the subset QTextDocument lays out for the
/// PDF, charts as `<img src="qs-chart:ID">` resources the PDF writer provides.
enum class HtmlFlavor { Browser, RichText };
QString htmlDocument(const Report& report, HtmlFlavor flavor);
QString markdownDocument(const Report& report);
QString csvDocument(const Report& report);
Result<QByteArray> pdfDocument(const Report& report);

} // namespace qs::report::detail
