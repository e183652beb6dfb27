// SPDX-License-Identifier: GPL-3.0-or-later
#include "imagefolder.h"

#include "core/common/logging.h"
#include "core/common/paths.h"

#include <QtConcurrent/QtConcurrentMap>
#include <QtCore/QDir>
#include <QtCore/QDirIterator>
#include <QtCore/QFileInfo>
#include <QtCore/QMutex>
#include <QtGui/QImage>
#include <QtGui/QImageReader>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

namespace qs {

namespace {

bool isImageFile(const QString& name)
{
    const QString lower = name.toLower();
    for (const QString& ext : ImageFolder::imageExtensions()) {
        if (lower.endsWith(ext))
            return true;
    }
    return false;
}

// The largest image (after resizing) Quantscope turns into a tensor: 8192 x 8192 pixels, 768 MB
// of float32 for RGB. Image headers can claim any size (PNG allows 2^31 - 1 a side) and a
// resize of a very thin image multiplies it; past this, the folder is refused at scan time
// instead of failing to allocate (or overflowing) per batch.
constexpr qint64 kMaxPixels = qint64(8192) * 8192;

// torchvision's Resize(int): the shorter side becomes `size`, the longer one keeps the aspect
// ratio, truncated to an integer. CenterCrop then takes the middle, its offset rounded. A longer
// side that would not fit an int comes back as INT_MAX (refused by the kMaxPixels check).
QSize resizedSize(QSize s, int resize)
{
    if (resize <= 0 || s.isEmpty())
        return s;
    const bool wide = s.width() >= s.height();
    const int shorter = wide ? s.height() : s.width();
    const int longer = wide ? s.width() : s.height();
    if (shorter == resize)
        return s;
    const double scaled = double(resize) * double(longer) / double(shorter);
    const int newLonger = scaled >= double(std::numeric_limits<int>::max()) ? std::numeric_limits<int>::max() : int(scaled);
    return wide ? QSize(newLonger, resize) : QSize(resize, newLonger);
}

struct Header
{
    QSize size;
    QString error;
};

Header readHeader(const QString& path)
{
    QImageReader reader(path);
    reader.setAutoTransform(false);
    Header h;
    if (!reader.canRead()) {
        h.error = reader.errorString();
        return h;
    }
    h.size = reader.size();
    if (!h.size.isValid()) {
        // Some formats only know their size after decoding.
        const QImage img = reader.read();
        if (img.isNull())
            h.error = reader.errorString();
        else
            h.size = img.size();
    }
    return h;
}

// Sorted like Python's sorted(os.walk(dir)) with sorted file names: by directory, then name.
QStringList imagesUnder(const QString& dir, qint64& skipped, QStringList& skippedExamples)
{
    QVector<QPair<QString, QString>> found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo fi = it.fileInfo();
        if (!isImageFile(fi.fileName())) {
            ++skipped;
            if (skippedExamples.size() < 3)
                skippedExamples << path;
            continue;
        }
        found.append({fi.absolutePath(), fi.fileName()});
    }
    std::sort(found.begin(), found.end());
    QStringList files;
    files.reserve(found.size());
    for (const auto& f : found)
        files << f.first + QLatin1Char('/') + f.second;
    return files;
}

} // namespace

QStringList ImageFolder::imageExtensions()
{
    return {QStringLiteral(".jpg"), QStringLiteral(".jpeg"), QStringLiteral(".png"), QStringLiteral(".ppm"),
            QStringLiteral(".bmp"), QStringLiteral(".pgm"), QStringLiteral(".tif"), QStringLiteral(".tiff"),
            QStringLiteral(".webp")};
}

