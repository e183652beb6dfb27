// SPDX-License-Identifier: GPL-3.0-or-later
// A benchmark RunResult through the Store and back: what the studio's Compare page and the
// reports read must be what the benchmark measured.
#include "core/store/benchrecord.h"
#include "core/store/store.h"

#include <QtCore/QTemporaryDir>
#include <QtCore/QUuid>
#include <QtTest/QtTest>

using namespace qs;

namespace {

RunResult makeResult(const QString& variant, const QString& sha)
{
    RunResult r;
    r.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    r.config.modelPath = QStringLiteral("/models/cnn.int8.pt");
    r.config.modelSha256 = sha;
    r.config.variant = variant;
    r.config.batch = 8;
    r.config.threads = 2;
    r.config.engine = QStringLiteral("onednn");
    r.status = RunStatus::Complete;
    r.started = QDateTime::fromMSecsSinceEpoch(1'700'000'000'123LL, Qt::UTC);
    r.finished = r.started.addSecs(3);
    r.environment.cpu = QStringLiteral("Test CPU");
    r.environment.cores = 2;
    r.environment.engine = QStringLiteral("onednn");
    r.environment.loadavg1 = 0.5;
    for (int i = 0; i < 5000; ++i)
        r.latencyMs << double(1'000'000 + (i * 7919) % 30'000) / 1e6;
    for (int i = 0; i < 10; ++i)
        r.warmupLatencyMs << double(3'000'000 - i * 1000) / 1e6;
    r.timeline.hz = 1000;
    r.timeline.source = QStringLiteral("statm");
    for (int i = 0; i < 3000; ++i) {
        r.timeline.tUs << qint64(i) * 1000;
        r.timeline.anonBytes << 50'000'000 + qint64(i) * 4096;
        r.timeline.fileBytes << 30'000'000;
    }
    r.timeline.markers = {{0, Phase::Load}, {500, Phase::Warmup}, {900, Phase::Steady}};
    PhaseMark load;
    load.phase = Phase::Load;
    load.endMs = 12.5;
    r.phases << load;
    r.memory.baselineBytes = 70'000'000;
    r.memory.peakBytes = 92'288'000;
    r.memory.weightsBytes = 4'000'000;
    r.cpuPercent = 197.5;
    r.finalize();
    return r;
}

} // namespace

class TestBenchRecord : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void roundTripThroughTheStore()
    {
        auto store = Store::open(m_dir.filePath(QStringLiteral("a.sqlite")));
        QVERIFY(store);
        const RunResult result = makeResult(QStringLiteral("fp32"), QString(64, QLatin1Char('a')));
        RunRecord rec = benchRunRecord(result);
        QCOMPARE(rec.kind, QStringLiteral("bench"));
        QCOMPARE(rec.variant.scheme, QStringLiteral("fp32"));
        QVERIFY(rec.variant.engine.isEmpty());
        QCOMPARE(rec.metric(metric::LatencyP50Ms), result.latency.p50);
        QCOMPARE(rec.metric(metric::ThroughputPerS), result.throughputPerSec);
        QCOMPARE(rec.metric(metric::CpuPercent), 197.5);
        QCOMPARE(rec.metric(metric::PeakMb), 92'288'000 / (1024.0 * 1024.0));
        QCOMPARE(rec.batch(), 8);
        QCOMPARE(rec.threads(), 2);
        QCOMPARE(rec.engine(), QStringLiteral("onednn"));
        QVERIFY((*store)->recordRun(rec));

        auto loaded = (*store)->loadRun(rec.id);
        QVERIFY(loaded);
        auto back = benchRunResult(*loaded);
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
        QCOMPARE(back->uuid, result.uuid);
        QCOMPARE(back->status, RunStatus::Complete);
        QCOMPARE(back->config.batch, 8);
        QCOMPARE(back->config.modelPath, result.config.modelPath);
        QCOMPARE(back->latencyMs, result.latencyMs);
        QCOMPARE(back->warmupLatencyMs, result.warmupLatencyMs);
        QCOMPARE(back->latency.p99, result.latency.p99);
        QCOMPARE(back->latency.medianCiLow, result.latency.medianCiLow);
        QCOMPARE(back->timeline.tUs, result.timeline.tUs);
        QCOMPARE(back->timeline.anonBytes, result.timeline.anonBytes);
        QCOMPARE(back->timeline.markers, result.timeline.markers);
        QCOMPARE(back->timeline.hz, 1000);
        QCOMPARE(back->phases.size(), 1);
        QCOMPARE(back->loadMs(), 12.5);
        QCOMPARE(back->environment.cpu, QStringLiteral("Test CPU"));
        QCOMPARE(back->started, result.started);
        QVERIFY(qAbs(back->memory.peakBytes - result.memory.peakBytes) < 2);
    }

