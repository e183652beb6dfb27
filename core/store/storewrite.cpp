// SPDX-License-Identifier: GPL-3.0-or-later
// Recording runs: begin (a "running" row owned by this process), finish, one-shot and import.
#include "store.h"

#include "core/common/paths.h"
#include "core/store/processidentity.h"
#include "core/store/samplecodec.h"
#include "core/store/sqliteconnection_p.h"
#include "core/store/storesql_p.h"

#include <QtCore/QFileInfo>
#include <QtCore/QUuid>
#include <QtSql/QSqlError>

#include <cmath>

namespace qs {

namespace sql = detail::sql;

Status Store::ensureModelVariant(ModelRecord& model, VariantRecord& variant)
{
    const QString doing = QStringLiteral("saving the model and variant");
    const bool generic = variant.scheme == QLatin1String("quantized") || variant.scheme == QLatin1String("fp32");
    if (!variant.artifactSha256.isEmpty()) {
        // A benchmark or evaluation of a file may not tell its scheme ("quantized", or "fp32" for
        // weight-only artifacts that are dequantized when loaded), or it reads the scheme from a
        // Quantscope artifact; `quantize` recorded the artifact with its sha256: the run belongs
        // to that variant (and its FP32 model) when the schemes do not contradict each other.
        auto q = m_conn->exec(QStringLiteral("SELECT v.id, v.scheme, v.engine, v.options, v.artifact_path, v.artifact_bytes, v.param_bytes, "
                                             "v.coverage, m.id, m.name, m.path, m.sha256, m.params, m.file_bytes FROM variants v "
                                             "JOIN models m ON m.id = v.model_id WHERE v.artifact_sha256 = ? AND v.scheme NOT LIKE 'fp32%' "
                                             "AND v.scheme <> 'quantized' AND (? OR v.scheme = ?) ORDER BY v.id DESC LIMIT 1"),
                              {variant.artifactSha256, generic, variant.scheme}, doing);
        if (!q)
            return q.error();
        if (q->next()) {
            variant.id = q->value(0).toLongLong();
            variant.scheme = q->value(1).toString();
            variant.engine = q->value(2).toString();
            variant.options = sql::object(q->value(3));
            variant.artifactPath = q->value(4).toString();
            variant.artifactBytes = sql::count(q->value(5));
            variant.paramBytes = sql::count(q->value(6));
            variant.coverage = sql::object(q->value(7));
            model.id = q->value(8).toLongLong();
            model.name = q->value(9).toString();
            model.path = q->value(10).toString();
            model.sha256 = q->value(11).toString();
            model.params = sql::count(q->value(12));
            model.fileBytes = sql::count(q->value(13));
            return {};
        }
    }
    if (model.name.isEmpty())
        model.name = QFileInfo(model.path).fileName();
    auto found = m_conn->exec(QStringLiteral("SELECT id FROM models WHERE sha256 = ? AND path = ?"), {model.sha256, model.path}, doing);
    if (!found)
        return found.error();
    if (found->next()) {
        model.id = found->value(0).toLongLong();
        found->finish();
        // What a later producer learnt (params after loading) completes what an earlier one knew.
        auto q = m_conn->exec(QStringLiteral("UPDATE models SET params = coalesce(?, params), file_bytes = coalesce(?, file_bytes) WHERE id = ?"),
                              {sql::count(model.params), sql::count(model.fileBytes), model.id}, doing);
        if (!q)
            return q.error();
    } else {
        auto q = m_conn->exec(QStringLiteral("INSERT INTO models (name, path, sha256, params, file_bytes, created_ms) VALUES (?, ?, ?, ?, ?, ?)"),
                              {model.name, model.path, model.sha256, sql::count(model.params), sql::count(model.fileBytes),
                               QDateTime::currentMSecsSinceEpoch()},
                              doing);
        if (!q)
            return q.error();
        model.id = q->lastInsertId().toLongLong();
    }

    if (variant.scheme.isEmpty())
        return Error(Error::Kind::Internal, QStringLiteral("A variant without a scheme cannot be stored."));
    const QString options = sql::text(variant.options);
    found = m_conn->exec(QStringLiteral("SELECT id FROM variants WHERE model_id = ? AND scheme = ? AND engine = ? AND options = ? AND artifact_sha256 = ?"),
                         {model.id, variant.scheme, variant.engine, options, variant.artifactSha256}, doing);
    if (!found)
        return found.error();
    if (found->next()) {
        variant.id = found->value(0).toLongLong();
        found->finish();
        auto q = m_conn->exec(QStringLiteral("UPDATE variants SET artifact_path = CASE WHEN ? = '' THEN artifact_path ELSE ? END, "
                                             "artifact_bytes = coalesce(?, artifact_bytes), param_bytes = coalesce(?, param_bytes), "
                                             "coverage = CASE WHEN ? = '{}' THEN coverage ELSE ? END WHERE id = ?"),
                              {variant.artifactPath, variant.artifactPath, sql::count(variant.artifactBytes), sql::count(variant.paramBytes),
                               sql::text(variant.coverage), sql::text(variant.coverage), variant.id},
                              doing);
        if (!q)
            return q.error();
    } else {
        auto q = m_conn->exec(QStringLiteral("INSERT INTO variants (model_id, scheme, engine, options, artifact_path, artifact_sha256, "
                                             "artifact_bytes, param_bytes, coverage, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                              {model.id, variant.scheme, variant.engine, options, variant.artifactPath, variant.artifactSha256,
                               sql::count(variant.artifactBytes), sql::count(variant.paramBytes), sql::text(variant.coverage),
                               QDateTime::currentMSecsSinceEpoch()},
                              doing);
        if (!q)
            return q.error();
        variant.id = q->lastInsertId().toLongLong();
    }
    return {};
}

Status Store::insertRun(RunRecord& run, bool finished, std::optional<qint64> importedMs)
{
    if (run.kind.isEmpty())
        return Error(Error::Kind::Internal, QStringLiteral("A run without a kind cannot be stored."));
    if (Status st = ensureModelVariant(run.model, run.variant); !st)
        return st;
    if (run.uuid.isEmpty())
        run.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!run.started.isValid())
        run.started = QDateTime::currentDateTimeUtc();
    ProcessIdentity owner;
    if (run.status == RunStatus::Running && !importedMs)
        owner = ProcessIdentity::current();
    auto q = m_conn->exec(
        QStringLiteral("INSERT INTO runs (uuid, kind, variant_id, status, error, batch, threads, engine, mode, config, fingerprint, result, "
                       "started_ms, finished_ms, owner_host, owner_boot, owner_pid, owner_start, imported_ms, note) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {run.uuid, run.kind, run.variant.id, runStatusName(run.status), run.error, run.batch(), run.threads(), run.engine(), run.mode(),
         sql::text(run.config), sql::text(run.fingerprint), sql::text(run.result), sql::ms(run.started),
         finished ? sql::ms(run.finished) : sql::ms({}), owner.host, owner.boot, owner.pid, owner.startTicks,
         importedMs ? QVariant(*importedMs) : sql::ms({}), run.note},
        QStringLiteral("saving run %1").arg(run.uuid));
    if (!q)
        return q.error();
    run.id = q->lastInsertId().toLongLong();
    return writeRunData(run);
}

