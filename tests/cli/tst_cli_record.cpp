// SPDX-License-Identifier: GPL-3.0-or-later
// bench, quantize and eval record into the run database by default: run ids in their output,
// variants joined across commands, --no-db, and a benchmark killed with SIGKILL mid-run.
#include "core/store/sqliteconnection_p.h"
#include "core/store/store.h"
#include "tests/support/testsupport.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>

using namespace qs;
using test::parseJsonObject;
using test::runCli;

class TestCliRecord : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model, m_test, m_calib, m_db;

    QStringList db() const { return {QStringLiteral("--db"), m_db}; }
    QStringList quickBench() const
    {
        return {QStringLiteral("--min-iters"), QStringLiteral("10"), QStringLiteral("--min-time"), QStringLiteral("0.1"),
                QStringLiteral("--warmup"), QStringLiteral("2"), QStringLiteral("--sampler-hz"), QStringLiteral("200")};
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString demo = test::demoDir();
        QVERIFY2(!demo.isEmpty(), "the demo_workspace fixture must run first");
        m_model = demo + QLatin1String("/fashion_cnn.pt");
        m_test = demo + QLatin1String("/fashion_test.pt");
        m_calib = demo + QLatin1String("/fashion_calib.pt");
        m_db = m_dir.filePath(QStringLiteral("runs.sqlite"));
    }

    void quantizeEvalBenchAreRecordedAndJoined()
    {
        const QString out = m_dir.filePath(QStringLiteral("cnn.static-int8.pt"));
        auto r = runCli(QStringList{QStringLiteral("quantize"), m_model, QStringLiteral("--scheme"), QStringLiteral("static-int8"),
                                    QStringLiteral("--calib"), m_calib, QStringLiteral("--calib-samples"), QStringLiteral("64"),
                                    QStringLiteral("--out"), out, QStringLiteral("--json")} + db());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QJsonObject o = parseJsonObject(r.out);
        const qint64 quantizeId = o.value(QLatin1String("run_id")).toInteger();
        QVERIFY(quantizeId > 0);
        QCOMPARE(o.value(QLatin1String("database")).toString(), m_db);
        QVERIFY(r.err.contains(QStringLiteral("Recorded as run %1").arg(quantizeId)));

        r = runCli(QStringList{QStringLiteral("eval"), out, QStringLiteral("--data"), m_test, QStringLiteral("--samples"), QStringLiteral("500"),
                               QStringLiteral("--reference"), m_model, QStringLiteral("--json")} + db());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const qint64 evalId = parseJsonObject(r.out).value(QLatin1String("run_id")).toInteger();
        QVERIFY(evalId > quantizeId);

        r = runCli(QStringList{QStringLiteral("bench"), m_model, out, QStringLiteral("--input"), QStringLiteral("1x1x28x28"), QStringLiteral("--json")}
                   + quickBench() + db());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray runs = parseJsonObject(r.out).value(QLatin1String("runs")).toArray();
        QCOMPARE(runs.size(), 2);
        const qint64 fp32Bench = runs[0].toObject().value(QLatin1String("run_id")).toInteger();
        const qint64 int8Bench = runs[1].toObject().value(QLatin1String("run_id")).toInteger();
        QVERIFY(fp32Bench > evalId && int8Bench > fp32Bench);

        // The database holds them with the variant quantize made: the evaluation and the
        // benchmark of the artifact are static-int8 runs of fashion_cnn.pt.
        auto store = Store::open(m_db);
        QVERIFY(store);
        auto q = (*store)->loadRun(quantizeId);
        QCOMPARE(q->kind, QStringLiteral("quantize"));
        QCOMPARE(q->status, RunStatus::Complete);
        QCOMPARE(q->variant.scheme, QStringLiteral("static-int8"));
        QCOMPARE(q->variant.artifactBytes, QFileInfo(out).size());
        QVERIFY(!q->variant.coverage.isEmpty());
        auto e = (*store)->loadRun(evalId);
        QCOMPARE(e->variant.id, q->variant.id);
        QVERIFY(e->metric(metric::Top1) > 50);
        QVERIFY(e->metric(metric::Cosine) > 0.9);
        auto b = (*store)->loadRun(int8Bench);
        QCOMPARE(b->variant.id, q->variant.id);
        QCOMPARE(b->model.name, QStringLiteral("fashion_cnn.pt"));
        QVERIFY(b->latencyMs.size() >= 10);
        QVERIFY(!b->memory.isEmpty());
        QVERIFY(!b->fingerprint.isEmpty());
        QCOMPARE(*(*store)->latestEvaluation(b->variant.id), evalId);
        auto f = (*store)->loadRun(fp32Bench);
        QCOMPARE(f->variant.scheme, QStringLiteral("fp32"));
        QCOMPARE(f->status, RunStatus::Complete);
    }

    void noDbRecordsNothing()
    {
        const QString other = m_dir.filePath(QStringLiteral("none.sqlite"));
        auto r = runCli(QStringList{QStringLiteral("bench"), m_model, QStringLiteral("--no-db"), QStringLiteral("--json")} + quickBench());
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!parseJsonObject(r.out).value(QLatin1String("runs")).toArray().first().toObject().contains(QLatin1String("run_id")));
        QVERIFY(!r.err.contains(QStringLiteral("Recorded")));
        r = runCli(QStringList{QStringLiteral("bench"), m_model, QStringLiteral("--no-db"), QStringLiteral("--db"), other} + quickBench());
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!QFile::exists(other));
        // A database that cannot be used stops the command before it measures anything.
        const QString text = m_dir.filePath(QStringLiteral("notes.txt"));
        QVERIFY(test::writeBytes(text, "not a database"));
        r = runCli(QStringList{QStringLiteral("bench"), m_model, QStringLiteral("--db"), text} + quickBench());
        QCOMPARE(r.exitCode, 5);
        QVERIFY(r.err.contains(QStringLiteral("is not a Quantscope run database")));
        QVERIFY(!r.out.contains(QStringLiteral("p50")));
    }

    void killedBenchmarkIsInterrupted()
    {
        const QString path = m_dir.filePath(QStringLiteral("killed.sqlite"));
        QProcess p;
        p.start(qEnvironmentVariable("QS_CLI"), {QStringLiteral("bench"), m_model, QStringLiteral("--min-time"), QStringLiteral("60"),
                                                 QStringLiteral("--max-time"), QStringLiteral("60"), QStringLiteral("--db"), path, QStringLiteral("-q")});
        QVERIFY(p.waitForStarted());
        // Wait until the run is in the database as running, then kill the process outright.
        bool running = false;
        QElapsedTimer t;
        t.start();
        while (!running && t.elapsed() < 60000) {
            QThread::msleep(200);
            if (!QFile::exists(path))
                continue;
            auto store = Store::open(path, Store::Options{true, false, 5000});
            if (store) {
                auto list = (*store)->listRuns();
                running = list && !list->isEmpty() && list->first().status == RunStatus::Running;
            }
        }
        QVERIFY(running);
        QThread::msleep(300);
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));

        auto r = runCli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--db"), path, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray runs = parseJsonObject(r.out).value(QLatin1String("runs")).toArray();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().toObject().value(QLatin1String("status")).toString(), QStringLiteral("interrupted"));
        QVERIFY(runs.first().toObject().value(QLatin1String("error")).toString().contains(QStringLiteral("ended before the run finished")));
        auto store = Store::open(path);
        QCOMPARE((*store)->connection().scalar(QStringLiteral("PRAGMA integrity_check"), QStringLiteral("t"))->toString(), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestCliRecord)
#include "tst_cli_record.moc"
