// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/model/torchmodel.h"

namespace qs {

/// \brief Options of loadModel().
struct LoadOptions
{
    QString engine; ///< quantized engine to select before loading; empty: the fastest available
    bool hashFile = true; ///< compute the file's sha256 (off when timing the load: it reads the whole file)
};

/// \brief Opens a TorchScript archive (.pt/.pth/.ts/.zip from torch.jit.save/script/trace).
///
/// Every other kind of file is refused with a message that says what the file is and how to
/// export a TorchScript model. The module is put in eval mode.
Result<TorchModel> loadModel(const QString& path, const LoadOptions& options = {});

/// \brief Same as loadModel() from bytes in memory (\a name is used in messages). For fuzzing and
/// for artifacts held in memory.
Result<TorchModel> loadModelFromBytes(const QByteArray& data, const QString& name, const LoadOptions& options = {});

} // namespace qs
