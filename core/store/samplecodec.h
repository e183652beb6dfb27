// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QByteArray>

#include <QtCore/QVector>

namespace qs::samplecodec {

/// \brief Packs columns of integers (latency in ns, RSS timeline) into one compact BLOB.
///
/// Layout: "QSV1", u8 column count, u32 row count (little-endian), then each column as
/// zig-zag LEB128 varints of the difference to the previous value. Latencies of a steady
/// run differ by microseconds and timelines grow slowly, so most values take 1-3 bytes
/// instead of 8: 100,000 samples fit in ~300 kB and encode in about a millisecond.
QByteArray encode(const QVector<const QVector<qint64>*>& columns);
QByteArray encode(const QVector<qint64>& column);

/// Unpacks a BLOB written by encode(); refuses truncated or malformed data (never reads past
/// the end), and a column count other than \a expectedColumns.
Result<QVector<QVector<qint64>>> decode(const QByteArray& blob, int expectedColumns);

/// Latencies in milliseconds as whole nanoseconds (what the clocks measure) and back: the
/// round trip gives the same doubles for samples computed as ns / 1e6.
QVector<qint64> msToNs(const QVector<double>& ms);
QVector<double> nsToMs(const QVector<qint64>& ns);

} // namespace qs::samplecodec
