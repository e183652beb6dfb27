// SPDX-License-Identifier: GPL-3.0-or-later
// Drives quantscope-cli as a user would: a real process, real files, exit codes and JSON.
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using qs::test::runCli;

using qs::test::parseJsonObject;

class TestCli : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_demoModel;

private Q_SLOTS:
    void initTestCase()
    {
        const QString demo = qs::test::demoDir();
        QVERIFY2(!demo.isEmpty(), "the demo_workspace fixture must run first");
        m_demoModel = demo + QLatin1String("/fashion_cnn.pt");
    }

    void helpAndVersion()
    {
        auto r = runCli({});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.contains(QStringLiteral("Commands:")));
        for (const char* cmd : {"env", "inspect", "demo"})
            QVERIFY2(r.out.contains(QLatin1String(cmd)), cmd);
        r = runCli({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("quantscope-cli ")));
        QVERIFY(r.out.contains(QStringLiteral("LibTorch 1.13")));
        r = runCli({QStringLiteral("inspect"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("--input")));
        r = runCli({QStringLiteral("help"), QStringLiteral("env")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("--threads")));
    }

    void unknownCommandAndOption()
    {
        auto r = runCli({QStringLiteral("inpsect")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("Did you mean 'inspect'?")), qPrintable(r.err));
        r = runCli({QStringLiteral("env"), QStringLiteral("--frobnicate")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("frobnicate")));
        r = runCli({QStringLiteral("env"), QStringLiteral("--threads"), QStringLiteral("zero")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("--threads must be a positive whole number")));
    }

    void envJson()
    {
        auto r = runCli({QStringLiteral("env"), QStringLiteral("--json"), QStringLiteral("--threads"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = parseJsonObject(r.out);
        for (const char* key : {"cpu", "cores", "isa", "os", "libtorch", "engines", "blas", "threads", "loadavg"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QVERIFY(o.value(QLatin1String("engines")).toArray().contains(QStringLiteral("onednn")));
        QCOMPARE(o.value(QLatin1String("threads")).toObject().value(QLatin1String("torch")).toInt(), 1);
        QCOMPARE(o.value(QLatin1String("threads")).toObject().value(QLatin1String("OPENBLAS_NUM_THREADS")).toString(), QStringLiteral("1"));
        r = runCli({QStringLiteral("env")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("BLAS:")));
        r = runCli({QStringLiteral("env"), QStringLiteral("--engine"), QStringLiteral("fbgemm")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("Available engines:")));
    }

    void inspectDemo()
    {
        auto r = runCli({QStringLiteral("inspect"), m_demoModel, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = parseJsonObject(r.out);
        QCOMPARE(o.value(QLatin1String("params")).toInteger(), 207018);
        QCOMPARE(o.value(QLatin1String("quantized")).toBool(), false);
        QCOMPARE(o.value(QLatin1String("layers")).toArray().size(), 12);
        // The sidecar next to the demo model gives the inputs, so shapes and MACs are there.
        QCOMPARE(o.value(QLatin1String("outputs")).toArray().first().toObject().value(QLatin1String("shape")).toArray(),
                 (QJsonArray{1, 10}));
        QVERIFY(o.value(QLatin1String("macs")).toInteger() > 1000000);
        r = runCli({QStringLiteral("inspect"), m_demoModel});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("Parameters:")));
        QVERIFY(r.out.contains(QStringLiteral("fc1")));
    }

    void inspectWithWrongInput()
    {
        auto r = runCli({QStringLiteral("inspect"), m_demoModel, QStringLiteral("--input"), QStringLiteral("1x3x28x28"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("in layer 'conv1'")), qPrintable(r.err));
        const QJsonObject e = parseJsonObject(r.out).value(QLatin1String("error")).toObject();
        QCOMPARE(e.value(QLatin1String("kind")).toString(), QStringLiteral("bad_input"));
        QCOMPARE(e.value(QLatin1String("exit_code")).toInt(), 3);
        QVERIFY(e.value(QLatin1String("details")).toString().contains(QStringLiteral("Traceback")));
    }

    void badFilesExitNonZero_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("mentions");
        QVERIFY(qs::test::writeBytes(m_dir.filePath(QStringLiteral("empty.pt")), {}));
        QVERIFY(qs::test::writeStateDict(m_dir.filePath(QStringLiteral("weights.pth"))));
        QVERIFY(qs::test::writeOnnxHeader(m_dir.filePath(QStringLiteral("net.onnx"))));
        QVERIFY(qs::test::writeTruncatedCopy(m_demoModel, m_dir.filePath(QStringLiteral("cut.pt")), 0.3));
        QTest::newRow("missing") << m_dir.filePath(QStringLiteral("missing.pt")) << "does not exist";
        QTest::newRow("directory") << m_dir.path() << "is a folder";
        QTest::newRow("empty") << m_dir.filePath(QStringLiteral("empty.pt")) << "is empty";
        QTest::newRow("state_dict") << m_dir.filePath(QStringLiteral("weights.pth")) << "state_dict";
        QTest::newRow("onnx") << m_dir.filePath(QStringLiteral("net.onnx")) << "ONNX is not supported";
        QTest::newRow("truncated") << m_dir.filePath(QStringLiteral("cut.pt")) << "damaged zip";
    }
    void badFilesExitNonZero()
    {
        QFETCH(QString, file);
        QFETCH(QString, mentions);
        auto r = runCli({QStringLiteral("inspect"), file});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void demoIsCachedAndReported()
    {
        auto r = runCli({QStringLiteral("demo"), QStringLiteral("--json"), QStringLiteral("--dir"), qs::test::demoDir()});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = parseJsonObject(r.out);
        QCOMPARE(o.value(QLatin1String("cached")).toBool(), true);
        QVERIFY(o.value(QLatin1String("test_accuracy")).toDouble() > 0.86);
        QCOMPARE(o.value(QLatin1String("model")).toString(), m_demoModel);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
