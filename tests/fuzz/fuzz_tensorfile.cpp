// SPDX-License-Identifier: GPL-3.0-or-later
// Tensor files (torch.save) opened as a Dataset: LibTorch's zip reader and unpickler behind our
// checks (every tensor against its data), the SETITEM rewrite for Python's pickles (picklecompat),
// the dict/tuple/tensor layouts, labels, subsets and the check against an input spec.
//
// The first byte chooses what the rest is: even, a whole file; odd, only the pickle (data.pkl),
// wrapped here in a zip archive with two small storages, so that mutations reach the unpickler
// instead of breaking the zip directory.
#include "tests/fuzz/fuzztarget.h"

#include "core/common/torchwarnings.h"
#include "core/data/dataset.h"
#include "tests/fuzz/fuzzsupport.h"
#include "tests/support/testsupport.h"

#include <QtCore/QTemporaryDir>

QS_FUZZ_TARGET(tensorfile)
{
    static QTemporaryDir dir(qs::fuzz::scratchDir() + QStringLiteral("/qs-fuzz-tensorfile-XXXXXX"));
    static const QString path = dir.filePath(QStringLiteral("data.pt"));
    static const bool init = [] {
        qs::torchwarnings::installForThisThread();
        return true;
    }();
    (void)init;
    if (size < 1)
        return 0;
    const QByteArray rest = qs::fuzz::bytes(data + 1, size - 1);
    if ((data[0] & 1) == 0)
        qs::test::writeBytes(path, rest);
    else
        qs::test::writeBytes(path, qs::fuzz::torchSaveArchive(rest));
    auto opened = qs::Dataset::open(path);
    if (!opened.ok()) {
        (void)opened.error().toText();
        return 0;
    }
    (void)opened->info().toJson();
    (void)opened->labels();
    (void)opened->subset(2, 0.5, 1).labels();
    (void)opened->checkAgainst(opened->info().inputSpec.withBatch(3));
    return 0;
}
