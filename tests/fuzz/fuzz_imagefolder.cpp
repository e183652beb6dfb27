// SPDX-License-Identifier: GPL-3.0-or-later
// Image folders: one image file (any of the types torchvision's ImageFolder takes) in a class
// folder, scanned (headers) and decoded to a tensor under fuzzed options (resize, crop, colour,
// normalization). Decoding is Qt's (QImageReader and its plugins); our code around it sizes the
// output, resizes, crops and converts.
//
// Bytes 0-1 choose the options and the file type; the rest is the image file.
#include "tests/fuzz/fuzztarget.h"

#include "core/data/dataset.h"
#include "core/data/imagefolder.h"
#include "tests/fuzz/fuzzsupport.h"
#include "tests/support/testsupport.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>

#include <vector>

QS_FUZZ_TARGET(imagefolder)
{
    qs::fuzz::ensureApplication(); // Qt's image format plugins are found through the application
    static QTemporaryDir dir(qs::fuzz::scratchDir() + QStringLiteral("/qs-fuzz-imagefolder-XXXXXX"));
    if (size < 2)
        return 0;
    const QStringList types = qs::ImageFolder::imageExtensions();
    const QString file = dir.filePath(QStringLiteral("cls/image") + types[data[1] % types.size()]);
    QDir(dir.filePath(QStringLiteral("cls"))).removeRecursively();
    qs::test::writeBytes(file, qs::fuzz::bytes(data + 2, size - 2));

    qs::DatasetOptions options;
    const uint8_t o = data[0];
    static const int resizes[] = {0, 0, 7, 33};
    options.resize = resizes[o & 3];
    if (o & 4)
        options.cropWidth = options.cropHeight = (o & 8) ? 5 : 1;
    static const qs::DatasetOptions::Color colors[] = {qs::DatasetOptions::Color::Rgb, qs::DatasetOptions::Color::Bgr,
                                                       qs::DatasetOptions::Color::Grayscale, qs::DatasetOptions::Color::Rgb};
    options.color = colors[(o >> 4) & 3];
    options.scale = !(o & 64);
    if (o & 128) {
        options.mean = {0.5};
        options.std = {0.25};
    }
    options.skipUnreadable = (o & 8) != 0;

    auto folder = qs::ImageFolder::scan(dir.path(), options);
    if (!folder.ok()) {
        (void)folder.error().toText();
        return 0;
    }
    // Decoding writes exactly the channels x height x width floats the scan promised: one more
    // float after them must stay untouched (ASan also watches the buffer's edges).
    const qint64 per = qint64(folder->channels()) * folder->width() * folder->height();
    std::vector<float> out(size_t(per) + 1, -7.0f);
    const qs::Status st = folder->decodeMany({0}, out.data());
    if (!st)
        (void)st.error().toText();
    if (out.back() != -7.0f)
        __builtin_trap();
    (void)qs::Dataset::open(dir.path(), options); // the Dataset around it
    return 0;
}
