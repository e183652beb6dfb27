// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/model/inputspec.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <memory>

namespace qs {

/// \brief How to open a Dataset: which part of it, and how to turn images into tensors.
struct DatasetOptions
{
    /// Subset: keep only the first \a limit samples (after \a fraction, when both are given).
    qint64 limit = -1;
    /// Subset: keep a seeded random fraction in (0, 1] of the samples, in their original order.
    double fraction = -1;
    /// Seed of the random subset and of random inputs.
    quint64 seed = 0;

    /// Image folders: resize so that the shorter side has this many pixels (torchvision's
    /// Resize(int)); 0 keeps the size.
    int resize = 0;
    /// Image folders: center crop to cropWidth x cropHeight (torchvision's CenterCrop); 0 keeps it.
    int cropWidth = 0;
    int cropHeight = 0;
    /// Channel layout made from images: RGB (torchvision's default), BGR (OpenCV-trained models)
    /// or one grey channel (PIL's "L" conversion).
    enum class Color { Rgb, Bgr, Grayscale };
    Color color = Color::Rgb;
    /// Image folders and IDX files: per-channel normalization (x - mean) / std after scaling;
    /// one value applies to every channel. Empty: none.
    QVector<double> mean;
    QVector<double> std;
    /// Image folders and IDX files: divide 8-bit values by 255 (torchvision's ToTensor). Off:
    /// raw 0..255 values as float32.
    bool scale = true;
    /// Image folders: skip images whose header cannot be read instead of refusing the folder.
    bool skipUnreadable = false;

    /// IDX: the labels file; empty: found next to the images file (train-images -> train-labels).
    QString labelsPath;
    /// Random inputs: how many samples (when \a limit is not given).
    qint64 randomCount = 256;

    /// "fraction 10% (seed 0), first 500, resize 256, crop 224x224, ..." for reports.
    QString describe() const;
};

/// \brief What a Dataset holds, for messages, reports and the InputSpec check.
struct DatasetInfo
{
    enum class Kind { TensorFile, ImageFolder, Idx, Random };
    Kind kind = Kind::TensorFile;
    QString path;             ///< the file or folder (for Random: the spec text)
    QString labelsPath;       ///< IDX: the labels file used
    qint64 samples = 0;       ///< after the subset
    qint64 totalSamples = 0;  ///< before the subset
    QString subset;           ///< "first 500", "random 10% (seed 0)", "random 10% (seed 0), first 50"; empty: all
    bool hasLabels = false;
    QStringList classNames;   ///< image folders: subfolder names; tensor files: a "classes" entry
    qint64 labelMin = 0;      ///< smallest and largest label (when hasLabels)
    qint64 labelMax = -1;
    /// One sample per input with a batch dimension of 1 (e.g. 1x1x28x28:float32); source Dataset.
    InputSpec inputSpec;
    qint64 skippedFiles = 0;  ///< image folders: files that are not images (and unreadable ones when skipped)
    QStringList skippedExamples; ///< a few of them, for the message
    QStringList notes;        ///< what was assumed, e.g. "labels from t10k-labels-idx1-ubyte.gz"
    double loadSeconds = 0;
    qint64 bytesInMemory = 0; ///< what the dataset keeps resident (image folders decode per batch)

    static QString kindName(Kind k); ///< "tensor-file", "image-folder", "idx", "random"
    /// "fashion_test.pt: 10,000 samples of 1x28x28 float32 with labels (10 classes)"
    QString summary() const;
    QJsonObject toJson() const;
};

/// \brief Inputs, and maybe labels, for calibration and evaluation.
///
/// Opened from a torch.save'd tensor file (a dict {"inputs", "labels"[, "classes"]}, a tuple or
/// list (inputs..., labels), or a bare tensor), an ImageFolder-layout folder, an IDX images file
/// (MNIST/Fashion-MNIST, gzipped or not, labels found next to it), or a seeded random generator.
/// Copies share the data; it is immutable and safe to read from several threads. Core .cpp
/// files get batches as tensors through dataset_p.h.
class Dataset
{
public:
    Dataset();
    ~Dataset();
    Dataset(const Dataset&);
    Dataset& operator=(const Dataset&);

    /// Opens \a source: a file or folder path, or "random:SHAPE[:dtype][;SHAPE...]" (e.g.
    /// "random:1x3x224x224"). A random source without shapes ("random") needs \a modelSpec.
    static Result<Dataset> open(const QString& source, const DatasetOptions& options = {},
                                const InputSpec& modelSpec = {});
    /// Seeded random inputs shaped like \a spec (its batch dimension is ignored), no labels.
    static Result<Dataset> random(const InputSpec& spec, const DatasetOptions& options = {});

    bool isNull() const;
    const DatasetInfo& info() const;
    qint64 size() const;
    bool hasLabels() const;
    /// All labels of the subset, in order (empty without labels).
    QVector<qint64> labels() const;
    /// Index of subset sample \a i in the original source.
    qint64 sourceIndex(qint64 i) const;
    /// The same data with another subset of the original source (cheap: shares the data).
    Dataset subset(qint64 limit, double fraction = -1, quint64 seed = 0) const;
    /// Whether \a spec (a model's inputs) matches what the data implies, up to the batch
    /// dimension. On mismatch the error names both and says what to do; when only the shape
    /// differs with the same element count, \a reshapable is set (e.g. 1x28x28 data for a
    /// model that takes 784 features).
    Status checkAgainst(const InputSpec& spec, bool* reshapable = nullptr) const;

    /// Whether \a path looks like data this class can open (for file dialogs and messages).
    static bool looksLikeData(const QString& path);

    struct Impl;
    /// Core internals only; the type is complete in dataset_p.h.
    std::shared_ptr<const Impl> d;
};

} // namespace qs

Q_DECLARE_METATYPE(qs::Dataset)
