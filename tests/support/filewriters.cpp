// SPDX-License-Identifier: GPL-3.0-or-later
// The plain file writers of testsupport.h, in their own object file: programs that need only these
// (the libFuzzer targets) do not pull LibTorch, c10 and zlib in through testsupport.cpp.
#include "testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QtEndian>

namespace qs::test {

namespace {

// zip's CRC-32 (polynomial 0xedb88320), bit by bit: small test archives only, and no zlib here.
quint32 crc32Of(const QByteArray& data)
{
    quint32 crc = 0xffffffffu;
    for (const char c : data) {
        crc ^= quint8(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

} // namespace

// A stored (uncompressed) zip archive, as PyTorch's writer makes them.
QByteArray zipBytes(const QVector<QPair<QString, QByteArray>>& files)
{
    QByteArray out, central;
    auto le16 = [](QByteArray& b, quint16 v) { char c[2]; qToLittleEndian(v, c); b.append(c, 2); };
    auto le32 = [](QByteArray& b, quint32 v) { char c[4]; qToLittleEndian(v, c); b.append(c, 4); };
    for (const auto& f : files) {
        const QByteArray name = f.first.toUtf8();
        // The loaders check the CRC-32 of every record but the tensor storages.
        const quint32 crc = crc32Of(f.second);
        const quint32 offset = quint32(out.size());
        le32(out, 0x04034b50); le16(out, 20); le16(out, 0); le16(out, 0); le16(out, 0); le16(out, 0);
        le32(out, crc); le32(out, quint32(f.second.size())); le32(out, quint32(f.second.size()));
        le16(out, quint16(name.size())); le16(out, 0);
        out += name;
        out += f.second;
        le32(central, 0x02014b50); le16(central, 20); le16(central, 20); le16(central, 0); le16(central, 0);
        le16(central, 0); le16(central, 0); le32(central, crc); le32(central, quint32(f.second.size()));
        le32(central, quint32(f.second.size())); le16(central, quint16(name.size())); le16(central, 0);
        le16(central, 0); le16(central, 0); le16(central, 0); le32(central, 0); le32(central, offset);
        central += name;
    }
    const quint32 cdOffset = quint32(out.size());
    out += central;
    le32(out, 0x06054b50); le16(out, 0); le16(out, 0); le16(out, quint16(files.size())); le16(out, quint16(files.size()));
    le32(out, quint32(central.size())); le32(out, cdOffset); le16(out, 0);
    return out;
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

bool writeZip(const QString& path, const QVector<QPair<QString, QByteArray>>& files)
{
    return writeBytes(path, zipBytes(files));
}

} // namespace qs::test
