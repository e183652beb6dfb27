// SPDX-License-Identifier: GPL-3.0-or-later
#include "modelinfo.h"

#include "core/common/jsonutil.h"

#include <QtCore/QJsonArray>

namespace qs {

namespace {
QJsonObject mapToJson(const QMap<QString, qint64>& m)
{
    QJsonObject o;
    for (auto it = m.begin(); it != m.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}
} // namespace

QJsonObject ModelInfo::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("path"), path);
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("file_bytes"), fileBytes);
    o.insert(QStringLiteral("sha256"), sha256);
    o.insert(QStringLiteral("params"), params);
    o.insert(QStringLiteral("param_bytes"), paramBytes);
    o.insert(QStringLiteral("buffers"), buffers);
    o.insert(QStringLiteral("buffer_bytes"), bufferBytes);
    o.insert(QStringLiteral("packed_params"), packedParams);
    o.insert(QStringLiteral("packed_bytes"), packedBytes);
    o.insert(QStringLiteral("constant_tensors"), constantTensors);
    o.insert(QStringLiteral("constant_bytes"), constantBytes);
    o.insert(QStringLiteral("weight_bytes"), weightBytes());
    o.insert(QStringLiteral("param_bytes_by_dtype"), mapToJson(paramBytesByDtype));
    o.insert(QStringLiteral("params_by_dtype"), mapToJson(paramsByDtype));
    o.insert(QStringLiteral("quantized"), quantized);
    o.insert(QStringLiteral("quantized_evidence"), json::fromStrings(quantizedEvidence));
    QJsonObject ops;
    for (auto it = opCounts.begin(); it != opCounts.end(); ++it)
        ops.insert(it.key(), it.value());
    o.insert(QStringLiteral("ops"), ops);
    QJsonArray layerArray;
    for (const LayerInfo& l : layers) {
        QJsonObject lo{{QStringLiteral("name"), l.name},
                       {QStringLiteral("type"), l.type},
                       {QStringLiteral("qualified_type"), l.qualifiedType},
                       {QStringLiteral("depth"), l.depth},
                       {QStringLiteral("leaf"), l.leaf},
                       {QStringLiteral("params"), l.params},
                       {QStringLiteral("buffers"), l.buffers},
                       {QStringLiteral("bytes"), l.bytes},
                       {QStringLiteral("quantized"), l.quantized},
                       {QStringLiteral("schemes"), json::fromStrings(l.schemes)}};
        if (l.packedParams > 0)
            lo.insert(QStringLiteral("packed_params"), l.packedParams);
        if (!l.outputShape.isEmpty())
            lo.insert(QStringLiteral("output_shape"), l.outputShape);
        if (l.macs >= 0)
            lo.insert(QStringLiteral("macs"), l.macs);
        layerArray.append(lo);
    }
    o.insert(QStringLiteral("layers"), layerArray);
    QJsonObject types;
    for (auto it = layerTypes.begin(); it != layerTypes.end(); ++it)
        types.insert(it.key(), it.value());
    o.insert(QStringLiteral("layer_types"), types);
    o.insert(QStringLiteral("forward_args"), json::fromStrings(forwardArgs));
    if (!inputs.isEmpty()) {
        o.insert(QStringLiteral("inputs"), inputs.toJson().value(QLatin1String("inputs")));
        QJsonArray outs;
        for (const OutputInfo& out : outputs) {
            QJsonArray shape;
            for (qint64 d : out.shape)
                shape.append(d);
            outs.append(QJsonObject{{QStringLiteral("path"), out.path}, {QStringLiteral("shape"), shape},
                                    {QStringLiteral("dtype"), out.dtype}});
        }
        o.insert(QStringLiteral("outputs"), outs);
        if (macs >= 0)
            o.insert(QStringLiteral("macs"), macs);
        if (forwardMs >= 0)
            o.insert(QStringLiteral("forward_ms"), forwardMs);
    }
    return o;
}

} // namespace qs
