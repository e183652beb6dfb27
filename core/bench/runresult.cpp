// SPDX-License-Identifier: GPL-3.0-or-later
#include "runresult.h"

#include "core/common/jsonutil.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>

#include <cmath>
#include <iterator>

namespace qs {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Bytes as MiB: exact in a double for any size a machine has (division by a power of two).
QJsonValue mib(qint64 bytes)
{
    return bytes < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(double(bytes) / kMiB);
}

qint64 bytesFromMib(const QJsonValue& v, qint64 fallback = 0)
{
    return v.isDouble() ? qint64(std::llround(v.toDouble() * kMiB)) : fallback;
}

QJsonArray doubles(const QVector<double>& values)
{
    QJsonArray a;
    for (double v : values)
        a.append(v);
    return a;
}

Result<QVector<double>> readDoubles(const QJsonObject& o, const char* key)
{
    QVector<double> out;
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return out;
    if (!v.isArray())
        return Error::badInput(QStringLiteral("'%1' must be an array of numbers.").arg(QLatin1String(key)));
    const QJsonArray a = v.toArray();
    out.reserve(a.size());
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (!a[i].isDouble())
            return Error::badInput(QStringLiteral("'%1'[%2] is not a number.").arg(QLatin1String(key)).arg(i));
        out << a[i].toDouble();
    }
    return out;
}

