// SPDX-License-Identifier: GPL-3.0-or-later
// evaluate() and EvaluateJob on models and data made here: accuracy, fidelity, output
// selection, every bad input, cancellation, and parity with PyTorch on the demo workspace.
#include "core/data/dataset.h"
#include "core/eval/evaluatejob.h"
#include "core/jobs/jobrunner.h"
#include "core/model/modelloader.h"
#include "core/quant/quantizer.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using namespace qs;
using test::TestTensor;

namespace {

const QVector<double> kScores{2, 1, 0, 0, 3, 1, 1, 0, 2, 0, 0, 5};
const QVector<double> kLabels{0, 1, 1, 2};

TorchModel scripted(const QTemporaryDir& dir, const QString& name, const QString& source,
                    const QVector<QPair<QString, TestTensor>>& params = {})
{
    const QString path = dir.filePath(name + QLatin1String(".pt"));
    QString error;
    if (!test::writeScriptedModule(path, source, params, &error))
        qFatal("cannot script %s: %s", qPrintable(name), qPrintable(error));
    auto m = loadModel(path);
    if (!m)
        qFatal("cannot load %s: %s", qPrintable(name), qPrintable(m.error().message));
    return *m;
}

Dataset scoresData(const QTemporaryDir& dir, const QVector<double>& labels = kLabels)
{
    const QString path = dir.filePath(QStringLiteral("scores.pt"));
    if (!test::writeTensorFile(path, {TestTensor{{4, 3}, kScores}}, TestTensor{{qint64(labels.size())}, labels, "int64"},
                               test::TensorFileLayout::Dict, {"cat", "dog", "eel"}))
        qFatal("cannot write data");
    return *Dataset::open(path);
}

QString message(const Result<EvalResult>& r)
{
    return r.ok() ? QString() : r.error().message;
}

} // namespace

