// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/script.h>

#include "weightonly_p.h"

#include "core/quant/weightcodec.h"

namespace qs::detail {

namespace {

at::Tensor fromVector(const std::vector<uint8_t>& v)
{
    return at::from_blob(const_cast<uint8_t*>(v.data()), { int64_t(v.size()) }, at::kByte).clone();
}

PackedWeight encodeOne(const WeightInfo& info, const at::Tensor& w, const SchemeInfo& scheme, const QuantizeOptions& o)
{
    PackedWeight p;
    p.bits = scheme.bits;
    p.slots.emplace_back(info.module, info.attr);
    for (const auto& alias : info.aliases)
        p.slots.push_back(alias);
    p.shape = info.tensor.sizes().vec();
    p.dtype = info.tensor.scalar_type();
    p.numel = w.numel();
    const float* data = w.data_ptr<float>();
    switch (scheme.kind) {
    case SchemeInfo::Kind::WeightOnly:
    case SchemeInfo::Kind::Linear: {
        p.codec = PackedWeight::Codec::Symmetric;
        const SymmetricLayout layout = symmetricLayout(scheme, o, p.shape);
        p.rows = layout.rows;
        p.cols = layout.cols;
        const auto code = weightcodec::quantizeSymmetric(data, p.rows, p.cols, scheme.bits, layout.block);
        p.block = code.block;
        p.scale = at::from_blob(const_cast<float*>(code.scales.data()), { p.rows, code.blocks() }, at::kFloat).clone();
        if (scheme.bits == 4) {
            p.data = fromVector(weightcodec::packInt4(code.q));
        } else {
            at::Tensor q = at::from_blob(const_cast<int16_t*>(code.q.data()), { p.numel }, at::kShort);
            p.data = scheme.bits == 8 ? q.to(at::kChar) : q.clone();
        }
        break;
    }
    case SchemeInfo::Kind::KMeans: {
        p.codec = PackedWeight::Codec::KMeans;
        const auto code = weightcodec::kmeans(data, p.numel, scheme.bits, o.seed);
        p.data = fromVector(weightcodec::packBits(code.indices, scheme.bits));
        p.codebook
            = at::from_blob(const_cast<float*>(code.codebook.data()), { int64_t(code.codebook.size()) }, at::kFloat)
                  .clone();
        break;
    }
    case SchemeInfo::Kind::Fp16:
        // What aten::_saturate_weight_to_fp16 does before FBGEMM's fp16 packing.
        p.codec = PackedWeight::Codec::Float16;
        p.bits = 16;
        p.data = w.clamp(-65504.0, 65504.0).to(at::kHalf).reshape({ -1 }).clone();
        break;
    case SchemeInfo::Kind::Dynamic:
    case SchemeInfo::Kind::Static:
        break;
    }
    return p;
}

} // namespace

SymmetricLayout symmetricLayout(const SchemeInfo& scheme, const QuantizeOptions& o, const std::vector<int64_t>& shape)
{
    int64_t numel = 1;
    for (int64_t d : shape)
        numel *= d;
    const bool perTensor = scheme.kind == SchemeInfo::Kind::Linear
        || (o.blockSize == 0 && o.effectiveGranularity({}) == QuantizeOptions::Granularity::PerTensor);
    SymmetricLayout l;
    l.rows = perTensor || shape.empty() ? 1 : shape.front();
    l.cols = l.rows > 0 ? numel / l.rows : 0;
    l.block = perTensor ? 0 : o.blockSize;
    return l;
}

Result<std::vector<PackedWeight>> encodeWeights(const WeightInventory& inventory, const std::vector<int>& selected,
    const SchemeInfo& scheme, const QuantizeOptions& options, const QuantizeHooks& hooks, int progressFrom,
    int progressTo)
{
    std::vector<PackedWeight> out;
    int64_t total = 0, done = 0;
    for (int i : selected)
        total += inventory.weights[size_t(i)].tensor.numel();
    for (int i : selected) {
        if (hooks.checkCancelled)
            hooks.checkCancelled();
        const WeightInfo& info = inventory.weights[size_t(i)];
        if (hooks.progress)
            hooks.progress(progressFrom
                    + int(double(progressTo - progressFrom) * double(done) / double(std::max<int64_t>(total, 1))),
                QStringLiteral("%1: encoding %2").arg(scheme.id, info.path()));
        const at::Tensor w = info.tensor.detach().to(at::kFloat).contiguous();
        if (!at::isfinite(w).all().item<bool>())
            return Error::badInput(
                QStringLiteral("The weight %1 holds NaN or Inf values, so it cannot be quantized. Keep the layer "
                               "in FP32 with --exclude %2, or fix the model.")
                    .arg(info.path(), info.module.isEmpty() ? info.moduleType : info.module));
        out.push_back(encodeOne(info, w, scheme, options));
        done += w.numel();
    }
    return out;
}

} // namespace qs::detail
