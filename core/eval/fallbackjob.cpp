// SPDX-License-Identifier: GPL-3.0-or-later
#include "fallbackjob.h"

#include "core/eval/variantprobe_p.h"

#include <QtCore/QElapsedTimer>

namespace qs {

namespace {

constexpr double kDefaultTop1Budget = 1.0;  // points
constexpr double kDefaultSqnrBudget = 30.0; // dB

class Search
{
public:
    Search(detail::VariantProbe& probe, double budget) : m_probe(probe), m_budget(budget) {}

    bool within(const TrialFigures& f) const
    {
        if (m_probe.metric() == DiagnosisMetric::Top1)
            return f.top1DropPoints.value_or(0) <= m_budget + 1e-9;
        return f.sqnrDb >= m_budget;
    }

    /// Records a step against the last accepted one.
    FallbackStep step(const QString& action, const QString& layer, const QStringList& fp32, const TrialFigures& f)
    {
        FallbackStep s;
        s.action = action;
        s.layer = layer;
        s.fp32Layers = fp32;
        s.figures = f;
        s.withinBudget = within(f);
        if (m_last) {
            // What the step bought: points of top-1 (or dB of SQNR) won, bytes it cost.
            s.gained = m_probe.score(m_last->figures) - m_probe.score(f);
            s.bytesAdded = f.fileBytes - m_last->figures.fileBytes;
        }
        return s;
    }
    void accept(const FallbackStep& s) { m_last = s; }

private:
    detail::VariantProbe& m_probe;
    double m_budget;
    std::optional<FallbackStep> m_last;
};

} // namespace

double FallbackOptions::budgetFor(DiagnosisMetric metric) const
{
    if (budget >= 0)
        return budget;
    return metric == DiagnosisMetric::Sqnr ? kDefaultSqnrBudget : kDefaultTop1Budget;
}

Result<FallbackResult> findFallback(const TorchModel& fp32, const Dataset& data, const DiagnosisOptions& options,
                                    const FallbackOptions& fallback, const EvalHooks& hooks, const SensitivityResult* known)
{
    QElapsedTimer timer;
    timer.start();
    auto prepared = detail::VariantProbe::prepare({fp32, data, options, hooks});
    if (!prepared)
        return prepared.error();
    detail::VariantProbe& p = **prepared;
    FallbackResult r;
    r.modelPath = fp32.path();
    r.modelName = fp32.name();
    r.scheme = options.quant.scheme;
    r.engine = p.all().quantized.variant.engine;
    r.metric = p.metric();
    r.budget = fallback.budgetFor(p.metric());
    r.fp32Accuracy = p.reference().accuracy;
    Search search(p, r.budget);

    // The ranking: given, or measured now on the same probe.
    SensitivityResult ranking;
    if (known && known->scheme == options.quant.scheme && known->metric == p.metric()) {
        ranking = *known;
    } else {
        auto s = detail::sensitivityOf(p, 100, 600);
        if (!s)
            return s.error();
        ranking = *s;
    }
    QStringList order;
    for (const LayerSensitivity& l : ranking.layers) {
        if (l.quantized)
            order << l.name;
    }

    FallbackStep first = search.step(QStringLiteral("quantize every layer"), QString(), {}, p.all().figures);
    r.steps << first;
    search.accept(first);
    QStringList kept;
    bool met = first.withinBudget;
    Variant current = p.all().quantized.variant;
    TrialFigures figures = first.figures;
    for (int i = 0; !met && i < order.size(); ++i) {
        p.checkCancelled();
        p.progress(600 + 250 * i / std::max<qsizetype>(1, order.size()), QStringLiteral("Keeping %1 in FP32").arg(order[i]));
        kept << order[i];
        auto t = p.trial(kept);
        if (!t)
            return t.error();
        FallbackStep s = search.step(QStringLiteral("keep %1 in FP32").arg(order[i]), order[i], kept, t->figures);
        r.steps << s;
        search.accept(s);
        met = s.withinBudget;
        current = t->quantized.variant;
        figures = t->figures;
    }
    // Greedy adds layers in sensitivity order; layers that mattered only together with later
    // ones may not be needed. Try each again, least sensitive first, the last one added excepted.
    if (met && fallback.prune && kept.size() > 1) {
        const QStringList candidates = kept.mid(0, kept.size() - 1);
        for (int i = candidates.size() - 1; i >= 0; --i) {
            p.checkCancelled();
            p.progress(850 + 100 * (candidates.size() - i) / candidates.size(), QStringLiteral("Trying %1 quantized again").arg(candidates[i]));
            QStringList without = kept;
            without.removeAll(candidates[i]);
            auto t = p.trial(without);
            if (!t)
                return t.error();
            FallbackStep s = search.step(QStringLiteral("quantize %1 again").arg(candidates[i]), candidates[i], without, t->figures);
            s.accepted = s.withinBudget;
            r.steps << s;
            if (s.accepted) {
                search.accept(s);
                kept = without;
                current = t->quantized.variant;
                figures = t->figures;
            }
        }
    }
    r.met = met;
    r.fp32Layers = kept;
    r.final = figures;
    r.variant = current;
    if (!met)
        r.notes << QStringLiteral("The budget cannot be met with %1: even with every layer it quantizes kept in FP32 the variant is outside it.")
                       .arg(r.scheme);
    if (met && !fallback.outPath.isEmpty()) {
        p.progress(960, QStringLiteral("Writing the mixed-precision variant"));
        auto t = p.trial(kept, fallback.outPath);
        if (!t)
            return t.error();
        r.variant = t->quantized.variant;
        r.final = t->figures;
    }
    r.seconds = double(timer.nsecsElapsed()) / 1e9;
    return r;
}

FallbackJob::FallbackJob(const TorchModel& fp32, const Dataset& data, const DiagnosisOptions& options, const FallbackOptions& fallback,
                         QObject* parent)
    : Job(QStringLiteral("Accuracy-aware fallback of %1 with %2").arg(fp32.name(), options.quant.scheme), parent), m_model(fp32),
      m_data(data), m_options(options), m_fallback(fallback)
{
}

FallbackResult FallbackJob::result() const
{
    QMutexLocker lock(&m_mutex);
    return m_result;
}

Status FallbackJob::run()
{
    EvalHooks hooks;
    hooks.progress = [this](int permille, const QString& message) { setProgress(permille, message); };
    hooks.checkCancelled = [this] { checkCancelled(); };
    auto r = findFallback(m_model, m_data, m_options, m_fallback, hooks, m_known ? &*m_known : nullptr);
    if (!r)
        return r.error();
    {
        QMutexLocker lock(&m_mutex);
        m_result = *r;
    }
    Q_EMIT found(*r);
    return {};
}

} // namespace qs
