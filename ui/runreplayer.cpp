// SPDX-License-Identifier: GPL-3.0-or-later
#include "runreplayer.h"

#include "ui/benchmarkpage.h"
#include "ui/quantizepage.h"
#include "ui/studiocontext.h"

#include "core/bench/runresult.h"
#include "core/common/paths.h"
#include "core/quant/quantizeoptions.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonObject>

namespace qs::ui {

RunReplayer::RunReplayer(StudioContext* context, BenchmarkPage* benchmark, QuantizePage* quantize, QObject* parent)
    : QObject(parent), m_context(context), m_benchmark(benchmark), m_quantize(quantize)
{
}

bool RunReplayer::canReplay(const QString& kind)
{
    return kind == QLatin1String("bench") || kind == QLatin1String("quantize");
}

Status RunReplayer::replay(const RunRecord& run, bool start)
{
    if (run.kind == QLatin1String("bench"))
        return replayBench(run, start);
    if (run.kind == QLatin1String("quantize"))
        return replayQuantize(run, start);
    return Error::usage(tr("Run %1 is a %2 run; the studio re-runs benchmarks and quantizations (use quantscope-cli for the others).")
                            .arg(run.id)
                            .arg(run.kind));
}

Status RunReplayer::withModel(const QString& modelPath, const InputSpec& inputs, std::function<void()> then)
{
    if (m_context->hasModel() && QFileInfo(m_context->model().info.path) == QFileInfo(modelPath)) {
        then();
        return {};
    }
    if (!QFileInfo::exists(modelPath))
        return Error::badInput(tr("The model %1 is not there any more; open it where it is now, then re-run.").arg(paths::pretty(modelPath)));
    // One replay at a time: a newer request replaces one still waiting for its model.
    disconnect(m_opened);
    disconnect(m_openFailed);
    m_opened = connect(m_context, &StudioContext::modelChanged, this, [this, modelPath, then] {
        if (!m_context->hasModel() || QFileInfo(m_context->model().info.path) != QFileInfo(modelPath))
            return;
        disconnect(m_opened);
        disconnect(m_openFailed);
        then();
    });
    m_openFailed = connect(m_context, &StudioContext::errorOccurred, this, [this] {
        disconnect(m_opened);
        disconnect(m_openFailed);
    });
    m_context->openModel(modelPath, inputs);
    return {};
}

Status RunReplayer::replayBench(const RunRecord& run, bool start)
{
    // Older and imported runs may leave the file out of their configuration: it is the variant's.
    QJsonObject json = run.config;
    if (!json.contains(QLatin1String("model_path")) && !run.variant.artifactPath.isEmpty())
        json.insert(QStringLiteral("model_path"), run.variant.artifactPath);
    auto config = RunConfig::fromJson(json);
    if (!config)
        return Error::badInput(tr("Run %1 has no benchmark configuration to re-run: %2").arg(run.id).arg(config.error().message));
    const bool fp32 = run.variant.scheme.startsWith(QLatin1String("fp32")) || config->variant.startsWith(QLatin1String("fp32"));
    // A quantized variant is measured with the FP32 model it was made from open (its inputs);
    // the store knows that model when `quantize` recorded the variant.
    QString modelPath = fp32 ? config->modelPath : run.model.path;
    const QString artifact = config->modelPath;
    if (!fp32 && !QFileInfo::exists(artifact))
        return Error::badInput(tr("The variant %1 is not there any more; quantize the model again.").arg(paths::pretty(artifact)));
    if (!fp32 && QFileInfo(modelPath) == QFileInfo(artifact))
        modelPath = m_context->hasModel() ? m_context->model().info.path : artifact;
    const RunConfig c = *config;
    const QString scheme = run.variant.scheme;
    return withModel(modelPath, c.inputs, [this, c, fp32, artifact, scheme, start, modelPath] {
        QStringList checked;
        if (fp32) {
            checked << (c.optimizeForInference || c.variant == QLatin1String("fp32-optimized") ? QStringLiteral("fp32-optimized")
                                                                                                 : QStringLiteral("fp32"));
        } else {
            m_benchmark->addVariantFile(artifact, scheme, scheme, true, modelPath);
            checked << artifact;
        }
        m_benchmark->checkVariants(checked);
        m_benchmark->setBatches(QString::number(c.batch));
        m_benchmark->setThreads(QString::number(c.threads));
        m_benchmark->setEngine(c.engine);
        m_benchmark->setMinimums(c.minIterations, c.minSeconds, c.warmupIterations);
        m_benchmark->setIsolated(c.mode == RunMode::Isolated);
        m_benchmark->setSamplerHz(c.samplerHz);
        Q_EMIT pageReady(m_benchmark);
        if (start)
            m_benchmark->start();
    });
}

Status RunReplayer::replayQuantize(const RunRecord& run, bool start)
{
    auto options = QuantizeOptions::fromJson(run.config);
    if (!options)
        return Error::badInput(tr("Run %1 has no quantization options to re-run: %2").arg(run.id).arg(options.error().message));
    const QuantizeOptions o = *options;
    if (o.calibration == QuantizeOptions::Calibration::File && !QFileInfo::exists(o.calibrationPath))
        return Error::badInput(tr("The calibration data %1 is not there any more.").arg(paths::pretty(o.calibrationPath)));
    return withModel(run.model.path, o.inputs, [this, o, start] {
        m_quantize->applyOptions(o);
        Q_EMIT pageReady(m_quantize);
        if (start)
            m_quantize->start();
    });
}

} // namespace qs::ui
