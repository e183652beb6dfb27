// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>

namespace qs {
/// \brief Quantscope's version, e.g. "0.1.0".
QString version();
/// \brief The LibTorch version this build runs on, e.g. "1.13.0".
QString libtorchVersion();
} // namespace qs
