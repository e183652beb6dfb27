// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/eval/diagnosis.h"
#include "core/jobs/job.h"
#include "core/model/torchmodel.h"

namespace qs {

/// \brief Per-layer sensitivity of \a fp32 to options.quant.scheme on \a data: every layer the
/// scheme quantizes is quantized alone (all others kept in FP32 with --exclude) and the variant is
/// measured end to end against FP32 (top-1 drop with labels, output SQNR without); layers are
/// ranked, the most sensitive first. FP32 runs once; each layer costs one quantization (with
/// calibration for static schemes) and one pass over the data.
Result<SensitivityResult> analyzeSensitivity(const TorchModel& fp32, const Dataset& data, const DiagnosisOptions& options,
                                             const EvalHooks& hooks = {});

/// \brief analyzeSensitivity() on a worker: progress per layer, cancellable between batches.
class SensitivityJob : public Job
{
    Q_OBJECT
public:
    SensitivityJob(const TorchModel& fp32, const Dataset& data, const DiagnosisOptions& options, QObject* parent = nullptr);
    SensitivityResult result() const;

Q_SIGNALS:
    void analyzed(const qs::SensitivityResult& result);

protected:
    Status run() override;

private:
    TorchModel m_model;
    Dataset m_data;
    DiagnosisOptions m_options;
    mutable QMutex m_mutex;
    SensitivityResult m_result;
};

} // namespace qs
