// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace qs {

/// \brief What a file the user asked us to open really is, judged from its bytes.
struct FileSniff
{
    enum class Kind {
        Missing,
        Directory,
        Unreadable,
        Empty,
        TorchScript,   ///< zip archive with code/ (torch.jit.save)
        StateDict,     ///< zip archive from torch.save holding a dict of tensors
        PickledModule, ///< zip archive from torch.save holding a pickled nn.Module / Python object
        TensorData,    ///< torch.save'd dict/tuple of tensors with "inputs"-like keys: a dataset
        LegacyTorchSave, ///< torch.save with _use_new_zipfile_serialization=False
        Pickle,        ///< a plain Python pickle
        CorruptZip,    ///< starts like a zip but its directory is missing or broken
        OtherZip,      ///< a valid zip that is not from PyTorch
        Onnx,
        Hdf5,          ///< Keras .h5
        TfLite,
        Safetensors,
        Gguf,
        Unknown,
    };

    Kind kind = Kind::Unknown;
    QString path;
    qint64 bytes = 0;
    QString detail;         ///< e.g. the pickled class name, the OS error, what is broken in the zip
    QStringList entries;    ///< zip entry names, when the file is a zip
    int tensorCount = -1;     ///< torch.save files: number of tensor storages
    qint64 storageBytes = -1; ///< torch.save files: bytes of those storages

    bool isTorchScript() const { return kind == Kind::TorchScript; }
};

/// Examines \a path without loading anything into LibTorch.
FileSniff sniffFile(const QString& path);
/// Same for bytes already in memory (\a name is used in messages).
FileSniff sniffBytes(const QByteArray& data, const QString& name);

/// \brief The sentence a user reads when a file is not a TorchScript model: what it is and how to
/// export one. Empty for Kind::TorchScript.
QString explainNotTorchScript(const FileSniff& sniff);

/// Entry names of a zip archive (central directory only). Empty and \a error set when broken.
QStringList zipEntries(const QByteArray& data, QString* error);
/// The name of the first entry whose local header does not match the central directory (missing,
/// another compression method) or that is encrypted or patch data: LibTorch's reader (miniz)
/// fails on it and leaks its extraction state. Empty when every entry is fine.
QString zipLocalHeaderProblem(const QByteArray& data);
/// Contents of a stored (uncompressed) zip entry, as PyTorch writes them; null when absent.
QByteArray zipStoredEntry(const QByteArray& data, const QString& name);
/// The first entry whose declared size cannot be true (a stored entry whose two sizes differ, a
/// deflated one that would expand more than deflate can: LibTorch's reader allocates that size
/// before reading) or that is marked as a folder, named with why. Empty when every entry is fine.
QString zipSizeProblem(const QByteArray& data);
/// Contents of a stored or deflated entry of at most \a maxBytes; null when absent, larger or
/// damaged. \a crcOk, when given, says whether they match the directory's CRC-32.
QByteArray zipEntryContents(const QByteArray& data, const QString& name, qint64 maxBytes, bool* crcOk = nullptr);

} // namespace qs
