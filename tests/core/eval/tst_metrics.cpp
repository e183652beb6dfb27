// SPDX-License-Identifier: GPL-3.0-or-later
// Metric formulas against values computed by hand (docs/metrics.md), and the JSON of results.
#include "core/eval/metrics.h"

#include <QtCore/QJsonDocument>
#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace qs;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

bool near(double a, double b, double tol = 1e-4)
{
    if (std::isinf(a) || std::isinf(b))
        return a == b;
    return std::abs(a - b) <= tol;
}
} // namespace

Q_DECLARE_METATYPE(QVector<float>)
Q_DECLARE_METATYPE(QVector<qint64>)

class TestMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classification_data()
    {
        QTest::addColumn<int>("classes");
        QTest::addColumn<int>("k");
        QTest::addColumn<QVector<float>>("scores");
        QTest::addColumn<QVector<qint64>>("labels");
        QTest::addColumn<double>("top1");
        QTest::addColumn<double>("topk");
        QTest::addColumn<double>("precision");
        QTest::addColumn<double>("recall");
        QTest::addColumn<double>("f1");
        QTest::addColumn<QString>("average");
        QTest::addColumn<double>("loss");

        // Predictions 0, 1, 2, 2 for labels 0, 1, 1, 2. Per class P/R: (1, 1), (1, 1/2), (1/2, 1);
        // F1: 1, 2/3, 2/3. Loss = mean(logsumexp(row) - row[label]) = 0.74961 (torch's cross_entropy).
        const QVector<float> three{2, 1, 0, 0, 3, 1, 1, 0, 2, 0, 0, 5};
        QTest::newRow("3 classes, top-2") << 3 << 2 << three << QVector<qint64>{0, 1, 1, 2} << 0.75 << 0.75 << 2.5 / 3 << 2.5 / 3
                                          << (1 + 2 / 3. + 2 / 3.) / 3 << "macro" << 0.749611;
        QTest::newRow("3 classes, top-5 is top-3") << 3 << 5 << three << QVector<qint64>{0, 1, 1, 2} << 0.75 << 1.0 << 2.5 / 3
                                                   << 2.5 / 3 << (1 + 2 / 3. + 2 / 3.) / 3 << "macro" << 0.749611;
        // Binary: predictions 1, 0, 1, 0, 1 for labels 1, 1, 0, 0, 1: TP 2, FP 1, FN 1.
        QTest::newRow("binary") << 2 << 5 << QVector<float>{0, 1, 1, 0, 0, 1, 1, 0, 0, 1} << QVector<qint64>{1, 1, 0, 0, 1} << 0.6
                                << 1.0 << 2 / 3. << 2 / 3. << 2 / 3. << "binary" << 0.713262;
        // Ties go to the lower index, as torch.argmax: [1, 1, 0] predicts 0.
        QTest::newRow("tie") << 3 << 2 << QVector<float>{1, 1, 0} << QVector<qint64>{1} << 0.0 << 1.0 << 0.0 << 0.0 << 0.0 << "macro"
                             << std::log(std::exp(1.) * 2 + 1) - 1;
        // Class 3 is neither a label nor predicted: the macro average is over classes 0-2.
        QTest::newRow("absent class left out of macro")
            << 4 << 1 << QVector<float>{5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 5, 0} << QVector<qint64>{0, 1, 2} << 1.0 << 1.0 << 1.0 << 1.0
            << 1.0 << "macro" << std::log(1 + 3 * std::exp(-5.));
    }
    void classification()
    {
        QFETCH(int, classes);
        QFETCH(int, k);
        QFETCH(QVector<float>, scores);
        QFETCH(QVector<qint64>, labels);
        ClassificationAccumulator acc(classes, k);
        // In two batches: accumulation must not depend on how the samples are split.
        const qint64 half = labels.size() / 2;
        QVERIFY(acc.add(scores.constData(), half, labels.constData()));
        QVERIFY(acc.add(scores.constData() + half * classes, labels.size() - half, labels.constData() + half));
        const AccuracyMetrics a = acc.result();
        QCOMPARE(a.samples, labels.size());
        QFETCH(double, top1);
        QVERIFY2(near(a.top1, top1), qPrintable(QString::number(a.top1)));
        QFETCH(double, topk);
        QFETCH(double, precision);
        QFETCH(double, recall);
        QFETCH(double, f1);
        QFETCH(QString, average);
        QFETCH(double, loss);
        QVERIFY2(near(a.top5, topk), qPrintable(QString::number(a.top5)));
        QVERIFY2(near(a.precision, precision), qPrintable(QString::number(a.precision)));
        QVERIFY2(near(a.recall, recall), qPrintable(QString::number(a.recall)));
        QVERIFY2(near(a.f1, f1), qPrintable(QString::number(a.f1)));
        QCOMPARE(a.average, average);
        QVERIFY2(near(a.loss, loss), qPrintable(QString::number(a.loss, 'g', 8)));
        qint64 total = 0;
        for (const auto& row : a.confusion)
            for (qint64 v : row)
                total += v;
        QCOMPARE(total, labels.size());
    }

    void confusionAndPerClass()
    {
        ClassificationAccumulator acc(3);
        const QVector<float> s{2, 1, 0, 0, 3, 1, 1, 0, 2, 0, 0, 5};
        const QVector<qint64> y{0, 1, 1, 2};
        QVERIFY(acc.add(s.constData(), 4, y.constData()));
        const AccuracyMetrics a = acc.result({"cat", "dog", "eel"});
        QCOMPARE(a.confusion, (QVector<QVector<qint64>>{{1, 0, 0}, {0, 1, 1}, {0, 0, 1}}));
        QCOMPARE(a.correct, 3);
        QCOMPARE(a.perClass[1].name, QStringLiteral("dog"));
        QCOMPARE(a.perClass[1].support, 2);
        QCOMPARE(a.perClass[2].predicted, 2);
        QCOMPARE(a.perClass[2].precision, 0.5);
        QCOMPARE(a.topK, 3); // top-5 of three classes is top-3
        // Binary problems still report the macro figures beside the binary ones.
        ClassificationAccumulator bin(2);
        const QVector<float> b{0, 1, 1, 0, 0, 1, 1, 0, 0, 1};
        const QVector<qint64> by{1, 1, 0, 0, 1};
        QVERIFY(bin.add(b.constData(), 5, by.constData()));
        QVERIFY(near(bin.result().macroPrecision, (0.5 + 2 / 3.) / 2));
    }

    void nanScoresAndBadLabels()
    {
        ClassificationAccumulator acc(3, 1);
        const QVector<float> s{kNaN, 0, 1};
        const QVector<qint64> y{2};
        QVERIFY(acc.add(s.constData(), 1, y.constData()));
        const AccuracyMetrics a = acc.result();
        QCOMPARE(a.nonFinite, 1);
        QCOMPARE(a.top1, 0.0); // NaN wins argmax, as in torch: the sample is wrong
        QCOMPARE(ClassificationAccumulator::argmax(s.constData(), 3), 0);

        ClassificationAccumulator refuse(3);
        qint64 bad = -1;
        const QVector<qint64> outside{0, 3};
        const QVector<float> two{1, 0, 0, 0, 0, 1};
        QVERIFY(!refuse.add(two.constData(), 2, outside.constData(), &bad));
        QCOMPARE(bad, 3);
        QCOMPARE(refuse.result().samples, 0); // nothing added
    }

    void fidelity_data()
    {
        QTest::addColumn<int>("rowSize");
        QTest::addColumn<QVector<float>>("out");
        QTest::addColumn<QVector<float>>("ref");
        QTest::addColumn<double>("cosine");
        QTest::addColumn<double>("cosineMin");
        QTest::addColumn<double>("sqnr");
        QTest::addColumn<double>("mse");
        QTest::addColumn<double>("psnr");
        QTest::addColumn<double>("meanAbs");
        QTest::addColumn<double>("meanRel");
        QTest::addColumn<double>("maxAbs");
        QTest::addColumn<double>("agreement");
        QTest::newRow("identical") << 3 << QVector<float>{1, 2, 3, -1, 0, 4} << QVector<float>{1, 2, 3, -1, 0, 4} << 1.0 << 1.0 << kInf
                                   << 0.0 << kInf << 0.0 << 0.0 << 0.0 << 1.0;
        // err = [0, 0, 0, 1]: SQNR = 10 log10(30 / 1), PSNR = 10 log10(3^2 / 0.25) (peak = 4 - 1),
        // cosine = 34 / sqrt(39 * 30).
        QTest::newRow("one value off") << 4 << QVector<float>{1, 2, 3, 5} << QVector<float>{1, 2, 3, 4} << 0.993999 << 0.993999
                                       << 14.771213 << 0.25 << 15.563025 << 0.25 << 0.1 << 1.0 << 1.0;
        // Sample cosines 0 and 1; argmax agrees on the second only; SQNR = 10 log10(2 / 3).
        QTest::newRow("two samples") << 2 << QVector<float>{0, 1, 0, 2} << QVector<float>{1, 0, 0, 1} << 0.5 << 0.0 << -1.760913 << 0.75
                                     << 1.249387 << 0.75 << 1.5 << 1.0 << 0.5;
        QTest::newRow("zero outputs") << 2 << QVector<float>{0, 0} << QVector<float>{0, 0} << 1.0 << 1.0 << kInf << 0.0
                                      << std::numeric_limits<double>::quiet_NaN() << 0.0 << 0.0 << 0.0 << 1.0;
    }
    void fidelity()
    {
        QFETCH(int, rowSize);
        QFETCH(QVector<float>, out);
        QFETCH(QVector<float>, ref);
        FidelityAccumulator acc(rowSize, true);
        acc.add(out.constData(), ref.constData(), out.size() / rowSize);
        const FidelityMetrics f = acc.result();
        auto check = [](const char* what, double got, double want) {
            const bool ok = std::isnan(want) ? std::isnan(got) : near(got, want, 1e-5);
            if (!ok)
                qWarning("%s: got %.8g, want %.8g", what, got, want);
            return ok;
        };
        QFETCH(double, cosine);
        QVERIFY(check("cosine", f.cosine, cosine));
        QFETCH(double, cosineMin);
        QFETCH(double, sqnr);
        QFETCH(double, mse);
        QFETCH(double, psnr);
        QFETCH(double, meanAbs);
        QFETCH(double, meanRel);
        QFETCH(double, maxAbs);
        QFETCH(double, agreement);
        QVERIFY(check("cosine_min", f.cosineMin, cosineMin));
        QVERIFY(check("sqnr", f.sqnrDb, sqnr));
        QVERIFY(check("mse", f.mse, mse));
        QVERIFY(check("psnr", f.psnrDb, psnr));
        QVERIFY(check("mean_abs", f.meanAbs, meanAbs));
        QVERIFY(check("mean_rel", f.meanRel, meanRel));
        QVERIFY(check("max_abs", f.maxAbs, maxAbs));
        QVERIFY(f.top1Agreement.has_value());
        QVERIFY(check("top1_agreement", *f.top1Agreement, agreement));
        QVERIFY(!f.ssim.has_value());
    }

    void imageMetrics_data()
    {
        QTest::addColumn<float>("outValue");
        QTest::addColumn<float>("refValue");
        QTest::addColumn<double>("psnr");
        QTest::addColumn<double>("ssim");
        // Flat images: SSIM = (2 mu_a mu_b + C1) / (mu_a^2 + mu_b^2 + C1), C1 = (0.01 L)^2, L = 1.
        QTest::newRow("0.25 vs 0.5") << 0.25f << 0.5f << 12.041200 << 0.800064;
        QTest::newRow("identical: PSNR capped at 100") << 0.5f << 0.5f << 100.0 << 1.0;
    }
    void imageMetrics()
    {
        QFETCH(float, outValue);
        QFETCH(float, refValue);
        QFETCH(double, psnr);
        QFETCH(double, ssim);
        const int c = 2, h = 12, w = 13;
        const QVector<float> out(2 * c * h * w, outValue);
        const QVector<float> ref(2 * c * h * w, refValue);
        FidelityAccumulator acc(c * h * w, false, {c, h, w});
        acc.add(out.constData(), ref.constData(), 2);
        const FidelityMetrics f = acc.result();
        QCOMPARE(f.imagePeak, 1.0);
        QVERIFY(f.imagePsnrDb && f.ssim);
        QVERIFY2(near(*f.imagePsnrDb, psnr, 1e-5), qPrintable(QString::number(*f.imagePsnrDb, 'g', 8)));
        QVERIFY2(near(*f.ssim, ssim, 1e-5), qPrintable(QString::number(*f.ssim, 'g', 8)));
        QVERIFY(!f.top1Agreement);
    }

    void ssimProperties()
    {
        // A textured image against itself is 1; against its negative it is far below.
        QVector<float> a(32 * 32), neg(32 * 32);
        for (int i = 0; i < a.size(); ++i) {
            a[i] = float((i * 37) % 101) / 100.0f;
            neg[i] = 1.0f - a[i];
        }
        QVERIFY(near(metrics::ssim(a.constData(), a.constData(), 32, 32, 1.0), 1.0, 1e-9));
        QVERIFY(metrics::ssim(a.constData(), neg.constData(), 32, 32, 1.0) < 0);
        // Smaller than the window: the window shrinks to the image.
        QVERIFY(near(metrics::ssim(a.constData(), a.constData(), 4, 4, 1.0), 1.0, 1e-9));
        QCOMPARE(metrics::psnrDb(0.01, 1.0), 20.0);
        QCOMPARE(metrics::imagePeakFor(0.0, 1.0), 1.0);
        QCOMPARE(metrics::imagePeakFor(-0.02, 1.03), 1.0);
        QCOMPARE(metrics::imagePeakFor(0.0, 250.0), 255.0);
        QCOMPARE(metrics::imagePeakFor(-50.0, 50.0), 100.0);
    }

    void ssimByHand()
    {
        // 2x2 images: the window shrinks to 2x2 and its Gaussian weights are equal (offsets
        // +-0.5), so one position with plain means. a = [0, .5; .5, 1], b = [0, .5; .5, .5], L = 1:
        // mu_a = .5, mu_b = .375, var_a = .375 - .25 = .125, var_b = .1875 - .140625 = .046875,
        // cov = .25 - .1875 = .0625, C1 = 1e-4, C2 = 9e-4:
        // SSIM = (2 .5 .375 + C1)(2 .0625 + C2) / ((.25 + .140625 + C1)(.125 + .046875 + C2)).
        const float a[] = { 0.0f, 0.5f, 0.5f, 1.0f };
        const float b[] = { 0.0f, 0.5f, 0.5f, 0.5f };
        const double expected = (0.375 + 1e-4) * (0.125 + 9e-4) / ((0.390625 + 1e-4) * (0.171875 + 9e-4));
        QVERIFY2(near(metrics::ssim(a, b, 2, 2, 1.0), expected, 1e-12),
            qPrintable(QString::number(metrics::ssim(a, b, 2, 2, 1.0), 'g', 12)));
        // L scales the constants: peak 255 on the same images.
        const double c1 = 2.55 * 2.55, c2 = 7.65 * 7.65;
        QVERIFY(near(metrics::ssim(a, b, 2, 2, 255.0),
            (0.375 + c1) * (0.125 + c2) / ((0.390625 + c1) * (0.171875 + c2)), 1e-12));
    }

    void ssimAgainstADirectWindowSum()
    {
        // Textured 17x23 images: the separable filtering against a direct 11x11 weighted sum at
        // every valid position (window w(i) w(j), w = normalized exp(-d^2 / (2 1.5^2))).
        const int h = 17, wd = 23;
        QVector<float> a(h * wd), b(h * wd);
        for (int i = 0; i < a.size(); ++i) {
            a[i] = float((i * 37) % 101) / 100.0f;
            b[i] = std::clamp(a[i] + 0.1f * float(std::sin(i * 0.7)), 0.0f, 1.0f);
        }
        double w[11], total = 0;
        for (int k = 0; k < 11; ++k)
            total += (w[k] = std::exp(-(k - 5.0) * (k - 5.0) / (2 * 1.5 * 1.5)));
        for (double& x : w)
            x /= total;
        double sum = 0;
        int positions = 0;
        for (int y = 0; y + 11 <= h; ++y) {
            for (int x = 0; x + 11 <= wd; ++x) {
                double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
                for (int i = 0; i < 11; ++i) {
                    for (int j = 0; j < 11; ++j) {
                        const double g = w[i] * w[j], va = a[(y + i) * wd + x + j], vb = b[(y + i) * wd + x + j];
                        ma += g * va;
                        mb += g * vb;
                        saa += g * va * va;
                        sbb += g * vb * vb;
                        sab += g * va * vb;
                    }
                }
                const double c1 = 1e-4, c2 = 9e-4;
                sum += (2 * ma * mb + c1) * (2 * (sab - ma * mb) + c2)
                    / ((ma * ma + mb * mb + c1) * (saa - ma * ma + sbb - mb * mb + c2));
                ++positions;
            }
        }
        QCOMPARE(positions, 7 * 13);
        const double direct = sum / positions;
        QVERIFY(direct > 0.1 && direct < 0.99);
        QVERIFY2(near(metrics::ssim(a.constData(), b.constData(), h, wd, 1.0), direct, 1e-9),
            qPrintable(QStringLiteral("%1 vs %2").arg(metrics::ssim(a.constData(), b.constData(), h, wd, 1.0)).arg(direct)));
    }

    void resultJsonRoundTrip()
    {
        ClassificationAccumulator acc(3);
        const QVector<float> s{2, 1, 0, 0, 3, 1, 1, 0, 2, 0, 0, 5};
        const QVector<qint64> y{0, 1, 1, 2};
        acc.add(s.constData(), 4, y.constData());
        FidelityAccumulator fid(3, true);
        fid.add(s.constData(), s.constData(), 4); // identical: SQNR and PSNR are infinite

        EvalResult r;
        r.modelPath = QStringLiteral("/m/a.pt");
        r.modelName = QStringLiteral("a");
        r.referencePath = QStringLiteral("/m/ref.pt");
        r.dataPath = QStringLiteral("random:1x3");
        r.dataKind = QStringLiteral("random");
        r.samples = 4;
        r.batch = 2;
        r.classNames = {"x", "y", "z"};
        r.accuracy = acc.result(r.classNames);
        r.referenceAccuracy = acc.result(r.classNames);
        r.fidelity = fid.result();
        r.notes = {QStringLiteral("a note")};
        const QJsonObject json = r.toJson();
        // The keys the CLI documents.
        for (const char* key : {"model", "samples", "accuracy", "fidelity", "reference", "top1_drop_points"})
            QVERIFY2(json.contains(QLatin1String(key)), key);
        for (const char* key : {"top1", "top5", "precision", "recall", "f1", "loss", "confusion", "per_class"})
            QVERIFY2(json.value("accuracy").toObject().contains(QLatin1String(key)), key);
        for (const char* key : {"cosine", "sqnr_db", "mse", "psnr_db", "mean_abs", "mean_rel", "max_abs", "top1_agreement"})
            QVERIFY2(json.value("fidelity").toObject().contains(QLatin1String(key)), key);
        QVERIFY(json.value("fidelity").toObject().value("sqnr_db").isNull()); // infinite
        // Through text, as the store and exported files keep it.
        const QJsonObject reread = QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
        auto back = EvalResult::fromJson(reread);
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().message));
        QCOMPARE(*back->accuracy, *r.accuracy);
        QCOMPARE(*back->fidelity, *r.fidelity);
        QVERIFY(std::isinf(back->fidelity->sqnrDb));
        QCOMPARE(back->classNames, r.classNames);
        QCOMPARE(back->notes, r.notes);
        QCOMPARE(back->top1DropPoints(), std::optional<double>(0.0));
        QCOMPARE(back->toJson(), json);

        QJsonObject newer = json;
        newer.insert("format_version", EvalResult::kFormatVersion + 1);
        QVERIFY(!EvalResult::fromJson(newer).ok());
        QJsonObject broken = json;
        broken.remove("model");
        QVERIFY(!EvalResult::fromJson(broken).ok());
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