    void beginWithConfigFinishWithResult()
    {
        auto store = Store::open(m_dir.filePath(QStringLiteral("b.sqlite")));
        const RunResult result = makeResult(QStringLiteral("fp32"), QString(64, QLatin1Char('b')));
        RunRecord rec = benchRunRecord(result.config);
        QVERIFY((*store)->beginRun(rec));
        const qint64 id = rec.id;
        // Interrupted before it ended: what is known still reads back as a RunResult.
        auto early = benchRunResult(*(*store)->loadRun(id));
        QVERIFY(early);
        QCOMPARE(early->status, RunStatus::Running);
        QCOMPARE(early->config.batch, 8);

        RunRecord done = benchRunRecord(result);
        done.id = id;
        QVERIFY((*store)->finishRun(done));
        auto loaded = (*store)->loadRun(id);
        QCOMPARE(loaded->uuid, result.uuid); // the benchmark's own id, for deduplicated imports
        QCOMPARE(loaded->status, RunStatus::Complete);
        QCOMPARE(loaded->latencyMs.size(), 5000);
        QCOMPARE(*(*store)->runCount(), 1);
    }

    void quantizedFileJoinsItsVariant_data()
    {
        QTest::addColumn<QString>("label");
        // What the benchmark calls the file: "quantized" when it cannot tell, or the scheme the
        // studio or the artifact's own metadata gave.
        QTest::newRow("generic") << QStringLiteral("quantized");
        QTest::newRow("scheme") << QStringLiteral("static-int8");
    }

    void quantizedFileJoinsItsVariant()
    {
        QFETCH(QString, label);
        auto store = Store::open(m_dir.filePath(QStringLiteral("c-%1.sqlite").arg(label)));
        const QString artifactSha(64, QLatin1Char('c'));
        ModelRecord fp32{0, QStringLiteral("cnn.pt"), QStringLiteral("/models/cnn.pt"), QString(64, QLatin1Char('d')), 1000, 5000};
        VariantRecord int8;
        int8.scheme = QStringLiteral("static-int8");
        int8.engine = QStringLiteral("onednn");
        int8.artifactPath = QStringLiteral("/models/cnn.int8.pt");
        int8.artifactSha256 = artifactSha;
        int8.artifactBytes = 1400;
        QVERIFY((*store)->saveVariant(fp32, int8));

        RunRecord rec = benchRunRecord(makeResult(label, artifactSha));
        QVERIFY((*store)->recordRun(rec));
        auto loaded = (*store)->loadRun(rec.id);
        QCOMPARE(loaded->variant.id, int8.id);
        QCOMPARE(loaded->variant.scheme, QStringLiteral("static-int8"));
        QCOMPARE(loaded->model.path, QStringLiteral("/models/cnn.pt"));
        QCOMPARE(loaded->variant.artifactBytes, 1400);

        // An unknown quantized file stays "quantized", its own model.
        RunRecord other = benchRunRecord(makeResult(QStringLiteral("quantized"), QString(64, QLatin1Char('e'))));
        QVERIFY((*store)->recordRun(other));
        QCOMPARE((*store)->loadRun(other.id)->variant.scheme, QStringLiteral("quantized"));
    }

    void failedRunsKeepTheirReason()
    {
        RunResult failed = makeResult(QStringLiteral("fp32"), QString(64, QLatin1Char('f')));
        failed.status = RunStatus::Failed;
        failed.error = QStringLiteral("Input 0 has shape 1x3 but the model expects 1x784.");
        failed.latencyMs.clear();
        failed.finalize();
        RunRecord rec = benchRunRecord(failed);
        QVERIFY(!rec.metrics.contains(metric::LatencyP50Ms));
        auto store = Store::open(m_dir.filePath(QStringLiteral("d.sqlite")));
        QVERIFY((*store)->recordRun(rec));
        auto back = benchRunResult(*(*store)->loadRun(rec.id));
        QCOMPARE(back->status, RunStatus::Failed);
        QCOMPARE(back->error, failed.error);
        QVERIFY(!benchRunResult(RunRecord{}));
    }
};

QTEST_GUILESS_MAIN(TestBenchRecord)
#include "tst_benchrecord.moc"
