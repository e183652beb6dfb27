// SPDX-License-Identifier: GPL-3.0-or-later
// Target: on a tiny model, the median the benchmark harness reports is within 0.5 us of a bare
// `forward` loop timed the same way. Repetitions alternate the order of bare and harness loops
// so that drift of a shared machine hits both.
//
//   bench_harness_overhead [--reps 7] [--iters 20000]
#include "core/bench/benchmarkrunner.h"
#include "core/model/modelfactory.h"
#include "tests/bench/bench/benchutil.h"
#include "tests/support/testsupport.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QTemporaryDir>

using namespace qs;
using namespace qs::benchutil;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int reps = int(option(args, "--reps", 7));
    const int iters = int(option(args, "--iters", 20000));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("tiny.pt"));
    if (!modelfactory::mlp({16, 16})->save(path).ok())
        return 1;

    auto harness = [&](int hz) {
        RunConfig c;
        c.modelPath = path;
        c.inputs = InputSpec::parse({QStringLiteral("1x16")}).value();
        c.warmupIterations = 200;
        c.minIterations = iters;
        c.maxIterations = iters;
        c.minSeconds = 0;
        c.samplerHz = hz;
        const RunResult r = runBenchmark(c);
        return r.status == RunStatus::Complete ? r.latency.p50 * 1000.0 : -1.0;
    };
    auto bare = [&] { return median(test::bareForwardLatencies(path, {QStringLiteral("1x16")}, iters, 200, 1)) * 1000.0; };

    print(QStringLiteral("Harness overhead: Linear(16,16) at batch 1, 1 thread, %1 forwards per loop, %2 repetitions").arg(iters).arg(reps));
    print(QStringLiteral("load average before: %1").arg(loadavg()));
    print(QStringLiteral("| rep | bare p50 us | harness p50 us (sampler off) | diff us | harness p50 us (1 kHz sampler) | diff us |"));
    print(QStringLiteral("| --- | --- | --- | --- | --- | --- |"));
    QVector<double> diffOff, diffOn;
    for (int rep = 0; rep < reps; ++rep) {
        double b = 0, off = 0, on = 0;
        if (rep % 2 == 0) {
            b = bare();
            off = harness(0);
            on = harness(1000);
        } else {
            on = harness(1000);
            off = harness(0);
            b = bare();
        }
        if (b <= 0 || off <= 0 || on <= 0) {
            print(QStringLiteral("a loop failed"));
            return 1;
        }
        diffOff << off - b;
        diffOn << on - b;
        print(QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |").arg(rep + 1).arg(b, 0, 'f', 3).arg(off, 0, 'f', 3)
                  .arg(off - b, 0, 'f', 3).arg(on, 0, 'f', 3).arg(on - b, 0, 'f', 3));
    }
    const double mOff = median(diffOff), mOn = median(diffOn);
    print(QStringLiteral("load average after: %1").arg(loadavg()));
    print(QStringLiteral("median difference: %1 us (sampler off), %2 us (1 kHz sampler); target |diff| < 0.5 us: %3")
              .arg(mOff, 0, 'f', 3).arg(mOn, 0, 'f', 3)
              .arg(std::abs(mOff) < 0.5 && std::abs(mOn) < 0.5 ? QStringLiteral("met") : QStringLiteral("NOT met")));
    return 0;
}
