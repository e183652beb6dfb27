// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: which layers a scheme quantizes, which it leaves in FP32 and why.
#pragma once

#include "core/common/error.h"
#include "core/quant/schemecatalog.h"
#include "core/quant/variant.h"
#include "core/quant/weightinventory_p.h"

#include <QtCore/QHash>
#include <QtCore/QSet>

namespace qs::detail {

/// Layer name -> the --exclude pattern that keeps it in FP32.
using ExclusionMap = QHash<QString, QString>;

/// The modules \a patterns (--exclude) keep in FP32, or a usage error naming the pattern that
/// matches nothing (a typo) with the model's layers and types.
Result<QStringList> excludedModules(const QStringList& patterns, const WeightInventory& inventory,
    const QString& modelName);

ExclusionMap exclusionsOf(const WeightInventory& inventory, const QStringList& patterns);

/// Weights a weight-only scheme packs: every weight of a layer not excluded (fp16 storage: the
/// Linear weights only, as quantize_dynamic_jit's fp16 covers).
std::vector<int> weightsToPack(
    const WeightInventory& inventory, const ExclusionMap& excluded, const SchemeInfo& scheme);

Coverage graphModeCoverage(const WeightInventory& inventory, const ExclusionMap& excluded, const SchemeInfo& scheme,
    const QSet<QString>& observedWeights, const QMap<QString, int>& quantizedOps);
Coverage weightOnlyCoverage(const WeightInventory& inventory, const ExclusionMap& excluded, const SchemeInfo& scheme,
    const std::vector<int>& packed);

/// "3 excluded, 1 embedding" for messages.
QString summarizeReasons(const Coverage& coverage);

} // namespace qs::detail
