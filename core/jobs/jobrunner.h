// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/job.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QThreadPool>

namespace qs {

/// \brief Runs Jobs on worker threads, one at a time per lane.
///
/// Timing work (benchmarks) gets a lane of its own, so that nothing else runs beside a
/// measurement; everything else shares the general lane.
class JobRunner : public QObject
{
    Q_OBJECT
public:
    enum class Lane { Timing, General };

    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;

    /// Queues \a job (the runner does not take ownership; keep it alive until finished()).
    void submit(Job* job, Lane lane = Lane::General);
    /// Jobs queued or running.
    QList<Job*> activeJobs() const;
    bool isBusy() const;
    /// Cancels every queued and running job.
    void cancelAll();
    /// Waits for all lanes to drain; false on timeout.
    bool waitForDone(int msecs = -1);

Q_SIGNALS:
    void busyChanged(bool busy);

private:
    QThreadPool m_timing;
    QThreadPool m_general;
    QList<QPointer<Job>> m_active;
};

} // namespace qs
