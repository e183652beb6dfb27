// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
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

/// One entry of a zip archive's central directory.
struct ZipEntry
{
    QString name;
    quint16 method = 0;
    quint16 flags = 0; ///< general purpose bit flags
    qint64 compressedSize = 0;
    qint64 uncompressedSize = 0;
    qint64 localOffset = 0; ///< within the file, like the sizes (checked when read)
    quint32 crc = 0;
    quint32 externalAttributes = 0;
};

/// The central directory of the zip archive in \a data (zip64 included), laid out as PyTorch
/// writes it: the directory right before the end records, nothing after them. Empty and
/// \a error set when broken.
QVector<ZipEntry> zipDirectory(const QByteArray& data, QString* error);
/// Entry names of a zip archive (central directory only). Empty and \a error set when broken.
QStringList zipEntries(const QByteArray& data, QString* error);
/// Whether \a e's local header matches the central directory (present, same compression method)
/// and it is neither encrypted nor patch data: LibTorch's reader (miniz) fails on such an entry
/// and leaks its extraction state.
bool zipLocalHeaderMatches(const QByteArray& data, const ZipEntry& e);
/// Contents of a stored (uncompressed) zip entry, as PyTorch writes them; null when absent.
QByteArray zipStoredEntry(const QByteArray& data, const ZipEntry& e);
QByteArray zipStoredEntry(const QByteArray& data, const QString& name);
/// Why \a e's declared size cannot be true (a stored entry whose two sizes differ, a deflated one
/// that would expand more than deflate can: LibTorch's reader allocates that size before
/// reading) or that it is marked as a folder, with its name. Empty when it is fine.
QString zipSizeProblem(const ZipEntry& e);
/// Contents of a stored or deflated entry of at most \a maxBytes; null when larger or damaged.
/// \a crcOk, when given, says whether they match the directory's CRC-32.
QByteArray zipEntryContents(const QByteArray& data, const ZipEntry& e, qint64 maxBytes, bool* crcOk = nullptr);

} // namespace qs
