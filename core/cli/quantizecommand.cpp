// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/cli/command.h"
#include "core/cli/dataoptions.h"
#include "core/cli/schemeoptions.h"
#include "core/cli/texttable.h"
#include "core/common/engine.h"
#include "core/common/paths.h"
#include "core/model/layertablemodel.h"
#include "core/model/modelloader.h"
#include "core/quant/quantizejob.h"
#include "core/quant/quantizer.h"
#include "core/quant/schemecatalog.h"
#include "core/store/jobrecorder.h"

#include <QtCore/QJsonArray>

#include <cmath>

namespace qs::cli {

namespace {

const QString kUsage = QStringLiteral(
    "quantscope-cli quantize MODEL --scheme S [--scheme S2 ...] [--engine E] [--calib DATA|random] [--calib-samples N] "
    "[--observer minmax|histogram] [--per-channel|--per-tensor] [--block N] [--exclude P]... [--input SHAPE]... "
    "[--out FILE | --out-dir DIR] [--json]");

QString bytes(qint64 b)
{
    return LayerTableModel::humanBytes(b);
}

QString ratio(qint64 before, qint64 after)
{
    return after > 0 ? QStringLiteral("%1x").arg(double(before) / double(after), 0, 'f', 2) : QStringLiteral("-");
}

QString fidelityCell(const Fidelity& f, bool sqnr)
{
    if (!f.measured)
        return QStringLiteral("-");
    if (!sqnr)
        return std::isfinite(f.cosine) ? QString::number(f.cosine, 'f', 4) : QStringLiteral("nan");
    if (std::isinf(f.sqnrDb) && f.sqnrDb > 0)
        return QStringLiteral("identical");
    return std::isfinite(f.sqnrDb) ? QStringLiteral("%1 dB").arg(f.sqnrDb, 0, 'f', 1) : QStringLiteral("nan");
}

Result<QStringList> parseSchemes(const QStringList& values)
{
    QStringList out;
    for (const QString& value : values) {
        for (const QString& part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString id = part.trimmed().toLower();
            if (id == QLatin1String("all")) {
                out << schemeIds();
                continue;
            }
            if (!findScheme(id))
                return Error::usage(QStringLiteral("Unknown scheme '%1'. Schemes: %2 (or all).")
                                        .arg(part, schemeIds().join(QLatin1String(", "))));
            out << id;
        }
    }
    out.removeDuplicates();
    if (out.isEmpty())
        return Error::usage(
            QStringLiteral("Give at least one --scheme (%1).").arg(schemeIds().join(QLatin1String(", "))));
    return out;
}

void printHuman(Context& ctx, const TorchModel& model, const QVector<QuantizeOptions>& schemes, const QuantizeJob& job)
{
    const QVector<Variant> variants = job.variants();
    ctx.out() << "Model: " << paths::pretty(model.path()) << " (" << bytes(model.fileBytes()) << ")\n\n";
    if (!variants.isEmpty()) {
        TextTable table(
            { QStringLiteral("Scheme"), QStringLiteral("Kernels"), QStringLiteral("Layers"), QStringLiteral("Tensors"),
                QStringLiteral("File"), QStringLiteral("Smaller"), QStringLiteral("Weights"), QStringLiteral("Cosine"),
                QStringLiteral("SQNR"), QStringLiteral("Time"), QStringLiteral("Output") },
            { false, false, true, true, true, true, true, true, true, true, false });
        for (const Variant& v : variants) {
            table.addRow(
                { v.scheme, v.runtime == Variant::Runtime::QuantizedKernels ? v.engine : QStringLiteral("FP32*"),
                    QStringLiteral("%1/%2").arg(v.coverage.quantizedLayers).arg(v.coverage.totalLayers),
                    QStringLiteral("%1/%2").arg(v.coverage.quantizedTensors).arg(v.coverage.totalTensors),
                    bytes(v.fileBytesAfter), ratio(v.fileBytesBefore, v.fileBytesAfter), bytes(v.paramBytesAfter),
                    fidelityCell(v.fidelity, false), fidelityCell(v.fidelity, true),
                    QStringLiteral("%1 s").arg(v.seconds, 0, 'f', 2),
                    v.artifactPath.isEmpty() ? QStringLiteral("(not written)") : paths::pretty(v.artifactPath) });
        }
        ctx.out() << table.render();
        ctx.out() << "\nFP32 model: " << bytes(variants.front().fileBytesBefore) << " file, "
                  << bytes(variants.front().paramBytesBefore) << " of weights. Smaller: file size ratio.\n";
        const bool anyPacked = std::any_of(variants.begin(), variants.end(),
            [](const Variant& v) { return v.runtime == Variant::Runtime::DequantizedAtLoad; });
        if (anyPacked)
            ctx.out() << "* No quantized kernels: the file holds packed weights, dequantized to FP32 when loaded "
                         "(a size and accuracy study, no speed-up).\n";
    }
    for (const Variant& v : variants) {
        QStringList lines, types;
        for (auto it = v.coverage.perType.begin(); it != v.coverage.perType.end(); ++it)
            types << QStringLiteral("%1 %2/%3").arg(it.key()).arg(it->quantized).arg(it->total);
        if (!types.isEmpty())
            lines << QStringLiteral("layers quantized: %1").arg(types.join(QLatin1String(", ")));
        QStringList ops;
        for (auto it = v.coverage.quantizedOps.begin(); it != v.coverage.quantizedOps.end(); ++it)
            ops << QStringLiteral("%1 x%2").arg(it.key()).arg(it.value());
        if (!ops.isEmpty())
            lines << QStringLiteral("kernels: %1").arg(ops.join(QLatin1String(", ")));
        if (!v.calibrationSource.isEmpty())
            lines << QStringLiteral("calibrated on %1 in %2 s")
                         .arg(v.calibrationSource)
                         .arg(v.calibrationSeconds, 0, 'f', 2);
        if (v.fidelity.measured)
            lines << QStringLiteral("fidelity on %1").arg(v.fidelity.inputs);
        else if (!v.fidelity.note.isEmpty())
            lines << QStringLiteral("fidelity %1").arg(v.fidelity.note);
        for (const Fp32Layer& f : v.coverage.fp32Layers)
            lines << QStringLiteral("FP32: %1 (%2): %3%4")
                         .arg(f.name.isEmpty() ? QStringLiteral("(top level)") : f.name, f.type, f.reason,
                             f.detail.isEmpty() ? QString() : QStringLiteral(" - ") + f.detail);
        for (const QString& w : v.warnings)
            lines << QStringLiteral("warning: %1").arg(w);
        if (lines.isEmpty())
            continue;
        ctx.out() << "\n" << v.scheme << ":\n";
        for (const QString& l : lines)
            ctx.out() << "  " << l << "\n";
    }
    for (const auto& f : job.failures())
        ctx.out() << "\n" << schemes[f.first].scheme << ": FAILED: " << f.second.message << "\n";
    ctx.out().flush();
}

int runQuantize(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Quantize a TorchScript model with one or several schemes; report "
                                                    "coverage, sizes and fidelity against FP32.\n"
                                                    "Schemes: ")
        + schemeIds().join(QLatin1String(", ")));
    parser.addPositionalArgument(
        QStringLiteral("MODEL"), QStringLiteral("FP32 TorchScript file (.pt, .pth, .ts, .zip)."));
    parser.addOption({ QStringLiteral("scheme"),
        QStringLiteral("Scheme to apply; repeat or separate with commas for several, 'all' for every one."),
        QStringLiteral("S") });
    addSchemeOptions(parser);
    parser.addOption(
        { QStringLiteral("out"), QStringLiteral("Artifact file (one scheme only)."), QStringLiteral("FILE") });
    parser.addOption({ QStringLiteral("out-dir"),
        QStringLiteral("Folder for the artifacts, named <model>.<scheme>.pt (default: "
                       "the model's folder)."),
        QStringLiteral("DIR") });
    ctx.addStoreOptions(parser, Context::StoreUse::Record);
    ctx.addStandardOptions(parser);
    if (int rc = ctx.parse(parser, args, kUsage); rc >= 0)
        return rc;
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != 1)
        return ctx.fail(Error::usage(QStringLiteral("quantize takes one MODEL. Usage: %1").arg(kUsage)));
    auto ids = parseSchemes(parser.values(QStringLiteral("scheme")));
    if (!ids)
        return ctx.fail(ids.error());
    if (parser.isSet(QStringLiteral("out")) && parser.isSet(QStringLiteral("out-dir")))
        return ctx.fail(Error::usage(QStringLiteral("Give --out FILE or --out-dir DIR, not both.")));
    if (parser.isSet(QStringLiteral("out")) && ids->size() > 1)
        return ctx.fail(Error::usage(
            QStringLiteral("--out names one file, but %1 schemes were given; use --out-dir DIR.").arg(ids->size())));
    auto common = schemeOptionsFromArgs(ctx, parser, pos.first());
    if (!common)
        return ctx.fail(common.error());

    QVector<QuantizeOptions> schemes;
    for (const QString& id : *ids) {
        QuantizeOptions o = *common;
        o.scheme = id;
        // Options that do not apply to a scheme are dropped when several schemes share them.
        const SchemeInfo info = *findScheme(id);
        if (ids->size() > 1) {
            if (!info.blockwise)
                o.blockSize = 0;
            if (!info.granularity)
                o.granularity = QuantizeOptions::Granularity::Default;
        }
        o.outPath = parser.isSet(QStringLiteral("out"))
            ? parser.value(QStringLiteral("out"))
            : defaultArtifactPath(pos.first(), id, parser.value(QStringLiteral("out-dir")));
        if (Status st = o.validate(); !st)
            return ctx.fail(st.error());
        schemes << o;
    }

    auto model = loadModel(pos.first(), { common->engine });
    if (!model)
        return ctx.fail(model.error());

    QuantizeJob job(*model, schemes);
    // One "quantize" run per scheme in the run database (--no-db: none), checked before the work.
    std::unique_ptr<QuantizeRecorder> recorder;
    if (ctx.recording()) {
        if (auto store = ctx.store(); !store)
            return ctx.fail(store.error());
        recorder = std::make_unique<QuantizeRecorder>(ctx.databasePath());
        recorder->attach(&job, schemes, model->path(), model->sha256());
    }
    const Status st = ctx.runJob(job);
    if (recorder)
        ctx.reportRecorded(recorder->runIds());
    const auto failures = job.failures();
    if (!st.ok() && st.error().kind == Error::Kind::Cancelled)
        return ctx.fail(st.error());
    if (job.variants().isEmpty() && !failures.isEmpty())
        return ctx.fail(failures.front().second);

    if (ctx.json) {
        QJsonArray variants, failed;
        for (const Variant& v : job.variants()) {
            QJsonObject o = v.toJson();
            if (recorder && recorder->runId(v.options.scheme) > 0)
                o.insert(QStringLiteral("run_id"), recorder->runId(v.options.scheme));
            variants.append(o);
        }
        for (const auto& f : failures) {
            failed.append(QJsonObject { { QStringLiteral("scheme"), schemes[f.first].scheme },
                { QStringLiteral("kind"),
                    f.second.kind == Error::Kind::Usage ? QStringLiteral("usage") : QStringLiteral("error") },
                { QStringLiteral("message"), f.second.message },
                { QStringLiteral("exit_code"), f.second.exitCode() } });
        }
        // One scheme: its variant's keys at the top level too, for scripts that quantize one at a time.
        QJsonObject out = schemes.size() == 1 && variants.size() == 1 ? variants.first().toObject() : QJsonObject();
        out.insert(QStringLiteral("model"), model->path());
        out.insert(QStringLiteral("variants"), variants);
        out.insert(QStringLiteral("failures"), failed);
        if (recorder)
            out.insert(QStringLiteral("database"), ctx.databasePath());
        ctx.printJson(out);
    } else {
        printHuman(ctx, *model, schemes, job);
    }
    if (recorder && recorder->error()) {
        ctx.err() << "quantscope-cli: the variants were made but not all recorded: " << recorder->error()->toText(ctx.verbose) << "\n";
        ctx.err().flush();
        if (failures.isEmpty())
            return recorder->error()->exitCode();
    }
    return failures.isEmpty() ? 0 : failures.front().second.exitCode();
}

const CommandRegistrar reg({ QStringLiteral("quantize"),
    QStringLiteral("Quantize a model with one or several schemes; coverage, sizes, fidelity."), runQuantize, 30 });

} // namespace

} // namespace qs::cli
