// SPDX-License-Identifier: GPL-3.0-or-later
#include "openmodeljob.h"

#include "core/common/paths.h"
#include "core/model/forwardprobe.h"
#include "core/model/inspector.h"
#include "core/model/modelloader.h"

namespace qs {

OpenModelJob::OpenModelJob(const QString& path, const InputSpec& inputs, const QString& engine, QObject* parent)
    : Job(QStringLiteral("Opening %1").arg(paths::pretty(path)), parent), m_path(path), m_engine(engine), m_inputs(inputs)
{
    qRegisterMetaType<qs::OpenedModel>();
}

OpenModelJob::OpenModelJob(const TorchModel& model, const InputSpec& inputs, QObject* parent)
    : Job(QStringLiteral("Checking inputs of %1").arg(model.name()), parent), m_model(model), m_inputs(inputs)
{
    qRegisterMetaType<qs::OpenedModel>();
}

Status OpenModelJob::run()
{
    OpenedModel r;
    if (m_model.isNull()) {
        setProgress(0, QStringLiteral("Loading %1").arg(paths::pretty(m_path)));
        auto loaded = loadModel(m_path, {m_engine});
        if (!loaded)
            return loaded.error();
        r.model = *loaded;
    } else {
        r.model = m_model;
    }
    checkCancelled();
    r.inputs = m_inputs;
    if (r.inputs.isEmpty() && m_model.isNull()) {
        // A broken sidecar does not stop the model from opening: the user can fix the spec.
        auto side = InputSpec::readSidecar(m_path);
        if (side)
            r.inputs = *side;
        else
            r.inputProblem = side.error().message;
    }
    setProgress(400, QStringLiteral("Inspecting %1").arg(r.model.name()));
    r.info = inspectModel(r.model);
    checkCancelled();
    if (!r.inputs.isEmpty()) {
        setProgress(700, QStringLiteral("Running one forward with %1").arg(r.inputs.toString()));
        auto probed = inspectModel(r.model, r.inputs);
        if (probed)
            r.info = *probed;
        else
            r.inputProblem = probed.error().message;
    }
    m_result = r;
    Q_EMIT opened(r);
    return {};
}

} // namespace qs
