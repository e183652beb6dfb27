// SPDX-License-Identifier: GPL-3.0-or-later
// Every scheme on models built here: coverage, sizes (checked against the packing arithmetic),
// fidelity bounds, round trip through the artifact, k-means determinism, exclusions.
#include <QtCore/QCryptographicHash>
#include <QtCore/QJsonArray>
#include <QtTest/QtTest>

#include "core/common/engine.h"
#include "core/model/inspector.h"
#include "core/quant/schemecatalog.h"
#include "quantfixtures.h"

#include <cmath>

using namespace qs;

namespace {

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// Bytes the packed form of a weight with `rows` output channels and `n` elements takes (scales
// and codebooks included), from the format: int4 two a byte, k-means indices `bits` bits each.
qint64 packedBytes(const QString& scheme, qint64 rows, qint64 n, int block)
{
    const SchemeInfo s = *findScheme(scheme);
    const qint64 cols = n / rows;
    switch (s.kind) {
    case SchemeInfo::Kind::WeightOnly: {
        const qint64 data = s.bits == 4 ? (n + 1) / 2 : n;
        const qint64 scales = block > 0 ? rows * ((cols + block - 1) / block) : rows;
        return data + 4 * scales;
    }
    case SchemeInfo::Kind::Linear:
        return n * s.bits / 8 + 4;
    case SchemeInfo::Kind::KMeans:
        return (n * s.bits + 7) / 8 + 4 * (qint64(1) << s.bits);
    case SchemeInfo::Kind::Fp16:
        return 2 * n;
    default:
        return -1;
    }
}

} // namespace

class TestQuantizer : public QObject
{
    Q_OBJECT
    test::QuantFixtures m_fx;

    int m_count = 0;

