// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/forwardprobe.h"
#include "core/model/inspector.h"
#include "core/model/modelfactory.h"
#include "core/model/modelloader.h"

#include <QtCore/QJsonArray>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using namespace qs;

namespace {
const LayerInfo* findLayer(const ModelInfo& info, const QString& name)
{
    for (const LayerInfo& l : info.layers) {
        if (l.name == name)
            return &l;
    }
    return nullptr;
}
} // namespace

class TestInspector : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void mlpCounts()
    {
        auto m = modelfactory::mlp({1024, 4096, 4096, 512});
        QVERIFY(m.ok());
        const ModelInfo info = inspectModel(*m);
        const qint64 expected = (1024 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 512 + 512);
        QCOMPARE(info.params, expected);
        QCOMPARE(info.paramBytes, expected * 4);
        QCOMPARE(info.paramBytesByDtype.value(QStringLiteral("float32")), expected * 4);
        QCOMPARE(info.layerTypes.value(QStringLiteral("Linear")), 3);
        QCOMPARE(info.layerTypes.value(QStringLiteral("ReLU")), 2);
        QVERIFY(!info.quantized);
        const LayerInfo* fc2 = findLayer(info, QStringLiteral("fc2"));
        QVERIFY(fc2);
        QCOMPARE(fc2->type, QStringLiteral("Linear"));
        QCOMPARE(fc2->params, 4096 * 4096 + 4096);
        QVERIFY(fc2->schemes.contains(QStringLiteral("dynamic-int8")));
        QCOMPARE(info.forwardArgs, QStringList{QStringLiteral("x: Tensor")});
    }

    void cnnCountsShapesAndMacs()
    {
        auto m = modelfactory::smallCnn(10);
        QVERIFY(m.ok());
        InputSpec spec;
        spec.inputs << TensorSpec{{2, 1, 28, 28}, DType::Float32};
        auto info = inspectModel(*m, spec);
        QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error().message));
        // conv1 16*1*9+16, bn1 2*16, conv2 32*16*9+32, bn2 2*32, fc1 1568*128+128, fc2 128*10+10
        QCOMPARE(info->params, qint64(160 + 32 + 4640 + 64 + 200832 + 1290));
        QCOMPARE(info->buffers, qint64(16 + 16 + 1 + 32 + 32 + 1)); // running stats + num_batches_tracked
        QCOMPARE(info->layerTypes.value(QStringLiteral("BatchNorm2d")), 2);
        QCOMPARE(findLayer(*info, QStringLiteral("conv1"))->outputShape, QStringLiteral("2x16x28x28"));
        QCOMPARE(findLayer(*info, QStringLiteral("pool2"))->outputShape, QStringLiteral("2x32x7x7"));
        QCOMPARE(findLayer(*info, QStringLiteral("fc2"))->outputShape, QStringLiteral("2x10"));
        QCOMPARE(findLayer(*info, QStringLiteral("conv1"))->macs, qint64(2 * 16 * 28 * 28 * 9));
        QCOMPARE(findLayer(*info, QStringLiteral("conv2"))->macs, qint64(2 * 32 * 14 * 14 * 16 * 9));
        QCOMPARE(findLayer(*info, QStringLiteral("fc1"))->macs, qint64(2 * 128 * 1568));
        QCOMPARE(findLayer(*info, QStringLiteral("bn1"))->macs, qint64(-1));
        QCOMPARE(info->macs, qint64(2 * (16 * 28 * 28 * 9 + 32 * 14 * 14 * 16 * 9 + 128 * 1568 + 10 * 128)));
        QCOMPARE(info->outputs.size(), 1);
        QCOMPARE(info->outputs[0].shape, (QVector<qint64>{2, 10}));
        QCOMPARE(info->outputs[0].dtype, QStringLiteral("float32"));
    }

    void jsonHasTheDocumentedKeys()
    {
        auto m = modelfactory::smallCnn(10);
        QVERIFY(m.ok());
        const QString path = m_dir.filePath(QStringLiteral("cnn.pt"));
        QVERIFY(m->save(path).ok());
        auto loaded = loadModel(path);
        QVERIFY(loaded.ok());
        const QJsonObject o = inspectModel(*loaded).toJson();
        for (const char* key : {"path", "file_bytes", "params", "param_bytes", "quantized", "layers", "layer_types"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QCOMPARE(o.value(QLatin1String("file_bytes")).toInteger(), QFileInfo(path).size());
        const QJsonObject layer = o.value(QLatin1String("layers")).toArray().first().toObject();
        for (const char* key : {"name", "type", "params", "bytes"})
            QVERIFY2(layer.contains(QLatin1String(key)), key);
        QCOMPARE(o.value(QLatin1String("layer_types")).toObject().value(QLatin1String("Conv2d")).toInt(), 2);
    }

    void wrongInputsNameTheLayer()
    {
        auto m = modelfactory::smallCnn(10);
        QVERIFY(m.ok());
        auto channels = probeForward(*m, *InputSpec::parse({QStringLiteral("1x3x28x28")}));
        QVERIFY(!channels.ok());
        QVERIFY2(channels.error().message.contains(QStringLiteral("in layer 'conv1'")), qPrintable(channels.error().message));
        QVERIFY(channels.error().message.contains(QStringLiteral("1x3x28x28:float32")));
        QVERIFY(channels.error().message.contains(QStringLiteral("to have 1 channels, but got 3 channels")));

        auto size = probeForward(*m, *InputSpec::parse({QStringLiteral("1x1x32x32")}));
        QVERIFY(!size.ok());
        QVERIFY2(size.error().message.contains(QStringLiteral("in layer 'fc1'")), qPrintable(size.error().message));
        QVERIFY(size.error().message.contains(QStringLiteral("1568x128")));

        auto arity = probeForward(*m, *InputSpec::parse({QStringLiteral("1x1x28x28"), QStringLiteral("1x4")}));
        QVERIFY(!arity.ok());
        QVERIFY2(arity.error().message.contains(QStringLiteral("forward(x) takes 1 input(s) but 2 were given")),
                 qPrintable(arity.error().message));

        auto none = probeForward(*m, InputSpec{});
        QVERIFY(!none.ok());
        QVERIFY(none.error().message.contains(QStringLiteral("--input")));
    }

    void embeddingTakesIntegers()
    {
        auto m = modelfactory::sequential({LayerSpec::embedding(100, 8), LayerSpec::flatten(), LayerSpec::linear(8 * 5, 2)});
        QVERIFY(m.ok());
        auto ok = inspectModel(*m, *InputSpec::parse({QStringLiteral("3x5:int64")}));
        QVERIFY2(ok.ok(), qPrintable(ok.ok() ? QString() : ok.error().message));
        QCOMPARE(findLayer(*ok, QStringLiteral("embedding1"))->outputShape, QStringLiteral("3x5x8"));
        QVERIFY(findLayer(*ok, QStringLiteral("embedding1"))->schemes.contains(QStringLiteral("weight-int8")));
        QVERIFY(!findLayer(*ok, QStringLiteral("embedding1"))->schemes.contains(QStringLiteral("dynamic-int8")));
        auto floats = probeForward(*m, *InputSpec::parse({QStringLiteral("3x5:float32")}));
        QVERIFY(!floats.ok());
        QVERIFY2(floats.error().message.contains(QStringLiteral("embedding1")), qPrintable(floats.error().message));
    }

    void shortTypeNames()
    {
        QCOMPARE(shortTypeName(QStringLiteral("__torch__.torch.nn.modules.conv.___torch_mangle_3.Conv2d")), QStringLiteral("Conv2d"));
        QCOMPARE(shortTypeName(QStringLiteral("__torch__.torch.ao.nn.quantized.dynamic.modules.linear.Linear")),
                 QStringLiteral("DynamicQuantizedLinear"));
        QCOMPARE(shortTypeName(QStringLiteral("__torch__.torch.ao.nn.quantized.modules.conv.Conv2d")), QStringLiteral("QuantizedConv2d"));
        QCOMPARE(shortTypeName(QStringLiteral("__torch__.MyNet")), QStringLiteral("MyNet"));
    }

    // The parameter count must equal PyTorch's sum(p.numel() for p in m.parameters()).
    void parameterCountMatchesPyTorch()
    {
        if (!test::pythonTorchAvailable())
            QSKIP("python3-torch is not installed");
        const QVector<QPair<QString, Result<TorchModel>>> models{
            {QStringLiteral("mlp"), modelfactory::mlp({64, 128, 10})},
            {QStringLiteral("cnn"), modelfactory::smallCnn(10)},
            {QStringLiteral("emb"), modelfactory::sequential({LayerSpec::embedding(50, 4), LayerSpec::flatten(),
                                                              LayerSpec::linear(12, 3, false)})},
        };
        for (const auto& [name, model] : models) {
            QVERIFY(model.ok());
            const QString path = m_dir.filePath(name + QLatin1String(".pt"));
            QVERIFY(model->save(path).ok());
            QString err;
            const auto out = test::runPython(
                QStringLiteral("import sys, torch\nm = torch.jit.load(sys.argv[1])\n"
                               "print(sum(p.numel() for p in m.parameters()), sum(b.numel() for b in m.buffers()))"),
                {path}, &err);
            QVERIFY2(out, qPrintable(err));
            const QStringList counts = out->trimmed().split(QLatin1Char(' '));
            const ModelInfo info = inspectModel(*loadModel(path));
            QCOMPARE(QString::number(info.params), counts.value(0));
            QCOMPARE(QString::number(info.buffers), counts.value(1));
        }
    }

    void quantizedModelFromPython()
    {
        if (!test::pythonTorchAvailable())
            QSKIP("python3-torch is not installed");
        const QString path = m_dir.filePath(QStringLiteral("dyn.pt"));
        QString err;
        const auto out = test::runPython(QStringLiteral(R"(
import sys, torch, torch.nn as nn
torch.backends.quantized.engine = 'onednn'
m = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 4)).eval()
q = torch.ao.quantization.quantize_dynamic(m, {nn.Linear}, dtype=torch.qint8)
torch.jit.script(q).save(sys.argv[1])
)"), {path}, &err);
        QVERIFY2(out, qPrintable(err));
        auto m = loadModel(path);
        QVERIFY2(m.ok(), qPrintable(m.ok() ? QString() : m.error().message));
        const ModelInfo info = inspectModel(*m);
        QVERIFY(info.quantized);
        QCOMPARE(info.packedParams, qint64(64 * 32 + 32 + 32 * 4 + 4));
        QVERIFY(info.paramBytesByDtype.contains(QStringLiteral("qint8")));
        QCOMPARE(info.layerTypes.value(QStringLiteral("DynamicQuantizedLinear")), 2);
        const LayerInfo* l = findLayer(info, QStringLiteral("0"));
        QVERIFY(l);
        QVERIFY(l->quantized);
        QVERIFY(l->schemes.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestInspector)
#include "tst_inspector.moc"
