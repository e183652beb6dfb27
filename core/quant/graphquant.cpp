// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/fold_conv_bn.h>
#include <torch/csrc/jit/passes/quantization/finalize.h>
#include <torch/csrc/jit/passes/quantization/insert_quant_dequant.h>

#include "graphquant_p.h"

#include "core/common/logging.h"
#include "core/common/torcherror_p.h"
#include "core/jobs/job.h"
#include "core/quant/observers_p.h"
#include "core/quant/weightinventory_p.h"

#include <QtCore/QElapsedTimer>

namespace qs::detail {

namespace {

using torch::jit::Module;

// torch._C._jit_pass_constant_propagation(model.graph); torch._C._jit_pass_dce(model.graph)
void constPropAndDce(Module& m)
{
    auto g = m.get_method("forward").graph();
    torch::jit::ConstantPropagation(g);
    torch::jit::EliminateDeadCode(g->block()); // _jit_pass_dce binds the Block* overload
}

void visit(torch::jit::Block* block, const std::function<void(torch::jit::Node*)>& fn)
{
    for (torch::jit::Node* n : block->nodes()) {
        fn(n);
        for (torch::jit::Block* b : n->blocks())
            visit(b, fn);
    }
}

// Weights the passes decided to quantize: InsertObservers attaches an `_observer_N` to each value
// it will quantize, in the graph of the module that reads it; weights are GetAttr chains from self.
QSet<QString> observedWeights(const Module& prepared)
{
    QSet<QString> out;
    for (const auto& named : prepared.named_modules()) {
        const QString prefix = QString::fromStdString(named.name);
        for (const auto& method : named.value.get_methods()) {
            auto graph = method.graph();
            torch::jit::Value* self = graph->inputs().at(0);
            visit(graph->block(), [&](torch::jit::Node* n) {
                if (n->kind() != c10::prim::CallMethod || n->s(c10::attr::name) != "forward" || n->inputs().size() != 2)
                    return;
                torch::jit::Node* obs = n->input(0)->node();
                if (obs->kind() != c10::prim::GetAttr || obs->s(c10::attr::name).rfind("_observer_", 0) != 0)
                    return;
                const auto chain = attributeChain(n->input(1), self);
                if (chain.empty())
                    return;
                QStringList parts;
                if (!prefix.isEmpty())
                    parts << prefix;
                for (const auto& s : chain)
                    parts << QString::fromStdString(s);
                out.insert(parts.join(QLatin1Char('.')));
            });
        }
    }
    return out;
}

QMap<QString, int> quantizedComputeOps(const Module& q)
{
    QMap<QString, int> ops;
    visit(q.get_method("forward").graph()->block(), [&](torch::jit::Node* n) {
        const QString kind = QString::fromLatin1(n->kind().toQualString());
        if (kind.startsWith(QLatin1String("quantized::")) && !kind.contains(QLatin1String("prepack"))
            && (kind.contains(QLatin1String("linear")) || kind.contains(QLatin1String("conv"))
                || kind.contains(QLatin1String("embedding"))))
            ops[kind]++;
    });
    return ops;
}

Error passFailure(const GraphQuantConfig& config, const char* stage, const TorchFailure& f)
{
    return Error::model(
        QStringLiteral("LibTorch's graph-mode quantization (%1) failed while %2: %3. Exclude the layer it names "
                       "with --exclude, or choose a weight-only scheme.")
            .arg(config.scheme, QLatin1String(stage), describe(f)),
        f.full);
}

} // namespace

GraphQuantConfig graphQuantConfig(
    const SchemeInfo& scheme, const QuantizeOptions& options, const QString& engineName, const QStringList& excluded)
{
    GraphQuantConfig config;
    config.scheme = scheme.id;
    config.excluded = excluded;
    const bool perChannel = options.effectiveGranularity(engineName) == QuantizeOptions::Granularity::PerChannel;
    if (scheme.kind == SchemeInfo::Kind::Static) {
        config.type = torch::jit::QuantType::STATIC;
        // fbgemm/x86 qconfigs reduce the activation range to 7 bits; onednn and qnnpack do not.
        const bool reduceRange = engineName == QLatin1String("fbgemm") || engineName == QLatin1String("x86");
        config.qconfig
            = staticQConfig(options.observer == QuantizeOptions::Observer::Histogram, perChannel, reduceRange);
    } else {
        config.type = torch::jit::QuantType::DYNAMIC;
        config.qconfig = scheme.kind == SchemeInfo::Kind::Fp16 ? float16DynamicQConfig() : dynamicQConfig(perChannel);
    }
    return config;
}

Result<Module> prepareGraphMode(const Module& fp32, const GraphQuantConfig& config)
{
    torch::jit::QConfigDict dict { { "", config.qconfig } };
    for (const QString& name : config.excluded)
        dict.emplace(name.toStdString(), c10::nullopt);
    try {
        // prepare_jit / prepare_dynamic_jit: fuse_conv_bn_jit, then observers on a copy.
        Module folded = torch::jit::FoldConvBatchNorm(fp32);
        return torch::jit::InsertObservers(folded, "forward", dict, /*inplace=*/false, config.type);
    } catch (const JobCancelled&) {
        throw;
    } catch (...) {
        return passFailure(config, "inserting observers", condenseCurrentException());
    }
}

Result<int> calibrateGraphMode(Module& prepared, const GraphQuantConfig& config,
    const std::vector<ForwardArgs>& batches, const QuantizeHooks& hooks, int progressFrom, int progressTo)
{
    int samples = 0;
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < batches.size(); ++i) {
        if (hooks.checkCancelled)
            hooks.checkCancelled();
        if (hooks.progress)
            hooks.progress(progressFrom + int((progressTo - progressFrom) * double(i) / double(batches.size())),
                QStringLiteral("%1: calibrating, batch %2 of %3").arg(config.scheme).arg(i + 1).arg(batches.size()));
        try {
            prepared.forward(batches[i]);
        } catch (const JobCancelled&) {
            throw;
        } catch (...) {
            const TorchFailure f = condenseCurrentException();
            return Error::model(QStringLiteral("Calibration failed on batch %1 of %2: %3")
                                    .arg(i + 1)
                                    .arg(batches.size())
                                    .arg(describe(f)),
                f.full);
        }
        if (!batches[i].empty() && batches[i].front().isTensor())
            samples += int(batches[i].front().toTensor().dim() > 0 ? batches[i].front().toTensor().size(0) : 1);
    }
    return samples;
}

