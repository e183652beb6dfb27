// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core .cpp files: evaluation against a reference whose outputs were computed once,
// for comparing many variants (sensitivity, fallback) without running FP32 again each time.
#pragma once

#include <torch/script.h>

#include "core/eval/evaluatejob.h"

#include <vector>

namespace qs::detail {

/// \brief A reference model's outputs on every batch of a dataset.
struct ReferenceRun
{
    TorchModel model;
    std::vector<at::Tensor> outputs; ///< one per batch, float32; empty when they were too big to keep
    std::optional<AccuracyMetrics> accuracy;
    double seconds = 0;
    qint64 batch = 0;
};

/// Runs \a reference over \a data (batches of options.batchFor(data)) and keeps its outputs when
/// they take less than \a maxBytes (otherwise evaluateWith() runs the reference again).
Result<ReferenceRun> runReference(const TorchModel& reference, const Dataset& data, const EvalOptions& options,
                                  const EvalHooks& hooks = {}, qint64 maxBytes = qint64(512) << 20);

/// evaluate() against a ReferenceRun of the same data and options (or none: \a reference null).
Result<EvalResult> evaluateWith(const TorchModel& model, const Dataset& data, const EvalOptions& options,
                                const ReferenceRun* reference, const EvalHooks& hooks = {});

} // namespace qs::detail
