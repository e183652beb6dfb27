// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/runresult.h"
#include "core/common/error.h"
#include "core/quant/quantizeoptions.h"
#include "core/store/runrecord.h"

#include <QtCore/QHash>
#include <QtCore/QMutex>
#include <QtCore/QObject>

#include <optional>

namespace qs {

class BenchmarkJob;
class EvaluateJob;
class QuantizeJob;
struct EvalResult;
struct Variant;

/// \brief Records what a Job produces in the run database while the job runs: each run as
/// "running" when it starts (a process killed meanwhile leaves it interrupted, never lost or
/// complete) and complete, failed or cancelled when it ends. `quantscope-cli` and the studio
/// use the same recorders.
///
/// The writes happen on the job's thread (direct connections), between units of work, each through
/// a Store opened for that write: QtSql connections cannot follow a job across threads. A failed
/// write does not stop the job; error() tells what went wrong.
class JobRecorder : public QObject
{
    Q_OBJECT
public:
    explicit JobRecorder(QString databasePath, QObject* parent = nullptr);

    /// Database ids of the runs stored so far, in the order they finished. Thread-safe.
    QVector<qint64> runIds() const;
    /// The database id recorded under \a key (a RunResult uuid, a scheme...), or 0. Thread-safe.
    qint64 runId(const QString& key) const;
    /// The first error a write met. Thread-safe.
    std::optional<Error> error() const;

Q_SIGNALS:
    /// A run was stored as finished (emitted on the job's thread).
    void runRecorded(qint64 id);
    void recordFailed(const qs::Error& error);

protected:
    /// Stores \a run as running; returns its id, or 0 after an error.
    qint64 begin(RunRecord run);
    /// Stores the finished \a run over the running row \a pendingId (or as a new run when 0).
    void finish(qint64 pendingId, RunRecord run, const QString& key);
    /// Ends the running row \a pendingId with \a status and \a error (cancel, failure); remembers
    /// it under \a key when given.
    void end(qint64 pendingId, RunStatus status, const QString& error, const QString& key = {});

private:
    void fail(const Error& e);

    QString m_path;
    mutable QMutex m_mutex;
    QHash<QString, qint64> m_keys;
    QVector<qint64> m_order;
    std::optional<Error> m_error;
};

/// \brief Records every Run of a BenchmarkJob (key: RunResult::uuid).
class BenchRecorder : public JobRecorder
{
    Q_OBJECT
public:
    using JobRecorder::JobRecorder;
    void attach(BenchmarkJob* job);

private:
    qint64 m_pending = 0; ///< the running row of the Run being measured (job thread only)
};

/// \brief Records one "quantize" run per scheme of a QuantizeJob (key: the scheme).
class QuantizeRecorder : public JobRecorder
{
    Q_OBJECT
public:
    using JobRecorder::JobRecorder;
    /// \a schemes as given to the job, \a modelPath/\a modelSha256 of the FP32 model.
    void attach(QuantizeJob* job, const QVector<QuantizeOptions>& schemes, const QString& modelPath, const QString& modelSha256);

private:
    QVector<qint64> m_pending; ///< per scheme (job thread only)
};

/// \brief Records the "eval" run of an EvaluateJob (key: "eval").
class EvalRecorder : public JobRecorder
{
    Q_OBJECT
public:
    using JobRecorder::JobRecorder;
    /// \a config: what the evaluation was asked (data, samples, reference...), shown while it runs.
    void attach(EvaluateJob* job, const QString& modelPath, const QString& modelSha256, const QJsonObject& config);

private:
    qint64 m_pending = 0;
};

} // namespace qs
