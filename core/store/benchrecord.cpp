// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchrecord.h"

#include <QtCore/QFileInfo>

namespace qs {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

void fillModelVariant(RunRecord& rec, const RunConfig& config, const QString& engineUsed)
{
    const QFileInfo file(config.modelPath);
    rec.model.path = config.modelPath;
    rec.model.name = file.fileName();
    rec.model.sha256 = config.modelSha256;
    rec.model.fileBytes = file.exists() ? file.size() : -1;
    // The benchmark knows the variant by its label ("fp32", "fp32-optimized", "quantized" or
    // the scheme a caller gave); the Store matches a generic one with the artifact's variant.
    rec.variant.scheme = !config.scheme.isEmpty() ? config.scheme : config.variant.isEmpty() ? QStringLiteral("fp32") : config.variant;
    rec.variant.engine = rec.variant.scheme.startsWith(QLatin1String("fp32")) ? QString() : engineUsed;
    rec.variant.artifactPath = config.modelPath;
    rec.variant.artifactSha256 = config.modelSha256;
    rec.variant.artifactBytes = rec.model.fileBytes;
    rec.config = config.toJson();
    if (!engineUsed.isEmpty())
        rec.config.insert(QStringLiteral("engine"), engineUsed);
}

} // namespace

RunRecord benchRunRecord(const RunConfig& config)
{
    RunRecord rec;
    rec.kind = QStringLiteral("bench");
    rec.status = RunStatus::Running;
    fillModelVariant(rec, config, config.engine);
    return rec;
}

RunRecord benchRunRecord(const RunResult& r)
{
    RunRecord rec;
    rec.uuid = r.uuid;
    rec.kind = QStringLiteral("bench");
    rec.status = r.status;
    rec.error = r.error;
    rec.started = r.started;
    rec.finished = r.finished;
    fillModelVariant(rec, r.config, r.config.engine.isEmpty() ? r.environment.engine : r.config.engine);
    rec.fingerprint = r.environment.toJson();
    rec.result = r.toJson(RunResult::JsonDetail::Summary);
    rec.latencyMs = r.latencyMs;
    rec.warmupMs = r.warmupLatencyMs;
    rec.memory = r.timeline;

    auto put = [&](const QString& name, double v, bool known = true) {
        if (known)
            rec.metrics.insert(name, v);
    };
    const LatencyStats& s = r.latency;
    const bool timed = s.count > 0;
    put(metric::Iterations, r.iterations());
    put(metric::LatencyMeanMs, s.mean, timed);
    put(metric::LatencyStdMs, s.std, timed);
    put(QStringLiteral("latency_min_ms"), s.min, timed);
    put(QStringLiteral("latency_max_ms"), s.max, timed);
    put(metric::LatencyP50Ms, s.p50, timed);
    put(metric::LatencyP90Ms, s.p90, timed);
    put(QStringLiteral("latency_p95_ms"), s.p95, timed);
    put(metric::LatencyP99Ms, s.p99, timed);
    put(QStringLiteral("latency_iqr_ms"), s.iqr, timed);
    put(QStringLiteral("latency_median_ci_low_ms"), s.medianCiLow, timed);
    put(QStringLiteral("latency_median_ci_high_ms"), s.medianCiHigh, timed);
    put(metric::ThroughputPerS, r.throughputPerSec, timed && r.throughputPerSec > 0);
    put(QStringLiteral("load_ms"), r.loadMs(), r.loadMs() >= 0);
    put(QStringLiteral("first_inference_ms"), r.firstInferenceMs(), r.firstInferenceMs() >= 0);
    const bool measured = r.memory.peakBytes > 0;
    put(metric::PeakMb, double(r.memory.peakBytes) / kMiB, measured);
    put(QStringLiteral("memory_baseline_mb"), double(r.memory.baselineBytes) / kMiB, measured);
    put(QStringLiteral("memory_delta_mb"), double(r.memory.deltaBytes()) / kMiB, measured);
    put(QStringLiteral("memory_weights_mb"), double(r.memory.weightsBytes) / kMiB, r.memory.weightsBytes > 0);
    put(QStringLiteral("memory_activations_mb"), double(r.memory.activationsBytes) / kMiB, r.memory.activationsBytes >= 0);
    put(metric::CpuPercent, r.cpuPercent, r.cpuPercent >= 0);
    put(QStringLiteral("process_threads"), r.processThreads, r.processThreads > 0);
    put(metric::Noisy, r.noisy ? 1 : 0);
    return rec;
}

Result<RunResult> benchRunResult(const RunRecord& record)
{
    if (record.kind != QLatin1String("bench"))
        return Error::badInput(QStringLiteral("Run %1 is a %2 run, not a benchmark.").arg(record.id).arg(record.kind));
    auto r = RunResult::fromJson(record.result);
    if (!r) {
        // A run interrupted before it finished has no result yet: rebuild what is known.
        auto config = RunConfig::fromJson(record.config);
        if (!config)
            return r.error();
        RunResult partial;
        partial.config = *config;
        r = partial;
    }
    r->uuid = record.uuid;
    r->status = record.status;
    if (!record.error.isEmpty())
        r->error = record.error;
    r->started = record.started;
    r->finished = record.finished;
    r->latencyMs = record.latencyMs;
    r->warmupLatencyMs = record.warmupMs;
    r->timeline = record.memory;
    return r;
}

} // namespace qs
