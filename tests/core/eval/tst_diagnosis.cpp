// SPDX-License-Identifier: GPL-3.0-or-later
// Per-layer sensitivity and the accuracy-aware fallback on the demo CNN (static INT8, with
// labels) and on an MLP built here (dynamic INT8, random inputs, SQNR).
#include "core/eval/fallbackjob.h"
#include "core/eval/sensitivityjob.h"
#include "core/jobs/jobrunner.h"
#include "core/model/modelfactory.h"
#include "core/model/modelloader.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using namespace qs;

namespace {

struct Demo
{
    TorchModel model;
    Dataset data;
    Dataset calibration;
};

std::optional<Demo> demo(qint64 samples)
{
    const QString dir = test::demoDir();
    if (dir.isEmpty())
        return std::nullopt;
    DatasetOptions o;
    o.limit = samples;
    Demo d{*loadModel(dir + "/fashion_cnn.pt"), *Dataset::open(dir + "/fashion_test.pt", o),
           *Dataset::open(dir + "/fashion_calib.pt")};
    return d;
}

DiagnosisOptions staticInt8(const Demo& d)
{
    DiagnosisOptions o;
    o.quant.scheme = QStringLiteral("static-int8");
    o.quant.calibrationSamples = 100;
    o.calibration = d.calibration;
    return o;
}

QString message(const Error& e)
{
    return e.message;
}

} // namespace

