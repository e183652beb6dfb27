// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqliteconnection_p.h"

#include "core/common/logging.h"
#include "core/common/paths.h"

#include <QtCore/QAtomicInteger>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QRandomGenerator>
#include <QtCore/QThread>
#include <QtCore/QUrl>
#include <QtSql/QSqlError>

namespace qs::detail {

namespace {

// SQLite primary result codes we give their own message.
enum : int {
    kBusy = 5,
    kLocked = 6,
    kNoMem = 7,
    kReadOnly = 8,
    kIoErr = 10,
    kCorrupt = 11,
    kFull = 13,
    kCantOpen = 14,
    kNotADb = 26,
};

QString uniqueConnectionName()
{
    static QAtomicInteger<quint64> counter;
    // Connection names are process-global in QtSql; the thread is part of the name only to
    // make debugging output readable.
    return QStringLiteral("qs-store-%1-%2").arg(counter.fetchAndAddRelaxed(1)).arg(quintptr(QThread::currentThreadId()), 0, 16);
}

} // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const QString& path, bool readOnly, bool create, int busyTimeoutMs,
                                                                 bool immutable)
{
    const QString shown = paths::pretty(path);
    if (path.isEmpty())
        return Error::usage(QStringLiteral("No run database file given."));
    const QFileInfo fi(path);
    if (fi.isDir())
        return Error(Error::Kind::Database, QStringLiteral("%1 is a folder, not a run database file. Give a file name, e.g. %2/runs.sqlite.").arg(shown, shown));
    if (!fi.exists()) {
        if (!create || readOnly)
            return Error(Error::Kind::Database, QStringLiteral("There is no run database at %1. Check the path given with --db.").arg(shown));
        if (!fi.dir().exists())
            return Error(Error::Kind::Database, QStringLiteral("Cannot create the run database %1: the folder %2 does not exist.")
                                                  .arg(shown, paths::pretty(fi.absolutePath())));
    }

    std::unique_ptr<SqliteConnection> c(new SqliteConnection);
    c->m_name = uniqueConnectionName();
    c->m_path = path;
    c->m_readOnly = readOnly;
    c->m_busyTimeoutMs = busyTimeoutMs;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), c->m_name);
    if (!db.isValid())
        return Error(Error::Kind::Database, QStringLiteral("Qt's SQLite driver is missing: install libqt6sql6-sqlite."),
                     QSqlDatabase::drivers().join(QLatin1String(", ")));
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs);
    if (readOnly)
        options += QLatin1String(";QSQLITE_OPEN_READONLY");
    if (readOnly && immutable) {
        db.setDatabaseName(QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toString(QUrl::FullyEncoded) + QLatin1String("?immutable=1"));
        options += QLatin1String(";QSQLITE_OPEN_URI");
    } else {
        db.setDatabaseName(path);
    }
    db.setConnectOptions(options);
    if (!db.open())
        return c->error(db.lastError(), QStringLiteral("opening it"));
    return c;
}

SqliteConnection::~SqliteConnection()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
}

QSqlQuery SqliteConnection::query() const
{
    QSqlQuery q(db());
    q.setForwardOnly(true);
    return q;
}

Result<QSqlQuery> SqliteConnection::exec(const QString& sql, const QVariantList& binds, const QString& doing) const
{
    QSqlQuery q = query();
    if (!q.prepare(sql))
        return error(q.lastError(), doing);
    for (const QVariant& b : binds) {
        // QtSql binds a null QString as SQL NULL; our text columns are NOT NULL with '' for "none".
        if (b.typeId() == QMetaType::QString && b.toString().isNull())
            q.addBindValue(QStringLiteral(""));
        else
            q.addBindValue(b);
    }
    if (!q.exec())
        return error(q.lastError(), doing);
    return q;
}

Status SqliteConnection::execAll(const QStringList& statements, const QString& doing) const
{
    for (const QString& sql : statements) {
        QSqlQuery q = query();
        if (!q.exec(sql))
            return error(q.lastError(), doing);
    }
    return {};
}

Result<QVariant> SqliteConnection::scalar(const QString& sql, const QString& doing, const QVariantList& binds) const
{
    auto q = exec(sql, binds, doing);
    if (!q)
        return q.error();
    if (!q->next())
        return QVariant();
    return q->value(0);
}

Status SqliteConnection::setBusyTimeoutMs(int ms)
{
    m_busyTimeoutMs = ms;
    return execAll({QStringLiteral("PRAGMA busy_timeout = %1").arg(ms)}, QStringLiteral("setting the busy timeout"));
}

