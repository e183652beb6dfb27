// SPDX-License-Identifier: GPL-3.0-or-later
#include "sensitivityjob.h"

#include "core/eval/variantprobe_p.h"

#include <QtCore/QElapsedTimer>

#include <algorithm>

namespace qs {

namespace {

void fillHeader(SensitivityResult& r, const detail::VariantProbe& probe)
{
    const TorchModel& fp32 = probe.setup().fp32;
    const Dataset& data = probe.setup().data;
    r.modelPath = fp32.path();
    r.modelName = fp32.name();
    r.scheme = probe.setup().options.quant.scheme;
    r.engine = probe.all().quantized.variant.engine;
    r.dataPath = data.info().path;
    r.dataSummary = data.info().summary();
    r.samples = data.size();
    r.calibrationSource = probe.calibrationSource();
    r.metric = probe.metric();
    r.fp32Accuracy = probe.reference().accuracy;
    r.allQuantized = probe.all().figures;
}

} // namespace

namespace detail {

Result<SensitivityResult> sensitivityOf(VariantProbe& p, int progressFrom, int progressTo)
{
    SensitivityResult r;
    fillHeader(r, p);
    const auto& layers = p.layers();
    QStringList names;
    for (const auto& l : layers)
        names << l.first;
    for (int i = 0; i < layers.size(); ++i) {
        p.checkCancelled();
        p.progress(progressFrom + (progressTo - progressFrom) * i / layers.size(),
                   QStringLiteral("Layer %1/%2: %3 alone with %4").arg(i + 1).arg(layers.size()).arg(layers[i].first, r.scheme));
        QStringList others = names;
        others.removeAt(i);
        auto t = p.trial(others);
        if (!t)
            return t.error();
        LayerSensitivity s;
        s.name = layers[i].first;
        s.type = layers[i].second;
        s.figures = t->figures;
        s.quantized = t->figures.quantizedLayers > 0;
        if (!s.quantized)
            s.note = QStringLiteral("%1 does not quantize it on its own").arg(r.scheme);
        s.score = p.score(t->figures);
        s.seconds = t->seconds;
        r.layers << s;
    }
    // Most sensitive first; equal scores (a top-1 drop of whole samples ties often) go to the
    // layer with the lower SQNR, then keep the model's order.
    std::stable_sort(r.layers.begin(), r.layers.end(), [](const LayerSensitivity& a, const LayerSensitivity& b) {
        if (a.score != b.score)
            return a.score > b.score;
        return a.figures.sqnrDb < b.figures.sqnrDb;
    });
    for (int i = 0; i < r.layers.size(); ++i)
        r.layers[i].rank = i + 1;
    if (r.metric == DiagnosisMetric::Top1 && r.layers.size() > 1) {
        double sum = 0;
        for (const LayerSensitivity& l : r.layers)
            sum += l.figures.top1DropPoints.value_or(0);
        r.notes << QStringLiteral("per-layer drops add up to %1 points; all layers together lose %2")
                       .arg(sum, 0, 'f', 2).arg(r.allQuantized.top1DropPoints.value_or(0), 0, 'f', 2);
    }
    return r;
}

} // namespace detail

Result<SensitivityResult> analyzeSensitivity(const TorchModel& fp32, const Dataset& data, const DiagnosisOptions& options,
                                             const EvalHooks& hooks)
{
    QElapsedTimer timer;
    timer.start();
    auto probe = detail::VariantProbe::prepare({fp32, data, options, hooks});
    if (!probe)
        return probe.error();
    auto r = detail::sensitivityOf(**probe, 100, 1000);
    if (r)
        r->seconds = double(timer.nsecsElapsed()) / 1e9;
    return r;
}

SensitivityJob::SensitivityJob(const TorchModel& fp32, const Dataset& data, const DiagnosisOptions& options, QObject* parent)
    : Job(QStringLiteral("Per-layer sensitivity of %1 to %2").arg(fp32.name(), options.quant.scheme), parent), m_model(fp32),
      m_data(data), m_options(options)
{
}

SensitivityResult SensitivityJob::result() const
{
    QMutexLocker lock(&m_mutex);
    return m_result;
}

Status SensitivityJob::run()
{
    EvalHooks hooks;
    hooks.progress = [this](int permille, const QString& message) { setProgress(permille, message); };
    hooks.checkCancelled = [this] { checkCancelled(); };
    auto r = analyzeSensitivity(m_model, m_data, m_options, hooks);
    if (!r)
        return r.error();
    {
        QMutexLocker lock(&m_mutex);
        m_result = *r;
    }
    Q_EMIT analyzed(*r);
    return {};
}

} // namespace qs
