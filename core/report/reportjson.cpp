// SPDX-License-Identifier: GPL-3.0-or-later
// The report as JSON (the `.json` output of `quantscope-cli report`) and back.
#include "report.h"

#include "core/store/runexchange.h"

#include <QtCore/QJsonArray>

namespace qs {

namespace {

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

double number(const QJsonValue& v)
{
    return v.isDouble() ? v.toDouble() : qQNaN();
}

struct Field
{
    const char* key;
    double ReportRow::*member;
};

const Field kFigures[] = {
    {"size_bytes", &ReportRow::sizeBytes},   {"latency_p50_ms", &ReportRow::p50Ms}, {"latency_p99_ms", &ReportRow::p99Ms},
    {"throughput_per_s", &ReportRow::throughput}, {"memory_peak_mb", &ReportRow::peakMb}, {"cpu_percent", &ReportRow::cpuPercent},
    {"top1", &ReportRow::top1},              {"cosine", &ReportRow::cosine},        {"sqnr_db", &ReportRow::sqnrDb},
};

const Field kRatios[] = {
    {"size", &ReportRow::sizeRatio},           {"speedup_p50", &ReportRow::speedup},   {"speedup_p99", &ReportRow::p99Speedup},
    {"throughput", &ReportRow::throughputRatio}, {"memory", &ReportRow::memoryRatio}, {"cpu", &ReportRow::cpuRatio},
    {"top1_delta_pt", &ReportRow::top1DeltaPt},
};

} // namespace

QJsonObject Report::toJson() const
{
    QJsonArray rowArray;
    for (const ReportRow& r : rows) {
        QJsonObject figures, ratios;
        for (const Field& f : kFigures)
            figures.insert(QLatin1String(f.key), number(r.*f.member));
        for (const Field& f : kRatios)
            ratios.insert(QLatin1String(f.key), number(r.*f.member));
        rowArray.append(QJsonObject{
            {QStringLiteral("run_id"), r.run.id},
            {QStringLiteral("uuid"), r.run.uuid},
            {QStringLiteral("label"), r.label},
            {QStringLiteral("baseline"), r.isBaseline},
            {QStringLiteral("kind"), r.run.kind},
            {QStringLiteral("status"), runStatusName(r.run.status)},
            {QStringLiteral("started"), exchange::isoTime(r.run.started)},
            {QStringLiteral("model"), r.run.model.name},
            {QStringLiteral("model_path"), r.run.model.path},
            {QStringLiteral("model_sha256"), r.run.model.sha256},
            {QStringLiteral("scheme"), r.run.variant.scheme},
            {QStringLiteral("engine"), r.run.engine()},
            {QStringLiteral("config"), r.run.config},
            {QStringLiteral("figures"), figures},
            {QStringLiteral("ratios"), ratios},
            {QStringLiteral("accuracy_run_id"), r.accuracyRunId},
            {QStringLiteral("verdict"), r.verdict},
            {QStringLiteral("environment_differences"), QJsonArray::fromStringList(r.environment)},
            {QStringLiteral("noise"), QJsonArray::fromStringList(r.noise)},
            {QStringLiteral("environment"), r.run.fingerprint},
            {QStringLiteral("tags"), QJsonArray::fromStringList(r.run.tags)},
            {QStringLiteral("note"), r.run.note},
        });
    }
    return QJsonObject{{QStringLiteral("report_format"), kJsonFormat},
                       {QStringLiteral("title"), title},
                       {QStringLiteral("created"), exchange::isoTime(created)},
                       {QStringLiteral("database"), database},
                       {QStringLiteral("generator"), generator},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(notes)},
                       {QStringLiteral("rows"), rowArray}};
}

Result<Report> Report::fromJson(const QJsonObject& o)
{
    const int format = o.value(QLatin1String("report_format")).toInt(0);
    if (format < 1)
        return Error::badInput(QStringLiteral("Not a Quantscope report: 'report_format' is missing."));
    if (format > kJsonFormat)
        return Error::badInput(QStringLiteral("The report has format %1; this Quantscope reads format %2 and older.").arg(format).arg(kJsonFormat));
    if (!o.value(QLatin1String("rows")).isArray() || o.value(QLatin1String("rows")).toArray().isEmpty())
        return Error::badInput(QStringLiteral("The report has no rows."));
    Report report;
    report.title = o.value(QLatin1String("title")).toString();
    report.created = QDateTime::fromString(o.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
    report.database = o.value(QLatin1String("database")).toString();
    report.generator = o.value(QLatin1String("generator")).toString();
    for (const QJsonValue& v : o.value(QLatin1String("notes")).toArray())
        report.notes << v.toString();
    for (const QJsonValue& v : o.value(QLatin1String("rows")).toArray()) {
        const QJsonObject r = v.toObject();
        ReportRow row;
        row.run.id = qint64(r.value(QLatin1String("run_id")).toDouble());
        row.run.uuid = r.value(QLatin1String("uuid")).toString();
        row.label = r.value(QLatin1String("label")).toString();
        row.isBaseline = r.value(QLatin1String("baseline")).toBool();
        row.run.kind = r.value(QLatin1String("kind")).toString();
        row.run.status = parseRunStatus(r.value(QLatin1String("status")).toString()).value_or(RunStatus::Interrupted);
        row.run.started = QDateTime::fromString(r.value(QLatin1String("started")).toString(), Qt::ISODateWithMs);
        row.run.model.name = r.value(QLatin1String("model")).toString();
        row.run.model.path = r.value(QLatin1String("model_path")).toString();
        row.run.model.sha256 = r.value(QLatin1String("model_sha256")).toString();
        row.run.variant.scheme = r.value(QLatin1String("scheme")).toString();
        row.run.config = r.value(QLatin1String("config")).toObject();
        if (!row.run.config.contains(QLatin1String("engine")) && !r.value(QLatin1String("engine")).toString().isEmpty())
            row.run.variant.engine = r.value(QLatin1String("engine")).toString();
        const QJsonObject figures = r.value(QLatin1String("figures")).toObject();
        for (const Field& f : kFigures)
            row.*f.member = number(figures.value(QLatin1String(f.key)));
        const QJsonObject ratios = r.value(QLatin1String("ratios")).toObject();
        for (const Field& f : kRatios)
            row.*f.member = number(ratios.value(QLatin1String(f.key)));
        row.accuracyRunId = qint64(r.value(QLatin1String("accuracy_run_id")).toDouble());
        row.verdict = r.value(QLatin1String("verdict")).toString();
        for (const QJsonValue& s : r.value(QLatin1String("environment_differences")).toArray())
            row.environment << s.toString();
        for (const QJsonValue& s : r.value(QLatin1String("noise")).toArray())
            row.noise << s.toString();
        row.run.fingerprint = r.value(QLatin1String("environment")).toObject();
        for (const QJsonValue& s : r.value(QLatin1String("tags")).toArray())
            row.run.tags << s.toString();
        row.run.note = r.value(QLatin1String("note")).toString();
        report.rows << row;
    }
    if (!report.rows.first().isBaseline)
        return Error::badInput(QStringLiteral("The report's first row is not its baseline."));
    return report;
}

} // namespace qs
