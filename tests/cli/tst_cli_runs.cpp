// SPDX-License-Identifier: GPL-3.0-or-later
// quantscope-cli runs ...: a real process on real database files, as a user or a script runs it.
#include "core/store/runexchange.h"
#include "core/store/sqliteconnection_p.h"
#include "core/store/store.h"
#include "tests/support/runfixtures.h"
#include "tests/support/testsupport.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

using namespace qs;
using test::CliResult;

namespace {

enum class Limit { None, FileSize64k, NobodyUser };

/// Runs the CLI with its data directory in \a dataDir (so the default database is a fresh one),
/// optionally with a 64 kB file size limit (a full disk) or as the unprivileged user "nobody".
CliResult cli(const QStringList& args, const QString& dataDir, Limit limit = Limit::None)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QUANTSCOPE_DATA_DIR"), dataDir);
    p.setProcessEnvironment(env);
    QString program = qEnvironmentVariable("QS_CLI");
    QStringList arguments = args;
    if (limit == Limit::FileSize64k) {
        p.setChildProcessModifier([] {
            // Writes past 64 kB fail with EFBIG as on a full disk; ignoring SIGXFSZ (inherited
            // across exec) turns the signal into that error.
            ::signal(SIGXFSZ, SIG_IGN);
            rlimit rl{64 * 1024, 64 * 1024};
            ::setrlimit(RLIMIT_FSIZE, &rl);
        });
    } else if (limit == Limit::NobodyUser) {
        arguments = QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"), program} + args;
        program = QStringLiteral("/usr/bin/setpriv");
    }
    p.start(program, arguments);
    CliResult r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestCliRuns : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_db;
    QVector<qint64> m_ids;

