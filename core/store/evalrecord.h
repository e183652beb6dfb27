// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/eval/evalresult.h"
#include "core/store/runrecord.h"

namespace qs {

/// \brief The "eval" run the Store keeps for an evaluation: accuracy (top-1 in percent, as the
/// metric::Top1 convention) and fidelity against the reference as metrics, the whole EvalResult
/// as the evaluation. \a fingerprint: the environment it ran in (Fingerprint::toJson()).
RunRecord evalRunRecord(const EvalResult& result, const QJsonObject& fingerprint = {});
/// What is known when an evaluation starts (recorded as running).
RunRecord evalRunRecord(const QString& modelPath, const QString& modelSha256, const QJsonObject& config);

} // namespace qs
