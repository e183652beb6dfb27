// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QByteArray>
#include <QtCore/QVector>

namespace qs {

/// \brief An array read from an IDX file (the MNIST / Fashion-MNIST format).
struct IdxArray
{
    enum class Type { UInt8 = 0x08, Int8 = 0x09, Int16 = 0x0B, Int32 = 0x0C, Float32 = 0x0D, Float64 = 0x0E };
    Type type = Type::UInt8;
    QVector<qint64> shape;
    QByteArray data; ///< elements in host byte order, row-major

    qint64 count() const { return shape.isEmpty() ? 0 : shape.first(); }
    qint64 elementSize() const;
};

/// Reads an IDX file, gzip-compressed (.gz) or not. \a maxItems > 0 reads only the first items.
Result<IdxArray> readIdxFile(const QString& path, qint64 maxItems = -1);
/// Same, from bytes (gzip or raw), for fuzzing.
Result<IdxArray> parseIdx(const QByteArray& bytes, const QString& name, qint64 maxItems = -1);

} // namespace qs
