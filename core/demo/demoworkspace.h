// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QStringList>

#include <optional>

namespace qs {

/// \brief The built-in demo: a small CNN for Fashion-MNIST that Quantscope trains itself from
/// Debian's dataset-fashion-mnist, with its test and calibration sets, cached in the data dir.
struct DemoWorkspace
{
    /// Bumped whenever the demo model or its files change, so that old caches are rebuilt.
    static constexpr int kFormatVersion = 1;

    QString dir;
    QString modelPath;     ///< fashion_cnn.pt (TorchScript, FP32)
    QString sidecarPath;   ///< fashion_cnn.json (input spec: 1x1x28x28 float32)
    QString testDataPath;  ///< fashion_test.pt: {"inputs": [10000,1,28,28] float32 in [0,1], "labels": int64}
    QString calibDataPath; ///< fashion_calib.pt: {"inputs": [1000,1,28,28]} from the training set
    QStringList classes;   ///< "T-shirt/top", "Trouser", ...
    double testAccuracy = 0; ///< FP32 top-1 on the 10,000 test images, in [0,1]
    double trainSeconds = 0;
    int epochs = 0;
    int threads = 0;
    QDateTime created;

    QJsonObject toJson() const;
    /// The cached workspace in \a dir, if it is complete and of the current format.
    static std::optional<DemoWorkspace> load(const QString& dir);
    /// Where Debian's Fashion-MNIST lives ($QUANTSCOPE_FASHION_MNIST overrides).
    static QString datasetDir();
    /// The ten Fashion-MNIST class names.
    static QStringList classNames();
};

} // namespace qs

Q_DECLARE_METATYPE(qs::DemoWorkspace)
