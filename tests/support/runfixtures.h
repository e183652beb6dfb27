// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/runrecord.h"

namespace qs::test {

/// A complete benchmark RunRecord with plausible, seeded values: fingerprint, config, headline
/// metrics, \a latencySamples latencies (~1-2 ms) and \a memorySamples RSS samples with phases.
/// The same seed gives the same run (except the UUID, which is fresh unless \a uuid is given).
RunRecord makeRun(quint32 seed, int latencySamples = 1000, int memorySamples = 600, const QString& scheme = QStringLiteral("fp32"),
                  const QString& modelName = QStringLiteral("net.pt"));

/// An "eval" run of the same model/variant as makeRun(seed, ...) gives, with top-1 and fidelity.
RunRecord makeEvalRun(quint32 seed, double top1, const QString& scheme = QStringLiteral("fp32"),
                      const QString& modelName = QStringLiteral("net.pt"));

} // namespace qs::test
