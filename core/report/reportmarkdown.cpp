// SPDX-License-Identifier: GPL-3.0-or-later
// The Markdown report: verdicts and tables to paste into a repository (GitHub-flavoured tables;
// every user-provided text escaped so that it stays literal inside a cell).
#include "reporttext_p.h"

#include "core/store/runexchange.h"

namespace qs::report::detail {

namespace {

QString row(const QStringList& cells)
{
    return QStringLiteral("| ") + cells.join(QLatin1String(" | ")) + QStringLiteral(" |\n");
}

QString rule(int columns)
{
    QStringList c;
    for (int i = 0; i < columns; ++i)
        c << QStringLiteral("---");
    return row(c);
}

QString bullets(const QStringList& items, const QString& indent = {})
{
    QString s;
    for (const QString& i : items)
        s += indent + QStringLiteral("- ") + markdown(i) + QLatin1Char('\n');
    return s;
}

} // namespace

QString markdownDocument(const Report& r)
{
    QString s = QStringLiteral("# %1\n\n").arg(markdown(r.title));
    // One arg() call: chained ones would take a "%3" in a label for their own placeholder.
    s += QStringLiteral("%1 runs compared with the baseline **%2** (run %3). Created %4 by %5.\n\n")
             .arg(QString::number(r.rows.size()), markdown(r.baseline().label), QString::number(r.baseline().run.id),
                  exchange::isoTime(r.created), markdown(r.generator));

    s += QStringLiteral("## Verdicts\n\n");
    for (const ReportRow& x : r.rows) {
        s += QStringLiteral("- ") + markdown(x.verdict);
        if (!x.noise.isEmpty())
            s += QStringLiteral(" (**noise:** %1)").arg(markdown(x.noise.join(QLatin1String("; "))));
        s += QLatin1Char('\n');
    }

    // Values and comparisons in separate columns: they sort and read better in a plain table.
    s += QStringLiteral("\n## Summary\n\n");
    QStringList head{QStringLiteral("Run")};
    for (const SummaryColumn& c : summaryColumns()) {
        head << c.title;
        if (c.versus)
            head << QStringLiteral("vs baseline");
    }
    s += row(head) + rule(int(head.size()));
    for (const ReportRow& x : r.rows) {
        QStringList cells{markdown(x.label) + (x.isBaseline ? QStringLiteral(" (baseline)") : QString())};
        for (const SummaryColumn& c : summaryColumns()) {
            cells << markdown(c.value(x));
            if (c.versus)
                cells << (x.isBaseline ? QString() : markdown(c.versus(x)));
        }
        s += row(cells);
    }

    s += QStringLiteral("\n## Runs\n\n");
    const QStringList runHead{QStringLiteral("Run"), QStringLiteral("UUID"), QStringLiteral("Label"), QStringLiteral("Model"),
                              QStringLiteral("Status"), QStringLiteral("Batch"), QStringLiteral("Threads"), QStringLiteral("Mode"),
                              QStringLiteral("Tags"), QStringLiteral("Note")};
    s += row(runHead) + rule(int(runHead.size()));
    for (const ReportRow& x : r.rows) {
        const RunRecord& run = x.run;
        s += row({QString::number(run.id), markdown(run.uuid), markdown(x.label), markdown(run.model.name), markdown(runStatusName(run.status)),
                  run.batch() > 0 ? QString::number(run.batch()) : QString(), run.threads() > 0 ? QString::number(run.threads()) : QString(),
                  markdown(run.mode()), markdown(run.tags.join(QLatin1String(", "))), markdown(run.note)});
    }

    bool anyDifference = false;
    for (const ReportRow& x : r.rows)
        anyDifference = anyDifference || !x.environment.isEmpty() || !x.noise.isEmpty();
    if (anyDifference) {
        s += QStringLiteral("\n## Environment and noise\n\n");
        for (const ReportRow& x : r.rows) {
            if (x.environment.isEmpty() && x.noise.isEmpty())
                continue;
            s += QStringLiteral("- **%1**\n").arg(markdown(x.label));
            s += bullets(x.environment, QStringLiteral("  "));
            QStringList flagged;
            for (const QString& n : x.noise)
                flagged << QStringLiteral("noise: ") + n;
            s += bullets(flagged, QStringLiteral("  "));
        }
    }
    if (!r.rows.isEmpty()) {
        s += QStringLiteral("\n## Environment of the baseline\n\n");
        s += row({QStringLiteral("Field"), QStringLiteral("Value")}) + rule(2);
        for (const auto& p : environment(r.baseline()))
            s += row({markdown(p.first), markdown(p.second)});
    }
    if (!r.notes.isEmpty())
        s += QStringLiteral("\n## Notes\n\n") + bullets(r.notes);
    return s;
}

} // namespace qs::report::detail
