// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/job.h"
#include "core/jobs/jobrunner.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QThread>
#include <QtTest/QtTest>

using namespace qs;

namespace {

class CountingJob : public Job
{
public:
    explicit CountingJob(int steps, int sleepMs = 0, bool fail = false)
        : Job(QStringLiteral("counting")), m_steps(steps), m_sleepMs(sleepMs), m_fail(fail) {}
    QThread* ranOn = nullptr;
    int done = 0;

protected:
    Status run() override
    {
        ranOn = QThread::currentThread();
        for (int i = 0; i < m_steps; ++i) {
            checkCancelled();
            if (m_sleepMs > 0)
                QThread::msleep(m_sleepMs);
            ++done;
            setProgress(1000 * (i + 1) / m_steps, QStringLiteral("step"));
        }
        if (m_fail)
            return Error::badInput(QStringLiteral("the input was bad"));
        return {};
    }

private:
    int m_steps;
    int m_sleepMs;
    bool m_fail;
};

} // namespace

class TestJobs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runNowSucceeds()
    {
        CountingJob job(100000);
        QSignalSpy progress(&job, &Job::progress);
        QSignalSpy succeeded(&job, &Job::succeeded);
        QSignalSpy finished(&job, &Job::finished);
        QVERIFY(job.runNow().ok());
        QCOMPARE(job.state(), Job::State::Succeeded);
        QCOMPARE(succeeded.count(), 1);
        QCOMPARE(finished.count(), 1);
        // Throttled: 100,000 steps do not make 100,000 signals.
        QVERIFY2(progress.count() <= 1002, qPrintable(QString::number(progress.count())));
        QCOMPARE(progress.last().at(0).toInt(), 1000);
        QVERIFY(!job.runNow().ok()); // a job runs once
    }

    void failureCarriesTheError()
    {
        CountingJob job(3, 0, true);
        QSignalSpy failed(&job, &Job::failed);
        const Status st = job.runNow();
        QVERIFY(!st.ok());
        QCOMPARE(job.state(), Job::State::Failed);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(job.error().message, QStringLiteral("the input was bad"));
    }

    void runsOnWorkerAndCancelsQuickly()
    {
        JobRunner runner;
        CountingJob job(100000, 1);
        QSignalSpy cancelled(&job, &Job::cancelled);
        QSignalSpy finished(&job, &Job::finished);
        QSignalSpy busy(&runner, &JobRunner::busyChanged);
        runner.submit(&job, JobRunner::Lane::Timing);
        QTRY_VERIFY(job.done > 5);
        QVERIFY(runner.isBusy());
        QElapsedTimer t;
        t.start();
        job.cancel();
        QVERIFY(finished.wait(2000));
        // Cancellation between iterations: well under the 100 ms target for 1 ms steps.
        QVERIFY2(t.elapsed() < 100, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(job.state(), Job::State::Cancelled);
        QVERIFY(job.ranOn != QThread::currentThread());
        QTRY_VERIFY(!runner.isBusy());
        // busyChanged(false) is delivered through the event loop after the job's state is final.
        QTRY_COMPARE(busy.count(), 2);
        QCOMPARE(busy.last().at(0).toBool(), false);
    }

    void laneRunsJobsOneAtATime()
    {
        JobRunner runner;
        CountingJob a(20, 2), b(20, 2);
        QSignalSpy aDone(&a, &Job::finished);
        QSignalSpy bStarted(&b, &Job::started);
        runner.submit(&a);
        runner.submit(&b);
        QVERIFY(aDone.wait(5000));
        QTRY_COMPARE(b.state(), Job::State::Succeeded);
        QCOMPARE(a.done, 20);
        QCOMPARE(b.done, 20);
        QCOMPARE(bStarted.count(), 1);
        QVERIFY(runner.waitForDone(5000));
    }

    void cancelAllStopsQueuedJobs()
    {
        JobRunner runner;
        CountingJob a(100000, 1), b(100000, 1);
        runner.submit(&a);
        runner.submit(&b);
        QTRY_VERIFY(a.done > 0);
        runner.cancelAll();
        QVERIFY(runner.waitForDone(3000));
        QCOMPARE(a.state(), Job::State::Cancelled);
        QCOMPARE(b.state(), Job::State::Cancelled);
        QCOMPARE(b.done, 0);
    }
};

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
