// SPDX-License-Identifier: GPL-3.0-or-later
// quantscope-cli report: every format from a real database, run choice by id and UUID prefix,
// the JSON result, and the exit codes of bad input (nothing written, the database unchanged).
#include "core/store/store.h"
#include "tests/support/runfixtures.h"
#include "tests/support/testsupport.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <unistd.h>

using namespace qs;
using test::CliResult;

class TestCliReport : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_db;
    qint64 m_fp32 = 0, m_int8 = 0;
    QString m_int8Uuid;

    CliResult run(QStringList args) { return test::runCli(args << QStringLiteral("--db") << m_db); }
    QByteArray dbHash() const
    {
        QFile f(m_db);
        return f.open(QIODevice::ReadOnly) ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256) : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("QS_CLI").isEmpty());
        m_db = m_dir.filePath(QStringLiteral("runs.sqlite"));
        auto store = Store::open(m_db);
        QVERIFY(store);
        RunRecord fp32 = test::makeRun(3, 2000, 800, QStringLiteral("fp32"));
        RunRecord int8 = test::makeRun(6, 2000, 800, QStringLiteral("static-int8"), QStringLiteral("net.pt"));
        int8.note = QStringLiteral("<script>alert(1)</script> | note");
        RunRecord eval = test::makeEvalRun(6, 90.5, QStringLiteral("static-int8"));
        for (RunRecord* r : {&fp32, &int8, &eval})
            QVERIFY((*store)->recordRun(*r));
        m_fp32 = fp32.id;
        m_int8 = int8.id;
        m_int8Uuid = int8.uuid;
    }

    void formats_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("start");
        QTest::newRow("html") << "r.html" << QByteArray("<!DOCTYPE html>");
        QTest::newRow("pdf") << "r.pdf" << QByteArray("%PDF-");
        QTest::newRow("md") << "r.md" << QByteArray("# ");
        QTest::newRow("csv") << "r.csv" << QByteArray("run_id,");
        QTest::newRow("json") << "r.json" << QByteArray("{");
    }
    void formats()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, start);
        const QByteArray before = dbHash();
        const QString path = m_dir.filePath(file);
        // By UUID prefix as well as by number; --json result.
        const CliResult r = run({QStringLiteral("report"), QStringLiteral("--runs"), m_int8Uuid.left(8), QStringLiteral("--baseline"),
                                 QString::number(m_fp32), QStringLiteral("--out"), path, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        const QJsonObject o = test::parseJsonObject(r.out);
        QCOMPARE(o.value(QStringLiteral("out")).toString(), QFileInfo(path).absoluteFilePath());
        QCOMPARE(o.value(QStringLiteral("format")).toString(), QFileInfo(path).suffix());
        QCOMPARE(qint64(o.value(QStringLiteral("baseline")).toDouble()), m_fp32);
        QCOMPARE(o.value(QStringLiteral("runs")).toArray(), (QJsonArray{double(m_fp32), double(m_int8)}));
        QCOMPARE(o.value(QStringLiteral("verdicts")).toArray().size(), 2);
        QVERIFY(o.value(QStringLiteral("verdicts")).toArray()[1].toString().startsWith(QStringLiteral("static-int8 (onednn): ")));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(double(f.size()), o.value(QStringLiteral("bytes")).toDouble());
        QVERIFY(f.read(start.size()) == start);
        QCOMPARE(dbHash(), before);
    }

    void pdfWithoutDisplay()
    {
        // No DISPLAY, no platform chosen: the CLI's offscreen QGuiApplication still writes it.
        const QString path = m_dir.filePath(QStringLiteral("headless.pdf"));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("QS_CLI"), {QStringLiteral("report"), QStringLiteral("--runs"), QString::number(m_int8), QStringLiteral("--baseline"),
                                                 QString::number(m_fp32), QStringLiteral("--out"), path, QStringLiteral("--db"), m_db});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QVERIFY(QFileInfo(path).size() > 1000);
        // The text output: the verdicts, then where the file went.
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("static-int8 (onednn): ")) && out.contains(QStringLiteral("Wrote the PDF report")), qPrintable(out));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString fp32 = QString::number(m_fp32), int8 = QString::number(m_int8);
        const QString out = m_dir.filePath(QStringLiteral("bad.html"));
        QTest::newRow("no --out") << QStringList{QStringLiteral("--runs"), int8, QStringLiteral("--baseline"), fp32} << 2 << "--out";
        QTest::newRow("unknown extension") << QStringList{QStringLiteral("--runs"), int8, QStringLiteral("--baseline"), fp32, QStringLiteral("--out"),
                                                          m_dir.filePath(QStringLiteral("bad.docx"))}
                                           << 2 << ".html";
        QTest::newRow("no --baseline") << QStringList{QStringLiteral("--runs"), int8, QStringLiteral("--out"), out} << 2 << "--baseline";
        QTest::newRow("no --runs") << QStringList{QStringLiteral("--baseline"), fp32, QStringLiteral("--out"), out} << 2 << "--runs";
        QTest::newRow("unknown run") << QStringList{QStringLiteral("--runs"), QStringLiteral("4242"), QStringLiteral("--baseline"), fp32,
                                                    QStringLiteral("--out"), out}
                                     << 3 << "4242";
        QTest::newRow("unknown baseline") << QStringList{QStringLiteral("--runs"), int8, QStringLiteral("--baseline"), QStringLiteral("4343"),
                                                         QStringLiteral("--out"), out}
                                          << 3 << "4343";
        QTest::newRow("unwritable folder") << QStringList{QStringLiteral("--runs"), int8, QStringLiteral("--baseline"), fp32, QStringLiteral("--out"),
                                                          QStringLiteral("/proc/qs-report.html")}
                                           << 6 << "Nothing was written";
        QTest::newRow("missing folder") << QStringList{QStringLiteral("--runs"), int8, QStringLiteral("--baseline"), fp32, QStringLiteral("--out"),
                                                       m_dir.filePath(QStringLiteral("nowhere/r.pdf"))}
                                        << 6 << "does not exist";
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QByteArray before = dbHash();
        const CliResult r = run(QStringList{QStringLiteral("report")} + args);
        QVERIFY2(r.exitCode == exitCode, qPrintable(QStringLiteral("%1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("bad.html"))));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("bad.docx"))));
        QCOMPARE(dbHash(), before);
    }

    void readOnlyDatabase()
    {
        // A database the user may only read (a colleague's, a mounted share) can be reported on.
        QTemporaryDir dir;
        QVERIFY(QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther
                                                      | QFileDevice::WriteOther | QFileDevice::ExeOther | QFileDevice::ReadGroup
                                                      | QFileDevice::WriteGroup | QFileDevice::ExeGroup));
        const QString db = dir.filePath(QStringLiteral("shared.sqlite"));
        QVERIFY(QFile::copy(m_db, db));
        QVERIFY(QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::ReadOther | QFileDevice::ReadGroup));
        QStringList args{QStringLiteral("report"), QStringLiteral("--runs"), QString::number(m_int8), QStringLiteral("--baseline"),
                         QString::number(m_fp32), QStringLiteral("--out"), dir.filePath(QStringLiteral("r.md")), QStringLiteral("--db"), db};
        QString program = qEnvironmentVariable("QS_CLI");
        if (::geteuid() == 0) {
            // root writes anything: be "nobody" (setpriv from util-linux) to meet the permission.
            if (!QFile::exists(QStringLiteral("/usr/bin/setpriv")))
                QSKIP("running as root without setpriv: cannot make a database read-only");
            args = QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"), program} + args;
            program = QStringLiteral("/usr/bin/setpriv");
        }
        QFile f(db);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
        f.close();
        QProcess p;
        p.start(program, args);
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("r.md"))).size() > 100);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256), before);
    }

    void missingDatabase()
    {
        const CliResult r = test::runCli({QStringLiteral("report"), QStringLiteral("--runs"), QStringLiteral("1"), QStringLiteral("--baseline"),
                                          QStringLiteral("2"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("x.html")), QStringLiteral("--db"),
                                          m_dir.filePath(QStringLiteral("typo.sqlite"))});
        QCOMPARE(r.exitCode, 5);
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("typo.sqlite"))));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("x.html"))));
    }
};

QTEST_GUILESS_MAIN(TestCliReport)
#include "tst_cli_report.moc"
