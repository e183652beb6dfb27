// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/store/runrecord.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <cmath>

namespace qs {

class Store;

/// \brief One compared run: its figures, their ratios to the baseline, a one-line verdict, and
/// what makes the comparison less trustworthy (environment differences, noise).
///
/// Unknown figures are NaN. Ratios read "higher is better" for the compared run: sizeRatio 3.9
/// means 3.9x smaller than the baseline, speedup 2.7 means 2.7x faster.
struct ReportRow
{
    RunRecord run;          ///< with samples (for the charts)
    QString label;          ///< "static-int8 (onednn) b1 t1"
    bool isBaseline = false;
    qint64 accuracyRunId = 0; ///< the run the accuracy came from (itself, or an eval run of its variant)

    double sizeBytes = qQNaN();
    double p50Ms = qQNaN();
    double p99Ms = qQNaN();
    double throughput = qQNaN(); ///< per second
    double peakMb = qQNaN();     ///< MiB
    double cpuPercent = qQNaN();
    double top1 = qQNaN();       ///< percent
    double cosine = qQNaN();     ///< output fidelity against FP32
    double sqnrDb = qQNaN();

    double sizeRatio = qQNaN();       ///< baseline size / size
    double speedup = qQNaN();         ///< baseline p50 / p50
    double p99Speedup = qQNaN();      ///< baseline p99 / p99
    double throughputRatio = qQNaN(); ///< throughput / baseline throughput
    double memoryRatio = qQNaN();     ///< baseline peak / peak
    double cpuRatio = qQNaN();        ///< cpu / baseline cpu
    double top1DeltaPt = qQNaN();     ///< top1 - baseline top1, in percentage points

    QString verdict;              ///< "static-int8 (onednn): 3.9x smaller, 2.7x faster, -0.07 pt top-1"
    QStringList environment;      ///< "cpu: ... -> ..." differences to the baseline's environment and configuration
    QStringList noise;            ///< why its figures may be noisy or not comparable
};

/// \brief A comparison of runs against a baseline run (usually FP32): what every renderer
/// (HTML, PDF, Markdown, CSV, JSON) shows. Built from the Store, or from records in tests.
struct Report
{
    QString title;
    QDateTime created;
    QString database;        ///< where the runs came from
    QString generator;       ///< "Quantscope 0.1.0"
    QVector<ReportRow> rows; ///< the baseline first, then the others in the order asked
    QStringList notes;       ///< remarks about the whole comparison

    const ReportRow& baseline() const { return rows.first(); }

    /// The report data as JSON (no samples): `report_format`, `title`, `created`, `rows` ...
    QJsonObject toJson() const;
    static Result<Report> fromJson(const QJsonObject& object);
    static constexpr int kJsonFormat = 1;
};

/// Fills figures, ratios, verdicts, differences and noise flags. \a runs[baselineIndex] is the
/// baseline; \a evaluations gives, per variant id, an "eval" run to take the accuracy from for
/// runs that have none of their own.
Report buildReport(const QVector<RunRecord>& runs, int baselineIndex, const QMap<qint64, RunRecord>& evaluations = {},
                   const QString& title = {});
/// Loads the runs (and the newest evaluation of each variant) from \a store and builds the report.
Result<Report> buildReport(const Store& store, const QVector<qint64>& runIds, qint64 baselineId, const QString& title = {});

/// "3.9x smaller", "1.2x larger", "same size"... the pieces of a verdict.
QString ratioPhrase(double ratio, const QString& better, const QString& worse, const QString& same);

} // namespace qs
