// SPDX-License-Identifier: GPL-3.0-or-later
#include "cancelprobe.h"

#include "core/bench/benchmarkjob.h"
#include "core/data/dataset.h"
#include "core/eval/evaluatejob.h"
#include "core/jobs/jobrunner.h"
#include "core/model/modelloader.h"
#include "core/quant/quantizejob.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QMutex>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include <sys/syscall.h>
#include <unistd.h>

namespace qs::test {

namespace {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Nanoseconds thread \a tid of this process has spent runnable but waiting for a CPU (second
// field of schedstat); 0 when the kernel does not say.
qint64 runDelayNs(qint64 tid)
{
    QFile f(QStringLiteral("/proc/self/task/%1/schedstat").arg(tid));
    if (tid <= 0 || !f.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return 0;
    const QList<QByteArray> fields = f.readAll().simplified().split(' ');
    return fields.size() >= 2 ? fields[1].toLongLong() : 0;
}

// Shared between the job's thread (direct connections) and the thread that cancels.
struct Probe
{
    Job* job = nullptr;
    std::atomic<qint64> tid{0};
    std::atomic<qint64> phaseBeganNs{0}; ///< 0 until the phase began
    std::atomic<qint64> cancelNs{0};
    std::atomic<qint64> cancelDelayNs{0};
    std::atomic<qint64> finishedNs{0};
    std::atomic<qint64> finishedDelayNs{0};
    QMutex mutex;
    QString lastMessage; ///< the last progress message before the job ended

    void cancelNow()
    {
        if (cancelNs.load())
            return;
        cancelDelayNs = runDelayNs(tid.load());
        cancelNs = nowNs();
        job->cancel();
    }
    void attach()
    {
        QObject::connect(job, &Job::started, job, [this] { tid = qint64(::syscall(SYS_gettid)); }, Qt::DirectConnection);
        QObject::connect(job, &Job::finished, job, [this] {
            finishedNs = nowNs();
            finishedDelayNs = runDelayNs(tid.load());
        }, Qt::DirectConnection);
    }
    /// Called on the job's thread as the phase is seen to begin.
    void phaseBegan(int delayMs)
    {
        if (phaseBeganNs.load())
            return;
        phaseBeganNs = nowNs();
        if (delayMs == 0)
            cancelNow();
    }
    void setMessage(const QString& message)
    {
        QMutexLocker lock(&mutex);
        lastMessage = message;
    }
    QString message()
    {
        QMutexLocker lock(&mutex);
        return lastMessage;
    }
};

// Runs \a job on a JobRunner lane, cancels it \a delayMs after the phase began (unless the job
// cancelled itself at the phase's start), waits for finished().
CancelMeasurement runAndCancel(Probe& probe, JobRunner::Lane lane, int delayMs)
{
    CancelMeasurement m;
    JobRunner runner;
    runner.submit(probe.job, lane);
    const qint64 deadline = nowNs() + qint64(180) * 1000 * 1000 * 1000;
    while (!probe.finishedNs.load() && nowNs() < deadline) {
        const qint64 began = probe.phaseBeganNs.load();
        if (began && !probe.cancelNs.load() && nowNs() - began >= qint64(delayMs) * 1000 * 1000)
            probe.cancelNow();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        QThread::usleep(500);
    }
    if (!probe.finishedNs.load()) {
        probe.job->cancel();
        runner.waitForDone();
        m.error = QStringLiteral("the job did not finish within 3 minutes");
        return m;
    }
    runner.waitForDone();
    QCoreApplication::processEvents();
    if (!probe.phaseBeganNs.load())
        m.error = QStringLiteral("the job ended before the phase began (%1)").arg(probe.job->error().message);
    else if (!probe.cancelNs.load())
        m.error = QStringLiteral("the job ended before it was cancelled");
    else if (probe.job->state() != Job::State::Cancelled)
        m.error = QStringLiteral("the job ended %1, not cancelled: %2")
                      .arg(probe.job->state() == Job::State::Succeeded ? QStringLiteral("successfully") : QStringLiteral("failed"),
                           probe.job->error().message);
    m.rawMs = double(probe.finishedNs.load() - probe.cancelNs.load()) / 1e6;
    m.runDelayMs = std::max<qint64>(0, probe.finishedDelayNs.load() - probe.cancelDelayNs.load()) / 1e6;
    m.where = probe.message();
    return m;
}

CancelMeasurement benchmark(Phase target, const QString& demoDir, int delayMs, RunMode mode = RunMode::Live)
{
    BenchmarkSweep sweep;
    BenchmarkTarget t;
    t.path = demoDir + QLatin1String("/fashion_cnn.pt");
    sweep.targets << t;
    // Long phases: one that never checked for cancellation would run for seconds.
    sweep.protocol.warmupSeconds = target == Phase::Warmup ? 30 : 0;
    sweep.protocol.warmupIterations = 2;
    sweep.protocol.minIterations = 1000000000;
    sweep.protocol.maxIterations = 1000000000;
    sweep.protocol.minSeconds = 60;
    sweep.protocol.maxSeconds = 60;
    sweep.protocol.mode = mode;
    BenchmarkJob job(sweep);
    Probe probe;
    probe.job = &job;
    probe.attach();
    QObject::connect(&job, &BenchmarkJob::runUpdated, &job, [&probe, target, delayMs](const RunUpdate& u) {
        probe.setMessage(phaseName(u.phase));
        if (u.phase == target)
            probe.phaseBegan(delayMs);
    }, Qt::DirectConnection);
    CancelMeasurement m = runAndCancel(probe, JobRunner::Lane::Timing, delayMs);
    const QVector<RunResult> results = job.results();
    if (m.ok() && (results.size() != 1 || results.first().status != RunStatus::Cancelled || results.first().phases.isEmpty()))
        m.error = QStringLiteral("the Run was not recorded as cancelled");
    else if (m.ok() && results.first().phases.last().phase != target)
        m.error = QStringLiteral("the Run was cancelled during %1, not %2").arg(phaseName(results.first().phases.last().phase), phaseName(target));
    if (!results.isEmpty() && !results.first().phases.isEmpty())
        m.where = phaseName(results.first().phases.last().phase);
    return m;
}

// The demo model and its input spec.
std::optional<QString> loadDemo(const QString& demoDir, TorchModel* model, InputSpec* spec)
{
    const QString modelPath = demoDir + QLatin1String("/fashion_cnn.pt");
    auto m = loadModel(modelPath);
    auto s = InputSpec::readSidecar(modelPath);
    if (!m || !s)
        return QStringLiteral("cannot load the demo model: %1").arg(m ? s.error().message : m.error().message);
    *model = *m;
    *spec = *s;
    return std::nullopt;
}

// A job whose phase shows in its progress messages (\a marker in them).
CancelMeasurement cancelByMessage(Job& job, const QString& marker, int delayMs, JobRunner::Lane lane = JobRunner::Lane::General)
{
    Probe probe;
    probe.job = &job;
    probe.attach();
    QObject::connect(&job, &Job::progress, &job, [&probe, marker, delayMs](int, const QString& message, qint64) {
        probe.setMessage(message);
        if (message.contains(marker))
            probe.phaseBegan(delayMs);
    }, Qt::DirectConnection);
    CancelMeasurement m = runAndCancel(probe, lane, delayMs);
    if (m.ok() && !m.where.contains(marker))
        m.error = QStringLiteral("the job had left the phase '%1' when it stopped: %2").arg(marker, m.where);
    return m;
}

// Before its Runs a benchmark hashes every model file (sha256: about 100 MB/s here); a 256 MB
// one (sparse: no disk space, no disk reads) takes seconds.
CancelMeasurement preparation(int delayMs)
{
    QTemporaryDir dir;
    BenchmarkSweep sweep;
    BenchmarkTarget t;
    t.path = dir.filePath(QStringLiteral("large.pt"));
    t.inputs = InputSpec::parse({QStringLiteral("1x8")}).value();
    sweep.targets << t;
    QFile f(t.path);
    if (!f.open(QIODevice::WriteOnly) || !f.resize(qint64(256) << 20))
        return {QStringLiteral("cannot make a 256 MB file in %1").arg(dir.path())};
    f.close();
    BenchmarkJob job(sweep);
    return cancelByMessage(job, QStringLiteral("Preparing"), delayMs, JobRunner::Lane::Timing);
}

CancelMeasurement calibration(const QString& demoDir, int delayMs)
{
    TorchModel model;
    InputSpec spec;
    if (auto error = loadDemo(demoDir, &model, &spec))
        return {*error};
    QuantizeOptions o;
    o.scheme = QStringLiteral("static-int8");
    o.observer = QuantizeOptions::Observer::Histogram;
    o.calibration = QuantizeOptions::Calibration::File;
    o.calibrationPath = demoDir + QLatin1String("/fashion_calib.pt");
    o.calibrationSamples = 1000;
    o.calibrationBatch = 2; // 500 forwards with histogram observers: seconds
    o.inputs = spec;
    QuantizeJob job(model, {o});
    return cancelByMessage(job, QStringLiteral("calibrating"), delayMs);
}

CancelMeasurement evaluation(const QString& demoDir, int delayMs)
{
    TorchModel model;
    InputSpec spec;
    if (auto error = loadDemo(demoDir, &model, &spec))
        return {*error};
    auto data = Dataset::open(demoDir + QLatin1String("/fashion_test.pt"), {}, spec);
    if (!data)
        return {data.error().message};
    EvalOptions options;
    options.batch = 4; // 2,500 batches of the 10,000 test images: seconds
    options.modelSpec = spec;
    options.threads = 1;
    // With the reference beside the model, as `eval --reference` and the studio's comparison do.
    EvaluateJob job(model, *data, options, model);
    return cancelByMessage(job, QStringLiteral("Evaluating"), delayMs);
}

} // namespace

QString cancelPhaseName(CancelPhase phase)
{
    switch (phase) {
    case CancelPhase::BenchPrepare: return QStringLiteral("benchmark: preparation");
    case CancelPhase::BenchLoad: return QStringLiteral("benchmark: load");
    case CancelPhase::BenchFirstInference: return QStringLiteral("benchmark: first inference");
    case CancelPhase::BenchWarmup: return QStringLiteral("benchmark: warmup");
    case CancelPhase::BenchSteady: return QStringLiteral("benchmark: steady state");
    case CancelPhase::IsolatedSteady: return QStringLiteral("isolated benchmark: steady state");
    case CancelPhase::QuantizeCalibration: return QStringLiteral("quantize: calibration");
    case CancelPhase::Evaluation: return QStringLiteral("eval: evaluation");
    }
    return {};
}

CancelMeasurement measureCancel(CancelPhase phase, const QString& demoDir, int delayMs)
{
    switch (phase) {
    case CancelPhase::BenchPrepare: return preparation(delayMs);
    case CancelPhase::BenchLoad: return benchmark(Phase::Load, demoDir, delayMs);
    case CancelPhase::BenchFirstInference: return benchmark(Phase::FirstInference, demoDir, delayMs);
    case CancelPhase::BenchWarmup: return benchmark(Phase::Warmup, demoDir, delayMs);
    case CancelPhase::BenchSteady: return benchmark(Phase::Steady, demoDir, delayMs);
    case CancelPhase::IsolatedSteady: return benchmark(Phase::Steady, demoDir, delayMs, RunMode::Isolated);
    case CancelPhase::QuantizeCalibration: return calibration(demoDir, delayMs);
    case CancelPhase::Evaluation: return evaluation(demoDir, delayMs);
    }
    return {QStringLiteral("unknown phase")};
}

} // namespace qs::test
