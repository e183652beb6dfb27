// SPDX-License-Identifier: GPL-3.0-or-later
#include "historyloader.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QThread>
#include <QtCore/QTimer>

namespace qs::ui {

/// Lives on the loader's thread and owns the Store there (QtSql connections belong to the thread
/// that opened them).
class HistoryWorker : public QObject
{
public:
    Result<Store*> store()
    {
        if (m_store && m_openPath == path)
            return m_store.get();
        m_store.reset();
        version = -1;
        if (path.isEmpty())
            return Error::usage(HistoryLoader::tr("No run database is set (Preferences)."));
        auto s = Store::open(path);
        if (!s)
            return s.error();
        m_store = std::move(*s);
        m_openPath = path;
        return m_store.get();
    }

    QString path;
    qint64 version = -1; ///< data_version at the last listing

private:
    std::unique_ptr<Store> m_store;
    QString m_openPath;
};

HistoryLoader::HistoryLoader(QObject* parent)
    : QObject(parent), m_thread(new QThread(this)), m_worker(new HistoryWorker), m_poll(new QTimer(this))
{
    qRegisterMetaType<QVector<qs::RunSummary>>();
    qRegisterMetaType<qs::RunRecord>();
    qRegisterMetaType<qs::Error>();
    m_thread->setObjectName(QStringLiteral("History"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
    m_poll->setInterval(pollIntervalMs());
    connect(m_poll, &QTimer::timeout, this, &HistoryLoader::poll);
}

HistoryLoader::~HistoryLoader()
{
    m_thread->quit();
    m_thread->wait();
}

void HistoryLoader::submit(const QString& doing, Task task)
{
    ++m_inFlight;
    QMetaObject::invokeMethod(
        m_worker,
        [this, w = m_worker, doing, task = std::move(task)] {
            Outcome out;
            const Status st = task(w, out);
            std::optional<QVector<RunSummary>> runs;
            std::optional<Error> listError;
            double ms = 0;
            if (out.list) {
                QElapsedTimer timer;
                timer.start();
                auto store = w->store();
                auto listed = store ? (*store)->listRuns() : Result<QVector<RunSummary>>(store.error());
                ms = double(timer.nsecsElapsed()) / 1e6;
                if (listed) {
                    runs = std::move(*listed);
                    // Changes up to here are in this listing; the next poll looks for newer ones.
                    if (auto v = (*store)->dataVersion())
                        w->version = *v;
                } else {
                    listError = listed.error();
                }
            }
            // Back on the GUI thread; dropped with the loader if it is gone by then.
            QMetaObject::invokeMethod(
                this,
                [this, st, doing, out, runs = std::move(runs), listError, ms] {
                    if (!st)
                        Q_EMIT failed(doing, st.error());
                    if (listError)
                        Q_EMIT failed(tr("listing runs"), *listError);
                    if (out.deliver)
                        out.deliver(this);
                    if (runs)
                        Q_EMIT loaded(*runs, ms);
                    finished();
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void HistoryLoader::finished()
{
    if (--m_inFlight > 0)
        return;
    if (m_reloadPending) {
        m_reloadPending = false;
        reload();
        return;
    }
    Q_EMIT idle();
}

void HistoryLoader::setDatabasePath(const QString& path)
{
    m_path = path;
    submit(tr("opening the run database"), [path](HistoryWorker* w, Outcome& out) {
        w->path = path;
        out.list = true;
        return Status();
    });
}

void HistoryLoader::reload()
{
    // A listing under way (or queued) may have read the database before the change that asked
    // for this one: list once more after it, but only once however often we are asked.
    if (m_inFlight > 0) {
        m_reloadPending = true;
        return;
    }
    submit(tr("listing runs"), [](HistoryWorker*, Outcome& out) {
        out.list = true;
        return Status();
    });
}

namespace {
/// An edit on the worker's store, then a listing.
template<typename F>
auto edit(F f)
{
    return [f](HistoryWorker* w, auto& out) -> Status {
        out.list = true;
        auto store = w->store();
        if (!store)
            return store.error();
        return f(**store);
    };
}
} // namespace

void HistoryLoader::deleteRuns(const QVector<qint64>& ids)
{
    submit(tr("deleting runs"), edit([ids](Store& s) { return s.deleteRuns(ids); }));
}

void HistoryLoader::addTags(const QVector<qint64>& ids, const QStringList& tags)
{
    submit(tr("tagging runs"), edit([ids, tags](Store& s) { return s.addTags(ids, tags); }));
}

void HistoryLoader::removeTags(const QVector<qint64>& ids, const QStringList& tags)
{
    submit(tr("removing tags"), edit([ids, tags](Store& s) { return s.removeTags(ids, tags); }));
}

void HistoryLoader::setNote(qint64 id, const QString& note)
{
    submit(tr("saving the note"), edit([id, note](Store& s) { return s.setNote(id, note); }));
}

int HistoryLoader::loadRun(qint64 id)
{
    const int request = m_nextRequest++;
    submit(tr("loading run %1").arg(id), [id, request](HistoryWorker* w, Outcome& out) -> Status {
        auto store = w->store();
        if (!store)
            return store.error();
        auto run = (*store)->loadRun(id);
        if (!run)
            return run.error();
        out.deliver = [request, run = *run](HistoryLoader* loader) { Q_EMIT loader->runLoaded(request, run); };
        return {};
    });
    return request;
}

int HistoryLoader::buildReport(const QVector<qint64>& runs, qint64 baseline)
{
    const int request = m_nextRequest++;
    submit(tr("reading the runs for a report"), [runs, baseline, request](HistoryWorker* w, Outcome& out) -> Status {
        auto store = w->store();
        if (!store)
            return store.error();
        auto report = qs::buildReport(**store, runs, baseline);
        if (!report)
            return report.error();
        out.deliver = [request, report = *report](HistoryLoader* loader) { Q_EMIT loader->reportBuilt(request, report); };
        return {};
    });
    return request;
}

void HistoryLoader::setPolling(bool on)
{
    if (on)
        m_poll->start();
    else
        m_poll->stop();
}

bool HistoryLoader::isPolling() const
{
    return m_poll->isActive();
}

void HistoryLoader::poll()
{
    if (m_inFlight > 0)
        return;
    // The poll itself is one PRAGMA on the worker; a listing only follows a change.
    submit(tr("checking the run database"), [](HistoryWorker* w, Outcome& out) -> Status {
        auto store = w->store();
        if (!store)
            return store.error();
        auto v = (*store)->dataVersion();
        if (!v)
            return v.error();
        out.list = *v != w->version;
        return {};
    });
}

} // namespace qs::ui
