// SPDX-License-Identifier: GPL-3.0-or-later
// Several processes on one database: concurrent writers, a writer holding the lock, and a
// writer killed with SIGKILL in the middle of its transactions.
#include "core/store/store.h"
#include "core/store/sqliteconnection_p.h"
#include "tests/support/runfixtures.h"

#include <QtCore/QProcess>
#include <QtCore/QRandomGenerator>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>

using namespace qs;

namespace {

QString helper()
{
    return QStringLiteral(QS_STORE_HELPER);
}

QString integrity(const Store& store)
{
    auto v = store.connection().scalar(QStringLiteral("PRAGMA integrity_check"), QStringLiteral("test"));
    return v ? v->toString() : v.error().message;
}

/// Starts the helper and waits for its first line of output.
bool startHelper(QProcess& p, const QStringList& args, QByteArray* firstLine)
{
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(helper(), args);
    if (!p.waitForStarted(10000))
        return false;
    while (!p.canReadLine()) {
        if (!p.waitForReadyRead(30000))
            return false;
    }
    *firstLine = p.readLine().trimmed();
    return true;
}

} // namespace

class TestStoreProcesses : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void concurrentWriters()
    {
        const QString path = m_dir.filePath(QStringLiteral("concurrent.sqlite"));
        // Two other processes and this one write at the same time, each run its own transaction;
        // none may see "database is locked".
        QProcess a, b;
        a.start(helper(), {QStringLiteral("write"), path, QStringLiteral("30"), QStringLiteral("100")});
        b.start(helper(), {QStringLiteral("write"), path, QStringLiteral("30"), QStringLiteral("200")});
        QVERIFY(a.waitForStarted() && b.waitForStarted());
        int mine = 0;
        {
            Result<std::unique_ptr<Store>> store = Store::open(path);
            // The helpers may be creating the file at this very moment: opening waits for them.
            QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
            for (; mine < 30; ++mine) {
                RunRecord r = test::makeRun(quint32(300 + mine), 2000, 500);
                const Status st = (*store)->recordRun(r);
                QVERIFY2(st, qPrintable(st ? QString() : st.error().message));
                QVERIFY((*store)->listRuns());
            }
        }
        QVERIFY(a.waitForFinished(120000) && b.waitForFinished(120000));
        QVERIFY2(a.exitCode() == 0, a.readAllStandardError().constData());
        QVERIFY2(b.exitCode() == 0, b.readAllStandardError().constData());
        QCOMPARE(a.readAllStandardOutput().trimmed(), QByteArray("done 30"));
        auto store = Store::open(path);
        QVERIFY(store);
        QCOMPARE(*(*store)->runCount(), 90);
        QCOMPARE((*store)->listRuns(RunFilter{{}, QStringLiteral("writer-100"), {}, {}, -1})->size(), 30);
        QCOMPARE((*store)->listRuns(RunFilter{{}, {}, {}, RunStatus::Complete, -1})->size(), 90);
        QCOMPARE(integrity(**store), QStringLiteral("ok"));
    }

    void writerWaitsForAnotherProcessesLock()
    {
        const QString path = m_dir.filePath(QStringLiteral("wait.sqlite"));
        auto store = Store::open(path);
        QVERIFY(store);
        QProcess holder;
        QByteArray line;
        QVERIFY(startHelper(holder, {QStringLiteral("hold"), path, QStringLiteral("700")}, &line));
        QCOMPARE(line, QByteArray("locked"));
        // Held for 0.7 s, shorter than the busy timeout: the write waits and succeeds.
        QElapsedTimer t;
        t.start();
        RunRecord r = test::makeRun(1, 100, 100);
        const Status st = (*store)->recordRun(r);
        QVERIFY2(st, qPrintable(st ? QString() : st.error().message));
        QVERIFY2(t.elapsed() >= 300, qPrintable(QString::number(t.elapsed())));
        QVERIFY(holder.waitForFinished(10000));
        QCOMPARE(holder.exitCode(), 0);
    }

    void killedWriter_data()
    {
        QTest::addColumn<int>("delayMs");
        // Different moments: right after the run began, and in the middle of the big writes
        // that follow (each ~10-50 ms, so a kill lands inside a transaction most of the time).
        for (int delay : {0, 15, 40, 90, 160})
            QTest::addRow("after %d ms", delay) << delay;
    }

    void killedWriter()
    {
        QFETCH(int, delayMs);
        const QString path = m_dir.filePath(QStringLiteral("killed-%1.sqlite").arg(delayMs));
        QProcess child;
        QByteArray line;
        QVERIFY(startHelper(child, {QStringLiteral("die"), path}, &line));
        QVERIFY2(line.startsWith("running "), line.constData());
        const qint64 runningId = line.mid(8).toLongLong();
        QThread::msleep(ulong(delayMs));
        const qint64 pid = child.processId();
        ::kill(pid_t(pid), SIGKILL);
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        auto store = Store::open(path);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        QCOMPARE(integrity(**store), QStringLiteral("ok"));
        auto killed = (*store)->loadRun(runningId);
        QVERIFY(killed);
        QCOMPARE(killed->status, RunStatus::Interrupted);
        QVERIFY(killed->error.contains(QStringLiteral("pid %1").arg(pid)));
        // The runs before are intact ...
        auto before = (*store)->listRuns(RunFilter{{}, QStringLiteral("before-kill"), {}, {}, -1});
        QCOMPARE(before->size(), 2);
        for (const RunSummary& s : *before) {
            QCOMPARE(s.status, RunStatus::Complete);
            QCOMPARE((*store)->loadRun(s.id)->latencyMs.size(), 1000);
        }
        // ... and every run the child committed is whole: a transaction cut by the kill left nothing.
        auto during = (*store)->listRuns(RunFilter{{}, QStringLiteral("during-kill"), {}, {}, -1});
        for (const RunSummary& s : *during) {
            QCOMPARE(s.status, RunStatus::Complete);
            auto r = (*store)->loadRun(s.id);
            QVERIFY(r);
            QCOMPARE(r->latencyMs.size(), 100000);
            QCOMPARE(r->memory.size(), 60000);
        }
        QCOMPARE(*(*store)->runCount(), 3 + int(during->size()));
        // Nothing is left running.
        QCOMPARE((*store)->listRuns(RunFilter{{}, {}, {}, RunStatus::Running, -1})->size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStoreProcesses)
#include "tst_storeprocesses.moc"
