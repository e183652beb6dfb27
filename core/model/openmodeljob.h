// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/job.h"
#include "core/model/inputspec.h"
#include "core/model/modelinfo.h"
#include "core/model/torchmodel.h"

namespace qs {

/// \brief A model as the studio holds it once opened: the module, what the inspector found,
/// the input spec in use and, when the spec did not fit, why.
struct OpenedModel
{
    TorchModel model;
    ModelInfo info;
    InputSpec inputs;
    QString inputProblem; ///< the probe's error when inputs are set but rejected; empty otherwise
};

/// \brief Loads a model, reads its sidecar (unless inputs are given), inspects it and probes one
/// forward, on a worker thread. Also re-probes an open model with a new InputSpec.
class OpenModelJob : public Job
{
    Q_OBJECT
public:
    /// Opens \a path; \a inputs overrides the sidecar when not empty.
    OpenModelJob(const QString& path, const InputSpec& inputs = {}, const QString& engine = {}, QObject* parent = nullptr);
    /// Re-inspects an already loaded \a model with \a inputs.
    OpenModelJob(const TorchModel& model, const InputSpec& inputs, QObject* parent = nullptr);

    OpenedModel result() const { return m_result; }

Q_SIGNALS:
    void opened(const qs::OpenedModel& model);

protected:
    Status run() override;

private:
    QString m_path;
    QString m_engine;
    TorchModel m_model;
    InputSpec m_inputs;
    OpenedModel m_result;
};

} // namespace qs

Q_DECLARE_METATYPE(qs::OpenedModel)
