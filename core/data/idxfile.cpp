// SPDX-License-Identifier: GPL-3.0-or-later
#include "idxfile.h"

#include "core/common/paths.h"

#include <QtCore/QFile>
#include <QtCore/QtEndian>

#include <zlib.h>

namespace qs {

namespace {

constexpr qint64 kMaxBytes = qint64(4) << 30; // refuse absurd headers before allocating

Result<QByteArray> gunzip(const QByteArray& in, const QString& name)
{
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) // 32: accept gzip and zlib headers
        return Error(Error::Kind::Internal, QStringLiteral("zlib could not start."));
    QByteArray out;
    out.resize(std::max<qint64>(in.size() * 4, 1 << 16));
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.constData()));
    zs.avail_in = uInt(in.size());
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (zs.total_out >= uLong(out.size())) {
            if (out.size() >= kMaxBytes) {
                inflateEnd(&zs);
                return Error::badInput(QStringLiteral("%1 unpacks to more than 4 GB; it is not an IDX image file.").arg(paths::pretty(name)));
            }
            out.resize(std::min<qint64>(out.size() * 2, kMaxBytes));
        }
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + zs.total_out);
        zs.avail_out = uInt(out.size() - qint64(zs.total_out));
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            break;
        if (rc != Z_OK) {
            const QString why = zs.msg ? QString::fromLatin1(zs.msg) : QStringLiteral("error %1").arg(rc);
            inflateEnd(&zs);
            if (rc == Z_BUF_ERROR)
                return Error::badInput(QStringLiteral("%1 is cut off (the gzip stream ends early). Copy the file again.").arg(paths::pretty(name)));
            return Error::badInput(QStringLiteral("%1 is not a valid gzip file (%2).").arg(paths::pretty(name), why));
        }
    }
    out.resize(qint64(zs.total_out));
    inflateEnd(&zs);
    return out;
}

} // namespace

qint64 IdxArray::elementSize() const
{
    switch (type) {
    case Type::UInt8: case Type::Int8: return 1;
    case Type::Int16: return 2;
    case Type::Int32: case Type::Float32: return 4;
    case Type::Float64: return 8;
    }
    return 1;
}

Result<IdxArray> parseIdx(const QByteArray& raw, const QString& name, qint64 maxItems)
{
    const QString file = paths::pretty(name);
    QByteArray bytes = raw;
    if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0x1f && static_cast<unsigned char>(raw[1]) == 0x8b) {
        auto unpacked = gunzip(raw, name);
        if (!unpacked)
            return unpacked.error();
        bytes = *unpacked;
    }
    if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0)
        return Error::badInput(QStringLiteral("%1 is not an IDX file (it must start with two zero bytes, a type byte and a "
                                              "dimension count, like MNIST's train-images-idx3-ubyte).").arg(file));
    IdxArray a;
    const int type = static_cast<unsigned char>(bytes[2]);
    if (type != 0x08 && type != 0x09 && type != 0x0B && type != 0x0C && type != 0x0D && type != 0x0E)
        return Error::badInput(QStringLiteral("%1 has IDX element type 0x%2, which is not one of the six IDX types.")
                                   .arg(file).arg(type, 2, 16, QLatin1Char('0')));
    a.type = IdxArray::Type(type);
    const int dims = static_cast<unsigned char>(bytes[3]);
    if (dims < 1 || dims > 8)
        return Error::badInput(QStringLiteral("%1 declares %2 dimensions; IDX files have 1 to 8.").arg(file).arg(dims));
    if (bytes.size() < 4 + 4 * dims)
        return Error::badInput(QStringLiteral("%1 is cut off inside its header.").arg(file));
    qint64 total = 1;
    for (int i = 0; i < dims; ++i) {
        const qint64 d = qFromBigEndian<quint32>(bytes.constData() + 4 + 4 * i);
        if (d <= 0 || d > (qint64(1) << 31))
            return Error::badInput(QStringLiteral("%1: dimension %2 is %3.").arg(file).arg(i).arg(d));
        a.shape << d;
        // Checked before multiplying: dimensions 2^30 x 2^31 of float32 overflowed the byte count
        // to a negative one that passed, and the byte swap below then wrote far past the data
        // (found by fuzzing, tests/fuzz/regressions/idx/).
        if (d > kMaxBytes / a.elementSize() / total)
            return Error::badInput(QStringLiteral("%1 declares more than 4 GB of data; the header is corrupt.").arg(file));
        total *= d;
    }
    const qint64 perItem = total / a.shape[0];
    qint64 items = a.shape[0];
    if (maxItems > 0 && maxItems < items)
        items = maxItems;
    const qint64 need = items * perItem * a.elementSize();
    const qint64 offset = 4 + 4 * dims;
    const qint64 available = bytes.size() - offset;
    if (available < need)
        return Error::badInput(QStringLiteral("%1 is cut off: its header promises %2 items but the data holds only %3.")
                                   .arg(file).arg(a.shape[0]).arg(available / std::max<qint64>(1, perItem * a.elementSize())));
    a.shape[0] = items;
    a.data = bytes.mid(offset, need);
    // IDX is big-endian; convert multi-byte elements to host order.
    const qint64 es = a.elementSize();
    if (es > 1) {
        char* p = a.data.data();
        for (qint64 i = 0; i < items * perItem; ++i)
            std::reverse(p + i * es, p + (i + 1) * es);
    }
    return a;
}

Result<IdxArray> readIdxFile(const QString& path, qint64 maxItems)
{
    QFile f(path);
    if (!f.exists())
        return Error::badInput(QStringLiteral("%1 does not exist.").arg(paths::pretty(path)));
    if (!f.open(QIODevice::ReadOnly))
        return Error::badInput(QStringLiteral("Cannot read %1: %2.").arg(paths::pretty(path), f.errorString()));
    return parseIdx(f.readAll(), path, maxItems);
}

} // namespace qs
