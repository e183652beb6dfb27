// SPDX-License-Identifier: GPL-3.0-or-later
// The run value types: statistics against hand-computed values, the noise flag, and the JSON
// layout (keys the CLI documents, round trip, refusal of bad files).
#include "core/bench/runresult.h"

#include <QtCore/QJsonArray>
#include <QtTest/QtTest>

using namespace qs;

namespace {

QVector<double> range(int from, int to)
{
    QVector<double> v;
    for (int i = from; i <= to; ++i)
        v << i;
    return v;
}

RunResult sampleRun()
{
    RunResult r;
    r.uuid = QStringLiteral("4b1c6f0e-0000-4000-8000-000000000001");
    r.config.modelPath = QStringLiteral("/models/net.pt");
    r.config.modelSha256 = QStringLiteral("ab12");
    r.config.variant = QStringLiteral("dynamic-int8");
    r.config.scheme = QStringLiteral("dynamic-int8");
    r.config.batch = 8;
    r.config.threads = 2;
    r.config.engine = QStringLiteral("onednn");
    r.config.mode = RunMode::Isolated;
    r.config.inputs = InputSpec::parse({QStringLiteral("1x3x32x32"), QStringLiteral("1x7:int64")}).value();
    r.config.seed = 0xfedcba9876543210ULL;
    r.config.minSeconds = 0.5;
    r.status = RunStatus::Complete;
    r.warnings << QStringLiteral("a warning");
    r.started = QDateTime::fromString(QStringLiteral("2024-05-01T10:00:00.123Z"), Qt::ISODateWithMs);
    r.finished = r.started.addSecs(3);
    r.environment.cpu = QStringLiteral("Test CPU");
    r.environment.cores = 2;
    r.environment.loadavg1 = 0.5;
    r.phases << PhaseMark{Phase::Load, 1.0, 21.5, 0, 100 << 20, 130 << 20, 140 << 20, true}
             << PhaseMark{Phase::FirstInference, 21.5, 30.0, 1, 130 << 20, 131 << 20, 135 << 20, false}
             << PhaseMark{Phase::Warmup, 30.0, 40.0, 10, 131 << 20, 131 << 20, 131 << 20, false}
             << PhaseMark{Phase::Steady, 40.0, 540.0, 4, 131 << 20, 132 << 20, 133 << 20, true};
    r.warmupLatencyMs = {1.5, 1.25};
    r.latencyMs = {100, 101, 102, 103};
    r.memory.baselineBytes = 100 << 20;
    r.memory.peakBytes = (140 << 20) + 4096;
    r.memory.peakExact = true;
    r.memory.weightsBytes = 20 << 20;
    r.memory.activationsBytes = 3 << 20;
    r.timeline.hz = 1000;
    r.timeline.source = QStringLiteral("statm");
    r.timeline.tUs = {0, 1000, 2000};
    r.timeline.anonBytes = {4096, 8192, 8192};
    r.timeline.fileBytes = {40960, 40960, 45056};
    r.timeline.markers = {{1.0, Phase::Load}, {21.5, Phase::FirstInference}};
    r.cpuPercent = 187.5;
    r.processThreads = 5;
    r.nanOutputs = true;
    r.finalize();
    return r;
}

} // namespace

