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

// What PyTorchStreamReader's constructor checks after opening the zip: every name under one
// folder, and a version record it can read. When its constructor throws, miniz's reader state is
// never freed (LibTorch 1.13; found by fuzzing, tests/fuzz/regressions/tensorfile/), so files that
// would fail these checks are refused here. Empty: none of these problems.
QString torchZipProblem(const QByteArray& zip)
{
    QString error;
    const QStringList names = zipEntries(zip, &error);
    if (!error.isEmpty())
        return QStringLiteral("is a damaged zip archive: %1").arg(error);
    const int slash = names.first().indexOf(QLatin1Char('/'));
    if (slash <= 0)
        return QStringLiteral("is not a torch.save archive: its first entry, '%1', is not in a folder as torch.save writes them")
            .arg(names.first().left(60));
    if (const QString bad = zipLocalHeaderProblem(zip); !bad.isEmpty())
        return QStringLiteral("is a damaged zip archive: the entry %1 cannot be read (its local header does not match the zip directory)")
            .arg(bad.left(80));
    const QString archive = names.first().left(slash + 1);
    for (const QString& record : {archive + QLatin1String(".data/version"), archive + QLatin1String("version")}) {
        if (!names.contains(record))
            continue;
        // torch.save stores its entries uncompressed; one that cannot be read that way has a
        // damaged header (or was recompressed by another tool) and makes LibTorch's reader throw.
        const QByteArray text = zipStoredEntry(zip, record);
        if (text.isEmpty())
            return QStringLiteral("is a damaged zip archive: its version record (%1) cannot be read").arg(record);
        bool ok = false;
        const qulonglong version = text.trimmed().toULongLong(&ok);
        if (!ok || version < caffe2::serialize::kMinSupportedFileFormatVersion || version > caffe2::serialize::kMaxSupportedFileFormatVersion)
            return QStringLiteral("cannot be read by this LibTorch: its format version record says '%1' (LibTorch %2 reads versions %3 to %4)")
                .arg(QString::fromLatin1(text.left(20)).trimmed(), libtorchVersion())
                .arg(caffe2::serialize::kMinSupportedFileFormatVersion)
                .arg(caffe2::serialize::kMaxSupportedFileFormatVersion);
        return {};
    }
    return QStringLiteral("is not a torch.save archive: it has no version record (%1version), which torch.save always writes").arg(archive);
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
    {
        uchar* mapped = f.map(0, f.size());
        QString zipError;
        if (mapped) {
            zipError = torchZipProblem(QByteArray::fromRawData(reinterpret_cast<const char*>(mapped), qsizetype(f.size())));
            f.unmap(mapped);
        }
        if (!zipError.isEmpty())
            return Error::badInput(QStringLiteral("%1 %2. Save or copy it again.").arg(shown, zipError));
    }
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
