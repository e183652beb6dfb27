// SPDX-License-Identifier: GPL-3.0-or-later
// profileOps(): per-op time of two models with LibTorch's RecordFunction callbacks (what
// torch.autograd.profiler builds on), installed for the profiling thread only.
#include <ATen/record_function.h>
#include <torch/script.h>

#include "opprofile.h"
#include "opprofiler_p.h"

#include "core/bench/threading.h"
#include "core/common/engine.h"
#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/model/tensorutil_p.h"
#include "core/model/torchmodel_p.h"

#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QPair>
#include <QtCore/QSet>

#include <algorithm>
#include <chrono>
#include <cstring>

#include <sys/resource.h>

namespace qs {

namespace {

using Clock = std::chrono::steady_clock;

// The callbacks below run inside the model's forward, between its tensor allocations. They must
// not allocate themselves: small heap allocations made there (one context per op, the op's name as
// a QString, hash nodes) land between the forward's tensors and change how glibc reuses, trims and
// maps the heap, and the forward then page-faults more than it does without the profiler (measured
// on the demo CNN at batch 32: 221 -> 635 minor faults and 4.2 -> 5.9 ms per FP32 forward, with the
// extra time charged to whichever op allocated; docs/benchmarks.md). So a profiled forward only
// writes fixed-size records into memory reserved and touched beforehand, and nothing is summed
// until every forward has run.

struct OpTotals
{
    qint64 calls = 0;
    double ns = 0;
    double selfNs = 0;
};

struct Totals
{
    QHash<QString, OpTotals> top; ///< ops the graph calls (depth 0 under forward)
    QHash<QString, OpTotals> all; ///< every op by self time
};

/// One finished op call of a profiled forward.
struct Event
{
    qint32 name = 0; ///< index in the Recorder's name table
    qint32 depth = 0; ///< 0: called by the graph
    double ns = 0;
    double selfNs = 0;
};

/// Op names seen by the callbacks, interned into storage reserved up front (fn.name() may point
/// into the RecordFunction, so it is copied, never kept).
class NameTable
{
public:
    static constexpr int kCapacity = 1024;
    static constexpr int kLength = 96;

    NameTable()
        : m_text(size_t(kCapacity) * kLength, '\0')
        , m_hash(kCapacity, 0)
        , m_slots(2 * kCapacity, -1)
    {
        intern("(other ops)");
    }

    /// Index of \a name; index 0 ("(other ops)") once the table is full. Does not allocate.
    int intern(const char* name)
    {
        char buf[kLength];
        size_t n = 0;
        quint32 h = 2166136261u;
        for (; name[n] && n < kLength - 1; ++n) {
            buf[n] = name[n];
            h = (h ^ quint8(name[n])) * 16777619u;
        }
        buf[n] = '\0';
        const size_t mask = m_slots.size() - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            const int slot = m_slots[i];
            if (slot < 0) {
                if (m_count >= kCapacity)
                    return 0;
                std::memcpy(&m_text[size_t(m_count) * kLength], buf, n + 1);
                m_hash[m_count] = h;
                m_slots[i] = m_count;
                return m_count++;
            }
            if (m_hash[slot] == h && std::strcmp(&m_text[size_t(slot) * kLength], buf) == 0)
                return slot;
        }
    }

    QString name(int index) const { return QString::fromLatin1(&m_text[size_t(index) * kLength]); }
    int count() const { return m_count; }

private:
    std::vector<char> m_text;
    std::vector<quint32> m_hash;
    std::vector<int> m_slots;
    int m_count = 0;
};

/// What the callbacks write to, for the profiling thread. Its buffers are sized and touched before
/// a forward runs; a forward that would overflow them drops calls (counted) instead of allocating.
struct Recorder
{
    static constexpr int kMaxDepth = 256;

    struct Frame
    {
        Clock::time_point start;
        double childNs = 0;
    };