class TestRunResult : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void statistics_data()
    {
        QTest::addColumn<QVector<double>>("samples");
        QTest::addColumn<QVector<double>>("expected"); // mean std min max p50 p90 p95 p99 q1 q3 iqr ciLow ciHigh
        QTest::newRow("1..5") << QVector<double>{3, 1, 5, 2, 4}
                              << QVector<double>{3, 1.5811388300841898, 1, 5, 3, 4.6, 4.8, 4.96, 2, 4, 2, 1, 5};
        QTest::newRow("four, even count") << QVector<double>{4, 1, 3, 2}
                                          << QVector<double>{2.5, 1.2909944487358056, 1, 4, 2.5, 3.7, 3.85, 3.97, 1.75, 3.25, 1.5, 1, 4};
        // Sample variance of 1..n is n(n+1)/12; the median's 95% CI of 100 samples is [x(40), x(61)].
        QTest::newRow("1..100") << range(1, 100)
                                << QVector<double>{50.5, 29.011491975882016, 1, 100, 50.5, 90.1, 95.05, 99.01, 25.75, 75.25, 49.5, 40, 61};
        QTest::newRow("single") << QVector<double>{7.25} << QVector<double>{7.25, 0, 7.25, 7.25, 7.25, 7.25, 7.25, 7.25, 7.25, 7.25, 0, 7.25, 7.25};
        QTest::newRow("constant") << QVector<double>(10, 2.0) << QVector<double>{2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2};
    }

    void statistics()
    {
        QFETCH(QVector<double>, samples);
        QFETCH(QVector<double>, expected);
        const LatencyStats s = LatencyStats::compute(samples);
        QCOMPARE(s.count, samples.size());
        const double got[] = {s.mean, s.std, s.min, s.max, s.p50, s.p90, s.p95, s.p99, s.q1, s.q3, s.iqr, s.medianCiLow, s.medianCiHigh};
        const char* names[] = {"mean", "std", "min", "max", "p50", "p90", "p95", "p99", "q1", "q3", "iqr", "ciLow", "ciHigh"};
        for (int i = 0; i < 13; ++i)
            QVERIFY2(qAbs(got[i] - expected[i]) < 1e-9, qPrintable(QStringLiteral("%1: %2 != %3").arg(QLatin1String(names[i])).arg(got[i], 0, 'g', 17).arg(expected[i], 0, 'g', 17)));
    }

    void medianCiRanks_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("j");
        QTest::addColumn<int>("k");
        // Hand-computed with z = 1.96: j = floor((n - z sqrt n) / 2), k = ceil(1 + (n + z sqrt n) / 2).
        QTest::newRow("1") << 1 << 1 << 1;
        QTest::newRow("5") << 5 << 1 << 5;
        QTest::newRow("10") << 10 << 1 << 10;   // (10 - 6.20) / 2 = 1.90; 1 + 8.10 = 9.10 -> 10
        QTest::newRow("50") << 50 << 18 << 33;  // (50 - 13.86) / 2 = 18.07; 1 + 31.93 = 32.93 -> 33
        QTest::newRow("100") << 100 << 40 << 61;
        QTest::newRow("1000") << 1000 << 469 << 532; // (1000 - 61.98) / 2 = 469.01; 1 + 530.99 -> 532
    }

    void medianCiRanks()
    {
        QFETCH(int, n);
        QFETCH(int, j);
        QFETCH(int, k);
        const auto r = LatencyStats::medianCiRanks(n);
        QCOMPARE(r.first, j);
        QCOMPARE(r.second, k);
    }

    void emptySamples()
    {
        const LatencyStats s = LatencyStats::compute({});
        QCOMPARE(s.count, 0);
        QCOMPARE(s.p50, 0.0);
    }

    void noiseFlag_data()
    {
        QTest::addColumn<QVector<double>>("samples");
        QTest::addColumn<double>("load");
        QTest::addColumn<bool>("noisy");
        QTest::addColumn<QString>("reason");
        QTest::newRow("quiet") << QVector<double>{100, 101, 102, 103} << 0.5 << false << QString();
        QTest::newRow("wide IQR") << QVector<double>{1, 1, 1, 2, 2, 2} << 0.5 << true << QStringLiteral("IQR");
        QTest::newRow("busy machine") << QVector<double>{100, 101, 102, 103} << 2.5 << true << QStringLiteral("load average");
    }

    void noiseFlag()
    {
        QFETCH(QVector<double>, samples);
        QFETCH(double, load);
        QFETCH(bool, noisy);
        QFETCH(QString, reason);
        RunResult r;
        r.config.batch = 4;
        r.environment.cores = 2;
        r.environment.loadavg1 = load;
        r.latencyMs = samples;
        r.finalize();
        QCOMPARE(r.noisy, noisy);
        if (noisy)
            QVERIFY2(r.noiseReasons.join(QLatin1Char(' ')).contains(reason), qPrintable(r.noiseReasons.join(QLatin1Char(';'))));
        // throughput = batch / mean latency
        QVERIFY(qAbs(r.throughputPerSec - 4 * 1000.0 / r.latency.mean) < 1e-9);
    }

    void jsonHasTheDocumentedKeys()
    {
        const QJsonObject o = sampleRun().toJson();
        for (const char* key : {"run_format", "uuid", "model", "batch", "threads", "engine", "iterations", "latency_ms", "throughput_per_s",
                                "load_ms", "first_inference_ms", "memory_mb", "cpu_percent", "noisy", "environment", "status",
                                "phases", "latency_samples_ms", "memory_timeline", "nan_outputs", "inf_outputs", "config"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        const QJsonObject lat = o.value(QLatin1String("latency_ms")).toObject();
        for (const char* key : {"mean", "std", "min", "max", "p50", "p90", "p95", "p99", "iqr", "median_ci_low", "median_ci_high"})
            QVERIFY2(lat.contains(QLatin1String(key)), key);
        const QJsonObject mem = o.value(QLatin1String("memory_mb")).toObject();
        for (const char* key : {"baseline", "peak", "delta", "weights", "activations", "overhead"})
            QVERIFY2(mem.contains(QLatin1String(key)), key);
        QCOMPARE(o.value(QLatin1String("model")).toString(), QStringLiteral("net.pt"));
        QCOMPARE(o.value(QLatin1String("iterations")).toInt(), 4);
        QCOMPARE(o.value(QLatin1String("load_ms")).toDouble(), 20.5);
        QCOMPARE(o.value(QLatin1String("first_inference_ms")).toDouble(), 8.5);
        QCOMPARE(mem.value(QLatin1String("baseline")).toDouble(), 100.0);
        QCOMPARE(mem.value(QLatin1String("delta")).toDouble(), 40.0 + 4096.0 / (1 << 20));
        // overhead = delta - weights - activations
        QCOMPARE(mem.value(QLatin1String("overhead")).toDouble(), 17.0 + 4096.0 / (1 << 20));
        QCOMPARE(o.value(QLatin1String("status")).toString(), QStringLiteral("complete"));
        QVERIFY(o.value(QLatin1String("environment")).toObject().contains(QLatin1String("cpu")));
        const QJsonObject summary = sampleRun().toJson(RunResult::JsonDetail::Summary);
        QVERIFY(!summary.contains(QLatin1String("latency_samples_ms")));
        QVERIFY(!summary.contains(QLatin1String("memory_timeline")));
        // Unknown figures are null, not a made-up 0.
        RunResult empty;
        empty.config.modelPath = QStringLiteral("x.pt");
        const QJsonObject e = empty.toJson();
        QVERIFY(e.value(QLatin1String("load_ms")).isNull());
        QVERIFY(e.value(QLatin1String("cpu_percent")).isNull());
        QVERIFY(e.value(QLatin1String("memory_mb")).toObject().value(QLatin1String("activations")).isNull());
    }

    void jsonRoundTrip()
    {
        const RunResult a = sampleRun();
        auto parsed = RunResult::fromJson(a.toJson());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
        const RunResult& b = *parsed;
        QCOMPARE(b.uuid, a.uuid);
        QCOMPARE(b.status, a.status);
        QCOMPARE(b.config.modelPath, a.config.modelPath);
        QCOMPARE(b.config.variant, a.config.variant);
        QCOMPARE(b.config.batch, a.config.batch);
        QCOMPARE(b.config.threads, a.config.threads);
        QCOMPARE(b.config.engine, a.config.engine);
        QCOMPARE(b.config.mode, RunMode::Isolated);
        QCOMPARE(b.config.inputs, a.config.inputs);
        QCOMPARE(b.config.seed, a.config.seed);
        QCOMPARE(b.config.minSeconds, 0.5);
        QCOMPARE(b.started, a.started);
        QCOMPARE(b.finished, a.finished);
        QCOMPARE(b.latencyMs, a.latencyMs);
        QCOMPARE(b.warmupLatencyMs, a.warmupLatencyMs);
        QCOMPARE(b.latency.p99, a.latency.p99);
        QCOMPARE(b.latency.medianCiHigh, a.latency.medianCiHigh);
        QCOMPARE(b.phases.size(), 4);
        QCOMPARE(b.phases[3].phase, Phase::Steady);
        QCOMPARE(b.phases[0].peakRssBytes, a.phases[0].peakRssBytes);
        QCOMPARE(b.phases[0].peakExact, true);
        QCOMPARE(b.memory.peakBytes, a.memory.peakBytes);
        QCOMPARE(b.memory.activationsBytes, a.memory.activationsBytes);
        QCOMPARE(b.memory.firstInferenceAllocBytes, qint64(-1));
        QCOMPARE(b.timeline.tUs, a.timeline.tUs);
        QCOMPARE(b.timeline.anonBytes, a.timeline.anonBytes);
        QCOMPARE(b.timeline.fileBytes, a.timeline.fileBytes);
        QCOMPARE(b.timeline.markers, a.timeline.markers);
        QCOMPARE(b.cpuPercent, a.cpuPercent);
        QCOMPARE(b.processThreads, a.processThreads);
        QCOMPARE(b.nanOutputs, true);
        QCOMPARE(b.environment.cpu, a.environment.cpu);
        QCOMPARE(b.warnings, a.warnings);
        // A second trip changes nothing.
        QCOMPARE(b.toJson(), a.toJson());
    }

    void jsonRefusesBadRuns_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("no format") << QStringLiteral("run_format") << QJsonValue(QJsonValue::Undefined) << QStringLiteral("run_format");
        QTest::newRow("newer format") << QStringLiteral("run_format") << QJsonValue(99) << QStringLiteral("format 99");
        QTest::newRow("bad status") << QStringLiteral("status") << QJsonValue(QStringLiteral("great")) << QStringLiteral("great");
        QTest::newRow("no config") << QStringLiteral("config") << QJsonValue(QJsonValue::Undefined) << QStringLiteral("config");
        QTest::newRow("sample not a number") << QStringLiteral("latency_samples_ms") << QJsonValue(QJsonArray{1, QStringLiteral("x"), 3, 4})
                                             << QStringLiteral("latency_samples_ms");
        QTest::newRow("count mismatch") << QStringLiteral("latency_samples_ms") << QJsonValue(QJsonArray{1, 2}) << QStringLiteral("count");
        QTest::newRow("timeline lengths")
            << QStringLiteral("memory_timeline")
            << QJsonValue(QJsonObject{{QStringLiteral("t_us"), QJsonArray{0, 1}}, {QStringLiteral("anon_kb"), QJsonArray{1}},
                                      {QStringLiteral("file_kb"), QJsonArray{1, 2}}})
            << QStringLiteral("different lengths");
        QTest::newRow("timeline backwards")
            << QStringLiteral("memory_timeline")
            << QJsonValue(QJsonObject{{QStringLiteral("t_us"), QJsonArray{5, 1}}, {QStringLiteral("anon_kb"), QJsonArray{1, 1}},
                                      {QStringLiteral("file_kb"), QJsonArray{1, 2}}})
            << QStringLiteral("backwards");
        QTest::newRow("bad phase") << QStringLiteral("phases") << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("phase"), QStringLiteral("nap")}}})
                                   << QStringLiteral("nap");
    }

    void jsonRefusesBadRuns()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, message);
        QJsonObject o = sampleRun().toJson();
        if (value.isUndefined())
            o.remove(key);
        else
            o.insert(key, value);
        auto r = RunResult::fromJson(o);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
    }

    void timelinePeaks()
    {
        MemoryTimeline tl;
        tl.tUs = {0, 1000, 2000, 3000};
        tl.anonBytes = {10, 50, 20, 5};
        tl.fileBytes = {1, 1, 1, 100};
        QCOMPARE(tl.peak(), qint64(105));
        QCOMPARE(tl.peakBetween(0.5, 2.0), qint64(51));
        QCOMPARE(tl.peakBetween(1.5, 1.9), qint64(-1));
        MemoryTimeline more;
        more.tUs = {4000};
        more.anonBytes = {7};
        more.fileBytes = {7};
        more.markers = {{4.0, Phase::Steady}};
        tl.append(more);
        QCOMPARE(tl.size(), 5);
        QCOMPARE(tl.markers.size(), 1);
    }

    void updateRoundTrip()
    {
        RunUpdate u;
        u.runIndex = 2;
        u.runCount = 5;
        u.uuid = QStringLiteral("u");
        u.phase = Phase::Warmup;
        u.newWarmupMs = {1.5};
        u.newLatencyMs = {2.5, 3.5};
        u.steadyIterations = 12;
        u.newMemory.tUs = {1, 2};
        u.newMemory.anonBytes = {4096, 8192};
        u.newMemory.fileBytes = {0, 0};
        u.childPid = 1234;
        const RunUpdate v = RunUpdate::fromJson(u.toJson());
        QCOMPARE(v.runIndex, 2);
        QCOMPARE(v.phase, Phase::Warmup);
        QCOMPARE(v.newLatencyMs, u.newLatencyMs);
        QCOMPARE(v.newWarmupMs, u.newWarmupMs);
        QCOMPARE(v.newMemory.anonBytes, u.newMemory.anonBytes);
        QCOMPARE(v.childPid, qint64(1234));
    }
};

QTEST_GUILESS_MAIN(TestRunResult)
#include "tst_runresult.moc"
