// SPDX-License-Identifier: GPL-3.0-or-later
// The HTML report: one self-contained file (inline CSS and SVG, no scripts, no external
// resources; a Content-Security-Policy forbids loading any), and the rich-text flavour of the
// same document that the PDF writer lays out.
#include "reporttext_p.h"

#include "core/store/runexchange.h"

namespace qs::report::detail {

namespace {

const char* const kCss = R"(body { font-family: sans-serif; font-size: 10pt; color: #222; max-width: 1100px; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.6em; border-bottom: 1px solid #ccc; } h3 { font-size: 11pt; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
th { background: #eee; }
.vs { color: #555; font-size: 8.5pt; }
.base { background: #f6f6f6; }
.flag { color: #a33; }
.meta { color: #555; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em; }
figure { margin: 1em 0; } figcaption { color: #555; font-size: 9pt; }
)";

QString cell(const QString& tag, const QString& content, const QString& cls = {})
{
    return QStringLiteral("<%1%2>%3</%1>").arg(tag, cls.isEmpty() ? QString() : QStringLiteral(" class=\"%1\"").arg(cls), content);
}

QString list(const QStringList& items, const QString& cls = {})
{
    if (items.isEmpty())
        return {};
    QString s = QStringLiteral("<ul>");
    for (const QString& i : items)
        s += cell(QStringLiteral("li"), html(i), cls);
    return s + QStringLiteral("</ul>\n");
}

QString swatch(int i, HtmlFlavor flavor)
{
    // The rich-text flavour has no inline-block boxes: a coloured square character instead.
    if (flavor == HtmlFlavor::RichText)
        return QStringLiteral("<font color=\"%1\">&#9632;</font> ").arg(rowColor(i));
    return QStringLiteral("<span class=\"swatch\" style=\"background:%1\"></span>").arg(rowColor(i));
}

QString summaryTable(const Report& r, HtmlFlavor flavor)
{
    // Columns no run has a value for (no accuracy measured, say) are left out; explicit widths
    // and nowrap keep QTextDocument (the PDF) from squeezing the label column to one letter.
    QVector<const SummaryColumn*> columns;
    for (const SummaryColumn& c : summaryColumns()) {
        for (const ReportRow& row : r.rows) {
            if (!c.value(row).isEmpty()) {
                columns << &c;
                break;
            }
        }
    }
    const bool rich = flavor == HtmlFlavor::RichText;
    QString s = QStringLiteral("<table class=\"summary\" width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"%1\"%2>\n"
                               "<tr><th width=\"%3\">Run</th>")
                    .arg(rich ? QStringLiteral("2") : QStringLiteral("3"), rich ? QStringLiteral(" style=\"font-size: 7pt\"") : QString(),
                         rich ? QStringLiteral("130") : QStringLiteral("26%"));
    for (const SummaryColumn* c : columns)
        s += cell(QStringLiteral("th"), html(c->title));
    s += QStringLiteral("</tr>\n");
    for (int i = 0; i < r.rows.size(); ++i) {
        const ReportRow& row = r.rows[i];
        s += row.isBaseline ? QStringLiteral("<tr class=\"base\">") : QStringLiteral("<tr>");
        s += cell(QStringLiteral("td"), swatch(i, flavor) + html(row.label) + (row.isBaseline ? QStringLiteral(" <i>(baseline)</i>") : QString())
                                            + QStringLiteral("<br><span class=\"vs\">run %1</span>").arg(row.run.id));
        for (const SummaryColumn* c : columns) {
            QString content = html(c->value(row));
            const QString vs = c->versus && !row.isBaseline ? c->versus(row) : QString();
            if (!vs.isEmpty())
                content += QStringLiteral("<br><span class=\"vs\">%1</span>").arg(html(vs));
            s += QStringLiteral("<td class=\"num\" align=\"right\" nowrap>%1</td>").arg(content);
        }
        s += QStringLiteral("</tr>\n");
    }
    return s + QStringLiteral("</table>\n");
}

QString pairsTable(const QVector<QPair<QString, QString>>& pairs)
{
    QString s = QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\">\n");
    for (const auto& p : pairs)
        s += QStringLiteral("<tr><th>%1</th><td>%2</td></tr>\n").arg(html(p.first), html(p.second));
    return s + QStringLiteral("</table>\n");
}

} // namespace

QString htmlDocument(const Report& r, HtmlFlavor flavor)
{
    const bool browser = flavor == HtmlFlavor::Browser;
    QString s;
    s += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    if (browser) {
        // Defence in depth: even if some text escaped its escaping, nothing could run or be fetched.
        s += QStringLiteral("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    }
    s += QStringLiteral("<meta name=\"generator\" content=\"%1\">\n<title>%2</title>\n").arg(html(r.generator), html(r.title));
    s += QStringLiteral("<style>\n%1</style>\n</head>\n<body>\n").arg(QString::fromLatin1(kCss));
    s += QStringLiteral("<h1>%1</h1>\n").arg(html(r.title));
    // One arg() call: chained ones would take a "%3" in a label for their own placeholder.
    s += QStringLiteral("<p class=\"meta\">%1 runs compared with the baseline <b>%2</b> (run %3). Created %4 by %5 from %6.</p>\n")
             .arg(QString::number(r.rows.size()), html(r.rows.isEmpty() ? QString() : r.baseline().label),
                  QString::number(r.rows.isEmpty() ? 0 : r.baseline().run.id), html(exchange::isoTime(r.created)), html(r.generator),
                  html(r.database.isEmpty() ? QStringLiteral("records") : r.database));

    s += QStringLiteral("<h2>Verdicts</h2>\n<ul>\n");
    for (const ReportRow& row : r.rows) {
        s += QStringLiteral("<li>%1").arg(html(row.verdict));
        if (!row.noise.isEmpty())
            s += QStringLiteral(" <span class=\"flag\">&#9888; %1</span>").arg(html(row.noise.join(QLatin1String("; "))));
        s += QStringLiteral("</li>\n");
    }
    s += QStringLiteral("</ul>\n");

    s += QStringLiteral("<h2>Summary</h2>\n") + summaryTable(r, flavor);
    s += QStringLiteral("<p class=\"vs\">Ratios are to the baseline. Latency is per inference at each run's batch size; "
                        "compare throughput when batch sizes differ. Peak memory is the process's resident set.</p>\n");

    QStringList skipped;
    const QVector<Chart> charts = buildCharts(r, &skipped);
    s += QStringLiteral("<h2>Charts</h2>\n");
    for (const Chart& c : charts) {
        s += QStringLiteral("<h3>%1</h3>\n").arg(html(c.title));
        if (browser)
            s += QStringLiteral("<figure>\n%1\n<figcaption>%2</figcaption>\n</figure>\n").arg(toSvg(c), html(c.caption));
        else
            s += QStringLiteral("<p><img src=\"qs-chart:%1\" width=\"%2\" height=\"%3\"></p>\n<p class=\"vs\">%4</p>\n")
                     .arg(c.id)
                     .arg(int(c.width))
                     .arg(int(c.height))
                     .arg(html(c.caption));
    }
    s += list(skipped, QStringLiteral("meta"));

    s += QStringLiteral("<h2>Runs</h2>\n");
    for (int i = 0; i < r.rows.size(); ++i) {
        const ReportRow& row = r.rows[i];
        s += QStringLiteral("<h3>%1%2%3</h3>\n").arg(swatch(i, flavor), html(row.label), row.isBaseline ? QStringLiteral(" (baseline)") : QString());
        s += pairsTable(runDetails(row));
        if (!row.environment.isEmpty())
            s += QStringLiteral("<p><b>Differs from the baseline:</b></p>\n") + list(row.environment);
        if (!row.noise.isEmpty())
            s += QStringLiteral("<p class=\"flag\"><b>Noise flags:</b></p>\n") + list(row.noise, QStringLiteral("flag"));
        const auto env = environment(row);
        if (!env.isEmpty())
            s += QStringLiteral("<p><b>Environment</b></p>\n") + pairsTable(env);
    }
    if (!r.notes.isEmpty())
        s += QStringLiteral("<h2>Notes</h2>\n") + list(r.notes);
    s += QStringLiteral("</body>\n</html>\n");
    return s;
}

} // namespace qs::report::detail
