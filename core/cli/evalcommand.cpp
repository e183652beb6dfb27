// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/cli/command.h"
#include "core/store/jobrecorder.h"
#include "core/cli/dataoptions.h"
#include "core/cli/texttable.h"
#include "core/common/paths.h"
#include "core/eval/evaluatejob.h"
#include "core/model/modelloader.h"

#include <QtCore/QLocale>

#include <cmath>

namespace qs::cli {

namespace {

QString fixed(double v, int digits)
{
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'f', digits);
}

QString percent(double v)
{
    return fixed(100.0 * v, 2) + QLatin1Char('%');
}

void printAccuracy(QTextStream& out, const AccuracyMetrics& a, const QString& title, bool perClass, bool confusion)
{
    out << title << ": top-1 " << percent(a.top1) << " (" << a.correct << "/" << a.samples << "), top-" << a.topK << " "
        << percent(a.top5) << ", loss " << fixed(a.loss, 4) << "\n"
        << "  precision " << fixed(a.precision, 4) << ", recall " << fixed(a.recall, 4) << ", F1 " << fixed(a.f1, 4) << " (" << a.average
        << ")\n";
    if (perClass) {
        TextTable t({QStringLiteral("Class"), QStringLiteral("Name"), QStringLiteral("Support"), QStringLiteral("Precision"),
                     QStringLiteral("Recall"), QStringLiteral("F1")},
                    {true, false, true, true, true, true});
        for (const ClassMetrics& c : a.perClass)
            t.addRow({QString::number(c.index), c.name, QString::number(c.support), fixed(c.precision, 4), fixed(c.recall, 4), fixed(c.f1, 4)});
        out << t.render();
    }
    if (confusion) {
        QStringList header{QStringLiteral("true\\pred")};
        QVector<bool> right{false};
        for (int k = 0; k < a.classes; ++k) {
            header << QString::number(k);
            right << true;
        }
        TextTable t(header, right);
        for (int k = 0; k < a.confusion.size(); ++k) {
            QStringList row{QString::number(k)};
            for (qint64 v : a.confusion[k])
                row << QString::number(v);
            t.addRow(row);
        }
        out << "Confusion matrix (rows: true class, columns: predicted):\n" << t.render();
    }
}

int runEval(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Evaluate a model on data: accuracy (top-1, top-5, precision, recall, F1, loss, confusion matrix) when the data has "
        "labels, and fidelity against a reference model (cosine, SQNR, MSE, PSNR, mean/max differences, top-1 agreement) "
        "with --reference. DATA is %1.").arg(dataHelp()));
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("TorchScript file to evaluate (FP32 or a quantized variant)."));
    parser.addOption({QStringLiteral("data"), QStringLiteral("The data (required)."), QStringLiteral("DATA")});
    parser.addOption({QStringLiteral("reference"), QStringLiteral("FP32 model to compare outputs with, on the same inputs."),
                      QStringLiteral("FP32_MODEL")});
    addDataOptions(parser);
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Samples per forward (default: 256, fewer for large samples)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("output"), QStringLiteral("Which output of a model that returns a tuple or dict: an index (0, 1.0) or a key "
                                                               "(logits)."),
                      QStringLiteral("SEL")});
    parser.addOption({QStringLiteral("input"), QStringLiteral("The model's input shape, to check the data against (default: its sidecar)."),
                      QStringLiteral("SHAPE[:dtype]")});
    parser.addOption({QStringLiteral("engine"), QStringLiteral("Quantized engine (onednn, qnnpack); default: the fastest."), QStringLiteral("ENGINE")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Compute threads (default: as LibTorch chooses)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("image-peak"), QStringLiteral("Peak value L of image PSNR/SSIM (default: 1 or 255 from the reference)."),
                      QStringLiteral("L")});
    parser.addOption({QStringLiteral("per-class"), QStringLiteral("Print precision, recall and F1 of every class.")});
    parser.addOption({QStringLiteral("confusion"), QStringLiteral("Print the confusion matrix.")});
    ctx.addStoreOptions(parser, Context::StoreUse::Record);
    ctx.addStandardOptions(parser);
    const QString usage = QStringLiteral("quantscope-cli eval MODEL --data DATA [--reference FP32_MODEL] [--samples N] [--batch N] "
                                         "[--output SEL] [--json]");
    if (int rc = ctx.parse(parser, args, usage); rc >= 0)
        return rc;
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != 1)
        return ctx.fail(Error::usage(QStringLiteral("eval takes one MODEL. Usage: %1").arg(usage)));
    if (!parser.isSet(QStringLiteral("data")))
        return ctx.fail(Error::usage(QStringLiteral("eval needs --data DATA: %1.").arg(dataHelp())));

    auto dataOpts = dataOptions(parser);
    if (!dataOpts)
        return ctx.fail(dataOpts.error());
    auto batch = ctx.positiveInt(parser, QStringLiteral("batch"), 0);
    if (!batch)
        return ctx.fail(batch.error());
    auto threads = ctx.positiveInt(parser, QStringLiteral("threads"), 0);
    if (!threads)
        return ctx.fail(threads.error());
    EvalOptions options;
    options.batch = *batch;
    options.threads = *threads;
    options.output = parser.value(QStringLiteral("output"));
    if (parser.isSet(QStringLiteral("image-peak"))) {
        bool ok = false;
        options.imagePeak = parser.value(QStringLiteral("image-peak")).toDouble(&ok);
        if (!ok || options.imagePeak <= 0)
            return ctx.fail(Error::usage(QStringLiteral("--image-peak must be a positive number, not '%1'.").arg(parser.value(QStringLiteral("image-peak")))));
    }

    const QString engine = parser.value(QStringLiteral("engine"));
    auto model = loadModel(pos.first(), {engine});
    if (!model)
        return ctx.fail(model.error());
    TorchModel reference;
    if (parser.isSet(QStringLiteral("reference"))) {
        auto ref = loadModel(parser.value(QStringLiteral("reference")), {engine});
        if (!ref)
            return ctx.fail(ref.error());
        reference = *ref;
    }
    auto spec = ctx.inputSpec(parser.values(QStringLiteral("input")), pos.first());
    if (!spec)
        return ctx.fail(spec.error());
    options.modelSpec = *spec;
    options.classNames = sidecarClassNames(pos.first());
    auto data = Dataset::open(parser.value(QStringLiteral("data")), *dataOpts, *spec);
    if (!data)
        return ctx.fail(data.error());
    if (!ctx.quiet)
        ctx.err() << "Data: " << data->info().summary() << "\n";

    EvaluateJob job(*model, *data, options, reference);
    // The evaluation becomes an "eval" run in the run database (--no-db: not), checked first.
    std::unique_ptr<EvalRecorder> recorder;
    if (ctx.recording()) {
        if (auto store = ctx.store(); !store)
            return ctx.fail(store.error());
        recorder = std::make_unique<EvalRecorder>(ctx.databasePath());
        recorder->attach(&job, model->path(), model->sha256(),
                         QJsonObject{{QStringLiteral("data"), parser.value(QStringLiteral("data"))},
                                     {QStringLiteral("reference"), reference.isNull() ? QString() : reference.path()},
                                     {QStringLiteral("batch"), options.batch},
                                     {QStringLiteral("threads"), options.threads}});
    }
    const Status st = ctx.runJob(job);
    if (recorder) {
        ctx.reportRecorded(recorder->runIds());
        if (const auto e = recorder->error()) {
            ctx.err() << "quantscope-cli: the evaluation was not recorded: " << e->toText(ctx.verbose) << "\n";
            ctx.err().flush();
        }
    }
    if (!st)
        return ctx.fail(st.error());
    const EvalResult r = job.result();
    if (ctx.json) {
        QJsonObject o = r.toJson();
        if (recorder && recorder->runId(QStringLiteral("eval")) > 0) {
            o.insert(QStringLiteral("run_id"), recorder->runId(QStringLiteral("eval")));
            o.insert(QStringLiteral("database"), ctx.databasePath());
        }
        ctx.printJson(o);
        return recorder && recorder->error() ? recorder->error()->exitCode() : 0;
    }
    const QLocale c = QLocale::c();
    QVector<QPair<QString, QString>> rows{
        {QStringLiteral("Model"), QStringLiteral("%1 (%2)").arg(r.modelName, paths::pretty(r.modelPath))},
        {QStringLiteral("Data"), r.dataSummary},
        {QStringLiteral("Run"), QStringLiteral("batch %1, %2 thread(s), engine %3").arg(r.batch).arg(r.threads).arg(r.engine)},
        {QStringLiteral("Time"), QStringLiteral("%1 s in forwards (%2 samples/s), %3 s reading data")
                                     .arg(fixed(r.seconds, 2), c.toString(qint64(std::llround(r.samplesPerSecond))), fixed(r.dataSeconds, 2))},
    };
    if (!r.output.isEmpty())
        rows << qMakePair(QStringLiteral("Output"), r.output);
    if (!r.referencePath.isEmpty())
        rows << qMakePair(QStringLiteral("Reference"), paths::pretty(r.referencePath));
    ctx.out() << keyValues(rows) << "\n";
    if (r.accuracy)
        printAccuracy(ctx.out(), *r.accuracy, QStringLiteral("Accuracy"), parser.isSet(QStringLiteral("per-class")),
                      parser.isSet(QStringLiteral("confusion")));
    if (r.referenceAccuracy) {
        printAccuracy(ctx.out(), *r.referenceAccuracy, QStringLiteral("Reference accuracy"), false, false);
        ctx.out() << "Top-1 change against the reference: " << fixed(-*r.top1DropPoints(), 2) << " points\n";
    }
    if (r.fidelity) {
        const FidelityMetrics& f = *r.fidelity;
        ctx.out() << "Fidelity against the reference (" << c.toString(f.samples) << " samples):\n"
                  << "  cosine " << fixed(f.cosine, 6) << " (worst sample " << fixed(f.cosineMin, 6) << "), SQNR " << fixed(f.sqnrDb, 2)
                  << " dB, PSNR " << fixed(f.psnrDb, 2) << " dB (peak " << fixed(f.psnrPeak, 3) << ")\n"
                  << "  MSE " << QString::number(f.mse, 'g', 4) << ", mean |diff| " << QString::number(f.meanAbs, 'g', 4)
                  << ", mean relative " << QString::number(f.meanRel, 'g', 4) << ", max |diff| " << QString::number(f.maxAbs, 'g', 4) << "\n";
        if (f.top1Agreement)
            ctx.out() << "  top-1 agreement " << percent(*f.top1Agreement) << "\n";
        if (f.imagePsnrDb)
            ctx.out() << "  images: PSNR " << fixed(*f.imagePsnrDb, 2) << " dB, SSIM " << fixed(f.ssim.value_or(NAN), 4) << " (L = "
                      << f.imagePeak << ")\n";
    }
    if (!r.accuracy && !r.fidelity)
        ctx.out() << "Nothing to measure: the data has no labels and no --reference was given. Add --reference FP32_MODEL for fidelity.\n";
    for (const QString& note : r.notes)
        ctx.out() << "Note: " << note << "\n";
    return recorder && recorder->error() ? recorder->error()->exitCode() : 0;
}

const CommandRegistrar reg({QStringLiteral("eval"),
                            QStringLiteral("Evaluate a model on data: accuracy with labels, fidelity against an FP32 reference."), runEval, 40});

} // namespace

} // namespace qs::cli
