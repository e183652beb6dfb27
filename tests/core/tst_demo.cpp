// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/demo/demojob.h"
#include "core/demo/demoworkspace.h"
#include "core/model/inspector.h"
#include "core/model/modelloader.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using namespace qs;

// The demo_workspace fixture trains the demo once per build tree; these tests check what it made.
class TestDemo : public QObject
{
    Q_OBJECT
    QString m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = test::demoDir();
        QVERIFY2(!m_dir.isEmpty(), "run the demo_workspace fixture first (ctest does)");
    }

    void workspaceIsComplete()
    {
        auto w = DemoWorkspace::load(m_dir);
        QVERIFY(w.has_value());
        QCOMPARE(w->classes.size(), 10);
        QCOMPARE(w->epochs, 2);
        // A 2-epoch small CNN reaches about 90% on Fashion-MNIST.
        QVERIFY2(w->testAccuracy > 0.86 && w->testAccuracy < 0.95, qPrintable(QString::number(w->testAccuracy)));
    }

    void modelOpensWithItsSidecar()
    {
        auto w = DemoWorkspace::load(m_dir);
        auto model = loadModel(w->modelPath);
        QVERIFY(model.ok());
        auto spec = InputSpec::readSidecar(w->modelPath);
        QVERIFY(spec.ok());
        QCOMPARE(spec->toString(), QStringLiteral("1x1x28x28:float32"));
        auto info = inspectModel(*model, *spec);
        QVERIFY(info.ok());
        QCOMPARE(info->params, qint64(207018));
        QCOMPARE(info->outputs.value(0).shape, (QVector<qint64>{1, 10}));
    }

    // PyTorch reads our files and agrees on the accuracy to the last sample.
    void pytorchAgrees()
    {
        if (!test::pythonTorchAvailable())
            QSKIP("python3-torch is not installed");
        auto w = DemoWorkspace::load(m_dir);
        QString err;
        const auto out = test::runPython(QStringLiteral(R"(
import sys, torch
m = torch.jit.load(sys.argv[1]).eval()
d = torch.load(sys.argv[2])
c = torch.load(sys.argv[3])
with torch.no_grad():
    correct = (m(d['inputs']).argmax(1) == d['labels']).sum().item()
print(correct, tuple(d['inputs'].shape), str(d['inputs'].dtype), tuple(c['inputs'].shape), float(d['inputs'].max()))
)"), {w->modelPath, w->testDataPath, w->calibDataPath}, &err);
        QVERIFY2(out, qPrintable(err));
        const QStringList parts = out->trimmed().split(QLatin1Char(' '));
        QCOMPARE(parts.value(0).toInt(), qRound(w->testAccuracy * 10000));
        QVERIFY(out->contains(QStringLiteral("(10000, 1, 28, 28) torch.float32 (1000, 1, 28, 28)")));
        QVERIFY(parts.last().toDouble() <= 1.0);
    }

    void cachedRunIsInstant()
    {
        DemoJob::Options o;
        o.dir = m_dir;
        DemoJob job(o);
        QElapsedTimer t;
        t.start();
        QVERIFY(job.runNow().ok());
        QVERIFY(job.fromCache());
        QVERIFY(t.elapsed() < 2000);
    }

    void missingDatasetIsExplained()
    {
        QTemporaryDir dir;
        qputenv("QUANTSCOPE_FASHION_MNIST", dir.path().toUtf8());
        DemoJob::Options o;
        o.dir = dir.filePath(QStringLiteral("demo"));
        DemoJob job(o);
        const Status st = job.runNow();
        qunsetenv("QUANTSCOPE_FASHION_MNIST");
        QVERIFY(!st.ok());
        QVERIFY2(st.error().message.contains(QStringLiteral("dataset-fashion-mnist")), qPrintable(st.error().message));
        QVERIFY(!QFileInfo::exists(o.dir));
        QVERIFY(!QFileInfo::exists(o.dir + QLatin1String(".partial")));
    }

    void cancelLeavesNothing()
    {
        QTemporaryDir dir;
        DemoJob::Options o;
        o.dir = dir.filePath(QStringLiteral("demo"));
        DemoJob job(o);
        connect(&job, &Job::progress, &job, [&job](int permille) {
            if (permille > 5)
                job.cancel();
        }, Qt::DirectConnection);
        const Status st = job.runNow();
        QVERIFY(!st.ok());
        QCOMPARE(st.error().kind, Error::Kind::Cancelled);
        QVERIFY(!QFileInfo::exists(o.dir));
        QVERIFY(!QFileInfo::exists(o.dir + QLatin1String(".partial")));
    }
};

QTEST_GUILESS_MAIN(TestDemo)
#include "tst_demo.moc"
