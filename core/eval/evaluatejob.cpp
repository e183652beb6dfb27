// SPDX-License-Identifier: GPL-3.0-or-later
#include "evaluatejob.h"

#include "core/common/paths.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

#include <algorithm>

namespace qs {

namespace {

constexpr qint64 kMaxBatch = 256;
constexpr qint64 kBatchBytes = qint64(64) << 20;

} // namespace

qint64 EvalOptions::batchFor(const Dataset& data) const
{
    if (batch > 0)
        return batch;
    qint64 bytes = 0;
    for (const TensorSpec& t : data.info().inputSpec.inputs)
        bytes += t.numel() * dtypeBytes(t.dtype);
    return std::clamp<qint64>(kBatchBytes / std::max<qint64>(1, bytes), 1, kMaxBatch);
}

QStringList sidecarClassNames(const QString& modelPath)
{
    for (const QString& candidate : InputSpec::sidecarCandidates(modelPath)) {
        QFile f(candidate);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        QStringList names;
        for (const QJsonValue& v : QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("classes")).toArray())
            names << v.toString();
        return names;
    }
    return {};
}

EvaluateJob::EvaluateJob(const TorchModel& model, const Dataset& data, const EvalOptions& options, const TorchModel& reference,
                         QObject* parent)
    : Job(QStringLiteral("Evaluating %1").arg(model.name()), parent), m_model(model), m_reference(reference), m_data(data),
      m_options(options)
{
}

EvaluateJob::EvaluateJob(const TorchModel& model, const QString& dataSource, const DatasetOptions& dataOptions, const EvalOptions& options,
                         const TorchModel& reference, QObject* parent)
    : Job(QStringLiteral("Evaluating %1").arg(model.name()), parent), m_model(model), m_reference(reference), m_dataSource(dataSource),
      m_dataOptions(dataOptions), m_options(options)
{
}

EvaluateJob::~EvaluateJob() = default;

EvalResult EvaluateJob::result() const
{
    QMutexLocker lock(&m_resultMutex);
    return m_result;
}

Status EvaluateJob::run()
{
    Dataset data;
    if (m_data) {
        data = *m_data;
    } else {
        setProgress(0, QStringLiteral("Opening %1").arg(paths::pretty(m_dataSource)));
        auto opened = Dataset::open(m_dataSource, m_dataOptions, m_options.modelSpec);
        if (!opened)
            return opened.error();
        data = *opened;
    }
    EvalHooks hooks;
    hooks.progress = [this](int permille, const QString& message) { setProgress(permille, message); };
    hooks.checkCancelled = [this] { checkCancelled(); };
    auto r = evaluate(m_model, data, m_options, m_reference, hooks);
    if (!r)
        return r.error();
    {
        QMutexLocker lock(&m_resultMutex);
        m_result = *r;
    }
    Q_EMIT evaluated(*r);
    return {};
}

} // namespace qs
