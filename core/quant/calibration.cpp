// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/script.h>

#include "calibration_p.h"

#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/data/dataset_p.h"
#include "core/model/tensorutil_p.h"
#include "core/quant/quantizer.h"

#include <QtCore/QFileInfo>

namespace qs::detail {

namespace {

constexpr int kFidelitySamples = 64;

QString dataName(const Dataset& data)
{
    return data.info().kind == DatasetInfo::Kind::Random ? QStringLiteral("random inputs")
                                                         : QFileInfo(data.info().path).fileName();
}

// Batches of samples [from, to) of \a data, checked for NaN/Inf when \a finite.
Result<std::vector<ForwardArgs>> batches(const Dataset& data, qint64 from, qint64 to, int batch, bool finite)
{
    std::vector<ForwardArgs> out;
    for (qint64 i = from; i < to; i += batch) {
        auto b = batchOf(data, i, std::min<qint64>(batch, to - i));
        if (!b)
            return b.error();
        ForwardArgs args;
        for (const at::Tensor& t : b->inputs) {
            if (finite && t.is_floating_point() && !at::isfinite(t).all().item<bool>())
                return Error::badInput(
                    QStringLiteral("The calibration data %1 holds NaN or Inf values (samples %2 to %3): activation "
                                   "ranges cannot be taken from them. Clean the data and save it again.")
                        .arg(paths::pretty(data.info().path))
                        .arg(i)
                        .arg(i + b->size() - 1));
            args.emplace_back(t);
        }
        out.push_back(std::move(args));
    }
    return out;
}

Status checkData(
    const torch::jit::Module& fp32, const Dataset& data, const QuantizeOptions& o, const QString& modelName)
{
    if (data.size() == 0)
        return Error::badInput(
            QStringLiteral("The calibration data %1 has no samples.").arg(paths::pretty(data.info().path)));
    if (!o.inputs.isEmpty()) {
        if (Status st = data.checkAgainst(o.inputs); !st)
            return Error::badInput(QStringLiteral("Calibration data: %1").arg(st.error().message));
    }
    // One forward on the first sample: the model's own words when the data does not fit.
    auto first = batches(data, 0, 1, 1, false);
    if (!first)
        return first.error();
    try {
        torch::NoGradGuard noGrad;
        torch::jit::Module model = fp32; // a handle: forward() is not const
        model.forward(first->front());
    } catch (...) {
        const TorchFailure f = condenseCurrentException();
        return Error::badInput(
            QStringLiteral("The calibration data %1 (%2) does not fit %3: %4. Give samples shaped like the model's "
                           "input (--input shows what it takes).")
                .arg(paths::pretty(data.info().path), data.info().inputSpec.toString(), modelName, describe(f)),
            f.full);
    }
    return {};
}

} // namespace

} // namespace qs::detail

namespace qs {

Result<Dataset> openCalibrationData(const QuantizeOptions& o, const QString& modelName)
{
    DatasetOptions d = o.calibrationData;
    d.limit = -1; // the samples after the calibration ones measure fidelity
    switch (o.calibration) {
    case QuantizeOptions::Calibration::File:
        return Dataset::open(o.calibrationPath, d, o.inputs);
    case QuantizeOptions::Calibration::Random:
        if (o.inputs.isEmpty())
            return Error::usage(
                QStringLiteral("Random calibration needs the model's input shape: give --input SHAPE (e.g. --input "
                               "1x3x224x224) or a sidecar next to %1.")
                    .arg(modelName));
        d.randomCount = o.calibrationSamples;
        return Dataset::random(o.inputs, d);
    case QuantizeOptions::Calibration::None:
        break;
    }
    return Dataset();
}

} // namespace qs

namespace qs::detail {

Result<QuantizeInputs> prepareQuantizeInputs(const torch::jit::Module& fp32, const QuantizeOptions& o, bool calibrate,
    const QString& modelName, const Dataset& data)
{
    QuantizeInputs in;
    const int batch = o.calibrationBatch;
    if (!data.isNull()) {
        if (Status st = checkData(fp32, data, o, modelName); !st)
            return st.error();
        const QString name = dataName(data);
        const bool random = data.info().kind == DatasetInfo::Kind::Random;
        const qint64 total = data.size();
        const qint64 used = calibrate ? std::min<qint64>(total, o.calibrationSamples) : 0;
        if (calibrate) {
            auto cal = batches(data, 0, used, batch, true);
            if (!cal)
                return cal.error();
            in.calibration = std::move(*cal);
            in.calibrationSamples = int(used);
            in.calibrationSource = random ? QStringLiteral("%1 seeded random inputs %2 (seed %3)")
                                                .arg(used)
                                                .arg(data.info().inputSpec.toString())
                                                .arg(o.seed)
                                          : QStringLiteral("%1 (%2 of %3 samples)").arg(name).arg(used).arg(total);
            if (random)
                in.warnings << QStringLiteral(
                    "Calibrated on seeded random inputs, not real data: activation ranges will not fit real "
                    "inputs and static INT8 accuracy is usually poor. Give --calib DATA with ~200 typical inputs.");
            else if (total < o.calibrationSamples)
                in.warnings << QStringLiteral(
                    "%1 has %2 samples, fewer than the %3 asked for; calibrated on all of them.")
                                   .arg(name)
                                   .arg(total)
                                   .arg(o.calibrationSamples);
        }
        if (!random) {
            const bool heldOut = total > used;
            const qint64 from = heldOut ? used : 0, to = std::min<qint64>(total, from + kFidelitySamples);
            auto fid = batches(data, from, to, batch, false);
            if (!fid)
                return fid.error();
            in.fidelity = std::move(*fid);
            in.fidelitySamples = int(to - from);
            in.fidelitySource = !calibrate ? QStringLiteral("%1 samples of %2").arg(to - from).arg(name)
                : heldOut ? QStringLiteral("%1 samples of %2 not used for calibration").arg(to - from).arg(name)
                          : QStringLiteral("%1 samples of %2 (also used for calibration)").arg(to - from).arg(name);
            return in;
        }
    }
    // No data (or random data): fidelity on other seeded random inputs, when the shape is known.
    const InputSpec spec = o.inputs.isEmpty() && !data.isNull() ? data.info().inputSpec : o.inputs;
    if (spec.isEmpty())
        return in;
    DatasetOptions d;
    d.seed = o.seed + 1000003;
    d.randomCount = kFidelitySamples;
    auto random = Dataset::random(spec, d);
    if (!random)
        return random.error();
    auto fid = batches(*random, 0, random->size(), batch, false);
    if (!fid)
        return fid.error();
    in.fidelity = std::move(*fid);
    in.fidelitySamples = int(random->size());
    in.fidelitySource = QStringLiteral("%1 seeded random inputs %2").arg(random->size()).arg(spec.toString());
    return in;
}

} // namespace qs::detail