    NameTable names;
    std::vector<Event> events; ///< size() is the capacity; used: the first `used`
    size_t used = 0;
    qint64 dropped = 0;
    std::vector<Frame> stack = std::vector<Frame>(kMaxDepth);
    int level = 0; ///< ops in progress (may exceed kMaxDepth: those are not timed)

    /// Room for \a more events after the ones used, touched now rather than in a forward.
    void reserve(size_t more)
    {
        if (used + more > events.size())
            events.resize(std::max(used + more, 2 * events.size()));
    }
};

thread_local Recorder* t_recorder = nullptr;

std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction&)
{
    Recorder* r = t_recorder;
    if (!r)
        return nullptr;
    const int level = r->level++;
    if (level < Recorder::kMaxDepth) {
        Recorder::Frame& f = r->stack[size_t(level)];
        f.childNs = 0;
        f.start = Clock::now();
    }
    return nullptr; // no context object: nothing allocated per op
}

void onEnd(const at::RecordFunction& fn, at::ObserverContext*)
{
    const auto end = Clock::now();
    Recorder* r = t_recorder;
    if (!r || r->level == 0)
        return;
    const int level = --r->level;
    if (level >= Recorder::kMaxDepth)
        return;
    const Recorder::Frame& f = r->stack[size_t(level)];
    const double ns = double(std::chrono::duration_cast<std::chrono::nanoseconds>(end - f.start).count());
    if (level > 0 && level - 1 < Recorder::kMaxDepth)
        r->stack[size_t(level - 1)].childNs += ns;
    if (r->used >= r->events.size()) {
        ++r->dropped;
        return;
    }
    Event& e = r->events[r->used++];
    e.name = r->names.intern(fn.name());
    e.depth = level;
    e.ns = ns;
    e.selfNs = ns - f.childNs;
}

// Installs the timing callbacks on this thread for its lifetime. Inputs are not asked for: boxing
// them would allocate (list arguments become c10::List) in every op.
class ProfileScope
{
public:
    explicit ProfileScope(Recorder* recorder)
    {
        recorder->level = 0;
        t_recorder = recorder;
        m_handle = at::addThreadLocalCallback(
            at::RecordFunctionCallback(&onStart, &onEnd).needsInputs(false).scopes({ at::RecordScope::FUNCTION }));
    }
    ~ProfileScope()
    {
        at::removeCallback(m_handle);
        t_recorder = nullptr;
    }
    ProfileScope(const ProfileScope&) = delete;
    ProfileScope& operator=(const ProfileScope&) = delete;

private:
    at::CallbackHandle m_handle;
};

// One forward, untimed, with the inputs: which graph-level ops take a quantized tensor, and how
// many op calls a forward makes (to size the Recorder).
struct Classification
{
    QHash<QString, QPair<qint64, qint64>> top; ///< op -> (calls, calls with a quantized input)
    qint64 events = 0;
    int level = 0;
};

thread_local Classification* t_classification = nullptr;

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

std::unique_ptr<at::ObserverContext> onClassifyStart(const at::RecordFunction& fn)
{
    Classification* c = t_classification;
    if (!c)
        return nullptr;
    if (c->level++ == 0) {
        bool quantized = false;
        for (const c10::IValue& v : fn.inputs())
            quantized = quantized || anyQuantized(v);
        auto& t = c->top[QString::fromLatin1(fn.name())];
        t.first++;
        t.second += quantized ? 1 : 0;
    }
    c->events++;
    return nullptr;
}

void onClassifyEnd(const at::RecordFunction&, at::ObserverContext*)
{
    if (Classification* c = t_classification; c && c->level > 0)
        c->level--;
}

