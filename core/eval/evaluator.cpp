// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/script.h>

#include "evaluator_p.h"

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
#include <QtCore/QFileInfo>
#include <QtCore/QLocale>

#include <optional>

namespace qs {

namespace {

QString dataName(const Dataset& data)
{
    return data.info().kind == DatasetInfo::Kind::Random ? data.info().path : QFileInfo(data.info().path).fileName();
}

QString batchName(const Dataset& data, qint64 first, qint64 size)
{
    return QStringLiteral("%1 samples %2-%3").arg(dataName(data)).arg(first).arg(first + size - 1);
}

/// What every pass over the data shares: the layout the model takes and the batch size.
struct Plan
{
    InputSpec reshapeTo;
    qint64 batch = 0;
    QStringList notes;
};

Result<Plan> planFor(const TorchModel& model, const Dataset& data, const EvalOptions& options)
{
    if (model.isNull() || data.isNull())
        return Error(Error::Kind::Internal, QStringLiteral("Evaluation needs a model and data."));
    if (data.size() == 0)
        return Error::badInput(QStringLiteral("%1 has no samples to evaluate.").arg(paths::pretty(data.info().path)));
    Plan p;
    if (!options.modelSpec.isEmpty()) {
        bool reshapable = false;
        if (Status st = data.checkAgainst(options.modelSpec, &reshapable); !st) {
            if (!reshapable)
                return Error::badInput(QString(st.error().message).replace(QLatin1String("the model"), model.name()));
            p.reshapeTo = options.modelSpec;
            p.notes << QStringLiteral("samples reshaped to the model's input %1 (same number of values)").arg(options.modelSpec.toString());
        }
    }
    p.batch = options.batchFor(data);
    return p;
}

bool isScores(const at::Tensor& o)
{
    return o.dim() == 2 && o.size(1) >= 2;
}

/// An accumulator for the output's classes, or an error when the labels do not fit them.
Result<std::optional<ClassificationAccumulator>> accuracyFor(const at::Tensor& firstOutput, const Dataset& data, const TorchModel& model,
                                                             const QString& outputPath)
{
    std::optional<ClassificationAccumulator> acc;
    if (!data.hasLabels() || !isScores(firstOutput))
        return acc;
    const qint64 classes = firstOutput.size(1);
    if (data.info().labelMax >= classes)
        return Error::badInput(QStringLiteral("The labels of %1 go up to %2, but %3 outputs %4 class scores (labels must be 0 to %5). "
                                              "Check that the data belongs to this model%6.")
                                   .arg(paths::pretty(data.info().path)).arg(data.info().labelMax).arg(model.name()).arg(classes)
                                   .arg(classes - 1)
                                   .arg(outputPath.isEmpty() ? QString() : QStringLiteral(", or pick another --output")));
    acc.emplace(int(classes));
    return acc;
}

const qint64* labelPointer(const at::Tensor& labels)
{
    static_assert(sizeof(int64_t) == sizeof(qint64), "labels are passed as qint64");
    return reinterpret_cast<const qint64*>(labels.data_ptr<int64_t>());
}

} // namespace

Result<EvalResult> evaluate(const TorchModel& model, const Dataset& data, const EvalOptions& options, const TorchModel& reference,
                            const EvalHooks& hooks)
{
    if (reference.isNull())
        return detail::evaluateWith(model, data, options, nullptr, hooks);
    // One pass: the reference runs beside the model, batch by batch, and keeps nothing.
    detail::ReferenceRun inline_;
    inline_.model = reference;
    return detail::evaluateWith(model, data, options, &inline_, hooks);
}

namespace detail {

Result<ReferenceRun> runReference(const TorchModel& reference, const Dataset& data, const EvalOptions& options, const EvalHooks& hooks,
                                  qint64 maxBytes)
{
    auto plan = planFor(reference, data, options);
    if (!plan)
        return plan.error();
    if (options.threads > 0)
        threading::setComputeThreads(options.threads);
    ReferenceRun run;
    run.model = reference;
    run.batch = plan->batch;
    ModelRunner runner(reference, options.output, plan->reshapeTo);
    std::optional<ClassificationAccumulator> acc;
    bool keep = true;
    qint64 bytes = 0;
    const qint64 n = data.size();
    for (qint64 first = 0; first < n; first += plan->batch) {
        if (hooks.checkCancelled)
            hooks.checkCancelled();
        auto b = batchOf(data, first, plan->batch);
        if (!b)
            return b.error();
        auto out = runner.run(b->inputs, batchName(data, first, b->size()));
        if (!out)
            return out.error();
        if (first == 0) {
            auto a = accuracyFor(*out, data, reference, runner.outputPath());
            if (!a)
                return a.error();
            acc = *a;
        }
        if (acc)
            acc->add(out->data_ptr<float>(), out->size(0), labelPointer(b->labels.contiguous()));
        bytes += tensorBytes(*out);
        if (keep && bytes > maxBytes) {
            keep = false;
            run.outputs.clear();
        }
        if (keep)
            run.outputs.push_back(*out);
        if (hooks.progress)
            hooks.progress(int(1000 * (first + b->size()) / n), QStringLiteral("Running the reference %1").arg(reference.name()));
    }
    run.seconds = runner.seconds();
    if (acc)
        run.accuracy = acc->result(data.info().classNames.isEmpty() ? options.classNames : data.info().classNames);
    return run;
}

Result<EvalResult> evaluateWith(const TorchModel& model, const Dataset& data, const EvalOptions& options, const ReferenceRun* reference,
                                const EvalHooks& hooks)
{
    auto plan = planFor(model, data, options);
    if (!plan)
        return plan.error();
    const bool cached = reference && !reference->outputs.empty();
    if (cached && reference->batch != plan->batch)
        return Error(Error::Kind::Internal, QStringLiteral("The reference was run with batches of %1, not %2.").arg(reference->batch).arg(plan->batch));
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
    r.notes = data.info().notes + plan->notes;
    r.dataSeconds = data.info().loadSeconds;
    r.batch = plan->batch;
    if (reference) {
        r.referencePath = reference->model.path();
        r.referenceSha256 = reference->model.sha256();
    }
    if (options.threads > 0)
        threading::setComputeThreads(options.threads);
    r.threads = threading::torchThreads();
    r.engine = engine::current();

    ModelRunner runner(model, options.output, plan->reshapeTo);
    std::optional<ModelRunner> refRunner;
    if (reference && !cached)
        refRunner.emplace(reference->model, options.output, plan->reshapeTo);
    std::optional<ClassificationAccumulator> acc, refAcc;
    std::optional<FidelityAccumulator> fid;
    QElapsedTimer dataTimer;
    const qint64 n = data.size();
    size_t batchIndex = 0;
    for (qint64 first = 0; first < n; first += plan->batch, ++batchIndex) {
        if (hooks.checkCancelled)
            hooks.checkCancelled();
        dataTimer.start();
        auto b = batchOf(data, first, plan->batch);
        if (!b)
            return b.error();
        r.dataSeconds += double(dataTimer.nsecsElapsed()) / 1e9;
        const QString where = batchName(data, first, b->size());
        auto out = runner.run(b->inputs, where);
        if (!out)
            return out.error();
        const at::Tensor o = *out;
        at::Tensor ref;
        if (cached) {
            ref = reference->outputs.at(batchIndex);
        } else if (refRunner) {
            auto ro = refRunner->run(b->inputs, where);
            if (!ro)
                return ro.error();
            ref = *ro;
        }
        if (ref.defined() && ref.sizes() != o.sizes())
            return Error::badInput(QStringLiteral("%1 outputs %2 but the reference %3 outputs %4 on the same inputs; they are not the "
                                                  "same model. Give the FP32 model this variant was made from as --reference.")
                                       .arg(model.name(), shapeString(o.sizes()), reference->model.name(), shapeString(ref.sizes())));
        if (first == 0) {
            // What the output is decides what can be measured.
            auto a = accuracyFor(o, data, model, runner.outputPath());
            if (!a)
                return a.error();
            acc = *a;
            if (acc && refRunner)
                refAcc.emplace(acc->classes());
            if (data.hasLabels() && !acc)
                r.notes << QStringLiteral("labels not used: the output is %1, not class scores [N, classes]").arg(shapeString(o.sizes()));
            if (ref.defined()) {
                QVector<qint64> image;
                if (o.dim() == 4)
                    image = {o.size(1), o.size(2), o.size(3)};
                fid.emplace(o.numel() / o.size(0), isScores(o), image, options.imagePeak);
            }
            r.output = runner.outputPath();
        }
        if (acc) {
            const at::Tensor labels = b->labels.contiguous();
            acc->add(o.data_ptr<float>(), o.size(0), labelPointer(labels));
            if (refAcc)
                refAcc->add(ref.data_ptr<float>(), ref.size(0), labelPointer(labels));
        }
        if (fid)
            fid->add(o.data_ptr<float>(), ref.data_ptr<float>(), o.size(0));
        const qint64 done = first + b->size();
        if (hooks.progress)
            hooks.progress(int(1000 * done / n), QStringLiteral("Evaluating %1, %2/%3 samples").arg(model.name(), c.toString(done), c.toString(n)));
    }
    r.seconds = runner.seconds();
    r.samplesPerSecond = r.seconds > 0 ? double(n) / r.seconds : 0;
    if (acc) {
        r.accuracy = acc->result(r.classNames);
        if (r.accuracy->nonFinite > 0)
            r.notes << QStringLiteral("%1 sample(s) had NaN or infinite scores (counted as wrong)").arg(r.accuracy->nonFinite);
    }
    if (cached) {
        r.referenceSeconds = reference->seconds;
        if (acc)
            r.referenceAccuracy = reference->accuracy;
    } else if (refRunner) {
        r.referenceSeconds = refRunner->seconds();
        if (refAcc)
            r.referenceAccuracy = refAcc->result(r.classNames);
    }
    if (fid)
        r.fidelity = fid->result();
    qCInfo(lcEval) << "evaluated" << model.name() << "on" << n << "samples in" << r.seconds << "s";
    return r;
}

} // namespace detail

} // namespace qs