Status Store::writeRunData(const RunRecord& run)
{
    const QString doing = QStringLiteral("saving the results of run %1").arg(run.id);
    // finishRun() rewrites what the producer owns; tags the user added meanwhile are kept.
    if (Status st = m_conn->execAll({QStringLiteral("DELETE FROM metrics WHERE run_id = %1").arg(run.id),
                                     QStringLiteral("DELETE FROM samples WHERE run_id = %1").arg(run.id),
                                     QStringLiteral("DELETE FROM evaluations WHERE run_id = %1").arg(run.id),
                                     QStringLiteral("DELETE FROM layer_results WHERE run_id = %1").arg(run.id)},
                                    doing);
        !st)
        return st;
    if (!run.metrics.isEmpty()) {
        QSqlQuery q = m_conn->query();
        q.prepare(QStringLiteral("INSERT INTO metrics (run_id, name, value) VALUES (?, ?, ?)"));
        for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
            if (!std::isfinite(it.value()))
                continue; // unknown: not stored (SQLite would turn NaN into NULL)
            q.bindValue(0, run.id);
            q.bindValue(1, it.key());
            q.bindValue(2, it.value());
            if (!q.exec())
                return m_conn->error(q.lastError(), doing);
        }
    }
    if (!run.latencyMs.isEmpty() || !run.warmupMs.isEmpty() || !run.memory.isEmpty() || !run.memory.markers.isEmpty()) {
        const MemoryTimeline& m = run.memory;
        if (m.anonBytes.size() != m.tUs.size() || m.fileBytes.size() != m.tUs.size())
            return Error(Error::Kind::Internal, QStringLiteral("The memory timeline of run %1 has columns of different lengths.").arg(run.id));
        QJsonArray markers;
        for (const MemoryMarker& mk : m.markers)
            markers.append(QJsonObject{{QStringLiteral("t_ms"), mk.tMs}, {QStringLiteral("phase"), phaseName(mk.phase)}});
        const QJsonObject meta{{QStringLiteral("hz"), m.hz}, {QStringLiteral("source"), m.source}, {QStringLiteral("markers"), markers}};
        auto blob = [](const QByteArray& b) { return b.isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(b); };
        auto q = m_conn->exec(QStringLiteral("INSERT INTO samples (run_id, latency, warmup, memory, memory_meta) VALUES (?, ?, ?, ?, ?)"),
                              {run.id, blob(run.latencyMs.isEmpty() ? QByteArray() : samplecodec::encode(samplecodec::msToNs(run.latencyMs))),
                               blob(run.warmupMs.isEmpty() ? QByteArray() : samplecodec::encode(samplecodec::msToNs(run.warmupMs))),
                               blob(m.isEmpty() ? QByteArray() : samplecodec::encode({&m.tUs, &m.anonBytes, &m.fileBytes})), sql::text(meta)},
                              doing);
        if (!q)
            return q.error();
    }
    if (!run.evaluation.isEmpty()) {
        if (auto q = m_conn->exec(QStringLiteral("INSERT INTO evaluations (run_id, result) VALUES (?, ?)"), {run.id, sql::text(run.evaluation)}, doing); !q)
            return q.error();
    }
    if (!run.layers.isEmpty()) {
        QSqlQuery q = m_conn->query();
        q.prepare(QStringLiteral("INSERT INTO layer_results (run_id, position, name, type, data) VALUES (?, ?, ?, ?, ?)"));
        for (int i = 0; i < run.layers.size(); ++i) {
            const LayerResult& l = run.layers.at(i);
            q.bindValue(0, run.id);
            q.bindValue(1, i);
            q.bindValue(2, l.name.isNull() ? QStringLiteral("") : l.name);
            q.bindValue(3, l.type.isNull() ? QStringLiteral("") : l.type);
            q.bindValue(4, sql::text(l.data));
            if (!q.exec())
                return m_conn->error(q.lastError(), doing);
        }
    }
    for (const QString& tag : run.tags) {
        if (tag.trimmed().isEmpty())
            continue;
        if (auto q = m_conn->exec(QStringLiteral("INSERT OR IGNORE INTO tags (run_id, tag) VALUES (?, ?)"), {run.id, tag.trimmed()}, doing); !q)
            return q.error();
    }
    return {};
}

