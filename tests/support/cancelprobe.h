// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>

#include <algorithm>

namespace qs::test {

/// The phases whose cancellation is measured: a benchmark's preparation (hashing the model
/// file, here 256 MB), the four phases of its Run, the steady state of an isolated Run (a
/// quantscope-cli child, killed on cancel), the calibration of a static quantization and an
/// evaluation (both check between batches).
enum class CancelPhase {
    BenchPrepare,
    BenchLoad,
    BenchFirstInference,
    BenchWarmup,
    BenchSteady,
    IsolatedSteady,
    QuantizeCalibration,
    Evaluation
};
QString cancelPhaseName(CancelPhase phase);

/// \brief How long a job took from Job::cancel() to its finished() signal.
///
/// Both ends are stamped on the job's own worker thread (or right before cancel() on the thread
/// that cancels), and the time the worker spent runnable but waiting for a CPU in between (Linux
/// schedstat "run delay" of that thread) is reported apart: on a shared, loaded machine that
/// time is the kernel's, not the job's.
struct CancelMeasurement
{
    QString error;          ///< non-empty when no valid measurement was made (why)
    double rawMs = -1;      ///< wall clock, cancel() to finished()
    double runDelayMs = 0;  ///< of rawMs, time the job's thread waited for a CPU
    QString where;          ///< what the job was doing when it stopped (phase / last progress)

    bool ok() const { return error.isEmpty(); }
    /// The job's own latency: rawMs without the time it could not run. (The kernel adds a wait
    /// to the counter when the wait ends, so a wait under way at cancel() counts whole: clamped.)
    double latencyMs() const { return std::max(0.0, rawMs - runDelayMs); }
};

/// Starts a job of the kind \a phase needs on a JobRunner (as the studio does), on the demo
/// workspace in \a demoDir, and cancels it inside \a phase: \a delayMs after the phase began
/// (cancel() from this thread), or with \a delayMs 0 from the job's thread as the phase begins.
/// The phase is made long (seconds) so that a phase that never checks for cancellation shows up
/// as a latency of seconds. Fails (error set) when the job ends in another phase or not cancelled.
CancelMeasurement measureCancel(CancelPhase phase, const QString& demoDir, int delayMs);

} // namespace qs::test