QString isoTime(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace

QString runModeName(RunMode mode)
{
    return mode == RunMode::Isolated ? QStringLiteral("isolated") : QStringLiteral("live");
}

std::optional<RunMode> parseRunMode(const QString& name)
{
    if (name == QLatin1String("live"))
        return RunMode::Live;
    if (name == QLatin1String("isolated"))
        return RunMode::Isolated;
    return std::nullopt;
}

QString runStatusName(RunStatus status)
{
    switch (status) {
    case RunStatus::Running: return QStringLiteral("running");
    case RunStatus::Complete: return QStringLiteral("complete");
    case RunStatus::Failed: return QStringLiteral("failed");
    case RunStatus::Cancelled: return QStringLiteral("cancelled");
    case RunStatus::Interrupted: return QStringLiteral("interrupted");
    }
    return {};
}

std::optional<RunStatus> parseRunStatus(const QString& name)
{
    for (RunStatus s : {RunStatus::Running, RunStatus::Complete, RunStatus::Failed, RunStatus::Cancelled, RunStatus::Interrupted}) {
        if (name == runStatusName(s))
            return s;
    }
    return std::nullopt;
}

namespace {
const char* const kErrorKinds[] = {"usage", "bad_input", "model_failure", "database", "io", "cancelled", "internal"};
}

QString errorKindName(Error::Kind kind)
{
    return QLatin1String(kErrorKinds[int(kind)]);
}

std::optional<Error::Kind> parseErrorKind(const QString& name)
{
    for (int i = 0; i < int(std::size(kErrorKinds)); ++i) {
        if (name == QLatin1String(kErrorKinds[i]))
            return Error::Kind(i);
    }
    return std::nullopt;
}

// --- RunConfig ---------------------------------------------------------------------------

QString RunConfig::modelName() const
{
    return QFileInfo(modelPath).fileName();
}

QString RunConfig::label() const
{
    QString s = QStringLiteral("%1 %2 b%3 t%4").arg(modelName(), variant.isEmpty() ? QStringLiteral("fp32") : variant).arg(batch).arg(threads);
    if (!engine.isEmpty())
        s += QLatin1Char(' ') + engine;
    return s;
}

InputSpec RunConfig::batchedInputs() const
{
    return inputs.withBatch(batch);
}

QJsonObject RunConfig::toJson() const
{
    return QJsonObject{
        {QStringLiteral("model_path"), modelPath},
        {QStringLiteral("model_sha256"), modelSha256},
        {QStringLiteral("variant"), variant},
        {QStringLiteral("scheme"), scheme},
        {QStringLiteral("batch"), batch},
        {QStringLiteral("threads"), threads},
        {QStringLiteral("engine"), engine},
        {QStringLiteral("warmup_iterations"), warmupIterations},
        {QStringLiteral("warmup_seconds"), warmupSeconds},
        {QStringLiteral("min_iterations"), minIterations},
        {QStringLiteral("min_seconds"), minSeconds},
        {QStringLiteral("max_iterations"), maxIterations},
        {QStringLiteral("max_seconds"), maxSeconds},
        {QStringLiteral("mode"), runModeName(mode)},
        {QStringLiteral("inputs"), inputs.toJson().value(QLatin1String("inputs"))},
        {QStringLiteral("seed"), QString::number(seed)}, // 64 bits do not fit a JSON double
        {QStringLiteral("sampler_hz"), samplerHz},
        {QStringLiteral("optimize_for_inference"), optimizeForInference},
        {QStringLiteral("memory_budget_bytes"), memoryBudgetBytes},
    };
}

Result<RunConfig> RunConfig::fromJson(const QJsonObject& o)
{
    RunConfig c;
    c.modelPath = o.value(QLatin1String("model_path")).toString();
    if (c.modelPath.isEmpty())
        return Error::badInput(QStringLiteral("The run configuration has no 'model_path'."));
    c.modelSha256 = o.value(QLatin1String("model_sha256")).toString();
    c.variant = o.value(QLatin1String("variant")).toString();
    c.scheme = o.value(QLatin1String("scheme")).toString();
    c.batch = qint64(o.value(QLatin1String("batch")).toDouble(1));
    c.threads = o.value(QLatin1String("threads")).toInt(1);
    if (c.batch < 1 || c.threads < 1)
        return Error::badInput(QStringLiteral("The run configuration has batch %1 and threads %2; both must be at least 1.")
                                   .arg(c.batch).arg(c.threads));
    c.engine = o.value(QLatin1String("engine")).toString();
    c.warmupIterations = o.value(QLatin1String("warmup_iterations")).toInt(c.warmupIterations);
    c.warmupSeconds = o.value(QLatin1String("warmup_seconds")).toDouble(c.warmupSeconds);
    c.minIterations = o.value(QLatin1String("min_iterations")).toInt(c.minIterations);
    c.minSeconds = o.value(QLatin1String("min_seconds")).toDouble(c.minSeconds);
    c.maxIterations = o.value(QLatin1String("max_iterations")).toInt(c.maxIterations);
    c.maxSeconds = o.value(QLatin1String("max_seconds")).toDouble(c.maxSeconds);
    const QString mode = o.value(QLatin1String("mode")).toString(QStringLiteral("live"));
    const auto m = parseRunMode(mode);
    if (!m)
        return Error::badInput(QStringLiteral("Unknown run mode '%1' (live or isolated).").arg(mode));
    c.mode = *m;
    const QJsonValue inputs = o.value(QLatin1String("inputs"));
    if (inputs.isArray() && !inputs.toArray().isEmpty()) {
        auto spec = InputSpec::fromJson(QJsonObject{{QStringLiteral("inputs"), inputs}}, QStringLiteral("the run configuration"));
        if (!spec)
            return spec.error();
        c.inputs = *spec;
        c.inputs.source = InputSpec::Source::User;
    }
    c.seed = o.value(QLatin1String("seed")).toString().toULongLong();
    c.samplerHz = o.value(QLatin1String("sampler_hz")).toInt(c.samplerHz);
    c.optimizeForInference = o.value(QLatin1String("optimize_for_inference")).toBool();
    c.memoryBudgetBytes = qint64(o.value(QLatin1String("memory_budget_bytes")).toDouble());
    return c;
}

// --- PhaseMark ---------------------------------------------------------------------------

QJsonObject PhaseMark::toJson() const
{
    return QJsonObject{
        {QStringLiteral("phase"), phaseName(phase)},
        {QStringLiteral("start_ms"), startMs},
        {QStringLiteral("end_ms"), endMs},
        {QStringLiteral("duration_ms"), durationMs()},
        {QStringLiteral("iterations"), iterations},
        {QStringLiteral("rss_start_mb"), mib(rssStartBytes)},
        {QStringLiteral("rss_end_mb"), mib(rssEndBytes)},
        {QStringLiteral("delta_mb"), double(deltaBytes()) / kMiB},
        {QStringLiteral("peak_mb"), mib(peakRssBytes)},
        {QStringLiteral("peak_exact"), peakExact},
    };
}

Result<PhaseMark> PhaseMark::fromJson(const QJsonObject& o)
{
    PhaseMark m;
    const QString name = o.value(QLatin1String("phase")).toString();
    const auto p = parsePhase(name);
    if (!p)
        return Error::badInput(QStringLiteral("Unknown phase '%1'.").arg(name));
    m.phase = *p;
    m.startMs = o.value(QLatin1String("start_ms")).toDouble();
    m.endMs = o.value(QLatin1String("end_ms")).toDouble();
    if (m.endMs < m.startMs)
        return Error::badInput(QStringLiteral("Phase '%1' ends (%2 ms) before it starts (%3 ms).").arg(name).arg(m.endMs).arg(m.startMs));
    m.iterations = o.value(QLatin1String("iterations")).toInt();
    m.rssStartBytes = bytesFromMib(o.value(QLatin1String("rss_start_mb")));
    m.rssEndBytes = bytesFromMib(o.value(QLatin1String("rss_end_mb")));
    m.peakRssBytes = bytesFromMib(o.value(QLatin1String("peak_mb")));
    m.peakExact = o.value(QLatin1String("peak_exact")).toBool();
    return m;
}

// --- MemoryFigures / RunResult -------------------------------------------------------------

qint64 MemoryFigures::overheadBytes() const
{
    const qint64 rest = deltaBytes() - weightsBytes - std::max<qint64>(activationsBytes, 0);
    return std::max<qint64>(rest, 0);
}

const PhaseMark* RunResult::phase(Phase p) const
{
    for (const PhaseMark& m : phases) {
        if (m.phase == p)
            return &m;
    }
    return nullptr;
}

Error RunResult::toError() const
{
    return Error(parseErrorKind(errorKind).value_or(Error::Kind::Internal), error, errorDetails);
}

double RunResult::loadMs() const
{
    const PhaseMark* m = phase(Phase::Load);
    return m ? m->durationMs() : -1;
}

double RunResult::firstInferenceMs() const
{
    const PhaseMark* m = phase(Phase::FirstInference);
    return m ? m->durationMs() : -1;
}

void RunResult::finalize()
{
    latency = LatencyStats::compute(latencyMs);
    throughputPerSec = latency.mean > 0 ? double(config.batch) * 1000.0 / latency.mean : 0;
    noiseReasons.clear();
    if (latency.count > 0 && latency.relativeIqr() > 0.10)
        noiseReasons << QStringLiteral("IQR is %1% of the median (over 10%)").arg(100.0 * latency.relativeIqr(), 0, 'f', 1);
    if (environment.cores > 0 && environment.loadavg1 > environment.cores)
        noiseReasons << QStringLiteral("load average %1 above the %2 cores").arg(environment.loadavg1, 0, 'f', 2).arg(environment.cores);
    noisy = !noiseReasons.isEmpty();
}

QJsonObject RunResult::toJson(JsonDetail detail) const
{
    const QJsonValue nan = QJsonValue::Null;
    QJsonArray phaseArray;
    for (const PhaseMark& m : phases)
        phaseArray.append(m.toJson());
    QJsonObject o{
        {QStringLiteral("run_format"), kJsonFormat},
        {QStringLiteral("uuid"), uuid},
        {QStringLiteral("model"), config.modelName()},
        {QStringLiteral("model_path"), config.modelPath},
        {QStringLiteral("model_sha256"), config.modelSha256},
        {QStringLiteral("variant"), config.variant},
        {QStringLiteral("scheme"), config.scheme},
        {QStringLiteral("batch"), config.batch},
        {QStringLiteral("threads"), config.threads},
        {QStringLiteral("engine"), config.engine},
        {QStringLiteral("mode"), runModeName(config.mode)},
        {QStringLiteral("status"), runStatusName(status)},
        {QStringLiteral("error"), error},
        {QStringLiteral("error_details"), errorDetails},
        {QStringLiteral("error_kind"), errorKind},
        {QStringLiteral("warnings"), json::fromStrings(warnings)},
        {QStringLiteral("started"), isoTime(started)},
        {QStringLiteral("finished"), isoTime(finished)},
        {QStringLiteral("iterations"), iterations()},
        {QStringLiteral("stop_reason"), stopReason},
        {QStringLiteral("latency_ms"), latency.toJson()},
        {QStringLiteral("throughput_per_s"), throughputPerSec},
        {QStringLiteral("load_ms"), loadMs() >= 0 ? QJsonValue(loadMs()) : nan},
        {QStringLiteral("first_inference_ms"), firstInferenceMs() >= 0 ? QJsonValue(firstInferenceMs()) : nan},
        {QStringLiteral("phases"), phaseArray},
        {QStringLiteral("memory_mb"),
         QJsonObject{{QStringLiteral("baseline"), mib(memory.baselineBytes)},
                     {QStringLiteral("peak"), mib(memory.peakBytes)},
                     {QStringLiteral("delta"), double(memory.deltaBytes()) / kMiB},
                     {QStringLiteral("peak_exact"), memory.peakExact},
                     {QStringLiteral("weights"), mib(memory.weightsBytes)},
                     {QStringLiteral("activations"), mib(memory.activationsBytes)},
                     {QStringLiteral("first_inference_alloc"), mib(memory.firstInferenceAllocBytes)},
                     {QStringLiteral("overhead"), mib(memory.overheadBytes())}}},
        {QStringLiteral("cpu_percent"), cpuPercent >= 0 ? QJsonValue(cpuPercent) : nan},
        {QStringLiteral("process_threads"), processThreads},
        {QStringLiteral("noisy"), noisy},
        {QStringLiteral("noise_reasons"), json::fromStrings(noiseReasons)},
        {QStringLiteral("nan_outputs"), nanOutputs},
        {QStringLiteral("inf_outputs"), infOutputs},
        {QStringLiteral("config"), config.toJson()},
        {QStringLiteral("environment"), environment.toJson()},
    };
    if (detail == JsonDetail::Full) {
        o.insert(QStringLiteral("latency_samples_ms"), doubles(latencyMs));
        o.insert(QStringLiteral("warmup_samples_ms"), doubles(warmupLatencyMs));
        o.insert(QStringLiteral("memory_timeline"), timeline.toJson());
    }
    return o;
}

Result<RunResult> RunResult::fromJson(const QJsonObject& o)
{
    const QJsonValue format = o.value(QLatin1String("run_format"));
    if (!format.isDouble())
        return Error::badInput(QStringLiteral("Not a Quantscope run: 'run_format' is missing."));
    if (format.toInt() > kJsonFormat || format.toInt() < 1)
        return Error::badInput(QStringLiteral("The run uses format %1; this Quantscope reads format %2 and older. Update Quantscope.")
                                   .arg(format.toInt()).arg(kJsonFormat));
    RunResult r;
    r.uuid = o.value(QLatin1String("uuid")).toString();
    const QString status = o.value(QLatin1String("status")).toString();
    const auto st = parseRunStatus(status);
    if (!st)
        return Error::badInput(QStringLiteral("The run has status '%1'; expected running, complete, failed, cancelled or interrupted.").arg(status));
    r.status = *st;
    if (!o.value(QLatin1String("config")).isObject())
        return Error::badInput(QStringLiteral("The run has no 'config' object."));
    auto config = RunConfig::fromJson(o.value(QLatin1String("config")).toObject());
    if (!config)
        return config.error();
    r.config = *config;
    r.error = o.value(QLatin1String("error")).toString();
    r.errorDetails = o.value(QLatin1String("error_details")).toString();
    r.errorKind = o.value(QLatin1String("error_kind")).toString();
    for (const QJsonValue& v : o.value(QLatin1String("warnings")).toArray())
        r.warnings << v.toString();
    r.started = QDateTime::fromString(o.value(QLatin1String("started")).toString(), Qt::ISODateWithMs);
    r.finished = QDateTime::fromString(o.value(QLatin1String("finished")).toString(), Qt::ISODateWithMs);
    r.environment = Fingerprint::fromJson(o.value(QLatin1String("environment")).toObject());
    for (const QJsonValue& v : o.value(QLatin1String("phases")).toArray()) {
        auto m = PhaseMark::fromJson(v.toObject());
        if (!m)
            return m.error();
        r.phases << *m;
    }
    auto samples = readDoubles(o, "latency_samples_ms");
    if (!samples)
        return samples.error();
    r.latencyMs = *samples;
    auto warm = readDoubles(o, "warmup_samples_ms");
    if (!warm)
        return warm.error();
    r.warmupLatencyMs = *warm;
    r.latency = LatencyStats::fromJson(o.value(QLatin1String("latency_ms")).toObject());
    if (o.contains(QLatin1String("latency_samples_ms")) && r.latency.count != r.latencyMs.size())
        return Error::badInput(QStringLiteral("latency_ms.count is %1 but there are %2 latency samples.")
                                   .arg(r.latency.count).arg(r.latencyMs.size()));
    r.throughputPerSec = o.value(QLatin1String("throughput_per_s")).toDouble();
    r.stopReason = o.value(QLatin1String("stop_reason")).toString();
    const QJsonObject mem = o.value(QLatin1String("memory_mb")).toObject();
    r.memory.baselineBytes = bytesFromMib(mem.value(QLatin1String("baseline")));
    r.memory.peakBytes = bytesFromMib(mem.value(QLatin1String("peak")));
    r.memory.peakExact = mem.value(QLatin1String("peak_exact")).toBool();
    r.memory.weightsBytes = bytesFromMib(mem.value(QLatin1String("weights")));
    r.memory.activationsBytes = bytesFromMib(mem.value(QLatin1String("activations")), -1);
    r.memory.firstInferenceAllocBytes = bytesFromMib(mem.value(QLatin1String("first_inference_alloc")), -1);
    if (o.value(QLatin1String("memory_timeline")).isObject()) {
        auto tl = MemoryTimeline::fromJson(o.value(QLatin1String("memory_timeline")).toObject());
        if (!tl)
            return tl.error();
        r.timeline = *tl;
    }
    r.cpuPercent = o.value(QLatin1String("cpu_percent")).toDouble(-1);
    r.processThreads = o.value(QLatin1String("process_threads")).toInt();
    r.noisy = o.value(QLatin1String("noisy")).toBool();
    for (const QJsonValue& v : o.value(QLatin1String("noise_reasons")).toArray())
        r.noiseReasons << v.toString();
    r.nanOutputs = o.value(QLatin1String("nan_outputs")).toBool();
    r.infOutputs = o.value(QLatin1String("inf_outputs")).toBool();
    return r;
}

// --- RunUpdate ------------------------------------------------------------------------------

QJsonObject RunUpdate::toJson() const
{
    return QJsonObject{
        {QStringLiteral("run_index"), runIndex},
        {QStringLiteral("run_count"), runCount},
        {QStringLiteral("uuid"), uuid},
        {QStringLiteral("phase"), phaseName(phase)},
        {QStringLiteral("elapsed_ms"), elapsedMs},
        {QStringLiteral("warmup_ms"), doubles(newWarmupMs)},
        {QStringLiteral("latency_ms"), doubles(newLatencyMs)},
        {QStringLiteral("steady_iterations"), steadyIterations},
        {QStringLiteral("memory"), newMemory.toJson()},
        {QStringLiteral("child_pid"), childPid},
    };
}

RunUpdate RunUpdate::fromJson(const QJsonObject& o)
{
    RunUpdate u;
    u.runIndex = o.value(QLatin1String("run_index")).toInt();
    u.runCount = o.value(QLatin1String("run_count")).toInt();
    u.uuid = o.value(QLatin1String("uuid")).toString();
    u.phase = parsePhase(o.value(QLatin1String("phase")).toString()).value_or(Phase::Load);
    u.elapsedMs = o.value(QLatin1String("elapsed_ms")).toDouble();
    if (auto w = readDoubles(o, "warmup_ms"))
        u.newWarmupMs = *w;
    if (auto l = readDoubles(o, "latency_ms"))
        u.newLatencyMs = *l;
    u.steadyIterations = o.value(QLatin1String("steady_iterations")).toInt();
    if (auto tl = MemoryTimeline::fromJson(o.value(QLatin1String("memory")).toObject()))
        u.newMemory = *tl;
    u.childPid = qint64(o.value(QLatin1String("child_pid")).toDouble());
    return u;
}

} // namespace qs
