// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core .cpp files: quantizing a model with some layers kept in FP32 and measuring the
// variant against FP32 on the same data, many times over (sensitivity, fallback).
#pragma once

#include "core/eval/diagnosis.h"
#include "core/eval/evaluator_p.h"
#include "core/quant/quantizer.h"

#include <QtCore/QTemporaryDir>

#include <memory>

namespace qs::detail {

/// \brief One variant made and measured.
struct Trial
{
    QuantizedModel quantized;
    EvalResult eval;
    TrialFigures figures;
    double seconds = 0;
};

/// \brief The shared state of a diagnosis: the FP32 model, its outputs on the data (computed
/// once), the calibration file, the scheme's options and the metric and hooks.
class VariantProbe
{
public:
    struct Setup
    {
        TorchModel fp32;
        Dataset data;
        DiagnosisOptions options;
        EvalHooks hooks; ///< prepare() reports progress up to 100 permille; the caller the rest
    };

    /// Writes the calibration file, runs FP32 over the data, quantizes every layer once.
    static Result<std::unique_ptr<VariantProbe>> prepare(const Setup& setup);

    /// The variant with \a fp32Layers kept in FP32 (besides the options' excludes), measured.
    /// \a outPath: also write the artifact there.
    Result<Trial> trial(const QStringList& fp32Layers, const QString& outPath = {});

    const Setup& setup() const { return m_setup; }
    DiagnosisMetric metric() const { return m_metric; }
    const ReferenceRun& reference() const { return m_reference; }
    /// The layers the scheme quantizes when nothing is held back, in model order, with types.
    const QVector<QPair<QString, QString>>& layers() const { return m_layers; }
    /// Every layer quantized together.
    const Trial& all() const { return m_all; }
    QString calibrationSource() const { return m_calibrationSource; }

    /// Larger = worse: top-1 drop in points, or -SQNR in dB.
    double score(const TrialFigures& f) const;
    /// Reports progress of the whole diagnosis (permille of its own range).
    void progress(int permille, const QString& message) const;
    void checkCancelled() const;

private:
    explicit VariantProbe(const Setup& setup) : m_setup(setup) {}

    Setup m_setup;
    DiagnosisMetric m_metric = DiagnosisMetric::Top1;
    ReferenceRun m_reference;
    QVector<QPair<QString, QString>> m_layers;
    Trial m_all;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_calibrationSource;
};

/// The sensitivity analysis on a prepared probe (sensitivityjob.cpp); progress from
/// \a progressFrom to \a progressTo permille.
Result<SensitivityResult> sensitivityOf(VariantProbe& probe, int progressFrom, int progressTo);

} // namespace qs::detail
