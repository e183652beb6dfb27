// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/runresult.h"
#include "core/jobs/job.h"

#include <QtCore/QMutex>

#include <functional>

namespace qs {

/// \brief One Variant to benchmark: a TorchScript file, its label and its inputs.
struct BenchmarkTarget
{
    QString path;
    QString variant; ///< "" = from the file: a Quantscope artifact's scheme, "quantized" for other quantized files, else "fp32"
    QString scheme;
    InputSpec inputs; ///< empty = the sidecar next to the file
    QString engine;   ///< used when the sweep lists no engines; "" = the artifact's engine, else the fastest
};

/// \brief Variants x batch sizes x thread counts x engines, with the protocol every Run follows.
struct BenchmarkSweep
{
    QVector<BenchmarkTarget> targets;
    QVector<qint64> batches{1};
    QVector<int> threads{1};
    QStringList engines; ///< empty = the fastest available
    /// Adds an "fp32-optimized" variant (freeze + optimize_for_inference, built at load) right
    /// after every FP32 target, so that quantized variants are not compared with a handicapped FP32.
    bool baselineOptimized = false;
    /// Warmup, minimums, caps, mode, sampler rate, seed, memory budget: copied into every Run.
    RunConfig protocol;

    /// The Runs in measuring order. Each variant is one block (all its engines, thread counts and
    /// batch sizes, in that nesting), never interleaved with another: the thread pools of OpenBLAS,
    /// OpenMP and the quantized engines disturb a measurement that follows a different variant.
    /// \a quantized says which targets hold quantized ops (no optimized baseline for those).
    QVector<RunConfig> expand(const QVector<bool>& quantized = {}) const;
};

/// \brief Benchmarks a sweep on a worker (JobRunner's Timing lane), live in this process or each
/// Run in an isolated child process. Streams RunUpdates a few times a second while a Run is
/// measured; emits every Run when it ends, complete, failed or cancelled.
///
/// A failed Run does not stop the sweep (a batch that does not fit in memory says nothing about
/// the next variant); a Run refused for bad input skips the rest of that variant's block. The
/// job fails with the first failure's error, after all Runs.
class BenchmarkJob : public Job
{
    Q_OBJECT
public:
    explicit BenchmarkJob(const BenchmarkSweep& sweep, QObject* parent = nullptr);

    const BenchmarkSweep& sweep() const { return m_sweep; }
    /// Runs finished so far (thread-safe).
    QVector<RunResult> results() const;

Q_SIGNALS:
    void runStarted(int index, int count, const qs::RunConfig& config);
    void runUpdated(const qs::RunUpdate& update);
    void runFinished(const qs::RunResult& result);

protected:
    Status run() override;

private:
    BenchmarkSweep m_sweep;
    mutable QMutex m_resultsMutex;
    QVector<RunResult> m_results;
};

/// \brief What a TorchScript file says about itself before it is loaded: its sha256, whether it
/// holds quantized ops or modules (its code and pickles are stored uncompressed, so a scan of the
/// bytes for quantized:: ops and torch.ao.nn.quantized classes finds them), and for a Quantscope
/// artifact the scheme and engine of its extra file `quantscope.json`.
struct FileScan
{
    QString sha256;
    bool quantized = false;
    QString scheme;  ///< artifact's scheme, e.g. "dynamic-int8"
    QString engine;  ///< engine the artifact was made for
    QString runtime; ///< "quantized-kernels" or "dequantized-at-load"
    bool ok = false;
};
/// \a cancelled is asked between megabytes: a large file takes seconds to hash, and a cancel
/// must not wait for it (the scan then ends with ok false).
FileScan scanModelFile(const QString& path, const std::function<bool()>& cancelled = {});

} // namespace qs
