// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core/data: the four kinds of DataSource and how each is opened.
#pragma once

#include "core/data/dataset_p.h"

namespace qs::detail {

struct OpenedSource
{
    std::shared_ptr<const DataSource> source;
    DatasetInfo info; ///< everything but the subset fields (samples, labelMin/Max)
};

Result<OpenedSource> openTensorFile(const QString& path, const DatasetOptions& options);
Result<OpenedSource> openIdx(const QString& imagesPath, const DatasetOptions& options);
Result<OpenedSource> openImageFolder(const QString& dir, const DatasetOptions& options);
Result<OpenedSource> openRandom(const InputSpec& spec, const DatasetOptions& options, const QString& text);
Result<OpenedSource> openTensors(std::vector<at::Tensor> inputs, at::Tensor labels, const QString& name);

/// The IDX labels file that belongs to \a imagesPath (train-images-idx3-ubyte.gz ->
/// train-labels-idx1-ubyte.gz, gz or not), or empty.
QString idxLabelsFor(const QString& imagesPath);

} // namespace qs::detail
