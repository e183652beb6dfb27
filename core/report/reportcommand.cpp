// SPDX-License-Identifier: GPL-3.0-or-later
// quantscope-cli report: a comparison of stored runs against a baseline as HTML, PDF, Markdown,
// CSV or JSON. Part of the quantscope_report library (PDF needs QtGui), linked into the CLI.
#include "core/cli/command.h"
#include "core/common/paths.h"
#include "core/model/layertablemodel.h"
#include "core/report/reportwriter.h"
#include "core/store/store.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtGui/QGuiApplication>

namespace qs::cli {

namespace {

const QString kUsage = QStringLiteral("quantscope-cli report --runs RUN... --baseline RUN --out FILE.{html,pdf,md,csv,json} [--title TEXT] "
                                      "[--db FILE] [--json]");

/// PDF needs fonts, and fonts need a QGuiApplication: made on the offscreen platform, so that
/// the CLI never needs a display. Every other use of the command gets the usual QCoreApplication.
std::unique_ptr<QCoreApplication> makeApplication(int& argc, char** argv)
{
    QString out;
    for (int i = 2; i < argc; ++i) {
        const QString a = QString::fromLocal8Bit(argv[i]);
        if (a == QLatin1String("--out") && i + 1 < argc)
            out = QString::fromLocal8Bit(argv[i + 1]);
        else if (a.startsWith(QLatin1String("--out=")))
            out = a.mid(6);
    }
    const auto format = report::formatFromPath(out);
    if (!format || !report::needsGuiApplication(*format))
        return nullptr;
    qputenv("QT_QPA_PLATFORM", "offscreen");
    return std::make_unique<QGuiApplication>(argc, argv);
}

int runReport(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A comparison of stored runs against a baseline run (usually FP32): a summary table with the figures and their ratios "
        "to the baseline (size, p50/p99 latency, throughput, peak memory, CPU, accuracy, fidelity), one-line verdicts, "
        "charts (size, latency distributions, memory over time, accuracy vs latency), the environment of each run and noise "
        "flags. The format follows the extension of --out: .html (self-contained), .pdf, .md (tables), .csv, .json. "
        "The file is written whole or not at all; the database is only read.\n\n"
        "RUN is the number `runs list` shows, a UUID or the start of one; several runs: --runs 3 4 5, --runs 3,4,5 or "
        "--runs 3 --runs 4."));
    parser.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("More runs to compare (as --runs)."), QStringLiteral("[RUN...]"));
    parser.addOption({QStringLiteral("runs"), QStringLiteral("The runs to compare with the baseline."), QStringLiteral("RUN")});
    parser.addOption({QStringLiteral("baseline"), QStringLiteral("The run the others are compared with (added to the runs when missing)."),
                      QStringLiteral("RUN")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("The report file; its extension chooses the format."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("title"), QStringLiteral("The report's title (default: model and what is compared)."), QStringLiteral("TEXT")});
    ctx.addStoreOptions(parser, Context::StoreUse::Read);
    ctx.addStandardOptions(parser);
    if (int rc = ctx.parse(parser, args, kUsage); rc >= 0)
        return rc;

    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty())
        return ctx.fail(Error::usage(QStringLiteral("report needs --out FILE (.html, .pdf, .md, .csv or .json). Usage: %1").arg(kUsage)));
    auto format = report::formatFromPath(out);
    if (!format)
        return ctx.fail(format.error());
    if (!parser.isSet(QStringLiteral("baseline")))
        return ctx.fail(Error::usage(QStringLiteral("report needs --baseline RUN: the run (usually FP32) the others are compared with.")));
    QStringList named = parser.values(QStringLiteral("runs")) + parser.positionalArguments();
    if (named.isEmpty())
        return ctx.fail(Error::usage(QStringLiteral("report needs --runs RUN...: the runs to compare with the baseline.")));

    auto store = ctx.store();
    if (!store)
        return ctx.fail(store.error());
    Store& s = **store;
    auto baseline = s.findRun(parser.value(QStringLiteral("baseline")));
    if (!baseline)
        return ctx.fail(Error(baseline.error().kind, QStringLiteral("--baseline: ") + baseline.error().message));
    QVector<qint64> ids;
    for (const QString& arg : named) {
        for (const QString& part : arg.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto id = s.findRun(part.trimmed());
            if (!id)
                return ctx.fail(id.error());
            if (!ids.contains(*id))
                ids << *id;
        }
    }
    auto built = buildReport(s, ids, *baseline, parser.value(QStringLiteral("title")));
    if (!built)
        return ctx.fail(built.error());
    if (!ctx.quiet) {
        // A PDF takes a moment; scripts (and tst_cli_crashsafety) see the step it is at.
        ctx.err() << "Writing the " << report::formatTitle(*format) << " report to " << paths::pretty(out) << "\n";
        ctx.err().flush();
    }
    if (Status st = report::write(*built, *format, out); !st)
        return ctx.fail(st.error());

    if (ctx.json) {
        QJsonArray runs, verdicts;
        for (const ReportRow& row : built->rows) {
            runs.append(row.run.id);
            verdicts.append(row.verdict);
        }
        ctx.printJson(QJsonObject{{QStringLiteral("out"), QFileInfo(out).absoluteFilePath()},
                                  {QStringLiteral("format"), report::extension(*format)},
                                  {QStringLiteral("bytes"), double(QFileInfo(out).size())},
                                  {QStringLiteral("baseline"), *baseline},
                                  {QStringLiteral("runs"), runs},
                                  {QStringLiteral("verdicts"), verdicts},
                                  {QStringLiteral("database"), s.path()}});
        return 0;
    }
    if (!ctx.quiet) {
        for (const ReportRow& row : built->rows)
            ctx.out() << row.verdict << "\n";
    }
    ctx.out() << "Wrote the " << report::formatTitle(*format) << " report (" << built->rows.size() << " runs) to " << paths::pretty(out)
              << " (" << LayerTableModel::humanBytes(QFileInfo(out).size()) << ").\n";
    return 0;
}

const CommandRegistrar reg({QStringLiteral("report"), QStringLiteral("Compare stored runs with a baseline as HTML, PDF, Markdown, CSV or JSON."),
                            runReport, 75},
                           makeApplication);

} // namespace

} // namespace qs::cli
