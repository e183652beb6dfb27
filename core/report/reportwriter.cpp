// SPDX-License-Identifier: GPL-3.0-or-later
#include "reportwriter.h"

#include "core/common/paths.h"
#include "core/report/reporttext_p.h"
#include "core/store/atomicfile.h"
#include "core/store/store.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>

namespace qs::report {

QVector<Format> formats()
{
    return {Format::Html, Format::Pdf, Format::Markdown, Format::Csv, Format::Json};
}

QString extension(Format format)
{
    switch (format) {
    case Format::Html:
        return QStringLiteral("html");
    case Format::Pdf:
        return QStringLiteral("pdf");
    case Format::Markdown:
        return QStringLiteral("md");
    case Format::Csv:
        return QStringLiteral("csv");
    case Format::Json:
        return QStringLiteral("json");
    }
    return {};
}

QString formatTitle(Format format)
{
    switch (format) {
    case Format::Html:
        return QStringLiteral("HTML");
    case Format::Pdf:
        return QStringLiteral("PDF");
    case Format::Markdown:
        return QStringLiteral("Markdown");
    case Format::Csv:
        return QStringLiteral("CSV");
    case Format::Json:
        return QStringLiteral("JSON");
    }
    return {};
}

namespace {

QStringList extensionsOf(Format format)
{
    switch (format) {
    case Format::Html:
        return {QStringLiteral("html"), QStringLiteral("htm")};
    case Format::Markdown:
        return {QStringLiteral("md"), QStringLiteral("markdown")};
    default:
        return {extension(format)};
    }
}

} // namespace

QStringList nameFilters()
{
    QStringList filters;
    for (Format f : formats()) {
        QStringList globs;
        for (const QString& e : extensionsOf(f))
            globs << QStringLiteral("*.") + e;
        filters << QStringLiteral("%1 report (%2)").arg(formatTitle(f), globs.join(QLatin1Char(' ')));
    }
    return filters;
}

Result<Format> formatFromPath(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    for (Format f : formats()) {
        if (extensionsOf(f).contains(suffix))
            return f;
    }
    QStringList known;
    for (Format f : formats())
        known << QStringLiteral(".") + extension(f);
    return Error::usage(QStringLiteral("Cannot tell the report format from '%1': give a file name ending in %2.")
                            .arg(path.isEmpty() ? QStringLiteral("(no file name)") : QFileInfo(path).fileName(), known.join(QLatin1String(", "))));
}

bool needsGuiApplication(Format format)
{
    return format == Format::Pdf;
}

Result<QByteArray> render(const Report& report, Format format)
{
    if (report.rows.isEmpty())
        return Error::usage(QStringLiteral("The report has no runs: choose a baseline run and the runs to compare with it."));
    switch (format) {
    case Format::Html:
        return detail::htmlDocument(report, detail::HtmlFlavor::Browser).toUtf8();
    case Format::Pdf:
        return detail::pdfDocument(report);
    case Format::Markdown:
        return detail::markdownDocument(report).toUtf8();
    case Format::Csv:
        return detail::csvDocument(report).toUtf8();
    case Format::Json:
        return QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented);
    }
    return Error(Error::Kind::Internal, QStringLiteral("Unknown report format %1.").arg(int(format)));
}

Status write(const Report& report, Format format, const QString& path)
{
    // Rendered completely before the file is touched: a failure leaves no file at all.
    auto bytes = render(report, format);
    if (!bytes)
        return bytes.error();
    return writeFileAtomically(path, *bytes, QStringLiteral("the %1 report").arg(formatTitle(format)));
}

Status write(const Store& store, const QVector<qint64>& runIds, qint64 baselineId, Format format, const QString& path, const QString& title)
{
    auto report = buildReport(store, runIds, baselineId, title);
    if (!report)
        return report.error();
    return write(*report, format, path);
}

} // namespace qs::report
