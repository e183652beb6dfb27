// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/version.h>

#include "version.h"

namespace qs {
QString version() { return QStringLiteral(QS_VERSION); }
QString libtorchVersion() { return QStringLiteral(TORCH_VERSION); }
} // namespace qs