Result<ImageFolder> ImageFolder::scan(const QString& rootPath, const DatasetOptions& options)
{
    ImageFolder f;
    f.m_root = QFileInfo(rootPath).absoluteFilePath();
    f.m_options = options;
    f.m_channels = options.color == DatasetOptions::Color::Grayscale ? 1 : 3;
    const QString shown = paths::pretty(rootPath);
    for (const auto* values : {&options.mean, &options.std}) {
        if (!values->isEmpty() && values->size() != 1 && values->size() != f.m_channels)
            return Error::usage(QStringLiteral("--%1 has %2 values but the images have %3 channel(s); give one value or one per channel.")
                                    .arg(values == &options.mean ? QStringLiteral("mean") : QStringLiteral("std"))
                                    .arg(values->size()).arg(f.m_channels));
    }
    for (double s : options.std) {
        if (s == 0)
            return Error::usage(QStringLiteral("--std must not contain 0 (it divides)."));
    }

    QDir root(f.m_root);
    QStringList classDirs;
    QStringList looseImages;
    for (const QFileInfo& fi : root.entryInfoList(QDir::Dirs | QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::NoSort)) {
        if (fi.isDir()) {
            if (fi.fileName().startsWith(QLatin1Char('.'))) {
                f.m_notes << QStringLiteral("hidden folder %1 ignored").arg(fi.fileName());
                continue;
            }
            classDirs << fi.fileName();
        } else if (isImageFile(fi.fileName())) {
            looseImages << fi.fileName();
        } else {
            ++f.m_skipped;
            if (f.m_skippedExamples.size() < 3)
                f.m_skippedExamples << fi.absoluteFilePath();
        }
    }
    std::sort(classDirs.begin(), classDirs.end());
    std::sort(looseImages.begin(), looseImages.end());

    // Class folders first (ImageFolder layout); without any image in them, a flat folder of images.
    QVector<QStringList> perClass;
    qint64 classImages = 0;
    for (const QString& c : classDirs) {
        perClass << imagesUnder(root.filePath(c), f.m_skipped, f.m_skippedExamples);
        classImages += perClass.last().size();
    }
    if (classImages > 0) {
        f.m_classes = classDirs;
        for (int c = 0; c < classDirs.size(); ++c) {
            if (perClass[c].isEmpty())
                f.m_notes << QStringLiteral("class folder '%1' has no images (label %2 never occurs)").arg(classDirs[c]).arg(c);
            for (const QString& file : perClass[c]) {
                f.m_files << file;
                f.m_labels << c;
            }
        }
        if (!looseImages.isEmpty()) {
            f.m_skipped += looseImages.size();
            f.m_notes << QStringLiteral("%1 image(s) directly in %2 ignored: in the ImageFolder layout every image is in its class folder")
                             .arg(looseImages.size()).arg(shown);
        }
    } else if (!looseImages.isEmpty()) {
        for (const QString& name : looseImages)
            f.m_files << root.filePath(name);
        f.m_notes << QStringLiteral("no class subfolders: images without labels");
    }
    if (f.m_files.isEmpty()) {
        QString skippedText;
        if (f.m_skipped > 0)
            skippedText = QStringLiteral(" (%1 other file(s) skipped, e.g. %2)").arg(f.m_skipped).arg(paths::pretty(f.m_skippedExamples.value(0)));
        return Error::badInput(QStringLiteral("%1 has no images%2. Expected the ImageFolder layout %1/<class>/<image>.png, one subfolder "
                                              "per class, or a folder of images; image types: %3.")
                                   .arg(shown, skippedText, imageExtensions().join(QLatin1Char(' '))));
    }

    // Headers only, in parallel: a bad file is found now, not after minutes of evaluation.
    const QVector<Header> headers = QtConcurrent::blockingMapped<QVector<Header>>(f.m_files, readHeader);
    QStringList bad;
    QStringList keptFiles;
    QVector<qint64> keptLabels;
    QSize outSize;
    QString outExample;
    for (int i = 0; i < f.m_files.size(); ++i) {
        if (!headers[i].error.isEmpty()) {
            bad << QStringLiteral("%1 (%2)").arg(paths::pretty(f.m_files[i]), headers[i].error);
            continue;
        }
        QSize s = resizedSize(headers[i].size, options.resize);
        if (qint64(s.width()) * s.height() > kMaxPixels)
            return Error::badInput(QStringLiteral("%1 is %2x%3 pixels%4: larger than the %5 million pixels Quantscope turns into a tensor. "
                                                  "Remove the file, or resize the images beforehand.")
                                       .arg(paths::pretty(f.m_files[i])).arg(s.width()).arg(s.height())
                                       .arg(options.resize > 0 ? QStringLiteral(" after --resize %1").arg(options.resize) : QString())
                                       .arg(kMaxPixels / 1000000));
        if (options.cropWidth > 0 && options.cropHeight > 0) {
            if (s.width() < options.cropWidth || s.height() < options.cropHeight)
                return Error::badInput(QStringLiteral("%1 is %2x%3 (after resizing) but the crop is %4x%5. Give a larger --resize, or a smaller --crop.")
                                           .arg(paths::pretty(f.m_files[i])).arg(s.width()).arg(s.height())
                                           .arg(options.cropWidth).arg(options.cropHeight));
            s = QSize(options.cropWidth, options.cropHeight);
        }
        if (outSize.isEmpty()) {
            outSize = s;
            outExample = f.m_files[i];
        } else if (s != outSize) {
            return Error::badInput(QStringLiteral("The images in %1 differ in size: %2 is %3x%4, %5 is %6x%7. Give --resize N and --crop WxH "
                                                  "(e.g. --resize 256 --crop 224) so that every image becomes the same size.")
                                       .arg(shown, paths::pretty(outExample)).arg(outSize.width()).arg(outSize.height())
                                       .arg(paths::pretty(f.m_files[i])).arg(s.width()).arg(s.height()));
        }
        keptFiles << f.m_files[i];
        if (f.hasLabels())
            keptLabels << f.m_labels[i];
    }
    if (!bad.isEmpty()) {
        if (!options.skipUnreadable)
            return Error::badInput(QStringLiteral("%1 unreadable image(s) in %2: %3. Remove or replace them, or pass --skip-unreadable to "
                                                  "leave them out.")
                                       .arg(bad.size()).arg(shown, QStringList(bad.mid(0, 3)).join(QLatin1String("; "))
                                                                       + (bad.size() > 3 ? QStringLiteral("; ...") : QString())));
        f.m_skipped += bad.size();
        f.m_notes << QStringLiteral("%1 unreadable image(s) skipped, e.g. %2").arg(bad.size()).arg(bad.first());
        if (keptFiles.isEmpty())
            return Error::badInput(QStringLiteral("No image in %1 can be read (e.g. %2).").arg(shown, bad.first()));
    }
    f.m_files = keptFiles;
    f.m_labels = keptLabels;
    f.m_width = outSize.width();
    f.m_height = outSize.height();
    if (f.m_skipped > 0)
        qCInfo(lcData) << "skipped" << f.m_skipped << "files in" << shown;
    return f;
}

