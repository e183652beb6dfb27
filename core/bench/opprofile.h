// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/jobs/job.h"
#include "core/model/inputspec.h"
#include "core/model/torchmodel.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMap>
#include <QtCore/QMetaType>
#include <QtCore/QMutex>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <functional>

namespace qs {

/// \brief Time of one op, summed over a profile and divided by the forwards profiled.
struct OpTime
{
    /// What the op computes on: "quantize" (float -> int8: quantize_per_tensor, choose_qparams),
    /// "dequantize", "int8" (quantized inputs or a quantized:: kernel), "fp32" (float inputs), "other".
    QString category;
    QString op; ///< "quantized::conv2d_relu", "aten::dequantize"
    double calls = 0; ///< per forward
    double ms = 0; ///< per forward, including the ops it calls
    double selfMs = 0; ///< per forward, excluding the ops it calls
    double share = 0; ///< ms / the forward's profiled op time

    QJsonObject toJson() const;
    static OpTime fromJson(const QJsonObject& o);
};

/// \brief Where one model's forward spends its time, op by op.
struct OpProfile
{
    QString label; ///< "FP32", "static-int8"
    QString modelPath;
    double wallMs = 0; ///< median forward without the profiler
    double profiledMs = 0; ///< median forward with the profiler (it costs a little per op)
    double opsMs = 0; ///< the top-level ops' time per forward (profiled)
    /// Median minor page faults of the profiling thread per forward without the profiler. Many
    /// (hundreds) mean glibc gives the memory of large activations back between forwards and the
    /// next forward touches it again: part of the time of the ops that allocate is the kernel's.
    double minorFaults = 0;
    /// The ops the model's graph calls, the slowest first (nested ops count in their caller).
    QVector<OpTime> ops;
    /// Every op at any depth by self time, the slowest first: what the time is really spent in
    /// (e.g. aten::quantized_max_pool2d under aten::max_pool2d).
    QVector<OpTime> kernels;
    QMap<QString, double> categoryMs; ///< category -> ms per forward (top-level ops)

    double categoryShare(const QString& category) const;
    QJsonObject toJson() const;
    static OpProfile fromJson(const QJsonObject& o);
};

/// \brief How to profile.
struct OpProfileOptions
{
    InputSpec inputs; ///< the model's inputs (batch included); random values, seeded
    qint64 batch = 0; ///< > 0: overrides the inputs' leading dimension
    int iterations = 50; ///< profiled forwards per model (interleaved rounds of 10)
    int warmup = 10; ///< forwards before measuring (TorchScript profiles and optimizes the first ones)
    int threads = 1; ///< compute threads (LibTorch and OpenBLAS)
    QString engine; ///< quantized engine; empty: the fastest
    quint64 seed = 0;
};

/// \brief FP32 against a variant, op by op, with what explains the difference.
struct OpProfileComparison
{
    QString inputs; ///< "1x1x28x28 (random, seed 0)"
    QString engine;
    int threads = 1;
    int iterations = 0;
    OpProfile reference; ///< the FP32 model
    OpProfile variant;
    double speedup = 0; ///< reference.wallMs / variant.wallMs
    /// Plain sentences: quantize/dequantize overhead, ops still running FP32, the slowest op.
    QStringList findings;

    QJsonObject toJson() const;
    static Result<OpProfileComparison> fromJson(const QJsonObject& o);
};

/// \brief Profiles \a fp32 and \a variant (any model: a quantized variant, or another FP32 file)
/// on the same random inputs with LibTorch's RecordFunction callbacks, rounds interleaved so that
/// both see the same machine load. \a progress (permille, message) and \a checkCancelled may be
/// empty; checkCancelled may throw JobCancelled.
Result<OpProfileComparison> profileOps(const TorchModel& fp32, const TorchModel& variant, const OpProfileOptions& options,
    const std::function<void(int, const QString&)>& progress = {}, const std::function<void()>& checkCancelled = {});

/// \brief profileOps() on a worker (run it on JobRunner's Timing lane).
class OpProfileJob : public Job
{
    Q_OBJECT
public:
    OpProfileJob(const TorchModel& fp32, const TorchModel& variant, const OpProfileOptions& options,
        QObject* parent = nullptr);
    OpProfileComparison result() const;

Q_SIGNALS:
    void profiled(const qs::OpProfileComparison& result);

protected:
    Status run() override;

private:
    TorchModel m_fp32;
    TorchModel m_variant;
    OpProfileOptions m_options;
    mutable QMutex m_mutex;
    OpProfileComparison m_result;
};

} // namespace qs

Q_DECLARE_METATYPE(qs::OpProfileComparison)
