// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/script.h>

#include "quantizer.h"

#include "core/common/engine.h"
#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/common/version.h"
#include "core/jobs/job.h"
#include "core/model/inspector.h"
#include "core/model/modelloader.h"
#include "core/model/torchmodel_p.h"
#include "core/quant/calibration_p.h"
#include "core/quant/coverage_p.h"
#include "core/quant/fidelity_p.h"
#include "core/quant/graphquant_p.h"
#include "core/quant/layerpattern.h"
#include "core/quant/observers_p.h"
#include "core/quant/packedartifact_p.h"
#include "core/quant/schemecatalog.h"
#include "core/quant/weightonly_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>

#include <sstream>

namespace qs {

namespace {

using detail::WeightInventory;

QString fp16Limitation(const QString& why)
{
    return QStringLiteral(
        "This LibTorch build cannot run quantized::linear_dynamic_fp16: its weight prepacking "
        "(quantized::linear_prepack_fp16) needs the FBGEMM engine, which this build lacks (%1). Made an FP16 "
        "weight-storage variant instead: Linear weights are stored as FP16 (saturated as "
        "_saturate_weight_to_fp16 does) and turned back into FP32 when loaded. It shows the size and accuracy "
        "effect of FP16 weights, not a speed-up.")
        .arg(why);
}

Status checkOutputPath(const QString& out, const QString& modelPath)
{
    if (out.isEmpty())
        return {};
    const QFileInfo target(out);
    if (!modelPath.isEmpty() && target.absoluteFilePath() == QFileInfo(modelPath).absoluteFilePath())
        return Error::usage(
            QStringLiteral("The output %1 is the model itself; choose another --out path.").arg(paths::pretty(out)));
    if (target.isDir())
        return Error::io(
            QStringLiteral("The output %1 is a folder; give a file name (or use --out-dir).").arg(paths::pretty(out)));
    // Find the deepest existing ancestor: it must be a writable folder (we create the rest).
    QFileInfo dir(target.absolutePath());
    while (!dir.exists() && dir.absoluteFilePath() != dir.absolutePath())
        dir = QFileInfo(dir.absolutePath());
    if (!dir.isDir() || !dir.isWritable())
        return Error::io(QStringLiteral("Cannot write %1: %2 is not a writable folder. Choose another output path.")
                             .arg(paths::pretty(out), paths::pretty(dir.absoluteFilePath())));
    return {};
}

Status writeArtifact(const QString& out, const QByteArray& bytes)
{
    const QFileInfo target(out);
    if (!QDir().mkpath(target.absolutePath()))
        return Error::io(QStringLiteral("Cannot create the folder %1. Choose another output path.")
                             .arg(paths::pretty(target.absolutePath())));
    // QSaveFile writes a temporary file next to the target and renames it on commit: a failure
    // (disk full, cancel) never leaves a half-written artifact under the requested name.
    QSaveFile file(out);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return Error::io(QStringLiteral("Cannot write %1: %2. Choose another output path.")
                             .arg(paths::pretty(out), file.errorString()));
    return {};
}

qint64 serializedBytes(const torch::jit::Module& m)
{
    try {
        std::ostringstream os;
        m.save(os);
        return qint64(os.tellp());
    } catch (...) {
        return 0;
    }
}

// The options as the artifact records them: without its own path, so that the same model,
// scheme and options give the same bytes wherever the file is written.
QJsonObject artifactOptions(const QuantizeOptions& o)
{
    QJsonObject json = o.toJson();
    json.remove(QStringLiteral("out"));
    return json;
}

} // namespace

QString defaultArtifactPath(const QString& modelPath, const QString& scheme, const QString& dir)
{
    const QFileInfo model(modelPath);
    const QString folder = dir.isEmpty() ? model.absolutePath() : dir;
    return QDir(folder).filePath(QStringLiteral("%1.%2.pt").arg(model.completeBaseName(), scheme));
}

bool fp16KernelsAvailable(QString* why)
{
    try {
        const auto op = c10::Dispatcher::singleton().findSchemaOrThrow("quantized::linear_prepack_fp16", "");
        torch::jit::Stack stack { at::ones({ 2, 2 }), c10::IValue(at::zeros({ 2 })) };
        op.callBoxed(&stack);
        return true;
    } catch (...) {
        if (why) {
            const auto f = detail::condenseCurrentException();
            *why = QStringLiteral("engine %1: \"%2\"; engines: %3")
                       .arg(engine::current(), f.summary, engine::available().join(QLatin1String(", ")));
        }
        return false;
    }
}

Result<QuantizedModel> quantizeModel(const TorchModel& fp32, const QuantizeOptions& options, const QuantizeHooks& hooks)
{
    if (Status st = options.validate(); !st)
        return st.error();
    const QString modelName = fp32.path().isEmpty() ? fp32.name() : paths::pretty(fp32.path());
    auto data = openCalibrationData(options, modelName);
    if (!data)
        return data.error();
    return quantizeModel(fp32, options, *data, hooks);
}

Result<QuantizedModel> quantizeModel(const TorchModel& fp32, const QuantizeOptions& optionsIn, const Dataset& calibration,
                                     const QuantizeHooks& hooks)
{
    QuantizeOptions options = optionsIn;
    if (!calibration.isNull() && options.calibration == QuantizeOptions::Calibration::None)
        options.calibration = QuantizeOptions::Calibration::File; // the data is given, not named
    if (!calibration.isNull() && options.calibrationPath.isEmpty())
        options.calibrationPath = calibration.info().path;
    QElapsedTimer timer;
    timer.start();
    if (fp32.isNull())
        return Error(Error::Kind::Internal, QStringLiteral("No model to quantize."));
    if (Status st = options.validate(); !st)
        return st.error();
    const SchemeInfo scheme = *findScheme(options.scheme);
    if (Status st = engine::select(options.engine); !st)
        return st.error();
    const QString engineName = engine::current();
    const QString modelName = fp32.path().isEmpty() ? fp32.name() : paths::pretty(fp32.path());
    if (Status st = checkOutputPath(options.outPath, fp32.path()); !st)
        return st.error();
    auto progress = [&](int permille, const QString& message) {
        if (hooks.progress)
            hooks.progress(permille, message);
    };

    // Quantizing a quantized model again would stack errors; say so instead.
    const ModelInfo before = inspectModel(fp32);
    const torch::jit::Module& model = detail::moduleOf(fp32);
    if (model.hasattr(detail::kRestoredFlag))
        return Error::badInput(
            QStringLiteral("%1 is already a Quantscope weight-only variant (its weights were dequantized at load). "
                           "Quantize the FP32 original instead.")
                .arg(modelName));
    if (before.quantized)
        return Error::badInput(QStringLiteral("%1 is already quantized (%2). Quantize its FP32 original instead.")
                                   .arg(modelName, before.quantizedEvidence.join(QLatin1String(", "))));

    const WeightInventory inventory = detail::inventoryOf(model);
    auto excluded = detail::excludedModules(options.excludes, inventory, modelName);
    if (!excluded)
        return excluded.error();
    const detail::ExclusionMap exclusions = detail::exclusionsOf(inventory, options.excludes);

    progress(10, QStringLiteral("%1: loading inputs").arg(scheme.id));
    auto inputs = detail::prepareQuantizeInputs(model, options, scheme.needsCalibration, modelName, calibration);
    if (!inputs)
        return inputs.error();

    Variant v;
    v.scheme = scheme.id;
    v.options = options;
    v.engine = engineName;
    v.modelPath = fp32.path();
    v.modelSha256 = fp32.sha256();
    v.fileBytesBefore = fp32.fileBytes() > 0 ? fp32.fileBytes() : serializedBytes(model);
    v.paramBytesBefore = before.weightBytes();
    v.warnings = inputs->warnings;
    v.quantscopeVersion = version();
    v.libtorchVersion = libtorchVersion();

    QJsonObject meta { { QStringLiteral("format"), QStringLiteral("quantscope-variant") },
        { QStringLiteral("version"), 1 }, { QStringLiteral("scheme"), scheme.id },
        { QStringLiteral("engine"), engineName }, { QStringLiteral("options"), artifactOptions(options) } };
    torch::jit::Module artifact;
    QString fp16Why;
    const bool graphMode = scheme.kind == SchemeInfo::Kind::Dynamic || scheme.kind == SchemeInfo::Kind::Static
        || (scheme.kind == SchemeInfo::Kind::Fp16 && fp16KernelsAvailable(&fp16Why));
    if (graphMode) {
        const detail::GraphQuantConfig config = detail::graphQuantConfig(scheme, options, engineName, *excluded);
        auto out = detail::quantizeGraphMode(model, config, inputs->calibration, hooks, 50, 900);
        if (!out)
            return out.error();
        artifact = out->module;
        v.calibrationSeconds = out->calibrationSeconds;
        v.calibrationSamples = out->calibrationSamples;
        v.calibrationSource = inputs->calibrationSource;
        v.runtime = Variant::Runtime::QuantizedKernels;
        v.coverage = detail::graphModeCoverage(inventory, exclusions, scheme, out->observedWeights, out->quantizedOps);
        if (v.coverage.quantizedTensors > 0 && out->quantizedOps.isEmpty())
            v.warnings << QStringLiteral(
                "The passes marked %1 weights for quantization but produced no quantized ops; the variant "
                "runs in FP32.")
                              .arg(v.coverage.quantizedTensors);
        v.paramBytesAfter = inspectModel(detail::wrap(artifact)).weightBytes();
    } else {
        if (scheme.kind == SchemeInfo::Kind::Fp16)
            v.warnings << fp16Limitation(fp16Why);
        const std::vector<int> selected = detail::weightsToPack(inventory, exclusions, scheme);
        auto packed = detail::encodeWeights(inventory, selected, scheme, options, hooks, 50, 850);
        if (!packed)
            return packed.error();
        auto built = detail::buildPackedArtifact(model, *packed);
        if (!built)
            return built.error();
        artifact = *built;
        v.runtime = Variant::Runtime::DequantizedAtLoad;
        v.coverage = detail::weightOnlyCoverage(inventory, exclusions, scheme, selected);
        QJsonArray weights;
        for (const auto& p : *packed) {
            weights.append(QJsonObject { { QStringLiteral("path"),
                                             p.slots.front().first.isEmpty()
                                                 ? p.slots.front().second
                                                 : p.slots.front().first + QLatin1Char('.') + p.slots.front().second },
                { QStringLiteral("bits"), p.bits }, { QStringLiteral("numel"), qint64(p.numel) },
                { QStringLiteral("block"), qint64(p.block) }, { QStringLiteral("bytes"), qint64(p.data.nbytes()) } });
        }
        meta.insert(QStringLiteral("restore"), QLatin1String(detail::kRestoreMethod));
        meta.insert(QStringLiteral("weights"), weights);
        v.paramBytesAfter = inspectModel(detail::wrap(artifact)).weightBytes();
    }
    meta.insert(QStringLiteral("runtime"), Variant::runtimeName(v.runtime));
    meta.insert(QStringLiteral("coverage"), v.coverage.toJson());

    progress(900, QStringLiteral("%1: saving").arg(scheme.id));
    auto bytes = detail::serializeArtifact(artifact, meta);
    if (!bytes)
        return bytes.error();
    if (hooks.checkCancelled)
        hooks.checkCancelled(); // last chance before the file appears
    v.fileBytesAfter = bytes->size();
    if (!options.outPath.isEmpty()) {
        if (Status st = writeArtifact(options.outPath, *bytes); !st)
            return st.error();
        v.artifactPath = QFileInfo(options.outPath).absoluteFilePath();
    }
    v.seconds = timer.nsecsElapsed() / 1e9;
    v.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);