Result<GraphQuantOutput> quantizeGraphMode(const Module& fp32, const GraphQuantConfig& config,
    const std::vector<ForwardArgs>& batches, const QuantizeHooks& hooks, int progressFrom, int progressTo)
{
    auto progress = [&](double fraction, const QString& message) {
        if (hooks.progress)
            hooks.progress(progressFrom + int((progressTo - progressFrom) * fraction), message);
    };
    auto checkCancelled = [&] {
        if (hooks.checkCancelled)
            hooks.checkCancelled();
    };
    const bool isStatic = config.type == torch::jit::QuantType::STATIC;

    GraphQuantOutput out;
    progress(0.0, QStringLiteral("%1: inserting observers").arg(config.scheme));
    auto preparedOr = prepareGraphMode(fp32, config);
    if (!preparedOr)
        return preparedOr.error();
    Module prepared = *preparedOr;
    out.observedWeights = observedWeights(prepared);

    if (isStatic) {
        QElapsedTimer timer;
        timer.start();
        const int span = progressTo - progressFrom;
        auto samples = calibrateGraphMode(
            prepared, config, batches, hooks, progressFrom + int(span * 0.05), progressFrom + int(span * 0.85));
        if (!samples)
            return samples.error();
        out.calibrationSamples = *samples;
        out.calibrationSeconds = timer.nsecsElapsed() / 1e9;
    }
    checkCancelled();
    progress(0.9, QStringLiteral("%1: converting").arg(config.scheme));
    try {
        // convert_jit: eval() (freezing bakes `training` in), InsertQuantDeQuant -- whose return value
        // is the module to carry on with, even "in place" -- then Finalize (prepack, fuse, freeze).
        prepared.eval();
        Module qdq
            = torch::jit::InsertQuantDeQuant(prepared, "forward", /*inplace=*/true, /*debug=*/false, config.type);
        qdq.to(at::kCPU);
        out.module = torch::jit::Finalize(qdq, config.type, /*preserved_attrs=*/ {});
        constPropAndDce(out.module); // end of _convert_jit
        constPropAndDce(out.module); // end of _quantize_jit
    } catch (const JobCancelled&) {
        throw;
    } catch (...) {
        return passFailure(config, "converting to quantized ops", condenseCurrentException());
    }
    out.quantizedOps = quantizedComputeOps(out.module);
    qCDebug(lcQuant) << config.scheme << "observed weights" << out.observedWeights << "ops" << out.quantizedOps;
    progress(1.0, QStringLiteral("%1: converted").arg(config.scheme));
    return out;
}

} // namespace qs::detail
