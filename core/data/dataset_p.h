// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core .cpp files: a Dataset's samples as LibTorch tensors.
#pragma once

#include <torch/script.h>

#include "core/data/dataset.h"

#include <vector>

namespace qs {

namespace detail {

/// \brief Where a Dataset's samples come from (tensor file, IDX, image folder, random).
class DataSource
{
public:
    virtual ~DataSource() = default;
    virtual qint64 count() const = 0;
    /// The inputs of the samples at \a indices (source order), one tensor per model input,
    /// each with the batch dimension first.
    virtual Result<std::vector<at::Tensor>> inputs(const std::vector<int64_t>& indices) const = 0;
    /// All labels, int64 [count()], or an undefined tensor.
    virtual at::Tensor labels() const = 0;
};

/// \brief Consecutive samples of a Dataset, ready for forward().
struct Batch
{
    std::vector<at::Tensor> inputs; ///< one per model input, [n, ...]
    at::Tensor labels;              ///< int64 [n], or undefined without labels
    qint64 first = 0;               ///< index of the first sample in the Dataset
    qint64 size() const { return inputs.empty() ? 0 : inputs.front().size(0); }
};

/// Samples [first, first + count) of \a data (clamped to its size).
Result<Batch> batchOf(const Dataset& data, qint64 first, qint64 count);
/// Every label of \a data, int64 [size()], or undefined.
at::Tensor labelsOf(const Dataset& data);

/// Dataset from tensors already in memory ([N, ...] inputs, int64 [N] labels or undefined), e.g.
/// for tests and for data built by other core code. \a name is used in messages.
Result<Dataset> datasetFromTensors(const std::vector<at::Tensor>& inputs, const at::Tensor& labels, const QString& name,
                                   const DatasetOptions& options = {});

} // namespace detail

struct Dataset::Impl
{
    std::shared_ptr<const detail::DataSource> source;
    std::vector<int64_t> indices; ///< subset position -> source index
    at::Tensor labels;            ///< labels of the subset, int64 [indices.size()], or undefined
    DatasetInfo info;
};

} // namespace qs
