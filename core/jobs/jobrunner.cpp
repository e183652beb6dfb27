// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobrunner.h"

namespace qs {

JobRunner::JobRunner(QObject* parent) : QObject(parent)
{
    for (QThreadPool* pool : {&m_timing, &m_general}) {
        pool->setMaxThreadCount(1);
        pool->setExpiryTimeout(-1);
    }
    m_timing.setObjectName(QStringLiteral("quantscope-timing"));
    m_general.setObjectName(QStringLiteral("quantscope-jobs"));
}

JobRunner::~JobRunner()
{
    cancelAll();
    waitForDone();
}

void JobRunner::submit(Job* job, Lane lane)
{
    const bool wasBusy = isBusy();
    m_active << job;
    connect(job, &Job::finished, this, [this, job] {
        m_active.removeAll(job);
        m_active.removeAll(nullptr);
        if (!isBusy())
            Q_EMIT busyChanged(false);
    }, Qt::QueuedConnection);
    QThreadPool& pool = lane == Lane::Timing ? m_timing : m_general;
    pool.start([job] { job->runNow(); });
    if (!wasBusy)
        Q_EMIT busyChanged(true);
}

QList<Job*> JobRunner::activeJobs() const
{
    QList<Job*> jobs;
    for (const auto& j : m_active) {
        if (j && !j->isDone())
            jobs << j.data();
    }
    return jobs;
}

bool JobRunner::isBusy() const
{
    return !activeJobs().isEmpty();
}

void JobRunner::cancelAll()
{
    for (const auto& j : m_active) {
        if (j)
            j->cancel();
    }
}

bool JobRunner::waitForDone(int msecs)
{
    const bool a = m_timing.waitForDone(msecs);
    const bool b = m_general.waitForDone(msecs);
    return a && b;
}

} // namespace qs
