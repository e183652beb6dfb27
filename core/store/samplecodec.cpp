// SPDX-License-Identifier: GPL-3.0-or-later
#include "samplecodec.h"

#include <QtCore/QtEndian>

#include <cmath>
#include <cstring>

namespace qs::samplecodec {

namespace {

constexpr char kMagic[4] = {'Q', 'S', 'V', '1'};
constexpr int kHeader = 9;

inline quint64 zigzag(qint64 v)
{
    return (quint64(v) << 1) ^ quint64(v >> 63);
}

inline qint64 unzigzag(quint64 u)
{
    return qint64(u >> 1) ^ -qint64(u & 1);
}

} // namespace

QByteArray encode(const QVector<const QVector<qint64>*>& columns)
{
    const qsizetype rows = columns.isEmpty() ? 0 : columns.front()->size();
    QByteArray out;
    // Worst case 10 bytes per value; resize once, write through a raw pointer, trim at the end.
    out.resize(kHeader + rows * columns.size() * 10);
    auto* p = reinterpret_cast<uchar*>(out.data());
    std::memcpy(p, kMagic, 4);
    p[4] = uchar(columns.size());
    qToLittleEndian<quint32>(quint32(rows), p + 5);
    uchar* w = p + kHeader;
    for (const QVector<qint64>* column : columns) {
        Q_ASSERT(column->size() == rows);
        qint64 prev = 0;
        for (qint64 v : *column) {
            // Differences of arbitrary int64s can overflow; wrap-around is undone by the decoder.
            quint64 u = zigzag(qint64(quint64(v) - quint64(prev)));
            prev = v;
            while (u >= 0x80) {
                *w++ = uchar(u | 0x80);
                u >>= 7;
            }
            *w++ = uchar(u);
        }
    }
    out.resize(qsizetype(w - p));
    return out;
}

QByteArray encode(const QVector<qint64>& column)
{
    return encode(QVector<const QVector<qint64>*>{&column});
}

QVector<qint64> msToNs(const QVector<double>& ms)
{
    QVector<qint64> ns(ms.size());
    for (qsizetype i = 0; i < ms.size(); ++i)
        ns[i] = std::isfinite(ms[i]) ? std::llround(ms[i] * 1e6) : -1;
    return ns;
}

QVector<double> nsToMs(const QVector<qint64>& ns)
{
    QVector<double> ms(ns.size());
    for (qsizetype i = 0; i < ns.size(); ++i)
        ms[i] = double(ns[i]) / 1e6;
    return ms;
}

Result<QVector<QVector<qint64>>> decode(const QByteArray& blob, int expectedColumns)
{
    QVector<QVector<qint64>> columns;
    if (blob.isEmpty())
        return QVector<QVector<qint64>>(expectedColumns);
    auto bad = [](const QString& why) { return Error(Error::Kind::Database, QStringLiteral("Stored samples are damaged: %1.").arg(why)); };
    if (blob.size() < kHeader || std::memcmp(blob.constData(), kMagic, 4) != 0)
        return bad(QStringLiteral("unknown sample format"));
    const auto* p = reinterpret_cast<const uchar*>(blob.constData());
    const int ncols = p[4];
    const quint32 rows = qFromLittleEndian<quint32>(p + 5);
    if (ncols != expectedColumns)
        return bad(QStringLiteral("%1 columns where %2 were expected").arg(ncols).arg(expectedColumns));
    // Every value takes at least one byte: a row count beyond that is a lie, refuse before allocating.
    const quint64 payload = quint64(blob.size() - kHeader);
    if (quint64(rows) * quint64(ncols) > payload)
        return bad(QStringLiteral("%1 rows announced in %2 bytes").arg(rows).arg(payload));
    const uchar* r = p + kHeader;
    const uchar* end = p + blob.size();
    columns.resize(ncols);
    for (auto& column : columns) {
        column.resize(qsizetype(rows));
        qint64* out = column.data();
        qint64 prev = 0;
        for (quint32 i = 0; i < rows; ++i) {
            quint64 u = 0;
            int shift = 0;
            while (true) {
                if (r == end)
                    return bad(QStringLiteral("truncated"));
                const uchar b = *r++;
                if (shift == 63 && b > 1)
                    return bad(QStringLiteral("a value does not fit 64 bits"));
                u |= quint64(b & 0x7f) << shift;
                if (!(b & 0x80))
                    break;
                shift += 7;
                if (shift > 63)
                    return bad(QStringLiteral("a value does not fit 64 bits"));
            }
            prev = qint64(quint64(prev) + quint64(unzigzag(u)));
            out[i] = prev;
        }
    }
    if (r != end)
        return bad(QStringLiteral("%1 trailing bytes").arg(end - r));
    return columns;
}

} // namespace qs::samplecodec
