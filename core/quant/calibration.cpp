// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/script.h>

#include "calibration_p.h"

#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/data/tensorfile_p.h"
#include "core/model/tensorutil_p.h"

#include <QtCore/QFileInfo>

namespace qs::detail {

namespace {

constexpr int kFidelitySamples = 64;

// The inputs tensor of a torch.save'd file: a tensor, {"inputs": X, ...}, or (X, y) / [X, y].
Result<at::Tensor> inputsTensor(const c10::IValue& v, const QString& file)
{
    if (v.isTensor())
        return v.toTensor();
    if (v.isGenericDict()) {
        for (const char* key : { "inputs", "input", "x", "data", "images" }) {
            for (const auto& kv : v.toGenericDict()) {
                if (kv.key().isString() && kv.key().toStringRef() == key && kv.value().isTensor())
                    return kv.value().toTensor();
            }
        }
        QStringList keys;
        for (const auto& kv : v.toGenericDict())
            keys << (kv.key().isString() ? QString::fromStdString(kv.key().toStringRef()) : QStringLiteral("?"));
        return Error::badInput(QStringLiteral("%1 holds a dict without an \"inputs\" tensor (keys: %2). Save it as "
                                              "torch.save({\"inputs\": X}, path).")
                                   .arg(paths::pretty(file), keys.join(QLatin1String(", "))));
    }
    if ((v.isTuple() || v.isList()) && !(v.isTuple() ? v.toTupleRef().elements().empty() : v.toListRef().empty())) {
        const c10::IValue first = v.isTuple() ? v.toTupleRef().elements()[0] : v.toListRef()[0];
        if (first.isTensor())
            return first.toTensor();
    }
    return Error::badInput(
        QStringLiteral("%1 holds a %2, not calibration inputs. Save them as torch.save({\"inputs\": X}, path) "
                       "with X of shape [samples, ...].")
            .arg(paths::pretty(file), QString::fromStdString(v.tagKind())));
}

QString shapeWithBatch(const TensorSpec& t)
{
    QStringList dims { QStringLiteral("N") };
    for (int i = 1; i < t.shape.size(); ++i)
        dims << QString::number(t.shape[i]);
    return dims.join(QLatin1Char('x'));
}

std::vector<ForwardArgs> splitBatches(const at::Tensor& x, int64_t from, int64_t to, int64_t batch)
{
    std::vector<ForwardArgs> out;
    for (int64_t i = from; i < to; i += batch)
        out.push_back({ x.slice(0, i, std::min(to, i + batch)).contiguous() });
    return out;
}

std::vector<ForwardArgs> randomBatches(const InputSpec& spec, int samples, int batch, quint64 seed, int* made)
{
    std::vector<ForwardArgs> out;
    *made = 0;
    for (int i = 0; *made < samples; ++i) {
        const int b = std::min(batch, samples - *made);
        out.push_back(makeInputs(spec.withBatch(b), seed + quint64(i)));
        *made += b;
    }
    return out;
}

Status checkFile(
    const torch::jit::Module& fp32, const at::Tensor& x, const QuantizeOptions& o, const QString& modelName)
{
    const QString file = paths::pretty(o.calibrationPath);
    const QString got = QStringLiteral("%1 %2").arg(scalarTypeName(x.scalar_type()), shapeString(x.sizes()));
    if (x.dim() == 0 || x.size(0) == 0)
        return Error::badInput(
            QStringLiteral("The inputs in %1 are %2: no samples. Save a tensor of shape [samples, ...].")
                .arg(file, got));
    if (!o.inputs.isEmpty()) {
        if (o.inputs.inputs.size() != 1)
            return Error::badInput(
                QStringLiteral("%1 takes %2 inputs, but a calibration file holds one. Use --calib random, or "
                               "a data source that gives every input.")
                    .arg(modelName)
                    .arg(o.inputs.inputs.size()));
        const TensorSpec& want = o.inputs.inputs.front();
        const QString origin = o.inputs.source == InputSpec::Source::Sidecar
            ? QStringLiteral(" (from %1)").arg(paths::pretty(o.inputs.origin))
            : QString();
        if (x.scalar_type() != toScalarType(want.dtype))
            return Error::badInput(
                QStringLiteral("The calibration inputs in %1 are %2, but %3 takes %4%5: expected dtype %6, got %7. "
                               "Convert them (e.g. X.to(torch.%6)) and save again.")
                    .arg(file, got, modelName, want.toString(), origin, dtypeName(want.dtype),
                        scalarTypeName(x.scalar_type())));
        bool sameDims = x.dim() == want.shape.size();
        for (int i = 1; sameDims && i < want.shape.size(); ++i)
            sameDims = x.size(i) == want.shape[i];
        if (!sameDims) {
            QStringList viewDims { QStringLiteral("-1") };
            for (int i = 1; i < want.shape.size(); ++i)
                viewDims << QString::number(want.shape[i]);
            return Error::badInput(
                QStringLiteral("The calibration inputs in %1 have shape %2, but %3 takes %4%5: expected %6 "
                               "(N samples), got %2. Reshape them (e.g. X.view(%7)) and save again.")
                    .arg(file, shapeString(x.sizes()), modelName, want.toString(), origin, shapeWithBatch(want),
                        viewDims.join(QStringLiteral(", "))));
        }
    }
    if (x.is_floating_point() && !at::isfinite(x).all().item<bool>())
        return Error::badInput(
            QStringLiteral("The calibration inputs in %1 contain NaN or Inf values; activation ranges cannot be "
                           "taken from them. Clean the data and save again.")
                .arg(file));
    // One forward on the first sample: the model's own words when the data does not fit.
    try {
        torch::NoGradGuard noGrad;
        torch::jit::Module model = fp32; // a handle: forward() is not const
        model.forward({ x.slice(0, 0, 1).contiguous() });
    } catch (...) {
        const TorchFailure f = condenseCurrentException();
        return Error::badInput(
            QStringLiteral("The calibration inputs in %1 (%2) do not fit %3: %4. Give samples shaped like the "
                           "model's input (--input shows what it takes).")
                .arg(file, got, modelName, describe(f)),
            f.full);
    }
    return {};
}

} // namespace

Result<QuantizeInputs> prepareQuantizeInputs(
    const torch::jit::Module& fp32, const QuantizeOptions& o, bool calibrate, const QString& modelName)
{
    QuantizeInputs in;
    const int batch = o.calibrationBatch;
    switch (o.calibration) {
    case QuantizeOptions::Calibration::File: {
        const QString file = QFileInfo(o.calibrationPath).fileName();
        if (!QFileInfo(o.calibrationPath).isFile())
            return Error::badInput(
                QStringLiteral("The calibration file %1 does not exist.").arg(paths::pretty(o.calibrationPath)));
        auto loaded = loadTorchFile(o.calibrationPath);
        if (!loaded)
            return loaded.error();
        auto x = inputsTensor(*loaded, o.calibrationPath);
        if (!x)
            return x.error();
        if (Status st = checkFile(fp32, *x, o, modelName); !st)
            return st.error();
        const int64_t total = x->size(0);
        const int64_t used = calibrate ? std::min<int64_t>(total, o.calibrationSamples) : 0;
        if (calibrate) {
            in.calibration = splitBatches(*x, 0, used, batch);
            in.calibrationSamples = int(used);
            in.calibrationSource = QStringLiteral("%1 (%2 of %3 samples)").arg(file).arg(used).arg(total);
            if (total < o.calibrationSamples)
                in.warnings << QStringLiteral(
                    "%1 has %2 samples, fewer than the %3 asked for; calibrated on all of them.")
                                   .arg(file)
                                   .arg(total)
                                   .arg(o.calibrationSamples);
        }
        if (total > used) {
            const int64_t end = std::min<int64_t>(total, used + kFidelitySamples);
            in.fidelity = splitBatches(*x, used, end, batch);
            in.fidelitySamples = int(end - used);
            in.fidelitySource = calibrate
                ? QStringLiteral("%1 samples of %2 not used for calibration").arg(end - used).arg(file)
                : QStringLiteral("%1 samples of %2").arg(end - used).arg(file);
        } else {
            const int64_t end = std::min<int64_t>(total, kFidelitySamples);
            in.fidelity = splitBatches(*x, 0, end, batch);
            in.fidelitySamples = int(end);
            in.fidelitySource = QStringLiteral("%1 samples of %2 (also used for calibration)").arg(end).arg(file);
        }
        return in;
    }
    case QuantizeOptions::Calibration::Random:
        if (o.inputs.isEmpty())
            return Error::usage(
                QStringLiteral("Random calibration needs the model's input shape: give --input SHAPE (e.g. "
                               "--input 1x3x224x224) or a sidecar %1.json.")
                    .arg(modelName));
        if (calibrate) {
            in.calibration = randomBatches(o.inputs, o.calibrationSamples, batch, o.seed, &in.calibrationSamples);
            in.calibrationSource = QStringLiteral("random %1 (seed %2)").arg(o.inputs.toString()).arg(o.seed);
            in.warnings << QStringLiteral(
                "Calibrated on seeded random inputs, not real data: activation ranges will not fit real "
                "inputs and static INT8 accuracy is usually poor. Give --calib FILE with ~200 typical inputs.");
        }
        break;
    case QuantizeOptions::Calibration::None:
        break;
    }
    if (o.inputs.isEmpty())
        return in; // fidelity cannot be measured without inputs
    in.fidelity = randomBatches(o.inputs, kFidelitySamples, batch, o.seed + 1000003, &in.fidelitySamples);
    in.fidelitySource = QStringLiteral("%1 seeded random inputs %2").arg(in.fidelitySamples).arg(o.inputs.toString());
    return in;
}

} // namespace qs::detail
