// SPDX-License-Identifier: GPL-3.0-or-later
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include "filesniffer.h"

#include "core/common/paths.h"
#include "core/data/picklecompat_p.h"
#include "core/model/torchzip_p.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSet>
#include <QtCore/QtEndian>

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace qs {

namespace {

constexpr quint32 kLocalHeader = 0x04034b50;
constexpr quint32 kCentralHeader = 0x02014b50;
constexpr quint32 kEndOfCentral = 0x06054b50;
constexpr quint32 kZip64Locator = 0x07064b50;
// torch.save files larger than this are not unpickled just to count their tensors.
constexpr qint64 kUnpickleLimit = 256 * 1024 * 1024;

quint16 u16(const QByteArray& d, qint64 at) { return qFromLittleEndian<quint16>(d.constData() + at); }
quint32 u32(const QByteArray& d, qint64 at) { return qFromLittleEndian<quint32>(d.constData() + at); }

} // namespace

QVector<ZipEntry> zipDirectory(const QByteArray& d, QString* error)
{
    QVector<ZipEntry> out;
    const qint64 n = d.size();
    if (n < 22) {
        *error = QStringLiteral("the file is too short to be a zip archive");
        return out;
    }
    qint64 eocd = -1;
    const qint64 stop = std::max<qint64>(0, n - 22 - 65535);
    for (qint64 i = n - 22; i >= stop; --i) {
        if (u32(d, i) == kEndOfCentral) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) {
        *error = QStringLiteral("the end of the zip archive is missing (the file is truncated or was not fully copied)");
        return out;
    }
    // Nothing may follow the end record but its comment: LibTorch's reader of archives in memory
    // (pickle_load) read past the end of its buffer on an archive with bytes after it (found by
    // fuzzing), and torch.save never writes any.
    if (const qint64 after = n - (eocd + 22 + u16(d, eocd + 20)); after != 0) {
        *error = after > 0 ? QStringLiteral("%1 bytes follow the end of the zip archive (the file was altered after it was written)").arg(after)
                           : QStringLiteral("the end of the zip archive is cut off (the file is truncated)");
        return out;
    }
    qint64 count = u16(d, eocd + 10);
    qint64 cdSize = u32(d, eocd + 12);
    qint64 cdOffset = u32(d, eocd + 16);
    // Where the directory must end: at the end record, or at the zip64 end record when there is
    // one. LibTorch's reader (miniz) takes the zip64 record whenever its locator is there, and
    // takes bytes between the directory and the end record for data prepended to the archive,
    // moving every offset: an archive laid out otherwise is read differently by us and by it
    // (found by fuzzing), so it is refused. PyTorch never writes one.
    qint64 directoryEnd = eocd;
    if (eocd >= 20 && u32(d, eocd - 20) == kZip64Locator) {
        const qint64 z64 = qint64(qFromLittleEndian<quint64>(d.constData() + eocd - 20 + 8));
        if (z64 < 0 || z64 > eocd - 20 - 56 || u32(d, z64) != 0x06064b50) {
            *error = QStringLiteral("the zip64 end record is missing or damaged (the file is truncated or corrupt)");
            return out;
        }
        const qint64 count64 = qint64(qFromLittleEndian<quint64>(d.constData() + z64 + 32));
        const qint64 size64 = qint64(qFromLittleEndian<quint64>(d.constData() + z64 + 40));
        const qint64 offset64 = qint64(qFromLittleEndian<quint64>(d.constData() + z64 + 48));
        if ((count != 0xffff && count != count64) || (cdSize != 0xffffffff && cdSize != size64)
            || (cdOffset != 0xffffffff && cdOffset != offset64)) {
            *error = QStringLiteral("the zip end record and zip64 end record disagree (the file is corrupt)");
            return out;
        }
        count = count64;
        cdSize = size64;
        cdOffset = offset64;
        directoryEnd = z64;
    }
    // Compared without adding: zip64 offsets and sizes are any 64-bit value.
    if (cdOffset < 0 || cdSize < 0 || cdOffset > n || cdSize > n - cdOffset || count < 0 || count > 1000000) {
        *error = QStringLiteral("the zip directory points outside the file (the file is truncated or corrupt)");
        return out;
    }
    if (cdOffset + cdSize != directoryEnd) {
        *error = QStringLiteral("the zip directory does not end where the archive's end record starts (%1 bytes apart; the file "
                                "was altered after it was written)")
                     .arg(directoryEnd - cdOffset - cdSize);
        return out;
    }
    qint64 p = cdOffset;
    for (qint64 i = 0; i < count; ++i) {
        if (p + 46 > n || u32(d, p) != kCentralHeader) {
            *error = QStringLiteral("zip directory entry %1 of %2 is damaged").arg(i + 1).arg(count);
            out.clear();
            return out;
        }
        ZipEntry e;
        e.flags = u16(d, p + 8);
        e.method = u16(d, p + 10);
        e.compressedSize = u32(d, p + 20);
        e.uncompressedSize = u32(d, p + 24);
        e.crc = u32(d, p + 16);
        e.externalAttributes = u32(d, p + 38);
        const int nameLen = u16(d, p + 28);
        const int extraLen = u16(d, p + 30);
        const int commentLen = u16(d, p + 32);
        e.localOffset = u32(d, p + 42);
        if (p + 46 + nameLen + extraLen + commentLen > n) {
            *error = QStringLiteral("zip directory entry %1 of %2 is cut off").arg(i + 1).arg(count);
            out.clear();
            return out;
        }
        e.name = QString::fromUtf8(d.constData() + p + 46, nameLen);
        // zip64 extra field: sizes and offset that did not fit in 32 bits.
        qint64 x = p + 46 + nameLen;
        const qint64 xEnd = x + extraLen;
        while (x + 4 <= xEnd) {
            const quint16 id = u16(d, x);
            const quint16 len = u16(d, x + 2);
            if (id == 0x0001) {
                qint64 q = x + 4;
                auto next = [&](qint64& field) {
                    if (field == 0xffffffff && q + 8 <= x + 4 + len) {
                        field = qint64(qFromLittleEndian<quint64>(d.constData() + q));
                        q += 8;
                    }
                };
                next(e.uncompressedSize);
                next(e.compressedSize);
                next(e.localOffset);
            }
            x += 4 + len;
        }
        // zip64 fields are any 64-bit value; past this check every offset and size is within
        // the file, so the readers below can add them without overflowing.
        if (e.localOffset < 0 || e.localOffset > n || e.compressedSize < 0 || e.compressedSize > n || e.uncompressedSize < 0) {
            *error = QStringLiteral("zip directory entry %1 of %2 points outside the file (the file is truncated or corrupt)").arg(i + 1).arg(count);
            out.clear();
            return out;
        }
        out << e;
        p += 46 + nameLen + extraLen + commentLen;
    }
    if (out.isEmpty())
        *error = QStringLiteral("the zip archive is empty");
    return out;
}

namespace {

// Scans protocol-2 pickle bytes for GLOBAL opcodes ('c' module '\n' name '\n').
QStringList pickleGlobals(const QByteArray& pkl)
{
    QStringList globals;
    for (qint64 i = 0; i + 4 < pkl.size(); ++i) {
        if (pkl[i] != 'c')
            continue;
        const qint64 nl1 = pkl.indexOf('\n', i + 1);
        if (nl1 < 0 || nl1 - i > 200)
            continue;
        const qint64 nl2 = pkl.indexOf('\n', nl1 + 1);
        if (nl2 < 0 || nl2 - nl1 > 200)
            continue;
        const QByteArray mod = pkl.mid(i + 1, nl1 - i - 1);
        const QByteArray name = pkl.mid(nl1 + 1, nl2 - nl1 - 1);
        auto ident = [](const QByteArray& s) {
            if (s.isEmpty())
                return false;
            for (char c : s) {
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'))
                    return false;
            }
            return true;
        };
        if (ident(mod) && ident(name)) {
            globals << QString::fromLatin1(mod + '.' + name);
            i = nl2; // the letters of the names are not opcodes
        }
    }
    globals.removeDuplicates();
    return globals;
}

bool isTorchInternalGlobal(const QString& g)
{
    static const char* prefixes[] = {"collections.", "torch._utils.", "torch.", "builtins.", "_codecs.", "numpy.", "copyreg."};
    for (const char* p : prefixes) {
        if (g.startsWith(QLatin1String(p)) && !g.startsWith(QLatin1String("torch.nn.")) && !g.startsWith(QLatin1String("torch.ao.")))
            return true;
    }
    return false;
}

void classifyTorchSave(FileSniff& s, const QByteArray& data, const QString& pklName, const QVector<ZipEntry>& entries)
{
    // Every tensor storage is one "archive/data/N" record.
    s.tensorCount = 0;
    s.storageBytes = 0;
    for (const ZipEntry& e : entries) {
        if (e.name.section(QLatin1Char('/'), 1, 1) == QLatin1String("data") && !e.name.endsWith(QLatin1String(".pkl"))) {
            ++s.tensorCount;
            s.storageBytes += e.compressedSize;
        }
    }
    const auto pklEntry = std::find_if(entries.cbegin(), entries.cend(), [&pklName](const ZipEntry& e) { return e.name == pklName; });
    const QByteArray pkl = zipStoredEntry(data, *pklEntry);
    const QStringList globals = pickleGlobals(pkl);
    QStringList foreign;
    for (const QString& g : globals) {
        if (!isTorchInternalGlobal(g))
            foreign << g;
    }
    if (!foreign.isEmpty()) {
        s.kind = FileSniff::Kind::PickledModule;
        s.detail = foreign.first();
        return;
    }
    // Only tensors and containers: ask LibTorch's unpickler what the structure is.
    s.kind = FileSniff::Kind::StateDict;
    if (data.size() > kUnpickleLimit)
        return;
    // pickle_load() opens the bytes with PyTorchStreamReader, whose constructor leaks miniz's
    // state when it throws, and its unpickler trusts the pickle: the same checks as every load
    // first, data.pkl walked among the others (core/model/torchzip_p.h; found by fuzzing,
    // tests/fuzz/regressions/modelloader/).
    if (detail::checkTorchZip(data, entries))
        return;
    try {
        const std::vector<char> bytes(data.constData(), data.constData() + data.size());
        const c10::IValue v = torch::jit::pickle_load(bytes);
        if (v.isGenericDict()) {
            bool dataKeys = false;
            for (const auto& kv : v.toGenericDict()) {
                if (kv.key().isString()) {
                    const std::string k = kv.key().toStringRef();
                    if (k == "inputs" || k == "labels" || k == "targets" || k == "x" || k == "y")
                        dataKeys = true;
                }
            }
            if (dataKeys)
                s.kind = FileSniff::Kind::TensorData;
        } else if (v.isTuple() || v.isList() || v.isTensor()) {
            s.kind = FileSniff::Kind::TensorData;
        }
    } catch (...) {
        // Unusual contents: still torch.save output without Python classes; keep StateDict.
    }
}

QString humanBytes(qint64 b)
{
    if (b >= 1000000)
        return QStringLiteral("%1 MB").arg(double(b) / 1e6, 0, 'f', 1);
    if (b >= 1000)
        return QStringLiteral("%1 kB").arg(double(b) / 1e3, 0, 'f', 1);
    return QStringLiteral("%1 bytes").arg(b);
}

} // namespace

QStringList zipEntries(const QByteArray& data, QString* error)
{
    QString err;
    QStringList names;
    for (const ZipEntry& e : zipDirectory(data, &err))
        names << e.name;
    if (error)
        *error = err;
    return names;
}

namespace {

// Whether \a e's local header is where the directory says and its data is neither encrypted nor
// patch data (flags 0x1, 0x20, 0x40): miniz, and so LibTorch's reader, refuses such an entry
// ("unsupported feature"), and its constructor leaks when that is the version record (found by
// fuzzing, tests/fuzz/regressions/modelloader/).
bool localHeaderReadable(const QByteArray& data, const ZipEntry& e)
{
    return e.localOffset + 30 <= data.size() && u32(data, e.localOffset) == kLocalHeader && (e.flags & 0x61) == 0;
}

// Where \a e's data starts, or -1 when its local header cannot be read or the data is not all in
// the file.
qint64 dataStart(const QByteArray& data, const ZipEntry& e)
{
    if (!localHeaderReadable(data, e))
        return -1;
    const qint64 start = e.localOffset + 30 + u16(data, e.localOffset + 26) + u16(data, e.localOffset + 28);
    return start + e.compressedSize <= data.size() ? start : -1;
}

} // namespace

bool zipLocalHeaderMatches(const QByteArray& data, const ZipEntry& e)
{
    return localHeaderReadable(data, e) && u16(data, e.localOffset + 8) == e.method;
}

QByteArray zipStoredEntry(const QByteArray& data, const ZipEntry& e)
{
    const qint64 start = e.method == 0 ? dataStart(data, e) : -1;
    return start < 0 ? QByteArray() : data.mid(start, e.compressedSize);
}

QByteArray zipStoredEntry(const QByteArray& data, const QString& name)
{
    QString err;
    for (const ZipEntry& e : zipDirectory(data, &err)) {
        if (e.name == name)
            return zipStoredEntry(data, e);
    }
    return {};
}

QString zipSizeProblem(const ZipEntry& e)
{
    // LibTorch allocates a record's declared size before reading it: a stored record is as long
    // as its data, and deflate expands at most 1032 times.
    const bool bad = e.method == 0 ? e.uncompressedSize != e.compressedSize
                                   : e.method == 8 && e.uncompressedSize > e.compressedSize * 1032 + 1024;
    if (bad)
        return QStringLiteral("%1 (it declares %2 bytes from %3)").arg(e.name.left(80)).arg(e.uncompressedSize).arg(e.compressedSize);
    // An entry marked as a folder (MS-DOS attribute 0x10) is "extracted" by miniz without reading
    // anything: a version record marked so read as garbage and LibTorch's reader threw and leaked
    // (found by fuzzing). PyTorch writes no folders.
    if ((e.externalAttributes & 0x10) != 0 || e.name.endsWith(QLatin1Char('/')))
        return QStringLiteral("%1 (it is marked as a folder)").arg(e.name.left(80));
    return {};
}

QByteArray zipEntryContents(const QByteArray& data, const ZipEntry& e, qint64 maxBytes, bool* crcOk)
{
    QByteArray out;
    if (e.method == 0) {
        if (e.compressedSize <= maxBytes)
            out = zipStoredEntry(data, e);
    } else if (const qint64 start = dataStart(data, e); e.method == 8 && e.uncompressedSize <= maxBytes && start >= 0) {
        QByteArray inflated(qsizetype(e.uncompressedSize), Qt::Uninitialized);
        z_stream zs{};
        if (inflateInit2(&zs, -15) == Z_OK) {
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData() + start));
            zs.avail_in = uInt(e.compressedSize);
            zs.next_out = reinterpret_cast<Bytef*>(inflated.data());
            zs.avail_out = uInt(inflated.size());
            const int rc = inflate(&zs, Z_FINISH);
            const qint64 produced = qint64(zs.total_out);
            inflateEnd(&zs);
            if (rc == Z_STREAM_END && produced == e.uncompressedSize)
                out = inflated;
        }
    }
    if (crcOk)
        *crcOk = !out.isNull()
            && quint32(crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(out.constData()), uInt(out.size()))) == e.crc;
    return out;
}

