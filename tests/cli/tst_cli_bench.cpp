// SPDX-License-Identifier: GPL-3.0-or-later
// quantscope-cli bench as a user drives it: the demo model, real processes, exit codes, JSON.
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "core/model/modelfactory.h"
#include "tests/support/testsupport.h"

#include <csignal>

using qs::test::runCli;


namespace {

// Short runs: the command is tested here, not the machine.
const QStringList kQuick{QStringLiteral("--warmup"), QStringLiteral("2"), QStringLiteral("--min-iters"), QStringLiteral("5"),
                         QStringLiteral("--min-time"), QStringLiteral("0.05"), QStringLiteral("-q")};

} // namespace

class TestCliBench : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_demo;
    QString m_bare; // a model without a sidecar

private Q_SLOTS:
    void initTestCase()
    {
        const QString demo = qs::test::demoDir();
        QVERIFY2(!demo.isEmpty(), "the demo_workspace fixture must run first");
        m_demo = demo + QLatin1String("/fashion_cnn.pt");
        m_bare = m_dir.filePath(QStringLiteral("bare.pt"));
        QVERIFY(qs::modelfactory::mlp({32, 16, 4})->save(m_bare).ok());
    }

    void help()
    {
        const auto r = runCli({QStringLiteral("bench"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char* opt : {"--input", "--batch", "--threads", "--engine", "--warmup", "--min-iters", "--min-time", "--isolated",
                                "--baseline-optimized", "--json"})
            QVERIFY2(r.out.contains(QLatin1String(opt)), opt);
        QVERIFY(!r.out.contains(QStringLiteral("--child")));
        QVERIFY(runCli({}).out.contains(QStringLiteral("bench")));
    }

    void jsonRuns()
    {
        const auto r = runCli(QStringList{QStringLiteral("bench"), m_demo, QStringLiteral("--batch"), QStringLiteral("1,2"),
                                          QStringLiteral("--json")} + kQuick);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray runs = qs::test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray();
        QCOMPARE(runs.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const QJsonObject run = runs[i].toObject();
            for (const char* key : {"model", "batch", "threads", "engine", "iterations", "latency_ms", "throughput_per_s", "load_ms",
                                    "first_inference_ms", "memory_mb", "cpu_percent", "noisy", "environment", "status", "phases",
                                    "variant", "uuid"})
                QVERIFY2(run.contains(QLatin1String(key)), key);
            for (const char* key : {"mean", "std", "min", "max", "p50", "p90", "p95", "p99"})
                QVERIFY2(run.value(QLatin1String("latency_ms")).toObject().value(QLatin1String(key)).toDouble() > 0, key);
            for (const char* key : {"baseline", "peak", "delta"})
                QVERIFY2(run.value(QLatin1String("memory_mb")).toObject().contains(QLatin1String(key)), key);
            QCOMPARE(run.value(QLatin1String("model")).toString(), QStringLiteral("fashion_cnn.pt"));
            QCOMPARE(run.value(QLatin1String("batch")).toInt(), i == 0 ? 1 : 2);
            QCOMPARE(run.value(QLatin1String("threads")).toInt(), 1);
            QCOMPARE(run.value(QLatin1String("status")).toString(), QStringLiteral("complete"));
            QCOMPARE(run.value(QLatin1String("variant")).toString(), QStringLiteral("fp32"));
            QVERIFY(run.value(QLatin1String("iterations")).toInt() >= 5);
            QVERIFY(run.value(QLatin1String("environment")).toObject().contains(QLatin1String("cpu")));
            // Samples only on request: the summary stays readable.
            QVERIFY(!run.contains(QLatin1String("latency_samples_ms")));
        }
        const auto full = runCli(QStringList{QStringLiteral("bench"), m_demo, QStringLiteral("--json"), QStringLiteral("--samples")} + kQuick);
        QVERIFY2(full.exitCode == 0, qPrintable(full.err));
        const QJsonObject run = qs::test::parseJsonObject(full.out).value(QLatin1String("runs")).toArray().at(0).toObject();
        QCOMPARE(run.value(QLatin1String("latency_samples_ms")).toArray().size(), run.value(QLatin1String("iterations")).toInt());
        QVERIFY(!run.value(QLatin1String("memory_timeline")).toObject().value(QLatin1String("t_us")).toArray().isEmpty());
    }

    void humanTable()
    {
        const auto r = runCli(QStringList{QStringLiteral("bench"), m_demo, QStringLiteral("--baseline-optimized")} + kQuick);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* s : {"p50 ms", "Items/s", "Peak MB", "fashion_cnn.pt", "fp32-optimized", "complete"})
            QVERIFY2(r.out.contains(QLatin1String(s)), qPrintable(QLatin1String(s) + QLatin1Char('\n') + r.out));
    }

    void isolated()
    {
        const auto r = runCli(QStringList{QStringLiteral("bench"), m_demo, QStringLiteral("--isolated"), QStringLiteral("--json")} + kQuick);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject run = qs::test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().at(0).toObject();
        QCOMPARE(run.value(QLatin1String("mode")).toString(), QStringLiteral("isolated"));
        QCOMPARE(run.value(QLatin1String("status")).toString(), QStringLiteral("complete"));
        const QJsonObject mem = run.value(QLatin1String("memory_mb")).toObject();
        QVERIFY(mem.value(QLatin1String("peak")).toDouble() > mem.value(QLatin1String("baseline")).toDouble());
        QVERIFY(mem.value(QLatin1String("peak_exact")).toBool());
    }

    void wrongShape()
    {
        const auto r = runCli(QStringList{QStringLiteral("bench"), m_demo, QStringLiteral("--input"), QStringLiteral("1x3x28x28"),
                                          QStringLiteral("--batch"), QStringLiteral("1,4"), QStringLiteral("--json")} + kQuick);
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("3 channels")), qPrintable(r.err));
        const QJsonObject o = qs::test::parseJsonObject(r.out);
        const QJsonArray runs = o.value(QLatin1String("runs")).toArray();
        QCOMPARE(runs.size(), 1); // the rest of the block is not attempted
        QCOMPARE(runs[0].toObject().value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(o.value(QLatin1String("error")).toObject().value(QLatin1String("exit_code")).toInt(), 3);
    }

    void badArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("no model") << QStringList{} << 2 << QStringLiteral("at least one MODEL");
        QTest::newRow("batch 0") << QStringList{QStringLiteral("@demo"), QStringLiteral("--batch"), QStringLiteral("0")} << 2
                                 << QStringLiteral("--batch");
        QTest::newRow("batch text") << QStringList{QStringLiteral("@demo"), QStringLiteral("--batch"), QStringLiteral("1,x")} << 2
                                    << QStringLiteral("1,x");
        QTest::newRow("threads 0") << QStringList{QStringLiteral("@demo"), QStringLiteral("--threads"), QStringLiteral("0")} << 2
                                   << QStringLiteral("--threads");
        QTest::newRow("engine") << QStringList{QStringLiteral("@demo"), QStringLiteral("--engine"), QStringLiteral("fbgemm")} << 2
                                << QStringLiteral("onednn");
        QTest::newRow("min-time") << QStringList{QStringLiteral("@demo"), QStringLiteral("--min-time"), QStringLiteral("soon")} << 2
                                  << QStringLiteral("seconds");
        QTest::newRow("warmup") << QStringList{QStringLiteral("@demo"), QStringLiteral("--warmup"), QStringLiteral("-3")} << 2
                                << QStringLiteral("--warmup");
        QTest::newRow("missing file") << QStringList{QStringLiteral("/nonexistent/model.pt")} << 3 << QStringLiteral("model.pt");
        QTest::newRow("no input spec") << QStringList{QStringLiteral("@bare")} << 2 << QStringLiteral("needs input shapes");
    }

    void badArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        for (QString& a : args) {
            if (a == QLatin1String("@demo"))
                a = m_demo;
            else if (a == QLatin1String("@bare"))
                a = m_bare;
        }
        const auto r = runCli(QStringList{QStringLiteral("bench")} + args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void interruptCancels()
    {
        QProcess p;
        p.start(qEnvironmentVariable("QS_CLI"), {QStringLiteral("bench"), m_demo, QStringLiteral("--min-time"), QStringLiteral("60"),
                                                  QStringLiteral("--max-iters"), QStringLiteral("100000000"), QStringLiteral("--json")});
        QVERIFY(p.waitForStarted());
        QString err;
        QElapsedTimer t;
        t.start();
        while (!err.contains(QStringLiteral("steady state")) && t.elapsed() < 60000) {
            p.waitForReadyRead(100);
            err += QString::fromUtf8(p.readAllStandardError());
        }
        QVERIFY2(err.contains(QStringLiteral("steady state")), qPrintable(err));
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        const QJsonObject o = qs::test::parseJsonObject(QString::fromUtf8(p.readAllStandardOutput()));
        const QJsonObject run = o.value(QLatin1String("runs")).toArray().at(0).toObject();
        QCOMPARE(run.value(QLatin1String("status")).toString(), QStringLiteral("cancelled"));
        QVERIFY(run.value(QLatin1String("iterations")).toInt() > 0);
        QCOMPARE(o.value(QLatin1String("error")).toObject().value(QLatin1String("kind")).toString(), QStringLiteral("cancelled"));
    }
};

QTEST_GUILESS_MAIN(TestCliBench)
#include "tst_cli_bench.moc"
