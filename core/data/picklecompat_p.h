// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: reading what Python's torch.save writes, where LibTorch 1.13's unpickler falls short.
#pragma once

#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>

#include <string>

namespace qs::detail {

/// Python's pickler writes a dict of one item as `key value SETITEM`, an opcode LibTorch 1.13's
/// unpickler does not know ("Unknown opcode for unpickling at 0x73"): torch.save({"inputs": X})
/// could not be read. This rewrites each SETITEM as `MARK key value SETITEMS`, which it knows
/// and which means the same. \a changed says whether there was any; a stream it cannot follow
/// (protocol 4 frames, unknown opcodes) comes back unchanged.
std::string rewriteSetItem(const std::string& pickle, bool* changed = nullptr);

/// Throws std::runtime_error when the pickle stores a memo entry at an index beyond its own size
/// or declares a string or bytes longer than itself (LibTorch 1.13's unpickler would allocate
/// memory for every index up to it, or the declared length).
void checkMemoIndices(const std::string& pickle);

/// The object of a torch.save zip archive (data.pkl + data/<storage>), like LibTorch's
/// readArchiveAndTensors("data", ...), with rewriteSetItem() applied to the pickle.
c10::IValue readTorchSaveArchive(caffe2::serialize::PyTorchStreamReader& reader);

} // namespace qs::detail