Status SqliteConnection::write(const std::function<Status()>& body, const QString& doing) const
{
    if (m_readOnly)
        return Error(Error::Kind::Database, QStringLiteral("The run database %1 was opened read-only: cannot save changes while %2.")
                                               .arg(paths::pretty(m_path), doing));
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes
    // can fail with SQLITE_BUSY without waiting when another process wrote in between.
    return transaction("BEGIN IMMEDIATE", body, doing);
}

Status SqliteConnection::read(const std::function<Status()>& body, const QString& doing) const
{
    return transaction("BEGIN", body, doing);
}

Status SqliteConnection::transaction(const char* begin, const std::function<Status()>& body, const QString& doing) const
{
    // SQLite's busy handler already waits up to the timeout for a lock; this loop covers the
    // cases it returns BUSY at once (WAL recovery, snapshot conflicts) with a short backoff.
    QDeadlineTimer deadline(qMax(m_busyTimeoutMs, 50));
    int attempt = 0;
    while (true) {
        m_lastCode = 0;
        Status st = execAll({QLatin1String(begin)}, doing);
        if (st) {
            st = body();
            if (st)
                st = execAll({QStringLiteral("COMMIT")}, doing);
            if (!st) {
                const int code = m_lastCode;
                QSqlQuery rb = query();
                rb.exec(QStringLiteral("ROLLBACK")); // fails harmlessly when SQLite already rolled back
                m_lastCode = code;
            }
        }
        if (st)
            return st;
        if ((m_lastCode != kBusy && m_lastCode != kLocked) || deadline.hasExpired())
            return st;
        ++attempt;
        qCDebug(lcStore) << "database busy while" << doing << "- retry" << attempt;
        QThread::msleep(qMin(5 * attempt, 100) + QRandomGenerator::global()->bounded(5));
    }
}

int SqliteConnection::primaryCode(const QSqlError& e)
{
    bool ok = false;
    const int code = e.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : -1;
}

Error SqliteConnection::error(const QSqlError& e, const QString& doing) const
{
    const int code = primaryCode(e);
    m_lastCode = code;
    const QString db = paths::pretty(m_path);
    const QString sqlite = QStringLiteral("SQLite: %1 (code %2)").arg(e.text(), e.nativeErrorCode());
    auto fail = [&](const QString& msg) { return Error(Error::Kind::Database, msg, sqlite); };
    switch (code) {
    case kNotADb:
        return fail(QStringLiteral("%1 is not a Quantscope run database (it is not an SQLite file, or it is encrypted). It was left "
                                   "untouched; choose another file with --db or move this one away.").arg(db));
    case kCorrupt:
        return fail(QStringLiteral("The run database %1 is damaged (\"%2\" while %3). Keep a copy of it; `sqlite3 %1 .recover` may "
                                   "save its runs. Use --db NEW_FILE to go on with a fresh database.").arg(db, e.databaseText(), doing));
    case kReadOnly:
        return fail(QStringLiteral("The run database %1 is read-only, so nothing could be saved while %2. Fix the permissions of "
                                   "the file and its folder, or choose a writable file with --db.").arg(db, doing));
    case kBusy:
    case kLocked:
        return fail(QStringLiteral("The run database %1 stayed busy for %2 s while %3: another process (the studio or another "
                                   "quantscope-cli) holds it. Nothing was changed; try again when it has finished.")
                        .arg(db).arg(m_busyTimeoutMs / 1000.0, 0, 'g', 3).arg(doing));
    case kFull:
        return fail(QStringLiteral("The disk holding the run database %1 is full: nothing was saved while %2. Free some space and "
                                   "try again.").arg(db, doing));
    case kCantOpen:
        return fail(QStringLiteral("Cannot open the run database %1 while %2: the file or its folder cannot be read or written.")
                        .arg(db, doing));
    case kIoErr:
        return fail(QStringLiteral("The system reported an I/O error on the run database %1 while %2 (disk failing, or the file "
                                   "changed underneath us). Nothing was saved.").arg(db, doing));
    case kNoMem:
        return fail(QStringLiteral("Out of memory while %1 in the run database %2.").arg(doing, db));
    default:
        return fail(QStringLiteral("The run database %1 failed while %2: %3.").arg(db, doing, e.databaseText().isEmpty() ? e.text() : e.databaseText()));
    }
}

} // namespace qs::detail
