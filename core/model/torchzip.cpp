// SPDX-License-Identifier: GPL-3.0-or-later
#include <caffe2/serialize/inline_container.h>

#include "torchzip_p.h"

#include "core/model/filesniffer.h"

#include <QtCore/QFile>
#include <QtCore/QStringList>

namespace qs::detail {

qulonglong minTorchFormatVersion()
{
    return caffe2::serialize::kMinSupportedFileFormatVersion;
}

qulonglong maxTorchFormatVersion()
{
    return caffe2::serialize::kMaxSupportedFileFormatVersion;
}

TorchZipProblem checkTorchZip(const QByteArray& zip)
{
    using Kind = TorchZipProblem::Kind;
    QString error;
    const QStringList names = zipEntries(zip, &error);
    if (!error.isEmpty())
        return {Kind::DamagedZip, error};
    const int slash = names.first().indexOf(QLatin1Char('/'));
    if (slash <= 0)
        return {Kind::NoFolder, names.first().left(60)};
    if (const QString bad = zipLocalHeaderProblem(zip); !bad.isEmpty())
        return {Kind::DamagedEntry, bad.left(80)};
    const QString archive = names.first().left(slash + 1);
    for (const QString& record : {archive + QLatin1String(".data/version"), archive + QLatin1String("version")}) {
        if (!names.contains(record))
            continue;
        // torch.save and torch.jit.save store the version record uncompressed; one that cannot be
        // read that way has a damaged header (or was recompressed by another tool) and makes
        // LibTorch's reader throw.
        const QByteArray text = zipStoredEntry(zip, record);
        if (text.isEmpty())
            return {Kind::UnreadableVersion, record};
        bool ok = false;
        const qulonglong version = text.trimmed().toULongLong(&ok);
        if (ok && version > maxTorchFormatVersion())
            return {Kind::NewerVersion, QString::number(version)};
        if (!ok || version < minTorchFormatVersion())
            return {Kind::BadVersion, QString::fromLatin1(text.left(20)).trimmed()};
        return {};
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