FileSniff sniffBytes(const QByteArray& data, const QString& name)
{
    FileSniff s;
    s.path = name;
    s.bytes = data.size();
    if (data.isEmpty()) {
        s.kind = FileSniff::Kind::Empty;
        return s;
    }
    const auto startsWith = [&data](const char* magic, int len, int at = 0) {
        return data.size() >= at + len && std::memcmp(data.constData() + at, magic, size_t(len)) == 0;
    };

    if (startsWith("PK\x03\x04", 4) || startsWith("PK\x05\x06", 4)) {
        QString err;
        const QVector<ZipEntry> entries = zipDirectory(data, &err);
        if (entries.isEmpty()) {
            s.kind = FileSniff::Kind::CorruptZip;
            s.detail = err;
            return s;
        }
        QString dataPkl;
        bool hasCode = false;
        bool hasConstants = false;
        for (const ZipEntry& e : entries) {
            s.entries << e.name;
            const QString base = e.name.section(QLatin1Char('/'), 1);
            if (base.startsWith(QLatin1String("code/")))
                hasCode = true;
            if (base == QLatin1String("constants.pkl"))
                hasConstants = true;
            if (base == QLatin1String("data.pkl"))
                dataPkl = e.name;
        }
        if (hasCode || hasConstants)
            s.kind = FileSniff::Kind::TorchScript;
        else if (!dataPkl.isEmpty())
            classifyTorchSave(s, data, dataPkl, entries);
        else
            s.kind = FileSniff::Kind::OtherZip;
        return s;
    }
    // Legacy torch.save: a protocol-2 pickle of the magic number 0x1950a86a20f9469cfc6c.
    if (startsWith("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 14)) {
        s.kind = FileSniff::Kind::LegacyTorchSave;
        return s;
    }
    if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x80 && data[1] >= 2 && data[1] <= 5) {
        s.kind = FileSniff::Kind::Pickle;
        const QStringList g = pickleGlobals(data.left(4096));
        if (!g.isEmpty())
            s.detail = g.first();
        return s;
    }
    if (startsWith("\x89HDF\r\n\x1a\n", 8)) {
        s.kind = FileSniff::Kind::Hdf5;
        return s;
    }
    if (startsWith("TFL3", 4, 4)) {
        s.kind = FileSniff::Kind::TfLite;
        return s;
    }
    if (startsWith("GGUF", 4)) {
        s.kind = FileSniff::Kind::Gguf;
        return s;
    }
    if (data.size() > 9) {
        const quint64 headerLen = qFromLittleEndian<quint64>(data.constData());
        if (headerLen > 1 && headerLen < quint64(data.size()) && data[8] == '{') {
            s.kind = FileSniff::Kind::Safetensors;
            return s;
        }
    }
    // ONNX ModelProto: field 1 (ir_version, varint) followed by one of its string/message fields.
    if (data.size() > 3 && data[0] == 0x08 && data[1] >= 1 && data[1] <= 15) {
        static const QSet<char> next{0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42};
        if (next.contains(data[2])) {
            s.kind = FileSniff::Kind::Onnx;
            return s;
        }
    }
    if (name.endsWith(QLatin1String(".onnx"), Qt::CaseInsensitive)) {
        s.kind = FileSniff::Kind::Onnx;
        return s;
    }
    s.kind = FileSniff::Kind::Unknown;
    return s;
}

