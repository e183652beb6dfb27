// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/report/report.h"
#include "core/store/store.h"

#include <QtCore/QObject>
#include <QtCore/QVector>

#include <functional>

class QThread;
class QTimer;

namespace qs::ui {

class HistoryWorker;

/// \brief The History page's access to the run database, on a thread of its own: listings,
/// whole runs and edits (tags, notes, delete) never wait on the GUI thread, even while
/// quantscope-cli holds the write lock.
///
/// Every request is carried out in order on the worker; each edit is followed by a fresh listing.
/// Reloads asked for while one is under way are merged into one. While polling, the worker asks
/// SQLite every second whether another connection (a recorder of this studio, another process)
/// committed (PRAGMA data_version) and lists the runs again when one did.
class HistoryLoader : public QObject
{
    Q_OBJECT
public:
    explicit HistoryLoader(QObject* parent = nullptr);
    /// Waits for the request under way (one query) and closes the database.
    ~HistoryLoader() override;

    /// Opens \a path (created when missing) and lists it.
    void setDatabasePath(const QString& path);
    QString databasePath() const { return m_path; }

    void reload();
    void deleteRuns(const QVector<qint64>& ids);
    void addTags(const QVector<qint64>& ids, const QStringList& tags);
    void removeTags(const QVector<qint64>& ids, const QStringList& tags);
    void setNote(qint64 id, const QString& note);
    /// Loads the whole run \a id; runLoaded(request, ...) or failed() follows.
    int loadRun(qint64 id);

    /// Builds the report of \a runs against \a baseline (as Compare and `quantscope-cli report`
    /// do); reportBuilt(request, ...) or failed() follows.
    int buildReport(const QVector<qint64>& runs, qint64 baseline);

    /// Watches the database for commits by other connections (while the page shows).
    void setPolling(bool on);
    bool isPolling() const;
    static constexpr int pollIntervalMs() { return 1000; }
    /// Requests sent to the worker and not answered yet.
    bool isBusy() const { return m_inFlight > 0; }

Q_SIGNALS:
    /// A complete listing, newest first; \a ms: how long the query took.
    void loaded(const QVector<qs::RunSummary>& runs, double ms);
    void runLoaded(int request, const qs::RunRecord& run);
    void reportBuilt(int request, const qs::Report& report);
    /// \a doing: "deleting runs", "listing runs"...
    void failed(const QString& doing, const qs::Error& error);
    /// Every request sent so far was answered.
    void idle();

private:
    /// What a request does on the worker; setting \a list asks for a listing after it, \a deliver
    /// (called on the GUI thread) hands a result over.
    struct Outcome
    {
        bool list = false;
        std::function<void(HistoryLoader*)> deliver;
    };
    using Task = std::function<Status(HistoryWorker*, Outcome&)>;
    void submit(const QString& doing, Task task);
    void finished();
    void poll();

    QThread* m_thread;
    HistoryWorker* m_worker;
    QTimer* m_poll;
    QString m_path;
    int m_inFlight = 0;
    bool m_reloadPending = false;
    bool m_listing = false;
    int m_nextRequest = 1;
};

} // namespace qs::ui
