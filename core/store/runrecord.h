// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/memorytimeline.h"
#include "core/bench/runresult.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QMap>
#include <QtCore/QMetaType>
#include <QtCore/QStringList>
#include <QtCore/QVector>

namespace qs {

/// \brief A Model as the Store keeps it: identified by path + sha256.
struct ModelRecord
{
    qint64 id = 0;       ///< database id (0 until stored)
    QString name;        ///< file name without directory, what tables show
    QString path;
    QString sha256;
    qint64 params = -1;  ///< -1: unknown
    qint64 fileBytes = -1;
};

/// \brief A Variant: what a Scheme made from a Model (FP32 as loaded is the variant "fp32").
struct VariantRecord
{
    qint64 id = 0;
    QString scheme;           ///< "fp32", "fp32-optimized", "dynamic-int8", "static-int8"...
    QString engine;           ///< quantized engine the variant was made for ("" for FP32)
    QJsonObject options;      ///< scheme options (observer, per-channel, block, exclusions...)
    QString artifactPath;     ///< the file this variant is (the model itself for "fp32")
    QString artifactSha256;
    qint64 artifactBytes = -1;
    qint64 paramBytes = -1;
    QJsonObject coverage;     ///< quantized/total layers and tensors, fp32 layers and why

    /// "static-int8 (onednn)" or "fp32": the name used in tables and verdicts.
    QString label() const;
};

/// \brief One row of a per-layer result (sensitivity, weight error, per-op time).
struct LayerResult
{
    QString name;
    QString type;
    QJsonObject data; ///< numbers by name: {"sqnr_db": 31.2, "top1_drop": 0.4}
};

/// \brief Everything the Store keeps about one Run: which Variant of which Model, how it was
/// configured, where it ran (Fingerprint), how it ended, its metrics, samples and evaluation.
///
/// The producers (benchmark, quantize, evaluate jobs) fill one of these from their result
/// structs; export/import and the reports read them back.
struct RunRecord
{
    qint64 id = 0;               ///< database id (local to one database; 0 until stored)
    QString uuid;                ///< stable across databases: import deduplicates on it
    QString kind;                ///< "bench", "quantize", "eval", "sensitivity"
    RunStatus status = RunStatus::Running;
    QString error;               ///< why a run failed / was cancelled / was interrupted
    QDateTime started;
    QDateTime finished;          ///< invalid while running
    ModelRecord model;
    VariantRecord variant;
    QJsonObject config;          ///< batch, threads, engine, mode, warmup... as the producer wrote it
    QJsonObject fingerprint;     ///< the environment (Fingerprint::toJson)
    QJsonObject result;          ///< the producer's full result JSON, without samples
    QMap<QString, double> metrics; ///< numbers by name (see the metric:: names)
    QVector<double> latencyMs;   ///< every steady-state latency sample, in order
    QVector<double> warmupMs;    ///< every warmup latency sample, in order
    MemoryTimeline memory;       ///< RSS over time with phase markers
    QJsonObject evaluation;      ///< accuracy / fidelity as the evaluator wrote them
    QVector<LayerResult> layers;
    QStringList tags;
    QString note;

    double metric(const QString& name, double fallback = qQNaN()) const { return metrics.value(name, fallback); }
    /// Batch, threads, engine and mode from config (what tables show).
    int batch() const;
    int threads() const;
    QString engine() const;
    QString mode() const;
};

/// \brief Names of the metrics every producer uses, so that listings and reports find them.
namespace metric {
inline const QString LatencyMeanMs = QStringLiteral("latency_mean_ms");
inline const QString LatencyP50Ms = QStringLiteral("latency_p50_ms");
inline const QString LatencyP90Ms = QStringLiteral("latency_p90_ms");
inline const QString LatencyP99Ms = QStringLiteral("latency_p99_ms");
inline const QString LatencyStdMs = QStringLiteral("latency_std_ms");
inline const QString ThroughputPerS = QStringLiteral("throughput_per_s");
inline const QString PeakMb = QStringLiteral("memory_peak_mb"); ///< MiB, as `bench --json` memory_mb
inline const QString CpuPercent = QStringLiteral("cpu_percent");
inline const QString Iterations = QStringLiteral("iterations");
inline const QString Noisy = QStringLiteral("noisy");            ///< 1 when the producer flagged the run
inline const QString Top1 = QStringLiteral("top1");              ///< percent
inline const QString Top5 = QStringLiteral("top5");
inline const QString Cosine = QStringLiteral("cosine");
inline const QString SqnrDb = QStringLiteral("sqnr_db");
inline const QString Top1Agreement = QStringLiteral("top1_agreement");
inline const QString QuantizeSeconds = QStringLiteral("quantize_s");

/// The metrics run listings carry (History page, `runs list`).
const QStringList& headline();
} // namespace metric

} // namespace qs

Q_DECLARE_METATYPE(qs::RunRecord)
