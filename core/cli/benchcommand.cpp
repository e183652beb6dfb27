// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/bench/benchmarkjob.h"
#include "core/bench/benchmarkrunner.h"
#include "core/cli/command.h"
#include "core/cli/texttable.h"
#include "core/common/engine.h"
#include "core/common/paths.h"
#include "core/model/modelloader.h"
#include "core/store/jobrecorder.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLocale>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <sys/prctl.h>
#include <unistd.h>

namespace qs::cli {

namespace {

std::atomic<Job*> g_running{nullptr};

// Ctrl+C cancels the running benchmark (the run is recorded as cancelled); a second one kills.
void onInterrupt(int)
{
    if (Job* job = g_running.load())
        job->cancel();
    std::signal(SIGINT, SIG_DFL);
}

template<typename T>
Result<QVector<T>> parseList(const QCommandLineParser& parser, const QString& option, const QVector<T>& fallback)
{
    if (!parser.isSet(option))
        return fallback;
    QVector<T> values;
    for (const QString& value : parser.values(option)) {
        for (const QString& part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const qint64 v = part.trimmed().toLongLong(&ok);
            if (!ok || v < 1 || v > 1000000)
                return Error::usage(QStringLiteral("--%1 takes positive whole numbers separated by commas (e.g. 1,8,32), not '%2'.")
                                        .arg(option, value));
            if (!values.contains(T(v)))
                values << T(v);
        }
    }
    return values;
}

Result<double> parseSeconds(const QCommandLineParser& parser, const QString& option, double fallback, bool allowZero)
{
    if (!parser.isSet(option))
        return fallback;
    QString text = parser.value(option).trimmed();
    if (text.endsWith(QLatin1Char('s')))
        text.chop(1);
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || v < 0 || (!allowZero && v == 0) || v > 86400)
        return Error::usage(QStringLiteral("--%1 takes seconds (e.g. 0.5 or 2s), not '%2'.").arg(option, parser.value(option)));
    return v;
}

Result<int> parseCount(const QCommandLineParser& parser, const QString& option, int fallback, bool allowZero)
{
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const int v = parser.value(option).trimmed().toInt(&ok);
    if (!ok || v < 0 || (!allowZero && v == 0))
        return Error::usage(QStringLiteral("--%1 takes a whole number%2, not '%3'.")
                                .arg(option, allowZero ? QString() : QStringLiteral(" above 0"), parser.value(option)));
    return v;
}

// `bench --child`: one isolated Run, driven by the parent over stdin/stdout (isolatedrun.cpp).
int runChild()
{
    // Die with the parent: an orphaned measurement would only disturb the next one.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return 70;
    const QJsonObject request = QJsonDocument::fromJson(in.readLine()).object();
    auto writeLine = [](const QJsonObject& o) {
        const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
        std::fflush(stdout);
    };
    auto config = RunConfig::fromJson(request.value(QLatin1String("config")).toObject());
    RunResult result;
    if (!config) {
        result.uuid = request.value(QLatin1String("uuid")).toString();
        result.status = RunStatus::Failed;
        result.error = config.error().message;
        result.errorKind = errorKindName(config.error().kind);
        writeLine({{QStringLiteral("result"), result.toJson()}});
        return 0;
    }
    config->mode = RunMode::Isolated;
    RunHooks hooks;
    hooks.uuid = request.value(QLatin1String("uuid")).toString();
    hooks.updateIntervalMs = request.value(QLatin1String("update_interval_ms")).toInt(250);
    hooks.update = [&](const RunUpdate& u) { writeLine({{QStringLiteral("update"), u.toJson()}}); };
    hooks.progress = [&](double f, const QString& message) {
        writeLine({{QStringLiteral("progress"), f}, {QStringLiteral("message"), message}});
    };
    result = runBenchmark(*config, hooks);
    writeLine({{QStringLiteral("result"), result.toJson()}});
    // Leave without the static teardown of LibTorch, OpenBLAS and Qt: it touches about 8 MB more
    // than the run ever held, which /usr/bin/time would then count as this process's peak.
    std::fflush(stderr);
    ::_exit(0);
}

QString fixed(double v, int decimals)
{
    return QLocale::c().toString(v, 'f', decimals);
}

// Enough digits to compare variants without a wall of decimals.
QString ms(double v)
{
    return fixed(v, v < 1 ? 3 : v < 100 ? 2 : 1);
}

QString mib(qint64 bytes)
{
    return fixed(double(bytes) / (1024.0 * 1024.0), 1);
}

void printHuman(Context& ctx, const QVector<RunResult>& runs)
{
    if (runs.isEmpty())
        return;
    const Fingerprint& env = runs.first().environment;
    ctx.out() << QStringLiteral("%1, %2 cores; LibTorch %3; %4; load %5\n")
                     .arg(env.cpu).arg(env.cores).arg(env.libtorch, env.blas).arg(env.loadavg1, 0, 'f', 2);
    TextTable table({QStringLiteral("Model"), QStringLiteral("Variant"), QStringLiteral("Batch"), QStringLiteral("Thr"),
                     QStringLiteral("Engine"), QStringLiteral("Iter"), QStringLiteral("p50 ms [95% CI]"), QStringLiteral("p99 ms"),
                     QStringLiteral("Mean ms"), QStringLiteral("Items/s"), QStringLiteral("Load ms"), QStringLiteral("First ms"),
                     QStringLiteral("Peak MB"), QStringLiteral("+MB"), QStringLiteral("CPU %"), QStringLiteral("Status")},
                    {false, false, true, true, false, true, true, true, true, true, true, true, true, true, true, false});
    QStringList notes;
    for (int i = 0; i < runs.size(); ++i) {
        const RunResult& r = runs[i];
        const bool measured = r.iterations() > 0;
        const QString tag = QStringLiteral("[%1]").arg(i + 1);
        QString status = runStatusName(r.status);
        if (r.noisy)
            status += QStringLiteral(" noisy");
        if (r.nanOutputs || r.infOutputs)
            status += r.nanOutputs ? QStringLiteral(" NaN") : QStringLiteral(" Inf");
        table.addRow({r.config.modelName(), r.config.variant, QString::number(r.config.batch), QString::number(r.config.threads),
                      r.config.engine, QString::number(r.iterations()),
                      measured ? QStringLiteral("%1 [%2-%3]").arg(ms(r.latency.p50), ms(r.latency.medianCiLow), ms(r.latency.medianCiHigh)) : QString(),
                      measured ? ms(r.latency.p99) : QString(),
                      measured ? QStringLiteral("%1±%2").arg(ms(r.latency.mean), ms(r.latency.std)) : QString(),
                      measured ? QLocale::c().toString(r.throughputPerSec, 'f', r.throughputPerSec < 100 ? 1 : 0) : QString(),
                      r.loadMs() >= 0 ? ms(r.loadMs()) : QString(), r.firstInferenceMs() >= 0 ? ms(r.firstInferenceMs()) : QString(),
                      r.memory.peakBytes > 0 ? mib(r.memory.peakBytes) : QString(),
                      r.memory.peakBytes > 0 ? mib(r.memory.deltaBytes()) : QString(),
                      r.cpuPercent >= 0 ? fixed(r.cpuPercent, 0) : QString(), tag + QLatin1Char(' ') + status});
        if (!r.error.isEmpty())
            notes << QStringLiteral("%1 %2").arg(tag, r.error);
        for (const QString& w : r.warnings)
            notes << QStringLiteral("%1 warning: %2").arg(tag, w);
        if (r.noisy)
            notes << QStringLiteral("%1 noisy: %2").arg(tag, r.noiseReasons.join(QLatin1String("; ")));
    }
    ctx.out() << table.render();
    if (!notes.isEmpty())
        ctx.out() << "\n" << notes.join(QLatin1Char('\n')) << "\n";
    ctx.out() << "\nMB = MiB; +MB = peak - resident set before loading. "
              << (runs.first().config.mode == RunMode::Isolated ? "Isolated runs: each peak is that run's own process.\n"
                                                                 : "Live runs share this process: use --isolated for clean peaks.\n");
    for (const QString& w : env.warnings())
        ctx.out() << "warning: " << w << "\n";
}

int runBench(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Benchmark TorchScript models: load, first inference, warmup, then steady state until both --min-iters and "
        "--min-time are met. Reports latency percentiles, throughput, memory and CPU of every model x batch x threads x engine."));
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("TorchScript files; each is one variant (block)."), QStringLiteral("MODEL..."));
    parser.addOption({QStringLiteral("input"),
                      QStringLiteral("Shape and dtype of one forward input (1x3x224x224, 1x32:int64), repeat per input; dim 0 is "
                                     "replaced by --batch. Default: each model's sidecar <model>.json."),
                      QStringLiteral("SHAPE[:dtype]")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Batch sizes, e.g. 1,8,32 (default 1)."), QStringLiteral("N,...")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Thread counts (LibTorch + OpenBLAS), e.g. 1,2 (default 1)."), QStringLiteral("N,...")});
    parser.addOption({QStringLiteral("engine"), QStringLiteral("Quantized engines: onednn, qnnpack or both (default: the fastest)."),
                      QStringLiteral("ENGINE,...")});
    parser.addOption({QStringLiteral("warmup"), QStringLiteral("Warmup forwards (default 10), or seconds with an s: 0.5s."), QStringLiteral("N|Ts")});
    parser.addOption({QStringLiteral("min-iters"), QStringLiteral("Minimum steady-state forwards (default 50)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("min-time"), QStringLiteral("Minimum steady-state seconds (default 2)."), QStringLiteral("S")});
    parser.addOption({QStringLiteral("max-iters"), QStringLiteral("Cap on steady-state forwards (default 10000)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("max-time"), QStringLiteral("Cap on steady-state seconds (default 60)."), QStringLiteral("S")});
    parser.addOption({QStringLiteral("isolated"), QStringLiteral("Measure each run in its own child process: peak memory is that run's alone.")});
    parser.addOption({QStringLiteral("baseline-optimized"),
                      QStringLiteral("Also measure every FP32 model frozen + optimize_for_inference (variant fp32-optimized).")});
    parser.addOption({QStringLiteral("sampler-hz"), QStringLiteral("Memory sampling rate (default 1000; 0 turns it off)."), QStringLiteral("HZ")});
    parser.addOption({QStringLiteral("memory-limit"),
                      QStringLiteral("Refuse a forward that allocates more than this (default: 90% of available memory)."), QStringLiteral("MB")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the random inputs (default 0)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("samples"), QStringLiteral("With --json: include every latency sample and the memory timeline.")});
    ctx.addStoreOptions(parser, Context::StoreUse::Record);
    QCommandLineOption child(QStringLiteral("child"), QStringLiteral("Internal: run one isolated measurement for a parent process."));
    child.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(child);
    ctx.addStandardOptions(parser);
    const QString usage = QStringLiteral("quantscope-cli bench MODEL [MODEL...] [--input SHAPE[:dtype]]... [--batch 1,8,32] "
                                         "[--threads 1,2] [--engine onednn|qnnpack] [--warmup N] [--min-iters N] [--min-time S] "
                                         "[--isolated] [--baseline-optimized] [--json]");
    if (int rc = ctx.parse(parser, args, usage); rc >= 0)
        return rc;
    if (parser.isSet(child))
        return runChild();
    const QStringList models = parser.positionalArguments();
    if (models.isEmpty())
        return ctx.fail(Error::usage(QStringLiteral("bench takes at least one MODEL. Usage: %1").arg(usage)));

    BenchmarkSweep sweep;
    auto batches = parseList<qint64>(parser, QStringLiteral("batch"), {1});
    auto threads = parseList<int>(parser, QStringLiteral("threads"), {1});
    if (!batches)
        return ctx.fail(batches.error());
    if (!threads)
        return ctx.fail(threads.error());
    sweep.batches = *batches;
    sweep.threads = *threads;
    for (const QString& value : parser.values(QStringLiteral("engine"))) {
        for (const QString& e : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (Status st = engine::validate(e.trimmed()); !st)
                return ctx.fail(st.error());
            if (!sweep.engines.contains(e.trimmed()))
                sweep.engines << e.trimmed();
        }
    }
    RunConfig& p = sweep.protocol;
    const QString warm = parser.value(QStringLiteral("warmup")).trimmed();
    if (warm.endsWith(QLatin1Char('s'))) {
        auto s = parseSeconds(parser, QStringLiteral("warmup"), 0, false);
        if (!s)
            return ctx.fail(s.error());
        p.warmupSeconds = *s;
    } else {
        auto n = parseCount(parser, QStringLiteral("warmup"), p.warmupIterations, true);
        if (!n)
            return ctx.fail(n.error());
        p.warmupIterations = *n;
    }
    auto minIters = parseCount(parser, QStringLiteral("min-iters"), p.minIterations, false);
    auto maxIters = parseCount(parser, QStringLiteral("max-iters"), p.maxIterations, false);
    auto minTime = parseSeconds(parser, QStringLiteral("min-time"), p.minSeconds, true);
    auto maxTime = parseSeconds(parser, QStringLiteral("max-time"), p.maxSeconds, false);
    auto hz = parseCount(parser, QStringLiteral("sampler-hz"), p.samplerHz, true);
    auto limit = parseCount(parser, QStringLiteral("memory-limit"), 0, false);
    for (const Status& st : {minIters ? Status() : Status(minIters.error()), maxIters ? Status() : Status(maxIters.error()),
                             minTime ? Status() : Status(minTime.error()), maxTime ? Status() : Status(maxTime.error()),
                             hz ? Status() : Status(hz.error()), limit ? Status() : Status(limit.error())}) {
        if (!st)
            return ctx.fail(st.error());
    }
    if (*hz > 10000)
        return ctx.fail(Error::usage(QStringLiteral("--sampler-hz is at most 10000 (a sample every 100 us).")));
    p.minIterations = *minIters;
    p.maxIterations = *maxIters;
    p.minSeconds = *minTime;
    p.maxSeconds = *maxTime;
    p.samplerHz = *hz;
    p.memoryBudgetBytes = qint64(*limit) * 1024 * 1024;
    p.seed = parser.value(QStringLiteral("seed")).toULongLong();
    p.mode = parser.isSet(QStringLiteral("isolated")) ? RunMode::Isolated : RunMode::Live;
    sweep.baselineOptimized = parser.isSet(QStringLiteral("baseline-optimized"));

    for (const QString& path : models) {
        if (!QFileInfo(path).isFile())
            return ctx.fail(loadModel(path).error());
        auto spec = ctx.inputSpec(parser.values(QStringLiteral("input")), path);
        if (!spec)
            return ctx.fail(spec.error());
        if (spec->isEmpty())
            return ctx.fail(Error::usage(QStringLiteral("%1 needs input shapes: TorchScript does not record them. Give --input "
                                                        "SHAPE[:dtype] (e.g. --input 1x3x224x224) or write %2.")
                                             .arg(QFileInfo(path).fileName(), paths::pretty(InputSpec::sidecarCandidates(path).value(0)))));
        BenchmarkTarget target;
        target.path = QFileInfo(path).absoluteFilePath();
        target.inputs = *spec;
        sweep.targets << target;
    }
    if (p.mode == RunMode::Isolated && childExecutable().isEmpty())
        return ctx.fail(Error(Error::Kind::Internal, QStringLiteral("--isolated needs quantscope-cli on PATH or QUANTSCOPE_CLI.")));

    BenchmarkJob job(sweep);
    // Every run goes into the run database as it starts and ends (--no-db: none). The database is
    // checked before anything is measured.
    std::unique_ptr<BenchRecorder> recorder;
    if (ctx.recording()) {
        if (auto store = ctx.store(); !store)
            return ctx.fail(store.error());
        recorder = std::make_unique<BenchRecorder>(ctx.databasePath());
        recorder->attach(&job);
    }
    g_running.store(&job);
    auto previous = std::signal(SIGINT, onInterrupt);
    const Status st = ctx.runJob(job);
    std::signal(SIGINT, previous);
    g_running.store(nullptr);
    const QVector<RunResult> runs = job.results();

    if (ctx.json) {
        QJsonArray arr;
        const auto detail = parser.isSet(QStringLiteral("samples")) ? RunResult::JsonDetail::Full : RunResult::JsonDetail::Summary;
        for (const RunResult& r : runs) {
            QJsonObject run = r.toJson(detail);
            if (recorder && recorder->runId(r.uuid) > 0)
                run.insert(QStringLiteral("run_id"), recorder->runId(r.uuid));
            arr.append(run);
        }
        QJsonObject o{{QStringLiteral("runs"), arr}};
        if (recorder)
            o.insert(QStringLiteral("database"), ctx.databasePath());
        if (!st)
            o.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("kind"), errorKindName(st.error().kind)},
                                                          {QStringLiteral("message"), st.error().message},
                                                          {QStringLiteral("details"), st.error().details},
                                                          {QStringLiteral("exit_code"), st.error().exitCode()}});
        ctx.printJson(o);
    } else {
        printHuman(ctx, runs);
    }
    if (recorder) {
        ctx.reportRecorded(recorder->runIds());
        if (const auto e = recorder->error()) {
            ctx.err() << "quantscope-cli: the runs were measured but not all recorded: " << e->toText(ctx.verbose) << "\n";
            ctx.err().flush();
            if (st)
                return e->exitCode();
        }
    }
    if (!st) {
        ctx.err() << "quantscope-cli: " << st.error().toText(ctx.verbose) << "\n";
        ctx.err().flush();
        return st.error().exitCode();
    }
    return 0;
}

const CommandRegistrar reg({QStringLiteral("bench"),
                            QStringLiteral("Benchmark models: latency percentiles, throughput, memory, CPU (live or --isolated)."),
                            runBench, 30});

} // namespace

} // namespace qs::cli
