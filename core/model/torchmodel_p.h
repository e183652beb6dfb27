// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core .cpp files: includes LibTorch.
#pragma once

#include <torch/script.h>

#include "core/model/torchmodel.h"

namespace qs {

struct TorchModel::Impl
{
    torch::jit::Module module;
    QString path;
    qint64 fileBytes = 0;
    QString sha256;
    QString engine;
};

namespace detail {
/// Wraps a module built or rewritten in memory.
/// \a hashFile: compute the file's sha256 (reads the whole file).
TorchModel wrap(torch::jit::Module module, const QString& path = {}, const QString& engine = {}, bool hashFile = true);
inline torch::jit::Module& moduleOf(const TorchModel& m) { return m.d->module; }
} // namespace detail

} // namespace qs
