// SPDX-License-Identifier: GPL-3.0-or-later
// Per-layer diagnosis: the ranges it reports are the ones the variant really uses (compared with
// the quantized graph's own constants and unpacked weights), the errors are the hand-computed
// ones, histograms count every value, and bad input is refused with a clear message.
#include "core/eval/layerdiagnosis.h"
#include "core/jobs/jobrunner.h"
#include "core/model/modelfactory.h"
#include "core/model/modelloader.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

#include <cmath>

using namespace qs;

namespace {

Dataset randomImages(int count)
{
    DatasetOptions n;
    n.randomCount = count;
    return *Dataset::open("random:1x1x28x28", n);
}

QString why(const Error& e)
{
    return e.message;
}

// Symmetric signed quantization of \a w by hand: code = round-half-even(w / scale) clamped to
// [qmin, qmax]; returns the mean squared error of the dequantized values.
double symmetricMse(const QVector<float>& w, int from, int count, float scale, int qmin, int qmax)
{
    double sum = 0;
    for (int i = from; i < from + count; ++i) {
        const double q = std::clamp<double>(std::nearbyint(w[i] / scale), qmin, qmax);
        const double e = double(w[i]) - q * scale;
        sum += e * e;
    }
    return sum;
}

double maxAbs(const QVector<float>& w, int from, int count)
{
    double m = 0;
    for (int i = from; i < from + count; ++i)
        m = std::max(m, std::abs(double(w[i])));
    return m;
}

void checkHistogram(const Histogram& h, qint64 total, int bins)
{
    QCOMPARE(h.bins(), bins);
    QCOMPARE(h.total(), total);
    QVERIFY(h.hi > h.lo);
}

} // namespace

