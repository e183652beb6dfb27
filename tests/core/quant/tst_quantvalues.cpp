// SPDX-License-Identifier: GPL-3.0-or-later
// The value types of quantization (options, variants, patterns, the scheme catalog) and the
// weight codecs: no model needed.
#include <QtTest/QtTest>

#include "core/quant/layerpattern.h"
#include "core/quant/quantizeoptions.h"
#include "core/quant/schemecatalog.h"
#include "core/quant/variant.h"
#include "core/quant/weightcodec.h"

#include <cmath>
#include <random>

using namespace qs;

class TestQuantValues : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void catalog()
    {
        const QStringList ids = schemeIds();
        for (const char* id : { "dynamic-int8", "static-int8", "fp16", "weight-int8", "weight-int4", "kmeans-2",
                 "kmeans-4", "kmeans-8", "linear-int8", "linear-int16" })
            QVERIFY2(ids.contains(QLatin1String(id)), id);
        QCOMPARE(findScheme(QStringLiteral("kmeans-2"))->bits, 2);
        QVERIFY(findScheme(QStringLiteral("static-int8"))->needsCalibration);
        QVERIFY(findScheme(QStringLiteral("weight-int4"))->blockwise);
        QVERIFY(!findScheme(QStringLiteral("kmeans-4"))->blockwise);
        QVERIFY(!findScheme(QStringLiteral("nope")));
        QVERIFY(schemesForLayerType(QStringLiteral("Conv2d")).contains(QStringLiteral("static-int8")));
        QVERIFY(!schemesForLayerType(QStringLiteral("Conv2d")).contains(QStringLiteral("dynamic-int8")));
    }

    void validate_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("block");
        QTest::addColumn<int>("granularity");
        QTest::addColumn<int>("calibration");
        QTest::addColumn<QStringList>("excludes");
        QTest::addColumn<QString>("error"); // empty: valid

        const int def = int(QuantizeOptions::Granularity::Default), pt = int(QuantizeOptions::Granularity::PerTensor);
        const int none = int(QuantizeOptions::Calibration::None), random = int(QuantizeOptions::Calibration::Random);
        QTest::newRow("dynamic") << "dynamic-int8" << 0 << def << none << QStringList() << "";
        QTest::newRow("unknown scheme") << "int3" << 0 << def << none << QStringList()
                                        << "Schemes: dynamic-int8, static-int8";
        QTest::newRow("static without data")
            << "static-int8" << 0 << def << none << QStringList() << "needs calibration data";
        QTest::newRow("static random") << "static-int8" << 0 << def << random << QStringList() << "";
        QTest::newRow("block 64") << "weight-int4" << 64 << def << none << QStringList() << "";
        QTest::newRow("block 48") << "weight-int4" << 48 << def << none << QStringList()
                                  << "Block size 48 is not supported";
        QTest::newRow("block on kmeans") << "kmeans-4" << 32 << def << none << QStringList()
                                         << "weight-int8 and weight-int4 only";
        QTest::newRow("block per-tensor") << "weight-int8" << 32 << pt << none << QStringList() << "contradict";
        QTest::newRow("granularity on kmeans")
            << "kmeans-2" << 0 << pt << none << QStringList() << "no per-tensor/per-channel";
        QTest::newRow("pattern ok") << "weight-int8" << 0 << def << none
                                    << QStringList { "features.*", "Embedding", "fc[12]" } << "";
        QTest::newRow("pattern brackets")
            << "weight-int8" << 0 << def << none << QStringList { "fc[1" } << "unbalanced brackets";
        QTest::newRow("pattern empty") << "weight-int8" << 0 << def << none << QStringList { "" } << "empty --exclude";
        QTest::newRow("pattern spaces") << "weight-int8" << 0 << def << none << QStringList { "fc 1" } << "spaces";
    }

    void validate()
    {
        QFETCH(QString, scheme);
        QFETCH(int, block);
        QFETCH(int, granularity);
        QFETCH(int, calibration);
        QFETCH(QStringList, excludes);
        QFETCH(QString, error);
        QuantizeOptions o;
        o.scheme = scheme;
        o.blockSize = block;
        o.granularity = QuantizeOptions::Granularity(granularity);
        o.calibration = QuantizeOptions::Calibration(calibration);
        o.excludes = excludes;
        const Status st = o.validate();
        if (error.isEmpty()) {
            QVERIFY2(st.ok(), qPrintable(st.ok() ? QString() : st.error().message));
        } else {
            QVERIFY(!st.ok());
            QVERIFY2(st.error().message.contains(error), qPrintable(st.error().message));
            QCOMPARE(st.error().exitCode(), 2);
        }
    }

    void unknownEngine()
    {
        QuantizeOptions o;
        o.scheme = QStringLiteral("dynamic-int8");
        o.engine = QStringLiteral("fbgemm9");
        const Status st = o.validate();
        QVERIFY(!st.ok());
        QVERIFY2(st.error().message.contains(QStringLiteral("onednn")), qPrintable(st.error().message));
    }

    void defaultGranularity()
    {
        QuantizeOptions o;
        o.scheme = QStringLiteral("static-int8");
        QCOMPARE(o.effectiveGranularity(QStringLiteral("onednn")), QuantizeOptions::Granularity::PerChannel);
        QCOMPARE(o.effectiveGranularity(QStringLiteral("qnnpack")), QuantizeOptions::Granularity::PerTensor);
        o.scheme = QStringLiteral("dynamic-int8");
        QCOMPARE(o.effectiveGranularity(QStringLiteral("onednn")), QuantizeOptions::Granularity::PerTensor);
        o.granularity = QuantizeOptions::Granularity::PerChannel;
        QCOMPARE(o.effectiveGranularity(QStringLiteral("onednn")), QuantizeOptions::Granularity::PerChannel);
    }

    void optionsJsonRoundTrip()
    {
        QuantizeOptions o;
        o.scheme = QStringLiteral("static-int8");
        o.engine = QStringLiteral("qnnpack");
        o.observer = QuantizeOptions::Observer::MinMax;
        o.granularity = QuantizeOptions::Granularity::PerTensor;
        o.calibration = QuantizeOptions::Calibration::File;
        o.calibrationPath = QStringLiteral("/data/calib.pt");
        o.calibrationSamples = 123;
        o.calibrationBatch = 7;
        o.excludes = QStringList { QStringLiteral("fc3"), QStringLiteral("Embedding") };
        o.seed = 18446744073709551615ull; // does not fit a JSON double
        o.outPath = QStringLiteral("/tmp/x.pt");
        o.inputs = *InputSpec::parse({ QStringLiteral("1x3x32x32") });
        auto back = QuantizeOptions::fromJson(o.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), o.toJson());
        QCOMPARE(back->seed, o.seed);
        QCOMPARE(back->inputs, o.inputs);
        QCOMPARE(back->observer, QuantizeOptions::Observer::MinMax);
    }

    void variantJsonRoundTrip()
    {
        Variant v;
        v.scheme = QStringLiteral("weight-int4");
        v.options.scheme = v.scheme;
        v.options.blockSize = 32;
        v.engine = QStringLiteral("onednn");
        v.runtime = Variant::Runtime::DequantizedAtLoad;
        v.artifactPath = QStringLiteral("/tmp/m.weight-int4.pt");
        v.fileBytesBefore = 4000000000ll; // beyond 32 bits
        v.fileBytesAfter = 500000000ll;
        v.paramBytesBefore = 3;
        v.paramBytesAfter = 1;
        v.seconds = 1.5;
        v.coverage.quantizedLayers = 2;
        v.coverage.totalLayers = 3;
        v.coverage.perType.insert(QStringLiteral("Linear"), TypeCoverage { 2, 3 });
        v.coverage.quantizedTensors = 2;
        v.coverage.totalTensors = 6;
        v.coverage.quantizedLayerNames = QStringList { QStringLiteral("fc1"), QStringLiteral("fc2") };
        v.coverage.fp32Layers << Fp32Layer { QStringLiteral("fc3"), QStringLiteral("Linear"), Fp32Layer::Excluded,
            QStringLiteral("--exclude fc3") };
        v.fidelity.measured = true;
        v.fidelity.cosine = 0.99;
        v.fidelity.sqnrDb = std::numeric_limits<double>::infinity();
        v.warnings << QStringLiteral("w");
        const QJsonObject json = v.toJson();
        for (const char* key :
            { "scheme", "engine", "out", "file_bytes_before", "file_bytes_after", "seconds", "coverage" })
            QVERIFY2(json.contains(QLatin1String(key)), key);
        const QJsonObject cov = json.value(QStringLiteral("coverage")).toObject();
        for (const char* key :
            { "quantized_layers", "total_layers", "quantized_tensors", "total_tensors", "fp32_layers" })
            QVERIFY2(cov.contains(QLatin1String(key)), key);
        QCOMPARE(cov.value(QStringLiteral("fp32_layers"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("reason"))
                     .toString(),
            QStringLiteral("excluded"));
        QVERIFY(json.value(QStringLiteral("fidelity")).toObject().value(QStringLiteral("sqnr_db")).isNull());

        auto back = Variant::fromJson(json);
        QVERIFY(back.ok());
        QCOMPARE(back->coverage, v.coverage);
        QCOMPARE(back->fileBytesBefore, v.fileBytesBefore);
        QVERIFY(std::isinf(back->fidelity.sqnrDb));
        QCOMPARE(back->runtime, Variant::Runtime::DequantizedAtLoad);
        QCOMPARE(back->options.blockSize, 32);
        QCOMPARE(back->toJson(), json);
        QVERIFY(!Variant::fromJson(QJsonObject()).ok());
    }

    void patterns()
    {
        const LayerPatternSet set(
            { QStringLiteral("features.1*"), QStringLiteral("Embedding"), QStringLiteral("head") });
        auto typeOf
            = [](const QString& n) { return n == QLatin1String("head") ? QStringLiteral("Sequential") : QString(); };
        QCOMPARE(
            set.match(QStringLiteral("features.1"), QStringLiteral("Conv2d"), typeOf), QStringLiteral("features.1*"));
        QCOMPARE(
            set.match(QStringLiteral("features.10"), QStringLiteral("Conv2d"), typeOf), QStringLiteral("features.1*"));
        QCOMPARE(set.match(QStringLiteral("features.2"), QStringLiteral("Conv2d"), typeOf), QString());
        QCOMPARE(set.match(QStringLiteral("tok"), QStringLiteral("Embedding"), typeOf), QStringLiteral("Embedding"));
        QCOMPARE(set.match(QStringLiteral("head.0"), QStringLiteral("Linear"), typeOf),
            QStringLiteral("head")); // inside an excluded parent
        QCOMPARE(set.match(QStringLiteral("header"), QStringLiteral("Linear"), typeOf), QString());
    }

    void symmetricCodes()
    {
        // Per row, per block, per tensor: q within range, scale = max|w| / qmax, error <= scale / 2.
        std::mt19937 gen(1);
        std::normal_distribution<float> normal;
        std::vector<float> w(6 * 100);
        for (float& x : w)
            x = normal(gen);
        w[5] = 0;
        for (int bits : { 4, 8, 16 }) {
            for (qint64 block : { qint64(0), qint64(32), qint64(64) }) {
                const auto c = weightcodec::quantizeSymmetric(w.data(), 6, 100, bits, block);
                QCOMPARE(c.blocks(), block ? (100 + block - 1) / block : 1);
                QCOMPARE(qint64(c.scales.size()), 6 * c.blocks());
                const auto d = weightcodec::dequantize(c);
                for (size_t i = 0; i < w.size(); ++i) {
                    QVERIFY(std::abs(c.q[i]) <= c.qmax());
                    const float scale = c.scales[(i / 100) * size_t(c.blocks()) + (i % 100) / size_t(c.block)];
                    QVERIFY(std::fabs(d[i] - w[i]) <= scale * 0.5f * 1.0001f);
                }
                QCOMPARE(d[5], 0.0f);
            }
        }
        // All zeros: scale 1, codes 0, exact.
        std::vector<float> zeros(10, 0.0f);
        const auto z = weightcodec::quantizeSymmetric(zeros.data(), 1, 10, 4, 0);
        QCOMPARE(weightcodec::dequantize(z), zeros);
    }

    void packing()
    {
        const std::vector<uint8_t> values { 3, 0, 2, 2, 1, 3, 0 };
        const auto p2 = weightcodec::packBits(values, 2);
        QCOMPARE(p2.size(), size_t(2)); // ceil(7 * 2 / 8)
        QCOMPARE(int(p2[0]), 3 | (0 << 2) | (2 << 4) | (2 << 6));
        QCOMPARE(weightcodec::unpackBits(p2, 2, 7), values);
        QCOMPARE(weightcodec::unpackBits(weightcodec::packBits(values, 4), 4, 7), values);
        QCOMPARE(weightcodec::packBits(values, 4).size(), size_t(4));
        QCOMPARE(weightcodec::packBits(values, 8), values);
        const std::vector<int16_t> q { -7, 7, 0 };
        const auto p4 = weightcodec::packInt4(q);
        QCOMPARE(p4.size(), size_t(2)); // two per byte
        QCOMPARE(int(p4[0]), 1 | (15 << 4));
        QCOMPARE(int(p4[1]), 8);
    }

    void kmeansDeterministicAndSound()
    {
        std::mt19937 gen(7);
        std::normal_distribution<float> normal;
        std::vector<float> w(100000);
        for (float& x : w)
            x = normal(gen);
        for (int bits : { 2, 4, 8 }) {
            const auto a = weightcodec::kmeans(w.data(), qint64(w.size()), bits, 42);
            const auto b = weightcodec::kmeans(w.data(), qint64(w.size()), bits, 42);
            QCOMPARE(a.codebook, b.codebook);
            QCOMPARE(a.indices, b.indices);
            QCOMPARE(int(a.codebook.size()), 1 << bits);
            QCOMPARE(a.usedCentroids, 1 << bits);
            QVERIFY(std::is_sorted(a.codebook.begin(), a.codebook.end()));
            // Every weight sits at its nearest centroid, and more bits give less error.
            const auto d = weightcodec::dequantize(a);
            for (size_t i = 0; i < w.size(); i += 997) {
                for (float c : a.codebook)
                    QVERIFY(std::fabs(d[i] - w[i]) <= std::fabs(c - w[i]) + 1e-6f);
            }
        }
        auto mse = [&](int bits) {
            const auto d = weightcodec::dequantize(weightcodec::kmeans(w.data(), qint64(w.size()), bits, 0));
            double e = 0;
            for (size_t i = 0; i < w.size(); ++i)
                e += double(d[i] - w[i]) * double(d[i] - w[i]);
            return e / double(w.size());
        };
        const double e2 = mse(2), e4 = mse(4), e8 = mse(8);
        QVERIFY(e4 < e2 / 5);
        QVERIFY(e8 < e4 / 50);
        // 2-bit Lloyd-Max quantizer of N(0,1) has MSE 0.1175.
        QVERIFY2(std::fabs(e2 - 0.1175) < 0.005, qPrintable(QString::number(e2)));
        // Another seed gives another (valid) initialisation.
        const auto c = weightcodec::kmeans(w.data(), qint64(w.size()), 8, 43);
        QVERIFY(c.codebook != weightcodec::kmeans(w.data(), qint64(w.size()), 8, 42).codebook);
    }

    void kmeansFewDistinctValues()
    {
        const std::vector<float> w { 1, 1, 2, 2, 2, 5 };
        const auto c = weightcodec::kmeans(w.data(), qint64(w.size()), 4, 0);
        QCOMPARE(c.usedCentroids, 3);
        QCOMPARE(weightcodec::dequantize(c), w); // exact: one centroid per value
    }
};

QTEST_GUILESS_MAIN(TestQuantValues)
#include "tst_quantvalues.moc"