    CliResult run(const QStringList& args, Limit limit = Limit::None) { return cli(args + QStringList{QStringLiteral("--db"), m_db}, m_dir.path(), limit); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("QS_CLI").isEmpty());
        m_db = m_dir.filePath(QStringLiteral("runs.sqlite"));
        auto store = Store::open(m_db);
        QVERIFY(store);
        const QStringList schemes{QStringLiteral("fp32"), QStringLiteral("static-int8"), QStringLiteral("dynamic-int8")};
        for (int i = 0; i < 3; ++i) {
            RunRecord r = test::makeRun(quint32(i + 1), 2000, 500, schemes[i], QStringLiteral("<script>alert(1)</script>.pt"));
            QVERIFY((*store)->recordRun(r));
            m_ids << r.id;
        }
        RunRecord eval = test::makeEvalRun(2, 89.6, QStringLiteral("static-int8"), QStringLiteral("<script>alert(1)</script>.pt"));
        QVERIFY((*store)->recordRun(eval));
        m_ids << eval.id;
    }

    void help()
    {
        auto r = cli({QStringLiteral("runs"), QStringLiteral("--help")}, m_dir.path());
        QCOMPARE(r.exitCode, 0);
        for (const char* s : {"list", "show", "delete", "tag", "note", "export", "import", "--db"})
            QVERIFY2(r.out.contains(QLatin1String(s)), s);
        r = cli({QStringLiteral("runs")}, m_dir.path());
        QCOMPARE(r.exitCode, 2);
        r = cli({QStringLiteral("runs"), QStringLiteral("frobnicate")}, m_dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("not a runs action")));
    }

    void listTextAndJson()
    {
        auto r = run({QStringLiteral("runs"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("static-int8 (onednn)")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("p50 ms")));
        QCOMPARE(r.out.count(QStringLiteral("<script>alert(1)</script>.pt")), 4);

        r = run({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = test::parseJsonObject(r.out);
        QCOMPARE(o.value(QLatin1String("database")).toString(), m_db);
        const QJsonArray runs = o.value(QLatin1String("runs")).toArray();
        QCOMPARE(runs.size(), 4);
        for (const char* key : {"id", "uuid", "kind", "status", "started", "model", "scheme", "variant", "engine", "batch", "threads",
                                "size_bytes", "metrics", "tags", "note"})
            QVERIFY2(runs.first().toObject().contains(QLatin1String(key)), key);
        QCOMPARE(runs.first().toObject().value(QLatin1String("model")).toString(), QStringLiteral("<script>alert(1)</script>.pt"));

        r = run({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--kind"), QStringLiteral("eval"), QStringLiteral("--json")});
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().size(), 1);
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().first().toObject().value(QLatin1String("metrics")).toObject()
                     .value(QLatin1String("top1")).toDouble(), 89.6);
        r = run({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--status"), QStringLiteral("done")});
        QCOMPARE(r.exitCode, 2);
        r = run({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--limit"), QStringLiteral("2"), QStringLiteral("--json")});
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().size(), 2);
    }

    void show()
    {
        auto r = run({QStringLiteral("runs"), QStringLiteral("show"), QString::number(m_ids[1])});
        QCOMPARE(r.exitCode, 0);
        for (const char* s : {"static-int8 (onednn)", "Latency samples:", "2000 (p50", "Memory samples:", "Environment:", "latency_p50_ms"})
            QVERIFY2(r.out.contains(QLatin1String(s)), s);
        r = run({QStringLiteral("runs"), QStringLiteral("show"), QString::number(m_ids[1]), QStringLiteral("--json")});
        QJsonObject o = test::parseJsonObject(r.out);
        QCOMPARE(o.value(QLatin1String("id")).toInteger(), m_ids[1]);
        QVERIFY(!o.contains(QLatin1String("latency_ns")));
        QCOMPARE(o.value(QLatin1String("latency_count")).toInt(), 2000);
        QVERIFY(o.value(QLatin1String("fingerprint")).toObject().contains(QLatin1String("cpu")));
        r = run({QStringLiteral("runs"), QStringLiteral("show"), QString::number(m_ids[1]), QStringLiteral("--json"), QStringLiteral("--samples")});
        o = test::parseJsonObject(r.out);
        QCOMPARE(o.value(QLatin1String("latency_ns")).toArray().size(), 2000);
        QCOMPARE(o.value(QLatin1String("memory")).toObject().value(QLatin1String("t_us")).toArray().size(), 500);
        // By UUID prefix; unknown runs.
        const QString uuid = o.value(QLatin1String("uuid")).toString();
        r = run({QStringLiteral("runs"), QStringLiteral("show"), uuid.left(13)});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("runs"), QStringLiteral("show"), QStringLiteral("999")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains(QStringLiteral("no run 999")));
        r = run({QStringLiteral("runs"), QStringLiteral("show"), QStringLiteral("999"), QStringLiteral("--json")});
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("error")).toObject().value(QLatin1String("exit_code")).toInt(), 3);
    }

    void tagNoteDelete()
    {
        const QString ids = QStringLiteral("%1,%2").arg(m_ids[0]).arg(m_ids[1]);
        auto r = run({QStringLiteral("runs"), QStringLiteral("tag"), ids, QStringLiteral("nightly"), QStringLiteral("x86")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--tag"), QStringLiteral("nightly"), QStringLiteral("--json")});
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().size(), 2);
        r = run({QStringLiteral("runs"), QStringLiteral("tag"), QString::number(m_ids[0]), QStringLiteral("x86"), QStringLiteral("--remove")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--tag"), QStringLiteral("x86"), QStringLiteral("--json")});
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().size(), 1);
        r = run({QStringLiteral("runs"), QStringLiteral("note"), QString::number(m_ids[0]), QStringLiteral("measured on battery")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--filter"), QStringLiteral("battery"), QStringLiteral("--json")});
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().first().toObject().value(QLatin1String("note")).toString(),
                 QStringLiteral("measured on battery"));
        r = run({QStringLiteral("runs"), QStringLiteral("tag"), QStringLiteral("555"), QStringLiteral("x")});
        QCOMPARE(r.exitCode, 3);

        // Delete a copy, not the fixture runs the next tests use.
        auto store = Store::open(m_db);
        RunRecord extra = test::makeRun(77, 10, 10);
        QVERIFY((*store)->recordRun(extra));
        store->reset();
        r = run({QStringLiteral("runs"), QStringLiteral("delete"), QString::number(extra.id), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("deleted")).toArray().first().toInteger(), extra.id);
        r = run({QStringLiteral("runs"), QStringLiteral("delete"), QString::number(extra.id)});
        QCOMPARE(r.exitCode, 3);
    }

    void exportImport()
    {
        const QString file = m_dir.filePath(QStringLiteral("shared.json"));
        auto r = run({QStringLiteral("runs"), QStringLiteral("export"), QString::number(m_ids[1]), QString::number(m_ids[2]),
                      QStringLiteral("--baseline"), QString::number(m_ids[0]), QStringLiteral("--out"), file, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toInt(), 3);
        auto parsed = exchange::readFile(file);
        QVERIFY(parsed);
        QCOMPARE(parsed->runs.size(), 3);
        QVERIFY(!parsed->baselineUuid.isEmpty());
        QCOMPARE(parsed->runs.first().latencyMs.size(), 2000);

        // Into a database that does not exist yet (another machine's), twice.
        const QString other = m_dir.filePath(QStringLiteral("laptop.sqlite"));
        r = cli({QStringLiteral("runs"), QStringLiteral("import"), file, QStringLiteral("--db"), other, QStringLiteral("--json")}, m_dir.path());
        QCOMPARE(r.exitCode, 0);
        QJsonObject result = test::parseJsonObject(r.out).value(QLatin1String("files")).toArray().first().toObject();
        QCOMPARE(result.value(QLatin1String("added")).toArray().size(), 3);
        r = cli({QStringLiteral("runs"), QStringLiteral("import"), file, QStringLiteral("--db"), other}, m_dir.path());
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("imported 0 runs; 3 already present")), qPrintable(r.out));
        r = cli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--db"), other, QStringLiteral("--json")}, m_dir.path());
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().size(), 3);
        QVERIFY(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().first().toObject().value(QLatin1String("imported")).toBool());

        // Export by tag and everything.
        r = run({QStringLiteral("runs"), QStringLiteral("export"), QStringLiteral("--all"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("all.json"))});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("Exported 4 runs")));
        r = run({QStringLiteral("runs"), QStringLiteral("export"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("none.json"))});
        QCOMPARE(r.exitCode, 2);
    }

    void importRefusesBadFiles()
    {
        const QString good = m_dir.filePath(QStringLiteral("good.json"));
        auto r = run({QStringLiteral("runs"), QStringLiteral("export"), QString::number(m_ids[0]), QStringLiteral("--out"), good});
        QCOMPARE(r.exitCode, 0);
        QFile f(good);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QJsonArray runs = root.value(QLatin1String("runs")).toArray();
        QJsonObject first = runs.first().toObject();
        first.insert(QStringLiteral("uuid"), QStringLiteral("0b7e3c1a-5f7d-4c5e-9b0a-2c3d4e5f6a7b"));
        first.insert(QStringLiteral("status"), QStringLiteral("finished"));
        runs[0] = first;
        root.insert(QStringLiteral("runs"), runs);
        const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
        QVERIFY(test::writeBytes(bad, QJsonDocument(root).toJson()));

        const QString target = m_dir.filePath(QStringLiteral("target.sqlite"));
        // The good file first, the bad second: nothing from either is imported.
        r = cli({QStringLiteral("runs"), QStringLiteral("import"), good, bad, QStringLiteral("--db"), target}, m_dir.path());
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("runs[0].status must be one of")), qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("bad.json")));
        r = cli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--db"), target, QStringLiteral("--json")}, m_dir.path());
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().size(), 0);
        r = cli({QStringLiteral("runs"), QStringLiteral("import"), m_dir.filePath(QStringLiteral("nope.json")), QStringLiteral("--db"), target}, m_dir.path());
        QCOMPARE(r.exitCode, 3);
    }

    void exportToAFullDiskOrMissingFolder()
    {
        // The export is ~200 kB: past the 64 kB limit the write fails as on a full disk.
        const QString out = m_dir.filePath(QStringLiteral("full/export.json"));
        QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("full")));
        QVERIFY(test::writeBytes(out, "previous export"));
        auto r = run({QStringLiteral("runs"), QStringLiteral("export"), QStringLiteral("--all"), QStringLiteral("--out"), out}, Limit::FileSize64k);
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains(QStringLiteral("disk full")), qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("Nothing was written under that name")));
        // The previous file is intact and no temporary file is left beside it.
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("previous export"));
        QCOMPARE(QDir(m_dir.filePath(QStringLiteral("full"))).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot).size(), 1);

        r = run({QStringLiteral("runs"), QStringLiteral("export"), QStringLiteral("--all"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("no/dir/x.json"))});
        QCOMPARE(r.exitCode, 6);
        QVERIFY(r.err.contains(QStringLiteral("does not exist")));
    }

    void badDatabases()
    {
        // Not SQLite.
        const QString text = m_dir.filePath(QStringLiteral("notes.txt"));
        QVERIFY(test::writeBytes(text, "my notes\n"));
        auto r = cli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--db"), text}, m_dir.path());
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("is not a Quantscope run database")), qPrintable(r.err));
        // From a newer Quantscope.
        const QString newer = m_dir.filePath(QStringLiteral("newer.sqlite"));
        {
            auto store = Store::open(newer);
            QVERIFY(store);
            QVERIFY((*store)->connection().execAll({QStringLiteral("PRAGMA user_version = 99")}, QStringLiteral("t")));
        }
        r = cli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--db"), newer}, m_dir.path());
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("database version 99")), qPrintable(r.err));
        // A path that does not exist, for a reading command: a typo, not a new database.
        r = cli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--db"), m_dir.filePath(QStringLiteral("typo.sqlite"))}, m_dir.path());
        QCOMPARE(r.exitCode, 5);
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("typo.sqlite"))));
        // The default database is created on first use.
        QTemporaryDir fresh;
        r = cli({QStringLiteral("runs"), QStringLiteral("list")}, fresh.path());
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("No runs")));
        QVERIFY(QFile::exists(fresh.filePath(QStringLiteral("runs.sqlite"))));
    }

    void readOnlyDatabase()
    {
        // A database the user may read but not write: listing works, changes fail clearly.
        QTemporaryDir dir;
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther
                                              | QFileDevice::ExeOther | QFileDevice::ReadGroup | QFileDevice::ExeGroup);
        const QString db = dir.filePath(QStringLiteral("shared.sqlite"));
        {
            auto store = Store::open(db);
            QVERIFY(store);
            RunRecord r = test::makeRun(5, 10, 10);
            QVERIFY((*store)->recordRun(r));
        }
        QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::ReadOther | QFileDevice::ReadGroup);
        Limit as = Limit::None;
        if (::geteuid() == 0) {
            // root writes anything: be "nobody" (setpriv from util-linux) to meet the permission.
            if (!QFile::exists(QStringLiteral("/usr/bin/setpriv")))
                QSKIP("running as root without setpriv: cannot make a database read-only");
            as = Limit::NobodyUser;
        }
        auto r = cli({QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--db"), db, QStringLiteral("--json")}, dir.path(), as);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(test::parseJsonObject(r.out).value(QLatin1String("runs")).toArray().size(), 1);
        r = cli({QStringLiteral("runs"), QStringLiteral("tag"), QStringLiteral("1"), QStringLiteral("x"), QStringLiteral("--db"), db}, dir.path(), as);
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("read-only")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliRuns)
#include "tst_cli_runs.moc"
