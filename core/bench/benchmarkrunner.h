// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/runresult.h"

#include <functional>

namespace qs {

/// \brief What a measurement asks of whoever runs it: whether to stop, where to stream.
struct RunHooks
{
    /// Polled between forwards and between phases; true stops the run as Cancelled.
    std::function<bool()> cancelled;
    /// New samples and memory since the previous call, every updateIntervalMs.
    std::function<void(const RunUpdate&)> update;
    /// Fraction of this run done (0..1) and what is happening.
    std::function<void(double fraction, const QString& message)> progress;
    int updateIntervalMs = 250;
    int runIndex = 0;
    int runCount = 1;
    QString uuid; ///< the run's id; generated when empty
};

/// \brief Measures one RunConfig in this process on the calling thread: selects the engine and
/// fixes the threads, then load, first inference, warmup and steady state under
/// at::InferenceMode, with the memory sampler running. Never throws; a failure or a cancel
/// ends in a RunResult with that status and a message.
///
/// The time between two checks of \a hooks.cancelled is one forward: a single forward that
/// takes longer cannot be interrupted (neither can loading the file).
RunResult runBenchmark(const RunConfig& config, const RunHooks& hooks = {});

/// \brief Same, in a child `quantscope-cli bench --child` process, so that the peak resident
/// set belongs to this run alone. Streams the child's updates through \a hooks; cancelling
/// kills the child. A child that dies (e.g. killed by the out-of-memory killer) becomes a failed
/// run that says so.
RunResult runIsolated(const RunConfig& config, const RunHooks& hooks = {});

/// \brief The quantscope-cli executable isolated runs start: $QUANTSCOPE_CLI, else next to the
/// running program, else on PATH. Empty when none is found.
QString childExecutable();

} // namespace qs
