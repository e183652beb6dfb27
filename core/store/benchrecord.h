// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/runresult.h"
#include "core/store/runrecord.h"

namespace qs {

/// \brief The RunRecord the Store keeps for a benchmark RunResult: model and variant from the
/// configuration, the environment, headline metrics, every sample and the memory timeline.
///
/// A variant the benchmark could only call "quantized" is matched in the Store with the variant
/// `quantize` recorded for the same artifact (by sha256), so that its scheme and engine show.
RunRecord benchRunRecord(const RunResult& result);
/// What is known when a benchmark run starts: recorded as "running" by Store::beginRun().
RunRecord benchRunRecord(const RunConfig& config);
/// The RunResult of a stored "bench" run (statistics, phases, memory figures, samples, timeline);
/// the status is the stored one (interrupted when its process died).
Result<RunResult> benchRunResult(const RunRecord& record);

} // namespace qs
