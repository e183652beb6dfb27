// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/model/torchmodel.h"

#include <QtCore/QVector>

namespace qs {

/// \brief One layer of a model built by ModelFactory, mirroring a torch.nn module.
struct LayerSpec
{
    enum class Kind { Linear, Conv2d, BatchNorm2d, ReLU, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten, Dropout,
                      Embedding, Sigmoid, Tanh };
    Kind kind = Kind::ReLU;
    QString name;      ///< attribute name in the parent; generated ("conv1", "fc2", ...) when empty
    qint64 in = 0;     ///< in_features / in_channels / num_embeddings / num_features
    qint64 out = 0;    ///< out_features / out_channels / embedding_dim
    int kernel = 1;
    int stride = 1;
    int padding = 0;
    bool bias = true;
    double p = 0.5;    ///< dropout probability

    static LayerSpec linear(qint64 in, qint64 out, bool bias = true);
    static LayerSpec conv2d(qint64 in, qint64 out, int kernel, int stride = 1, int padding = 0, bool bias = true);
    static LayerSpec batchNorm2d(qint64 channels);
    static LayerSpec relu();
    static LayerSpec maxPool2d(int kernel, int stride = 0);
    static LayerSpec avgPool2d(int kernel, int stride = 0);
    static LayerSpec adaptiveAvgPool2d(int outputSize);
    static LayerSpec flatten();
    static LayerSpec dropout(double p);
    static LayerSpec embedding(qint64 count, qint64 dim);
    static LayerSpec sigmoid();
    static LayerSpec tanh();
    LayerSpec named(const QString& n) const;
};

/// \brief Builds TorchScript models from C++ that look to LibTorch exactly like Python's
/// `torch.jit.script` of the same torch.nn modules: same class names (mangled the same way),
/// parameters, buffers, attributes and ops, PyTorch's default initialisation from a seed.
///
/// The demo workspace and the tests make their models with it; nothing is downloaded.
namespace modelfactory {

/// A `class <className>(nn.Module)` whose forward applies \a layers in order. Layers are
/// registered under their names (generated per kind: conv1, bn1, relu1, fc1, ...).
Result<TorchModel> sequential(const QVector<LayerSpec>& layers, quint64 seed = 0,
                              const QString& className = QStringLiteral("Net"));

/// The MLP of the benchmark studies: Linear(dims[0], dims[1]), ReLU, ..., Linear(dims[n-2], dims[n-1]).
Result<TorchModel> mlp(const QVector<qint64>& dims, quint64 seed = 0);

/// The demo/test CNN for 1x28x28 images: conv(1,16,3)+BN+ReLU+pool, conv(16,32,3)+BN+ReLU+pool,
/// flatten, fc(32*7*7, 128)+ReLU, fc(128, classes).
Result<TorchModel> smallCnn(int classes = 10, quint64 seed = 0);

} // namespace modelfactory

} // namespace qs
