// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/cli/command.h"
#include "core/quant/quantizeoptions.h"

namespace qs::cli {

/// \brief The options of how a scheme is applied, as 'quantize' takes them: --engine, --calib
/// DATA|random and its --calib-* data options, --calib-batch, --observer, --per-channel,
/// --per-tensor, --block, --exclude, --input, --seed. --scheme and outputs are the command's.
void addSchemeOptions(QCommandLineParser& parser);

/// \brief Reads addSchemeOptions()' options into QuantizeOptions (scheme and outPath left empty);
/// \a modelPath finds the input sidecar. Usage errors name the bad value.
Result<QuantizeOptions> schemeOptionsFromArgs(Context& ctx, const QCommandLineParser& parser, const QString& modelPath);

} // namespace qs::cli
