// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QStringList>

namespace qs::engine {

/// \brief The quantized engines this LibTorch build has, in our spelling: "onednn", "qnnpack".
QStringList available();
/// \brief The fastest available engine for this CPU: onednn on x86, qnnpack on ARM.
QString fastest();
/// \brief The engine LibTorch currently uses.
QString current();
/// \brief Sets LibTorch's quantized engine; an empty name selects fastest(). Must happen before a
/// quantized model is loaded (its packed weights are prepared for the engine at load time).
/// Refuses an engine this build lacks, listing the available ones.
Status select(const QString& name);
/// \brief Checks a user-given engine name without selecting it.
Status validate(const QString& name);

} // namespace qs::engine
