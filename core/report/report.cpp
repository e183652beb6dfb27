// SPDX-License-Identifier: GPL-3.0-or-later
// Building a comparison: figures of each run, ratios against the baseline, verdicts, and the
// reasons a figure may not be comparable (environment, configuration, noise).
#include "report.h"

#include "core/bench/fingerprint.h"
#include "core/common/version.h"
#include "core/store/store.h"

#include <QtCore/QJsonArray>
#include <QtCore/QSet>

namespace qs {

namespace {

double metricOf(const RunRecord& r, const QString& name)
{
    return r.metrics.value(name, qQNaN());
}

double ratio(double num, double den)
{
    return std::isfinite(num) && std::isfinite(den) && den > 0 && num > 0 ? num / den : qQNaN();
}

QString fixed(double v, int decimals)
{
    return QString::number(v, 'f', decimals);
}

QString sizeText(double bytes)
{
    if (!std::isfinite(bytes))
        return QStringLiteral("size unknown");
    if (bytes >= 1e9)
        return QStringLiteral("%1 GB").arg(bytes / 1e9, 0, 'f', 2);
    if (bytes >= 1e6)
        return QStringLiteral("%1 MB").arg(bytes / 1e6, 0, 'f', 2);
    return QStringLiteral("%1 kB").arg(bytes / 1e3, 0, 'f', 1);
}

/// Labels that tell the rows apart: the variant, then batch/threads, the model, the run id.
void assignLabels(QVector<ReportRow>& rows)
{
    QSet<QString> models;
    for (const ReportRow& r : rows)
        models.insert(r.run.model.name);
    auto engineOf = [](const RunRecord& r) {
        if (r.variant.scheme.startsWith(QLatin1String("fp32")))
            return QString();
        return r.variant.engine.isEmpty() ? r.engine() : r.variant.engine;
    };
    for (ReportRow& r : rows) {
        const QString e = engineOf(r.run);
        r.label = e.isEmpty() ? r.run.variant.scheme : QStringLiteral("%1 (%2)").arg(r.run.variant.scheme, e);
        if (models.size() > 1)
            r.label = r.run.model.name + QLatin1Char(' ') + r.label;
    }
    auto duplicates = [&]() {
        QMap<QString, int> count;
        for (const ReportRow& r : rows)
            ++count[r.label];
        QSet<QString> d;
        for (auto it = count.begin(); it != count.end(); ++it) {
            if (it.value() > 1)
                d.insert(it.key());
        }
        return d;
    };
    QSet<QString> dup = duplicates();
    for (ReportRow& r : rows) {
        if (dup.contains(r.label) && r.run.batch() > 0)
            r.label += QStringLiteral(" b%1 t%2").arg(r.run.batch()).arg(r.run.threads());
    }
    dup = duplicates();
    for (ReportRow& r : rows) {
        if (dup.contains(r.label))
            r.label += QStringLiteral(" #%1").arg(r.run.id);
    }
}

QStringList configDifferences(const RunRecord& base, const RunRecord& r)
{
    QStringList d;
    if (base.batch() > 0 && r.batch() > 0 && base.batch() != r.batch())
        d << QStringLiteral("batch: %1 -> %2 (compare throughput, not latency)").arg(base.batch()).arg(r.batch());
    if (base.threads() > 0 && r.threads() > 0 && base.threads() != r.threads())
        d << QStringLiteral("threads: %1 -> %2").arg(base.threads()).arg(r.threads());
    if (!base.mode().isEmpty() && !r.mode().isEmpty() && base.mode() != r.mode())
        d << QStringLiteral("mode: %1 -> %2 (peak memory is only comparable between isolated runs)").arg(base.mode(), r.mode());
    if (base.model.sha256 != r.model.sha256 && !base.model.sha256.isEmpty() && !r.model.sha256.isEmpty())
        d << QStringLiteral("model: %1 -> %2").arg(base.model.name, r.model.name);
    return d;
}

QStringList noiseOf(const RunRecord& r)
{
    QStringList n;
    if (r.status != RunStatus::Complete)
        n << QStringLiteral("%1%2").arg(runStatusName(r.status), r.error.isEmpty() ? QString() : QStringLiteral(": ") + r.error);
    if (metricOf(r, metric::Noisy) > 0) {
        const QJsonArray reasons = r.result.value(QLatin1String("noise_reasons")).toArray();
        if (reasons.isEmpty())
            n << QStringLiteral("flagged noisy by the benchmark");
        for (const QJsonValue& v : reasons)
            n << QStringLiteral("noisy: ") + v.toString();
    }
    if (!r.fingerprint.isEmpty()) {
        const Fingerprint fp = Fingerprint::fromJson(r.fingerprint);
        for (const QString& w : fp.warnings()) {
            if (!n.contains(QStringLiteral("noisy: ") + w))
                n << w;
        }
    }
    return n;
}

QString verdictOf(const ReportRow& row, const ReportRow& base)
{
    if (row.isBaseline) {
        QStringList parts{QStringLiteral("baseline"), sizeText(row.sizeBytes)};
        if (std::isfinite(row.p50Ms))
            parts << QStringLiteral("p50 %1 ms").arg(row.p50Ms, 0, 'g', 3);
        if (std::isfinite(row.top1))
            parts << QStringLiteral("%1% top-1").arg(fixed(row.top1, 2));
        return QStringLiteral("%1: %2").arg(row.label, parts.join(QLatin1String(", ")));
    }
    QStringList parts;
    if (std::isfinite(row.sizeRatio))
        parts << ratioPhrase(row.sizeRatio, QStringLiteral("smaller"), QStringLiteral("larger"), QStringLiteral("same size"));
    if (std::isfinite(row.speedup))
        parts << ratioPhrase(row.speedup, QStringLiteral("faster"), QStringLiteral("slower"), QStringLiteral("same speed"));
    else if (std::isfinite(row.throughputRatio))
        parts << ratioPhrase(row.throughputRatio, QStringLiteral("more throughput"), QStringLiteral("less throughput"), QStringLiteral("same throughput"));
    if (std::isfinite(row.memoryRatio) && std::fabs(row.memoryRatio - 1) >= 0.05)
        parts << ratioPhrase(row.memoryRatio, QStringLiteral("less peak memory"), QStringLiteral("more peak memory"), QString());
    if (std::isfinite(row.top1DeltaPt))
        parts << QStringLiteral("%1%2 pt top-1").arg(row.top1DeltaPt >= 0 ? QStringLiteral("+") : QString(), fixed(row.top1DeltaPt, 2));
    else if (std::isfinite(row.cosine))
        parts << QStringLiteral("cosine %1 to FP32").arg(fixed(row.cosine, 4));
    else if (std::isfinite(base.top1))
        parts << QStringLiteral("accuracy not measured");
    if (parts.isEmpty())
        parts << QStringLiteral("nothing comparable measured");
    QString v = QStringLiteral("%1: %2").arg(row.label, parts.join(QLatin1String(", ")));
    if (row.run.status != RunStatus::Complete)
        v += QStringLiteral(" (%1)").arg(runStatusName(row.run.status));
    else if (!row.noise.isEmpty() && metricOf(row.run, metric::Noisy) > 0)
        v += QStringLiteral(" (noisy)");
    return v;
}

} // namespace

QString ratioPhrase(double r, const QString& better, const QString& worse, const QString& same)
{
    if (!std::isfinite(r))
        return {};
    // Within 5% is "the same": below what a benchmark on a shared machine can resolve.
    if (std::fabs(r - 1.0) < 0.05)
        return same;
    if (r > 1)
        return QStringLiteral("%1x %2").arg(r, 0, 'f', r >= 10 ? 0 : 1).arg(better);
    return QStringLiteral("%1x %2").arg(1.0 / r, 0, 'f', 1 / r >= 10 ? 0 : 1).arg(worse);
}

Report buildReport(const QVector<RunRecord>& runs, int baselineIndex, const QMap<qint64, RunRecord>& evaluations, const QString& title)
{
    Report report;
    report.created = QDateTime::currentDateTimeUtc();
    report.generator = QStringLiteral("Quantscope %1").arg(version());
    if (runs.isEmpty() || baselineIndex < 0 || baselineIndex >= runs.size())
        return report;
    QVector<RunRecord> ordered;
    ordered << runs[baselineIndex];
    for (int i = 0; i < runs.size(); ++i) {
        if (i != baselineIndex)
            ordered << runs[i];
    }
    for (const RunRecord& r : ordered) {
        ReportRow row;
        row.run = r;
        row.isBaseline = report.rows.isEmpty();
        row.sizeBytes = r.variant.artifactBytes >= 0 ? double(r.variant.artifactBytes) : r.model.fileBytes >= 0 ? double(r.model.fileBytes) : qQNaN();
        row.p50Ms = metricOf(r, metric::LatencyP50Ms);
        row.p99Ms = metricOf(r, metric::LatencyP99Ms);
        row.throughput = metricOf(r, metric::ThroughputPerS);
        row.peakMb = metricOf(r, metric::PeakMb);
        row.cpuPercent = metricOf(r, metric::CpuPercent);
        const RunRecord* acc = &r;
        if (!std::isfinite(metricOf(r, metric::Top1)) && !std::isfinite(metricOf(r, metric::Cosine))) {
            const auto it = evaluations.constFind(r.variant.id);
            if (it != evaluations.constEnd() && r.variant.id > 0)
                acc = &it.value();
        }
        row.accuracyRunId = acc->id;
        row.top1 = metricOf(*acc, metric::Top1);
        row.cosine = metricOf(*acc, metric::Cosine);
        row.sqnrDb = metricOf(*acc, metric::SqnrDb);
        report.rows << row;
    }
    assignLabels(report.rows);
    const ReportRow& base = report.rows.first();
    for (ReportRow& row : report.rows) {
        row.sizeRatio = ratio(base.sizeBytes, row.sizeBytes);
        row.speedup = ratio(base.p50Ms, row.p50Ms);
        row.p99Speedup = ratio(base.p99Ms, row.p99Ms);
        row.throughputRatio = ratio(row.throughput, base.throughput);
        row.memoryRatio = ratio(base.peakMb, row.peakMb);
        row.cpuRatio = ratio(row.cpuPercent, base.cpuPercent);
        row.top1DeltaPt = std::isfinite(row.top1) && std::isfinite(base.top1) ? row.top1 - base.top1 : qQNaN();
        if (!row.isBaseline) {
            if (!row.run.fingerprint.isEmpty() && !base.run.fingerprint.isEmpty())
                row.environment = Fingerprint::differences(Fingerprint::fromJson(base.run.fingerprint), Fingerprint::fromJson(row.run.fingerprint));
            row.environment += configDifferences(base.run, row.run);
        }
        row.noise = noiseOf(row.run);
        row.verdict = verdictOf(row, base);
        if (row.accuracyRunId != row.run.id && row.accuracyRunId > 0)
            report.notes << row.label + QStringLiteral(": accuracy from evaluation run %1 of the same variant.").arg(row.accuracyRunId);
    }
    // One arg() call: chained ones would take a "%2" in the model's name for their own placeholder.
    report.title = title.isEmpty() ? QStringLiteral("%1: %2 compared with %3")
                                         .arg(base.run.model.name, QString::number(report.rows.size() - 1), base.label)
                                   : title;
    if (report.rows.size() == 1)
        report.notes << QStringLiteral("Only the baseline was chosen: there is nothing to compare it with.");
    return report;
}

Result<Report> buildReport(const Store& store, const QVector<qint64>& runIds, qint64 baselineId, const QString& title)
{
    QVector<RunRecord> runs;
    int baselineIndex = -1;
    QVector<qint64> ids = runIds;
    if (!ids.contains(baselineId))
        ids.prepend(baselineId);
    QMap<qint64, RunRecord> evaluations;
    for (qint64 id : ids) {
        auto run = store.loadRun(id);
        if (!run)
            return run.error();
        if (id == baselineId)
            baselineIndex = int(runs.size());
        if (!evaluations.contains(run->variant.id) && !std::isfinite(metricOf(*run, metric::Top1))
            && !std::isfinite(metricOf(*run, metric::Cosine))) {
            auto evalId = store.latestEvaluation(run->variant.id);
            if (!evalId)
                return evalId.error();
            if (*evalId > 0) {
                auto eval = store.loadRun(*evalId);
                if (!eval)
                    return eval.error();
                evaluations.insert(run->variant.id, *eval);
            }
        }
        runs << std::move(*run);
    }
    Report report = buildReport(runs, baselineIndex, evaluations, title);
    report.database = store.path();
    return report;
}

} // namespace qs
