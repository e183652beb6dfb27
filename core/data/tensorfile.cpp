// SPDX-License-Identifier: GPL-3.0-or-later
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include "tensorfile_p.h"

#include "core/data/picklecompat_p.h"

#include "core/common/paths.h"
#include "core/common/torcherror_p.h"
#include "core/common/version.h"
#include "core/model/filesniffer.h"
#include "core/model/torchzip_p.h"

#include <QtCore/QFile>
#include <QtCore/QSaveFile>

namespace qs::detail {

Status saveTorchFile(const QString& path, const c10::IValue& value)
{
    std::vector<char> bytes;
    try {
        bytes = torch::jit::pickle_save(value);
    } catch (...) {
        const auto f = condenseCurrentException();
        return Error::io(QStringLiteral("Could not serialize tensors for %1: %2").arg(paths::pretty(path), f.summary), f.full);
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !out.commit())
        return Error::io(QStringLiteral("Cannot write %1: %2.").arg(paths::pretty(path), out.errorString()));
    return {};
}

namespace {

// Refuses the archives LibTorch's reader would fail on (and leak on: core/model/torchzip_p.h),
// worded for a tensor file. Empty: none of those problems.
QString torchZipProblem(const TorchZipProblem& p)
{
    using Kind = TorchZipProblem::Kind;
    switch (p.kind) {
    case Kind::None:
        return {};
    case Kind::DamagedZip:
        return QStringLiteral("is a damaged zip archive: %1").arg(p.detail);
    case Kind::NoFolder:
        return QStringLiteral("is not a torch.save archive: its first entry, '%1', is not in a folder as torch.save writes them").arg(p.detail);
    case Kind::DamagedEntry:
        return QStringLiteral("is a damaged zip archive: the entry %1 cannot be read (its local header does not match the zip directory)")
            .arg(p.detail);
    case Kind::DamagedRecord:
        return QStringLiteral("is a damaged torch.save archive: its record %1").arg(p.detail);
    case Kind::UnreadableVersion:
        return QStringLiteral("is a damaged zip archive: its version record (%1) cannot be read").arg(p.detail);
    case Kind::BadVersion:
    case Kind::NewerVersion:
        return QStringLiteral("cannot be read by this LibTorch: its format version record says '%1' (LibTorch %2 reads versions %3 to %4)")
            .arg(p.detail, libtorchVersion())
            .arg(minTorchFormatVersion())
            .arg(maxTorchFormatVersion());
    case Kind::NoVersion:
        return QStringLiteral("is not a torch.save archive: it has no version record (%1), which torch.save always writes").arg(p.detail);
    }
    return {};
}

} // namespace

Result<c10::IValue> loadTorchFile(const QString& path)
{
    const QString shown = paths::pretty(path);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::badInput(QStringLiteral("Cannot read %1: %2.").arg(shown, f.errorString()));
    const QByteArray head = f.read(16);
    if (head.isEmpty())
        return Error::badInput(QStringLiteral("%1 is empty (0 bytes). It was probably not written completely; save or copy it again.").arg(shown));
    // Python's torch.save(..., _use_new_zipfile_serialization=False) pickles a magic number first.
    static const QByteArray legacyMagic("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 14);
    if (head.startsWith(legacyMagic))
        return Error::badInput(QStringLiteral("%1 was saved in PyTorch's legacy format (_use_new_zipfile_serialization=False), which "
                                              "LibTorch cannot read. Load it in Python and save it again with torch.save(obj, path).")
                                   .arg(shown));
    if (!head.startsWith("PK\x03\x04"))
        return Error::badInput(QStringLiteral("%1 is not a torch.save file (no zip archive inside). Save tensors with "
                                              "torch.save({\"inputs\": X, \"labels\": y}, path).").arg(shown));
    // Our own look at the zip directory first: a file cut short gets a plain sentence instead of
    // LibTorch's "failed finding central directory", and a directory that points outside the
    // file never reaches LibTorch's reader (whose constructor leaks miniz's state when it throws).
    if (const QString zipError = torchZipProblem(checkTorchZipFile(path)); !zipError.isEmpty())
        return Error::badInput(QStringLiteral("%1 %2. Save or copy it again.").arg(shown, zipError));
    f.close();
    try {
        // Reading from the file (not from a copy in memory) keeps the peak at the tensors' size.
        caffe2::serialize::PyTorchStreamReader reader(path.toStdString());
        if (reader.hasRecord("constants.pkl") || reader.hasRecord("code/__torch__.py"))
            return Error::badInput(QStringLiteral("%1 is a TorchScript model, not data. Give the model as MODEL and the data with --data.")
                                       .arg(shown));
        return readTorchSaveArchive(reader); // torch.save({"inputs": X}) needs picklecompat
    } catch (...) {
        const auto fail = condenseCurrentException();
        return Error::badInput(QStringLiteral("%1 is not a tensor file that LibTorch can read (%2). It may be cut off or hold Python "
                                              "objects other than tensors, lists, tuples, dicts, numbers and strings; save tensors with "
                                              "torch.save({\"inputs\": X, \"labels\": y}, path).")
                                   .arg(shown, fail.summary),
                               fail.full);
    }
}

} // namespace qs::detail
