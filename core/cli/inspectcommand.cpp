// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/cli/command.h"
#include "core/cli/texttable.h"
#include "core/common/paths.h"
#include "core/model/inspector.h"
#include "core/model/layertablemodel.h"
#include "core/model/modelloader.h"

#include <QtCore/QLocale>

namespace qs::cli {

namespace {

int runInspect(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Inspect a TorchScript model: parameters, bytes by dtype, whether it is quantized, every layer with the "
        "schemes that can quantize it; with input shapes also output shapes and MACs."));
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("TorchScript file (.pt, .pth, .ts, .zip)."));
    parser.addOption({QStringLiteral("input"),
                      QStringLiteral("Shape and dtype of one forward input, e.g. 1x3x224x224 or 1x32:int64; repeat for "
                                     "several inputs. Default: the sidecar <model>.json."),
                      QStringLiteral("SHAPE[:dtype]")});
    parser.addOption({QStringLiteral("engine"), QStringLiteral("Quantized engine for quantized models (onednn, qnnpack)."),
                      QStringLiteral("ENGINE")});
    parser.addOption({QStringLiteral("leaves"), QStringLiteral("List only leaf layers (no containers).")});
    ctx.addStandardOptions(parser);
    const QString usage = QStringLiteral("quantscope-cli inspect MODEL [--input SHAPE[:dtype]]... [--json]");
    if (int rc = ctx.parse(parser, args, usage); rc >= 0)
        return rc;
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != 1)
        return ctx.fail(Error::usage(QStringLiteral("inspect takes one MODEL. Usage: %1").arg(usage)));

    auto model = loadModel(pos.first(), {parser.value(QStringLiteral("engine"))});
    if (!model)
        return ctx.fail(model.error());
    auto spec = ctx.inputSpec(parser.values(QStringLiteral("input")), pos.first());
    if (!spec)
        return ctx.fail(spec.error());

    ModelInfo info;
    if (spec->isEmpty()) {
        info = inspectModel(*model);
    } else {
        auto withInputs = inspectModel(*model, *spec);
        if (!withInputs)
            return ctx.fail(withInputs.error());
        info = *withInputs;
    }
    if (parser.isSet(QStringLiteral("leaves"))) {
        QVector<LayerInfo> leaves;
        for (const LayerInfo& l : info.layers) {
            if (l.leaf)
                leaves << l;
        }
        info.layers = leaves;
    }
    if (ctx.json) {
        ctx.printJson(info.toJson());
        return 0;
    }

    const QLocale c = QLocale::c();
    auto bytes = [](qint64 b) { return LayerTableModel::humanBytes(b); };
    QStringList dtypes;
    for (auto it = info.paramBytesByDtype.begin(); it != info.paramBytesByDtype.end(); ++it)
        dtypes << QStringLiteral("%1 %2").arg(bytes(it.value()), it.key());
    QVector<QPair<QString, QString>> rows{
        {QStringLiteral("Model"), QStringLiteral("%1 (%2)").arg(info.name, paths::pretty(info.path))},
        {QStringLiteral("File"), QStringLiteral("%1, sha256 %2").arg(bytes(info.fileBytes), info.sha256.left(16))},
        {QStringLiteral("Parameters"), QStringLiteral("%1 (%2)").arg(c.toString(info.params), bytes(info.paramBytes))},
        {QStringLiteral("Buffers"), QStringLiteral("%1 (%2)").arg(c.toString(info.buffers), bytes(info.bufferBytes))},
        {QStringLiteral("Weights by dtype"), dtypes.join(QLatin1String(", "))},
        {QStringLiteral("Quantized"), info.quantized ? QStringLiteral("yes: %1").arg(info.quantizedEvidence.join(QLatin1String(", ")))
                                                     : QStringLiteral("no")},
        {QStringLiteral("Forward"), QStringLiteral("forward(%1)").arg(info.forwardArgs.join(QLatin1String(", ")))},
    };
    if (info.packedParams > 0)
        rows.insert(4, {QStringLiteral("Packed weights"), QStringLiteral("%1 (%2)").arg(c.toString(info.packedParams), bytes(info.packedBytes))});
    if (!info.inputs.isEmpty()) {
        QStringList outs;
        for (const OutputInfo& o : info.outputs) {
            QStringList dims;
            for (qint64 d : o.shape)
                dims << QString::number(d);
            outs << (o.path.isEmpty() ? QString() : o.path + QLatin1String(": ")) + dims.join(QLatin1Char('x')) + QLatin1Char(' ') + o.dtype;
        }
        const QString from = spec->source == InputSpec::Source::Sidecar ? QStringLiteral(" (from %1)").arg(paths::pretty(spec->origin))
                                                                        : QString();
        rows << qMakePair(QStringLiteral("Inputs"), info.inputs.toString() + from)
             << qMakePair(QStringLiteral("Outputs"), outs.join(QLatin1String(", ")));
        if (info.macs >= 0)
            rows << qMakePair(QStringLiteral("MACs"), QStringLiteral("%1 (Conv/Linear, one forward)").arg(c.toString(info.macs)));
    }
    ctx.out() << keyValues(rows) << "\n";

    TextTable table({QStringLiteral("Layer"), QStringLiteral("Type"), QStringLiteral("Params"), QStringLiteral("Bytes"),
                     QStringLiteral("Output"), QStringLiteral("MACs"), QStringLiteral("Schemes")},
                    {false, false, true, true, false, true, false});
    for (const LayerInfo& l : info.layers) {
        table.addRow({QString(2 * (l.depth - 1), QLatin1Char(' ')) + l.name, l.type,
                      l.params + l.packedParams > 0 ? c.toString(l.params + l.packedParams) : QString(),
                      l.bytes > 0 ? bytes(l.bytes) : QString(), l.outputShape, l.macs >= 0 ? c.toString(l.macs) : QString(),
                      l.quantized ? QStringLiteral("(quantized)") : l.schemes.join(QLatin1Char(' '))});
    }
    ctx.out() << table.render();
    QStringList types;
    for (auto it = info.layerTypes.begin(); it != info.layerTypes.end(); ++it)
        types << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
    ctx.out() << "\nLayer types: " << types.join(QLatin1String(", ")) << "\n";
    if (info.inputs.isEmpty())
        ctx.out() << "Give --input SHAPE[:dtype] (or write " << paths::pretty(InputSpec::sidecarCandidates(info.path).value(0))
                  << ") to see output shapes and MACs.\n";
    return 0;
}

const CommandRegistrar reg({QStringLiteral("inspect"), QStringLiteral("Inspect a model: parameters, layers, bytes, output shapes, MACs."),
                            runInspect, 20});

} // namespace

} // namespace qs::cli
