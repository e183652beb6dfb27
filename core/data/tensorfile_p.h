// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core .cpp files: reading and writing the files PyTorch users make with torch.save.
#pragma once

#include <torch/script.h>

#include "core/common/error.h"

namespace qs::detail {

/// Writes \a value in torch.save's zip format (loadable by torch.load), atomically.
Status saveTorchFile(const QString& path, const c10::IValue& value);
/// Reads a torch.save file (dict/tuple/list of tensors) with LibTorch's unpickler.
Result<c10::IValue> loadTorchFile(const QString& path);

} // namespace qs::detail
