// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: the checks every zip archive passes before LibTorch's reader opens it.
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include "core/model/filesniffer.h"

namespace qs::detail {

/// \brief What LibTorch 1.13's PyTorchStreamReader would fail on when it opens a zip archive.
///
/// Its constructor checks that every entry is in one folder and that the version record can be
/// read and is in range; when it throws, miniz's reader state is never freed (found by fuzzing:
/// tests/fuzz/regressions/modelloader/ and tensorfile/). So models (torch.jit.save), tensor files
/// (torch.save) and the benchmark's model scan are checked with this first, and refused before
/// LibTorch sees them. Each caller words the message for its kind of file.
struct TorchZipProblem
{
    enum class Kind {
        None,
        DamagedZip,        ///< the zip directory cannot be read; detail: why
        NoFolder,          ///< the first entry is not in a folder; detail: its name
        DamagedEntry,      ///< an entry's local header does not match the directory; detail: its name
        DamagedRecord,     ///< a record whose sizes cannot be true, that is marked as a folder, fails its checksum (tensor storages are not checked) or holds a pickle LibTorch's unpickler would choke on; detail: record and why
        NoVersion,         ///< no version record; detail: the record expected ("archive/version")
        UnreadableVersion, ///< the version record is not stored as torch writes it; detail: the record
        BadVersion,        ///< the version record is not a number or older than LibTorch reads; detail: its text
        NewerVersion,      ///< written by a newer PyTorch; detail: its version number
    };
    Kind kind = Kind::None;
    QString detail;

    explicit operator bool() const { return kind != Kind::None; }
};

/// Checks the archive in \a zip.
TorchZipProblem checkTorchZip(const QByteArray& zip);
/// Same, with its central directory already read (zipDirectory(), not empty).
TorchZipProblem checkTorchZip(const QByteArray& zip, const QVector<ZipEntry>& entries);
/// Checks the file at \a path (mapped, not read). A file that cannot be opened is DamagedZip with
/// the reason.
TorchZipProblem checkTorchZipFile(const QString& path);

/// The file format versions this LibTorch reads.
qulonglong minTorchFormatVersion();
qulonglong maxTorchFormatVersion();

} // namespace qs::detail
