// SPDX-License-Identifier: GPL-3.0-or-later
// The benchmark protocol end to end on small models the test builds: phases, minimums and
// caps, sweep order, cancellation, isolated runs, NaN flags, bad inputs, the memory guard.
#include "core/bench/benchmarkjob.h"
#include "core/bench/benchmarkrunner.h"
#include "core/bench/procfs.h"
#include "core/jobs/jobrunner.h"
#include "core/model/modelfactory.h"
#include "core/model/modelloader.h"
#include "core/quant/quantizer.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

#include <atomic>
#include <csignal>

using namespace qs;

namespace {

InputSpec spec(const QString& text)
{
    return InputSpec::parse({text}).value();
}

BenchmarkTarget target(const QString& path, const QString& inputs)
{
    BenchmarkTarget t;
    t.path = path;
    t.inputs = spec(inputs);
    return t;
}

// Short runs: the protocol is what is tested, not the machine.
RunConfig quick(const QString& path, const InputSpec& inputs)
{
    RunConfig c;
    c.modelPath = path;
    c.inputs = inputs;
    c.warmupIterations = 2;
    c.minIterations = 5;
    c.minSeconds = 0.05;
    return c;
}

// Starts \a job on a Timing lane, cancels it once it measures, and returns the milliseconds from
// cancel() to the job emitting finished() (on the worker), or -1.
qint64 cancelWhenSteady(BenchmarkJob& job)
{
    JobRunner runner;
    QSignalSpy finished(&job, &Job::finished);
    bool steady = false;
    QObject::connect(&job, &BenchmarkJob::runUpdated, &job, [&](const RunUpdate& u) { steady = steady || u.steadyIterations > 0; });
    runner.submit(&job, JobRunner::Lane::Timing);
    QElapsedTimer timer;
    std::atomic<qint64> emittedAt{-1};
    QObject::connect(&job, &Job::finished, &job, [&] { emittedAt = timer.elapsed(); }, Qt::DirectConnection);
    if (!QTest::qWaitFor([&] { return steady; }, 60000))
        return -1;
    timer.start();
    job.cancel();
    if (!QTest::qWaitFor([&] { return finished.count() == 1; }, 10000))
        return -1;
    return emittedAt.load();
}

QString describe(const RunResult& r)
{
    return QStringLiteral("%1: %2 %3").arg(runStatusName(r.status), r.error, r.errorDetails.left(300));
}

} // namespace

