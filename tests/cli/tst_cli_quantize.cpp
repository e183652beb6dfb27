// SPDX-License-Identifier: GPL-3.0-or-later
// Drives `quantscope-cli quantize` as a user would, on the demo workspace: several schemes per
// call, JSON and the table, exclusions, every bad input with its exit code, nothing left behind.
#include <QtCore/QDir>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using qs::test::runCli;

namespace {
using qs::test::parseJsonObject;
QStringList files(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden);
}
} // namespace

class TestCliQuantize : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model, m_calib;

    QStringList quantize(const QStringList& more) const
    {
        return QStringList { QStringLiteral("quantize"), m_model } + more;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString demo = qs::test::demoDir();
        QVERIFY2(!demo.isEmpty(), "the demo_workspace fixture must run first");
        m_model = demo + QLatin1String("/fashion_cnn.pt");
        m_calib = demo + QLatin1String("/fashion_calib.pt");
    }

    void help()
    {
        auto r = runCli({ QStringLiteral("quantize"), QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        for (const char* opt : { "--scheme", "--engine", "--calib", "--calib-samples", "--observer", "--per-channel",
                 "--block", "--exclude", "--input", "--out", "--out-dir", "--json", "kmeans-4", "linear-int16" })
            QVERIFY2(r.out.contains(QLatin1String(opt)), opt);
        r = runCli({});
        QVERIFY(r.out.contains(QStringLiteral("quantize")));
    }

    void severalSchemesJson()
    {
        const QString out = m_dir.filePath(QStringLiteral("several"));
        auto r = runCli(quantize(
            { QStringLiteral("--scheme"), QStringLiteral("dynamic-int8,static-int8"), QStringLiteral("--scheme"),
                QStringLiteral("weight-int4"), QStringLiteral("--calib"), m_calib, QStringLiteral("--block"),
                QStringLiteral("32"), QStringLiteral("--out-dir"), out, QStringLiteral("--json") }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = parseJsonObject(r.out);
        const QJsonArray variants = o.value(QLatin1String("variants")).toArray();
        QCOMPARE(variants.size(), 3);
        QVERIFY(o.value(QLatin1String("failures")).toArray().isEmpty());
        QStringList schemes;
        for (const QJsonValue& v : variants) {
            const QJsonObject variant = v.toObject();
            schemes << variant.value(QLatin1String("scheme")).toString();
            for (const char* key : { "scheme", "engine", "out", "file_bytes_before", "file_bytes_after", "seconds",
                     "coverage", "fidelity" })
                QVERIFY2(variant.contains(QLatin1String(key)), key);
            const QJsonObject cov = variant.value(QLatin1String("coverage")).toObject();
            for (const char* key :
                { "quantized_layers", "total_layers", "quantized_tensors", "total_tensors", "fp32_layers" })
                QVERIFY2(cov.contains(QLatin1String(key)), key);
            QCOMPARE(cov.value(QLatin1String("total_layers")).toInt(), 4);
            QVERIFY(QFileInfo::exists(variant.value(QLatin1String("out")).toString()));
            QVERIFY(variant.value(QLatin1String("file_bytes_after")).toInteger()
                < variant.value(QLatin1String("file_bytes_before")).toInteger());
            QVERIFY(
                variant.value(QLatin1String("fidelity")).toObject().value(QLatin1String("cosine")).toDouble() > 0.98);
        }
        QCOMPARE(schemes,
            (QStringList {
                QStringLiteral("dynamic-int8"), QStringLiteral("static-int8"), QStringLiteral("weight-int4") }));
        QCOMPARE(variants[1]
                     .toObject()
                     .value(QLatin1String("coverage"))
                     .toObject()
                     .value(QLatin1String("quantized_layers"))
                     .toInt(),
            4);
        QCOMPARE(variants[1].toObject().value(QLatin1String("calibration_samples")).toInt(), 200);
        QCOMPARE(files(out),
            (QStringList { QStringLiteral("fashion_cnn.dynamic-int8.pt"), QStringLiteral("fashion_cnn.static-int8.pt"),
                QStringLiteral("fashion_cnn.weight-int4.pt") }));
        // The variants open like any model (weight-only ones restored at load).
        r = runCli({ QStringLiteral("inspect"), out + QLatin1String("/fashion_cnn.weight-int4.pt"),
            QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        r = runCli({ QStringLiteral("inspect"), out + QLatin1String("/fashion_cnn.static-int8.pt"),
            QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(parseJsonObject(r.out).value(QLatin1String("quantized")).toBool(), true);
    }

    void oneSchemeKeysAtTopLevelAndExclusion()
    {
        const QString out = m_dir.filePath(QStringLiteral("one.pt"));
        auto r
            = runCli(quantize({ QStringLiteral("--scheme"), QStringLiteral("dynamic-int8"), QStringLiteral("--exclude"),
                QStringLiteral("fc2"), QStringLiteral("--out"), out, QStringLiteral("--json") }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = parseJsonObject(r.out);
        QCOMPARE(o.value(QLatin1String("scheme")).toString(), QStringLiteral("dynamic-int8"));
        QCOMPARE(o.value(QLatin1String("engine")).toString(), QStringLiteral("onednn"));
        QCOMPARE(o.value(QLatin1String("out")).toString(), QFileInfo(out).absoluteFilePath());
        const QJsonObject cov = o.value(QLatin1String("coverage")).toObject();
        QCOMPARE(
            cov.value(QLatin1String("quantized_layers")).toInt(), 1); // fc1; fc2 excluded, convs have no dynamic kernel
        bool excluded = false;
        for (const QJsonValue& v : cov.value(QLatin1String("fp32_layers")).toArray()) {
            const QJsonObject l = v.toObject();
            if (l.value(QLatin1String("name")).toString() == QLatin1String("fc2")) {
                QCOMPARE(l.value(QLatin1String("reason")).toString(), QStringLiteral("excluded"));
                excluded = true;
            } else {
                QCOMPARE(l.value(QLatin1String("reason")).toString(), QStringLiteral("unsupported op"));
            }
        }
        QVERIFY(excluded);
    }

    void humanTable()
    {
        const QString out = m_dir.filePath(QStringLiteral("human"));
        auto r = runCli(quantize({ QStringLiteral("--scheme"), QStringLiteral("fp16,kmeans-2"),
            QStringLiteral("--calib"), QStringLiteral("random"), QStringLiteral("--scheme"),
            QStringLiteral("static-int8"), QStringLiteral("--out-dir"), out, QStringLiteral("-q") }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* s : { "Scheme", "Layers", "Tensors", "Cosine", "SQNR", "fp16", "kmeans-2", "static-int8",
                 "4/4", "needs the FBGEMM engine", "seeded random inputs, not real data" })
            QVERIFY2(r.out.contains(QLatin1String(s)), s);
        QVERIFY(r.err.isEmpty()); // -q: no progress
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("says");
        const QString file = m_dir.filePath(QStringLiteral("a-file"));
        QVERIFY(qs::test::writeBytes(file, "x"));
        const QString wrongShape = m_dir.filePath(QStringLiteral("wrong_shape.pt"));
        QVERIFY(qs::test::writeInputs(wrongShape, { 20, 784 }));
        const QString out = m_dir.filePath(QStringLiteral("bad/x.pt"));
        const QString o = QStringLiteral("--out");
        QTest::newRow("unknown scheme") << QStringList { QStringLiteral("--scheme"), QStringLiteral("int3"), o, out }
                                        << 2 << "Schemes: dynamic-int8";
        QTest::newRow("no scheme") << QStringList { o, out } << 2 << "at least one --scheme";
        QTest::newRow("--out with two schemes")
            << QStringList { QStringLiteral("--scheme"), QStringLiteral("fp16,kmeans-4"), o, out } << 2 << "--out-dir";
        QTest::newRow("unknown engine") << QStringList { QStringLiteral("--scheme"), QStringLiteral("dynamic-int8"),
            QStringLiteral("--engine"), QStringLiteral("fbgemm"), o, out }
                                        << 2 << "Available engines";
        QTest::newRow("bad block") << QStringList { QStringLiteral("--scheme"), QStringLiteral("weight-int4"),
            QStringLiteral("--block"), QStringLiteral("33"), o, out }
                                   << 2 << "32, 64 or 128";
        QTest::newRow("block not a number") << QStringList { QStringLiteral("--scheme"), QStringLiteral("weight-int4"),
            QStringLiteral("--block"), QStringLiteral("big"), o, out }
                                            << 2 << "--block must be";
        QTest::newRow("static without data")
            << QStringList { QStringLiteral("--scheme"), QStringLiteral("static-int8"), o, out } << 2 << "--calib";
        QTest::newRow("both granularities") << QStringList { QStringLiteral("--scheme"), QStringLiteral("dynamic-int8"),
            QStringLiteral("--per-channel"), QStringLiteral("--per-tensor"), o, out }
                                            << 2 << "contradict";
        QTest::newRow("bad observer") << QStringList { QStringLiteral("--scheme"), QStringLiteral("static-int8"),
            QStringLiteral("--observer"), QStringLiteral("median"), QStringLiteral("--calib"), m_calib, o, out }
                                      << 2 << "minmax or histogram";
        QTest::newRow("pattern matching nothing") << QStringList { QStringLiteral("--scheme"),
            QStringLiteral("kmeans-4"), QStringLiteral("--exclude"), QStringLiteral("fc9"), o, out }
                                                  << 2 << "conv1, conv2, fc1, fc2";
        QTest::newRow("calibration of the wrong shape") << QStringList { QStringLiteral("--scheme"),
            QStringLiteral("static-int8"), QStringLiteral("--calib"), wrongShape, o, out }
                                                        << 3 << "784 float32";
        QTest::newRow("calibration file missing") << QStringList { QStringLiteral("--scheme"),
            QStringLiteral("static-int8"), QStringLiteral("--calib"), m_dir.filePath(QStringLiteral("nope.pt")), o,
            out } << 3 << "does not exist";
        QTest::newRow("unwritable output") << QStringList { QStringLiteral("--scheme"), QStringLiteral("weight-int8"),
            o, file + QStringLiteral("/x.pt") }
                                           << 6 << "not a writable folder";
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, says);
        auto r = runCli(quantize(args + QStringList { QStringLiteral("--json") }));
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
        const QJsonObject e = parseJsonObject(r.out).value(QLatin1String("error")).toObject();
        QCOMPARE(e.value(QLatin1String("exit_code")).toInt(), exitCode);
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("bad"))));
    }

    void alreadyQuantized()
    {
        const QString out = m_dir.filePath(QStringLiteral("dyn.pt"));
        auto r = runCli(quantize({ QStringLiteral("--scheme"), QStringLiteral("dynamic-int8"), QStringLiteral("--out"),
            out, QStringLiteral("-q") }));
        QCOMPARE(r.exitCode, 0);
        r = runCli({ QStringLiteral("quantize"), out, QStringLiteral("--scheme"), QStringLiteral("static-int8"),
            QStringLiteral("--calib"), m_calib, QStringLiteral("--out"), m_dir.filePath(QStringLiteral("again.pt")) });
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("already quantized")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("again.pt"))));
    }

    void badDataFailsEverySchemeAndWritesNothing()
    {
        // --calib applies to every scheme (static calibrates on it, the others measure fidelity on it).
        const QString out = m_dir.filePath(QStringLiteral("partial"));
        const QString wrongShape = m_dir.filePath(QStringLiteral("wrong_shape2.pt"));
        QVERIFY(qs::test::writeInputs(wrongShape, { 20, 784 }));
        auto r = runCli(quantize({ QStringLiteral("--scheme"), QStringLiteral("weight-int8,static-int8"),
            QStringLiteral("--calib"), wrongShape, QStringLiteral("--out-dir"), out, QStringLiteral("--json") }));
        QCOMPARE(r.exitCode, 3);
        const QJsonObject o = parseJsonObject(r.out);
        // The data is opened once for both schemes: both fail on it, nothing is written.
        QCOMPARE(o.value(QLatin1String("error")).toObject().value(QLatin1String("exit_code")).toInt(), 3);
        QVERIFY(files(out).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliQuantize)
#include "tst_cli_quantize.moc"
