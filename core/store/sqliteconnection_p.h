// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QVariant>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>

#include <functional>
#include <memory>

namespace qs::detail {

/// \brief One QSqlDatabase connection to the run database, owned by the thread that opened it
/// (QtSql connections must not cross threads), with SQLite errors turned into messages for users
/// and writes wrapped in retried transactions.
class SqliteConnection
{
public:
    /// Opens \a path (creating the file when \a create) with the busy timeout set; runs nothing.
    /// \a immutable (read-only only) reads the file without locks or -shm file: for databases in
    /// folders we cannot write, where SQLite cannot create the WAL index.
    static Result<std::unique_ptr<SqliteConnection>> open(const QString& path, bool readOnly, bool create, int busyTimeoutMs,
                                                          bool immutable = false);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    const QString& path() const { return m_path; }
    bool readOnly() const { return m_readOnly; }
    int busyTimeoutMs() const { return m_busyTimeoutMs; }

    /// A prepared forward-only query on this connection.
    QSqlQuery query() const;
    /// Prepares and runs \a sql with positional \a binds; the error says what we were \a doing.
    Result<QSqlQuery> exec(const QString& sql, const QVariantList& binds, const QString& doing) const;
    /// Runs statements that return nothing.
    Status execAll(const QStringList& statements, const QString& doing) const;
    /// The first column of the first row of \a sql.
    Result<QVariant> scalar(const QString& sql, const QString& doing, const QVariantList& binds = {}) const;

    /// Runs \a body inside BEGIN IMMEDIATE ... COMMIT; on "busy"/"locked" rolls back and runs it
    /// again until the busy timeout has passed. \a body must only touch the database (it may run
    /// more than once). Any error rolls everything back: a write is all or nothing.
    Status write(const std::function<Status()>& body, const QString& doing) const;
    /// Runs \a body in a read transaction (one consistent snapshot across several SELECTs).
    Status read(const std::function<Status()>& body, const QString& doing) const;

    /// The message for a failed statement: names the database file and what to do about it.
    Error error(const QSqlError& e, const QString& doing) const;
    /// SQLite's primary result code of \a e (SQLITE_BUSY = 5, ...), or -1.
    static int primaryCode(const QSqlError& e);
    /// The primary code of the last error() made (0 after a success of write()/read()).
    int lastCode() const { return m_lastCode; }

    /// How long a write waits for another process's write to end before giving up.
    Status setBusyTimeoutMs(int ms);

private:
    SqliteConnection() = default;
    Status transaction(const char* begin, const std::function<Status()>& body, const QString& doing) const;

    QString m_name;
    QString m_path;
    bool m_readOnly = false;
    int m_busyTimeoutMs = 5000;
    mutable int m_lastCode = 0; ///< primary SQLite code of the last error(): decides retries
};

} // namespace qs::detail
