// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/data/dataset.h"

#include <QtCore/QStringList>
#include <QtCore/QVector>

namespace qs {

/// \brief The files of an image folder in torchvision's ImageFolder layout (root/<class>/<image>),
/// or of a flat folder of images without labels, and how each becomes a CHW float tensor.
///
/// Classes are the subfolder names sorted, files sorted the way torchvision walks them, so that
/// label indices match a model trained with torchvision.datasets.ImageFolder. Decoding uses
/// QtGui's QImageReader (no widgets); it never touches LibTorch, so that the fast path stays
/// in plain loops and this file compiles without torch headers.
class ImageFolder
{
public:
    /// Lists and checks the images (headers only) under \a root.
    static Result<ImageFolder> scan(const QString& root, const DatasetOptions& options);

    QString root() const { return m_root; }
    QStringList classes() const { return m_classes; }
    bool hasLabels() const { return !m_classes.isEmpty(); }
    qint64 count() const { return m_files.size(); }
    QString file(qint64 i) const { return m_files.value(int(i)); }
    qint64 label(qint64 i) const { return m_labels.value(int(i), -1); }
    int channels() const { return m_channels; }
    int width() const { return m_width; }
    int height() const { return m_height; }
    qint64 skipped() const { return m_skipped; }
    QStringList skippedExamples() const { return m_skippedExamples; }
    QStringList notes() const { return m_notes; }

    /// Decodes image \a i into \a out (channels x height x width floats, transformed as the
    /// options say). Thread-safe.
    Status decode(qint64 i, float* out) const;
    /// Decodes several images in parallel; \a out holds indices.size() images back to back.
    Status decodeMany(const QVector<qint64>& indices, float* out) const;

    /// File name extensions torchvision's ImageFolder accepts (lower case, with the dot).
    static QStringList imageExtensions();

private:
    QString m_root;
    DatasetOptions m_options;
    QStringList m_classes;
    QStringList m_files;
    QVector<qint64> m_labels;
    int m_channels = 3;
    int m_width = 0;
    int m_height = 0;
    qint64 m_skipped = 0;
    QStringList m_skippedExamples;
    QStringList m_notes;
};

} // namespace qs