class TestDiagnosis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sensitivityOfTheDemoToStaticInt8()
    {
        auto d = demo(400);
        if (!d)
            QSKIP("the demo fixture is not prepared");
        auto r = analyzeSensitivity(d->model, d->data, staticInt8(*d));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : message(r.error())));
        QCOMPARE(r->metric, DiagnosisMetric::Top1);
        QVERIFY(r->fp32Accuracy);
        QCOMPARE(r->allQuantized.quantizedLayers, 4);
        QCOMPARE(r->layers.size(), 4);
        QStringList names;
        for (int i = 0; i < r->layers.size(); ++i) {
            const LayerSensitivity& l = r->layers[i];
            names << l.name;
            QCOMPARE(l.rank, i + 1);
            QVERIFY(l.quantized);
            QCOMPARE(l.figures.quantizedLayers, 1); // quantized alone
            QVERIFY(l.figures.top1 && l.figures.top1DropPoints);
            QCOMPARE(l.score, *l.figures.top1DropPoints);
            QVERIFY(l.figures.sqnrDb > 20);
            // Ranked: scores do not increase down the table.
            if (i > 0)
                QVERIFY(r->layers[i - 1].score >= l.score);
        }
        names.sort();
        QCOMPARE(names, (QStringList{"conv1", "conv2", "fc1", "fc2"}));
        QVERIFY(r->calibrationSource.contains("fashion_calib.pt"));

        auto back = SensitivityResult::fromJson(QJsonDocument::fromJson(QJsonDocument(r->toJson()).toJson()).object());
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), r->toJson());
    }

    void sensitivityWithoutLabelsUsesSqnr()
    {
        auto mlp = modelfactory::mlp({16, 32, 24, 8}, 3);
        QVERIFY(mlp.ok());
        DatasetOptions n;
        n.randomCount = 64;
        auto data = Dataset::open("random:1x16", n);
        QVERIFY(data.ok());
        DiagnosisOptions o;
        o.quant.scheme = "dynamic-int8";
        auto r = analyzeSensitivity(*mlp, *data, o);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : message(r.error())));
        QCOMPARE(r->metric, DiagnosisMetric::Sqnr);
        QVERIFY(!r->fp32Accuracy);
        QCOMPARE(r->layers.size(), 3);
        for (int i = 0; i < r->layers.size(); ++i) {
            QCOMPARE(r->layers[i].score, -r->layers[i].figures.sqnrDb);
            QVERIFY(!r->layers[i].figures.top1DropPoints);
            if (i > 0)
                QVERIFY(r->layers[i - 1].figures.sqnrDb <= r->layers[i].figures.sqnrDb);
        }
        // The whole variant is noisier than any single layer.
        QVERIFY(r->allQuantized.sqnrDb < r->layers.last().figures.sqnrDb);

        o.metric = DiagnosisMetric::Top1;
        auto refused = analyzeSensitivity(*mlp, *data, o);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains("--metric sqnr"), qPrintable(refused.error().message));
    }

    void schemeThatQuantizesNothing()
    {
        auto convs = modelfactory::sequential({LayerSpec::conv2d(1, 4, 3), LayerSpec::relu(), LayerSpec::flatten()});
        QVERIFY(convs.ok());
        DatasetOptions n;
        n.randomCount = 8;
        auto data = Dataset::open("random:1x1x8x8", n);
        DiagnosisOptions o;
        o.quant.scheme = "dynamic-int8"; // dynamic quantization covers Linear, not Conv2d
        auto r = analyzeSensitivity(*convs, *data, o);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains("quantizes no layer"), qPrintable(r.error().message));
    }

    void fallbackMeetsABudget()
    {
        auto d = demo(300);
        if (!d)
            QSKIP("the demo fixture is not prepared");
        QTemporaryDir tmp;
        DiagnosisOptions o = staticInt8(*d);
        o.metric = DiagnosisMetric::Sqnr;
        // First measure where the budget must lie: between all quantized and all but one in FP32.
        auto s = analyzeSensitivity(d->model, d->data, o);
        QVERIFY(s.ok());
        const double all = s->allQuantized.sqnrDb;
        const double best = s->layers.first().figures.sqnrDb; // most sensitive alone: noisiest single layer
        FallbackOptions f;
        f.budget = all + 0.5; // just above every layer quantized: something must stay in FP32
        f.outPath = tmp.filePath("fallback.pt");
        auto r = findFallback(d->model, d->data, o, f, {}, &*s);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : message(r.error())));
        QVERIFY(r->met);
        QCOMPARE(r->budget, f.budget);
        QVERIFY(!r->steps.first().withinBudget);
        QCOMPARE(r->steps.first().action, QStringLiteral("quantize every layer"));
        QVERIFY(!r->fp32Layers.isEmpty());
        QVERIFY(r->final.sqnrDb >= f.budget);
        QCOMPARE(r->variant.coverage.quantizedLayers, 4 - r->fp32Layers.size());
        QCOMPARE(r->steps[1].layer, s->layers.first().name); // the most sensitive layer goes first
        QVERIFY(r->steps[1].gained > 0);
        Q_UNUSED(best);
        // The variant on disk is the one measured.
        QCOMPARE(r->variant.artifactPath, f.outPath);
        auto written = loadModel(f.outPath);
        QVERIFY(written.ok());
        auto check = evaluate(*written, d->data, {}, d->model);
        QVERIFY(check.ok());
        QVERIFY(qAbs(check->fidelity->sqnrDb - r->final.sqnrDb) < 1e-6);

        // A lax budget is met by quantizing everything: one step, nothing kept.
        FallbackOptions lax;
        lax.budget = 1.0;
        o.metric = DiagnosisMetric::Top1;
        auto easy = findFallback(d->model, d->data, o, lax);
        QVERIFY(easy.ok());
        QVERIFY(easy->met);
        QCOMPARE(easy->steps.size(), 1);
        QVERIFY(easy->fp32Layers.isEmpty());
        QCOMPARE(easy->variant.coverage.quantizedLayers, 4);
        auto back = FallbackResult::fromJson(QJsonDocument::fromJson(QJsonDocument(easy->toJson()).toJson()).object());
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), easy->toJson());
    }

    void jobsReportAndCancel()
    {
        auto mlp = modelfactory::mlp({16, 32, 24, 8}, 3);
        DatasetOptions n;
        n.randomCount = 32;
        auto data = Dataset::open("random:1x16", n);
        DiagnosisOptions o;
        o.quant.scheme = "dynamic-int8";
        JobRunner runner;
        SensitivityJob job(*mlp, *data, o);
        QSignalSpy analyzed(&job, &SensitivityJob::analyzed);
        runner.submit(&job);
        QTRY_VERIFY_WITH_TIMEOUT(analyzed.count() == 1, 120000); // the spy may have it before waiting
        QCOMPARE(job.result().layers.size(), 3);

        FallbackJob cancelled(*mlp, *data, o, {});
        QSignalSpy finished(&cancelled, &Job::finished);
        connect(&cancelled, &Job::progress, &cancelled, [&cancelled] { cancelled.cancel(); }, Qt::DirectConnection);
        runner.submit(&cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        QVERIFY2(cancelled.state() == Job::State::Cancelled, qPrintable(cancelled.error().message));
    }
};

QTEST_GUILESS_MAIN(TestDiagnosis)
#include "tst_diagnosis.moc"