Status ImageFolder::decode(qint64 i, float* out) const
{
    const QString path = m_files.value(int(i));
    QImageReader reader(path);
    reader.setAutoTransform(false);
    QImage img = reader.read();
    if (img.isNull())
        return Error::badInput(QStringLiteral("Cannot decode the image %1: %2. Remove or replace the file.")
                                   .arg(paths::pretty(path), reader.errorString()));
    const bool grey = m_channels == 1;
    // A grey source stays grey for a grey result (no round trip through RGB); otherwise work in
    // RGB888, which drops alpha like PIL's convert("RGB").
    img = img.convertToFormat(grey && img.format() == QImage::Format_Grayscale8 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    const QSize target = resizedSize(img.size(), m_options.resize);
    if (target != img.size())
        img = img.scaled(target, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    if (m_options.cropWidth > 0 && m_options.cropHeight > 0) {
        // Python's round() (ties to even), as torchvision's CenterCrop computes the offset.
        const int top = int(std::nearbyint((img.height() - m_options.cropHeight) / 2.0));
        const int left = int(std::nearbyint((img.width() - m_options.cropWidth) / 2.0));
        img = img.copy(left, top, m_options.cropWidth, m_options.cropHeight);
    }
    if (img.width() != m_width || img.height() != m_height)
        return Error::badInput(QStringLiteral("%1 decodes to %2x%3, not the %4x%5 its header promised. Remove or replace the file.")
                                   .arg(paths::pretty(path)).arg(img.width()).arg(img.height()).arg(m_width).arg(m_height));

    const float factor = m_options.scale ? 1.0f / 255.0f : 1.0f;
    float mean[3] = {0, 0, 0};
    float invStd[3] = {1, 1, 1};
    for (int c = 0; c < m_channels; ++c) {
        if (!m_options.mean.isEmpty())
            mean[c] = float(m_options.mean.value(c, m_options.mean.first()));
        if (!m_options.std.isEmpty())
            invStd[c] = float(1.0 / m_options.std.value(c, m_options.std.first()));
    }
    const qint64 plane = qint64(m_width) * m_height;
    const bool bgr = m_options.color == DatasetOptions::Color::Bgr;
    for (int y = 0; y < m_height; ++y) {
        const uchar* line = img.constScanLine(y);
        float* row = out + qint64(y) * m_width;
        for (int x = 0; x < m_width; ++x) {
            if (grey) {
                int v;
                if (img.format() == QImage::Format_Grayscale8) {
                    v = line[x];
                } else {
                    const uchar* p = line + 3 * x;
                    v = (p[0] * 19595 + p[1] * 38470 + p[2] * 7471 + 0x8000) >> 16; // PIL's "L"
                }
                row[x] = (float(v) * factor - mean[0]) * invStd[0];
            } else {
                const uchar* p = line + 3 * x;
                for (int c = 0; c < 3; ++c) {
                    const int src = bgr ? 2 - c : c;
                    row[c * plane + x] = (float(p[src]) * factor - mean[c]) * invStd[c];
                }
            }
        }
    }
    return {};
}

Status ImageFolder::decodeMany(const QVector<qint64>& indices, float* out) const
{
    const qint64 per = qint64(m_channels) * m_width * m_height;
    QVector<int> positions(indices.size());
    std::iota(positions.begin(), positions.end(), 0);
    QMutex mutex;
    std::optional<Error> first;
    QtConcurrent::blockingMap(positions, [&](int pos) {
        Status st = decode(indices[pos], out + pos * per);
        if (!st) {
            QMutexLocker lock(&mutex);
            if (!first)
                first = st.error();
        }
    });
    if (first)
        return *first;
    return {};
}

} // namespace qs