class TestBenchmarkJob : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_mlp, m_mlp2, m_cnn, m_nan, m_inf, m_throws, m_wide;

    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_mlp = path("mlp.pt");
        m_mlp2 = path("mlp2.pt");
        m_cnn = path("cnn.pt");
        m_nan = path("nan.pt");
        m_inf = path("inf.pt");
        m_throws = path("throws.pt");
        m_wide = path("wide.pt");
        QVERIFY(modelfactory::mlp({64, 128, 10}, 1)->save(m_mlp).ok());
        QVERIFY(modelfactory::mlp({64, 32, 10}, 2)->save(m_mlp2).ok());
        QVERIFY(modelfactory::smallCnn(10, 3)->save(m_cnn).ok());
        QVERIFY(modelfactory::mlp({16, 50000}, 4)->save(m_wide).ok());
        // 0/0 is NaN; x/0 is +-Inf for the non-zero random inputs.
        QVERIFY(test::writeScriptModule(m_nan, QStringLiteral("def forward(self, x: Tensor) -> Tensor:\n    return (x - x) / (x - x)\n")));
        QVERIFY(test::writeScriptModule(m_inf, QStringLiteral("def forward(self, x: Tensor) -> Tensor:\n    return x / 0.0\n")));
        QVERIFY(test::writeScriptModule(m_throws, QStringLiteral("def forward(self, x: Tensor) -> Tensor:\n"
                                                                 "    assert bool(x.sum() < -1.0e30), 'boom from the model'\n"
                                                                 "    return x\n")));
        // Isolated runs start the quantscope-cli built with the tests.
        if (qEnvironmentVariableIsSet("QS_CLI"))
            qputenv("QUANTSCOPE_CLI", qgetenv("QS_CLI"));
    }

    void phasesPresentAndOrdered()
    {
        const RunResult r = runBenchmark(quick(m_mlp, spec(QStringLiteral("1x64"))));
        QVERIFY2(r.status == RunStatus::Complete, qPrintable(describe(r)));
        QVERIFY(!r.uuid.isEmpty());
        const QVector<Phase> expected{Phase::Load, Phase::FirstInference, Phase::Warmup, Phase::Steady};
        QCOMPARE(r.phases.size(), expected.size());
        double last = 0;
        for (int i = 0; i < expected.size(); ++i) {
            const PhaseMark& p = r.phases[i];
            QCOMPARE(p.phase, expected[i]);
            QVERIFY2(p.startMs >= last && p.endMs >= p.startMs, qPrintable(phaseName(p.phase)));
            QVERIFY(p.rssStartBytes > 0 && p.rssEndBytes > 0);
            QVERIFY(p.peakRssBytes >= std::max(p.rssStartBytes, p.rssEndBytes) - 64 * 1024);
            last = p.endMs;
        }
        QCOMPARE(r.phases[1].iterations, 1);
        QCOMPARE(r.phases[2].iterations, 2);
        QCOMPARE(r.warmupLatencyMs.size(), 2);
        QCOMPARE(r.phases[3].iterations, r.iterations());
        QVERIFY(r.loadMs() > 0);
        QVERIFY(r.firstInferenceMs() > 0);
        // The timeline carries the same phases, in order, on the same clock.
        QCOMPARE(r.timeline.markers.size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(r.timeline.markers[i].phase, expected[i]);
            QVERIFY(qAbs(r.timeline.markers[i].tMs - r.phases[i].startMs) < 5.0);
        }
        for (int i = 1; i < r.timeline.size(); ++i)
            QVERIFY(r.timeline.tUs[i] >= r.timeline.tUs[i - 1]);
        QVERIFY(r.timeline.size() >= 4);
        // Figures that follow from the samples.
        QCOMPARE(r.latency.count, r.iterations());
        QVERIFY(r.latency.min <= r.latency.p50 && r.latency.p50 <= r.latency.p99 && r.latency.p99 <= r.latency.max);
        QVERIFY(qAbs(r.throughputPerSec - 1000.0 / r.latency.mean) < 1e-6);
        QVERIFY(r.memory.baselineBytes > 0);
        QVERIFY(r.memory.peakBytes >= r.memory.baselineBytes);
        QCOMPARE(r.memory.weightsBytes, qint64((64 * 128 + 128 + 128 * 10 + 10) * 4));
        QVERIFY2(r.memory.activationsBytes > 0, "LibTorch's allocator reports the forward's tensors");
        QVERIFY(r.cpuPercent > 0);
        QVERIFY(r.processThreads >= 2); // this thread and the sampler at least
        QCOMPARE(r.config.variant, QStringLiteral("fp32"));
        QVERIFY(!r.config.engine.isEmpty());
        QVERIFY(!r.environment.cpu.isEmpty());
        QVERIFY(!r.nanOutputs && !r.infOutputs);
        QVERIFY(r.started.isValid() && r.finished >= r.started);
        if (procfs::resetPeakRss()) {
            for (const PhaseMark& p : r.phases)
                QVERIFY2(p.peakExact, qPrintable(phaseName(p.phase) + QLatin1String(": live runs reset VmHWM per phase")));
        }
    }

    void activationsFollowTheBatch()
    {
        // The output alone of Linear(16, 50000) at batch 64 is 64 * 50000 * 4 bytes.
        RunConfig c = quick(m_wide, spec(QStringLiteral("1x16")));
        c.batch = 64;
        const RunResult r = runBenchmark(c);
        QVERIFY2(r.status == RunStatus::Complete, qPrintable(describe(r)));
        const qint64 output = 64 * 50000 * 4;
        QVERIFY2(r.memory.activationsBytes >= output && r.memory.activationsBytes < 3 * output,
                 qPrintable(QString::number(r.memory.activationsBytes)));
    }

    void minimumsBothHonoured_data()
    {
        QTest::addColumn<int>("minIters");
        QTest::addColumn<double>("minSeconds");
        QTest::newRow("iterations decide") << 300 << 0.01;
        QTest::newRow("time decides") << 3 << 0.25;
    }

    void minimumsBothHonoured()
    {
        QFETCH(int, minIters);
        QFETCH(double, minSeconds);
        RunConfig c = quick(m_mlp, spec(QStringLiteral("1x64")));
        c.minIterations = minIters;
        c.minSeconds = minSeconds;
        c.maxIterations = 100000000; // the tiny model would reach the default cap first
        const RunResult r = runBenchmark(c);
        QVERIFY2(r.status == RunStatus::Complete, qPrintable(describe(r)));
        QCOMPARE(r.stopReason, QStringLiteral("minimums"));
        QVERIFY2(r.iterations() >= minIters, qPrintable(QString::number(r.iterations())));
        const PhaseMark* steady = r.phase(Phase::Steady);
        QVERIFY(steady);
        double sum = 0;
        for (double v : r.latencyMs)
            sum += v;
        QVERIFY2(steady->durationMs() >= minSeconds * 1000.0, qPrintable(QString::number(steady->durationMs())));
        QVERIFY(sum <= steady->durationMs());
        QVERIFY2(r.warnings.isEmpty(), qPrintable(r.warnings.join(QLatin1Char('\n'))));
    }

    void capsHonoured_data()
    {
        QTest::addColumn<int>("maxIters");
        QTest::addColumn<double>("maxSeconds");
        QTest::addColumn<QString>("reason");
        QTest::newRow("iteration cap") << 20 << 60.0 << QStringLiteral("iteration-cap");
        QTest::newRow("time cap") << 10000000 << 0.2 << QStringLiteral("time-cap");
    }

    void capsHonoured()
    {
        QFETCH(int, maxIters);
        QFETCH(double, maxSeconds);
        QFETCH(QString, reason);
        RunConfig c = quick(m_mlp, spec(QStringLiteral("1x64")));
        c.minIterations = 5000000; // unreachable: a cap must stop it
        c.minSeconds = 30;
        c.maxIterations = maxIters;
        c.maxSeconds = maxSeconds;
        const RunResult r = runBenchmark(c);
        QVERIFY2(r.status == RunStatus::Complete, qPrintable(describe(r)));
        QCOMPARE(r.stopReason, reason);
        if (reason == QLatin1String("iteration-cap")) {
            QCOMPARE(r.iterations(), maxIters);
        } else {
            const double ms = r.phase(Phase::Steady)->durationMs();
            QVERIFY2(ms >= 200 && ms < 5000, qPrintable(QString::number(ms)));
        }
        QVERIFY2(r.warnings.first().contains(QStringLiteral("before both minimums")), qPrintable(r.warnings.join(QLatin1Char('\n'))));
    }

    void timedWarmup()
    {
        RunConfig c = quick(m_mlp, spec(QStringLiteral("1x64")));
        c.warmupSeconds = 0.1;
        const RunResult r = runBenchmark(c);
        QVERIFY2(r.status == RunStatus::Complete, qPrintable(describe(r)));
        QVERIFY(r.phase(Phase::Warmup)->durationMs() >= 100);
        QVERIFY(r.warmupLatencyMs.size() > 3);
    }

    void sweepOrderIsBlocks()
    {
        BenchmarkSweep sweep;
        sweep.targets << target(m_mlp, QStringLiteral("1x64"))
                      << target(m_mlp2, QStringLiteral("1x64"));
        sweep.batches = {1, 4};
        sweep.threads = {1, 2};
        sweep.baselineOptimized = true;
        const QVector<RunConfig> plan = sweep.expand({false, false});
        QCOMPARE(plan.size(), 16);
        // mlp (4 runs), mlp fp32-optimized (4), mlp2 (4), mlp2 fp32-optimized (4): threads outside batches.
        for (int i = 0; i < 16; ++i) {
            QCOMPARE(plan[i].modelPath, i < 8 ? m_mlp : m_mlp2);
            QCOMPARE(plan[i].optimizeForInference, (i / 4) % 2 == 1);
            QCOMPARE(plan[i].threads, (i / 2) % 2 == 0 ? 1 : 2);
            QCOMPARE(plan[i].batch, qint64(i % 2 == 0 ? 1 : 4));
        }
        // No optimized FP32 baseline of a quantized model.
        QCOMPARE(sweep.expand({false, true}).size(), 12);

        // The job runs them in that order, each variant's runs one after another.
        sweep.threads = {1};
        sweep.protocol = quick(QString(), InputSpec());
        BenchmarkJob job(sweep);
        QVector<RunConfig> started;
        QVector<RunResult> finished;
        connect(&job, &BenchmarkJob::runStarted, this, [&](int, int, const RunConfig& c) { started << c; });
        connect(&job, &BenchmarkJob::runFinished, this, [&](const RunResult& r) { finished << r; });
        const Status st = job.runNow();
        QVERIFY2(st.ok(), st.ok() ? "" : qPrintable(st.error().message));
        QCOMPARE(started.size(), 8);
        QCOMPARE(finished.size(), 8);
        QStringList variants;
        for (const RunResult& r : finished) {
            QVERIFY2(r.status == RunStatus::Complete, qPrintable(describe(r)));
            variants << QFileInfo(r.config.modelPath).fileName() + QLatin1Char(' ') + r.config.variant;
            QVERIFY(!r.config.modelSha256.isEmpty());
        }
        QCOMPARE(variants, (QStringList{QStringLiteral("mlp.pt fp32"), QStringLiteral("mlp.pt fp32"),
                                         QStringLiteral("mlp.pt fp32-optimized"), QStringLiteral("mlp.pt fp32-optimized"),
                                         QStringLiteral("mlp2.pt fp32"), QStringLiteral("mlp2.pt fp32"),
                                         QStringLiteral("mlp2.pt fp32-optimized"), QStringLiteral("mlp2.pt fp32-optimized")}));
        QCOMPARE(job.results().size(), 8);
    }

    void quantscopeArtifactsAreLabelled()
    {
        // A variant made by Quantscope's quantizer carries its scheme and engine.
        auto fp32 = loadModel(m_mlp);
        QVERIFY(fp32.ok());
        QuantizeOptions options;
        options.scheme = QStringLiteral("dynamic-int8");
        options.engine = QStringLiteral("qnnpack");
        options.inputs = spec(QStringLiteral("1x64"));
        options.outPath = path("mlp.dynamic-int8.pt");
        auto q = quantizeModel(*fp32, options);
        QVERIFY2(q.ok(), q.ok() ? "" : qPrintable(q.error().message));
        const FileScan scan = scanModelFile(options.outPath);
        QVERIFY(scan.ok && scan.quantized);
        QCOMPARE(scan.scheme, QStringLiteral("dynamic-int8"));
        QCOMPARE(scan.engine, QStringLiteral("qnnpack"));
        QCOMPARE(scan.sha256, q->model.sha256());
        const FileScan plain = scanModelFile(m_mlp);
        QVERIFY(plain.ok && !plain.quantized && plain.scheme.isEmpty());

        BenchmarkSweep sweep;
        sweep.targets << target(m_mlp, QStringLiteral("1x64")) << target(options.outPath, QStringLiteral("1x64"));
        sweep.baselineOptimized = true;
        sweep.protocol = quick(QString(), InputSpec());
        BenchmarkJob job(sweep);
        QVERIFY(job.runNow().ok());
        const QVector<RunResult> runs = job.results();
        QCOMPARE(runs.size(), 3); // fp32, fp32-optimized, dynamic-int8 (no optimized copy of a quantized variant)
        QCOMPARE(runs[0].config.variant, QStringLiteral("fp32"));
        QCOMPARE(runs[1].config.variant, QStringLiteral("fp32-optimized"));
        QCOMPARE(runs[2].config.variant, QStringLiteral("dynamic-int8"));
        QCOMPARE(runs[2].config.scheme, QStringLiteral("dynamic-int8"));
        QCOMPARE(runs[2].config.engine, QStringLiteral("qnnpack")); // the engine it was made for
        QVERIFY(runs[2].memory.weightsBytes < runs[0].memory.weightsBytes);
    }

    void streamsWhileRunning()
    {
        BenchmarkSweep sweep;
        sweep.targets << target(m_mlp, QStringLiteral("1x64"));
        sweep.protocol = quick(QString(), InputSpec());
        sweep.protocol.minSeconds = 0.6;
        BenchmarkJob job(sweep);
        QVector<RunUpdate> updates;
        connect(&job, &BenchmarkJob::runUpdated, this, [&](const RunUpdate& u) { updates << u; });
        QVERIFY(job.runNow().ok());
        const RunResult r = job.results().value(0);
        // A few updates a second (throttled), which add up to the whole run.
        QVERIFY2(updates.size() >= 3 && updates.size() <= 30, qPrintable(QString::number(updates.size())));
        QVector<double> steady;
        MemoryTimeline memory;
        for (const RunUpdate& u : updates) {
            QCOMPARE(u.uuid, r.uuid);
            steady += u.newLatencyMs;
            memory.append(u.newMemory);
        }
        QCOMPARE(steady, r.latencyMs);
        QVERIFY(memory.size() > 0 && memory.size() <= r.timeline.size());
        QCOMPARE(memory.tUs, r.timeline.tUs.mid(0, memory.size()));
    }

    void cancelIsQuick()
    {
        BenchmarkSweep sweep;
        sweep.targets << target(m_mlp, QStringLiteral("1x64"));
        sweep.protocol = quick(QString(), InputSpec());
        sweep.protocol.minSeconds = 30;
        sweep.protocol.maxIterations = 100000000;
        BenchmarkJob job(sweep);
        QSignalSpy cancelled(&job, &Job::cancelled);
        const qint64 ms = cancelWhenSteady(job);
        qInfo("cancel() to finished(): %lld ms (target < 100 ms)", ms);
        // Generous bound: the machine is shared; the figure is in docs/benchmarks.md.
        QVERIFY2(ms >= 0 && ms < 1000, qPrintable(QString::number(ms)));
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(job.state(), Job::State::Cancelled);
        const RunResult r = job.results().value(0);
        QCOMPARE(r.status, RunStatus::Cancelled);
        QVERIFY2(r.error.contains(QStringLiteral("Cancelled by the user during steady state")), qPrintable(r.error));
        QVERIFY(r.iterations() > 0);
    }

    void isolatedEndToEnd()
    {
        RunConfig c = quick(m_mlp, spec(QStringLiteral("1x64")));
        c.mode = RunMode::Isolated;
        QVector<RunUpdate> updates;
        RunHooks hooks;
        hooks.update = [&](const RunUpdate& u) { updates << u; };
        const RunResult r = runIsolated(c, hooks);
        QVERIFY2(r.status == RunStatus::Complete, qPrintable(describe(r)));
        QCOMPARE(r.config.mode, RunMode::Isolated);
        QCOMPARE(r.phases.size(), 4);
        QVERIFY(r.iterations() >= 5);
        QVERIFY(r.memory.peakExact);
        QVERIFY(r.memory.peakBytes > r.memory.baselineBytes);
        QVERIFY(!r.environment.cpu.isEmpty());
        QVERIFY(r.timeline.size() > 0);
        QVERIFY(!updates.isEmpty());
        QVERIFY(updates.first().childPid > 0);
        QVERIFY(updates.first().childPid != QCoreApplication::applicationPid());
    }

    void isolatedChildKilledIsAFailedRun()
    {
        RunConfig c = quick(m_mlp, spec(QStringLiteral("1x64")));
        c.mode = RunMode::Isolated;
        c.minSeconds = 30;
        c.maxIterations = 100000000;
        RunHooks hooks;
        qint64 pid = 0;
        hooks.update = [&](const RunUpdate& u) {
            // Kill it once it measures, as the out-of-memory killer would.
            if (u.steadyIterations > 0 && pid == 0) {
                pid = u.childPid;
                ::kill(pid_t(pid), SIGKILL);
            }
        };
        const RunResult r = runIsolated(c, hooks);
        QVERIFY(pid > 0);
        QCOMPARE(r.status, RunStatus::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("killed by signal 9 (SIGKILL) during steady state")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("out-of-memory")), qPrintable(r.error));
        QCOMPARE(r.errorKind, QStringLiteral("model_failure"));
        QVERIFY(r.iterations() > 0); // what was streamed before it died is kept
    }

    void isolatedCancel()
    {
        BenchmarkSweep sweep;
        sweep.targets << target(m_mlp, QStringLiteral("1x64"));
        sweep.protocol = quick(QString(), InputSpec());
        sweep.protocol.minSeconds = 30;
        sweep.protocol.maxIterations = 100000000;
        sweep.protocol.mode = RunMode::Isolated;
        BenchmarkJob job(sweep);
        const qint64 ms = cancelWhenSteady(job);
        qInfo("isolated cancel() to finished(): %lld ms", ms);
        QVERIFY2(ms >= 0 && ms < 2000, qPrintable(QString::number(ms)));
        QCOMPARE(job.state(), Job::State::Cancelled);
        QCOMPARE(job.results().value(0).status, RunStatus::Cancelled);
    }

    void badOutputsAreFlagged_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("nan");
        QTest::addColumn<bool>("inf");
        QTest::newRow("0/0") << QStringLiteral("nan.pt") << true << false;
        QTest::newRow("x/0") << QStringLiteral("inf.pt") << false << true;
    }

    void badOutputsAreFlagged()
    {
        QFETCH(QString, model);
        QFETCH(bool, nan);
        QFETCH(bool, inf);
        const RunResult r = runBenchmark(quick(m_dir.filePath(model), spec(QStringLiteral("2x8"))));
        QVERIFY2(r.status == RunStatus::Complete, qPrintable(describe(r)));
        QCOMPARE(r.nanOutputs, nan);
        QCOMPARE(r.infOutputs, inf);
        QVERIFY(r.warnings.join(QLatin1Char(' ')).contains(nan ? QStringLiteral("NaN") : QStringLiteral("Inf")));
        QVERIFY(r.toJson().value(QLatin1String(nan ? "nan_outputs" : "inf_outputs")).toBool());
    }

    void wrongShapeNamesExpectedAndGiven()
    {
        BenchmarkSweep sweep;
        sweep.targets << target(m_cnn, QStringLiteral("1x3x28x28"))
                      << target(m_mlp, QStringLiteral("1x64"));
        sweep.batches = {1, 2};
        sweep.protocol = quick(QString(), InputSpec());
        BenchmarkJob job(sweep);
        const Status st = job.runNow();
        QVERIFY(!st.ok());
        QCOMPARE(st.error().kind, Error::Kind::BadInput);
        const QVector<RunResult> runs = job.results();
        // The CNN's block stops after its first refusal; the next variant still runs.
        QCOMPARE(runs.size(), 3);
        QCOMPARE(runs[0].status, RunStatus::Failed);
        QCOMPARE(runs[0].errorKind, QStringLiteral("bad_input"));
        const QString e = runs[0].error;
        QVERIFY2(e.contains(QStringLiteral("1x3x28x28")), qPrintable(e)); // what was given
        QVERIFY2(e.contains(QStringLiteral("1 channels")) && e.contains(QStringLiteral("3 channels")), qPrintable(e)); // expected vs got
        QVERIFY2(e.contains(QStringLiteral("conv1")), qPrintable(e)); // where
        QCOMPARE(runs[1].status, RunStatus::Complete);
        QCOMPARE(runs[2].status, RunStatus::Complete);
        QVERIFY(runs[0].toJson().value(QLatin1String("status")).toString() == QLatin1String("failed"));
    }

    void wrongInputCount()
    {
        RunConfig c = quick(m_mlp, InputSpec::parse({QStringLiteral("1x64"), QStringLiteral("1x64")}).value());
        const RunResult r = runBenchmark(c);
        QCOMPARE(r.status, RunStatus::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("takes 1 input(s) but 2 were given")), qPrintable(r.error));
    }

    void forwardThatThrows()
    {
        const RunResult r = runBenchmark(quick(m_throws, spec(QStringLiteral("1x8"))));
        QCOMPARE(r.status, RunStatus::Failed);
        QCOMPARE(r.errorKind, QStringLiteral("model_failure"));
        QVERIFY2(r.error.contains(QStringLiteral("boom from the model")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("first forward")), qPrintable(r.error));
        // The phases it went through are recorded, the one that failed closed.
        QCOMPARE(r.phases.size(), 2);
        QCOMPARE(r.phases.last().phase, Phase::FirstInference);
        QCOMPARE(r.iterations(), 0);
    }

    void moreMemoryThanAllowedFailsCleanly()
    {
        // Linear(16, 50000) at batch 512 makes a 100 MB output; allow 16 MB.
        RunConfig c = quick(m_wide, spec(QStringLiteral("1x16")));
        c.batch = 512;
        c.memoryBudgetBytes = 16 * 1024 * 1024;
        const RunResult r = runBenchmark(c);
        QCOMPARE(r.status, RunStatus::Failed);
        QCOMPARE(r.errorKind, QStringLiteral("model_failure"));
        QVERIFY2(r.error.contains(QStringLiteral("needs more memory than is free")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("batch 512")), qPrintable(r.error));
        // The refused block never became resident, and the process goes on measuring.
        QVERIFY(r.memory.peakBytes - r.memory.baselineBytes < 90 * 1024 * 1024);
        c.batch = 2;
        QCOMPARE(runBenchmark(c).status, RunStatus::Complete);
    }

    void missingInputsAndModel()
    {
        RunResult r = runBenchmark(quick(m_mlp, InputSpec()));
        QCOMPARE(r.status, RunStatus::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("needs input shapes")), qPrintable(r.error));
        r = runBenchmark(quick(path("nope.pt"), spec(QStringLiteral("1x4"))));
        QCOMPARE(r.status, RunStatus::Failed);
        QCOMPARE(r.errorKind, QStringLiteral("bad_input"));
        QVERIFY2(r.error.contains(QStringLiteral("nope.pt")), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(TestBenchmarkJob)
#include "tst_benchmarkjob.moc"
