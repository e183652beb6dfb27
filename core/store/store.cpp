// SPDX-License-Identifier: GPL-3.0-or-later
// Opening the run database (checks, WAL, migrations, the interrupted-run sweep) and the edits
// of stored runs: delete, tags, notes. Recording is in storewrite.cpp, listing in storeread.cpp.
#include "store.h"

#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/store/processidentity.h"
#include "core/store/schema_p.h"
#include "core/store/sqliteconnection_p.h"
#include "core/store/storesql_p.h"

#include <QtCore/QSet>
#include <QtSql/QSqlError>

namespace qs {

using detail::SqliteConnection;
namespace sql = detail::sql;

Result<std::unique_ptr<Store>> Store::open(const QString& path, const Options& options)
{
    std::unique_ptr<Store> store(new Store);
    if (Status st = store->init(path, options); !st)
        return st.error();
    return store;
}

Store::~Store() = default;

QString Store::path() const
{
    return m_conn->path();
}

bool Store::isReadOnly() const
{
    return m_conn->readOnly();
}

int Store::schemaVersion()
{
    return detail::schema::kVersion;
}

const detail::SqliteConnection& Store::connection() const
{
    return *m_conn;
}

Status Store::setBusyTimeoutMs(int ms)
{
    return m_conn->setBusyTimeoutMs(ms);
}

Status Store::checkThread() const
{
    if (QThread::currentThread() != m_thread)
        return Error(Error::Kind::Internal, QStringLiteral("The run database was used from a thread other than the one that opened it; "
                                                           "open a Store per thread."));
    return {};
}

namespace {

struct Header
{
    int applicationId = 0;
    int version = 0;
    int objects = 0;
};

Result<Header> readHeader(const SqliteConnection& c)
{
    const QString doing = QStringLiteral("reading its version");
    Header h;
    auto id = c.scalar(QStringLiteral("PRAGMA application_id"), doing);
    if (!id)
        return id.error();
    auto version = c.scalar(QStringLiteral("PRAGMA user_version"), doing);
    if (!version)
        return version.error();
    auto objects = c.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master"), doing);
    if (!objects)
        return objects.error();
    h.applicationId = id->toInt();
    h.version = version->toInt();
    h.objects = objects->toInt();
    return h;
}

Error databaseError(const QString& message)
{
    return Error(Error::Kind::Database, message);
}

} // namespace

Result<int> Store::fileSchemaVersion(const QString& path)
{
    auto c = SqliteConnection::open(path, true, false, 1000);
    if (!c)
        return c.error();
    auto h = readHeader(**c);
    if (!h)
        return h.error();
    return h->version;
}

Status Store::init(const QString& path, const Options& options)
{
    m_thread = QThread::currentThread();
    auto conn = SqliteConnection::open(path, options.readOnly, options.create, options.busyTimeoutMs);
    if (!conn)
        return conn.error();
    m_conn = std::move(*conn);
    const QString shown = paths::pretty(path);

    // Everything up to the version check only reads: a file we refuse is left as it was.
    auto header = readHeader(*m_conn);
    if (!header && options.readOnly && (m_conn->lastCode() == 8 || m_conn->lastCode() == 14)) {
        // A WAL database in a folder we cannot write: SQLite cannot create its -shm index, so read
        // the file as it is on disk (without locks: fine for reading a snapshot someone shared).
        m_conn.reset();
        auto immutable = SqliteConnection::open(path, true, false, options.busyTimeoutMs, true);
        if (!immutable)
            return immutable.error();
        m_conn = std::move(*immutable);
        header = readHeader(*m_conn);
    }
    if (!header)
        return header.error();
    const SqliteConnection& c = *m_conn;
    const bool fresh = header->applicationId == 0 && header->version == 0 && header->objects == 0;
    if (header->version > detail::schema::kVersion && header->applicationId == detail::schema::kApplicationId)
        return databaseError(QStringLiteral("The run database %1 was written by a newer Quantscope (database version %2; this build "
                                            "knows versions up to %3). It was left untouched: open it with the newer Quantscope, or "
                                            "use another file with --db.")
                                 .arg(shown).arg(header->version).arg(detail::schema::kVersion));
    if (!fresh && header->applicationId != detail::schema::kApplicationId)
        return databaseError(QStringLiteral("%1 is an SQLite database of another program (%2 tables or indexes, no Quantscope mark). "
                                            "It was left untouched; choose another file with --db.")
                                 .arg(shown).arg(header->objects));
    if (options.readOnly) {
        if (fresh)
            return databaseError(QStringLiteral("The run database %1 is empty: no run was recorded in it yet.").arg(shown));
        if (header->version < detail::schema::kVersion)
            return databaseError(QStringLiteral("The run database %1 has the older version %2; it can be read once it has been "
                                                "upgraded (open it once for writing, e.g. `quantscope-cli runs list --db %1`).")
                                     .arg(shown).arg(header->version));
        return {};
    }

    // WAL: readers never block the writer and a killed writer leaves the last committed state.
    // synchronous=NORMAL keeps WAL consistent on power loss (the newest commits may be lost,
    // nothing gets corrupted) and saves an fsync per run.
    auto mode = c.scalar(QStringLiteral("PRAGMA journal_mode = WAL"), QStringLiteral("switching it to WAL mode"));
    if (!mode)
        return mode.error();
    if (mode->toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        qCWarning(lcStore) << "the file system of" << path << "refused WAL mode, using" << mode->toString();
    if (Status st = c.execAll({QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("PRAGMA synchronous = NORMAL")},
                              QStringLiteral("configuring the connection"));
        !st)
        return st;

    if (header->version < detail::schema::kVersion) {
        Status st = c.write(
            [&]() -> Status {
                // Another process may have created or upgraded it since we looked.
                auto now = readHeader(c);
                if (!now)
                    return now.error();
                if (now->version >= detail::schema::kVersion)
                    return {};
                qCInfo(lcStore) << "upgrading" << path << "from version" << now->version << "to" << detail::schema::kVersion;
                return detail::schema::migrate(c, now->version, detail::schema::kVersion);
            },
            fresh ? QStringLiteral("creating it") : QStringLiteral("upgrading it"));
        if (!st)
            return st;
    }
    if (auto swept = markInterruptedRuns(); !swept)
        return swept.error();
    return {};
}

namespace {

struct OwnedRun
{
    qint64 id = 0;
    ProcessIdentity owner;
};

Result<QVector<OwnedRun>> runningRuns(const SqliteConnection& c, const QString& where, const QVariantList& binds)
{
    auto q = c.exec(QStringLiteral("SELECT id, owner_host, owner_boot, owner_pid, owner_start FROM runs WHERE status = 'running'%1").arg(where),
                    binds, QStringLiteral("looking for running runs"));
    if (!q)
        return q.error();
    QVector<OwnedRun> runs;
    while (q->next()) {
        OwnedRun r;
        r.id = q->value(0).toLongLong();
        r.owner.host = q->value(1).toString();
        r.owner.boot = q->value(2).toString();
        r.owner.pid = q->value(3).toLongLong();
        r.owner.startTicks = q->value(4).toLongLong();
        runs << r;
    }
    return runs;
}

QString interruptedMessage(const ProcessIdentity& owner)
{
    return QStringLiteral("Interrupted: its process (pid %1 on %2) ended before the run finished (killed, crashed, or the machine "
                          "stopped).").arg(owner.pid).arg(owner.host.isEmpty() ? QStringLiteral("an unknown host") : owner.host);
}

} // namespace

Result<int> Store::markInterruptedRuns()
{
    if (Status st = checkThread(); !st)
        return st.error();
    if (m_conn->readOnly())
        return 0;
    auto running = runningRuns(*m_conn, {}, {});
    if (!running)
        return running.error();
    QVector<OwnedRun> dead;
    for (const OwnedRun& r : *running) {
        if (!r.owner.isAlive())
            dead << r;
    }
    if (dead.isEmpty())
        return 0;
    int marked = 0;
    Status st = m_conn->write(
        [&]() -> Status {
            marked = 0;
            for (const OwnedRun& r : dead) {
                auto q = m_conn->exec(QStringLiteral("UPDATE runs SET status = 'interrupted', error = ? WHERE id = ? AND status = 'running'"),
                                      {interruptedMessage(r.owner), r.id}, QStringLiteral("marking interrupted runs"));
                if (!q)
                    return q.error();
                marked += q->numRowsAffected();
            }
            return {};
        },
        QStringLiteral("marking interrupted runs"));
    if (!st)
        return st.error();
    if (marked > 0)
        qCInfo(lcStore) << marked << "run(s) in" << path() << "were interrupted";
    return marked;
}

Status Store::deleteRuns(const QVector<qint64>& ids)
{
    if (Status st = checkThread(); !st)
        return st;
    if (ids.isEmpty())
        return {};
    QVariantList binds;
    for (qint64 id : ids)
        binds << id;
    const QString in = sql::placeholders(int(ids.size()));
    const QString doing = QStringLiteral("deleting runs");
    return m_conn->write(
        [&]() -> Status {
            auto existing = m_conn->scalar(QStringLiteral("SELECT count(*) FROM runs WHERE id IN (%1)").arg(in), doing, binds);
            if (!existing)
                return existing.error();
            if (existing->toInt() != QSet<qint64>(ids.begin(), ids.end()).size()) {
                for (qint64 id : ids) {
                    auto one = m_conn->scalar(QStringLiteral("SELECT count(*) FROM runs WHERE id = ?"), doing, {id});
                    if (one && one->toInt() == 0)
                        return Error::badInput(QStringLiteral("There is no run %1 in %2; nothing was deleted.").arg(id).arg(paths::pretty(path())));
                }
            }
            auto running = runningRuns(*m_conn, QStringLiteral(" AND id IN (%1)").arg(in), binds);
            if (!running)
                return running.error();
            for (const OwnedRun& r : *running) {
                if (r.owner.isAlive())
                    return Error::badInput(QStringLiteral("Run %1 is still running (pid %2); cancel it first. Nothing was deleted.")
                                               .arg(r.id).arg(r.owner.pid));
            }
            // Child rows (metrics, samples, evaluation, layers, tags) go by ON DELETE CASCADE;
            // models and variants that no run uses any more go with them.
            if (auto q = m_conn->exec(QStringLiteral("DELETE FROM runs WHERE id IN (%1)").arg(in), binds, doing); !q)
                return q.error();
            return m_conn->execAll({QStringLiteral("DELETE FROM variants WHERE id NOT IN (SELECT variant_id FROM runs)"),
                                    QStringLiteral("DELETE FROM models WHERE id NOT IN (SELECT model_id FROM variants)")},
                                   doing);
        },
        doing);
}

Status Store::addTags(const QVector<qint64>& ids, const QStringList& tags)
{
    if (Status st = checkThread(); !st)
        return st;
    for (const QString& t : tags) {
        if (t.trimmed().isEmpty())
            return Error::usage(QStringLiteral("A tag cannot be empty."));
    }
    const QString doing = QStringLiteral("tagging runs");
    return m_conn->write(
        [&]() -> Status {
            for (qint64 id : ids) {
                auto exists = m_conn->scalar(QStringLiteral("SELECT count(*) FROM runs WHERE id = ?"), doing, {id});
                if (!exists)
                    return exists.error();
                if (exists->toInt() == 0)
                    return Error::badInput(QStringLiteral("There is no run %1 in %2; no tag was added.").arg(id).arg(paths::pretty(path())));
                for (const QString& t : tags) {
                    if (auto q = m_conn->exec(QStringLiteral("INSERT OR IGNORE INTO tags (run_id, tag) VALUES (?, ?)"), {id, t.trimmed()}, doing); !q)
                        return q.error();
                }
            }
            return {};
        },
        doing);
}

Status Store::removeTags(const QVector<qint64>& ids, const QStringList& tags)
{
    if (Status st = checkThread(); !st)
        return st;
    const QString doing = QStringLiteral("removing tags");
    return m_conn->write(
        [&]() -> Status {
            for (qint64 id : ids) {
                for (const QString& t : tags) {
                    if (auto q = m_conn->exec(QStringLiteral("DELETE FROM tags WHERE run_id = ? AND tag = ?"), {id, t.trimmed()}, doing); !q)
                        return q.error();
                }
            }
            return {};
        },
        doing);
}

Status Store::setNote(qint64 id, const QString& note)
{
    if (Status st = checkThread(); !st)
        return st;
    const QString doing = QStringLiteral("saving the note");
    return m_conn->write(
        [&]() -> Status {
            auto q = m_conn->exec(QStringLiteral("UPDATE runs SET note = ? WHERE id = ?"), {note, id}, doing);
            if (!q)
                return q.error();
            if (q->numRowsAffected() == 0)
                return Error::badInput(QStringLiteral("There is no run %1 in %2.").arg(id).arg(paths::pretty(path())));
            return {};
        },
        doing);
}

} // namespace qs
