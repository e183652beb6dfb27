// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/eval/diagnosis.h"
#include "core/jobs/job.h"
#include "core/model/torchmodel.h"

namespace qs {

/// \brief What the accuracy-aware fallback must achieve.
struct FallbackOptions
{
    /// Metric top1: the largest top-1 drop against FP32 allowed, in points (default 1).
    /// Metric sqnr: the smallest output SQNR against FP32 allowed, in dB (default 30).
    /// Negative: the default of the metric.
    double budget = -1;
    /// Where to write the mixed-precision variant; empty: keep it in memory only.
    QString outPath;
    /// After the budget is met, try quantizing each kept layer again (least sensitive first) and
    /// keep it quantized when the budget still holds: a smaller FP32 set than greedy alone.
    bool prune = true;

    double budgetFor(DiagnosisMetric metric) const;
};

/// \brief Accuracy-aware fallback: quantizes every layer, and while the variant is outside the
/// budget keeps the next most sensitive layer (per \a known, or a sensitivity analysis run here)
/// in FP32; then prunes the set. Every variant tried is a step of the result; the final one is
/// written to options.outPath.
Result<FallbackResult> findFallback(const TorchModel& fp32, const Dataset& data, const DiagnosisOptions& options,
                                    const FallbackOptions& fallback, const EvalHooks& hooks = {},
                                    const SensitivityResult* known = nullptr);

/// \brief findFallback() on a worker.
class FallbackJob : public Job
{
    Q_OBJECT
public:
    FallbackJob(const TorchModel& fp32, const Dataset& data, const DiagnosisOptions& options, const FallbackOptions& fallback,
                QObject* parent = nullptr);
    FallbackResult result() const;
    /// A ranking already computed for the same model, data, scheme and metric (the studio's
    /// Layers page has one): the fallback then skips its own sensitivity analysis.
    void setSensitivity(const SensitivityResult& known) { m_known = known; }

Q_SIGNALS:
    void found(const qs::FallbackResult& result);

protected:
    Status run() override;

private:
    TorchModel m_model;
    Dataset m_data;
    DiagnosisOptions m_options;
    FallbackOptions m_fallback;
    std::optional<SensitivityResult> m_known;
    mutable QMutex m_mutex;
    FallbackResult m_result;
};

} // namespace qs