    // What is measured is what loadModel() gives back from the artifact.
    auto loaded = loadModelFromBytes(*bytes,
        v.artifactPath.isEmpty() ? QStringLiteral("%1 variant").arg(scheme.id) : v.artifactPath,
        LoadOptions { engineName });
    if (!loaded)
        return Error(Error::Kind::Internal,
            QStringLiteral("The %1 variant could not be loaded back: %2").arg(scheme.id, loaded.error().message),
            loaded.error().details);
    loaded->d->path = v.artifactPath;
    loaded->d->fileBytes = v.fileBytesAfter;

    progress(950, QStringLiteral("%1: measuring fidelity").arg(scheme.id));
    v.fidelity = detail::measureFidelity(
        model, detail::moduleOf(*loaded), inputs->fidelity, inputs->fidelitySamples, inputs->fidelitySource);
    if (v.coverage.quantizedLayers == 0)
        v.warnings << QStringLiteral(
            "Nothing in %1 could be quantized by %2 (%3); the variant computes like the FP32 model.")
                          .arg(modelName, scheme.id, detail::summarizeReasons(v.coverage));
    if (v.fidelity.collapsed)
        v.warnings
            << QStringLiteral("The output collapsed: %1. %2")
                   .arg(v.fidelity.note,
                       scheme.needsCalibration ? QStringLiteral(
                           "Calibrate on real, typical inputs, or keep the first and last layers in FP32 (--exclude).")
                                               : QStringLiteral(
                                                   "Keep sensitive layers in FP32 (--exclude) or use more bits."));
    qCInfo(lcQuant) << scheme.id << "done in" << v.seconds << "s:" << v.coverage.quantizedLayers << "/"
                    << v.coverage.totalLayers << "layers";
    progress(1000, QStringLiteral("%1: done").arg(scheme.id));
    return QuantizedModel { v, *loaded };
}

} // namespace qs
