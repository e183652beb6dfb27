// SPDX-License-Identifier: GPL-3.0-or-later
// IDX (MNIST/Fashion-MNIST) files, raw and gzip-compressed.
#include "tests/fuzz/fuzztarget.h"

#include "core/data/idxfile.h"

QS_FUZZ_TARGET(idx)
{
    const QByteArray input = qs::fuzz::bytes(data, size);
    auto a = qs::parseIdx(input, QStringLiteral("fuzz.idx"));
    if (a.ok()) {
        qint64 n = 1;
        for (qint64 d : a->shape)
            n *= d;
        if (a->data.size() != n * a->elementSize())
            __builtin_trap();
    }
    (void)qs::parseIdx(input, QStringLiteral("fuzz.idx"), 3);
    return 0;
}
