// SPDX-License-Identifier: GPL-3.0-or-later
// The value types of a benchmark Run: what was asked (RunConfig), what was measured (RunResult)
// and what streams while it runs (RunUpdate). Copyable, LibTorch-free, JSON both ways; the
// store (core/store), the studio's live view and reports build on them. Changes stay additive.
#pragma once

#include "core/bench/fingerprint.h"
#include "core/bench/latencystats.h"
#include "core/bench/memorytimeline.h"
#include "core/common/error.h"
#include "core/model/inputspec.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <optional>

namespace qs {

/// \brief In this process with the live view, or in a child quantscope-cli so that the peak
/// resident set belongs to that model alone.
enum class RunMode { Live, Isolated };
/// \brief A Run is Running until it ends Complete, Failed or Cancelled (never Complete when it
/// did not finish its steady state). Interrupted: the run store found its process gone (kill -9,
/// crash, power loss) before it ended.
enum class RunStatus { Running, Complete, Failed, Cancelled, Interrupted };

QString runModeName(RunMode mode);          ///< "live", "isolated"
std::optional<RunMode> parseRunMode(const QString& name);
QString runStatusName(RunStatus status);    ///< "running", "complete", "failed", "cancelled", "interrupted"
std::optional<RunStatus> parseRunStatus(const QString& name);
/// "usage", "bad_input", "model_failure", "database", "io", "cancelled", "internal" (as the CLI's --json errors)
QString errorKindName(Error::Kind kind);
std::optional<Error::Kind> parseErrorKind(const QString& name);

/// \brief What one Run measures: a Variant at one batch size, thread count and engine, with
/// the protocol's knobs.
struct RunConfig
{
    QString modelPath;     ///< the TorchScript file
    QString modelSha256;   ///< of the file, lower-case hex
    QString variant;       ///< "fp32", "fp32-optimized", or the quantized variant's label ("dynamic-int8")
    QString scheme;        ///< the Scheme that made the variant ("" for FP32)
    qint64 batch = 1;      ///< replaces dim 0 of every input
    int threads = 1;       ///< LibTorch intra-op and OpenBLAS threads
    QString engine;        ///< quantized engine: "onednn", "qnnpack" ("" = the fastest available)
    int warmupIterations = 10;
    double warmupSeconds = 0; ///< > 0: warm up for this long instead of warmupIterations
    int minIterations = 50;   ///< steady state runs until BOTH minimums are met...
    double minSeconds = 2.0;
    int maxIterations = 10000; ///< ...or a cap is reached
    double maxSeconds = 60.0;
    RunMode mode = RunMode::Live;
    InputSpec inputs;         ///< shapes as given; the batch is applied when inputs are made
    quint64 seed = 0;         ///< of the random inputs
    int samplerHz = 1000;     ///< memory sampling rate; 0 turns the sampler off
    bool optimizeForInference = false; ///< freeze + optimize_for_inference at load ("fp32-optimized")
    qint64 memoryBudgetBytes = 0;      ///< refuse allocations past this during a forward; 0 = MemAvailable

    /// The file's base name.
    QString modelName() const;
    /// "fashion_cnn.pt fp32 b8 t2" (+ engine when the variant is quantized).
    QString label() const;
    /// The inputs with the batch applied.
    InputSpec batchedInputs() const;

    QJsonObject toJson() const;
    static Result<RunConfig> fromJson(const QJsonObject& object);
};

/// \brief One phase of a Run: when it started and ended, how many forwards it ran, the resident
/// set at both ends and its peak.
struct PhaseMark
{
    Phase phase = Phase::Load;
    double startMs = 0; ///< offsets from the run's start (the memory timeline's clock)
    double endMs = 0;
    int iterations = 0;
    qint64 rssStartBytes = 0;
    qint64 rssEndBytes = 0;
    qint64 peakRssBytes = 0;
    bool peakExact = false; ///< from the kernel's high-water mark (VmHWM), not from the sampler

