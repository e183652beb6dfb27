// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QMutex>
#include <QtCore/QObject>

#include <atomic>

namespace qs {

/// \brief Thrown by Job::checkCancelled() to unwind a job's run() when the user cancels.
struct JobCancelled
{
};

/// \brief Long work (quantize, calibrate, benchmark, evaluate, prepare the demo) that runs off
/// the GUI thread, reports throttled progress with an ETA, and can be cancelled.
///
/// The object lives in the thread that made it; run() executes on a JobRunner lane (or on the
/// caller's thread with runNow(), as the CLI does). Signals cross threads queued. finished() is
/// always the last signal, after succeeded(), failed() or cancelled().
class Job : public QObject
{
    Q_OBJECT
public:
    enum class State { Pending, Running, Succeeded, Failed, Cancelled };
    Q_ENUM(State)

    explicit Job(const QString& title, QObject* parent = nullptr);
    ~Job() override;

    QString title() const { return m_title; }
    State state() const { return m_state.load(); }
    bool isDone() const;
    /// The error of a failed job.
    Error error() const;

    /// Asks the job to stop; it does so at its next checkCancelled(). Thread-safe.
    void cancel();
    bool isCancelRequested() const { return m_cancel.load(std::memory_order_relaxed); }

    /// Runs the job on the calling thread and returns how it ended.
    Status runNow();

Q_SIGNALS:
    void started();
    void progress(int permille, const QString& message, qint64 etaMs);
    void succeeded();
    void failed(const qs::Error& error);
    void cancelled();
    void finished();

protected:
    /// The work. Return an error or success; throw JobCancelled (via checkCancelled) to stop.
    virtual Status run() = 0;

    /// Reports progress; emitted only when it moved by 0.1% or the message changed, at most
    /// every 50 ms, so that a fast loop does not flood the GUI thread.
    void setProgress(int permille, const QString& message = QString());
    /// Throws JobCancelled when cancel() was called.
    void checkCancelled() const;

private:
    friend class JobRunner;

    QString m_title;
    std::atomic<State> m_state{State::Pending};
    std::atomic<bool> m_cancel{false};
    mutable QMutex m_mutex;
    Error m_error;
    QElapsedTimer m_clock;
    qint64 m_lastEmitMs = -1;
    int m_lastPermille = -1;
    QString m_lastMessage;
};

} // namespace qs
