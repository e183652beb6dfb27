// SPDX-License-Identifier: GPL-3.0-or-later
// Reading runs back: listings (History, `runs list`), whole runs with samples, lookups.
#include "store.h"

#include "core/common/paths.h"
#include "core/store/processidentity.h"
#include "core/store/samplecodec.h"
#include "core/store/sqliteconnection_p.h"
#include "core/store/storesql_p.h"

#include <QtCore/QHash>
#include <QtCore/QRegularExpression>

namespace qs {

namespace sql = detail::sql;

QString RunSummary::label() const
{
    // FP32 runs do not use a quantized engine, whatever was selected.
    if (scheme.startsWith(QLatin1String("fp32")))
        return scheme;
    const QString e = engine.isEmpty() ? variantEngine : engine;
    return e.isEmpty() ? scheme : QStringLiteral("%1 (%2)").arg(scheme, e);
}

namespace {

/// A "running" row whose process is gone is shown as interrupted even before a writable open
/// has swept it (read-only databases, or a process that died after we opened).
RunStatus effectiveStatus(const QString& stored, const QSqlQuery& q, int ownerColumn)
{
    const RunStatus s = parseRunStatus(stored).value_or(RunStatus::Interrupted);
    if (s != RunStatus::Running)
        return s;
    ProcessIdentity owner;
    owner.host = q.value(ownerColumn).toString();
    owner.boot = q.value(ownerColumn + 1).toString();
    owner.pid = q.value(ownerColumn + 2).toLongLong();
    owner.startTicks = q.value(ownerColumn + 3).toLongLong();
    return owner.isAlive() ? RunStatus::Running : RunStatus::Interrupted;
}

QString likePattern(const QString& text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('%'), QLatin1String("\\%")).replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

} // namespace

Result<QVector<RunSummary>> Store::listRuns(const RunFilter& filter) const
{
    if (Status st = checkThread(); !st)
        return st.error();
    QString where;
    QVariantList binds;
    auto add = [&](const QString& clause, const QVariantList& values) {
        where += (where.isEmpty() ? QLatin1String(" WHERE ") : QLatin1String(" AND ")) + clause;
        binds += values;
    };
    if (!filter.kind.isEmpty())
        add(QStringLiteral("r.kind = ?"), {filter.kind});
    if (!filter.tag.isEmpty())
        add(QStringLiteral("r.id IN (SELECT run_id FROM tags WHERE tag = ?)"), {filter.tag});
    if (!filter.text.isEmpty()) {
        const QString p = likePattern(filter.text);
        add(QStringLiteral("(m.name LIKE ? ESCAPE '\\' OR v.scheme LIKE ? ESCAPE '\\' OR r.engine LIKE ? ESCAPE '\\' OR r.kind LIKE ? "
                           "ESCAPE '\\' OR r.note LIKE ? ESCAPE '\\' OR r.id IN (SELECT run_id FROM tags WHERE tag LIKE ? ESCAPE '\\'))"),
            {p, p, p, p, p, p});
    }
    if (filter.status && *filter.status != RunStatus::Running && *filter.status != RunStatus::Interrupted)
        add(QStringLiteral("r.status = ?"), {runStatusName(*filter.status)});
    else if (filter.status)
        add(QStringLiteral("r.status IN ('running', 'interrupted')"), {});
    const bool postFilter = filter.status && (*filter.status == RunStatus::Running || *filter.status == RunStatus::Interrupted);
    const QString limit = filter.limit >= 0 && !postFilter ? QStringLiteral(" LIMIT %1").arg(filter.limit) : QString();

    QVector<RunSummary> runs;
    const QString doing = QStringLiteral("listing runs");
    // 10,000 runs in under 100 ms: what every row repeats (model and variant) is read once, the
    // metric names come back as their index in headline() (numbers, not strings), and the owner
    // columns only for running rows. Converting SQLite values into QVariants and QStrings is what
    // costs most here, not SQLite: fewer string columns is what makes it fast.
    struct VariantInfo
    {
        QString scheme, engine, modelName, modelPath;
        qint64 sizeBytes = -1, modelId = 0;
    };
    const QStringList& headline = metric::headline();
    QString nameIndex;
    QVariantList metricBinds;
    for (const QString& name : headline) {
        nameIndex += QStringLiteral(" WHEN ? THEN %1").arg(metricBinds.size());
        metricBinds << name;
    }
    metricBinds += metricBinds;
    Status st = m_conn->read(
        [&]() -> Status {
            runs.clear();
            QHash<qint64, VariantInfo> variants;
            auto v = m_conn->exec(QStringLiteral("SELECT v.id, v.scheme, v.engine, coalesce(v.artifact_bytes, m.file_bytes), m.id, m.name, m.path "
                                                 "FROM variants v JOIN models m ON m.id = v.model_id"),
                                  {}, doing);
            if (!v)
                return v.error();
            while (v->next()) {
                variants.insert(v->value(0).toLongLong(), VariantInfo{v->value(1).toString(), v->value(2).toString(), v->value(5).toString(),
                                                                      v->value(6).toString(), sql::count(v->value(3)), v->value(4).toLongLong()});
            }
            v->finish();
            auto q = m_conn->exec(
                QStringLiteral("SELECT r.id, r.uuid, r.kind, r.status, r.error, r.started_ms, r.finished_ms, r.batch, r.threads, r.engine, "
                               "r.mode, r.imported_ms IS NOT NULL, r.note, "
                               "CASE r.status WHEN 'running' THEN r.owner_host END, CASE r.status WHEN 'running' THEN r.owner_boot END, "
                               "CASE r.status WHEN 'running' THEN r.owner_pid END, CASE r.status WHEN 'running' THEN r.owner_start END, "
                               "r.variant_id "
                               "FROM runs r JOIN variants v ON v.id = r.variant_id JOIN models m ON m.id = v.model_id%1 "
                               "ORDER BY r.started_ms DESC, r.id DESC%2")
                    .arg(where, limit),
                binds, doing);
            if (!q)
                return q.error();
            QHash<qint64, int> rowOf;
            while (q->next()) {
                RunSummary s;
                s.id = q->value(0).toLongLong();
                s.uuid = q->value(1).toString();
                s.kind = q->value(2).toString();
                s.status = effectiveStatus(q->value(3).toString(), *q, 13);
                if (postFilter && s.status != *filter.status)
                    continue;
                s.error = q->value(4).toString();
                s.started = sql::time(q->value(5));
                s.finished = sql::time(q->value(6));
                s.batch = q->value(7).toInt();
                s.threads = q->value(8).toInt();
                s.engine = q->value(9).toString();
                s.mode = q->value(10).toString();
                s.imported = q->value(11).toBool();
                s.note = q->value(12).toString();
                s.variantId = q->value(17).toLongLong();
                const VariantInfo& info = variants[s.variantId];
                s.scheme = info.scheme;
                s.variantEngine = info.engine;
                s.sizeBytes = info.sizeBytes;
                s.modelId = info.modelId;
                s.modelName = info.modelName;
                s.modelPath = info.modelPath;
                rowOf.insert(s.id, int(runs.size()));
                runs << std::move(s);
                if (postFilter && filter.limit >= 0 && runs.size() >= filter.limit)
                    break;
            }
            q->finish();
            if (runs.isEmpty())
                return {};
            auto m = m_conn->exec(QStringLiteral("SELECT run_id, CASE name%1 END, value FROM metrics WHERE name IN (%2)")
                                      .arg(nameIndex, sql::placeholders(int(headline.size()))),
                                  metricBinds, doing);
            if (!m)
                return m.error();
            while (m->next()) {
                const auto it = rowOf.constFind(m->value(0).toLongLong());
                if (it == rowOf.constEnd())
                    continue;
                runs[*it].metrics.insert(headline[m->value(1).toInt()], m->value(2).toDouble());
            }
            m->finish();
            auto t = m_conn->exec(QStringLiteral("SELECT run_id, tag FROM tags ORDER BY run_id, tag"), {}, doing);
            if (!t)
                return t.error();
            while (t->next()) {
                const auto it = rowOf.constFind(t->value(0).toLongLong());
                if (it != rowOf.constEnd())
                    runs[*it].tags << t->value(1).toString();
            }
            return {};
        },
        doing);
    if (!st)
        return st.error();
    return runs;
}

Result<RunRecord> Store::loadRun(qint64 id) const
{
    if (Status st = checkThread(); !st)
        return st.error();
    RunRecord run;
    const QString doing = QStringLiteral("reading run %1").arg(id);
    Status st = m_conn->read(
        [&]() -> Status {
            run = RunRecord();
            auto q = m_conn->exec(
                QStringLiteral("SELECT r.id, r.uuid, r.kind, r.status, r.error, r.config, r.fingerprint, r.result, r.started_ms, r.finished_ms, "
                               "r.note, r.owner_host, r.owner_boot, r.owner_pid, r.owner_start, "
                               "v.id, v.scheme, v.engine, v.options, v.artifact_path, v.artifact_sha256, v.artifact_bytes, v.param_bytes, "
                               "v.coverage, m.id, m.name, m.path, m.sha256, m.params, m.file_bytes "
                               "FROM runs r JOIN variants v ON v.id = r.variant_id JOIN models m ON m.id = v.model_id WHERE r.id = ?"),
                {id}, doing);
            if (!q)
                return q.error();
            if (!q->next())
                return Error::badInput(QStringLiteral("There is no run %1 in %2. `quantscope-cli runs list` shows the runs it has.")
                                           .arg(id).arg(paths::pretty(path())));
            run.id = q->value(0).toLongLong();
            run.uuid = q->value(1).toString();
            run.kind = q->value(2).toString();
            run.status = effectiveStatus(q->value(3).toString(), *q, 11);
            run.error = q->value(4).toString();
            run.config = sql::object(q->value(5));
            run.fingerprint = sql::object(q->value(6));
            run.result = sql::object(q->value(7));
            run.started = sql::time(q->value(8));
            run.finished = sql::time(q->value(9));
            run.note = q->value(10).toString();
            run.variant.id = q->value(15).toLongLong();
            run.variant.scheme = q->value(16).toString();
            run.variant.engine = q->value(17).toString();
            run.variant.options = sql::object(q->value(18));
            run.variant.artifactPath = q->value(19).toString();
            run.variant.artifactSha256 = q->value(20).toString();
            run.variant.artifactBytes = sql::count(q->value(21));
            run.variant.paramBytes = sql::count(q->value(22));
            run.variant.coverage = sql::object(q->value(23));
            run.model.id = q->value(24).toLongLong();
            run.model.name = q->value(25).toString();
            run.model.path = q->value(26).toString();
            run.model.sha256 = q->value(27).toString();
            run.model.params = sql::count(q->value(28));
            run.model.fileBytes = sql::count(q->value(29));
            if (run.status == RunStatus::Interrupted && q->value(3).toString() == QLatin1String("running") && run.error.isEmpty())
                run.error = QStringLiteral("Interrupted: its process ended before the run finished.");
            q->finish();

            auto m = m_conn->exec(QStringLiteral("SELECT name, value FROM metrics WHERE run_id = ?"), {id}, doing);
            if (!m)
                return m.error();
            while (m->next())
                run.metrics.insert(m->value(0).toString(), m->value(1).toDouble());
            m->finish();

            auto s = m_conn->exec(QStringLiteral("SELECT latency, warmup, memory, memory_meta FROM samples WHERE run_id = ?"), {id}, doing);
            if (!s)
                return s.error();
            if (s->next()) {
                auto damaged = [&](const Error& e) { return Error(Error::Kind::Database, QStringLiteral("Run %1: %2").arg(id).arg(e.message)); };
                auto latency = samplecodec::decode(s->value(0).toByteArray(), 1);
                if (!latency)
                    return damaged(latency.error());
                run.latencyMs = samplecodec::nsToMs(latency->front());
                auto warmup = samplecodec::decode(s->value(1).toByteArray(), 1);
                if (!warmup)
                    return damaged(warmup.error());
                run.warmupMs = samplecodec::nsToMs(warmup->front());
                auto memory = samplecodec::decode(s->value(2).toByteArray(), 3);
                if (!memory)
                    return damaged(memory.error());
                run.memory.tUs = std::move((*memory)[0]);
                run.memory.anonBytes = std::move((*memory)[1]);
                run.memory.fileBytes = std::move((*memory)[2]);
                const QJsonObject meta = sql::object(s->value(3));
                run.memory.hz = meta.value(QLatin1String("hz")).toInt();
                run.memory.source = meta.value(QLatin1String("source")).toString();
                for (const QJsonValue& v : meta.value(QLatin1String("markers")).toArray()) {
                    const QJsonObject o = v.toObject();
                    if (auto phase = parsePhase(o.value(QLatin1String("phase")).toString()))
                        run.memory.markers << MemoryMarker{o.value(QLatin1String("t_ms")).toDouble(), *phase};
                }
            }
            s->finish();

            auto e = m_conn->scalar(QStringLiteral("SELECT result FROM evaluations WHERE run_id = ?"), doing, {id});
            if (!e)
                return e.error();
            run.evaluation = sql::object(*e);

            auto l = m_conn->exec(QStringLiteral("SELECT name, type, data FROM layer_results WHERE run_id = ? ORDER BY position"), {id}, doing);
            if (!l)
                return l.error();
            while (l->next())
                run.layers << LayerResult{l->value(0).toString(), l->value(1).toString(), sql::object(l->value(2))};
            l->finish();

            auto t = m_conn->exec(QStringLiteral("SELECT tag FROM tags WHERE run_id = ? ORDER BY tag"), {id}, doing);
            if (!t)
                return t.error();
            while (t->next())
                run.tags << t->value(0).toString();
            return {};
        },
        doing);
    if (!st)
        return st.error();
    return run;
}

Result<qint64> Store::findRun(const QString& idOrUuid) const
{
    if (Status st = checkThread(); !st)
        return st.error();
    const QString arg = idOrUuid.trimmed();
    const QString db = paths::pretty(path());
    bool isNumber = false;
    const qint64 id = arg.toLongLong(&isNumber);
    const QString doing = QStringLiteral("looking up run %1").arg(arg);
    if (isNumber) {
        auto found = m_conn->scalar(QStringLiteral("SELECT id FROM runs WHERE id = ?"), doing, {id});
        if (!found)
            return found.error();
        if (!found->isNull())
            return id;
        // A UUID may start with digits only: "31415926" is a run number first, a UUID prefix second.
        if (arg.size() < 4)
            return Error::badInput(QStringLiteral("There is no run %1 in %2. `quantscope-cli runs list` shows the runs it has.").arg(id).arg(db));
    }
    static const QRegularExpression uuidChars(QStringLiteral("^[0-9a-fA-F-]{4,36}$"));
    if (!uuidChars.match(arg).hasMatch())
        return Error::usage(QStringLiteral("'%1' is not a run: give the run's number (as `runs list` shows it) or its UUID.").arg(arg));
    auto q = m_conn->exec(QStringLiteral("SELECT id FROM runs WHERE uuid LIKE ? LIMIT 2"), {arg.toLower() + QLatin1Char('%')}, doing);
    if (!q)
        return q.error();
    QVector<qint64> ids;
    while (q->next())
        ids << q->value(0).toLongLong();
    if (ids.isEmpty() && isNumber)
        return Error::badInput(QStringLiteral("There is no run %1 in %2 (nor one whose UUID starts with it). `quantscope-cli runs list` "
                                              "shows the runs it has.").arg(arg, db));
    if (ids.isEmpty())
        return Error::badInput(QStringLiteral("No run in %1 has a UUID starting with '%2'.").arg(db, arg));
    if (ids.size() > 1)
        return Error::usage(QStringLiteral("Several runs have a UUID starting with '%1'; give more of it.").arg(arg));
    return ids.first();
}

Result<qint64> Store::latestEvaluation(qint64 variantId) const
{
    if (Status st = checkThread(); !st)
        return st.error();
    // An evaluation first; else the fidelity `quantize` measured when it made the variant.
    auto v = m_conn->scalar(QStringLiteral("SELECT id FROM runs WHERE variant_id = ? AND status = 'complete' AND (kind = 'eval' OR "
                                           "(kind = 'quantize' AND id IN (SELECT run_id FROM metrics WHERE name = 'cosine'))) "
                                           "ORDER BY kind = 'eval' DESC, started_ms DESC, id DESC LIMIT 1"),
                            QStringLiteral("looking for an evaluation"), {variantId});
    if (!v)
        return v.error();
    return v->isNull() ? 0 : v->toLongLong();
}

Result<int> Store::runCount() const
{
    if (Status st = checkThread(); !st)
        return st.error();
    auto v = m_conn->scalar(QStringLiteral("SELECT count(*) FROM runs"), QStringLiteral("counting runs"));
    if (!v)
        return v.error();
    return v->toInt();
}

Result<qint64> Store::dataVersion() const
{
    if (Status st = checkThread(); !st)
        return st.error();
    auto v = m_conn->scalar(QStringLiteral("PRAGMA data_version"), QStringLiteral("checking it for changes"));
    if (!v)
        return v.error();
    return v->toLongLong();
}

} // namespace qs