    QuantizedModel quantizeOk(const QString& modelName, const QuantizeOptions& o)
    {
        auto model = loadModel(m_fx.path(modelName), { o.engine });
        if (!model)
            qFatal("%s", qPrintable(model.error().message));
        auto q = quantizeModel(*model, o);
        if (!q)
            qFatal("%s: %s", qPrintable(o.scheme), qPrintable(q.error().toText()));
        return *q;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_fx.make()); }
    void cleanup() { QVERIFY(engine::select({}).ok()); }

    void schemes_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("granularity");
        QTest::addColumn<int>("block");
        QTest::addColumn<int>("quantizedLayers");
        QTest::addColumn<int>("totalLayers");
        QTest::addColumn<QString>("ops");
        QTest::addColumn<double>("minCosine");

        const int def = int(QuantizeOptions::Granularity::Default), pc = int(QuantizeOptions::Granularity::PerChannel);
        const int pt = int(QuantizeOptions::Granularity::PerTensor);
        QTest::newRow("mlp dynamic") << "mlp"
                                     << "dynamic-int8" << def << 0 << 3 << 3 << "quantized::linear_dynamic=3" << 0.999;
        QTest::newRow("mlp dynamic per-channel")
            << "mlp"
            << "dynamic-int8" << pc << 0 << 3 << 3 << "quantized::linear_dynamic=3" << 0.999;
        QTest::newRow("mlp static") << "mlp"
                                    << "static-int8" << def << 0 << 3 << 3
                                    << "quantized::linear=1,quantized::linear_relu=2" << 0.995;
        QTest::newRow("cnn static (conv+bn folded, relu fused)")
            << "cnn"
            << "static-int8" << def << 0 << 4 << 4
            << "quantized::conv2d_relu=2,quantized::linear=1,quantized::linear_relu=1" << 0.995;
        QTest::newRow("cnn static per-tensor")
            << "cnn"
            << "static-int8" << pt << 0 << 4 << 4
            << "quantized::conv2d_relu=2,quantized::linear=1,quantized::linear_relu=1" << 0.995;
        QTest::newRow("cnn dynamic (Linear only)")
            << "cnn"
            << "dynamic-int8" << def << 0 << 2 << 4 << "quantized::linear_dynamic=2" << 0.999;
        QTest::newRow("emb dynamic (embedding stays)")
            << "emb"
            << "dynamic-int8" << def << 0 << 1 << 2 << "quantized::linear_dynamic=1" << 0.99;
        QTest::newRow("mlp fp16") << "mlp"
                                  << "fp16" << def << 0 << 3 << 3 << "" << 0.99999;
        QTest::newRow("cnn fp16 (Linear only)") << "cnn"
                                                << "fp16" << def << 0 << 2 << 4 << "" << 0.99999;
        QTest::newRow("mlp weight-int8") << "mlp"
                                         << "weight-int8" << def << 0 << 3 << 3 << "" << 0.9999;
        QTest::newRow("mlp weight-int8 per-tensor") << "mlp"
                                                    << "weight-int8" << pt << 0 << 3 << 3 << "" << 0.999;
        QTest::newRow("mlp weight-int4") << "mlp"
                                         << "weight-int4" << def << 0 << 3 << 3 << "" << 0.98;
        QTest::newRow("mlp weight-int4 block 32") << "mlp"
                                                  << "weight-int4" << def << 32 << 3 << 3 << "" << 0.98;
        QTest::newRow("cnn weight-int4 block 64") << "cnn"
                                                  << "weight-int4" << def << 64 << 4 << 4 << "" << 0.98;
        QTest::newRow("emb weight-int8 (embedding too)") << "emb"
                                                         << "weight-int8" << def << 0 << 2 << 2 << "" << 0.999;
        QTest::newRow("mlp kmeans-2") << "mlp"
                                      << "kmeans-2" << def << 0 << 3 << 3 << "" << 0.8;
        QTest::newRow("mlp kmeans-4") << "mlp"
                                      << "kmeans-4" << def << 0 << 3 << 3 << "" << 0.99;
        QTest::newRow("mlp kmeans-8") << "mlp"
                                      << "kmeans-8" << def << 0 << 3 << 3 << "" << 0.9999;
        QTest::newRow("cnn kmeans-4") << "cnn"
                                      << "kmeans-4" << def << 0 << 4 << 4 << "" << 0.99;
        QTest::newRow("mlp linear-int8") << "mlp"
                                         << "linear-int8" << def << 0 << 3 << 3 << "" << 0.999;
        QTest::newRow("mlp linear-int16") << "mlp"
                                          << "linear-int16" << def << 0 << 3 << 3 << "" << 0.999999;
    }

    void schemes()
    {
        QFETCH(QString, model);
        QFETCH(QString, scheme);
        QFETCH(int, granularity);
        QFETCH(int, block);
        QFETCH(int, quantizedLayers);
        QFETCH(int, totalLayers);
        QFETCH(QString, ops);
        QFETCH(double, minCosine);

        QuantizeOptions o = m_fx.options(model, scheme);
        o.granularity = QuantizeOptions::Granularity(granularity);
        o.blockSize = block;
        o.outPath = m_fx.dir.filePath(QStringLiteral("row%1.pt").arg(++m_count));
        auto fp32 = loadModel(m_fx.path(model));
        QVERIFY(fp32.ok());
        auto q = quantizeModel(*fp32, o);
        QVERIFY2(q.ok(), qPrintable(q.ok() ? QString() : q.error().toText()));
        const Variant& v = q->variant;

        // Coverage.
        QCOMPARE(v.scheme, scheme);
        QCOMPARE(v.coverage.quantizedLayers, quantizedLayers);
        QCOMPARE(v.coverage.totalLayers, totalLayers);
        QCOMPARE(v.coverage.fp32Layers.size(), totalLayers - quantizedLayers);
        QCOMPARE(v.coverage.quantizedTensors, quantizedLayers); // one weight per layer in these models
        int perTypeTotal = 0;
        for (const TypeCoverage& t : v.coverage.perType)
            perTypeTotal += t.total;
        QCOMPARE(perTypeTotal, totalLayers);
        QStringList gotOps;
        for (auto it = v.coverage.quantizedOps.begin(); it != v.coverage.quantizedOps.end(); ++it)
            gotOps << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
        QCOMPARE(gotOps.join(QLatin1Char(',')), ops);
        const bool real = findScheme(scheme)->realKernels && scheme != QLatin1String("fp16");
        QCOMPARE(v.runtime, real ? Variant::Runtime::QuantizedKernels : Variant::Runtime::DequantizedAtLoad);
        if (scheme == QLatin1String("fp16")) { // this LibTorch has no FBGEMM: the storage fallback says so
            QVERIFY(!fp16KernelsAvailable());
            QVERIFY(v.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("needs the FBGEMM engine")));
        }
        for (const Fp32Layer& f : v.coverage.fp32Layers) {
            QVERIFY(!f.reason.isEmpty());
            if (model == QLatin1String("emb") && f.type == QLatin1String("Embedding"))
                QCOMPARE(f.reason, Fp32Layer::Embedding);
            if (f.type == QLatin1String("Conv2d"))
                QCOMPARE(f.reason, Fp32Layer::UnsupportedOp);
        }

        // Sizes: the file shrinks by what the weights shrink, give or take the archive's records.
        QCOMPARE(v.fileBytesBefore, QFileInfo(m_fx.path(model)).size());
        QCOMPARE(v.fileBytesAfter, QFileInfo(o.outPath).size());
        QVERIFY(v.paramBytesAfter < v.paramBytesBefore);
        if (model != QLatin1String("emb")) // 2.4 kB of weights: the restore code outweighs them
            QVERIFY(v.fileBytesAfter < v.fileBytesBefore);
        const qint64 overheadBefore = v.fileBytesBefore - v.paramBytesBefore,
                     overheadAfter = v.fileBytesAfter - v.paramBytesAfter;
        QVERIFY2(std::abs(overheadAfter - overheadBefore) < 40000,
            qPrintable(QStringLiteral("archive overhead %1 -> %2").arg(overheadBefore).arg(overheadAfter)));

        // Fidelity against FP32 on held-out calibration samples (or seeded random inputs).
        QVERIFY(v.fidelity.measured);
        QVERIFY2(v.fidelity.cosine >= minCosine, qPrintable(QString::number(v.fidelity.cosine, 'f', 6)));
        QVERIFY(v.fidelity.cosine <= 1.0 + 1e-12);
        QVERIFY(!v.fidelity.collapsed);
        QVERIFY(v.fidelity.sqnrDb > 0);
        QCOMPARE(v.fidelity.samples, 64);

        // Round trip: the artifact loaded again computes exactly what was measured in memory.
        if (model != QLatin1String("emb")) {
            auto loaded = loadModel(o.outPath);
            QVERIFY(loaded.ok());
            QString err;
            const QVector<float> a = test::outputOn(q->model, m_fx.calib(model), 0, 40, &err);
            QVERIFY2(!a.isEmpty(), qPrintable(err));
            const QVector<float> b = test::outputOn(*loaded, m_fx.calib(model), 0, 40, &err);
            QVERIFY(a == b);
            const QVector<float> f = test::outputOn(*fp32, m_fx.calib(model), 0, 40, &err);
            QCOMPARE(f.size(), a.size());
            QVERIFY(f != a); // it did change something
            // A loaded weight-only variant runs as an FP32 model of the same structure.
            if (!real)
                QVERIFY(!inspectModel(*loaded).quantized);
        }
    }

    void packedSizes_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("block");
        QTest::addColumn<int>("granularity");
        const int def = int(QuantizeOptions::Granularity::Default), pt = int(QuantizeOptions::Granularity::PerTensor);
        for (const char* s :
            { "weight-int8", "weight-int4", "kmeans-2", "kmeans-4", "kmeans-8", "linear-int8", "linear-int16", "fp16" })
            QTest::newRow(s) << s << 0 << def;
        QTest::newRow("weight-int4 block 32") << "weight-int4" << 32 << def;
        QTest::newRow("weight-int4 block 128") << "weight-int4" << 128 << def;
        QTest::newRow("weight-int8 block 64") << "weight-int8" << 64 << def;
        QTest::newRow("weight-int4 per-tensor") << "weight-int4" << 0 << pt;
    }

    void packedSizes()
    {
        QFETCH(QString, scheme);
        QFETCH(int, block);
        QFETCH(int, granularity);
        QuantizeOptions o = m_fx.options(QStringLiteral("mlp"), scheme);
        o.blockSize = block;
        o.granularity = QuantizeOptions::Granularity(granularity);
        o.outPath.clear(); // sizes are known without a file
        auto fp32 = loadModel(m_fx.mlpPath);
        QVERIFY(fp32.ok());
        auto q = quantizeModel(*fp32, o);
        QVERIFY2(q.ok(), qPrintable(q.ok() ? QString() : q.error().toText()));
        QVERIFY(q->variant.artifactPath.isEmpty());
        // MLP 64-128-128-10: weights [128, 64], [128, 128], [10, 128]; FP32 biases 266 floats.
        const bool perTensor = granularity == int(QuantizeOptions::Granularity::PerTensor);
        qint64 expected = 266 * 4;
        for (auto shape : { std::pair<qint64, qint64> { 128, 64 }, { 128, 128 }, { 10, 128 } }) {
            const qint64 rows = perTensor ? 1 : shape.first;
            expected += packedBytes(scheme, rows, shape.first * shape.second, perTensor ? 0 : block);
        }
        QCOMPARE(q->variant.paramBytesAfter, expected);
        QCOMPARE(q->variant.paramBytesBefore, qint64((8192 + 16384 + 1280 + 266) * 4));
    }

    void kmeansDeterministic()
    {
        QuantizeOptions o = m_fx.options(QStringLiteral("mlp"), QStringLiteral("kmeans-4"));
        o.seed = 7;
        o.outPath = m_fx.dir.filePath(QStringLiteral("k1.pt"));
        const QuantizedModel a = quantizeOk(QStringLiteral("mlp"), o);
        QuantizeOptions o2 = o;
        o2.outPath = m_fx.dir.filePath(QStringLiteral("k2.pt"));
        const QuantizedModel b = quantizeOk(QStringLiteral("mlp"), o2);
        QCOMPARE(fileHash(o.outPath), fileHash(o2.outPath)); // same seed: the same bytes
        QuantizeOptions o3 = o;
        o3.seed = 8;
        o3.outPath = m_fx.dir.filePath(QStringLiteral("k3.pt"));
        quantizeOk(QStringLiteral("mlp"), o3);
        QVERIFY(fileHash(o3.outPath) != fileHash(o.outPath));
        QCOMPARE(a.variant.paramBytesAfter, b.variant.paramBytesAfter);
    }

    void exclusions()
    {
        // A layer by name: dynamic keeps fc3 in FP32 (qconfig None, as Python's {"fc3": None}).
        QuantizeOptions o = m_fx.options(QStringLiteral("mlp"), QStringLiteral("dynamic-int8"));
        o.excludes = QStringList { QStringLiteral("fc3") };
        QuantizedModel q = quantizeOk(QStringLiteral("mlp"), o);
        QCOMPARE(q.variant.coverage.quantizedLayers, 2);
        QCOMPARE(q.variant.coverage.quantizedOps.value(QStringLiteral("quantized::linear_dynamic")), 2);
        QCOMPARE(q.variant.coverage.fp32Layers.size(), 1);
        QCOMPARE(q.variant.coverage.fp32Layers.front(),
            (Fp32Layer { QStringLiteral("fc3"), QStringLiteral("Linear"), Fp32Layer::Excluded,
                QStringLiteral("--exclude fc3") }));
        QCOMPARE(
            q.variant.coverage.quantizedLayerNames, (QStringList { QStringLiteral("fc1"), QStringLiteral("fc2") }));

        // A layer type, static: convolutions stay FP32, Linear layers are quantized.
        o = m_fx.options(QStringLiteral("cnn"), QStringLiteral("static-int8"));
        o.excludes = QStringList { QStringLiteral("Conv2d") };
        q = quantizeOk(QStringLiteral("cnn"), o);
        QCOMPARE(q.variant.coverage.perType.value(QStringLiteral("Conv2d")).quantized, 0);
        QCOMPARE(q.variant.coverage.perType.value(QStringLiteral("Linear")).quantized, 2);
        QVERIFY(!q.variant.coverage.quantizedOps.contains(QStringLiteral("quantized::conv2d_relu")));

        // Globs, weight-only: first and last layer kept.
        o = m_fx.options(QStringLiteral("mlp"), QStringLiteral("weight-int4"));
        o.excludes = QStringList { QStringLiteral("fc[13]") };
        q = quantizeOk(QStringLiteral("mlp"), o);
        QCOMPARE(q.variant.coverage.quantizedLayerNames, QStringList { QStringLiteral("fc2") });
        QCOMPARE(q.variant.coverage.fp32Layers.size(), 2);
        for (const Fp32Layer& f : q.variant.coverage.fp32Layers)
            QCOMPARE(f.reason, Fp32Layer::Excluded);
        // ... and the file keeps them in FP32: 2 layers fewer packed.
        QCOMPARE(q.variant.paramBytesAfter, qint64((8192 + 1280 + 266) * 4 + 16384 / 2 + 128 * 4));
    }

    void nothingQuantizable()
    {
        // No weights at all: a variant is still made, with 0 of 0 layers and a warning.
        QuantizeOptions o = m_fx.options(QStringLiteral("relu"), QStringLiteral("dynamic-int8"));
        QuantizedModel q = quantizeOk(QStringLiteral("relu"), o);
        QCOMPARE(q.variant.coverage.totalLayers, 0);
        QCOMPARE(q.variant.coverage.quantizedLayers, 0);
        QVERIFY(q.variant.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("Nothing in")));
        QVERIFY(std::isinf(q.variant.fidelity.sqnrDb)); // identical outputs
        QVERIFY(QFileInfo::exists(o.outPath));
        // Convolutions only, dynamic: nothing it can quantize, said per layer.
        auto conv = modelfactory::sequential({ LayerSpec::conv2d(1, 4, 3) }, 0, QStringLiteral("ConvOnly"));
        QVERIFY(conv.ok());
        o.scheme = QStringLiteral("dynamic-int8");
        o.inputs = *InputSpec::parse({ QStringLiteral("1x1x8x8") });
        o.outPath = m_fx.dir.filePath(QStringLiteral("convonly.pt"));
        auto r = quantizeModel(*conv, o);
        QVERIFY(r.ok());
        QCOMPARE(r->variant.coverage.quantizedLayers, 0);
        QCOMPARE(r->variant.coverage.totalLayers, 1);
        QCOMPARE(r->variant.coverage.fp32Layers.front().reason, Fp32Layer::UnsupportedOp);
        QVERIFY(r->variant.coverage.fp32Layers.front().detail.contains(QStringLiteral("aten::conv2d")));
        QVERIFY(r->variant.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("1 unsupported op")));
        QVERIFY(r->variant.fileBytesBefore > 0); // measured by serializing the in-memory model
    }

    void qnnpackEngine()
    {
        if (!engine::available().contains(QStringLiteral("qnnpack")))
            QSKIP("no qnnpack in this LibTorch");
        QuantizeOptions o = m_fx.options(QStringLiteral("cnn"), QStringLiteral("static-int8"));
        o.engine = QStringLiteral("qnnpack");
        o.outPath = m_fx.dir.filePath(QStringLiteral("cnn.qnnpack.pt"));
        QuantizedModel q = quantizeOk(QStringLiteral("cnn"), o);
        QCOMPARE(q.variant.engine, QStringLiteral("qnnpack"));
        QCOMPARE(q.variant.options.effectiveGranularity(q.variant.engine), QuantizeOptions::Granularity::PerTensor);
        QCOMPARE(q.variant.coverage.quantizedLayers, 4);
        QVERIFY(q.variant.fidelity.cosine > 0.995);
        auto loaded = loadModel(o.outPath, { QStringLiteral("qnnpack") });
        QVERIFY(loaded.ok());
        QVERIFY(test::outputOn(*loaded, m_fx.cnnCalib, 0, 8) == test::outputOn(q.model, m_fx.cnnCalib, 0, 8));
    }

    void minMaxObserverAndCalibrationCount()
    {
        QuantizeOptions o = m_fx.options(QStringLiteral("cnn"), QStringLiteral("static-int8"));
        o.observer = QuantizeOptions::Observer::MinMax;
        o.calibrationSamples = 50;
        o.calibrationBatch = 16;
        o.outPath.clear();
        const QuantizedModel q = quantizeOk(QStringLiteral("cnn"), o);
        QCOMPARE(q.variant.calibrationSamples, 50);
        QVERIFY(q.variant.calibrationSource.contains(QStringLiteral("50 of 300")));
        QVERIFY(q.variant.fidelity.inputs.contains(QStringLiteral("not used for calibration")));
        QVERIFY(q.variant.fidelity.cosine > 0.99);
        QCOMPARE(
            q.variant.toJson().value(QStringLiteral("options")).toObject().value(QStringLiteral("observer")).toString(),
            QStringLiteral("minmax"));
    }

    void collapseIsFlagged()
    {
        // Calibrated on inputs 1000x larger than those it then sees: the real activations all
        // round to zero, and a model without biases outputs zeros.
        auto nobias = modelfactory::sequential(
            { LayerSpec::linear(64, 128, false), LayerSpec::relu(), LayerSpec::linear(128, 10, false) }, 4,
            QStringLiteral("NoBias"));
        QVERIFY(nobias.ok());
        const QString skewed = m_fx.dir.filePath(QStringLiteral("skewed.pt"));
        QVERIFY(test::writeInputs(skewed, { 264, 64 }, 1000.0, 200, 5));
        QuantizeOptions o = m_fx.options(QStringLiteral("mlp"), QStringLiteral("static-int8"));
        o.calibrationPath = skewed;
        o.outPath.clear();
        auto q = quantizeModel(*nobias, o);
        QVERIFY(q.ok());
        QVERIFY(q->variant.fidelity.measured);
        QVERIFY(q->variant.fidelity.collapsed);
        QVERIFY2(q->variant.fidelity.note.contains(QStringLiteral("all zeros")), qPrintable(q->variant.fidelity.note));
        QVERIFY(q->variant.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("output collapsed")));
        // The same model calibrated on data like its inputs is fine.
        o.calibrationPath = m_fx.mlpCalib;
        q = quantizeModel(*nobias, o);
        QVERIFY(q.ok());
        QVERIFY(!q->variant.fidelity.collapsed);
    }

    void randomCalibrationWarns()
    {
        QuantizeOptions o = m_fx.options(QStringLiteral("cnn"), QStringLiteral("static-int8"));
        o.calibration = QuantizeOptions::Calibration::Random;
        o.calibrationSamples = 64;
        o.outPath.clear();
        const QuantizedModel q = quantizeOk(QStringLiteral("cnn"), o);
        QCOMPARE(q.variant.calibrationSamples, 64);
        QVERIFY(q.variant.calibrationSource.contains(QStringLiteral("seeded random inputs")));
        QVERIFY(
            q.variant.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("seeded random inputs, not real data")));
    }

    void jsonOfARealVariant()
    {
        const QuantizedModel q
            = quantizeOk(QStringLiteral("mlp"), m_fx.options(QStringLiteral("mlp"), QStringLiteral("weight-int4")));
        auto back = Variant::fromJson(q.variant.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), q.variant.toJson());
        QCOMPARE(back->coverage, q.variant.coverage);
    }
};

QTEST_GUILESS_MAIN(TestQuantizer)
#include "tst_quantizer.moc"
