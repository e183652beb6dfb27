// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: turns LibTorch's exception texts into what a user needs to read.
#pragma once

#include <QtCore/QString>

#include <exception>
#include <string>

namespace qs::detail {

/// What a LibTorch exception says, condensed.
struct TorchFailure
{
    QString summary; ///< the error line itself, e.g. "mat1 and mat2 shapes cannot be multiplied (1x784 and 100x10)"
    QString layer;   ///< the module path the TorchScript traceback points into, e.g. "features.0", or empty
    QString code;    ///< the TorchScript source line that failed, or empty
    QString full;    ///< the whole text without C++ backtrace frames
};

/// Said in a failure's full text when a TorchScript error's source location could not be shown
/// because the archive's .debug_pkl record is damaged.
inline constexpr char kDamagedDebugInfo[] = "the model's debug information is damaged";

/// Condenses the text of a c10::Error / JIT exception.
TorchFailure condenseTorchError(const std::string& what);
/// Same, from the exception currently being handled (call inside catch).
TorchFailure condenseCurrentException();

/// "in layer 'x': summary" or "summary".
QString describe(const TorchFailure& f);

} // namespace qs::detail
