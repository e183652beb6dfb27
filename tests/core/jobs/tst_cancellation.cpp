// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel in every phase: a benchmark's preparation, load, first inference, warmup and steady state, a static
// quantization's calibration and an evaluation stop within 100 ms of cancel() (to the job's
// finished() signal). Every phase is made to last seconds, so one that does not check for
// cancellation fails by far.
//
// The machine is shared: time the job's thread spent waiting for a CPU (schedstat run delay) is
// not the job's and is subtracted; a measurement over the target is repeated (twice at most)
// before it counts as a failure. Figures over many repetitions: tests/bench/safety/bench_cancel.
#include "tests/support/cancelprobe.h"
#include "tests/support/testsupport.h"

#include <QtTest/QtTest>

#include <optional>

using namespace qs;
using namespace qs::test;

Q_DECLARE_METATYPE(qs::test::CancelPhase)

class TestCancellation : public QObject
{
    Q_OBJECT
    QString m_demo;

private Q_SLOTS:
    void initTestCase()
    {
        m_demo = demoDir();
        QVERIFY2(!m_demo.isEmpty(), "the demo_workspace fixture must run first");
    }

    void cancelWithin100ms_data()
    {
        QTest::addColumn<CancelPhase>("phase");
        QTest::addColumn<int>("delayMs");
        // Preparation (hashing a 256 MB file) checks between megabytes. Load and the first
        // inference are single calls: cancelled as they begin, they stop at the check right
        // after. The others are cancelled well inside the phase.
        QTest::newRow("bench-prepare") << CancelPhase::BenchPrepare << 0;
        QTest::newRow("bench-load") << CancelPhase::BenchLoad << 0;
        QTest::newRow("bench-first-inference") << CancelPhase::BenchFirstInference << 0;
        QTest::newRow("bench-warmup") << CancelPhase::BenchWarmup << 300;
        QTest::newRow("bench-steady") << CancelPhase::BenchSteady << 300;
        // The child process is killed and left to the kernel: the job does not wait for it.
        QTest::newRow("bench-isolated-steady") << CancelPhase::IsolatedSteady << 300;
        QTest::newRow("quantize-calibration") << CancelPhase::QuantizeCalibration << 300;
        QTest::newRow("eval-evaluation") << CancelPhase::Evaluation << 300;
    }

    void cancelWithin100ms()
    {
        QFETCH(CancelPhase, phase);
        QFETCH(int, delayMs);
        constexpr double kTargetMs = 100;
        std::optional<CancelMeasurement> best;
        for (int attempt = 0; attempt < 3; ++attempt) {
            const CancelMeasurement m = measureCancel(phase, m_demo, delayMs);
            QVERIFY2(m.ok(), qPrintable(m.error));
            qInfo("%s: %.1f ms from cancel() to finished(), %.1f ms of it waiting for a CPU: %.1f ms (stopped in %s)",
                  qPrintable(cancelPhaseName(phase)), m.rawMs, m.runDelayMs, m.latencyMs(), qPrintable(m.where));
            if (!best || m.latencyMs() < best->latencyMs())
                best = m;
            if (best->latencyMs() < kTargetMs)
                break;
        }
        QVERIFY2(best->latencyMs() < kTargetMs,
                 qPrintable(QStringLiteral("%1 took %2 ms to stop after cancel() (%3 ms wall, %4 ms waiting for a CPU)")
                                .arg(cancelPhaseName(phase)).arg(best->latencyMs(), 0, 'f', 1).arg(best->rawMs, 0, 'f', 1)
                                .arg(best->runDelayMs, 0, 'f', 1)));
    }
};

QTEST_GUILESS_MAIN(TestCancellation)
#include "tst_cancellation.moc"
