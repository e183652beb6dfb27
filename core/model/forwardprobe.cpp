// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/runtime/interpreter.h>
#include <torch/script.h>

#include "forwardprobe.h"

#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/model/tensorutil_p.h"
#include "core/model/torchmodel_p.h"

#include <QtCore/QElapsedTimer>

#include <map>

namespace qs {

namespace {

void describeOutputs(const c10::IValue& v, const QString& path, QVector<OutputInfo>& out)
{
    if (v.isTensor()) {
        const at::Tensor t = v.toTensor();
        OutputInfo o;
        o.path = path;
        for (int64_t s : t.sizes())
            o.shape << s;
        o.dtype = detail::scalarTypeName(t.scalar_type());
        out << o;
    } else if (v.isTuple() || v.isList()) {
        const auto elems = v.isTuple() ? v.toTupleRef().elements().vec() : v.toListRef().vec();
        for (size_t i = 0; i < elems.size(); ++i)
            describeOutputs(elems[i], path.isEmpty() ? QString::number(i) : path + QLatin1Char('.') + QString::number(i), out);
    } else if (v.isGenericDict()) {
        for (const auto& kv : v.toGenericDict()) {
            const QString key = kv.key().isString() ? QString::fromStdString(kv.key().toStringRef())
                                                    : QString::fromStdString(c10::toString(kv.key().type()));
            describeOutputs(kv.value(), path.isEmpty() ? key : path + QLatin1Char('.') + key, out);
        }
    }
}

QString specSource(const InputSpec& spec)
{
    switch (spec.source) {
    case InputSpec::Source::User: return QStringLiteral("--input");
    case InputSpec::Source::Sidecar: return paths::pretty(spec.origin);
    case InputSpec::Source::Dataset: return QStringLiteral("the dataset %1").arg(paths::pretty(spec.origin));
    case InputSpec::Source::None: break;
    }
    return QStringLiteral("the input spec");
}

Status checkArity(const torch::jit::Module& module, const InputSpec& spec, const QString& modelName)
{
    auto method = module.find_method("forward");
    if (!method)
        return Error::badInput(QStringLiteral("%1 has no forward method; Quantscope runs a model's forward.").arg(modelName));
    const auto& args = method->function().getSchema().arguments();
    int required = 0;
    const int total = int(args.size()) - 1; // self
    QStringList names;
    for (size_t i = 1; i < args.size(); ++i) {
        if (!args[i].default_value())
            ++required;
        names << QString::fromStdString(args[i].name());
    }
    const int given = int(spec.inputs.size());
    if (given < required || given > total) {
        const QString expected = required == total ? QString::number(total) : QStringLiteral("%1 to %2").arg(required).arg(total);
        return Error::badInput(QStringLiteral("%1's forward(%2) takes %3 input(s) but %4 were given (%5 from %6). "
                                              "Give one --input per argument, in order.")
                                   .arg(modelName, names.join(QLatin1String(", ")), expected).arg(given)
                                   .arg(spec.toString(), specSource(spec)));
    }
    return {};
}

// Qualified module path of an inlined node: the instance names along its call stack.
QString modulePathOf(torch::jit::Node* n)
{
    const auto cs = n->callstack();
    if (!cs)
        return {};
    QStringList parts;
    for (const auto& entry : (*cs)->vec()) {
        const auto& info = std::get<2>(entry);
        if (info && !info->instance_name().empty())
            parts << QString::fromStdString(info->instance_name());
    }
    return parts.join(QLatin1Char('.'));
}

// Every module's output value: the last tensor-valued top-level node inside the module (or its
// children) in topological order.
QHash<QString, LayerProbe> probeLayers(const torch::jit::Module& module, const std::vector<c10::IValue>& inputs)
{
    QHash<QString, LayerProbe> result;
    auto graph = module.get_method("forward").graph()->copy();
    torch::jit::Inline(*graph);
    std::map<std::string, torch::jit::Value*> lastValue;
    for (torch::jit::Node* n : graph->nodes()) {
        const QString path = modulePathOf(n);
        if (path.isEmpty() || n->outputs().size() != 1 || !n->output()->type()->cast<c10::TensorType>())
            continue;
        if (n->kind() == c10::prim::Constant || n->kind() == c10::prim::GetAttr)
            continue;
        // A node deep inside "a.b.c" is also the latest output of "a.b" and "a".
        QString prefix = path;
        while (true) {
            lastValue[prefix.toStdString()] = n->output();
            const int dot = prefix.lastIndexOf(QLatin1Char('.'));
            if (dot < 0)
                break;
            prefix = prefix.left(dot);
        }
    }
    if (lastValue.empty())
        return result;
    std::vector<std::string> names;
    for (const auto& kv : lastValue) {
        names.push_back(kv.first);
        graph->registerOutput(kv.second);
    }
    torch::jit::Stack stack;
    stack.emplace_back(module._ivalue());
    for (const auto& v : inputs)
        stack.push_back(v);
    torch::jit::Code code(graph, "quantscope_probe");
    torch::jit::InterpreterState(code).run(stack);
    // The original outputs come first, then ours in registration order.
    const size_t first = stack.size() - names.size();
    for (size_t i = 0; i < names.size(); ++i) {
        const c10::IValue& v = stack[first + i];
        if (!v.isTensor())
            continue;
        const at::Tensor t = v.toTensor();
        LayerProbe lp;
        lp.outputShape = detail::shapeString(t.sizes());
        const torch::jit::Module* owner = nullptr;
        torch::jit::Module sub = module;
        bool found = true;
        for (const QString& part : QString::fromStdString(names[i]).split(QLatin1Char('.'))) {
            auto child = sub.find_method("forward") ? sub.attr(part.toStdString(), c10::IValue()) : c10::IValue();
            if (!child.isObject()) {
                found = false;
                break;
            }
            sub = torch::jit::Module(child.toObject());
        }
        if (found)
            owner = &sub;
        // MACs of Conv/Linear: every output element takes weight.numel() / out_channels products.
        if (owner && owner->hasattr("weight")) {
            const QString type = QString::fromStdString(owner->type()->name()->name());
            const c10::IValue w = owner->attr("weight");
            if (w.isTensor() && (type == QLatin1String("Linear") || type.startsWith(QLatin1String("Conv")))
                && !type.startsWith(QLatin1String("ConvTranspose"))) {
                const at::Tensor wt = w.toTensor();
                if (wt.dim() >= 2 && wt.size(0) > 0)
                    lp.macs = qint64(t.numel()) * (qint64(wt.numel()) / qint64(wt.size(0)));
            }
        }
        result.insert(QString::fromStdString(names[i]), lp);
    }
    return result;
}

} // namespace

QStringList forwardArguments(const TorchModel& model)
{
    QStringList out;
    if (model.isNull())
        return out;
    auto method = detail::moduleOf(model).find_method("forward");
    if (!method)
        return out;
    const auto& args = method->function().getSchema().arguments();
    for (size_t i = 1; i < args.size(); ++i) {
        QString a = QString::fromStdString(args[i].name()) + QLatin1String(": ")
                    + QString::fromStdString(args[i].type()->annotation_str());
        if (args[i].default_value())
            a += QLatin1String(" = ") + QString::fromStdString(c10::IValue(*args[i].default_value()).tagKind() == "None"
                                                                   ? std::string("None")
                                                                   : c10::str(*args[i].default_value()));
        out << a;
    }
    return out;
}

Result<ForwardProbe> probeForward(const TorchModel& model, const InputSpec& spec, bool perLayer)
{
    if (model.isNull())
        return Error(Error::Kind::Internal, QStringLiteral("No model loaded."));
    if (spec.isEmpty())
        return Error::usage(QStringLiteral("%1 needs input shapes: TorchScript does not record them. Give --input SHAPE[:dtype] "
                                           "(e.g. --input 1x3x224x224) or write %2.")
                                .arg(model.name(), paths::pretty(InputSpec::sidecarCandidates(model.path()).value(0))));
    torch::jit::Module& module = detail::moduleOf(model);
    if (Status st = checkArity(module, spec, model.name()); !st)
        return st.error();

    ForwardProbe probe;
    std::vector<c10::IValue> inputs;
    try {
        inputs = detail::makeInputs(spec, 0);
        c10::InferenceMode guard;
        QElapsedTimer timer;
        timer.start();
        const c10::IValue out = module.forward(inputs);
        probe.forwardMs = double(timer.nsecsElapsed()) / 1e6;
        describeOutputs(out, QString(), probe.outputs);
    } catch (...) {
        const auto f = detail::condenseCurrentException();
        return Error::badInput(QStringLiteral("%1 rejected the input %2 (from %3) %4. Check the shape and dtype of each input.")
                                   .arg(model.name(), spec.toString(), specSource(spec), detail::describe(f)),
                               f.full);
    }
    if (perLayer) {
        try {
            c10::InferenceMode guard;
            probe.layers = probeLayers(module, inputs);
        } catch (...) {
            // Per-layer shapes are a nicety; the model itself ran. Say why in the log only.
            qCWarning(lcModel) << "per-layer probe failed:" << detail::condenseCurrentException().summary;
        }
    }
    return probe;
}

Status checkInputs(const TorchModel& model, const InputSpec& spec)
{
    auto r = probeForward(model, spec, false);
    if (!r)
        return r.error();
    return {};
}

} // namespace qs
