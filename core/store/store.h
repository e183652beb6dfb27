// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/store/runrecord.h"

#include <QtCore/QThread>

#include <memory>
#include <optional>

namespace qs {

namespace detail {
class SqliteConnection;
}

/// \brief One row of a run listing: what the History page and `runs list` show.
struct RunSummary
{
    qint64 id = 0;
    QString uuid;
    QString kind;
    RunStatus status = RunStatus::Running;
    QString error;
    QDateTime started;
    QDateTime finished;
    qint64 modelId = 0;
    QString modelName;
    QString modelPath;
    qint64 variantId = 0;
    QString scheme;
    QString variantEngine;
    qint64 sizeBytes = -1; ///< the variant's artifact bytes (the model file for FP32)
    int batch = 0;
    int threads = 0;
    QString engine;        ///< the engine the run used
    QString mode;
    bool imported = false;
    QMap<QString, double> metrics; ///< the metric::headline() values this run has
    QStringList tags;
    QString note;

    double metric(const QString& name) const { return metrics.value(name, qQNaN()); }
    /// "static-int8 (onednn)": scheme and the engine the run used.
    QString label() const;
};

/// \brief Which runs a listing shows; empty fields do not filter.
struct RunFilter
{
    QString text;   ///< substring of model name, scheme, engine, kind, tag or note
    QString tag;    ///< exactly this tag
    QString kind;
    std::optional<RunStatus> status;
    int limit = -1; ///< newest first; -1: all
};

/// \brief The run database: Models, Variants and Runs in one SQLite file (WAL, foreign keys,
/// versioned schema), shared safely by several processes (the studio and quantscope-cli).
///
/// A Store object belongs to the thread that opened it: QtSql connections must not cross
/// threads, so each thread that reads or writes opens its own Store on the same file (cheap
/// after the first open in a process). Every write is one transaction, retried while another
/// process writes. Opening marks runs whose process died (kill -9, power loss) as interrupted.
class Store
{
public:
    struct Options
    {
        bool readOnly = false; ///< never write (not even the interrupted-run sweep)
        bool create = true;    ///< create the file when missing
        int busyTimeoutMs = 5000;
    };

    /// Opens (and creates or upgrades) the database at \a path. Refuses non-SQLite files, SQLite
    /// files of other programs and databases from a newer Quantscope without touching them.
    static Result<std::unique_ptr<Store>> open(const QString& path, const Options& options);
    static Result<std::unique_ptr<Store>> open(const QString& path) { return open(path, Options()); }
    ~Store();

    QString path() const;
    bool isReadOnly() const;
    /// The schema version this build reads and writes.
    static int schemaVersion();
    /// The schema version a database file has (0: empty or new), without opening it as a Store;
    /// an error for files that are not SQLite.
    static Result<int> fileSchemaVersion(const QString& path);

    // ---- recording (producers: bench, quantize, eval) --------------------------------------
    /// Stores \a run as "running", owned by this process, before the work starts: a process
    /// that dies leaves it to be shown as interrupted. Fills run.id, run.uuid (when empty),
    /// run.started (when invalid), run.model.id and run.variant.id.
    Status beginRun(RunRecord& run);
    /// Ends a run begun with beginRun(): status (complete/failed/cancelled), error, finish time,
    /// result, metrics, samples, evaluation and per-layer results, in one transaction.
    Status finishRun(RunRecord& run);
    /// Stores a finished run in one go (beginRun + finishRun in one transaction).
    Status recordRun(RunRecord& run);
    /// Stores (or finds) \a model and \a variant; fills their ids.
    Status saveVariant(ModelRecord& model, VariantRecord& variant);

    // ---- reading --------------------------------------------------------------------------
    Result<QVector<RunSummary>> listRuns(const RunFilter& filter = {}) const;
    /// A whole run with its samples.
    Result<RunRecord> loadRun(qint64 id) const;
    /// The run an argument names: a database id ("12") or a UUID or a unique UUID prefix
    /// (at least 4 characters).
    Result<qint64> findRun(const QString& idOrUuid) const;
    /// The newest complete "eval" run of \a variantId (to show the accuracy next to a
    /// benchmark of the same variant), else its "quantize" run when that measured fidelity, or 0.
    Result<qint64> latestEvaluation(qint64 variantId) const;
    Result<int> runCount() const;
    /// A number that changes whenever another connection (another Store of this process, or
    /// another process such as quantscope-cli) commits to the database: a cheap way for a
    /// viewer to poll "did anything change?" (SQLite's PRAGMA data_version).
    Result<qint64> dataVersion() const;

    // ---- editing --------------------------------------------------------------------------
    /// Deletes runs (and models/variants no run uses any more). Refuses runs still running.
    Status deleteRuns(const QVector<qint64>& ids);
    Status addTags(const QVector<qint64>& ids, const QStringList& tags);
    Status removeTags(const QVector<qint64>& ids, const QStringList& tags);
    Status setNote(qint64 id, const QString& note);
    /// Marks "running" runs whose process is gone as interrupted; returns how many.
    Result<int> markInterruptedRuns();

    // ---- sharing --------------------------------------------------------------------------
    struct ImportOutcome
    {
        QVector<qint64> added;   ///< ids of the runs added
        QVector<qint64> present; ///< ids of the runs that were already here (same UUID)
        int interrupted = 0;     ///< runs that were still "running" in the file: stored as interrupted
    };
    /// Adds runs read from an export file, all or nothing; runs whose UUID is already stored
    /// are skipped.
    Result<ImportOutcome> importRuns(QVector<RunRecord> runs);

    /// The connection (tests and the other store classes of this library).
    const detail::SqliteConnection& connection() const;
    /// How long writes wait for other processes (tests shorten it).
    Status setBusyTimeoutMs(int ms);

private:
    Store() = default;
    Status checkThread() const;
    Status init(const QString& path, const Options& options);
    Status ensureModelVariant(ModelRecord& model, VariantRecord& variant);
    Status insertRun(RunRecord& run, bool finished, std::optional<qint64> importedMs);
    Status writeRunData(const RunRecord& run);

    std::unique_ptr<detail::SqliteConnection> m_conn;
    QThread* m_thread = nullptr;
};

} // namespace qs
