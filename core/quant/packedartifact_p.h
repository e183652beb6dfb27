// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: artifacts of the schemes without LibTorch kernels. The FP32 model is cloned,
// its quantized weights are emptied and their packed form (int8/int16 codes, int4 nibbles,
// bit-packed k-means indices, scales, codebooks, fp16 halves) is stored as buffers of the root
// module, with a TorchScript method `quantscope_restore()` that dequantizes them back into place.
// loadModel() calls it; in Python: `m = torch.jit.load(f); m.quantscope_restore()`.
#pragma once

#include <torch/script.h>

#include "core/common/error.h"

#include <QtCore/QJsonObject>

#include <vector>

namespace qs::detail {

/// The extra file of every Quantscope artifact (scheme, options, packing); torch.jit.load ignores it.
inline constexpr const char* kArtifactMetaFile = "quantscope.json";
inline constexpr const char* kRestoreMethod = "quantscope_restore";
inline constexpr const char* kRestoredFlag = "_qs_restored";

/// \brief One weight in packed form.
struct PackedWeight
{
    enum class Codec { Symmetric, KMeans, Float16 };
    Codec codec = Codec::Symmetric;
    int bits = 8;
    /// (module, attribute) slots the weight goes back into: the first owner and tied aliases.
    std::vector<std::pair<QString, QString>> slots;
    std::vector<int64_t> shape;
    at::ScalarType dtype = at::kFloat; ///< the original weight's dtype
    at::Tensor data; ///< int8/int16 codes, uint8 packed nibbles/indices, or float16 values
    at::Tensor scale; ///< Symmetric: float32 [rows, blocks]
    at::Tensor codebook; ///< KMeans: float32 [2^bits]
    int64_t rows = 0, cols = 0, block = 0;
    int64_t numel = 0;
};

/// Builds the artifact module from \a fp32 (which is not changed).
Result<torch::jit::Module> buildPackedArtifact(
    const torch::jit::Module& fp32, const std::vector<PackedWeight>& weights);

/// Restores the weights of an artifact just loaded, when its metadata says it is packed.
/// \a meta is the content of kArtifactMetaFile ("" when the file has none).
Status restorePackedWeights(torch::jit::Module& module, const std::string& meta, const QString& fileName);

/// Serializes \a module with \a meta as kArtifactMetaFile.
Result<QByteArray> serializeArtifact(const torch::jit::Module& module, const QJsonObject& meta);

} // namespace qs::detail
