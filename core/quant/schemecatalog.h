// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <optional>

namespace qs {

/// \brief A quantization scheme as users pick it: id, what it does, which layers it covers.
struct SchemeInfo
{
    QString id;           ///< "dynamic-int8", "static-int8", "fp16", "weight-int8", "kmeans-4", ...
    QString title;        ///< "Dynamic INT8"
    QString summary;      ///< one sentence for tooltips and reports
    bool needsCalibration = false;
    bool realKernels = false; ///< runs LibTorch INT8/FP16 kernels (otherwise a size/accuracy study)
    QStringList layerTypes;   ///< short module types it quantizes
};

/// Every scheme Quantscope knows, in the order the studio lists them.
const QVector<SchemeInfo>& schemeCatalog();
std::optional<SchemeInfo> findScheme(const QString& id);
QStringList schemeIds();
/// Ids of the schemes that can quantize a module of short type \a type ("Linear", "Conv2d").
QStringList schemesForLayerType(const QString& type);

} // namespace qs
