// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/model/torchmodel.h"
#include "core/quant/quantizeoptions.h"
#include "core/quant/variant.h"

#include <functional>

namespace qs {

/// \brief Callbacks of a quantization in progress. checkCancelled may throw JobCancelled, which
/// quantizeModel() lets through (so a Job's run() unwinds as cancelled).
struct QuantizeHooks
{
    std::function<void(int permille, const QString& message)> progress;
    std::function<void()> checkCancelled;
};

/// \brief A variant and its model in memory. The model is the artifact as loadModel() gives it
/// back (serialized and loaded again), so what is measured in memory is what is on disk.
struct QuantizedModel
{
    Variant variant;
    TorchModel model;
};

/// \brief Quantizes \a fp32 with \a options: validates, calibrates (static-int8), runs the
/// scheme, writes options.outPath (atomically; nothing is left behind on failure), measures
/// coverage and fidelity. The quantized engine options.engine is selected first. Calibration
/// data is opened with openCalibrationData().
Result<QuantizedModel> quantizeModel(const TorchModel& fp32, const QuantizeOptions& options, const QuantizeHooks& hooks = {});
/// \brief Same, with calibration data already opened (\a calibration null: none). Samples past
/// options.calibrationSamples measure fidelity.
Result<QuantizedModel> quantizeModel(const TorchModel& fp32, const QuantizeOptions& options, const Dataset& calibration,
                                     const QuantizeHooks& hooks = {});

/// \brief The calibration Dataset \a options name: Calibration::File opens calibrationPath with
/// Dataset::open (tensor file, image folder, IDX; calibrationData's options; no limit: samples past
/// calibrationSamples measure fidelity); Random makes calibrationSamples seeded inputs of
/// options.inputs. Calibration::None: a null Dataset. \a modelName is for messages.
Result<Dataset> openCalibrationData(const QuantizeOptions& options, const QString& modelName = {});

/// \brief The artifact name for a scheme: "<dir>/<model base name>.<scheme>.pt"; \a dir empty:
/// the model's folder.
QString defaultArtifactPath(const QString& modelPath, const QString& scheme, const QString& dir = {});

/// \brief Whether this LibTorch can run quantized::linear_dynamic_fp16 (it needs FBGEMM). When it
/// cannot, \a why (if given) says which op failed and why.
bool fp16KernelsAvailable(QString* why = nullptr);

} // namespace qs
