// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QStringList>

namespace qs::torchwarnings {

/// \brief Routes LibTorch's warnings on the calling thread to our log, each distinct message
/// once. LibTorch keeps its warning handler per thread, so every thread that runs models calls
/// this (Job does it for its workers). Without it, QNNPACK's dynamic linear prints a warning on
/// every single call.
void installForThisThread();

/// Distinct warnings seen so far (most recent last, at most 50).
QStringList seen();

} // namespace qs::torchwarnings