class TestLayerDiagnosis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void staticInt8RangesAreTheVariants_data()
    {
        QTest::addColumn<int>("observer");
        QTest::addColumn<int>("granularity");
        QTest::newRow("histogram, per-channel") << int(QuantizeOptions::Observer::Histogram)
                                                << int(QuantizeOptions::Granularity::PerChannel);
        QTest::newRow("minmax, per-tensor") << int(QuantizeOptions::Observer::MinMax)
                                            << int(QuantizeOptions::Granularity::PerTensor);
    }
    void staticInt8RangesAreTheVariants()
    {
        QFETCH(int, observer);
        QFETCH(int, granularity);
        auto model = modelfactory::smallCnn(10, 7);
        QVERIFY(model.ok());
        const Dataset calib = randomImages(96);
        LayerDiagnosisOptions o;
        o.quant.scheme = QStringLiteral("static-int8");
        o.quant.engine = QStringLiteral("onednn");
        o.quant.observer = QuantizeOptions::Observer(observer);
        o.quant.granularity = QuantizeOptions::Granularity(granularity);
        o.quant.calibrationSamples = 64;
        o.bins = 48;
        auto r = diagnoseLayers(*model, o, calib);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : why(r.error())));
        QCOMPARE(r->calibrationSamples, 64);
        QCOMPARE(r->engine, QStringLiteral("onednn"));

        // The variant quantizeModel() makes with the same options and data.
        auto variant = quantizeModel(*model, o.quant, calib);
        QVERIFY2(variant.ok(), qPrintable(variant.ok() ? QString() : why(variant.error())));
        QString error;
        const test::GraphQParams graph = test::graphQParams(variant->model, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        const bool perChannel = granularity == int(QuantizeOptions::Granularity::PerChannel);
        QStringList tensors;
        for (const WeightDiagnosis& w : r->weights)
            tensors << w.tensor;
        QCOMPARE(tensors, (QStringList { "conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight" }));
        QCOMPARE(graph.weightScales.size(), 4);
        for (int i = 0; i < r->weights.size(); ++i) {
            const WeightDiagnosis& w = r->weights[i];
            QVERIFY2(w.quantized, qPrintable(w.tensor));
            QCOMPARE(w.range.kind, perChannel ? QuantRange::Kind::PerChannel : QuantRange::Kind::PerTensor);
            QCOMPARE(w.range.dtype, QStringLiteral("qint8"));
            QCOMPARE(w.range.qmin, qint64(-128));
            QCOMPARE(w.range.qmax, qint64(127));
            const QVector<double> scales = perChannel ? w.range.scales : QVector<double> { w.range.scale };
            QCOMPARE(scales.size(), perChannel ? int(w.shape.front()) : 1);
            QCOMPARE(scales, graph.weightScales[i]); // exactly the packed weight's scales
            if (w.layerType == QLatin1String("Conv2d"))
                QVERIFY2(w.note.contains("BatchNorm"), qPrintable(w.note));
            qint64 numel = 1;
            for (qint64 d : w.shape)
                numel *= d;
            checkHistogram(w.histogram, numel, 48);
            QVERIFY(w.histogram.lo <= w.range.clipMin && w.histogram.hi >= w.range.clipMax);
            QVERIFY2(w.sqnrDb > 25 && std::isfinite(w.sqnrDb), qPrintable(QString::number(w.sqnrDb)));
            QVERIFY(w.mse > 0 && w.maxAbsError > 0 && w.maxAbsError <= w.range.clipMax);
            QVERIFY2(w.clippedFraction < 0.01, qPrintable(w.tensor + " " + QString::number(w.clippedFraction))); // symmetric MinMax: at most the largest weight of a channel
        }

        // Activations: the (scale, zero point) of each is one the quantized graph uses.
        QCOMPARE(r->activations.size(), graph.activations.size());
        QVector<QPair<double, qint64>> mine;
        for (const ActivationDiagnosis& a : r->activations) {
            mine.append({ a.range.scale, a.range.zeroPoint });
            QCOMPARE(a.range.kind, QuantRange::Kind::PerTensor);
            QCOMPARE(a.range.dtype, QStringLiteral("quint8"));
            QCOMPARE(a.range.qmax, qint64(255));
            QCOMPARE(a.range.observer,
                observer == int(QuantizeOptions::Observer::Histogram) ? QStringLiteral("HistogramObserver")
                                                                      : QStringLiteral("MinMaxObserver"));
            QVERIFY(a.values > 0);
            checkHistogram(a.histogram, a.values, 48);
            QVERIFY(a.histogram.lo <= std::min(a.observedMin, a.range.clipMin));
            QVERIFY(a.histogram.hi >= std::max(a.observedMax, a.range.clipMax));
            QVERIFY2(a.sqnrDb > 15, qPrintable(a.name + " " + QString::number(a.sqnrDb)));
            QVERIFY(!a.consumers.isEmpty());
            if (a.producer.startsWith("relu"))
                QVERIFY(a.observedMin >= 0);
            if (observer == int(QuantizeOptions::Observer::MinMax)) {
                // MinMax covers what it saw (up to the zero point's rounding).
                QVERIFY(a.range.clipMin <= a.observedMin + a.range.scale);
                QVERIFY(a.range.clipMax >= a.observedMax - a.range.scale);
            }
        }
        auto sorted = [](QVector<QPair<double, qint64>> v) {
            std::sort(v.begin(), v.end());
            return v;
        };
        QCOMPARE(sorted(mine), sorted(graph.activations));
        const ActivationDiagnosis& input = r->activations.front();
        QCOMPARE(input.name, QStringLiteral("input"));
        QCOMPARE(input.values, qint64(64 * 28 * 28));
        QCOMPARE(input.consumers, QStringList { "conv1" });

        auto back = LayerDiagnosis::fromJson(QJsonDocument::fromJson(QJsonDocument(r->toJson()).toJson()).object());
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), r->toJson());
        QCOMPARE(back->activations.front().histogram, input.histogram);
    }

    void dynamicInt8WeightErrorByHand()
    {
        auto mlp = modelfactory::mlp({ 16, 32, 8 }, 5);
        QVERIFY(mlp.ok());
        LayerDiagnosisOptions o;
        o.quant.scheme = QStringLiteral("dynamic-int8");
        auto r = diagnoseLayers(*mlp, o);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : why(r.error())));
        QVERIFY(r->activations.isEmpty());
        QVERIFY(r->notes.join(" ").contains("run time"));
        QCOMPARE(r->weights.size(), 2);
        auto variant = quantizeModel(*mlp, o.quant);
        QVERIFY(variant.ok());
        const test::GraphQParams graph = test::graphQParams(variant->model);
        QCOMPARE(graph.weightScales.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const WeightDiagnosis& w = r->weights[i];
            QCOMPARE(w.range.kind, QuantRange::Kind::PerTensor); // dynamic default: per tensor
            QCOMPARE(QVector<double> { w.range.scale }, graph.weightScales[i]);
            QCOMPARE(w.range.zeroPoint, qint64(0));
            const QVector<float> values = test::tensorValues(*mlp, w.tensor);
            QVERIFY(!values.isEmpty());
            // torch.ao's symmetric MinMaxObserver: scale = max|w| / ((127 - -128) / 2).
            const float scale = float(maxAbs(values, 0, values.size())) / 127.5f;
            QVERIFY(std::abs(w.range.scale - scale) <= 1e-7 * scale);
            const double mse = symmetricMse(values, 0, values.size(), scale, -128, 127) / values.size();
            QVERIFY2(std::abs(w.mse - mse) <= 1e-3 * mse, qPrintable(QStringLiteral("%1 vs %2").arg(w.mse).arg(mse)));
            checkHistogram(w.histogram, values.size(), 64);
        }
    }

    void weightOnlyCodecs_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("block");
        QTest::addColumn<int>("kind");
        QTest::newRow("weight-int4 block 32") << "weight-int4" << 32 << int(QuantRange::Kind::PerBlock);
        QTest::newRow("weight-int8 per channel") << "weight-int8" << 0 << int(QuantRange::Kind::PerChannel);
        QTest::newRow("linear-int8") << "linear-int8" << 0 << int(QuantRange::Kind::PerTensor);
        QTest::newRow("kmeans-4") << "kmeans-4" << 0 << int(QuantRange::Kind::Codebook);
    }
    void weightOnlyCodecs()
    {
        QFETCH(QString, scheme);
        QFETCH(int, block);
        QFETCH(int, kind);
        auto mlp = modelfactory::mlp({ 64, 32, 8 }, 9);
        QVERIFY(mlp.ok());
        LayerDiagnosisOptions o;
        o.quant.scheme = scheme;
        o.quant.blockSize = block;
        auto r = diagnoseLayers(*mlp, o);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : why(r.error())));
        QVERIFY(r->activations.isEmpty());
        QCOMPARE(r->weights.size(), 2);
        const WeightDiagnosis& w = r->weights.front();
        QCOMPARE(w.tensor, QStringLiteral("fc1.weight"));
        QVERIFY(w.quantized);
        QCOMPARE(int(w.range.kind), kind);
        const QVector<float> values = test::tensorValues(*mlp, w.tensor);
        QCOMPARE(values.size(), 32 * 64);
        checkHistogram(w.histogram, values.size(), 64);
        QCOMPARE(w.clippedFraction, 0.0); // max|w| scales and codebooks clip nothing
        QVERIFY(w.sqnrDb > 5 && std::isfinite(w.sqnrDb));
        if (w.range.kind == QuantRange::Kind::Codebook) {
            QVERIFY(w.range.codebook.size() <= 16 && w.range.codebook.size() > 1);
            QVERIFY(std::is_sorted(w.range.codebook.begin(), w.range.codebook.end()));
            QCOMPARE(w.range.clipMin, w.range.codebook.front());
            return;
        }
        // Symmetric codecs by hand: scale = max|w| / qmax over each block, codes in [-qmax, qmax].
        const int bits = scheme.endsWith("4") ? 4 : 8, qmax = (1 << (bits - 1)) - 1;
        const int rows = w.range.kind == QuantRange::Kind::PerTensor ? 1 : 32;
        const int cols = values.size() / rows, width = block > 0 ? block : cols;
        double sum = 0;
        QVector<double> scales;
        for (int row = 0; row < rows; ++row) {
            for (int b = 0; b < cols; b += width) {
                const float scale = float(maxAbs(values, row * cols + b, width)) / float(qmax);
                scales << scale;
                sum += symmetricMse(values, row * cols + b, width, scale, -qmax, qmax);
            }
        }
        if (w.range.kind == QuantRange::Kind::PerTensor)
            QCOMPARE(w.range.scale, scales.front());
        else
            QCOMPARE(w.range.scales, scales);
        if (w.range.kind == QuantRange::Kind::PerBlock)
            QCOMPARE(w.range.block, qint64(block));
        const double mse = sum / values.size();
        QVERIFY2(std::abs(w.mse - mse) <= 1e-6 * mse, qPrintable(QStringLiteral("%1 vs %2").arg(w.mse).arg(mse)));
        QVERIFY(std::abs(w.sqnrDb - 10 * std::log10(double(std::inner_product(values.begin(), values.end(), values.begin(), 0.0)) / sum)) < 1e-6);
    }

    void excludedLayersStayFp32()
    {
        auto model = modelfactory::smallCnn(10, 3);
        LayerDiagnosisOptions o;
        o.quant.scheme = QStringLiteral("static-int8");
        o.quant.calibrationSamples = 32;
        o.quant.excludes = QStringList { "fc2" };
        auto r = diagnoseLayers(*model, o, randomImages(32));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : why(r.error())));
        const WeightDiagnosis& fc2 = r->weights.last();
        QCOMPARE(fc2.tensor, QStringLiteral("fc2.weight"));
        QVERIFY(!fc2.quantized);
        QCOMPARE(fc2.range.kind, QuantRange::Kind::None);
        QVERIFY2(fc2.note.contains("excluded"), qPrintable(fc2.note));
        QCOMPARE(fc2.mse, 0.0);
        QCOMPARE(fc2.histogram.total(), qint64(10 * 128));
        for (const ActivationDiagnosis& a : r->activations)
            QVERIFY2(a.producer != QLatin1String("fc2"), qPrintable(a.name)); // its output is not quantized
    }

    void badInput()
    {
        auto model = modelfactory::smallCnn(10, 3);
        LayerDiagnosisOptions o;
        o.quant.scheme = QStringLiteral("static-int8");
        auto noData = diagnoseLayers(*model, o);
        QVERIFY(!noData.ok());
        QCOMPARE(noData.error().kind, Error::Kind::Usage);
        QVERIFY2(noData.error().message.contains("--calib"), qPrintable(noData.error().message));

        o.quant.excludes = QStringList { "fc9" };
        auto typo = diagnoseLayers(*model, o, randomImages(8));
        QVERIFY(!typo.ok());
        QVERIFY2(typo.error().message.contains("fc9") && typo.error().message.contains("conv1"),
            qPrintable(typo.error().message));

        o.quant.excludes.clear();
        o.bins = 1;
        auto bins = diagnoseLayers(*model, o, randomImages(8));
        QVERIFY(!bins.ok());
        QVERIFY2(bins.error().message.contains("--bins"), qPrintable(bins.error().message));

        DatasetOptions n;
        n.randomCount = 8;
        auto wrongShape = diagnoseLayers(*model, LayerDiagnosisOptions { o.quant, 64 }, *Dataset::open("random:1x3x8x8", n));
        QVERIFY(!wrongShape.ok());
        QCOMPARE(wrongShape.error().kind, Error::Kind::BadInput);

        LayerDiagnosisOptions d;
        d.quant.scheme = QStringLiteral("dynamic-int8");
        auto mlp = modelfactory::mlp({ 8, 4 }, 1);
        auto q = quantizeModel(*mlp, d.quant);
        QVERIFY(q.ok());
        auto already = diagnoseLayers(q->model, d);
        QVERIFY(!already.ok());
        QVERIFY2(already.error().message.contains("already quantized"), qPrintable(already.error().message));
    }

    void jobEmitsTheResult()
    {
        auto mlp = modelfactory::mlp({ 16, 8 }, 2);
        LayerDiagnosisOptions o;
        o.quant.scheme = QStringLiteral("weight-int8");
        JobRunner runner;
        LayerDiagnosisJob job(*mlp, o);
        QSignalSpy diagnosed(&job, &LayerDiagnosisJob::diagnosed);
        runner.submit(&job);
        QTRY_VERIFY_WITH_TIMEOUT(diagnosed.count() == 1, 60000);
        QCOMPARE(diagnosed.first().first().value<LayerDiagnosis>().weights.size(), 1);
        QCOMPARE(job.result().weights.size(), 1);
    }

    void cliOnTheDemo()
    {
        const QString dir = test::demoDir();
        if (dir.isEmpty())
            QSKIP("the demo fixture is not prepared");
        const QStringList base { "layers", dir + "/fashion_cnn.pt", "--scheme", "static-int8", "--calib",
            dir + "/fashion_calib.pt", "--calib-samples", "100" };
        auto json = test::runCli(base + QStringList { "--json", "--bins", "32" });
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject o = test::parseJsonObject(json.out);
        QCOMPARE(o.value("scheme").toString(), QStringLiteral("static-int8"));
        QCOMPARE(o.value("calibration_samples").toInt(), 100);
        const QJsonArray weights = o.value("weights").toArray();
        QCOMPARE(weights.size(), 4);
        const QJsonObject first = weights.first().toObject();
        for (const char* key : { "layer", "layer_type", "tensor", "shape", "quantized", "sqnr_db", "mse", "histogram", "range" })
            QVERIFY2(first.contains(key), key);
        QCOMPARE(first.value("histogram").toObject().value("counts").toArray().size(), 32);
        QCOMPARE(first.value("range").toObject().value("kind").toString(), QStringLiteral("per-channel"));
        QVERIFY(o.value("activations").toArray().size() >= 4);

        auto text = test::runCli(base);
        QVERIFY2(text.exitCode == 0, qPrintable(text.err));
        QVERIFY(text.out.contains("conv1.weight") && text.out.contains("Activation") && text.out.contains("SQNR"));

        auto noScheme = test::runCli({ "layers", dir + "/fashion_cnn.pt" });
        QCOMPARE(noScheme.exitCode, 2);
        QVERIFY(noScheme.err.contains("--scheme"));
    }
};

QTEST_GUILESS_MAIN(TestLayerDiagnosis)
#include "tst_layerdiagnosis.moc"
