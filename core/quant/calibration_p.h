// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: the inputs a quantization runs on -- calibration batches for static-int8 and
// the inputs fidelity is measured on -- from a tensor file or seeded random data.
#pragma once

#include <torch/script.h>

#include "core/common/error.h"
#include "core/quant/quantizeoptions.h"

#include <vector>

namespace qs::detail {

using ForwardArgs = std::vector<c10::IValue>;

struct QuantizeInputs
{
    std::vector<ForwardArgs> calibration; ///< batches (static-int8 only)
    int calibrationSamples = 0;
    QString calibrationSource; ///< "calib.pt (200 of 1000 samples)"
    std::vector<ForwardArgs> fidelity; ///< batches to compare FP32 and the variant on
    int fidelitySamples = 0;
    QString fidelitySource; ///< "64 samples of calib.pt not used for calibration"
    QStringList warnings;
};

/// Loads and checks the inputs \a options asks for: a tensor file's "inputs" against the model's
/// input spec (dtype, shape) and against one forward of the model; or seeded random inputs from
/// the spec. \a calibrate: the scheme calibrates (static-int8).
Result<QuantizeInputs> prepareQuantizeInputs(
    const torch::jit::Module& fp32, const QuantizeOptions& options, bool calibrate, const QString& modelName);

} // namespace qs::detail
