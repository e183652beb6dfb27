// SPDX-License-Identifier: GPL-3.0-or-later
#include "runfixtures.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QRandomGenerator>
#include <QtCore/QJsonArray>
#include <QtCore/QUuid>

namespace qs::test {

namespace {

QString fakeSha(const QString& text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex());
}

void fillModelVariant(RunRecord& run, const QString& scheme, const QString& modelName)
{
    run.model.name = modelName;
    run.model.path = QStringLiteral("/models/") + modelName;
    run.model.sha256 = fakeSha(modelName);
    run.model.params = 1'234'567;
    run.model.fileBytes = 4'950'000;
    run.variant.scheme = scheme;
    const bool fp32 = scheme.startsWith(QLatin1String("fp32"));
    run.variant.engine = fp32 ? QString() : QStringLiteral("onednn");
    run.variant.artifactPath = fp32 ? run.model.path : QStringLiteral("/models/%1.%2.pt").arg(modelName, scheme);
    run.variant.artifactSha256 = fp32 ? run.model.sha256 : fakeSha(modelName + scheme);
    run.variant.artifactBytes = fp32 ? run.model.fileBytes : run.model.fileBytes / 4 + 20'000;
    run.variant.paramBytes = fp32 ? run.model.params * 4 : run.model.params;
    if (!fp32)
        run.variant.coverage = QJsonObject{{QStringLiteral("quantized_layers"), 5}, {QStringLiteral("total_layers"), 7}};
}

QJsonObject fingerprint()
{
    return QJsonObject{{QStringLiteral("cpu"), QStringLiteral("Test CPU @ 3 GHz")},
                       {QStringLiteral("cores"), 2},
                       {QStringLiteral("isa"), QJsonArray{QStringLiteral("avx2"), QStringLiteral("avx512_vnni")}},
                       {QStringLiteral("os"), QStringLiteral("Debian GNU/Linux 12 (bookworm)")},
                       {QStringLiteral("libtorch"), QStringLiteral("1.13.1")},
                       {QStringLiteral("engines"), QJsonArray{QStringLiteral("onednn"), QStringLiteral("qnnpack")}},
                       {QStringLiteral("blas"), QStringLiteral("OpenBLAS 0.3.21 (pthread)")},
                       {QStringLiteral("threads"), QJsonObject{{QStringLiteral("torch"), 1}}},
                       {QStringLiteral("loadavg"), QJsonArray{0.5, 0.4, 0.3}}};
}

} // namespace

RunRecord makeRun(quint32 seed, int latencySamples, int memorySamples, const QString& scheme, const QString& modelName)
{
    QRandomGenerator rng(seed);
    RunRecord run;
    run.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    run.kind = QStringLiteral("bench");
    run.status = RunStatus::Complete;
    run.started = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000LL + qint64(seed) * 60'000, Qt::UTC);
    run.finished = run.started.addSecs(5);
    fillModelVariant(run, scheme, modelName);
    const int batch = 1 << (seed % 3);
    run.config = QJsonObject{{QStringLiteral("batch"), batch},
                             {QStringLiteral("threads"), 1},
                             {QStringLiteral("engine"), run.variant.engine.isEmpty() ? QStringLiteral("onednn") : run.variant.engine},
                             {QStringLiteral("mode"), QStringLiteral("live")},
                             {QStringLiteral("warmup"), 10}};
    run.fingerprint = fingerprint();
    const double base = scheme.startsWith(QLatin1String("fp32")) ? 2.0 : 0.8;
    // Whole nanoseconds over 1e6, as the benchmark's clock gives them.
    run.latencyMs.reserve(latencySamples);
    for (int i = 0; i < latencySamples; ++i)
        run.latencyMs.push_back(double(qint64(base * 1e6 * (1.0 + 0.05 * rng.generateDouble())) + (i % 97 == 0 ? 400'000 : 0)) / 1e6);
    for (int i = 0; i < std::min(latencySamples, 10); ++i)
        run.warmupMs.push_back(double(qint64(base * 3e6) - i * 100'000) / 1e6);
    qint64 anon = 80'000'000, file = 40'000'000;
    run.memory.hz = 1000;
    run.memory.source = QStringLiteral("statm");
    for (int i = 0; i < memorySamples; ++i) {
        run.memory.tUs.push_back(qint64(i) * 1000 + rng.bounded(50));
        if (i < memorySamples / 5)
            anon += 4096 * rng.bounded(50);
        run.memory.anonBytes.push_back(anon);
        run.memory.fileBytes.push_back(file + (i % 10) * 4096);
    }
    if (memorySamples > 0) {
        run.memory.markers = {{0.0, Phase::Load},
                              {double(run.memory.tUs[memorySamples / 5]) / 1000.0, Phase::Warmup},
                              {double(run.memory.tUs[memorySamples / 3]) / 1000.0, Phase::Steady}};
    }
    std::vector<double> sorted(run.latencyMs.begin(), run.latencyMs.end());
    std::sort(sorted.begin(), sorted.end());
    auto pct = [&](double p) { return sorted.empty() ? qQNaN() : sorted[size_t(p * double(sorted.size() - 1))]; };
    double mean = 0;
    for (double v : sorted)
        mean += v;
    mean = sorted.empty() ? qQNaN() : mean / double(sorted.size());
    run.metrics = {{metric::LatencyMeanMs, mean},
                   {metric::LatencyP50Ms, pct(0.5)},
                   {metric::LatencyP90Ms, pct(0.9)},
                   {metric::LatencyP99Ms, pct(0.99)},
                   {metric::ThroughputPerS, batch * 1000.0 / mean},
                   {metric::PeakMb, double(anon + file) / (1024.0 * 1024.0)},
                   {metric::CpuPercent, 98.0 + rng.bounded(2.0)},
                   {metric::Iterations, double(latencySamples)},
                   {metric::Noisy, 0}};
    run.result = QJsonObject{{QStringLiteral("iterations"), latencySamples}, {QStringLiteral("load_ms"), 12.5}};
    return run;
}

RunRecord makeEvalRun(quint32 seed, double top1, const QString& scheme, const QString& modelName)
{
    RunRecord run;
    run.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    run.kind = QStringLiteral("eval");
    run.status = RunStatus::Complete;
    run.started = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000LL + qint64(seed) * 60'000 + 30'000, Qt::UTC);
    run.finished = run.started.addSecs(3);
    fillModelVariant(run, scheme, modelName);
    run.fingerprint = fingerprint();
    run.config = QJsonObject{{QStringLiteral("dataset"), QStringLiteral("fashion_test.pt")}, {QStringLiteral("samples"), 10000}};
    run.metrics = {{metric::Top1, top1}, {metric::Top5, 99.5}, {metric::Cosine, 0.998}, {metric::SqnrDb, 28.5}};
    run.evaluation = QJsonObject{{QStringLiteral("samples"), 10000},
                                 {QStringLiteral("accuracy"), QJsonObject{{QStringLiteral("top1"), top1 / 100.0}}}};
    run.layers = {{QStringLiteral("conv1"), QStringLiteral("Conv2d"), QJsonObject{{QStringLiteral("sqnr_db"), 35.0}}},
                  {QStringLiteral("fc"), QStringLiteral("Linear"), QJsonObject{{QStringLiteral("sqnr_db"), 29.5}}}};
    return run;
}

} // namespace qs::test