Status Store::beginRun(RunRecord& run)
{
    if (Status st = checkThread(); !st)
        return st;
    run.status = RunStatus::Running;
    run.finished = QDateTime();
    RunRecord copy = run;
    Status st = m_conn->write([&]() -> Status {
        copy = run; // a retried transaction starts again from the caller's record
        return insertRun(copy, false, std::nullopt);
    }, QStringLiteral("starting a run"));
    if (st)
        run = std::move(copy);
    return st;
}

Status Store::finishRun(RunRecord& run)
{
    if (Status st = checkThread(); !st)
        return st;
    if (run.id <= 0)
        return Error(Error::Kind::Internal, QStringLiteral("finishRun() needs a run begun with beginRun()."));
    if (run.status == RunStatus::Running)
        return Error(Error::Kind::Internal, QStringLiteral("finishRun() needs the final status of run %1.").arg(run.id));
    if (!run.finished.isValid())
        run.finished = QDateTime::currentDateTimeUtc();
    const QString doing = QStringLiteral("saving run %1").arg(run.id);
    RunRecord copy = run;
    Status st = m_conn->write(
        [&]() -> Status {
            copy = run;
            auto current = m_conn->scalar(QStringLiteral("SELECT variant_id FROM runs WHERE id = ?"), doing, {run.id});
            if (!current)
                return current.error();
            if (current->isNull())
                return Error(Error::Kind::Database, QStringLiteral("Run %1 was deleted from %2 while it ran; its results were not saved.")
                                                        .arg(run.id).arg(paths::pretty(path())));
            if (Status s = ensureModelVariant(copy.model, copy.variant); !s)
                return s;
            if (copy.uuid.isEmpty())
                copy.uuid = m_conn->scalar(QStringLiteral("SELECT uuid FROM runs WHERE id = ?"), doing, {run.id})->toString();
            // The producer may name the run only when it ends (the benchmark's RunResult uuid).
            auto q = m_conn->exec(QStringLiteral("UPDATE runs SET uuid = ?, variant_id = ?, status = ?, error = ?, batch = ?, threads = ?, "
                                                 "engine = ?, mode = ?, config = ?, fingerprint = ?, result = ?, finished_ms = ? WHERE id = ?"),
                                  {copy.uuid, copy.variant.id, runStatusName(copy.status), copy.error, copy.batch(), copy.threads(), copy.engine(),
                                   copy.mode(), sql::text(copy.config), sql::text(copy.fingerprint), sql::text(copy.result),
                                   sql::ms(copy.finished), copy.id},
                                  doing);
            if (!q)
                return q.error();
            // What was known at the start (no artifact yet) may have made a variant of its own.
            if (const qint64 before = current->toLongLong(); before != copy.variant.id) {
                if (Status s = m_conn->execAll({QStringLiteral("DELETE FROM variants WHERE id = %1 AND NOT EXISTS (SELECT 1 FROM runs WHERE variant_id = %1)").arg(before),
                                                QStringLiteral("DELETE FROM models WHERE id NOT IN (SELECT model_id FROM variants)")},
                                               doing);
                    !s)
                    return s;
            }
            return writeRunData(copy);
        },
        doing);
    if (st)
        run = std::move(copy);
    return st;
}

