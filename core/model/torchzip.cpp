// SPDX-License-Identifier: GPL-3.0-or-later
#include <caffe2/serialize/inline_container.h>

#include "torchzip_p.h"

#include "core/data/picklecompat_p.h"
#include "core/model/filesniffer.h"

#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtCore/QStringList>

#include <algorithm>

namespace qs::detail {

qulonglong minTorchFormatVersion()
{
    return caffe2::serialize::kMinSupportedFileFormatVersion;
}

qulonglong maxTorchFormatVersion()
{
    return caffe2::serialize::kMaxSupportedFileFormatVersion;
}

namespace {

// LibTorch 1.13's import of a class body takes an assignment with a value for a constant
// ("name : Final[int] = 3") and reads its type annotation without checking there is one: an
// assignment without a type ("__bufuers__ = []") crashed its compiler with SIGSEGV in
// ScriptTypeParser::parseClassConstant, checksums or not (found by fuzzing). torch.jit.save
// writes class bodies with two spaces; enums, named tuples and interfaces are imported otherwise.
QString untypedClassConstant(const QByteArray& code)
{
    static const QRegularExpression classRe(QStringLiteral(R"(^class\s+\w+\s*(?:\(([^)]*)\))?\s*:)"));
    static const QRegularExpression assignRe(QStringLiteral(R"(^  ([A-Za-z_]\w*)\s*=(?!=))"));
    static const QStringList special{QStringLiteral("__parameters__"), QStringLiteral("__buffers__"),
                                     QStringLiteral("__forward_pre_hooks__"), QStringLiteral("__forward_hooks__"),
                                     QStringLiteral("__annotations__")};
    bool inModuleClass = false;
    int lineNo = 0;
    for (const QByteArray& raw : code.split('\n')) {
        ++lineNo;
        const QString line = QString::fromUtf8(raw);
        if (!line.startsWith(QLatin1Char(' '))) {
            const auto c = classRe.match(line);
            const QString bases = c.captured(1);
            inModuleClass = c.hasMatch() && !bases.contains(QLatin1String("Enum")) && !bases.contains(QLatin1String("NamedTuple"))
                && !bases.contains(QLatin1String("Interface"));
            continue;
        }
        if (!inModuleClass)
            continue;
        const auto a = assignRe.match(line);
        if (a.hasMatch() && !special.contains(a.captured(1)))
            return QStringLiteral("line %1 gives the class attribute '%2' a value without a type").arg(lineNo).arg(a.captured(1).left(60));
    }
    return {};
}

// The archive's records other than tensor storages: the code, the pickles (data.pkl,
// constants.pkl, the code's .debug_pkl records, which LibTorch unpickles when it shows where an
// error is), the version and extra files.
// - Their CRC-32 is checked: LibTorch does not check it, and a model whose code was damaged (one
//   wrong letter: "__bufuers__ = []") crashed its TorchScript compiler (SEGV in
//   ScriptTypeParser::parseClassConstant; found by fuzzing). Tensor storages are left out: they
//   are most of the file and a damaged weight does not crash anything.
// - The pickles are walked as LibTorch's unpickler would read them: a declared string length or
//   memo index made it allocate gigabytes, and an opcode that takes more from its stack than
//   there is made it read out of bounds (found by fuzzing).
TorchZipProblem recordProblem(const QByteArray& zip, const QVector<ZipEntry>& entries, const QString& archive)
{
    // Far above the code and pickles of any real model (the weights are separate records).
    constexpr qint64 kMaxRecordBytes = qint64(256) << 20;
    const QString storages = archive + QLatin1String("data/");
    for (const ZipEntry& e : entries) {
        const QString& name = e.name;
        if (name.startsWith(storages))
            continue;
        bool crcOk = false;
        const QByteArray contents = zipEntryContents(zip, e, kMaxRecordBytes, &crcOk);
        if (contents.isNull())
            return {TorchZipProblem::Kind::DamagedRecord,
                    QStringLiteral("%1 cannot be read (damaged compressed data, or over 256 MB)").arg(name.left(80))};
        if (!crcOk)
            return {TorchZipProblem::Kind::DamagedRecord,
                    QStringLiteral("%1 does not match its checksum (the file was damaged after it was written)").arg(name.left(80))};
        if (name.startsWith(archive + QLatin1String("code/")) && name.endsWith(QLatin1String(".py"))) {
            if (const QString bad = untypedClassConstant(contents); !bad.isEmpty())
                return {TorchZipProblem::Kind::DamagedRecord,
                        QStringLiteral("%1: %2, which LibTorch cannot load").arg(name.left(80), bad)};
            continue;
        }
        if (!name.endsWith(QLatin1String(".pkl")) && !name.endsWith(QLatin1String(".debug_pkl")))
            continue;
        try {
            checkMemoIndices(std::string(contents.constData(), size_t(contents.size())));
        } catch (const std::exception& e) {
            return {TorchZipProblem::Kind::DamagedRecord, QStringLiteral("%1: %2").arg(name.left(80), QString::fromStdString(e.what()))};
        }
    }
    return {};
}

} // namespace

TorchZipProblem checkTorchZip(const QByteArray& zip)
{
    QString error;
    const QVector<ZipEntry> entries = zipDirectory(zip, &error);
    if (!error.isEmpty())
        return {TorchZipProblem::Kind::DamagedZip, error};
    return checkTorchZip(zip, entries);
}

TorchZipProblem checkTorchZip(const QByteArray& zip, const QVector<ZipEntry>& entries)
{
    using Kind = TorchZipProblem::Kind;
    const QString first = entries.first().name;
    const int slash = first.indexOf(QLatin1Char('/'));
    if (slash <= 0)
        return {Kind::NoFolder, first.left(60)};
    for (const ZipEntry& e : entries) {
        if (!zipLocalHeaderMatches(zip, e))
            return {Kind::DamagedEntry, e.name.left(80)};
    }
    for (const ZipEntry& e : entries) {
        if (const QString bad = zipSizeProblem(e); !bad.isEmpty())
            return {Kind::DamagedRecord, bad};
    }
    const QString archive = first.left(slash + 1);
    for (const QString& record : {archive + QLatin1String(".data/version"), archive + QLatin1String("version")}) {
        const auto e = std::find_if(entries.cbegin(), entries.cend(), [&record](const ZipEntry& x) { return x.name == record; });
        if (e == entries.cend())
            continue;
        // torch.save and torch.jit.save store the version record uncompressed; one that cannot be
        // read that way has a damaged header (or was recompressed by another tool) and makes
        // LibTorch's reader throw.
        const QByteArray text = zipStoredEntry(zip, *e);
        if (text.isEmpty())
            return {Kind::UnreadableVersion, record};
        bool ok = false;
        const qulonglong version = text.trimmed().toULongLong(&ok);
        if (ok && version > maxTorchFormatVersion())
            return {Kind::NewerVersion, QString::number(version)};
        if (!ok || version < minTorchFormatVersion())
            return {Kind::BadVersion, QString::fromLatin1(text.left(20)).trimmed()};
        return recordProblem(zip, entries, archive);
    }
    return {Kind::NoVersion, archive + QLatin1String("version")};
}

TorchZipProblem checkTorchZipFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {TorchZipProblem::Kind::DamagedZip, f.errorString()};
    if (f.size() == 0)
        return {TorchZipProblem::Kind::DamagedZip, QStringLiteral("the file is empty")};
    if (uchar* mapped = f.map(0, f.size())) {
        const TorchZipProblem p = checkTorchZip(QByteArray::fromRawData(reinterpret_cast<const char*>(mapped), qsizetype(f.size())));
        f.unmap(mapped);
        return p;
    }
    // A file system that cannot map (some FUSE mounts): read it instead.
    return checkTorchZip(f.readAll());
}

} // namespace qs::detail
