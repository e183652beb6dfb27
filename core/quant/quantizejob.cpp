// SPDX-License-Identifier: GPL-3.0-or-later
#include "quantizejob.h"

#include "core/quant/quantizer.h"

#include <QtCore/QHash>
#include <QtCore/QJsonDocument>

namespace qs {

QuantizeJob::QuantizeJob(const TorchModel& model, const QVector<QuantizeOptions>& schemes, QObject* parent)
    : Job(schemes.size() == 1 ? QStringLiteral("Quantize %1 (%2)").arg(model.name(), schemes.front().scheme)
                              : QStringLiteral("Quantize %1 (%2 schemes)").arg(model.name()).arg(schemes.size()),
        parent)
    , m_model(model)
    , m_schemes(schemes)
{
    qRegisterMetaType<qs::Variant>();
}

QuantizeJob::~QuantizeJob() = default;

QVector<Variant> QuantizeJob::variants() const
{
    QMutexLocker lock(&m_resultMutex);
    return m_variants;
}

QVector<TorchModel> QuantizeJob::models() const
{
    QMutexLocker lock(&m_resultMutex);
    return m_models;
}

QVector<QPair<int, Error>> QuantizeJob::failures() const
{
    QMutexLocker lock(&m_resultMutex);
    return m_failures;
}

Status QuantizeJob::run()
{
    const int n = m_schemes.size();
    if (n == 0)
        return Error::usage(QStringLiteral("No scheme to quantize with."));
    Status first;
    QHash<QByteArray, Dataset> opened; // one Dataset per distinct source and options
    for (int i = 0; i < n; ++i) {
        checkCancelled();
        const QuantizeOptions& options = m_schemes[i];
        Dataset data = m_calibration;
        if (data.isNull() && options.calibration != QuantizeOptions::Calibration::None) {
            QJsonObject key = options.toJson();
            for (const char* k : { "scheme", "out", "observer", "granularity", "block", "exclude", "engine" })
                key.remove(QLatin1String(k));
            const QByteArray id = QJsonDocument(key).toJson(QJsonDocument::Compact);
            if (!opened.contains(id)) {
                setProgress(
                    i * 1000 / n, QStringLiteral("Opening the calibration data %1").arg(options.calibrationPath));
                auto d = openCalibrationData(options, m_model.name());
                if (!d) {
                    QMutexLocker lock(&m_resultMutex);
                    m_failures << qMakePair(i, d.error());
                    if (first.ok())
                        first = d.error();
                    Q_EMIT variantFailed(i, options.scheme, d.error());
                    continue;
                }
                opened.insert(id, *d);
            }
            data = opened.value(id);
        }
        QuantizeHooks hooks;
        // Each scheme gets an equal share of the progress bar.
        hooks.progress = [this, i, n](int permille, const QString& message) {
            setProgress((i * 1000 + permille) / n,
                n > 1 ? QStringLiteral("[%1/%2] %3").arg(i + 1).arg(n).arg(message) : message);
        };
        hooks.checkCancelled = [this] { checkCancelled(); };
        auto result = quantizeModel(m_model, options, data, hooks);
        if (!result) {
            {
                QMutexLocker lock(&m_resultMutex);
                m_failures << qMakePair(i, result.error());
            }
            if (first.ok())
                first = result.error();
            Q_EMIT variantFailed(i, m_schemes[i].scheme, result.error());
            continue;
        }
        {
            QMutexLocker lock(&m_resultMutex);
            m_variants << result->variant;
            if (m_keepModels)
                m_models << result->model;
        }
        Q_EMIT variantReady(i, result->variant);
    }
    return first;
}

} // namespace qs
