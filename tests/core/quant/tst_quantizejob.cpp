// SPDX-License-Identifier: GPL-3.0-or-later
// QuantizeJob: several schemes in one job, progress during calibration, cancellation between
// calibration batches (nothing written), failures of one scheme not stopping the others.
#include <QtTest/QtTest>

#include "core/jobs/jobrunner.h"
#include "core/quant/quantizejob.h"
#include "quantfixtures.h"

using namespace qs;

class TestQuantizeJob : public QObject
{
    Q_OBJECT
    test::QuantFixtures m_fx;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_fx.make()); }

    void severalSchemesOnAWorker()
    {
        auto model = loadModel(m_fx.cnnPath);
        QVERIFY(model.ok());
        QVector<QuantizeOptions> schemes { m_fx.options(QStringLiteral("cnn"), QStringLiteral("static-int8")),
            m_fx.options(QStringLiteral("cnn"), QStringLiteral("weight-int4")),
            m_fx.options(QStringLiteral("cnn"), QStringLiteral("kmeans-4")) };
        schemes[2].blockSize = 64; // invalid for kmeans: this one fails, the others go on
        QuantizeJob job(*model, schemes);
        job.setKeepModels(true);
        QSignalSpy ready(&job, &QuantizeJob::variantReady);
        QSignalSpy failedScheme(&job, &QuantizeJob::variantFailed);
        QSignalSpy progress(&job, &Job::progress);
        QSignalSpy failed(&job, &Job::failed);
        QSignalSpy finished(&job, &Job::finished);
        JobRunner runner;
        runner.submit(&job);
        QVERIFY(finished.wait(120000));
        QCOMPARE(ready.count(), 2);
        QCOMPARE(ready.at(0).at(0).toInt(), 0);
        QCOMPARE(ready.at(0).at(1).value<Variant>().scheme, QStringLiteral("static-int8"));
        QCOMPARE(ready.at(1).at(0).toInt(), 1);
        QCOMPARE(failedScheme.count(), 1);
        QCOMPARE(failedScheme.at(0).at(1).toString(), QStringLiteral("kmeans-4"));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(job.state(), Job::State::Failed);
        QVERIFY(job.error().message.contains(QStringLiteral("weight-int8 and weight-int4 only")));
        QCOMPARE(job.variants().size(), 2);
        QCOMPARE(job.models().size(), 2);
        QCOMPARE(job.failures().size(), 1);
        // Progress went forward, calibration was reported batch by batch.
        int last = -1, calibrating = 0;
        for (const QList<QVariant>& p : progress) {
            QVERIFY(p.at(0).toInt() >= last);
            last = p.at(0).toInt();
            if (p.at(1).toString().contains(QStringLiteral("calibrating")))
                ++calibrating;
        }
        QVERIFY(calibrating >= 2);
        QVERIFY(QFileInfo::exists(schemes[0].outPath));
        QVERIFY(QFileInfo::exists(schemes[1].outPath));
        QVERIFY(!QFileInfo::exists(schemes[2].outPath));
        QVERIFY(test::outputOn(job.models().at(1), m_fx.cnnCalib, 0, 4)
            == test::outputOn(*loadModel(schemes[1].outPath), m_fx.cnnCalib, 0, 4));
    }

    void cancelDuringCalibration()
    {
        auto model = loadModel(m_fx.cnnPath);
        QVERIFY(model.ok());
        QuantizeOptions o = m_fx.options(QStringLiteral("cnn"), QStringLiteral("static-int8"));
        o.calibrationBatch = 1; // 200 forwards: plenty of time to cancel
        o.outPath = m_fx.dir.filePath(QStringLiteral("cancelled.pt"));
        QuantizeOptions second = m_fx.options(QStringLiteral("cnn"), QStringLiteral("weight-int8"));
        second.outPath = m_fx.dir.filePath(QStringLiteral("never.pt"));
        QuantizeJob job(*model, { o, second });
        QSignalSpy cancelled(&job, &Job::cancelled);
        QSignalSpy finished(&job, &Job::finished);
        QSignalSpy ready(&job, &QuantizeJob::variantReady);
        int batchesSeen = 0;
        connect(
            &job, &Job::progress, &job,
            [&](int, const QString& message) {
                if (message.contains(QStringLiteral("calibrating")) && ++batchesSeen == 3)
                    job.cancel();
            },
            Qt::DirectConnection);
        JobRunner runner;
        runner.submit(&job);
        QVERIFY(finished.wait(120000));
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(job.state(), Job::State::Cancelled);
        QCOMPARE(ready.count(), 0);
        QVERIFY(!QFileInfo::exists(o.outPath));
        QVERIFY(!QFileInfo::exists(second.outPath));
    }

    void calibrationDataGivenOpened()
    {
        auto model = loadModel(m_fx.mlpPath);
        QVERIFY(model.ok());
        auto data = Dataset::open(m_fx.mlpCalib);
        QVERIFY(data.ok());
        QuantizeOptions o = m_fx.options(QStringLiteral("mlp"), QStringLiteral("static-int8"));
        o.calibration = QuantizeOptions::Calibration::None;
        o.calibrationPath.clear();
        o.calibrationSamples = 100;
        QuantizeJob job(*model, { o });
        job.setCalibrationData(*data);
        QVERIFY(job.runNow().ok());
        QCOMPARE(job.variants().size(), 1);
        QCOMPARE(job.variants().front().calibrationSamples, 100);
        QVERIFY(job.variants().front().calibrationSource.contains(QStringLiteral("mlp_calib.pt (100 of 300 samples)")));
    }
};

QTEST_GUILESS_MAIN(TestQuantizeJob)
#include "tst_quantizejob.moc"
