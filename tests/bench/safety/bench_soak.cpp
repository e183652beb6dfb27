// SPDX-License-Identifier: GPL-3.0-or-later
// Soak: many benchmark Runs of a small model in one process, through the studio's own job
// machinery (a JobRunner's Timing lane, one BenchmarkJob per Run as the Benchmark page starts
// them, deleted later, each Run recorded by a BenchRecorder as running then finished). Reports
// the resident set, threads (/proc/self/task) and open file descriptors (/proc/self/fd) after
// warm-up and at the end. Target: RSS growth after warm-up under 5%, no thread or fd leaked.
//
//   bench_soak [--runs 1000] [--warmup-runs 50] [--sampler-hz 1000] [--report-every 100] [--isolated]
//
// --isolated measures each Run in a quantscope-cli child process (built next to this program):
// then the pipes and the QProcess of every Run are what could leak.
#include "core/bench/benchmarkjob.h"
#include "core/jobs/jobrunner.h"
#include "core/model/modelfactory.h"
#include "core/store/jobrecorder.h"
#include "core/store/store.h"
#include "tests/bench/bench/benchutil.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>

using namespace qs;
using namespace qs::benchutil;

namespace {

qint64 statusKb(const char* key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(int(qstrlen(key))).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

int entries(const QString& dir)
{
    return int(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System).size());
}

struct Snapshot
{
    qint64 rssKb = 0;
    int threads = 0;
    int fds = 0;
    static Snapshot take() { return {statusKb("VmRSS:"), entries(QStringLiteral("/proc/self/task")), entries(QStringLiteral("/proc/self/fd"))}; }
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int runs = int(option(args, "--runs", 1000));
    const int warmupRuns = int(option(args, "--warmup-runs", 50));
    const int samplerHz = int(option(args, "--sampler-hz", 1000));
    const int every = std::max(1, int(option(args, "--report-every", 100)));
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("small.pt"));
    const QString db = dir.filePath(QStringLiteral("runs.sqlite"));
    // 0.1 M parameters: Linear 256 -> 256 -> 128 -> 10.
    if (auto m = modelfactory::mlp({256, 256, 128, 10}); !m || !m->save(model).ok()) {
        print(QStringLiteral("cannot build the model"));
        return 1;
    }

    BenchmarkSweep sweep;
    BenchmarkTarget target;
    target.path = model;
    target.inputs = InputSpec::parse({QStringLiteral("1x256")}).value();
    sweep.targets << target;
    sweep.protocol.warmupIterations = 5;
    sweep.protocol.minIterations = 20;
    sweep.protocol.minSeconds = 0;
    sweep.protocol.samplerHz = samplerHz;
    const bool isolated = args.contains(QStringLiteral("--isolated"));
    sweep.protocol.mode = isolated ? RunMode::Isolated : RunMode::Live;

    print(QStringLiteral("Soak: %1 %4 benchmark Runs of an MLP 256-256-128-10 (warmup 5, 20 steady forwards, sampler %2 Hz), one "
                         "BenchmarkJob per Run on a JobRunner, recorded by a BenchRecorder; figures after %3 warm-up Runs")
              .arg(runs).arg(samplerHz).arg(warmupRuns).arg(isolated ? QStringLiteral("isolated") : QStringLiteral("live")));
    print(QStringLiteral("load average before: %1").arg(loadavg()));
    print(QStringLiteral("| runs | RSS MB | threads | fds | seconds |"));
    print(QStringLiteral("| --- | --- | --- | --- | --- |"));

    JobRunner runner;
    QElapsedTimer clock;
    clock.start();
    Snapshot start = Snapshot::take();
    Snapshot warm;
    qint64 peakRssKb = 0;
    int failures = 0;
    auto row = [&](int done, const Snapshot& s) {
        print(QStringLiteral("| %1 | %2 | %3 | %4 | %5 |").arg(done).arg(s.rssKb / 1024.0, 0, 'f', 1).arg(s.threads).arg(s.fds)
                  .arg(clock.elapsed() / 1000.0, 0, 'f', 1));
    };
    row(0, start);
    for (int i = 0; i < runs; ++i) {
        // As the Benchmark page does: a new job per Start, parented, deleted after finished().
        auto* job = new BenchmarkJob(sweep, &app);
        auto* recorder = new BenchRecorder(db, job);
        recorder->attach(job);
        QEventLoop loop;
        QObject::connect(job, &Job::finished, &loop, &QEventLoop::quit, Qt::QueuedConnection);
        QObject::connect(job, &Job::finished, job, &QObject::deleteLater);
        runner.submit(job, JobRunner::Lane::Timing);
        loop.exec();
        const QVector<RunResult> results = job->results();
        if (job->state() != Job::State::Succeeded || results.size() != 1 || recorder->error() || recorder->runIds().size() != 1) {
            ++failures;
            print(QStringLiteral("run %1 failed: %2 %3").arg(i + 1).arg(job->error().message, recorder->error() ? recorder->error()->message : QString()));
        }
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCoreApplication::processEvents();
        const Snapshot s = Snapshot::take();
        peakRssKb = std::max(peakRssKb, s.rssKb);
        if (i + 1 == warmupRuns)
            warm = s;
        if ((i + 1) % every == 0 || i + 1 == warmupRuns || i + 1 == runs)
            row(i + 1, s);
    }
    runner.waitForDone();
    const Snapshot end = Snapshot::take();
    int stored = -1;
    if (auto store = Store::open(db, Store::Options{true, false, 5000}); store && (*store)->runCount())
        stored = *(*store)->runCount();
    print(QStringLiteral("load average after: %1").arg(loadavg()));
    print(QStringLiteral("runs recorded in the database: %1 (%2 MB with its WAL); failed runs: %3")
              .arg(stored).arg((QFileInfo(db).size() + QFileInfo(db + QLatin1String("-wal")).size()) / 1048576.0, 0, 'f', 1).arg(failures));
    if (warm.rssKb <= 0) {
        print(QStringLiteral("fewer runs than the warm-up: no growth figure"));
        return 1;
    }
    const double growth = 100.0 * double(end.rssKb - warm.rssKb) / double(warm.rssKb);
    print(QStringLiteral("RSS after warm-up %1 MB, at the end %2 MB (peak %3 MB): growth %4%; target < 5%: %5")
              .arg(warm.rssKb / 1024.0, 0, 'f', 1).arg(end.rssKb / 1024.0, 0, 'f', 1).arg(peakRssKb / 1024.0, 0, 'f', 1)
              .arg(growth, 0, 'f', 2).arg(growth < 5.0 ? QStringLiteral("met") : QStringLiteral("NOT met")));
    print(QStringLiteral("threads after warm-up %1, at the end %2 (%3 leaked); file descriptors after warm-up %4, at the end %5 (%6 leaked)")
              .arg(warm.threads).arg(end.threads).arg(std::max(0, end.threads - warm.threads))
              .arg(warm.fds).arg(end.fds).arg(std::max(0, end.fds - warm.fds)));
    print(QStringLiteral("%1 s in all, %2 ms per Run").arg(clock.elapsed() / 1000.0, 0, 'f', 1).arg(double(clock.elapsed()) / std::max(1, runs), 0, 'f', 1));
    return failures == 0 && growth < 5.0 && end.threads <= warm.threads && end.fds <= warm.fds ? 0 : 2;
}
