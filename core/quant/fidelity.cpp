// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/script.h>

#include "fidelity_p.h"

#include "core/common/torcherror_p.h"

#include <cmath>

namespace qs::detail {

namespace {

void flattenOutputs(const c10::IValue& v, std::vector<at::Tensor>& out)
{
    if (v.isTensor()) {
        const at::Tensor t = v.toTensor();
        if (t.defined() && (t.is_floating_point() || t.is_complex()))
            out.push_back(t.detach().reshape({ -1 }).to(at::kDouble));
    } else if (v.isTuple()) {
        for (const auto& e : v.toTupleRef().elements())
            flattenOutputs(e, out);
    } else if (v.isList()) {
        for (const auto& e : v.toListRef())
            flattenOutputs(e, out);
    } else if (v.isGenericDict()) {
        for (const auto& kv : v.toGenericDict())
            flattenOutputs(kv.value(), out);
    }
}

} // namespace

Fidelity compareOutputs(const at::Tensor& ref, const at::Tensor& var)
{
    Fidelity f;
    f.measured = true;
    const at::Tensor a = ref.to(at::kDouble), b = var.to(at::kDouble);
    if (!at::isfinite(b).all().item<bool>()) {
        f.cosine = std::numeric_limits<double>::quiet_NaN();
        f.sqnrDb = std::numeric_limits<double>::quiet_NaN();
        f.maxAbsDiff = std::numeric_limits<double>::quiet_NaN();
        f.collapsed = true;
        f.note = QStringLiteral("the variant's output holds NaN or Inf");
        return f;
    }
    const double na = a.norm().item<double>(), nb = b.norm().item<double>();
    const double err = (a - b).pow(2).sum().item<double>();
    f.maxAbsDiff = a.numel() ? (a - b).abs().max().item<double>() : 0.0;
    if (na == 0 && nb == 0)
        f.cosine = 1.0;
    else if (na == 0 || nb == 0)
        f.cosine = 0.0;
    else
        f.cosine = (a * b).sum().item<double>() / (na * nb);
    f.sqnrDb = err == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(na * na / err);
    if (nb == 0 && na != 0) {
        f.collapsed = true;
        f.note = QStringLiteral("the variant's output is all zeros");
    } else if (f.cosine < Fidelity::collapseCosine()) {
        f.collapsed = true;
        f.note = QStringLiteral("cosine similarity to FP32 is %1 (below %2)")
                     .arg(f.cosine, 0, 'f', 3)
                     .arg(Fidelity::collapseCosine());
    }
    return f;
}

Fidelity measureFidelity(const torch::jit::Module& reference, const torch::jit::Module& variant,
    const std::vector<std::vector<c10::IValue>>& batches, int samples, const QString& source)
{
    Fidelity f;
    if (batches.empty()) {
        f.note = QStringLiteral(
            "not measured: give --input SHAPE or --calib DATA so that FP32 and the variant can be compared");
        return f;
    }
    std::vector<at::Tensor> ref, var;
    try {
        torch::NoGradGuard noGrad;
        torch::jit::Module r = reference, v = variant; // handles: forward() is not const
        for (const auto& args : batches) {
            flattenOutputs(r.forward(args), ref);
            flattenOutputs(v.forward(args), var);
        }
    } catch (...) {
        const TorchFailure e = condenseCurrentException();
        f.note = QStringLiteral("not measured: a forward failed: %1").arg(describe(e));
        f.collapsed = true;
        return f;
    }
    if (ref.empty() || ref.size() != var.size()) {
        f.note = QStringLiteral("not measured: the model has no floating-point output");
        return f;
    }
    f = compareOutputs(at::cat(ref), at::cat(var));
    f.samples = samples;
    f.inputs = source;
    return f;
}

} // namespace qs::detail
