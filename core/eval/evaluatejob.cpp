// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/script.h>

#include "evaluatejob.h"

#include "core/bench/threading.h"
#include "core/common/engine.h"
#include "core/common/logging.h"
#include "core/common/paths.h"
#include "core/common/version.h"
#include "core/data/dataset_p.h"
#include "core/eval/metrics.h"
#include "core/eval/modelrunner_p.h"
#include "core/model/tensorutil_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QLocale>

#include <optional>

namespace qs {

namespace {

constexpr qint64 kMaxBatch = 256;
constexpr qint64 kBatchBytes = qint64(64) << 20;

QString dataName(const Dataset& data)
{
    return data.info().kind == DatasetInfo::Kind::Random ? data.info().path : QFileInfo(data.info().path).fileName();
}

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

Result<EvalResult> evaluate(const TorchModel& model, const Dataset& data, const EvalOptions& options, const TorchModel& reference,
                            const EvalHooks& hooks)
{
    if (model.isNull() || data.isNull())
        return Error(Error::Kind::Internal, QStringLiteral("evaluate() needs a model and data."));
    const QLocale c = QLocale::c();
    EvalResult r;
    r.startedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    r.quantscopeVersion = version();
    r.modelPath = model.path();
    r.modelName = model.name();
    r.modelSha256 = model.sha256();
    r.dataPath = data.info().path;
    r.dataKind = DatasetInfo::kindName(data.info().kind);
    r.dataSummary = data.info().summary();
    r.samples = data.size();
    r.subset = data.info().subset;
    r.classNames = data.info().classNames.isEmpty() ? options.classNames : data.info().classNames;
    r.notes = data.info().notes;
    r.dataSeconds = data.info().loadSeconds;
    const bool withReference = !reference.isNull();
    if (withReference) {
        r.referencePath = reference.path();
        r.referenceSha256 = reference.sha256();
    }
    if (data.size() == 0)
        return Error::badInput(QStringLiteral("%1 has no samples to evaluate.").arg(paths::pretty(data.info().path)));
    if (options.threads > 0)
        threading::setComputeThreads(options.threads);
    r.threads = threading::torchThreads();
    r.engine = engine::current();

    InputSpec reshapeTo;
    if (!options.modelSpec.isEmpty()) {
        bool reshapable = false;
        if (Status st = data.checkAgainst(options.modelSpec, &reshapable); !st) {
            if (!reshapable)
                return Error::badInput(QString(st.error().message).replace(QLatin1String("the model"), model.name()));
            reshapeTo = options.modelSpec;
            r.notes << QStringLiteral("samples reshaped to the model's input %1 (same number of values)").arg(options.modelSpec.toString());
        }
    }

    const qint64 batch = options.batchFor(data);
    r.batch = batch;
    detail::ModelRunner runner(model, options.output, reshapeTo);
    std::optional<detail::ModelRunner> refRunner;
    if (withReference)
        refRunner.emplace(reference, options.output, reshapeTo);
    std::optional<ClassificationAccumulator> acc, refAcc;
    std::optional<FidelityAccumulator> fid;
    bool scores = false;
    QElapsedTimer dataTimer;
    const qint64 n = data.size();
    for (qint64 first = 0; first < n; first += batch) {
        if (hooks.checkCancelled)
            hooks.checkCancelled();
        dataTimer.start();
        auto b = detail::batchOf(data, first, batch);
        if (!b)
            return b.error();
        r.dataSeconds += double(dataTimer.nsecsElapsed()) / 1e9;
        const QString where = QStringLiteral("%1 samples %2-%3").arg(dataName(data)).arg(first).arg(first + b->size() - 1);
        auto out = runner.run(b->inputs, where);
        if (!out)
            return out.error();
        const at::Tensor o = *out;
        at::Tensor ref;
        if (refRunner) {
            auto ro = refRunner->run(b->inputs, where);
            if (!ro)
                return ro.error();
            ref = *ro;
            if (ref.sizes() != o.sizes())
                return Error::badInput(QStringLiteral("%1 outputs %2 but the reference %3 outputs %4 on the same inputs; they are not the "
                                                      "same model. Give the FP32 model this variant was made from as --reference.")
                                           .arg(model.name(), detail::shapeString(o.sizes()), reference.name(), detail::shapeString(ref.sizes())));
        }
        if (first == 0) {
            // What the output is decides what can be measured.
            scores = o.dim() == 2 && o.size(1) >= 2;
            if (data.hasLabels() && scores) {
                const qint64 classes = o.size(1);
                if (data.info().labelMax >= classes)
                    return Error::badInput(QStringLiteral("The labels of %1 go up to %2, but %3 outputs %4 class scores (labels must be 0 to %5). "
                                                          "Check that the data belongs to this model%6.")
                                               .arg(paths::pretty(data.info().path)).arg(data.info().labelMax).arg(model.name()).arg(classes)
                                               .arg(classes - 1)
                                               .arg(runner.outputPath().isEmpty() ? QString() : QStringLiteral(", or pick another --output")));
                acc.emplace(int(classes));
                if (withReference)
                    refAcc.emplace(int(classes));
            } else if (data.hasLabels()) {
                r.notes << QStringLiteral("labels not used: the output is %1, not class scores [N, classes]").arg(detail::shapeString(o.sizes()));
            }
            if (withReference) {
                QVector<qint64> image;
                if (o.dim() == 4)
                    image = {o.size(1), o.size(2), o.size(3)};
                fid.emplace(o.numel() / o.size(0), scores, image, options.imagePeak);
            }
            r.output = runner.outputPath();
        }
        if (acc) {
            const at::Tensor labels = b->labels.contiguous();
            static_assert(sizeof(int64_t) == sizeof(qint64), "labels are passed as qint64");
            const auto* l = reinterpret_cast<const qint64*>(labels.data_ptr<int64_t>());
            acc->add(o.data_ptr<float>(), o.size(0), l);
            if (refAcc)
                refAcc->add(ref.data_ptr<float>(), ref.size(0), l);
        }
        if (fid)
            fid->add(o.data_ptr<float>(), ref.data_ptr<float>(), o.size(0));
        const qint64 done = first + b->size();
        if (hooks.progress)
            hooks.progress(int(1000 * done / n), QStringLiteral("Evaluating %1, %2/%3 samples").arg(model.name(), c.toString(done), c.toString(n)));
    }
    r.seconds = runner.seconds();
    r.samplesPerSecond = r.seconds > 0 ? double(n) / r.seconds : 0;
    if (refRunner)
        r.referenceSeconds = refRunner->seconds();
    if (acc) {
        r.accuracy = acc->result(r.classNames);
        if (r.accuracy->nonFinite > 0)
            r.notes << QStringLiteral("%1 sample(s) had NaN or infinite scores (counted as wrong)").arg(r.accuracy->nonFinite);
    }
    if (refAcc)
        r.referenceAccuracy = refAcc->result(r.classNames);
    if (fid)
        r.fidelity = fid->result();
    qCInfo(lcEval) << "evaluated" << model.name() << "on" << n << "samples in" << r.seconds << "s";
    return r;
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
