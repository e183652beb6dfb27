// SPDX-License-Identifier: GPL-3.0-or-later
// Target: sampling memory at 1 kHz moves the median latency of a mid-size model by less than 1%.
// Runs alternate sampler off / on (whole runs, 2 s steady state each) so that drift of a shared
// machine hits both; the figure is the median over repetitions of on/off - 1.
//
//   bench_sampler_impact [--reps 6] [--threads 1] [--batch 8] [--min-time 2]
#include "core/bench/benchmarkrunner.h"
#include "core/model/modelfactory.h"
#include "tests/bench/bench/benchutil.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QTemporaryDir>

using namespace qs;
using namespace qs::benchutil;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int reps = int(option(args, "--reps", 6));
    const int threads = int(option(args, "--threads", 1));
    const int batch = int(option(args, "--batch", 8));
    const double minTime = option(args, "--min-time", 2.0);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("mid.pt"));
    // 6.3 M parameters (25 MB): Linear 512 -> 2048 -> 2048 -> 512.
    if (!modelfactory::mlp({512, 2048, 2048, 512})->save(path).ok())
        return 1;

    auto run = [&](int hz, RunResult* out) {
        RunConfig c;
        c.modelPath = path;
        c.inputs = InputSpec::parse({QStringLiteral("1x512")}).value();
        c.batch = batch;
        c.threads = threads;
        c.warmupIterations = 20;
        c.minIterations = 50;
        c.minSeconds = minTime;
        c.maxIterations = 1000000;
        c.samplerHz = hz;
        *out = runBenchmark(c);
        return out->status == RunStatus::Complete ? out->latency.p50 : -1.0;
    };

    print(QStringLiteral("Sampler impact: MLP 512-2048-2048-512 (6.3 M params), batch %1, %2 thread(s), %3 s steady state per run, "
                         "%4 repetitions").arg(batch).arg(threads).arg(minTime).arg(reps));
    print(QStringLiteral("load average before: %1").arg(loadavg()));
    print(QStringLiteral("| rep | p50 ms, sampler off | p50 ms, 1 kHz | change | samples taken | late ticks |"));
    print(QStringLiteral("| --- | --- | --- | --- | --- | --- |"));
    QVector<double> changes;
    for (int rep = 0; rep < reps; ++rep) {
        RunResult off, on;
        double a = 0, b = 0;
        if (rep % 2 == 0) {
            a = run(0, &off);
            b = run(1000, &on);
        } else {
            b = run(1000, &on);
            a = run(0, &off);
        }
        if (a <= 0 || b <= 0) {
            print(QStringLiteral("a run failed: %1 %2").arg(off.error, on.error));
            return 1;
        }
        const double change = 100.0 * (b / a - 1.0);
        changes << change;
        const double seconds = on.timeline.isEmpty() ? 0 : double(on.timeline.tUs.last()) / 1e6;
        print(QStringLiteral("| %1 | %2 | %3 | %4% | %5 in %6 s | %7 |").arg(rep + 1).arg(a, 0, 'f', 4).arg(b, 0, 'f', 4)
                  .arg(change, 0, 'f', 2).arg(on.timeline.size()).arg(seconds, 0, 'f', 1)
                  .arg(on.warnings.filter(QStringLiteral("missed")).isEmpty() ? QStringLiteral("-") : on.warnings.filter(QStringLiteral("missed")).first()));
    }
    const double m = median(changes);
    print(QStringLiteral("load average after: %1").arg(loadavg()));
    print(QStringLiteral("median change of the median latency with the 1 kHz sampler: %1%; target < 1%: %2")
              .arg(m, 0, 'f', 2).arg(std::abs(m) < 1.0 ? QStringLiteral("met") : QStringLiteral("NOT met")));
    return 0;
}
