// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarkjob.h"

#include "core/bench/benchmarkrunner.h"
#include "core/common/logging.h"
#include "core/common/paths.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSet>
#include <QtCore/QUuid>

namespace qs {

QVector<RunConfig> BenchmarkSweep::expand(const QVector<bool>& quantized) const
{
    QVector<RunConfig> runs;
    const QVector<int> threadList = threads.isEmpty() ? QVector<int>{1} : threads;
    const QVector<qint64> batchList = batches.isEmpty() ? QVector<qint64>{1} : batches;
    auto block = [&](const BenchmarkTarget& t, bool optimized) {
        const QStringList engineList = !engines.isEmpty() ? engines : QStringList{t.engine};
        for (const QString& engine : engineList) {
            for (int th : threadList) {
                for (qint64 b : batchList) {
                    RunConfig c = protocol;
                    c.modelPath = t.path;
                    c.variant = optimized ? QStringLiteral("fp32-optimized") : t.variant;
                    c.scheme = optimized ? QString() : t.scheme;
                    c.optimizeForInference = optimized;
                    c.inputs = t.inputs;
                    c.engine = engine;
                    c.threads = th;
                    c.batch = b;
                    runs << c;
                }
            }
        }
    };
    for (int i = 0; i < targets.size(); ++i) {
        const BenchmarkTarget& t = targets[i];
        block(t, false);
        const bool isQuantized = quantized.value(i, false) || (!t.variant.isEmpty() && !t.variant.startsWith(QLatin1String("fp32")));
        if (baselineOptimized && !isQuantized)
            block(t, true);
    }
    return runs;
}

BenchmarkJob::BenchmarkJob(const BenchmarkSweep& sweep, QObject* parent)
    : Job(QStringLiteral("Benchmark"), parent), m_sweep(sweep)
{
    qRegisterMetaType<qs::RunConfig>();
    qRegisterMetaType<qs::RunResult>();
    qRegisterMetaType<qs::RunUpdate>();
}

QVector<RunResult> BenchmarkJob::results() const
{
    QMutexLocker lock(&m_resultsMutex);
    return m_results;
}

Status BenchmarkJob::run()
{
    // Prepare: hash every file once, spot quantized ones, read sidecars. None of it is measured.
    BenchmarkSweep sweep = m_sweep;
    QVector<bool> quantized;
    QHash<QString, QString> sha;
    QHash<QString, Error> refused; // path -> why its runs cannot happen
    for (BenchmarkTarget& t : sweep.targets) {
        checkCancelled();
        setProgress(0, QStringLiteral("Preparing %1").arg(QFileInfo(t.path).fileName()));
        const FileScan scan = scanModelFile(t.path, [this] { return isCancelRequested(); });
        checkCancelled();
        quantized << (scan.quantized || !scan.scheme.isEmpty());
        // A Quantscope artifact says which scheme made it and for which engine.
        if (t.variant.isEmpty() && !scan.scheme.isEmpty()) {
            t.variant = scan.scheme;
            t.scheme = scan.scheme;
        }
        if (t.engine.isEmpty())
            t.engine = scan.engine;
        sha.insert(t.path, scan.sha256);
        if (!scan.ok)
            refused.insert(t.path, Error::badInput(QStringLiteral("Cannot read %1.").arg(paths::pretty(t.path))));
        if (t.inputs.isEmpty()) {
            auto spec = InputSpec::readSidecar(t.path);
            if (spec)
                t.inputs = *spec;
            else
                refused.insert(t.path, spec.error());
        }
    }
    const QVector<RunConfig> configs = sweep.expand(quantized);
    std::optional<Error> firstError;
    QSet<QString> skipped; // variants whose block stops after a bad-input failure
    for (int i = 0; i < configs.size(); ++i) {
        checkCancelled();
        RunConfig config = configs[i];
        config.modelSha256 = sha.value(config.modelPath);
        const QString blockKey = config.modelPath + QLatin1Char('\n') + config.variant + QString::number(config.optimizeForInference);
        if (skipped.contains(blockKey))
            continue;
        Q_EMIT runStarted(i, int(configs.size()), config);
        RunHooks hooks;
        hooks.cancelled = [this] { return isCancelRequested(); };
        hooks.update = [this](const RunUpdate& u) { Q_EMIT runUpdated(u); };
        const int n = int(configs.size());
        hooks.progress = [this, i, n](double f, const QString& message) {
            setProgress(int(1000.0 * (i + f) / n), message);
        };
        hooks.runIndex = i;
        hooks.runCount = n;
        RunResult result;
        if (refused.contains(config.modelPath)) {
            result.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
            result.config = config;
            result.started = result.finished = QDateTime::currentDateTimeUtc();
            result.status = RunStatus::Failed;
            const Error& e = refused.value(config.modelPath);
            result.error = e.message;
            result.errorDetails = e.details;
            result.errorKind = errorKindName(e.kind);
            result.environment = captureFingerprint();
        } else {
            result = config.mode == RunMode::Isolated ? runIsolated(config, hooks) : runBenchmark(config, hooks);
        }
        {
            QMutexLocker lock(&m_resultsMutex);
            m_results << result;
        }
        Q_EMIT runFinished(result);
        if (result.status == RunStatus::Cancelled)
            throw JobCancelled{};
        if (result.status == RunStatus::Failed) {
            const Error e = result.toError();
            if (!firstError)
                firstError = e;
            if (e.kind == Error::Kind::BadInput || e.kind == Error::Kind::Usage)
                skipped.insert(blockKey);
        }
    }
    if (firstError)
        return *firstError;
    return {};
}

} // namespace qs
