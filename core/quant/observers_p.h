// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: torch.ao's observers (1.13) as TorchScript modules defined from C++, and the
// qconfigs built from them, for LibTorch's graph-mode quantization passes.
#pragma once

#include <torch/csrc/jit/passes/quantization/insert_observers.h>
#include <torch/script.h>

namespace qs::detail {

/// at::ScalarType / at::QScheme as the TorchScript observer sources use them (ints: the C++
/// TorchScript frontend does not resolve torch.float32 or torch.per_tensor_affine).
namespace code {
constexpr int64_t Float16 = int64_t(c10::ScalarType::Half);
constexpr int64_t Float32 = int64_t(c10::ScalarType::Float);
constexpr int64_t QInt8 = int64_t(c10::ScalarType::QInt8);
constexpr int64_t QUInt8 = int64_t(c10::ScalarType::QUInt8);
constexpr int64_t QInt32 = int64_t(c10::ScalarType::QInt32);
constexpr int64_t PerTensorAffine = int64_t(c10::kPerTensorAffine);
constexpr int64_t PerChannelAffine = int64_t(c10::kPerChannelAffine);
constexpr int64_t PerTensorSymmetric = int64_t(c10::kPerTensorSymmetric);
constexpr int64_t PerChannelSymmetric = int64_t(c10::kPerChannelSymmetric);
} // namespace code

/// Resolves `torch.` to aten, `quantscope.` to our custom ops and `Exception`, for Module::define.
torch::jit::ResolverPtr quantscopeResolver();

/// torch.ao.quantization.observer.PlaceholderObserver(dtype, compute_dtype). The passes treat a
/// type whose name contains "PlaceholderObserver" as the dynamic activation observer.
torch::jit::Module placeholderObserver(int64_t dtype, c10::optional<int64_t> computeDtype);
/// MinMaxObserver(dtype, qscheme, reduce_range).
torch::jit::Module minMaxObserver(int64_t dtype, int64_t qscheme, bool reduceRange = false);
/// PerChannelMinMaxObserver(ch_axis, dtype, qscheme, reduce_range).
torch::jit::Module perChannelMinMaxObserver(int64_t chAxis, int64_t dtype, int64_t qscheme, bool reduceRange = false);
/// HistogramObserver(bins=2048, upsample_rate=128, quint8, per_tensor_affine, reduce_range), with
/// 1.13's semantics (histc bounds truncated to integers); calculate_qparams runs the parameter
/// search natively (quantscope::histogram_minmax_search), bit-identical to the Python code.
torch::jit::Module histogramObserver(bool reduceRange = false);

/// Records what flows through the place of a static activation observer (the layer diagnosis calls
/// it next to each one): min/max always; once `armed` with lo/hi, bins, scale, zero_point,
/// quant_min/max and clip_lo/hi, also a histogram over [lo, hi] and the sums of `sums` (values,
/// sum x^2, sum of fake-quantization error^2, values outside [clip_lo, clip_hi]), in double.
/// Type name __torch__.quantscope.RangeRecorder.
torch::jit::Module rangeRecorder();

/// torch.ao's qconfigs, as (activation observer, weight observer).
torch::jit::QConfig dynamicQConfig(bool perChannel); ///< default_/per_channel_dynamic_qconfig
torch::jit::QConfig float16DynamicQConfig(); ///< float16_dynamic_qconfig
/// Static: activations by \a histogram (HistogramObserver) or MinMaxObserver; weights per channel
/// (default_per_channel_weight_observer) or per tensor (default_weight_observer).
torch::jit::QConfig staticQConfig(bool histogram, bool perChannelWeights, bool reduceRange);

} // namespace qs::detail
