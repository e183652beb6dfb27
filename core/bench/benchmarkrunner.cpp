// SPDX-License-Identifier: GPL-3.0-or-later
// One Run in this process: load, first inference, warmup, steady state. The steady loop is
// kept as bare as a hand-written timing loop (two clock reads and a store per forward);
// everything else (streaming, progress, cancel checks) happens between forwards.
#include <torch/csrc/jit/api/module.h>
#include <torch/script.h>

#include "benchmarkrunner.h"

#include "core/bench/allocationtracker_p.h"
#include "core/bench/memorysampler.h"
#include "core/bench/procfs.h"
#include "core/bench/threading.h"
#include "core/common/engine.h"
#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/model/forwardprobe.h"
#include "core/model/inspector.h"
#include "core/model/modelloader.h"
#include "core/model/tensorutil_p.h"
#include "core/model/torchmodel_p.h"

#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QUuid>

#include <chrono>

namespace qs {

namespace {

using Clock = std::chrono::steady_clock;

struct Cancelled
{
};
struct RunFailure
{
    Error error;
};

QString mb(qint64 bytes)
{
    return QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', bytes < 10 * 1024 * 1024 ? 1 : 0);
}

void scanOutputs(const c10::IValue& v, bool& nan, bool& inf)
{
    if (v.isTensor()) {
        const at::Tensor t = v.toTensor();
        if (t.defined() && t.is_floating_point() && !t.is_quantized() && t.numel() > 0) {
            nan = nan || at::isnan(t).any().item<bool>();
            inf = inf || at::isinf(t).any().item<bool>();
        }
    } else if (v.isTuple()) {
        for (const auto& e : v.toTupleRef().elements())
            scanOutputs(e, nan, inf);
    } else if (v.isList()) {
        for (const auto& e : v.toListRef())
            scanOutputs(e, nan, inf);
    } else if (v.isGenericDict()) {
        for (const auto& kv : v.toGenericDict())
            scanOutputs(kv.value(), nan, inf);
    }
}

// LibTorch's words for inputs that do not fit: wrong shape, rank, dtype or count.
bool looksLikeInputMismatch(const QString& text)
{
    static const QRegularExpression re(
        QStringLiteral(R"(shape|size mismatch|dimension|channels|mat1|expected.*(input|dtype|scalar type|type)|must match|argument\(s\))"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(text).hasMatch();
}

class Measurement
{
public:
    Measurement(const RunConfig& config, const RunHooks& hooks, RunResult& result)
        : m_c(config), m_h(hooks), m_r(result), m_sampler(config.samplerHz)
    {
    }

    void execute();
    void close(RunStatus status, const Error& error = {});

private:
    void checkCancel()
    {
        if (m_h.cancelled && m_h.cancelled())
            throw Cancelled{};
    }
    void beginPhase(Phase phase);
    void endPhase();
    void tick(const QString& message, double fraction);
    void load();
    void firstInference();
    void warmup();
    void steady();
    Error forwardFailure(const detail::TorchFailure& f, const QString& where);

    const RunConfig& m_c;
    const RunHooks& m_h;
    RunResult& m_r;
    MemorySampler m_sampler;
    TorchModel m_model;
    torch::jit::Module* m_module = nullptr;
    std::vector<c10::IValue> m_inputs;
    InputSpec m_spec;
    bool m_resetPeaks = false;
    bool m_phaseOpen = false;
    PhaseMark m_phase;
    qint64 m_hwmAtStart = -1;
    int m_phaseIterations = 0;
    int m_warmSent = 0;
    int m_steadySent = 0;
    double m_nextTickMs = 0;
    qint64 m_budget = 0;
};

void Measurement::beginPhase(Phase phase)
{
    m_phase = PhaseMark{};
    m_phase.phase = phase;
    m_phase.rssStartBytes = m_sampler.sampleNow();
    // Live runs share the process with whatever ran before: reset the high-water mark so that
    // VmHWM is this phase's own peak. Isolated runs keep it whole so that the child's VmHWM is
    // the figure /usr/bin/time reports; a phase that raises it still gets an exact peak.
    if (m_resetPeaks)
        procfs::resetPeakRss();
    m_hwmAtStart = procfs::peakRss();
    m_sampler.mark(phase);
    m_phase.startMs = m_sampler.elapsedMs();
    m_phaseIterations = 0;
    m_phaseOpen = true;
}

void Measurement::endPhase()
{
    m_phase.endMs = m_sampler.elapsedMs();
    m_phase.iterations = m_phaseIterations;
    m_phase.rssEndBytes = m_sampler.sampleNow();
    const qint64 hwm = procfs::peakRss();
    const qint64 sampled = m_sampler.peakBetween(m_phase.startMs - 0.001, m_phase.endMs + 1.0);
    if (hwm > 0 && (m_resetPeaks || hwm > m_hwmAtStart)) {
        m_phase.peakRssBytes = std::max(hwm, sampled);
        m_phase.peakExact = true;
    } else {
        m_phase.peakRssBytes = std::max({sampled, m_phase.rssStartBytes, m_phase.rssEndBytes});
    }
    m_r.phases << m_phase;
    m_phaseOpen = false;
}

void Measurement::tick(const QString& message, double fraction)
{
    m_nextTickMs = m_sampler.elapsedMs() + std::max(m_h.updateIntervalMs, 10);
    if (m_h.progress)
        m_h.progress(std::clamp(fraction, 0.0, 1.0), QStringLiteral("%1: %2").arg(m_c.label(), message));
    if (!m_h.update)
        return;
    RunUpdate u;
    u.runIndex = m_h.runIndex;
    u.runCount = m_h.runCount;
    u.uuid = m_r.uuid;
    u.config = m_r.config;
    u.phase = m_phase.phase;
    u.elapsedMs = m_sampler.elapsedMs();
    u.newWarmupMs = m_r.warmupLatencyMs.mid(m_warmSent);
    u.newLatencyMs = m_r.latencyMs.mid(m_steadySent);
    m_warmSent = int(m_r.warmupLatencyMs.size());
    m_steadySent = int(m_r.latencyMs.size());
    u.steadyIterations = m_steadySent;
    u.newMemory = m_sampler.takeNew();
    m_h.update(u);
}

Error Measurement::forwardFailure(const detail::TorchFailure& f, const QString& where)
{
    return Error::model(QStringLiteral("%1 (%2) failed in %3 on %4 %5.")
                            .arg(m_c.modelName(), m_r.config.variant, where, m_spec.toString(), detail::describe(f)),
                        f.full);
}

void Measurement::load()
{
    const qint64 fileBytes = QFileInfo(m_c.modelPath).size();
    const qint64 available = procfs::memAvailable();
    if (available > 0 && fileBytes > available)
        throw RunFailure{Error::model(QStringLiteral("Loading %1 (%2) needs at least its size in free memory, and only %3 is "
                                                     "available. Close other programs or use a machine with more memory.")
                                          .arg(paths::pretty(m_c.modelPath), mb(fileBytes), mb(available)))};
    beginPhase(Phase::Load);
    tick(QStringLiteral("loading"), 0.0);
    LoadOptions options;
    options.engine = m_c.engine;
    options.hashFile = false; // the sha256 was taken before the run: hashing is not part of loading
    auto loaded = loadModel(m_c.modelPath, options);
    if (!loaded)
        throw RunFailure{loaded.error()};
    m_model = *loaded;
    const ModelInfo info = inspectModel(m_model);
    if (m_c.optimizeForInference) {
        if (info.quantized)
            throw RunFailure{Error::usage(QStringLiteral("%1 is already quantized; the fp32-optimized baseline is built from an "
                                                         "FP32 model. Give the FP32 model for --baseline-optimized.")
                                              .arg(m_c.modelName()))};
        try {
            // Built here rather than loaded: a saved optimize_for_inference module does not load
            // back on LibTorch 1.13. Freezing and optimizing are part of this variant's load.
            torch::jit::Module frozen = torch::jit::freeze(detail::moduleOf(m_model));
            torch::jit::Module optimized = torch::jit::optimize_for_inference(frozen);
            m_model = detail::wrap(optimized, m_c.modelPath, engine::current(), false);
        } catch (...) {
            const auto f = detail::condenseCurrentException();
            throw RunFailure{Error::model(QStringLiteral("Could not build the fp32-optimized baseline of %1 (freeze + "
                                                         "optimize_for_inference): %2")
                                              .arg(m_c.modelName(), f.summary),
                                          f.full)};
        }
    }
    m_module = &detail::moduleOf(m_model);
    endPhase();
    m_r.memory.weightsBytes = info.weightBytes();
    if (m_r.config.variant.isEmpty())
        m_r.config.variant = m_c.optimizeForInference ? QStringLiteral("fp32-optimized")
                             : info.quantized         ? QStringLiteral("quantized")
                                                      : QStringLiteral("fp32");
    if (m_r.config.engine.isEmpty())
        m_r.config.engine = engine::current();
}

void Measurement::firstInference()
{
    m_spec = m_c.batchedInputs();
    qint64 inputBytes = 0;
    for (const TensorSpec& t : m_spec.inputs)
        inputBytes += t.numel() * dtypeBytes(t.dtype);
    qint64 available = procfs::memAvailable();
    if (available > 0 && inputBytes > available * 9 / 10)
        throw RunFailure{Error::model(QStringLiteral("The inputs %1 at batch %2 take %3, more than the %4 of memory available. "
                                                     "Use a smaller --batch.")
                                          .arg(m_spec.toString()).arg(m_c.batch).arg(mb(inputBytes), mb(available)))};
    try {
        m_inputs = detail::makeInputs(m_spec, m_c.seed);
    } catch (...) {
        const auto f = detail::condenseCurrentException();
        throw RunFailure{Error::model(QStringLiteral("Could not make the inputs %1: %2").arg(m_spec.toString(), f.summary), f.full)};
    }
    checkCancel();
    beginPhase(Phase::FirstInference);
    tick(QStringLiteral("first inference"), 0.1);
    available = procfs::memAvailable();
    m_budget = m_c.memoryBudgetBytes > 0 ? m_c.memoryBudgetBytes : (available > 0 ? available * 9 / 10 : 0);
    const qint64 budget = m_budget;
    c10::IValue out;
    {
        detail::AllocationTracker tracker(budget);
        try {
            out = m_module->forward(m_inputs);
        } catch (...) {
            const auto f = detail::condenseCurrentException();
            if (tracker.budgetExceeded())
                throw RunFailure{Error::model(
                    QStringLiteral("%1 at batch %2 needs more memory than is free: its first forward asked for %3 more with %4 "
                                   "already allocated, past the %5 that can be used (%6). Use a smaller --batch, close other "
                                   "programs, or run it on a machine with more memory.")
                        .arg(m_c.modelName()).arg(m_c.batch)
                        .arg(mb(tracker.refusedBytes()), mb(tracker.refusedTotal() - tracker.refusedBytes()), mb(budget),
                             m_c.memoryBudgetBytes > 0 ? QStringLiteral("the memory budget") : QStringLiteral("90% of MemAvailable")),
                    f.full)};
            // Let the model's own check say what it expected (input count, shape, dtype).
            if (looksLikeInputMismatch(f.full)) {
                auto probe = probeForward(m_model, m_spec);
                if (!probe)
                    throw RunFailure{probe.error()};
            }
            throw RunFailure{forwardFailure(f, QStringLiteral("its first forward"))};
        }
        m_r.memory.firstInferenceAllocBytes = tracker.peakBytes();
        // Released while tracked, so that c10 forgets the tensors it reported to the tracker.
        scanOutputs(out, m_r.nanOutputs, m_r.infOutputs);
        out = c10::IValue();
    }
    m_phaseIterations = 1;
    endPhase();
}

void Measurement::warmup()
{
    // Load and the first forward are sampled densely; the repeated forwards measured from here
    // on must not share a core with the sampler.
    m_sampler.yieldToWork();
    beginPhase(Phase::Warmup);
    const bool timed = m_c.warmupSeconds > 0;
    const int count = timed ? std::numeric_limits<int>::max() : std::max(m_c.warmupIterations, 0);
    // One warmup forward runs under the allocation tracker and has its output scanned for
    // NaN/Inf: the last one, or the third of a timed warmup (by then TorchScript's profiling
    // executor runs the optimized graph the steady state will run).
    const int tracked = timed ? 2 : count - 1;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_c.warmupSeconds));
    tick(QStringLiteral("warmup"), 0.15);
    for (int i = 0; i < count; ++i) {
        if (timed && Clock::now() >= deadline)
            break;
        double ms = 0;
        try {
            if (i == tracked) {
                detail::AllocationTracker tracker(m_budget);
                const auto t0 = Clock::now();
                c10::IValue out = m_module->forward(m_inputs);
                ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                m_r.memory.activationsBytes = tracker.peakBytes();
                scanOutputs(out, m_r.nanOutputs, m_r.infOutputs);
            } else {
                const auto t0 = Clock::now();
                m_module->forward(m_inputs);
                ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            }
        } catch (...) {
            throw RunFailure{forwardFailure(detail::condenseCurrentException(), QStringLiteral("warmup forward %1").arg(i + 1))};
        }
        m_r.warmupLatencyMs << ms;
        ++m_phaseIterations;
        checkCancel();
        if (m_sampler.elapsedMs() >= m_nextTickMs) {
            const double f = timed ? std::chrono::duration<double>(Clock::now() - start).count() / m_c.warmupSeconds : double(i + 1) / count;
            const QString of = timed ? QStringLiteral("%1 s").arg(m_c.warmupSeconds) : QString::number(count);
            tick(QStringLiteral("warmup %1/%2").arg(i + 1).arg(of), 0.15 + 0.15 * f);
        }
    }
    // No tracked warmup forward: the first inference is the best figure there is.
    if (m_r.memory.activationsBytes < 0)
        m_r.memory.activationsBytes = m_r.memory.firstInferenceAllocBytes;
    endPhase();
}

void Measurement::steady()
{
    beginPhase(Phase::Steady);
    tick(QStringLiteral("steady state"), 0.3);
    const int minIters = std::max(m_c.minIterations, 1);
    const int maxIters = std::max(m_c.maxIterations, 1);
    const double minSeconds = std::max(m_c.minSeconds, 0.0);
    const double maxSeconds = m_c.maxSeconds > 0 ? m_c.maxSeconds : 60.0;
    m_r.latencyMs.reserve(std::min(maxIters, 100000));
    const double cpu0 = procfs::processCpuSeconds();
    const double samplerCpu0 = m_sampler.threadCpuSeconds();
    const auto start = Clock::now();
    auto nextTick = start + std::chrono::milliseconds(std::max(m_h.updateIntervalMs, 10));
    int n = 0;
    for (;;) {
        const auto t0 = Clock::now();
        try {
            m_module->forward(m_inputs);
        } catch (...) {
            throw RunFailure{forwardFailure(detail::condenseCurrentException(), QStringLiteral("steady-state forward %1").arg(n + 1))};
        }
        const auto t1 = Clock::now();
        m_r.latencyMs << std::chrono::duration<double, std::milli>(t1 - t0).count();
        m_phaseIterations = ++n;
        const double elapsed = std::chrono::duration<double>(t1 - start).count();
        if (n >= minIters && elapsed >= minSeconds) {
            m_r.stopReason = QStringLiteral("minimums");
            break;
        }
        if (n >= maxIters || elapsed >= maxSeconds) {
            m_r.stopReason = n >= maxIters ? QStringLiteral("iteration-cap") : QStringLiteral("time-cap");
            break;
        }
        checkCancel();
        if (t1 >= nextTick) {
            const double f = std::max({std::min(double(n) / minIters, minSeconds > 0 ? elapsed / minSeconds : 1.0),
                                       double(n) / maxIters, elapsed / maxSeconds});
            tick(QStringLiteral("steady state, %1 iterations, %2 s").arg(n).arg(elapsed, 0, 'f', 1), 0.3 + 0.7 * f);
            nextTick = Clock::now() + std::chrono::milliseconds(std::max(m_h.updateIntervalMs, 10));
        }
    }
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = procfs::processCpuSeconds() - cpu0 - (m_sampler.threadCpuSeconds() - samplerCpu0);
    m_r.cpuPercent = wall > 0 ? std::max(0.0, 100.0 * cpu / wall) : -1;
    m_r.processThreads = procfs::threadCount();
    endPhase();
    if (m_r.stopReason != QLatin1String("minimums"))
        m_r.warnings << QStringLiteral("The steady state stopped at the %1 after %2 iterations and %3 s, before both minimums (%4 "
                                       "iterations, %5 s) were met.")
                            .arg(m_r.stopReason == QLatin1String("time-cap") ? QStringLiteral("time cap") : QStringLiteral("iteration cap"))
                            .arg(n).arg(wall, 0, 'f', 1).arg(minIters).arg(minSeconds);
}

void Measurement::execute()
{
    if (m_c.inputs.isEmpty())
        throw RunFailure{Error::usage(QStringLiteral("%1 needs input shapes: TorchScript does not record them. Give --input "
                                                     "SHAPE[:dtype] (e.g. --input 1x3x224x224) or write %2.")
                                          .arg(m_c.modelName(), paths::pretty(InputSpec::sidecarCandidates(m_c.modelPath).value(0))))};
    threading::setComputeThreads(m_c.threads);
    m_sampler.start();
    m_r.memory.baselineBytes = m_sampler.sampleNow();
    m_resetPeaks = m_c.mode == RunMode::Live && procfs::resetPeakRss();
    checkCancel();
    load();
    m_r.environment = captureFingerprint();
    checkCancel();
    c10::InferenceMode inference;
    firstInference();
    checkCancel();
    warmup();
    checkCancel();
    steady();
    tick(QStringLiteral("done"), 1.0);
}

void Measurement::close(RunStatus status, const Error& error)
{
    if (m_phaseOpen)
        endPhase();
    m_inputs.clear();
    m_module = nullptr;
    m_model = TorchModel();
    m_sampler.stop();
    m_r.timeline = m_sampler.timeline();
    // The run's peak: the phases' peaks and every sample. An isolated child never resets VmHWM,
    // so its VmHWM is the whole process's peak, the figure /usr/bin/time -v reports.
    qint64 peak = m_r.timeline.peak();
    bool exact = false;
    for (const PhaseMark& p : m_r.phases) {
        if (p.peakRssBytes > peak || (p.peakRssBytes == peak && p.peakExact)) {
            peak = p.peakRssBytes;
            exact = p.peakExact;
        }
    }
    if (m_c.mode == RunMode::Isolated) {
        const qint64 hwm = procfs::peakRss();
        if (hwm >= peak) {
            peak = hwm;
            exact = true;
        }
    }
    m_r.memory.peakBytes = std::max<qint64>(peak, m_r.memory.baselineBytes);
    m_r.memory.peakExact = exact;
    if (m_c.samplerHz > 0 && m_sampler.lateSamples() >= 100 && m_sampler.lateSamples() > m_r.timeline.size() / 10)
        m_r.warnings << QStringLiteral("The memory sampler missed %1 of its ticks (the machine is busy).").arg(m_sampler.lateSamples());
    if (m_r.nanOutputs || m_r.infOutputs)
        m_r.warnings << QStringLiteral("The outputs contain %1: this variant's results are not usable, although its speed was measured.")
                            .arg(m_r.nanOutputs && m_r.infOutputs ? QStringLiteral("NaN and Inf") : m_r.nanOutputs ? QStringLiteral("NaN") : QStringLiteral("Inf"));
    m_r.status = status;
    if (status != RunStatus::Complete) {
        m_r.error = error.message;
        m_r.errorDetails = error.details;
        m_r.errorKind = errorKindName(error.kind);
    }
    m_r.finished = QDateTime::currentDateTimeUtc();
    m_r.finalize();
}

} // namespace

RunResult runBenchmark(const RunConfig& config, const RunHooks& hooks)
{
    RunResult result;
    result.uuid = hooks.uuid.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : hooks.uuid;
    result.config = config;
    result.started = QDateTime::currentDateTimeUtc();
    Measurement m(config, hooks, result);
    try {
        m.execute();
        m.close(RunStatus::Complete);
    } catch (const Cancelled&) {
        m.close(RunStatus::Cancelled, Error::cancelled()); // closes the phase it was in
        const QString where = result.phases.isEmpty() ? QStringLiteral("before loading")
                                                      : QStringLiteral("during %1").arg(phaseTitle(result.phases.last().phase).toLower());
        result.error = QStringLiteral("Cancelled by the user %1 (after %2 steady-state iterations).").arg(where).arg(result.iterations());
    } catch (const RunFailure& f) {
        m.close(RunStatus::Failed, f.error);
    } catch (...) {
        const auto f = detail::condenseCurrentException();
        m.close(RunStatus::Failed, Error(Error::Kind::Internal,
                                         QStringLiteral("The benchmark of %1 failed unexpectedly: %2").arg(config.label(), f.summary), f.full));
    }
    if (result.environment.cpu.isEmpty())
        result.environment = captureFingerprint();
    qCInfo(lcBench) << config.label() << runStatusName(result.status) << result.iterations() << "iterations, p50"
                    << result.latency.p50 << "ms";
    return result;
}

} // namespace qs
