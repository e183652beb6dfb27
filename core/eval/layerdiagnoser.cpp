// SPDX-License-Identifier: GPL-3.0-or-later
// diagnoseLayers(): per-layer weight error and weight/activation histograms with the ranges the
// quantizer chooses. Graph-mode schemes run the quantizer's own preparation (Conv+BN folding,
// InsertObservers with the same qconfig, calibration on the same batches) and read the observers;
// weight-only schemes run their codecs.
#include <torch/script.h>

#include "layerdiagnosis.h"

#include "core/common/engine.h"
#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/model/inspector.h"
#include "core/model/torchmodel_p.h"
#include "core/quant/calibration_p.h"
#include "core/quant/coverage_p.h"
#include "core/quant/graphquant_p.h"
#include "core/quant/observers_p.h"
#include "core/quant/packedartifact_p.h"
#include "core/quant/schemecatalog.h"
#include "core/quant/weightcodec.h"
#include "core/quant/weightinventory_p.h"
#include "core/quant/weightonly_p.h"

#include <QtCore/QElapsedTimer>

#include <cmath>
#include <limits>
#include <set>

namespace qs {

namespace {

using torch::jit::Module;

constexpr double kInf = std::numeric_limits<double>::infinity();
// A code is clamped when its value lies beyond the end of the range by more than half a step;
// the 1e-4 step of slack keeps values that round exactly to the end code (max|w| of a symmetric
// scale, up to float rounding of the scale) out of the count.
constexpr double kClampSteps = 0.5 + 1e-4;

// Equal-width bins over [lo, hi] (widened when empty); histc's last bin includes hi.
Histogram histogramOf(const at::Tensor& values, double lo, double hi, int bins)
{
    if (!(hi > lo)) {
        lo -= 0.5;
        hi += 0.5;
    }
    Histogram h;
    h.lo = lo;
    h.hi = hi;
    const at::Tensor c = at::histc(values.reshape({ -1 }).to(at::kDouble), bins, lo, hi).to(at::kLong).contiguous();
    h.counts.resize(bins);
    std::copy(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + bins, h.counts.begin());
    return h;
}

double sqnrOf(double signal, double noise)
{
    if (noise <= 0)
        return kInf;
    return signal > 0 ? 10.0 * std::log10(signal / noise) : -kInf;
}

// Error, clipping and histogram of a weight \a w against its quantized-dequantized \a q;
// \a lo / \a hi: where each element's code gets clamped (the clip range widened by half a step:
// values within it round to the end codes like any other value), broadcastable to w.
void measureWeight(WeightDiagnosis& d, const at::Tensor& w, const at::Tensor& q, const at::Tensor& lo,
    const at::Tensor& hi, int bins)
{
    const at::Tensor wd = w.to(at::kDouble);
    const at::Tensor err = wd - q.to(at::kDouble);
    d.mse = err.pow(2).mean().item<double>();
    d.maxAbsError = err.abs().max().item<double>();
    d.sqnrDb = sqnrOf(wd.pow(2).sum().item<double>(), err.pow(2).sum().item<double>());
    d.clippedFraction = at::logical_or(wd < lo, wd > hi).to(at::kDouble).mean().item<double>();
    d.histogram = histogramOf(w, std::min(w.min().item<double>(), d.range.clipMin),
        std::max(w.max().item<double>(), d.range.clipMax), bins);
}

QString dtypeName(int64_t code)
{
    switch (code) {
    case detail::code::QInt8:
        return QStringLiteral("qint8");
    case detail::code::QUInt8:
        return QStringLiteral("quint8");
    case detail::code::QInt32:
        return QStringLiteral("qint32");
    case detail::code::Float16:
        return QStringLiteral("float16");
    default:
        return QStringLiteral("dtype %1").arg(code);
    }
}

QString observerTypeName(const Module& obs)
{
    const auto name = obs.type()->name();
    return name ? QString::fromStdString(name->name()) : QString();
}

// The range a uniform observer (MinMax, PerChannelMinMax, Histogram) chooses now, through its
// own calculate_qparams, as InsertQuantDeQuant reads it.
QuantRange rangeOf(Module& obs)
{
    QuantRange r;
    r.observer = observerTypeName(obs);
    r.dtype = dtypeName(obs.attr("dtype").toInt());
    r.qmin = obs.attr("quant_min").toInt();
    r.qmax = obs.attr("quant_max").toInt();
    const int64_t qscheme = obs.attr("qscheme").toInt();
    const auto qparams = obs.get_method("calculate_qparams")({}).toTuple();
    const at::Tensor scale = qparams->elements()[0].toTensor().to(at::kDouble).reshape({ -1 }).contiguous();
    const at::Tensor zp = qparams->elements()[1].toTensor().to(at::kLong).reshape({ -1 }).contiguous();
    const bool perChannel = qscheme == detail::code::PerChannelAffine || qscheme == detail::code::PerChannelSymmetric;
    if (perChannel) {
        r.kind = QuantRange::Kind::PerChannel;
        r.axis = int(obs.attr("ch_axis").toInt());
        for (int64_t i = 0; i < scale.numel(); ++i) {
            r.scales << scale[i].item<double>();
            r.zeroPoints << zp[i].item<int64_t>();
        }
        r.clipMin = kInf;
        r.clipMax = -kInf;
        for (int i = 0; i < r.scales.size(); ++i) {
            const auto [lo, hi] = r.rangeOf(i);
            r.clipMin = std::min(r.clipMin, lo);
            r.clipMax = std::max(r.clipMax, hi);
        }
    } else {
        r.kind = QuantRange::Kind::PerTensor;
        r.scale = scale[0].item<double>();
        r.zeroPoint = zp[0].item<int64_t>();
        const auto [lo, hi] = r.rangeOf(0);
        r.clipMin = lo;
        r.clipMax = hi;
    }
    return r;
}

// --- where the passes put observers --------------------------------------------------------

struct ObserverSite
{
    QString owner; ///< qualified name of the module whose forward calls it
    Module ownerModule;
    QString attr; ///< "_observer_3"
    torch::jit::Value* observed = nullptr;
    torch::jit::Node* call = nullptr;
    QString weightPath; ///< "conv1.weight" when it observes a weight
};

void visit(torch::jit::Block* block, const std::function<void(torch::jit::Node*)>& fn)
{
    for (torch::jit::Node* n : block->nodes()) {
        fn(n);
        for (torch::jit::Block* b : n->blocks())
            visit(b, fn);
    }
}

QString join(const QString& prefix, const QString& name)
{
    return prefix.isEmpty() ? name : name.isEmpty() ? prefix : prefix + QLatin1Char('.') + name;
}

std::vector<ObserverSite> observerSites(const Module& prepared)
{
    std::vector<ObserverSite> sites;
    for (const auto& named : prepared.named_modules()) {
        const QString owner = QString::fromStdString(named.name);
        if (owner.contains(QLatin1String("_observer_")) || !named.value.find_method("forward"))
            continue;
        auto graph = named.value.get_method("forward").graph();
        torch::jit::Value* self = graph->inputs().at(0);
        visit(graph->block(), [&](torch::jit::Node* n) {
            if (n->kind() != c10::prim::CallMethod || n->s(c10::attr::name) != "forward" || n->inputs().size() != 2)
                return;
            torch::jit::Node* get = n->input(0)->node();
            if (get->kind() != c10::prim::GetAttr || get->input(0) != self
                || get->s(c10::attr::name).rfind("_observer_", 0) != 0)
                return;
            ObserverSite s;
            s.owner = owner;
            s.ownerModule = named.value;
            s.attr = QString::fromStdString(get->s(c10::attr::name));
            s.observed = n->input(1);
            s.call = n;
            const auto chain = detail::attributeChain(n->input(1), self);
            if (!chain.empty()) {
                QStringList parts;
                for (const auto& c : chain)
                    parts << QString::fromStdString(c);
                s.weightPath = join(owner, parts.join(QLatin1Char('.')));
            }
            sites.push_back(s);
        });
    }
    return sites;
}

// "relu1" for a submodule call, "aten::add" for an op, "input" for the forward's argument.
QString describeNode(torch::jit::Node* n, const QString& owner, torch::jit::Value* self)
{
    if (n->kind() == c10::prim::Param)
        return owner.isEmpty() ? QStringLiteral("input") : owner + QStringLiteral(" input");
    if (n->kind() == c10::prim::CallMethod && n->inputs().size() >= 1) {
        const auto chain = detail::attributeChain(n->input(0), self);
        if (!chain.empty()) {
            QStringList parts;
            for (const auto& c : chain)
                parts << QString::fromStdString(c);
            return join(owner, parts.join(QLatin1Char('.')));
        }
    }
    return QString::fromLatin1(n->kind().toQualString());
}

ActivationDiagnosis describeActivation(const ObserverSite& s)
{
    ActivationDiagnosis a;
    auto graph = s.ownerModule.get_method("forward").graph();
    torch::jit::Value* self = graph->inputs().at(0);
    a.owner = s.owner;
    a.observerName = s.attr;
    a.producer = describeNode(s.observed->node(), s.owner, self);
    a.name = a.producer.endsWith(QLatin1String("input")) ? a.producer : a.producer + QStringLiteral(" output");
    for (const torch::jit::Use& use : s.call->output()->uses()) {
        QString c = use.user->kind() == c10::prim::Return
            ? (s.owner.isEmpty() ? QStringLiteral("model output") : s.owner + QStringLiteral(" output"))
            : describeNode(use.user, s.owner, self);
        if (!a.consumers.contains(c))
            a.consumers << c;
    }
    return a;
}

// --- graph-mode schemes ----------------------------------------------------------------------

struct Context
{
    const LayerDiagnosisOptions& options;
    const SchemeInfo& scheme;
    const QuantizeHooks& hooks;
    QString modelName;
    void progress(int permille, const QString& message) const
    {
        if (hooks.progress)
            hooks.progress(permille, message);
    }
    void checkCancelled() const
    {
        if (hooks.checkCancelled)
            hooks.checkCancelled();
    }
};

WeightDiagnosis weightHeader(const detail::WeightInfo& info)
{
    WeightDiagnosis d;
    d.layer = info.module;
    d.layerType = info.moduleType;
    d.tensor = info.path();
    d.shape = QVector<qint64>(info.tensor.sizes().begin(), info.tensor.sizes().end());
    return d;
}

// A weight the scheme leaves in FP32: why (as quantizeModel() reports it) and its histogram.
void describeFp32Weight(WeightDiagnosis& d, const detail::WeightInfo& info, const Coverage& coverage, const Context& ctx)
{
    for (const Fp32Layer& f : coverage.fp32Layers)
        if (f.name == info.module)
            d.note = f.detail.isEmpty() ? f.reason : QStringLiteral("%1 (%2)").arg(f.reason, f.detail);
    if (d.note.isEmpty())
        d.note = QStringLiteral("not quantized by %1").arg(ctx.scheme.id);
    const at::Tensor w = info.tensor.detach().to(at::kFloat);
    measureWeight(d, w, w, at::scalar_tensor(-kInf, at::kDouble), at::scalar_tensor(kInf, at::kDouble), ctx.options.bins);
}

at::Tensor tensorAt(const Module& root, const QString& path)
{
    const QStringList parts = path.split(QLatin1Char('.'));
    Module m = root;
    for (int i = 0; i + 1 < parts.size(); ++i)
        m = m.attr(parts[i].toStdString()).toModule();
    return m.attr(parts.back().toStdString()).toTensor();
}

// The weight as InsertQuantDeQuant quantizes it: quantize_per_channel / quantize_per_tensor with
// the weight observer's qparams, then dequantized.
void diagnoseObservedWeight(WeightDiagnosis& d, Module obs, const at::Tensor& weight, int bins)
{
    const at::Tensor w = weight.detach().to(at::kFloat).contiguous();
    obs.forward({ w }); // what runWeightObserver / calibration do; min/max of the same tensor is idempotent
    d.range = rangeOf(obs);
    const auto dtype = obs.attr("dtype").toInt() == detail::code::QUInt8 ? at::kQUInt8 : at::kQInt8;
    at::Tensor q, lo, hi;
    if (d.range.kind == QuantRange::Kind::PerChannel) {
        const at::Tensor scales = at::tensor(std::vector<double>(d.range.scales.begin(), d.range.scales.end()));
        const at::Tensor zps = at::tensor(std::vector<int64_t>(d.range.zeroPoints.begin(), d.range.zeroPoints.end()));
        q = at::quantize_per_channel(w, scales, zps, d.range.axis, dtype).dequantize();
        std::vector<int64_t> view(size_t(w.dim()), 1);
        view[size_t(d.range.axis)] = -1;
        lo = (scales * ((zps.neg() + int64_t(d.range.qmin)).to(at::kDouble) - kClampSteps)).reshape(view);
        hi = (scales * ((zps.neg() + int64_t(d.range.qmax)).to(at::kDouble) + kClampSteps)).reshape(view);
    } else {
        q = at::quantize_per_tensor(w, d.range.scale, d.range.zeroPoint, dtype).dequantize();
        lo = at::scalar_tensor(d.range.clipMin - kClampSteps * d.range.scale, at::kDouble);
        hi = at::scalar_tensor(d.range.clipMax + kClampSteps * d.range.scale, at::kDouble);
    }
    measureWeight(d, w, q, lo, hi, bins);
}

// A recorder next to every activation observer of \a prepared, fed the same value by a call
// inserted right after the observer's: it sees exactly what the observer sees.
std::vector<Module> attachRecorders(const std::vector<ObserverSite>& sites)
{
    std::vector<Module> recorders;
    std::set<std::pair<torch::jit::Graph*, std::string>> patched; // instances of one type share a graph
    for (const ObserverSite& s : sites) {
        const std::string name = "_qs_recorder" + s.attr.toStdString();
        Module rec = detail::rangeRecorder();
        Module owner = s.ownerModule;
        owner.register_module(name, rec);
        recorders.push_back(rec);
        torch::jit::Graph* graph = s.call->owningGraph();
        if (!patched.insert({ graph, name }).second)
            continue;
        torch::jit::WithInsertPoint guard(s.call->next());
        torch::jit::Value* recorder = graph->insertGetAttr(graph->inputs().at(0), name);
        torch::jit::Node* call = graph->create(c10::prim::CallMethod, { recorder, s.observed });
        call->s_(c10::attr::name, "forward");
        call->output()->setType(c10::TensorType::get());
        graph->insertNode(call);
    }
    return recorders;
}

// After calibration (real observers and unarmed recorders have seen the data): each observer's
// range, then the recorders armed with it and the data run once more for histograms and errors.
Status diagnoseActivations(LayerDiagnosis& r, const Context& ctx, Module& prepared,
    const detail::GraphQuantConfig& config, const std::vector<ObserverSite>& sites, std::vector<Module>& recorders,
    const std::vector<detail::ForwardArgs>& batches)
{
    for (size_t i = 0; i < sites.size(); ++i) {
        const ObserverSite& s = sites[i];
        Module& rec = recorders[i];
        Module obs = s.ownerModule.attr(s.attr.toStdString()).toModule();
        ActivationDiagnosis a = describeActivation(s);
        a.range = rangeOf(obs);
        a.observedMin = rec.attr("min_val").toTensor().item<double>();
        a.observedMax = rec.attr("max_val").toTensor().item<double>();
        // A MinMaxObserver keeps the exact extremes: the recorder must agree, or it saw other values.
        if (a.range.observer == QLatin1String("MinMaxObserver")
            && (obs.attr("min_val").toTensor().item<double>() != a.observedMin
                || obs.attr("max_val").toTensor().item<double>() != a.observedMax))
            return Error(Error::Kind::Internal,
                QStringLiteral("The recorder next to %1 saw [%2, %3], the observer [%4, %5].")
                    .arg(join(s.owner, s.attr))
                    .arg(a.observedMin)
                    .arg(a.observedMax)
                    .arg(obs.attr("min_val").toTensor().item<double>())
                    .arg(obs.attr("max_val").toTensor().item<double>()));
        double lo = std::min(a.observedMin, a.range.clipMin), hi = std::max(a.observedMax, a.range.clipMax);
        if (!(hi > lo)) {
            lo -= 0.5;
            hi += 0.5;
        }
        rec.setattr("armed", true);
        rec.setattr("bins", int64_t(ctx.options.bins));
        rec.setattr("lo", lo);
        rec.setattr("hi", hi);
        rec.setattr("scale", a.range.scale);
        rec.setattr("zero_point", int64_t(a.range.zeroPoint));
        rec.setattr("quant_min", int64_t(a.range.qmin));
        rec.setattr("quant_max", int64_t(a.range.qmax));
        rec.setattr("clip_lo", a.range.clipMin - kClampSteps * a.range.scale);
        rec.setattr("clip_hi", a.range.clipMax + kClampSteps * a.range.scale);
        rec.register_buffer("histogram", at::zeros({ ctx.options.bins }, at::kDouble));
        a.histogram.lo = lo;
        a.histogram.hi = hi;
        r.activations << a;
    }
    // The observers see the data a second time; their ranges were read above.
    auto seen = detail::calibrateGraphMode(prepared, config, batches, ctx.hooks, 700, 950);
    if (!seen)
        return seen.error();
    for (size_t i = 0; i < recorders.size(); ++i) {
        ActivationDiagnosis& a = r.activations[int(i)];
        Module& rec = recorders[i];
        const at::Tensor h = rec.attr("histogram").toTensor().to(at::kLong).contiguous();
        a.histogram.counts.resize(int(h.numel()));
        std::copy(h.data_ptr<int64_t>(), h.data_ptr<int64_t>() + h.numel(), a.histogram.counts.begin());
        const at::Tensor sums = rec.attr("sums").toTensor().contiguous();
        const double* v = sums.data_ptr<double>();
        a.values = qint64(v[0]);
        a.mse = v[0] > 0 ? v[2] / v[0] : 0;
        a.sqnrDb = sqnrOf(v[1], v[2]);
        a.clippedFraction = v[0] > 0 ? v[3] / v[0] : 0;
    }
    return {};
}

Status diagnoseGraphMode(LayerDiagnosis& r, const Context& ctx, const TorchModel& fp32Model,
    const detail::WeightInventory& inventory, const QStringList& excluded, const Dataset& calibration)
{
    const Module& fp32 = detail::moduleOf(fp32Model);
    const detail::GraphQuantConfig config
        = detail::graphQuantConfig(ctx.scheme, ctx.options.quant, r.engine, excluded);
    ctx.progress(50, QStringLiteral("%1: inserting observers").arg(ctx.scheme.id));
    auto prepared = detail::prepareGraphMode(fp32, config);
    if (!prepared)
        return prepared.error();

    const bool isStatic = ctx.scheme.kind == SchemeInfo::Kind::Static;
    std::vector<detail::ForwardArgs> batches;
    std::vector<ObserverSite> activationSites;
    std::vector<Module> recorders;
    if (isStatic) {
        Dataset data = calibration;
        if (data.isNull()) {
            auto opened = openCalibrationData(ctx.options.quant, ctx.modelName);
            if (!opened)
                return opened.error();
            data = *opened;
        }
        if (data.isNull())
            return Error::usage(QStringLiteral("static-int8 chooses activation ranges from calibration data: give "
                                               "--calib DATA (~200 typical inputs) or --calib random with --input."));
        auto inputs = detail::prepareQuantizeInputs(fp32, ctx.options.quant, true, ctx.modelName, data);
        if (!inputs)
            return inputs.error();
        batches = std::move(inputs->calibration);
        r.calibrationSource = inputs->calibrationSource;
        r.notes << inputs->warnings;
        for (const ObserverSite& site : observerSites(*prepared))
            if (site.weightPath.isEmpty())
                activationSites.push_back(site);
        recorders = attachRecorders(activationSites);
        auto seen = detail::calibrateGraphMode(*prepared, config, batches, ctx.hooks, 100, 600);
        if (!seen)
            return seen.error();
        r.calibrationSamples = *seen;
    }
    ctx.checkCancelled();

    // Weights: the folded tensors the passes observed, through their weight observers.
    QHash<QString, ObserverSite> weightSites;
    QSet<QString> observed;
    for (const ObserverSite& s : observerSites(*prepared)) {
        if (!s.weightPath.isEmpty()) {
            weightSites.insert(s.weightPath, s);
            observed.insert(s.weightPath);
        }
    }
    // Reasons for the layers the passes leave alone, as quantizeModel() reports them.
    const detail::ExclusionMap exclusions = detail::exclusionsOf(inventory, ctx.options.quant.excludes);
    QMap<QString, int> anyOps;
    if (!observed.isEmpty())
        anyOps.insert(QStringLiteral("observed"), 1); // coverage counts observed weights only when ops exist
    const Coverage coverage = detail::graphModeCoverage(inventory, exclusions, ctx.scheme, observed, anyOps);
    bool folded = false;
    for (const detail::WeightInfo& info : inventory.weights) {
        ctx.checkCancelled();
        WeightDiagnosis d = weightHeader(info);
        const auto site = weightSites.constFind(info.path());
        if (site != weightSites.constEnd()) {
            const at::Tensor w = tensorAt(*prepared, info.path());
            d.quantized = true;
            if (!at::equal(w.to(at::kFloat), info.tensor.detach().to(at::kFloat))) {
                d.note = QStringLiteral("BatchNorm folded in before quantizing (as the quantizer does)");
                folded = true;
            }
            Module obs = site->ownerModule.attr(site->attr.toStdString()).toModule();
            diagnoseObservedWeight(d, obs, w, ctx.options.bins);
        } else {
            describeFp32Weight(d, info, coverage, ctx);
        }
        r.weights << d;
    }
    if (folded)
        r.notes << QStringLiteral("Conv+BatchNorm pairs are folded before quantizing: the weights shown are the folded ones.");
    if (isStatic) {
        ctx.progress(650, QStringLiteral("%1: recording activations").arg(ctx.scheme.id));
        if (Status st = diagnoseActivations(r, ctx, *prepared, config, activationSites, recorders, batches); !st)
            return st;
    } else {
        r.notes << QStringLiteral("%1 quantizes activations at run time, per batch: no activation ranges to show.")
                       .arg(ctx.scheme.id);
    }
    return {};
}

// --- weight-only schemes ---------------------------------------------------------------------

void diagnoseCodecWeight(WeightDiagnosis& d, const at::Tensor& w, const Context& ctx)
{
    const SchemeInfo& scheme = ctx.scheme;
    const float* data = w.data_ptr<float>();
    at::Tensor q, lo, hi;
    QuantRange& r = d.range;
    if (scheme.kind == SchemeInfo::Kind::KMeans) {
        const auto code = weightcodec::kmeans(data, w.numel(), scheme.bits, ctx.options.quant.seed);
        const std::vector<float> decoded = weightcodec::dequantize(code);
        q = at::from_blob(const_cast<float*>(decoded.data()), w.sizes(), at::kFloat).clone();
        r.kind = QuantRange::Kind::Codebook;
        r.dtype = QStringLiteral("index%1").arg(scheme.bits);
        r.qmin = 0;
        r.qmax = (qint64(1) << scheme.bits) - 1;
        for (int i = 0; i < code.usedCentroids && i < int(code.codebook.size()); ++i)
            r.codebook << code.codebook[size_t(i)];
        if (r.codebook.isEmpty())
            r.codebook << code.codebook.front();
        r.clipMin = r.codebook.front();
        r.clipMax = r.codebook.back();
        lo = at::scalar_tensor(-kInf, at::kDouble); // nearest-centroid mapping clips nothing
        hi = at::scalar_tensor(kInf, at::kDouble);
    } else if (scheme.kind == SchemeInfo::Kind::Fp16) {
        q = w.clamp(-65504.0, 65504.0).to(at::kHalf).to(at::kFloat);
        r.kind = QuantRange::Kind::Float16;
        r.dtype = QStringLiteral("float16");
        r.clipMin = -65504.0;
        r.clipMax = 65504.0;
        lo = at::scalar_tensor(r.clipMin, at::kDouble);
        hi = at::scalar_tensor(r.clipMax, at::kDouble);
    } else {
        const std::vector<int64_t> shape = w.sizes().vec();
        const detail::SymmetricLayout layout = detail::symmetricLayout(scheme, ctx.options.quant, shape);
        const auto code = weightcodec::quantizeSymmetric(data, layout.rows, layout.cols, scheme.bits, layout.block);
        const std::vector<float> decoded = weightcodec::dequantize(code);
        q = at::from_blob(const_cast<float*>(decoded.data()), w.sizes(), at::kFloat).clone();
        r.dtype = QStringLiteral("int%1").arg(scheme.bits);
        r.qmin = -code.qmax();
        r.qmax = code.qmax();
        const at::Tensor scales
            = at::from_blob(const_cast<float*>(code.scales.data()), { layout.rows, code.blocks() }, at::kFloat)
                  .to(at::kDouble);
        if (layout.rows == 1 && code.blocks() == 1) {
            r.kind = QuantRange::Kind::PerTensor;
            r.scale = code.scales.front();
        } else if (code.blocks() == 1) {
            r.kind = QuantRange::Kind::PerChannel;
            r.axis = 0;
        } else {
            r.kind = QuantRange::Kind::PerBlock;
            r.block = code.block;
        }
        if (r.kind != QuantRange::Kind::PerTensor) {
            for (float s : code.scales)
                r.scales << s;
            if (r.kind == QuantRange::Kind::PerChannel)
                r.zeroPoints = QVector<qint64>(r.scales.size(), 0);
        }
        const double maxScale = scales.max().item<double>();
        r.clipMin = -maxScale * code.qmax();
        r.clipMax = maxScale * code.qmax();
        // Each element's own block scale: [rows, blocks] expanded to [rows, cols] (then w's shape).
        const at::Tensor perElement = scales.repeat_interleave(code.block, 1)
                                          .narrow(1, 0, layout.cols)
                                          .reshape(w.sizes());
        hi = perElement * (double(code.qmax()) + kClampSteps);
        lo = -hi;
    }
    measureWeight(d, w, q, lo, hi, ctx.options.bins);
}

Status diagnoseWeightOnly(LayerDiagnosis& r, const Context& ctx, const detail::WeightInventory& inventory)
{
    const detail::ExclusionMap exclusions = detail::exclusionsOf(inventory, ctx.options.quant.excludes);
    const std::vector<int> selected = detail::weightsToPack(inventory, exclusions, ctx.scheme);
    const Coverage coverage = detail::weightOnlyCoverage(inventory, exclusions, ctx.scheme, selected);
    for (int i = 0; i < int(inventory.weights.size()); ++i) {
        ctx.checkCancelled();
        ctx.progress(50 + 900 * i / int(inventory.weights.size()),
            QStringLiteral("%1: %2").arg(ctx.scheme.id, inventory.weights[size_t(i)].path()));
        const detail::WeightInfo& info = inventory.weights[size_t(i)];
        WeightDiagnosis d = weightHeader(info);
        const at::Tensor w = info.tensor.detach().to(at::kFloat).contiguous();
        if (std::find(selected.begin(), selected.end(), i) != selected.end()) {
            if (!at::isfinite(w).all().item<bool>())
                return Error::badInput(QStringLiteral("The weight %1 holds NaN or Inf values, so it cannot be quantized.")
                                           .arg(info.path()));
            d.quantized = true;
            diagnoseCodecWeight(d, w, ctx);
        } else {
            describeFp32Weight(d, info, coverage, ctx);
        }
        r.weights << d;
    }
    r.notes << QStringLiteral("%1 stores weights only; activations stay FP32.").arg(ctx.scheme.id);
    return {};
}

} // namespace

Result<LayerDiagnosis> diagnoseLayers(const TorchModel& fp32, const LayerDiagnosisOptions& optionsIn,
    const Dataset& calibration, const QuantizeHooks& hooks)
{
    QElapsedTimer timer;
    timer.start();
    if (fp32.isNull())
        return Error(Error::Kind::Internal, QStringLiteral("No model to diagnose."));
    LayerDiagnosisOptions options = optionsIn;
    if (!calibration.isNull() && options.quant.calibration == QuantizeOptions::Calibration::None)
        options.quant.calibration = QuantizeOptions::Calibration::File; // the data is given, not named
    if (!calibration.isNull() && options.quant.calibrationPath.isEmpty())
        options.quant.calibrationPath = calibration.info().path;
    if (Status st = options.quant.validate(); !st)
        return st.error();
    if (options.bins < 2 || options.bins > 4096)
        return Error::usage(QStringLiteral("--bins %1 is out of range: give 2 to 4096 histogram bins.").arg(options.bins));
    const SchemeInfo scheme = *findScheme(options.quant.scheme);
    if (Status st = engine::select(options.quant.engine); !st)
        return st.error();
    const QString modelName = fp32.path().isEmpty() ? fp32.name() : paths::pretty(fp32.path());
    const ModelInfo info = inspectModel(fp32);
    if (info.quantized || detail::moduleOf(fp32).hasattr(detail::kRestoredFlag))
        return Error::badInput(
            QStringLiteral("%1 is already quantized; diagnose its FP32 original, which is what a scheme quantizes.")
                .arg(modelName));

    LayerDiagnosis r;
    r.modelPath = fp32.path();
    r.modelName = fp32.name();
    r.scheme = scheme.id;
    r.engine = engine::current();
    r.bins = options.bins;
    const bool graphMode = scheme.kind == SchemeInfo::Kind::Dynamic || scheme.kind == SchemeInfo::Kind::Static;
    if (scheme.kind == SchemeInfo::Kind::Static)
        r.observer = QuantizeOptions::observerName(options.quant.observer);
    if (scheme.kind == SchemeInfo::Kind::KMeans)
        r.granularity = QStringLiteral("per layer (codebook)");
    else if (scheme.kind == SchemeInfo::Kind::Linear)
        r.granularity = QuantizeOptions::granularityName(QuantizeOptions::Granularity::PerTensor);
    else if (scheme.blockwise && options.quant.blockSize > 0)
        r.granularity = QStringLiteral("block %1").arg(options.quant.blockSize);
    else if (scheme.kind != SchemeInfo::Kind::Fp16)
        r.granularity = QuantizeOptions::granularityName(options.quant.effectiveGranularity(graphMode ? r.engine : QString()));

    const Context ctx { options, scheme, hooks, modelName };
    try {
        torch::NoGradGuard noGrad;
        const detail::WeightInventory inventory = detail::inventoryOf(detail::moduleOf(fp32));
        auto excluded = detail::excludedModules(options.quant.excludes, inventory, modelName);
        if (!excluded)
            return excluded.error();
        const Status st = graphMode ? diagnoseGraphMode(r, ctx, fp32, inventory, *excluded, calibration)
                                    : diagnoseWeightOnly(r, ctx, inventory);
        if (!st)
            return st.error();
    } catch (const JobCancelled&) {
        throw;
    } catch (...) {
        const detail::TorchFailure f = detail::condenseCurrentException();
        return Error::model(QStringLiteral("Diagnosing %1 for %2 failed: %3").arg(modelName, scheme.id, detail::describe(f)),
            f.full);
    }
    r.seconds = double(timer.nsecsElapsed()) / 1e9;
    ctx.progress(1000, QStringLiteral("%1: diagnosed %2 weights").arg(scheme.id).arg(r.weights.size()));
    return r;
}

} // namespace qs
