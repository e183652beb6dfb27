// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/job.h"
#include "core/model/torchmodel.h"
#include "core/quant/quantizeoptions.h"
#include "core/quant/variant.h"

#include <QtCore/QVector>

namespace qs {

/// \brief Quantizes one model with one or several schemes (one Variant each) on a worker thread.
///
/// Progress covers calibration batch by batch; cancel() takes effect between calibration
/// batches and between schemes. A scheme that fails does not stop the others: its error comes
/// with variantFailed() and the job fails at the end with the first error; the variants that
/// worked are emitted with variantReady() and kept in variants().
class QuantizeJob : public Job
{
    Q_OBJECT
public:
    QuantizeJob(const TorchModel& model, const QVector<QuantizeOptions>& schemes, QObject* parent = nullptr);
    ~QuantizeJob() override;

    /// Keep each variant's model in memory (for a benchmark or evaluation that follows).
    void setKeepModels(bool keep) { m_keepModels = keep; }
    /// Calibration data already opened (the studio's); otherwise each scheme's calibrationPath
    /// is opened, once per distinct source.
    void setCalibrationData(const Dataset& data) { m_calibration = data; }

    const QVector<QuantizeOptions>& schemes() const { return m_schemes; }
    /// Variants made so far, in the order of schemes() (failed ones are missing).
    QVector<Variant> variants() const;
    /// With setKeepModels(true): the model of variants()[i].
    QVector<TorchModel> models() const;
    /// Failed schemes: index into schemes() and the error.
    QVector<QPair<int, Error>> failures() const;

Q_SIGNALS:
    void variantReady(int index, const qs::Variant& variant);
    void variantFailed(int index, const QString& scheme, const qs::Error& error);

protected:
    Status run() override;

private:
    TorchModel m_model;
    QVector<QuantizeOptions> m_schemes;
    bool m_keepModels = false;
    Dataset m_calibration;
    mutable QMutex m_resultMutex;
    QVector<Variant> m_variants;
    QVector<TorchModel> m_models;
    QVector<QPair<int, Error>> m_failures;
};

} // namespace qs
