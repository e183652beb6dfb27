// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/model/inputspec.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMap>
#include <QtCore/QMetaType>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <optional>

namespace qs {

/// \brief One submodule of a model, as the inspector's layer table shows it.
struct LayerInfo
{
    QString name;          ///< qualified name, e.g. "features.0"
    QString type;          ///< short type, e.g. "Conv2d"
    QString qualifiedType; ///< e.g. "__torch__.torch.nn.modules.conv.Conv2d"
    int depth = 0;         ///< 1 for children of the root
    bool leaf = true;      ///< has no submodules
    qint64 params = 0;     ///< own parameters (not recursive), elements
    qint64 buffers = 0;    ///< own buffers, elements
    qint64 bytes = 0;      ///< own parameters + buffers + packed weights, bytes
    qint64 packedParams = 0; ///< elements inside packed quantized weights
    bool quantized = false;  ///< holds quantized tensors or packed INT8/FP16 weights
    QStringList schemes;     ///< schemes that can quantize this layer
    QString outputShape;     ///< with inputs: e.g. "1x16x28x28"
    qint64 macs = -1;        ///< with inputs, Conv/Linear only: multiply-accumulates of one forward
};

/// \brief One output of the model's forward (a tensor, or a tensor inside a tuple/list/dict).
struct OutputInfo
{
    QString path; ///< "" for a plain tensor, "0", "1" for tuples, "logits" for dicts
    QVector<qint64> shape;
    QString dtype;
};

/// \brief What the inspector knows of a model.
struct ModelInfo
{
    QString path;
    QString name;
    qint64 fileBytes = 0;
    QString sha256;
    qint64 params = 0;        ///< sum(p.numel() for p in m.parameters()), as PyTorch counts
    qint64 paramBytes = 0;
    qint64 buffers = 0;
    qint64 bufferBytes = 0;
    qint64 packedParams = 0;  ///< elements held in packed quantized weights (not parameters)
    qint64 packedBytes = 0;
    qint64 constantTensors = 0; ///< tensors frozen into the graph as constants
    qint64 constantBytes = 0;
    QMap<QString, qint64> paramBytesByDtype; ///< "float32" -> bytes (packed weights included)
    QMap<QString, qint64> paramsByDtype;
    bool quantized = false;
    QStringList quantizedEvidence; ///< e.g. "3 packed Linear weights", "quantized::linear_dynamic x3"
    QMap<QString, int> opCounts;   ///< aten/quantized ops of the inlined forward graph
    QVector<LayerInfo> layers;     ///< all submodules, depth-first, root excluded
    QMap<QString, int> layerTypes; ///< short type -> count
    QStringList forwardArgs;       ///< "x: Tensor", ...
    // With inputs:
    InputSpec inputs;
    QVector<OutputInfo> outputs;
    qint64 macs = -1;              ///< total over Conv/Linear layers
    double forwardMs = -1;

    /// Bytes of all weights however they are held: parameters, buffers, packed, constants.
    qint64 weightBytes() const { return paramBytes + bufferBytes + packedBytes + constantBytes; }

    QJsonObject toJson() const;
};

} // namespace qs

Q_DECLARE_METATYPE(qs::ModelInfo)
