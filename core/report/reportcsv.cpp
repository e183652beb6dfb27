// SPDX-License-Identifier: GPL-3.0-or-later
// The CSV report: one line per run, raw numbers (C locale, full precision) so that a spreadsheet
// can compute with them; ratios as in the JSON ("higher is better" for the compared run).
#include "reporttext_p.h"

#include "core/store/runexchange.h"

namespace qs::report::detail {

QString csvDocument(const Report& r)
{
    struct Number
    {
        const char* name;
        double ReportRow::*member;
    };
    static const Number numbers[] = {
        {"size_bytes", &ReportRow::sizeBytes},         {"latency_p50_ms", &ReportRow::p50Ms},
        {"latency_p99_ms", &ReportRow::p99Ms},         {"throughput_per_s", &ReportRow::throughput},
        {"memory_peak_mb", &ReportRow::peakMb},        {"cpu_percent", &ReportRow::cpuPercent},
        {"top1", &ReportRow::top1},                    {"cosine", &ReportRow::cosine},
        {"sqnr_db", &ReportRow::sqnrDb},               {"ratio_size", &ReportRow::sizeRatio},
        {"ratio_speedup_p50", &ReportRow::speedup},          {"ratio_speedup_p99", &ReportRow::p99Speedup},
        {"ratio_throughput", &ReportRow::throughputRatio}, {"ratio_memory", &ReportRow::memoryRatio},
        {"ratio_cpu", &ReportRow::cpuRatio},           {"top1_delta_pt", &ReportRow::top1DeltaPt},
    };
    QStringList head{QStringLiteral("run_id"), QStringLiteral("uuid"), QStringLiteral("label"), QStringLiteral("baseline"),
                     QStringLiteral("kind"), QStringLiteral("status"), QStringLiteral("started"), QStringLiteral("model"),
                     QStringLiteral("model_path"), QStringLiteral("scheme"), QStringLiteral("engine"), QStringLiteral("batch"),
                     QStringLiteral("threads"), QStringLiteral("mode")};
    for (const Number& n : numbers)
        head << QString::fromLatin1(n.name);
    head << QStringLiteral("accuracy_run_id") << QStringLiteral("verdict") << QStringLiteral("environment_differences")
         << QStringLiteral("noise") << QStringLiteral("tags") << QStringLiteral("note");
    // CRLF line ends, as RFC 4180 and spreadsheets expect.
    QString s = head.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    for (const ReportRow& x : r.rows) {
        const RunRecord& run = x.run;
        QStringList f{QString::number(run.id), csvText(run.uuid), csvText(x.label), x.isBaseline ? QStringLiteral("1") : QStringLiteral("0"),
                      csvText(run.kind), csvText(runStatusName(run.status)), csvText(exchange::isoTime(run.started)),
                      csvText(run.model.name), csvText(run.model.path), csvText(run.variant.scheme), csvText(run.engine()),
                      run.batch() > 0 ? QString::number(run.batch()) : QString(), run.threads() > 0 ? QString::number(run.threads()) : QString(),
                      csvText(run.mode())};
        for (const Number& n : numbers)
            f << csvNumber(x.*n.member);
        f << (x.accuracyRunId > 0 ? QString::number(x.accuracyRunId) : QString()) << csvText(x.verdict)
          << csvText(x.environment.join(QLatin1String("; "))) << csvText(x.noise.join(QLatin1String("; ")))
          << csvText(run.tags.join(QLatin1String("; "))) << csvText(run.note);
        s += f.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    return s;
}

} // namespace qs::report::detail
