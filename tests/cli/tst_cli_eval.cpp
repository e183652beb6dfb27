// SPDX-License-Identifier: GPL-3.0-or-later
// quantscope-cli eval as a user runs it: JSON keys, text output, exit codes of bad input, and
// the demo's static INT8 variant against FP32.
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using qs::test::runCli;
using qs::test::TestTensor;

using qs::test::parseJsonObject;

class TestCliEval : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_demo;
    QString m_model;
    QString m_test;

private Q_SLOTS:
    void initTestCase()
    {
        m_demo = qs::test::demoDir();
        QVERIFY2(!m_demo.isEmpty(), "the demo_workspace fixture must run first");
        m_model = m_demo + "/fashion_cnn.pt";
        m_test = m_demo + "/fashion_test.pt";
    }

    void jsonWithLabelsAndReference()
    {
        auto r = runCli({"eval", m_model, "--data", m_test, "--samples", "1000", "--reference", m_model, "--json", "-q"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = parseJsonObject(r.out);
        QVERIFY2(!o.isEmpty(), qPrintable(r.out + r.err));
        QCOMPARE(o.value("model").toString(), m_model);
        QCOMPARE(o.value("samples").toInt(), 1000);
        const QJsonObject acc = o.value("accuracy").toObject();
        for (const char* key : {"top1", "top5", "precision", "recall", "f1", "loss"})
            QVERIFY2(acc.value(QLatin1String(key)).isDouble(), key);
        QVERIFY(acc.value("top1").toDouble() > 0.8);
        QCOMPARE(acc.value("per_class").toArray().first().toObject().value("name").toString(), QStringLiteral("T-shirt/top"));
        const QJsonObject fid = o.value("fidelity").toObject();
        for (const char* key : {"cosine", "sqnr_db", "mse", "psnr_db", "mean_abs", "mean_rel", "max_abs", "top1_agreement"})
            QVERIFY2(fid.contains(QLatin1String(key)), key);
        QCOMPARE(fid.value("cosine").toDouble(), 1.0);
        QVERIFY(fid.value("sqnr_db").isNull()); // identical outputs: infinite SQNR
        QCOMPARE(fid.value("top1_agreement").toDouble(), 1.0);
        QCOMPARE(o.value("top1_drop_points").toDouble(), 0.0);
    }

    void textOutputAndSubsets()
    {
        auto r = runCli({"eval", m_model, "--data", m_test, "--fraction", "5%", "--seed", "3", "--confusion", "--per-class"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("top-1"), qPrintable(r.out));
        QVERIFY(r.out.contains("500 samples of 1x28x28 float32"));
        QVERIFY(r.out.contains("Confusion matrix"));
        QVERIFY(r.out.contains("Ankle boot"));
        QVERIFY(r.err.contains("Evaluating"));
        // Random inputs from the sidecar: fidelity only, no labels.
        r = runCli({"eval", m_model, "--data", "random", "--samples", "20", "--reference", m_model, "--json", "-q"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = parseJsonObject(r.out);
        QCOMPARE(o.value("samples").toInt(), 20);
        QVERIFY(!o.contains("accuracy"));
        QVERIFY(o.contains("fidelity"));
        QCOMPARE(o.value("data_kind").toString(), QStringLiteral("random"));
    }

    void staticInt8KeepsTheDemoAccuracy()
    {
        // The target: static INT8 loses at most 0.5 point of top-1 against FP32.
        const QString variant = m_dir.filePath("fashion_cnn.static-int8.pt");
        auto q = runCli({"quantize", m_model, "--scheme", "static-int8", "--calib", m_demo + "/fashion_calib.pt", "--out", variant, "-q"});
        QVERIFY2(q.exitCode == 0, qPrintable(q.err));
        auto r = runCli({"eval", variant, "--data", m_test, "--reference", m_model, "--json", "-q"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = parseJsonObject(r.out);
        const double drop = o.value("top1_drop_points").toDouble(99);
        qInfo("static-int8 top-1 %.2f%% vs FP32 %.2f%%: drop %.2f points", 100 * o["accuracy"]["top1"].toDouble(),
              100 * o["reference_accuracy"]["top1"].toDouble(), drop);
        QVERIFY2(drop <= 0.5, qPrintable(QString::number(drop)));
        QVERIFY(o["fidelity"]["cosine"].toDouble() > 0.99);
    }

    void sensitivityAndFallback()
    {
        const QStringList common{"--scheme", "static-int8", "--data", m_test, "--samples", "300", "--calib", m_demo + "/fashion_calib.pt",
                                 "--calib-samples", "100", "--json", "-q"};
        auto r = runCli(QStringList{"sensitivity", m_model} + common);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QJsonObject o = parseJsonObject(r.out);
        QCOMPARE(o.value("metric").toString(), QStringLiteral("top1"));
        QCOMPARE(o.value("layers").toArray().size(), 4);
        const QJsonObject first = o.value("layers").toArray().first().toObject();
        for (const char* key : {"name", "type", "rank", "score", "top1", "top1_drop_points", "sqnr_db", "cosine", "quantized"})
            QVERIFY2(first.contains(QLatin1String(key)), key);
        QCOMPARE(first.value("rank").toInt(), 1);

        const QString out = m_dir.filePath("fb.pt");
        r = runCli(QStringList{"fallback", m_model, "--budget", "1", "--out", out} + common);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        o = parseJsonObject(r.out);
        QVERIFY(o.value("met").toBool());
        QCOMPARE(o.value("budget").toDouble(), 1.0);
        QCOMPARE(o.value("out").toString(), out);
        QVERIFY(QFileInfo::exists(out));
        QVERIFY(o.value("steps").toArray().size() >= 1);
        QCOMPARE(o.value("variant").toObject().value("scheme").toString(), QStringLiteral("static-int8"));

        r = runCli({"sensitivity", m_model, "--scheme", "static-int8", "--data", "random", "--metric", "top1", "-q"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--metric sqnr"), qPrintable(r.err));
        r = runCli({"fallback", m_model, "--scheme", "warp-9", "--data", m_test, "-q"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("Unknown scheme"));
    }

    void badInputs_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no --data") << "no-data" << 2 << "needs --data";
        QTest::newRow("missing data") << "missing" << 3 << "does not exist";
        QTest::newRow("corrupt tensor file") << "corrupt" << 3 << "is a damaged zip archive";
        QTest::newRow("label count") << "label-count" << 3 << "3 labels for 4 inputs";
        QTest::newRow("labels outside the classes") << "label-range" << 3 << "go up to 12";
        QTest::newRow("wrong input shape") << "shape" << 3 << "fashion_cnn takes 1x28x28 float32";
        QTest::newRow("empty folder") << "empty" << 3 << "has no images";
        QTest::newRow("tuple output") << "tuple" << 2 << "--output";
        QTest::newRow("bad --fraction") << "fraction" << 2 << "--fraction";
        QTest::newRow("bad --crop") << "crop" << 2 << "--crop";
    }
    void badInputs()
    {
        QFETCH(QString, kind);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        QString model = m_model;
        QStringList extra;
        QString data = tmp.filePath("data.pt");
        if (kind == "no-data") {
            data.clear();
        } else if (kind == "missing") {
            data = tmp.filePath("nope.pt");
        } else if (kind == "corrupt") {
            QVERIFY(qs::test::writeTruncatedCopy(m_demo + "/fashion_calib.pt", data, 0.3));
        } else if (kind == "label-count") {
            QVERIFY(qs::test::writeTensorFile(data, {TestTensor{{4, 1, 28, 28}, QVector<double>(4 * 784, 0.1)}},
                                              TestTensor{{3}, {0, 1, 2}, "int64"}));
        } else if (kind == "label-range") {
            QVERIFY(qs::test::writeTensorFile(data, {TestTensor{{2, 1, 28, 28}, QVector<double>(2 * 784, 0.1)}},
                                              TestTensor{{2}, {3, 12}, "int64"}));
        } else if (kind == "shape") {
            QVERIFY(qs::test::writeTensorFile(data, {TestTensor{{2, 3, 8, 8}, QVector<double>(2 * 192, 0.1)}}));
        } else if (kind == "empty") {
            data = tmp.filePath("empty");
            QVERIFY(QDir().mkpath(data + "/class_a"));
        } else if (kind == "tuple") {
            model = tmp.filePath("two.pt");
            QVERIFY(qs::test::writeScriptedModule(model, "def forward(self, x):\n    return (x.flatten(1), x.flatten(1))\n"));
            QVERIFY(qs::test::writeTensorFile(data, {TestTensor{{2, 4}, QVector<double>(8, 0.1)}}));
        } else if (kind == "fraction") {
            data = m_test;
            extra = {"--fraction", "150%"};
        } else if (kind == "crop") {
            data = m_test;
            extra = {"--crop", "12x"};
        }
        QStringList args{"eval", model};
        if (!data.isEmpty())
            args << "--data" << data;
        auto r = runCli(args + extra + QStringList{"-q"});
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(!r.err.contains("internal", Qt::CaseInsensitive), qPrintable(r.err));
        // With --json the error is on stdout too.
        r = runCli(args + extra + QStringList{"-q", "--json"});
        QCOMPARE(parseJsonObject(r.out).value("error").toObject().value("exit_code").toInt(), exitCode);
    }
};

QTEST_GUILESS_MAIN(TestCliEval)
#include "tst_cli_eval.moc"
