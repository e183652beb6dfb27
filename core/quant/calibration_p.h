// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: the inputs a quantization runs on -- calibration batches for static-int8 and
// the inputs fidelity is measured on -- from a Dataset (any source it reads) or seeded random data.
#pragma once

#include <torch/script.h>

#include "core/common/error.h"
#include "core/data/dataset.h"
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

/// Checks \a data against the model (input spec when known, then one forward on its first
/// sample) and cuts it into calibration and fidelity batches. \a data null: fidelity on seeded
/// random inputs from options.inputs, when known. \a calibrate: the scheme calibrates.
Result<QuantizeInputs> prepareQuantizeInputs(const torch::jit::Module& fp32, const QuantizeOptions& options,
    bool calibrate, const QString& modelName, const Dataset& data);

} // namespace qs::detail
