// SPDX-License-Identifier: GPL-3.0-or-later
// profileOps(): per-op time of two models with LibTorch's RecordFunction callbacks (what
// torch.autograd.profiler builds on), installed for the profiling thread only.
#include <ATen/record_function.h>
#include <torch/script.h>

#include "opprofile.h"

#include "core/bench/threading.h"
#include "core/common/engine.h"
#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/model/tensorutil_p.h"
#include "core/model/torchmodel_p.h"

#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QSet>

#include <algorithm>
#include <chrono>

namespace qs {

namespace {

using Clock = std::chrono::steady_clock;

struct OpTotals
{
    qint64 calls = 0;
    double ns = 0;
    double selfNs = 0;
    qint64 quantizedCalls = 0; ///< calls with a quantized tensor among the inputs
};

struct Totals
{
    QHash<QString, OpTotals> top; ///< ops the graph calls (depth 0 under forward)
    QHash<QString, OpTotals> all; ///< every op by self time
};

// The op in progress on this thread: callbacks are thread-local and strictly nested.
struct OpContext : at::ObserverContext
{
    Clock::time_point start;
    OpContext* parent = nullptr;
    int depth = 0;
    double childNs = 0;
    bool quantizedInput = false;
};

thread_local OpContext* t_current = nullptr;
thread_local Totals* t_totals = nullptr;

bool anyQuantized(const c10::IValue& v)
{
    if (v.isTensor())
        return v.toTensor().defined() && v.toTensor().is_quantized();
    if (v.isTensorList()) {
        for (const at::Tensor& t : v.toTensorVector())
            if (t.defined() && t.is_quantized())
                return true;
    }
    return false;
}

std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction& fn)
{
    auto c = std::make_unique<OpContext>();
    c->parent = t_current;
    c->depth = t_current ? t_current->depth + 1 : 0;
    if (c->depth == 0) {
        for (const c10::IValue& v : fn.inputs()) {
            if (anyQuantized(v)) {
                c->quantizedInput = true;
                break;
            }
        }
    }
    t_current = c.get();
    c->start = Clock::now();
    return c;
}

void onEnd(const at::RecordFunction& fn, at::ObserverContext* ctx)
{
    const auto end = Clock::now();
    auto* c = static_cast<OpContext*>(ctx);
    const double ns = double(std::chrono::duration_cast<std::chrono::nanoseconds>(end - c->start).count());
    t_current = c->parent;
    if (c->parent)
        c->parent->childNs += ns;
    if (!t_totals)
        return;
    const QString name = QString::fromLatin1(fn.name());
    OpTotals& all = t_totals->all[name];
    all.calls++;
    all.ns += ns;
    all.selfNs += ns - c->childNs;
    if (c->depth == 0) {
        OpTotals& top = t_totals->top[name];
        top.calls++;
        top.ns += ns;
        top.selfNs += ns - c->childNs;
        if (c->quantizedInput)
            top.quantizedCalls++;
    }
}

// Installs the callbacks on this thread for its lifetime.
class ProfileScope
{
public:
    explicit ProfileScope(Totals* totals)
    {
        t_totals = totals;
        t_current = nullptr;
        m_handle = at::addThreadLocalCallback(
            at::RecordFunctionCallback(&onStart, &onEnd).needsInputs(true).scopes({ at::RecordScope::FUNCTION }));
    }
    ~ProfileScope()
    {
        at::removeCallback(m_handle);
        t_totals = nullptr;
        t_current = nullptr;
    }
    ProfileScope(const ProfileScope&) = delete;
    ProfileScope& operator=(const ProfileScope&) = delete;

private:
    at::CallbackHandle m_handle;
};

QString categoryOf(const QString& op, bool quantized)
{
    if (op.contains(QLatin1String("quantize_per")) || op.contains(QLatin1String("choose_qparams")))
        return QStringLiteral("quantize");
    if (op == QLatin1String("aten::dequantize"))
        return QStringLiteral("dequantize");
    if (quantized || op.startsWith(QLatin1String("quantized::")))
        return QStringLiteral("int8");
    return QStringLiteral("fp32");
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Per op, the median over the forwards of its calls, time and self time (0 in a forward that did
// not call it): a forward preempted on a busy machine moves the mean, not the median.
QVector<OpTime> medianOps(const std::vector<Totals>& forwards, bool topLevel)
{
    QSet<QString> names;
    for (const Totals& f : forwards)
        for (auto it = (topLevel ? f.top : f.all).begin(); it != (topLevel ? f.top : f.all).end(); ++it)
            names.insert(it.key());
    QVector<OpTime> out;
    for (const QString& name : names) {
        std::vector<double> calls, ns, selfNs;
        qint64 quantized = 0, total = 0;
        for (const Totals& f : forwards) {
            const OpTotals t = (topLevel ? f.top : f.all).value(name);
            calls.push_back(double(t.calls));
            ns.push_back(t.ns);
            selfNs.push_back(t.selfNs);
            quantized += t.quantizedCalls;
            total += t.calls;
        }
        OpTime t;
        t.op = name;
        t.category = categoryOf(name, topLevel && quantized * 2 >= total && total > 0);
        t.calls = median(calls);
        t.ms = median(ns) / 1e6;
        t.selfMs = median(selfNs) / 1e6;
        if (t.calls > 0)
            out << t;
    }
    double sum = 0;
    for (const OpTime& t : out)
        sum += topLevel ? t.ms : t.selfMs;
    for (OpTime& t : out)
        t.share = sum > 0 ? (topLevel ? t.ms : t.selfMs) / sum : 0;
    std::sort(out.begin(), out.end(), [topLevel](const OpTime& a, const OpTime& b) {
        return topLevel ? a.ms > b.ms : a.selfMs > b.selfMs;
    });
    return out;
}

struct Subject
{
    torch::jit::Module module;
    std::vector<Totals> perForward; ///< one per profiled forward
    std::vector<double> wall;
    std::vector<double> profiled;
    int forwards = 0;
};

double forwardMs(torch::jit::Module& m, const std::vector<c10::IValue>& inputs)
{
    const auto t0 = Clock::now();
    m.forward(inputs);
    return double(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()) / 1e6;
}

OpProfile summarize(Subject& s, const QString& label, const QString& path)
{
    OpProfile p;
    p.label = label;
    p.modelPath = path;
    p.wallMs = median(s.wall);
    p.profiledMs = median(s.profiled);
    p.ops = medianOps(s.perForward, true);
    p.kernels = medianOps(s.perForward, false);
    for (const OpTime& t : p.ops) {
        p.opsMs += t.ms;
        p.categoryMs[t.category] += t.ms;
    }
    return p;
}

QString pct(double f)
{
    return QStringLiteral("%1%").arg(100.0 * f, 0, 'f', f < 0.1 ? 1 : 0);
}

QStringList findingsOf(const OpProfileComparison& c)
{
    QStringList out;
    const OpProfile& v = c.variant;
    const OpProfile& r = c.reference;
    out << QStringLiteral("%1 takes %2 ms per forward, FP32 %3 ms: %4x.")
               .arg(v.label)
               .arg(v.wallMs, 0, 'f', 3)
               .arg(r.wallMs, 0, 'f', 3)
               .arg(c.speedup, 0, 'f', 2);
    const double q = v.categoryMs.value(QStringLiteral("quantize")), dq = v.categoryMs.value(QStringLiteral("dequantize"));
    if (q + dq > 0)
        out << QStringLiteral("Converting between FP32 and INT8 costs %1 ms per forward (%2 of the variant's op time): "
                              "quantize %3 ms, dequantize %4 ms.")
                   .arg(q + dq, 0, 'f', 3)
                   .arg(pct(v.opsMs > 0 ? (q + dq) / v.opsMs : 0))
                   .arg(q, 0, 'f', 3)
                   .arg(dq, 0, 'f', 3);
    QStringList fp32Ops;
    double fp32Ms = 0;
    for (const OpTime& t : v.ops) {
        if (t.category != QLatin1String("fp32"))
            continue;
        fp32Ms += t.ms;
        if (t.share >= 0.02)
            fp32Ops << QStringLiteral("%1 (%2 ms, %3)").arg(t.op).arg(t.ms, 0, 'f', 3).arg(pct(t.share));
    }
    if (!fp32Ops.isEmpty())
        out << QStringLiteral("Still running on FP32 in %1: %2.").arg(v.label, fp32Ops.join(QLatin1String(", ")));
    else if (fp32Ms == 0 && v.categoryMs.value(QStringLiteral("int8")) > 0)
        out << QStringLiteral("Every compute op of %1 runs on INT8.").arg(v.label);
    if (!v.ops.isEmpty()) {
        const OpTime& top = v.ops.front();
        QString kernel;
        for (const OpTime& k : v.kernels) {
            if (k.op != top.op && k.selfMs > 0.5 * top.ms) {
                kernel = QStringLiteral(" (mostly in %1)").arg(k.op);
                break;
            }
        }
        out << QStringLiteral("The slowest op of %1 is %2: %3 ms per forward, %4 of its op time%5.")
                   .arg(v.label, top.op)
                   .arg(top.ms, 0, 'f', 3)
                   .arg(pct(top.share), kernel);
    }
    // An op cannot take longer than the whole forward without the profiler: when one does, the
    // profiler itself slowed it (seen for aten::quantize_per_tensor at batch 32 on LibTorch 1.13,
    // not understood yet), and its time must not be read as the op's cost.
    for (const OpProfile* p : { &r, &v }) {
        for (const OpTime& t : p->ops) {
            if (p->wallMs > 0 && t.ms > p->wallMs)
                out << QStringLiteral("Unreliable: under the profiler %1 takes %2 ms per forward in %3, more than the whole "
                                      "forward without it (%4 ms); the profiling slowed it down. Trust the op counts and "
                                      "kinds and the wall times, not this op's time.")
                           .arg(t.op)
                           .arg(t.ms, 0, 'f', 3)
                           .arg(p->label)
                           .arg(p->wallMs, 0, 'f', 3);
        }
    }
    const double overheadV = v.profiledMs - v.opsMs, overheadR = r.profiledMs - r.opsMs;
    if (v.profiledMs > 0 && overheadV / v.profiledMs > 0.3)
        out << QStringLiteral("%1 of %2's forward is outside the ops (interpreter and call overhead, %3 ms): the model is "
                              "too small for kernels to dominate at this batch size; try a larger batch.")
                   .arg(pct(overheadV / v.profiledMs), v.label)
                   .arg(overheadV, 0, 'f', 3);
    Q_UNUSED(overheadR)
    return out;
}

} // namespace

Result<OpProfileComparison> profileOps(const TorchModel& fp32, const TorchModel& variant, const OpProfileOptions& o,
    const std::function<void(int, const QString&)>& progress, const std::function<void()>& checkCancelled)
{
    if (fp32.isNull() || variant.isNull())
        return Error(Error::Kind::Internal, QStringLiteral("No model to profile."));
    if (o.inputs.isEmpty())
        return Error::usage(QStringLiteral("Profiling needs the model's input shape: give --input SHAPE (e.g. --input "
                                           "1x3x224x224) or a sidecar next to the model."));
    if (o.iterations < 1 || o.warmup < 0 || o.threads < 1)
        return Error::usage(QStringLiteral("Iterations and threads must be at least 1, warmup at least 0."));
    if (Status st = engine::select(o.engine); !st)
        return st.error();
    const InputSpec spec = o.batch > 0 ? o.inputs.withBatch(o.batch) : o.inputs;
    OpProfileComparison c;
    c.engine = engine::current();
    c.threads = o.threads;
    c.iterations = o.iterations;
    c.inputs = QStringLiteral("%1 (random, seed %2)").arg(spec.toString()).arg(o.seed);
    auto report = [&](int permille, const QString& message) {
        if (progress)
            progress(permille, message);
    };
    try {
        threading::setComputeThreads(o.threads);
        torch::NoGradGuard noGrad;
        const std::vector<c10::IValue> inputs = detail::makeInputs(spec, o.seed);
        Subject subjects[2] { { detail::moduleOf(fp32) }, { detail::moduleOf(variant) } };
        const QString names[2] { QStringLiteral("FP32"), QStringLiteral("the variant") };
        for (int i = 0; i < 2; ++i) {
            subjects[i].module.eval();
            for (int w = 0; w < o.warmup + 1; ++w) {
                try {
                    subjects[i].module.forward(inputs);
                } catch (...) {
                    const auto f = detail::condenseCurrentException();
                    return Error::badInput(QStringLiteral("%1 does not run on %2: %3. Give the right --input.")
                                               .arg(names[i], spec.toString(), detail::describe(f)),
                        f.full);
                }
            }
        }
        // Rounds of 10 forwards, alternating models, first unprofiled then profiled: both models
        // see the same load on a shared machine.
        const int rounds = (o.iterations + 9) / 10;
        for (int round = 0; round < rounds; ++round) {
            const int n = std::min(10, o.iterations - round * 10);
            for (int i = 0; i < 2; ++i) {
                if (checkCancelled)
                    checkCancelled();
                report(1000 * (2 * round + i) / (2 * rounds),
                    QStringLiteral("Profiling %1, round %2 of %3").arg(names[i]).arg(round + 1).arg(rounds));
                Subject& s = subjects[i];
                for (int k = 0; k < n; ++k)
                    s.wall.push_back(forwardMs(s.module, inputs));
                for (int k = 0; k < n; ++k) {
                    s.perForward.emplace_back();
                    ProfileScope scope(&s.perForward.back());
                    s.profiled.push_back(forwardMs(s.module, inputs));
                }
                s.forwards += n;
            }
        }
        c.reference = summarize(subjects[0], QStringLiteral("FP32"), fp32.path());
        c.variant = summarize(subjects[1], variant.path().isEmpty() ? variant.name() : QFileInfo(variant.path()).fileName(),
            variant.path());
    } catch (const JobCancelled&) {
        throw;
    } catch (...) {
        const auto f = detail::condenseCurrentException();
        return Error::model(QStringLiteral("Profiling failed: %1").arg(detail::describe(f)), f.full);
    }
    c.speedup = c.variant.wallMs > 0 ? c.reference.wallMs / c.variant.wallMs : 0;
    c.findings = findingsOf(c);
    report(1000, QStringLiteral("Profiled"));
    return c;
}

} // namespace qs
