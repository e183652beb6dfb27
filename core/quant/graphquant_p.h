// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: LibTorch's graph-mode quantization (what Python's quantize_jit and
// quantize_dynamic_jit call), driven from C++.
#pragma once

#include <torch/csrc/jit/passes/quantization/insert_observers.h>
#include <torch/csrc/jit/passes/quantization/quantization_type.h>
#include <torch/script.h>

#include "core/common/error.h"
#include "core/quant/quantizer.h"
#include "core/quant/schemecatalog.h"

#include <QtCore/QMap>
#include <QtCore/QSet>

#include <vector>

namespace qs::detail {

struct GraphQuantConfig
{
    torch::jit::QuantType type = torch::jit::QuantType::DYNAMIC;
    torch::jit::QConfig qconfig;
    QStringList excluded; ///< qualified module names kept in FP32 (qconfig None)
    QString scheme; ///< for messages
};

struct GraphQuantOutput
{
    torch::jit::Module module;
    QSet<QString> observedWeights; ///< "fc1.weight": weights the passes quantize
    QMap<QString, int> quantizedOps; ///< quantized::* compute ops in the final graph
    double calibrationSeconds = 0;
    int calibrationSamples = 0;
};

/// One forward's arguments.
using ForwardArgs = std::vector<c10::IValue>;

/// The graph-mode configuration quantizeModel() uses for \a scheme (Dynamic, Static or Fp16) with
/// \a options on engine \a engineName: torch.ao's default qconfig for the engine (observer and
/// granularity as the options choose), \a excluded modules in FP32.
GraphQuantConfig graphQuantConfig(const SchemeInfo& scheme, const QuantizeOptions& options, const QString& engineName,
    const QStringList& excluded);

/// prepare_jit / prepare_dynamic_jit: fuse_conv_bn_jit, then InsertObservers on a copy.
Result<torch::jit::Module> prepareGraphMode(const torch::jit::Module& fp32, const GraphQuantConfig& config);

/// Runs \a batches through \a prepared (its observers record). Returns the samples seen.
/// Progress goes from \a progressFrom to \a progressTo; cancellable between batches.
Result<int> calibrateGraphMode(torch::jit::Module& prepared, const GraphQuantConfig& config,
    const std::vector<ForwardArgs>& batches, const QuantizeHooks& hooks, int progressFrom, int progressTo);

/// fuse_conv_bn_jit -> prepare (InsertObservers) -> calibrate on \a batches (static only) ->
/// convert (InsertQuantDeQuant, Finalize) -> constant propagation and DCE, exactly as Python's
/// torch.ao.quantization.quantize_jit.py. Progress goes from \a progressFrom to \a progressTo.
/// The quantized engine must be selected before (Finalize prepacks weights for it).
Result<GraphQuantOutput> quantizeGraphMode(const torch::jit::Module& fp32, const GraphQuantConfig& config,
    const std::vector<ForwardArgs>& batches, const QuantizeHooks& hooks, int progressFrom, int progressTo);

} // namespace qs::detail
