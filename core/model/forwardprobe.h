// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/model/modelinfo.h"
#include "core/model/torchmodel.h"

#include <QtCore/QHash>

namespace qs {

/// \brief What one layer produced during a probe forward.
struct LayerProbe
{
    QString outputShape;
    qint64 macs = -1;
};

/// \brief The result of running a model once on inputs made from an InputSpec.
struct ForwardProbe
{
    QVector<OutputInfo> outputs;
    QHash<QString, LayerProbe> layers; ///< by qualified module name (perLayer only)
    double forwardMs = -1;
};

/// \brief The arguments of the model's forward, e.g. "x: Tensor", "mask: Optional[Tensor] = None".
QStringList forwardArguments(const TorchModel& model);

/// \brief Runs one forward with inputs from \a spec (seeded random floats, zero integers).
///
/// Checks the number of inputs against forward's signature first; when the model throws, the
/// error names the layer and the model's own words, condensed. With \a perLayer, the inlined
/// forward graph is run once more to record every layer's output shape and Conv/Linear MACs.
Result<ForwardProbe> probeForward(const TorchModel& model, const InputSpec& spec, bool perLayer = false);

/// \brief probeForward() without the per-layer pass: Status only, for checking a spec.
Status checkInputs(const TorchModel& model, const InputSpec& spec);

} // namespace qs