Classification classify(torch::jit::Module& m, const std::vector<c10::IValue>& inputs)
{
    Classification c;
    t_classification = &c;
    const auto handle = at::addThreadLocalCallback(at::RecordFunctionCallback(&onClassifyStart, &onClassifyEnd)
                                                       .needsInputs(true)
                                                       .scopes({ at::RecordScope::FUNCTION }));
    try {
        m.forward(inputs);
    } catch (...) {
        at::removeCallback(handle);
        t_classification = nullptr;
        throw;
    }
    at::removeCallback(handle);
    t_classification = nullptr;
    return c;
}

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
QVector<OpTime> medianOps(const std::vector<Totals>& forwards, bool topLevel, const QSet<QString>& quantizedOps)
{
    QSet<QString> names;
    for (const Totals& f : forwards)
        for (auto it = (topLevel ? f.top : f.all).begin(); it != (topLevel ? f.top : f.all).end(); ++it)
            names.insert(it.key());
    QVector<OpTime> out;
    for (const QString& name : names) {
        std::vector<double> calls, ns, selfNs;
        for (const Totals& f : forwards) {
            const OpTotals t = (topLevel ? f.top : f.all).value(name);
            calls.push_back(double(t.calls));
            ns.push_back(t.ns);
            selfNs.push_back(t.selfNs);
        }
        OpTime t;
        t.op = name;
        t.category = categoryOf(name, topLevel && quantizedOps.contains(name));
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
    Subject(torch::jit::Module m)
        : module(std::move(m))
    {
    }

    torch::jit::Module module;
    Recorder recorder;
    std::vector<std::pair<size_t, size_t>> forwardEvents; ///< [begin, end) of each profiled forward's events
    QSet<QString> quantizedOps; ///< graph-level ops most of whose calls take a quantized tensor
    qint64 eventsPerForward = 0;
    std::vector<double> wall;
    std::vector<double> faults; ///< minor page faults of each unprofiled forward
    std::vector<double> profiled;
    int forwards = 0;
};

// Minor page faults of the calling thread so far.
qint64 minorFaults()
{
    rusage u {};
    return getrusage(RUSAGE_THREAD, &u) == 0 ? qint64(u.ru_minflt) : 0;
}

double forwardMs(torch::jit::Module& m, const std::vector<c10::IValue>& inputs)
{
    const auto t0 = Clock::now();
    m.forward(inputs);
    return double(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()) / 1e6;
}

// The recorded events, forward by forward, summed per op (after every forward has run).
std::vector<Totals> totalsOf(const Subject& s)
{
    QVector<QString> names;
    for (int i = 0; i < s.recorder.names.count(); ++i)
        names << s.recorder.names.name(i);
    std::vector<Totals> out(s.forwardEvents.size());
    for (size_t f = 0; f < s.forwardEvents.size(); ++f) {
        for (size_t i = s.forwardEvents[f].first; i < s.forwardEvents[f].second; ++i) {
            const Event& e = s.recorder.events[i];
            const QString& name = names[e.name];
            OpTotals& all = out[f].all[name];
            all.calls++;
            all.ns += e.ns;
            all.selfNs += e.selfNs;
            if (e.depth == 0) {
                OpTotals& top = out[f].top[name];
                top.calls++;
                top.ns += e.ns;
                top.selfNs += e.selfNs;
            }
        }
    }
    return out;
}

OpProfile summarize(const Subject& s, const QString& label, const QString& path)
{
    OpProfile p;
    p.label = label;
    p.modelPath = path;
    p.wallMs = median(s.wall);
    p.profiledMs = median(s.profiled);
    p.minorFaults = median(s.faults);
    const std::vector<Totals> perForward = totalsOf(s);
    p.ops = medianOps(perForward, true, s.quantizedOps);
    p.kernels = medianOps(perForward, false, s.quantizedOps);
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
    // The callbacks cost a little per op call (a clock read and a record, about a microsecond):
    // when that is a large part of the forward (many small ops), op times are inflated by it.
    for (const OpProfile* p : { &r, &v }) {
        if (p->wallMs > 0 && p->profiledMs > 1.25 * p->wallMs)
            out << QStringLiteral("Profiling made %1's forward %2 slower (%3 ms against %4 ms without it): its ops are "
                                  "small enough for the per-call cost of profiling to show; compare op times with care "
                                  "or try a larger batch.")
                       .arg(p->label, pct(p->profiledMs / p->wallMs - 1))
                       .arg(p->profiledMs, 0, 'f', 3)
                       .arg(p->wallMs, 0, 'f', 3);
    }
    // Large activations (FP32 CNNs at a large batch) can run in one of two states of glibc's heap:
    // memory kept between forwards, or given back and page-faulted again every forward, which
    // the ops that allocate pay for (demo CNN at batch 32: ~4 ms against ~7 ms per forward).
    for (const OpProfile* p : { &r, &v }) {
        if (p->minorFaults >= 100)
            out << QStringLiteral("%1 page-faults %2 times per forward: glibc gives the memory of its large tensors back "
                                  "between forwards and the next forward touches it again, so part of its time (in the "
                                  "ops that allocate) is the kernel's. The same model can be faster in a process that "
                                  "keeps that memory, or in another run: compare wall times with care.")
                       .arg(p->label)
                       .arg(qRound64(p->minorFaults));
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

qint64 detail::recordForward(const std::function<void()>& forward, qint64 expectedCalls)
{
    Recorder recorder;
    recorder.reserve(size_t(std::max<qint64>(expectedCalls, 1)));
    {
        ProfileScope scope(&recorder);
        forward();
    }
    return qint64(recorder.used) + recorder.dropped;
}

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
    qint64 dropped = 0;
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
        // Which graph-level ops run on quantized tensors, and how many op calls a forward makes:
        // one more forward each, with the inputs, untimed. Then the event buffers are reserved
        // (and touched) for every profiled forward, so that none allocates while timed.
        for (Subject& s : subjects) {
            const Classification k = classify(s.module, inputs);
            for (auto it = k.top.begin(); it != k.top.end(); ++it)
                if (it->second * 2 >= it->first && it->first > 0)
                    s.quantizedOps.insert(it.key());
            s.eventsPerForward = std::max<qint64>(k.events, 1);
            s.recorder.reserve(size_t(s.eventsPerForward) * size_t(o.iterations + 1));
        }
        // Rounds of 10 forwards, alternating models so that both see the same load on a shared
        // machine; within a round each forward without the profiler (the wall time) is followed by
        // one with it, so both see the same state of the caches and the heap.
        const int rounds = (o.iterations + 9) / 10;
        for (int round = 0; round < rounds; ++round) {
            const int n = std::min(10, o.iterations - round * 10);
            for (int i = 0; i < 2; ++i) {
                if (checkCancelled)
                    checkCancelled();
                report(1000 * (2 * round + i) / (2 * rounds),
                    QStringLiteral("Profiling %1, round %2 of %3").arg(names[i]).arg(round + 1).arg(rounds));
                Subject& s = subjects[i];
                for (int k = 0; k < n; ++k) {
                    const qint64 faults = minorFaults();
                    s.wall.push_back(forwardMs(s.module, inputs));
                    s.faults.push_back(double(minorFaults() - faults));
                    s.recorder.reserve(size_t(2 * s.eventsPerForward));
                    const size_t begin = s.recorder.used;
                    {
                        ProfileScope scope(&s.recorder);
                        s.profiled.push_back(forwardMs(s.module, inputs));
                    }
                    s.forwardEvents.emplace_back(begin, s.recorder.used);
                    s.eventsPerForward = std::max<qint64>(s.eventsPerForward, qint64(s.recorder.used - begin));
                }
                s.forwards += n;
            }
        }
        for (const Subject& s : subjects)
            dropped += s.recorder.dropped;
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
    if (dropped > 0)
        c.findings << QStringLiteral("%1 op calls were not recorded (a forward made more calls than the first one did); "
                                     "the op times of the forwards concerned are incomplete.")
                          .arg(dropped);
    report(1000, QStringLiteral("Profiled"));
    return c;
}

} // namespace qs