class TestEvaluate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accuracyOfIdentityScores()
    {
        QTemporaryDir tmp;
        const TorchModel identity = scripted(tmp, "identity", "def forward(self, x):\n    return x\n");
        EvalOptions o;
        o.batch = 3; // does not divide the 4 samples
        auto r = evaluate(identity, scoresData(tmp), o);
        QVERIFY2(r.ok(), qPrintable(message(r)));
        QVERIFY(r->accuracy);
        QVERIFY(!r->fidelity);
        QCOMPARE(r->samples, 4);
        QCOMPARE(r->accuracy->correct, 3);
        QCOMPARE(r->accuracy->confusion, (QVector<QVector<qint64>>{{1, 0, 0}, {0, 1, 1}, {0, 0, 1}}));
        QVERIFY(qAbs(r->accuracy->loss - 0.749611) < 1e-5);
        QCOMPARE(r->accuracy->perClass[2].name, QStringLiteral("eel"));
        QCOMPARE(r->batch, 3);
        QCOMPARE(r->dataKind, QStringLiteral("tensor-file"));
    }

    void fidelityAgainstReference()
    {
        QTemporaryDir tmp;
        const TorchModel identity = scripted(tmp, "identity", "def forward(self, x):\n    return x\n");
        const TorchModel shifted = scripted(tmp, "shifted", "def forward(self, x):\n    return x + 0.5\n");
        auto r = evaluate(shifted, scoresData(tmp), {}, identity);
        QVERIFY2(r.ok(), qPrintable(message(r)));
        QVERIFY(r->fidelity && r->accuracy && r->referenceAccuracy);
        QCOMPARE(r->fidelity->samples, 4);
        QVERIFY(qAbs(r->fidelity->mse - 0.25) < 1e-9);
        QVERIFY(qAbs(r->fidelity->meanAbs - 0.5) < 1e-9);
        QVERIFY(qAbs(r->fidelity->maxAbs - 0.5) < 1e-9);
        QCOMPARE(*r->fidelity->top1Agreement, 1.0);
        QCOMPARE(*r->top1DropPoints(), 0.0);
        QCOMPARE(r->referencePath, identity.path());
        const QJsonObject json = r->toJson();
        QVERIFY(json.contains("fidelity") && json.contains("reference_accuracy"));
    }

    void outputSelection_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("output");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("expected"); // the output used, or words of the error
        const QString tuple = "def forward(self, x):\n    return (x * 2.0, x)\n";
        const QString dict = "def forward(self, x) -> Dict[str, Tensor]:\n    return {'logits': x, 'aux': x * 0.0}\n";
        const QString nested = "def forward(self, x):\n    return ((x * 0.0, x), x)\n";
        QTest::newRow("tuple without --output") << tuple << "" << false << "a tuple of 2 tensors: 0 (4x3 float32), 1 (4x3 float32)";
        QTest::newRow("tuple --output 1") << tuple << "1" << true << "1";
        QTest::newRow("tuple --output 7") << tuple << "7" << false << "has no output '7'";
        QTest::newRow("dict without --output") << dict << "" << false << "--output logits";
        QTest::newRow("dict --output logits") << dict << "logits" << true << "logits";
        QTest::newRow("dict --output 0") << dict << "0" << true << "logits";
        QTest::newRow("nested --output 0.1") << nested << "0.1" << true << "0.1";
        QTest::newRow("plain tensor --output 0") << "def forward(self, x):\n    return x\n" << "0" << true << "";
        QTest::newRow("plain tensor --output logits") << "def forward(self, x):\n    return x\n" << "logits" << false << "does not apply";
        QTest::newRow("no tensor") << "def forward(self, x) -> int:\n    return 3\n" << "" << false << "with no tensor in it";
        QTest::newRow("no batch dimension") << "def forward(self, x):\n    return x.sum()\n" << "" << false << "no row per sample";
    }
    void outputSelection()
    {
        QFETCH(QString, source);
        QFETCH(QString, output);
        QFETCH(bool, ok);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        const TorchModel m = scripted(tmp, "multi", source);
        EvalOptions o;
        o.output = output;
        auto r = evaluate(m, scoresData(tmp), o);
        QCOMPARE(r.ok(), ok);
        if (ok) {
            QCOMPARE(r->output, expected);
            QCOMPARE(r->accuracy->correct, 3); // the identity output was picked
        } else {
            QVERIFY2(r.error().message.contains(expected), qPrintable(r.error().message));
            QVERIFY(r.error().message.contains("multi"));
        }
    }

    void badInputs_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("labels outside the classes") << "labels" << QStringList{"go up to 4", "outputs 3 class scores", "0 to 2", "scores.pt"};
        QTest::newRow("wrong shape at the first forward") << "shape" << QStringList{"cannot be multiplied", "4x3 float32", "scores.pt", "Check that the data"};
        QTest::newRow("wrong shape per the model's spec") << "spec" << QStringList{"scores.pt", "the data has 3 float32", "takes 4 float32"};
        QTest::newRow("reference of another shape") << "reference" << QStringList{"outputs 4x3", "outputs 4x2", "not the same model"};
    }
    void badInputs()
    {
        QFETCH(QString, kind);
        QFETCH(QStringList, expected);
        QTemporaryDir tmp;
        const TorchModel identity = scripted(tmp, "identity", "def forward(self, x):\n    return x\n");
        Result<EvalResult> r = Error();
        if (kind == QLatin1String("labels")) {
            r = evaluate(identity, scoresData(tmp, {0, 4, 1, 2}), {});
        } else if (kind == QLatin1String("shape")) {
            const TorchModel mlp = scripted(tmp, "mlp", "def forward(self, x):\n    return torch.matmul(x, self.w)\n",
                                            {{"w", TestTensor{{4, 2}, QVector<double>(8, 0.5)}}});
            r = evaluate(mlp, scoresData(tmp), {});
        } else if (kind == QLatin1String("spec")) {
            EvalOptions o;
            o.modelSpec = *InputSpec::parse({"1x4"});
            r = evaluate(identity, scoresData(tmp), o);
        } else if (kind == QLatin1String("reference")) {
            const TorchModel narrow = scripted(tmp, "narrow", "def forward(self, x):\n    return x[:, :2]\n");
            r = evaluate(identity, scoresData(tmp), {}, narrow);
        }
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Kind::BadInput);
        for (const QString& e : expected)
            QVERIFY2(r.error().message.contains(e), qPrintable(QStringLiteral("'%1' not in: %2").arg(e, r.error().message)));
    }

    void reshapesWhenOnlyTheLayoutDiffers()
    {
        QTemporaryDir tmp;
        const TorchModel flat = scripted(tmp, "flat", "def forward(self, x):\n    return torch.matmul(x, self.w)\n",
                                         {{"w", TestTensor{{4, 2}, {1, 0, 1, 0, 0, 1, 0, 1}}}});
        const QString path = tmp.filePath("grid.pt");
        QVERIFY(test::writeTensorFile(path, {TestTensor{{2, 1, 2, 2}, {1, 1, 0, 0, 0, 0, 1, 1}}}, TestTensor{{2}, {0, 1}, "int64"}));
        EvalOptions o;
        o.modelSpec = *InputSpec::parse({"1x4"});
        auto r = evaluate(flat, *Dataset::open(path), o);
        QVERIFY2(r.ok(), qPrintable(message(r)));
        QCOMPARE(r->accuracy->top1, 1.0);
        QVERIFY(r->notes.join(' ').contains("reshaped"));
    }

    void imageOutputs()
    {
        QTemporaryDir tmp;
        const TorchModel identity = scripted(tmp, "identity", "def forward(self, x):\n    return x\n");
        const TorchModel dim = scripted(tmp, "dim", "def forward(self, x):\n    return x * 0.5\n");
        QVector<double> pixels;
        for (int i = 0; i < 2 * 3 * 12 * 12; ++i)
            pixels << double((i * 7) % 64) / 63.0;
        const QString path = tmp.filePath("images.pt");
        QVERIFY(test::writeTensorFile(path, {TestTensor{{2, 3, 12, 12}, pixels}}, TestTensor{{2}, {0, 1}, "int64"}));
        auto r = evaluate(dim, *Dataset::open(path), {}, identity);
        QVERIFY2(r.ok(), qPrintable(message(r)));
        QVERIFY(!r->accuracy); // labels, but the output is not class scores
        QVERIFY(r->notes.join(' ').contains("labels not used"));
        QVERIFY(r->fidelity && r->fidelity->imagePsnrDb && r->fidelity->ssim);
        QCOMPARE(r->fidelity->imagePeak, 1.0);
        QVERIFY(*r->fidelity->ssim < 0.99 && *r->fidelity->ssim > 0);
        QVERIFY(!r->fidelity->top1Agreement);
    }

    void jobOnWorkerAndCancel()
    {
        QTemporaryDir tmp;
        const TorchModel identity = scripted(tmp, "identity", "def forward(self, x):\n    return x * 2.0\n");
        DatasetOptions d;
        d.randomCount = 40;
        EvalOptions o;
        o.batch = 8;
        JobRunner runner;
        EvaluateJob job(identity, QStringLiteral("random:1x5"), d, o, identity);
        QSignalSpy evaluated(&job, &EvaluateJob::evaluated);
        QSignalSpy succeeded(&job, &Job::succeeded);
        QSignalSpy progress(&job, &Job::progress);
        runner.submit(&job);
        QTRY_VERIFY_WITH_TIMEOUT(succeeded.count() == 1, 60000); // the spy may have it before waiting
        QCOMPARE(evaluated.count(), 1);
        const EvalResult r = qvariant_cast<EvalResult>(evaluated.first().first());
        QCOMPARE(r.samples, 40);
        QCOMPARE(job.result().samples, 40);
        QVERIFY(std::isinf(r.fidelity->sqnrDb)); // same model: identical outputs
        QVERIFY(progress.count() >= 1);

        // Cancelled between batches: one sample a batch, cancel at the first progress report.
        d.randomCount = 100000;
        o.batch = 1;
        EvaluateJob slow(identity, QStringLiteral("random:1x5"), d, o);
        QSignalSpy cancelled(&slow, &Job::cancelled);
        connect(&slow, &Job::progress, &slow, [&slow] { slow.cancel(); }, Qt::DirectConnection);
        runner.submit(&slow);
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.count() == 1, 60000);
        QCOMPARE(slow.state(), Job::State::Cancelled);
    }

    void idxAndTensorFileAgreeOnTheDemo()
    {
        const QString dir = test::demoDir();
        const QString idx = QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
        if (dir.isEmpty() || !QFileInfo::exists(idx))
            QSKIP("needs the demo fixture and Debian's Fashion-MNIST");
        auto model = loadModel(dir + "/fashion_cnn.pt");
        QVERIFY(model.ok());
        DatasetOptions first;
        first.limit = 2000;
        auto fromIdx = evaluate(*model, *Dataset::open(idx, first), {});
        auto fromFile = evaluate(*model, *Dataset::open(dir + "/fashion_test.pt", first), {});
        QVERIFY2(fromIdx.ok() && fromFile.ok(), qPrintable(message(fromIdx) + message(fromFile)));
        QCOMPARE(fromIdx->accuracy->confusion, fromFile->accuracy->confusion);
        QVERIFY(fromIdx->accuracy->top1 > 0.8);
    }

    void parityWithPyTorch()
    {
        const QString dir = test::demoDir();
        if (dir.isEmpty())
            QSKIP("the demo fixture is not prepared");
        if (!test::pythonTorchAvailable())
            QSKIP("/usr/bin/python3 with torch is not installed");
        auto model = loadModel(dir + "/fashion_cnn.pt");
        QVERIFY(model.ok());
        auto data = Dataset::open(dir + "/fashion_test.pt");
        QVERIFY(data.ok());
        EvalOptions o;
        o.batch = 256;
        auto r = evaluate(*model, *data, o);
        QVERIFY2(r.ok(), qPrintable(message(r)));

        // PyTorch's own evaluation loop, as a user writes it.
        QString error;
        const auto out = test::runPython(QStringLiteral(R"(
import json, sys, torch
torch.set_num_threads(1)
model = torch.jit.load(sys.argv[1] + "/fashion_cnn.pt").eval()
data = torch.load(sys.argv[1] + "/fashion_test.pt")
x, y = data["inputs"], data["labels"]
preds, losses = [], []
with torch.no_grad():
    for i in range(0, len(x), 256):
        logits = model(x[i:i + 256])
        preds.append(logits.argmax(1))
        losses.append(torch.nn.functional.cross_entropy(logits, y[i:i + 256], reduction="sum"))
pred = torch.cat(preds)
conf = torch.bincount(y * 10 + pred, minlength=100).reshape(10, 10)
top5 = sum(int((model(x[i:i + 256]).topk(5, 1).indices == y[i:i + 256, None]).any(1).sum()) for i in range(0, len(x), 256))
print(json.dumps({"correct": int((pred == y).sum()), "loss": float(sum(losses)) / len(x), "top5": top5,
                  "confusion": conf.tolist()}))
)"), {dir}, &error);
        QVERIFY2(out, qPrintable(error));
        const QJsonObject py = QJsonDocument::fromJson(out->toUtf8()).object();
        QCOMPARE(r->accuracy->correct, qint64(py.value("correct").toInt()));
        QCOMPARE(r->accuracy->top5 * 10000, double(py.value("top5").toInt()));
        QVector<QVector<qint64>> confusion;
        for (const QJsonValue& row : py.value("confusion").toArray()) {
            QVector<qint64> rr;
            for (const QJsonValue& v : row.toArray())
                rr << v.toInteger();
            confusion << rr;
        }
        QCOMPARE(r->accuracy->confusion, confusion);
        QVERIFY2(qAbs(r->accuracy->loss - py.value("loss").toDouble()) < 1e-5,
                 qPrintable(QStringLiteral("%1 vs %2").arg(r->accuracy->loss).arg(py.value("loss").toDouble())));
    }

    void staticInt8ParityWithPyTorchPerSample()
    {
        // The static INT8 variant of the demo CNN, evaluated by us and by PyTorch loading the same
        // file: the same prediction for every one of the 10,000 test samples.
        const QString dir = test::demoDir();
        if (dir.isEmpty())
            QSKIP("the demo fixture is not prepared");
        if (!test::pythonTorchAvailable())
            QSKIP("/usr/bin/python3 with torch is not installed");
        QTemporaryDir tmp;
        auto fp32 = loadModel(dir + "/fashion_cnn.pt");
        QVERIFY(fp32.ok());
        QuantizeOptions q;
        q.scheme = QStringLiteral("static-int8");
        q.engine = QStringLiteral("onednn");
        q.calibration = QuantizeOptions::Calibration::File;
        q.calibrationPath = dir + "/fashion_calib.pt";
        q.outPath = tmp.filePath("int8.pt");
        auto variant = quantizeModel(*fp32, q);
        QVERIFY2(variant.ok(), qPrintable(variant.ok() ? QString() : variant.error().message));
        auto data = Dataset::open(dir + "/fashion_test.pt");
        QVERIFY(data.ok());
        auto r = evaluate(variant->model, *data, EvalOptions());
        QVERIFY2(r.ok(), qPrintable(message(r)));
        QCOMPARE(r->accuracy->samples, qint64(10000));

        QString error;
        const auto out = test::runPython(QStringLiteral(R"(
import json, sys, torch
torch.backends.quantized.engine = "onednn"  # before loading: packed weights are prepared for it
model = torch.jit.load(sys.argv[1]).eval()
data = torch.load(sys.argv[2] + "/fashion_test.pt")
x, y = data["inputs"], data["labels"]
with torch.no_grad():
    pred = torch.cat([model(x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
print(json.dumps({"pred": pred.tolist(), "correct": int((pred == y).sum())}))
)"), {q.outPath, dir}, &error);
        QVERIFY2(out, qPrintable(error));
        const QJsonObject py = QJsonDocument::fromJson(out->toUtf8()).object();
        const QJsonArray pred = py.value("pred").toArray();
        QCOMPARE(pred.size(), 10000);
        QCOMPARE(r->accuracy->correct, qint64(py.value("correct").toInt()));
        // Our predictions sample by sample, from the same loaded variant.
        int differ = 0, first = -1;
        for (int from = 0; from < 10000; from += 1000) {
            const QVector<float> scores = test::outputOn(variant->model, dir + "/fashion_test.pt", from, 1000, &error);
            QVERIFY2(scores.size() == 10000, qPrintable(error));
            for (int i = 0; i < 1000; ++i) {
                const int mine = int(std::max_element(scores.begin() + i * 10, scores.begin() + i * 10 + 10) - (scores.begin() + i * 10));
                if (mine != pred[from + i].toInt() && differ++ == 0)
                    first = from + i;
            }
        }
        QVERIFY2(differ == 0, qPrintable(QStringLiteral("%1 predictions differ, the first at sample %2").arg(differ).arg(first)));
    }
};

QTEST_GUILESS_MAIN(TestEvaluate)
#include "tst_evaluate.moc"