FileSniff sniffFile(const QString& path)
{
    FileSniff s;
    s.path = path;
    const QFileInfo fi(path);
    if (!fi.exists()) {
        s.kind = FileSniff::Kind::Missing;
        if (fi.isSymLink())
            s.detail = QStringLiteral("it is a link to %1, which does not exist").arg(fi.symLinkTarget());
        return s;
    }
    if (fi.isDir()) {
        s.kind = FileSniff::Kind::Directory;
        return s;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        s.kind = FileSniff::Kind::Unreadable;
        s.detail = f.errorString();
        return s;
    }
    // Mapped, not read: models can be gigabytes and only the head and the zip directory are needed.
    const qint64 size = f.size();
    uchar* mapped = size > 0 ? f.map(0, size) : nullptr;
    QByteArray data;
    if (mapped)
        data = QByteArray::fromRawData(reinterpret_cast<const char*>(mapped), size);
    else if (size > 0)
        data = f.readAll();
    if (f.error() != QFileDevice::NoError && !mapped) {
        s.kind = FileSniff::Kind::Unreadable;
        s.detail = f.errorString();
        return s;
    }
    FileSniff r = sniffBytes(data, path);
    r.bytes = f.size();
    return r;
}

QString explainNotTorchScript(const FileSniff& s)
{
    const QString file = paths::pretty(s.path);
    const QString howToExport = QStringLiteral(
        "Export a TorchScript model from Python with torch.jit.script(model).save(\"model.pt\") "
        "(or torch.jit.trace(model, example_input).save(\"model.pt\")) and open that file.");
    switch (s.kind) {
    case FileSniff::Kind::TorchScript:
        return {};
    case FileSniff::Kind::Missing:
        return s.detail.isEmpty() ? QStringLiteral("%1 does not exist. Check the path.").arg(file)
                                  : QStringLiteral("%1 does not exist: %2.").arg(file, s.detail);
    case FileSniff::Kind::Directory:
        return QStringLiteral("%1 is a folder, not a model file. Choose the .pt file inside it.").arg(file);
    case FileSniff::Kind::Unreadable:
        return QStringLiteral("%1 cannot be read: %2. Check its permissions.").arg(file, s.detail);
    case FileSniff::Kind::Empty:
        return QStringLiteral("%1 is empty (0 bytes). It was probably not written completely; save or copy it again.").arg(file);
    case FileSniff::Kind::StateDict:
        return QStringLiteral("%1 is a PyTorch state_dict%2 saved with torch.save: it holds weights but not the model's "
                              "code, so it is not a TorchScript model. In Python, build the model, load the weights with "
                              "model.load_state_dict(torch.load(\"%3\")), then save it with "
                              "torch.jit.script(model).save(\"model.pt\") and open that file.")
            .arg(file,
                 s.tensorCount >= 0 ? QStringLiteral(" (%1 tensors, %2)").arg(s.tensorCount).arg(humanBytes(s.storageBytes)) : QString(),
                 QFileInfo(s.path).fileName());
    case FileSniff::Kind::PickledModule:
        return QStringLiteral("%1 is a Python object (%2) pickled with torch.save, not a TorchScript model: loading it "
                              "needs its Python class. %3").arg(file, s.detail, howToExport);
    case FileSniff::Kind::TensorData:
        return QStringLiteral("%1 holds tensors saved with torch.save (a dataset, %2 tensors), not a model. "
                              "Use it as calibration or evaluation data; open a TorchScript model as the model.")
            .arg(file).arg(s.tensorCount);
    case FileSniff::Kind::LegacyTorchSave:
        return QStringLiteral("%1 was written by torch.save in the legacy (pre-1.6) format: it is pickled Python data, "
                              "not a TorchScript model. %2").arg(file, howToExport);
    case FileSniff::Kind::Pickle:
        return QStringLiteral("%1 is a Python pickle%2, not a TorchScript model. %3")
            .arg(file, s.detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(s.detail), howToExport);
    case FileSniff::Kind::CorruptZip:
        return QStringLiteral("%1 is a damaged zip archive: %2. Copy or export the model again.").arg(file, s.detail);
    case FileSniff::Kind::OtherZip:
        return QStringLiteral("%1 is a zip archive but not one written by PyTorch (it has no data.pkl or code/). "
                              "Open the TorchScript .pt file itself, not an archive that contains it.").arg(file);
    case FileSniff::Kind::Onnx:
        return QStringLiteral("%1 is an ONNX model. ONNX is not supported: Quantscope measures PyTorch's own INT8 "
                              "kernels and needs TorchScript. %2").arg(file, howToExport);
    case FileSniff::Kind::Hdf5:
        return QStringLiteral("%1 is an HDF5 file (Keras/TensorFlow), not a PyTorch model. Quantscope opens TorchScript "
                              "models exported with torch.jit.save.").arg(file);
    case FileSniff::Kind::TfLite:
        return QStringLiteral("%1 is a TensorFlow Lite model, not a PyTorch model. Quantscope opens TorchScript models "
                              "exported with torch.jit.save.").arg(file);
    case FileSniff::Kind::Safetensors:
        return QStringLiteral("%1 is a safetensors file: weights without the model's code. Load it into the model in "
                              "Python, then %2").arg(file, QStringLiteral("save it with torch.jit.script(model).save(\"model.pt\")."));
    case FileSniff::Kind::Gguf:
        return QStringLiteral("%1 is a GGUF (llama.cpp) model, not a PyTorch model. Quantscope opens TorchScript models.").arg(file);
    case FileSniff::Kind::Unknown:
        break;
    }
    return QStringLiteral("%1 is not a TorchScript model (it is not a zip archive written by torch.jit.save). %2").arg(file, howToExport);
}

} // namespace qs
