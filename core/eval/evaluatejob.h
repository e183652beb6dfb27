// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/data/dataset.h"
#include "core/eval/evalresult.h"
#include "core/jobs/job.h"
#include "core/model/inputspec.h"
#include "core/model/torchmodel.h"

#include <functional>
#include <optional>

namespace qs {

/// \brief How to evaluate: batching, which output, what the model takes.
struct EvalOptions
{
    qint64 batch = 0;      ///< samples per forward; 0: up to 256, fewer for large samples (about 64 MB a batch)
    QString output;        ///< which output of a tuple/dict result: "0", "1.0", "logits"; empty: the only tensor
    /// The model's inputs (from --input or its sidecar). When given, the data is checked against
    /// it before the first forward, and reshaped to it when only the layout differs.
    InputSpec modelSpec;
    int threads = 0;       ///< compute threads (LibTorch and OpenBLAS); 0: leave as they are
    double imagePeak = 0;  ///< L of image PSNR/SSIM; 0: decided from the reference (see metrics.h)
    QStringList classNames; ///< used when the data has none (e.g. from the model's sidecar)

    /// The batch size used for \a data: batch, or the automatic choice.
    qint64 batchFor(const Dataset& data) const;
};

/// \brief Progress and cancellation for evaluate() (a Job passes its own).
struct EvalHooks
{
    std::function<void(int permille, const QString& message)> progress;
    std::function<void()> checkCancelled; ///< may throw JobCancelled, which evaluate() lets through
};

/// \brief Runs \a model (and \a reference, if not null) on every sample of \a data in batches:
/// accuracy when the data has labels and the output is class scores [N, C], fidelity against
/// the reference. Fails with a message naming the file and the value for data the model
/// cannot take, labels outside the model's classes, or an ambiguous tuple/dict output.
Result<EvalResult> evaluate(const TorchModel& model, const Dataset& data, const EvalOptions& options,
                            const TorchModel& reference = {}, const EvalHooks& hooks = {});

/// \brief The class names in a model's sidecar (`"classes": [...]`), if it has them.
QStringList sidecarClassNames(const QString& modelPath);

/// \brief evaluate() on a worker: progress batch by batch, cancellable between batches.
class EvaluateJob : public Job
{
    Q_OBJECT
public:
    EvaluateJob(const TorchModel& model, const Dataset& data, const EvalOptions& options, const TorchModel& reference = {},
                QObject* parent = nullptr);
    /// Opens the data on the worker too (image folders with many files take a while to scan).
    EvaluateJob(const TorchModel& model, const QString& dataSource, const DatasetOptions& dataOptions, const EvalOptions& options,
                const TorchModel& reference = {}, QObject* parent = nullptr);
    ~EvaluateJob() override;

    /// The result once succeeded() was emitted.
    EvalResult result() const;

Q_SIGNALS:
    /// Emitted on the worker before succeeded().
    void evaluated(const qs::EvalResult& result);

protected:
    Status run() override;

private:
    TorchModel m_model;
    TorchModel m_reference;
    std::optional<Dataset> m_data;
    QString m_dataSource;
    DatasetOptions m_dataOptions;
    EvalOptions m_options;
    mutable QMutex m_resultMutex;
    EvalResult m_result;
};

} // namespace qs