Status Store::recordRun(RunRecord& run)
{
    if (Status st = checkThread(); !st)
        return st;
    if (run.status == RunStatus::Running)
        return Error(Error::Kind::Internal, QStringLiteral("recordRun() stores finished runs; use beginRun() for running ones."));
    if (!run.finished.isValid())
        run.finished = QDateTime::currentDateTimeUtc();
    RunRecord copy = run;
    Status st = m_conn->write([&]() -> Status {
        copy = run;
        return insertRun(copy, true, std::nullopt);
    }, QStringLiteral("saving a run"));
    if (st)
        run = std::move(copy);
    return st;
}

Status Store::saveVariant(ModelRecord& model, VariantRecord& variant)
{
    if (Status st = checkThread(); !st)
        return st;
    ModelRecord m = model;
    VariantRecord v = variant;
    Status st = m_conn->write([&]() -> Status {
        m = model;
        v = variant;
        return ensureModelVariant(m, v);
    }, QStringLiteral("saving a variant"));
    if (st) {
        model = m;
        variant = v;
    }
    return st;
}

Result<Store::ImportOutcome> Store::importRuns(QVector<RunRecord> runs)
{
    if (Status st = checkThread(); !st)
        return st.error();
    ImportOutcome outcome;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Status st = m_conn->write(
        [&]() -> Status {
            outcome = {};
            for (const RunRecord& original : runs) {
                auto existing = m_conn->scalar(QStringLiteral("SELECT id FROM runs WHERE uuid = ?"), QStringLiteral("importing runs"),
                                               {original.uuid});
                if (!existing)
                    return existing.error();
                if (!existing->isNull()) {
                    outcome.present << existing->toLongLong();
                    continue;
                }
                RunRecord run = original;
                run.id = 0;
                if (run.status == RunStatus::Running) {
                    // Its process ran on another machine (or is long gone): it cannot finish here.
                    run.status = RunStatus::Interrupted;
                    if (run.error.isEmpty())
                        run.error = QStringLiteral("Interrupted: the run was still going when it was exported.");
                    ++outcome.interrupted;
                }
                if (Status s = insertRun(run, true, now); !s)
                    return s;
                outcome.added << run.id;
            }
            return {};
        },
        QStringLiteral("importing runs"));
    if (!st)
        return st.error();
    return outcome;
}

} // namespace qs
