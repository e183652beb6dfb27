// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/quant/variant.h"
#include "core/store/runrecord.h"

namespace qs {

/// \brief The "quantize" run the Store keeps for one scheme applied to a model: what is known
/// before the work starts (recorded as running, so that a killed process leaves an interrupted
/// run, not nothing)...
RunRecord quantizeRunRecord(const QuantizeOptions& options, const QString& modelPath, const QString& modelSha256);
/// ... and the finished Variant: artifact (with its sha256, so that benchmarks and evaluations of
/// the file join this variant), sizes, coverage, fidelity, timings.
RunRecord quantizeRunRecord(const Variant& variant);

/// Lower-case hex sha256 of a file, or "" when it cannot be read.
QString fileSha256(const QString& path);

} // namespace qs