    double durationMs() const { return endMs - startMs; }
    qint64 deltaBytes() const { return rssEndBytes - rssStartBytes; }
    QJsonObject toJson() const;
    static Result<PhaseMark> fromJson(const QJsonObject& object);
};

/// \brief The memory of a Run: resident set before and at peak, and a split of the growth into
/// weights, activations/workspace and runtime overhead.
struct MemoryFigures
{
    qint64 baselineBytes = 0; ///< resident set just before loading
    qint64 peakBytes = 0;     ///< highest resident set from load to the end of steady state
    bool peakExact = false;   ///< the peak is a kernel high-water mark (else the sampler's maximum)
    qint64 weightsBytes = 0;  ///< parameters, buffers, packed and constant weights (what inspect counts)
    qint64 activationsBytes = -1; ///< peak bytes LibTorch's CPU allocator held during one steady forward; -1 unknown
    qint64 firstInferenceAllocBytes = -1; ///< same for the first forward (profiling run, lazy init)

    qint64 deltaBytes() const { return peakBytes - baselineBytes; }
    /// What the growth leaves after weights and activations: interpreter, kernels' workspaces
    /// outside LibTorch's allocator (oneDNN scratchpads, OpenBLAS buffers), allocator slack.
    /// An estimate, never below 0.
    qint64 overheadBytes() const;
};

/// \brief One measured configuration of one Variant: status, environment, phases, every latency
/// sample, statistics, memory and CPU.
struct RunResult
{
    QString uuid;            ///< unique id (import does not duplicate a run with the same uuid)
    RunConfig config;
    RunStatus status = RunStatus::Running;
    QString error;           ///< why it failed or was cancelled, for people
    QString errorDetails;    ///< LibTorch's or the OS's own text
    QString errorKind;       ///< errorKindName() of the failure ("" when complete)
    QStringList warnings;    ///< e.g. NaN outputs, time cap reached before the minimum iterations
    QDateTime started;
    QDateTime finished;
    Fingerprint environment;
    QVector<PhaseMark> phases;
    QVector<double> warmupLatencyMs; ///< every warmup forward, in order
    QVector<double> latencyMs;       ///< every steady-state forward, in order
    LatencyStats latency;            ///< of latencyMs
    double throughputPerSec = 0;     ///< batch / mean latency
    QString stopReason;              ///< "minimums", "iteration-cap", "time-cap"
    MemoryFigures memory;
    MemoryTimeline timeline;
    double cpuPercent = -1;          ///< process CPU time / wall time in steady state, percent of one core
    int processThreads = 0;          ///< threads of the process during steady state
    bool noisy = false;
    QStringList noiseReasons;
    bool nanOutputs = false;
    bool infOutputs = false;

    int iterations() const { return int(latencyMs.size()); }
    const PhaseMark* phase(Phase p) const;
    double loadMs() const;           ///< -1 when the phase is missing
    double firstInferenceMs() const; ///< -1 when the phase is missing
    bool isDone() const { return status != RunStatus::Running; }
    /// The failure as an Error (kind, message, details); Internal when the kind is unknown.
    Error toError() const;

    /// Computes latency statistics, throughput and the noise flag (IQR / median over 10%, load
    /// average above the core count) from the samples and the environment.
    void finalize();

    enum class JsonDetail { Full, Summary }; ///< Summary leaves out samples and the timeline
    /// The `quantscope-cli bench --json` run object (docs/cli.md).
    QJsonObject toJson(JsonDetail detail = JsonDetail::Full) const;
    /// Validates required keys, types and sizes; names the offending key.
    static Result<RunResult> fromJson(const QJsonObject& object);
    /// Version of the JSON layout ("run_format"); fromJson refuses newer ones.
    static constexpr int kJsonFormat = 1;
};

/// \brief What a running benchmark streams to the live view, a few times a second: the samples
/// and memory measured since the previous update.
struct RunUpdate
{
    int runIndex = 0;          ///< position in the sweep
    int runCount = 0;
    QString uuid;              ///< of the RunResult it belongs to
    RunConfig config;
    Phase phase = Phase::Load; ///< the phase running now
    double elapsedMs = 0;      ///< since the run's start
    QVector<double> newWarmupMs;   ///< warmup samples since the last update
    QVector<double> newLatencyMs;  ///< steady-state samples since the last update
    int steadyIterations = 0;      ///< steady-state samples so far
    MemoryTimeline newMemory;      ///< samples and markers since the last update
    qint64 childPid = 0;           ///< isolated mode: the measuring process

    QJsonObject toJson() const;
    static RunUpdate fromJson(const QJsonObject& object);
};

} // namespace qs

Q_DECLARE_METATYPE(qs::RunConfig)
Q_DECLARE_METATYPE(qs::RunResult)
Q_DECLARE_METATYPE(qs::RunUpdate)
