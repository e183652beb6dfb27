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

    auto opened = qs::Dataset::open(dir.path(), options);
    if (!opened.ok()) {
        (void)opened.error().toText();
        return 0;
    }
    QVector<qint64> shape;
    QString error;
    const QVector<float> values = qs::test::datasetValues(*opened, 0, 1, 0, &shape, &error);
    if (error.isEmpty()) {
        qint64 n = 1;
        for (qint64 d : shape)
            n *= d;
        // The batch is exactly what the scan promised: channels x height x width floats.
        if (values.size() != n || shape.size() != 4 || shape[1] != opened->info().inputSpec.inputs.value(0).shape.value(1))
            __builtin_trap();
    }
    return 0;
}
