// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core .cpp files: runs a model on batches and picks the output to measure.
#pragma once

#include <torch/script.h>

#include "core/model/inputspec.h"
#include "core/model/torchmodel.h"

#include <utility>
#include <vector>

namespace qs::detail {

/// Every tensor inside a forward's result, with its path: "" for a plain tensor, "0", "1.0"
/// inside tuples/lists, "logits" inside dicts. \a others gets paths of non-tensor leaves.
void listOutputs(const c10::IValue& value, const QString& path, std::vector<std::pair<QString, at::Tensor>>& tensors,
                 QStringList* others = nullptr);

/// The tensor at \a selector ("" picks the only tensor). When the output holds several tensors
/// and no selector is given, or the selector names none of them, the error lists them all.
Result<std::pair<QString, at::Tensor>> selectOutput(const c10::IValue& value, const QString& selector, const QString& modelName);

/// \brief Forwards batches through a model and returns the selected output as contiguous
/// float32 [n, ...], timing the forwards.
class ModelRunner
{
public:
    /// \a reshapeTo: when not empty, inputs are reshaped to its per-sample shapes first (data of
    /// the same element count but another layout, e.g. 1x28x28 images for a 784-feature MLP).
    ModelRunner(const TorchModel& model, const QString& output, const InputSpec& reshapeTo = {});

    /// One forward. \a where names the data for messages ("fashion_test.pt samples 0-255").
    Result<at::Tensor> run(const std::vector<at::Tensor>& inputs, const QString& where);

    QString outputPath() const { return m_outputPath; }
    double seconds() const { return m_seconds; }
    qint64 forwards() const { return m_forwards; }
    const TorchModel& model() const { return m_model; }

private:
    TorchModel m_model;
    QString m_output;
    InputSpec m_reshapeTo;
    QString m_outputPath;
    double m_seconds = 0;
    qint64 m_forwards = 0;
};

/// "64x1x28x28 float32, 64x8 int64"
QString describeInputs(const std::vector<at::Tensor>& inputs);

} // namespace qs::detail
