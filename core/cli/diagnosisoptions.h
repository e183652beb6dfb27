// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/cli/command.h"
#include "core/eval/diagnosis.h"
#include "core/jobs/job.h"
#include "core/model/torchmodel.h"

namespace qs::cli {

/// \brief The options sensitivity and fallback share: the scheme and its options, the data, the
/// calibration data, the metric, batching.
void addDiagnosisOptions(QCommandLineParser& parser);

/// \brief What addDiagnosisOptions() parsed, with the model loaded and the data opened.
struct Diagnosis
{
    TorchModel model;
    Dataset data;
    DiagnosisOptions options;
};

/// Parses the options, loads MODEL (the one positional argument) and opens --data (and --calib).
/// \a usage is shown with usage errors.
Result<Diagnosis> diagnosisFromArgs(Context& ctx, const QCommandLineParser& parser, const QString& usage);

/// Shows what data the diagnosis runs on, then runs \a job; the exit code of a failure, or -1.
int runDiagnosisJob(Context& ctx, const Diagnosis& d, Job& job);

/// The "Model" and "Scheme" lines of a result's text output.
QVector<QPair<QString, QString>> headerRows(const DiagnosisHeader& r);

/// "0.42 pt" / "38.1 dB" / "identical" for a figure of \a metric.
QString formatFigure(const TrialFigures& f, DiagnosisMetric metric);

} // namespace qs::cli
