// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/script.h>

#include "variantprobe_p.h"

#include "core/common/paths.h"
#include "core/data/dataset_p.h"
#include "core/data/tensorfile_p.h"
#include "core/model/inspector.h"
#include "core/quant/schemecatalog.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>

#include <cmath>

namespace qs::detail {

namespace {

// The quantizer also measures its own fidelity on samples it did not calibrate on; a few are
// enough, the diagnosis measures on its own data.
constexpr qint64 kQuantizerFidelitySamples = 16;

/// Writes the first \a count samples of \a data as {"inputs": X} for the quantizer.
Status writeCalibration(const Dataset& data, qint64 count, const QString& path)
{
    auto b = batchOf(data, 0, count);
    if (!b)
        return b.error();
    if (b->inputs.size() != 1)
        return Error::badInput(QStringLiteral("Calibrating from %1 needs one input per sample; it has %2.")
                                   .arg(paths::pretty(data.info().path)).arg(b->inputs.size()));
    c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
    d.insert("inputs", b->inputs.front().contiguous());
    return saveTorchFile(path, d);
}

} // namespace

Result<std::unique_ptr<VariantProbe>> VariantProbe::prepare(const Setup& setup)
{
    std::unique_ptr<VariantProbe> p(new VariantProbe(setup));
    const DiagnosisOptions& o = setup.options;
    const auto scheme = findScheme(o.quant.scheme);
    if (!scheme)
        return Error::usage(QStringLiteral("'%1' is not a scheme. Schemes: %2.").arg(o.quant.scheme, schemeIds().join(QLatin1String(", "))));

    // Static schemes calibrate on a file the quantizer reads: the first samples of the
    // calibration data (any kind of data the user gave) written as a tensor file.
    if (scheme->needsCalibration) {
        const Dataset& calib = o.calibration ? *o.calibration : setup.data;
        p->m_tmp = std::make_unique<QTemporaryDir>();
        if (!p->m_tmp->isValid())
            return Error::io(QStringLiteral("Cannot create a temporary folder for the calibration samples: %1.").arg(p->m_tmp->errorString()));
        const QString file = p->m_tmp->filePath(QStringLiteral("calibration.pt"));
        const qint64 count = std::min<qint64>(calib.size(), o.quant.calibrationSamples + kQuantizerFidelitySamples);
        if (Status st = writeCalibration(calib, count, file); !st)
            return st.error();
        p->m_setup.options.quant.calibration = QuantizeOptions::Calibration::File;
        p->m_setup.options.quant.calibrationPath = file;
        p->m_calibrationSource = QStringLiteral("first %1 samples of %2")
                                     .arg(std::min<qint64>(calib.size(), o.quant.calibrationSamples))
                                     .arg(calib.info().kind == DatasetInfo::Kind::Random ? calib.info().path
                                                                                         : QFileInfo(calib.info().path).fileName());
    }
    p->progress(10, QStringLiteral("Running FP32 on %1 samples").arg(setup.data.size()));
    EvalHooks refHooks;
    refHooks.checkCancelled = setup.hooks.checkCancelled;
    auto ref = runReference(setup.fp32, setup.data, o.eval, refHooks);
    if (!ref)
        return ref.error();
    p->m_reference = std::move(*ref);

    switch (o.metric) {
    case DiagnosisMetric::Top1:
        if (!p->m_reference.accuracy)
            return Error::usage(QStringLiteral("Ranking by top-1 needs labels and a model that outputs class scores; %1 gives none. "
                                               "Use --metric sqnr (fidelity against FP32).").arg(paths::pretty(setup.data.info().path)));
        p->m_metric = DiagnosisMetric::Top1;
        break;
    case DiagnosisMetric::Sqnr:
        p->m_metric = DiagnosisMetric::Sqnr;
        break;
    case DiagnosisMetric::Auto:
        p->m_metric = p->m_reference.accuracy ? DiagnosisMetric::Top1 : DiagnosisMetric::Sqnr;
        break;
    }

    p->progress(60, QStringLiteral("Quantizing every layer with %1").arg(scheme->id));
    auto all = p->trial({});
    if (!all)
        return all.error();
    p->m_all = std::move(*all);
    const ModelInfo info = inspectModel(setup.fp32);
    for (const QString& name : p->m_all.quantized.variant.coverage.quantizedLayerNames) {
        QString type;
        for (const LayerInfo& l : info.layers) {
            if (l.name == name)
                type = l.type;
        }
        p->m_layers.append({name, type});
    }
    if (p->m_layers.isEmpty())
        return Error::badInput(QStringLiteral("%1 quantizes no layer of %2 (%3). Pick a scheme for its layer types.")
                                   .arg(scheme->id, setup.fp32.name(),
                                        p->m_all.quantized.variant.coverage.fp32Layers.isEmpty()
                                            ? QStringLiteral("it has no weights")
                                            : QStringLiteral("every layer stays in FP32")));
    p->progress(100, QString());
    return p;
}

Result<Trial> VariantProbe::trial(const QStringList& fp32Layers, const QString& outPath)
{
    QElapsedTimer timer;
    timer.start();
    QuantizeOptions q = m_setup.options.quant;
    q.excludes += fp32Layers;
    q.outPath = outPath;
    QuantizeHooks qh;
    qh.checkCancelled = m_setup.hooks.checkCancelled;
    auto quantized = quantizeModel(m_setup.fp32, q, qh);
    if (!quantized)
        return quantized.error();
    EvalHooks eh;
    eh.checkCancelled = m_setup.hooks.checkCancelled;
    auto eval = evaluateWith(quantized->model, m_setup.data, m_setup.options.eval, &m_reference, eh);
    if (!eval)
        return eval.error();
    Trial t;
    t.quantized = std::move(*quantized);
    t.eval = std::move(*eval);
    t.figures = TrialFigures::of(t.eval, t.quantized.variant);
    t.seconds = double(timer.nsecsElapsed()) / 1e9;
    return t;
}

double VariantProbe::score(const TrialFigures& f) const
{
    if (m_metric == DiagnosisMetric::Top1)
        return f.top1DropPoints.value_or(0.0);
    return -f.sqnrDb;
}

void VariantProbe::progress(int permille, const QString& message) const
{
    if (m_setup.hooks.progress)
        m_setup.hooks.progress(permille, message);
}

void VariantProbe::checkCancelled() const
{
    if (m_setup.hooks.checkCancelled)
        m_setup.hooks.checkCancelled();
}

} // namespace qs::detail
