// SPDX-License-Identifier: GPL-3.0-or-later
// Crash safety: quantscope-cli killed with SIGKILL 20 times in each phase (a benchmark's load,
// warmup and steady state, a quantization's calibration, a report's export; 10 times around the
// quantized artifact's write), at moments spread over the phase.
// The phase is read from the progress lines the CLI prints on stderr as each phase begins; its
// length is measured once first (a process killed as the next phase begins), and kill i of 20
// lands (i + 0.5) / 20 of the way into it. After every kill:
// - the database passes PRAGMA integrity_check once reopened;
// - the runs the killed process started are interrupted (none running; complete only when the
//   process had got to the end of the work: its last progress line printed, its artifact whole);
// - every row stored before the process started is still there, unchanged;
// - the artifact or report is either absent or complete, never half-written under its name.
#include "core/store/sqliteconnection_p.h"
#include "core/store/store.h"
#include "core/model/modelfactory.h"
#include "tests/support/testsupport.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlQuery>
#include <QtSql/QSqlRecord>
#include <QtTest/QtTest>

#include <csignal>
#include <functional>

using namespace qs;
using test::runCli;

namespace {

constexpr int kKills = 20;

// Which phase a progress line announces. The first matching pattern wins.
struct Marker
{
    QRegularExpression pattern;
    QString phase;
};

struct Scenario
{
    QStringList args;          ///< the command line, without --db
    QVector<Marker> markers;
    QString target;            ///< the phase to kill it in
    QString artifact;          ///< a file the command writes, or empty
    std::function<bool(const QByteArray&)> whole; ///< whether bytes found under the artifact's name are complete
    bool recordsRuns = true;   ///< the command stores runs (report only reads them)
};

struct Kill
{
    bool started = false;
    bool killed = false;    ///< false: the process ended on its own before the kill
    QString diedIn;         ///< the phase of the last progress line it printed
    double phaseMs = -1;    ///< measuring runs: from the target's first line to the next phase's
    QString stderrTail;
};

const QString kFinished = QStringLiteral("finished");

QVector<Marker> benchMarkers()
{
    return {{QRegularExpression(QStringLiteral("Recorded as run")), kFinished},
            {QRegularExpression(QStringLiteral(": done")), kFinished},
            {QRegularExpression(QStringLiteral(": steady state")), QStringLiteral("steady")},
            {QRegularExpression(QStringLiteral(": warmup")), QStringLiteral("warmup")},
            {QRegularExpression(QStringLiteral(": first inference")), QStringLiteral("first-inference")},
            {QRegularExpression(QStringLiteral(": loading")), QStringLiteral("load")},
            {QRegularExpression(QStringLiteral("Preparing")), QStringLiteral("prepare")}};
}

QVector<Marker> quantizeMarkers()
{
    return {{QRegularExpression(QStringLiteral("Recorded as run")), kFinished},
            {QRegularExpression(QStringLiteral("saving|fidelity|converted|converting|: done")), QStringLiteral("convert")},
            {QRegularExpression(QStringLiteral("calibrating")), QStringLiteral("calibrate")},
            {QRegularExpression(QStringLiteral("observers|[Oo]pening|calibration data")), QStringLiteral("prepare")}};
}

QString phaseOf(const QVector<Marker>& markers, const QString& line, const QString& current)
{
    for (const Marker& m : markers) {
        if (m.pattern.match(line).hasMatch())
            return m.phase;
    }
    return current;
}

// Every row of the database, keyed by table and primary key, as a hash of all its values.
// Models and variants are keyed and compared by what identifies them (later runs may fill in
// a model's parameter count or a variant's sizes).
using Dump = QHash<QString, QByteArray>;

bool dumpDatabase(const Store& store, Dump* dump, QString* error)
{
    const struct
    {
        const char* table;
        const char* columns;
        int keyColumns;
    } tables[] = {{"models", "id, name, path, sha256", 1},
                  {"variants", "id, model_id, scheme, engine, options, artifact_sha256", 1},
                  {"runs", "*", 1},
                  {"metrics", "*", 2},
                  {"samples", "*", 1},
                  {"evaluations", "*", 1},
                  {"layer_results", "*", 2},
                  {"tags", "*", 2}};
    dump->clear();
    for (const auto& t : tables) {
        auto q = store.connection().exec(QStringLiteral("SELECT %1 FROM %2").arg(QLatin1String(t.columns), QLatin1String(t.table)), {},
                                         QStringLiteral("dumping %1").arg(QLatin1String(t.table)));
        if (!q) {
            *error = q.error().message;
            return false;
        }
        while (q->next()) {
            QString key = QLatin1String(t.table);
            QCryptographicHash hash(QCryptographicHash::Sha1);
            for (int i = 0; i < q->record().count(); ++i) {
                const QVariant v = q->value(i);
                const QByteArray bytes = v.isNull() ? QByteArray("<null>") : v.typeId() == QMetaType::QByteArray ? v.toByteArray() : v.toString().toUtf8();
                if (i < t.keyColumns)
                    key += QLatin1Char('/') + QString::fromUtf8(bytes);
                hash.addData(bytes);
                hash.addData(QByteArrayView("\x1f", 1));
            }
            dump->insert(key, hash.result());
        }
    }
    return true;
}

QString integrity(const Store& store)
{
    auto v = store.connection().scalar(QStringLiteral("PRAGMA integrity_check"), QStringLiteral("checking"));
    return v ? v->toString() : v.error().message;
}

// Starts the CLI; kills it \a delayMs after its first line of the target phase, or, with
// \a measure, as soon as it prints the first line of a later phase (then phaseMs is the
// length of the target phase as seen from here).
Kill killIn(const Scenario& s, const QString& db, double delayMs, bool measure)
{
    Kill k;
    QProcess p;
    p.setStandardOutputFile(QProcess::nullDevice());
    p.setReadChannel(QProcess::StandardError);
    p.start(qEnvironmentVariable("QS_CLI"), s.args + QStringList{QStringLiteral("--db"), db});
    if (!p.waitForStarted(30000))
        return k;
    k.started = true;
    QString phase;
    QStringList lines;
    QElapsedTimer sinceTarget;
    QElapsedTimer total;
    total.start();
    auto readLines = [&] {
        while (p.canReadLine()) {
            const QString line = QString::fromUtf8(p.readLine()).trimmed();
            lines << line;
            const QString next = phaseOf(s.markers, line, phase);
            if (next == s.target && !sinceTarget.isValid())
                sinceTarget.start();
            else if (measure && sinceTarget.isValid() && next != s.target && k.phaseMs < 0)
                k.phaseMs = double(sinceTarget.nsecsElapsed()) / 1e6;
            phase = next;
        }
    };
    for (;;) {
        readLines();
        const bool due = measure ? k.phaseMs >= 0 : sinceTarget.isValid() && double(sinceTarget.nsecsElapsed()) / 1e6 >= delayMs;
        if (p.state() == QProcess::NotRunning) {
            readLines();
            // A phase that lasts until the process exits (a report's write) ends with it.
            if (measure && sinceTarget.isValid() && k.phaseMs < 0 && phase == s.target)
                k.phaseMs = double(sinceTarget.nsecsElapsed()) / 1e6;
            break;
        }
        if (due || total.elapsed() > 120000)
            break;
        // Short waits: the kill lands within a millisecond or so of its moment.
        const double left = sinceTarget.isValid() && !measure ? delayMs - double(sinceTarget.nsecsElapsed()) / 1e6 : 5;
        p.waitForReadyRead(std::clamp(int(left), 0, 5));
    }
    if (p.state() != QProcess::NotRunning) {
        ::kill(pid_t(p.processId()), SIGKILL);
        p.waitForFinished(30000);
        k.killed = p.exitStatus() == QProcess::CrashExit;
    } else {
        p.waitForFinished(1000);
    }
    // What it printed before it died tells where it was.
    const QByteArray rest = p.readAllStandardError();
    for (const QByteArray& line : rest.split('\n')) {
        if (!line.trimmed().isEmpty()) {
            lines << QString::fromUtf8(line).trimmed();
            phase = phaseOf(s.markers, lines.last(), phase);
        }
    }
    k.diedIn = phase;
    k.stderrTail = lines.mid(std::max<qsizetype>(0, lines.size() - 4)).join(QLatin1Char('\n'));
    return k;
}

} // namespace

class TestCliCrashSafety : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model, m_calib, m_big, m_db;
    Dump m_before;            ///< the database before the process being killed started
    int m_leftoverTemps = 0;  ///< temporary files of interrupted atomic writes (not under the final name)
    int m_wholeArtifacts = 0; ///< kills after the artifact was in place
    int m_checked = 0;

    // The database after a kill, compared with m_before; then m_before moves on.
    void checkAfterKill(const Scenario& s, const Kill& k)
    {
        const QString context = QStringLiteral("killed in %1:\n%2").arg(k.diedIn, k.stderrTail);
        auto store = Store::open(m_db); // marks the dead process's runs interrupted
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message + QLatin1Char('\n') + context));
        QCOMPARE(integrity(**store), QStringLiteral("ok"));
        Dump after;
        QString error;
        QVERIFY2(dumpDatabase(**store, &after, &error), qPrintable(error));
        for (auto it = m_before.cbegin(); it != m_before.cend(); ++it) {
            QVERIFY2(after.contains(it.key()), qPrintable(QStringLiteral("%1 is gone after a kill; %2").arg(it.key(), context)));
            QVERIFY2(after.value(it.key()) == it.value(), qPrintable(QStringLiteral("%1 changed after a kill; %2").arg(it.key(), context)));
        }
        // The artifact: absent, or whole under its final name (written to a temporary file first).
        bool artifactWhole = false;
        if (!s.artifact.isEmpty()) {
            if (QFile::exists(s.artifact)) {
                QFile f(s.artifact);
                QVERIFY(f.open(QIODevice::ReadOnly));
                QVERIFY2(s.whole(f.readAll()),
                         qPrintable(QStringLiteral("a half-written artifact is left under its final name; %1").arg(context)));
                f.close();
                QVERIFY(QFile::remove(s.artifact));
                artifactWhole = true;
                ++m_wholeArtifacts;
            }
            const QFileInfo fi(s.artifact);
            for (const QString& name : QDir(fi.absolutePath()).entryList({fi.fileName() + QLatin1String(".*")}, QDir::Files)) {
                ++m_leftoverTemps;
                QFile::remove(fi.absoluteDir().filePath(name));
            }
        }
        auto runs = (*store)->listRuns();
        QVERIFY(runs);
        int fresh = 0;
        for (const RunSummary& r : *runs) {
            if (m_before.contains(QStringLiteral("runs/%1").arg(r.id)))
                continue;
            ++fresh;
            // Only a process that got to the end of its work may leave its run complete: the
            // benchmark printed its last progress line, the quantization wrote its artifact.
            const bool mayBeComplete = k.diedIn == kFinished || artifactWhole;
            QVERIFY2(r.status == RunStatus::Interrupted || (mayBeComplete && r.status == RunStatus::Complete),
                     qPrintable(QStringLiteral("run %1 of the killed process is %2, not interrupted; %3")
                                    .arg(r.id).arg(runStatusName(r.status), context)));
            auto whole = (*store)->loadRun(r.id);
            QVERIFY2(whole, qPrintable(whole ? QString() : whole.error().message));
        }
        // The run row is written before the work starts: every kill inside a phase left one.
        if (s.recordsRuns && k.diedIn != QLatin1String("prepare"))
            QVERIFY2(fresh >= 1, qPrintable(QStringLiteral("the killed process left no run; %1").arg(context)));
        m_before = after;
        ++m_checked;
    }

    void killRepeatedly(const Scenario& s, int kills = kKills)
    {
        // The phase's length here and now, from one run killed as the next phase begins.
        const Kill measured = killIn(s, m_db, 0, true);
        QVERIFY(measured.started);
        QVERIFY2(measured.phaseMs >= 0, qPrintable(QStringLiteral("never saw the phase %1 end:\n%2").arg(s.target, measured.stderrTail)));
        checkAfterKill(s, measured);
        if (QTest::currentTestFailed())
            return;
        QMap<QString, int> landed;
        int early = 0;
        for (int i = 0; i < kills; ++i) {
            // A phase can run faster than it did when measured (the load of a shared machine
            // drops): a process that finished before its kill is checked like the others and
            // started again, killed at half the moment.
            double delayMs = measured.phaseMs * (i + 0.5) / kills;
            Kill k;
            for (int attempt = 0; attempt < 4 && !k.killed; ++attempt, delayMs /= 2) {
                k = killIn(s, m_db, delayMs, false);
                QVERIFY(k.started);
                checkAfterKill(s, k);
                if (QTest::currentTestFailed())
                    return;
                early += k.killed ? 0 : 1;
            }
            QVERIFY2(k.killed, qPrintable(QStringLiteral("the process kept ending before its kill %1 ms into %2:\n%3")
                                              .arg(delayMs).arg(s.target, k.stderrTail)));
            ++landed[k.diedIn];
        }
        if (early)
            qInfo("%s: %d processes ended before their kill and were run again", qPrintable(s.target), early);
        QString summary;
        for (auto it = landed.cbegin(); it != landed.cend(); ++it)
            summary += QStringLiteral(" %1: %2").arg(it.key()).arg(it.value());
        qInfo("%s: phase %.0f ms; %d kills landed in%s", qPrintable(s.target), measured.phaseMs, kills, qPrintable(summary));
        // Phases of a busy machine stretch and shrink between runs (load of the 34 MB model is
        // short on a quiet one: kills aimed at its end land in the first inference); a third of
        // the kills must still land inside the phase they aim at, every kill is checked anyway.
        QVERIFY2(landed.value(s.target) >= kills / 3, qPrintable(QStringLiteral("only %1 of %2 kills landed in %3:%4")
                                                                    .arg(landed.value(s.target)).arg(kills).arg(s.target, summary)));
    }

    QStringList benchArgs(const QString& model, const QStringList& extra) const
    {
        return QStringList{QStringLiteral("bench"), model, QStringLiteral("--sampler-hz"), QStringLiteral("200")} + extra;
    }

    // quantize with calibration; the complete artifact is made once (and recorded: one more
    // earlier run to keep intact).
    Scenario quantizeScenario(const QString& target)
    {
        const QString out = m_dir.filePath(QStringLiteral("out/cnn.static-int8.pt"));
        const QStringList args{QStringLiteral("quantize"), m_model, QStringLiteral("--scheme"), QStringLiteral("static-int8"),
                               QStringLiteral("--calib"), m_calib, QStringLiteral("--calib-samples"), QStringLiteral("1000"),
                               QStringLiteral("--calib-batch"), QStringLiteral("8"), QStringLiteral("--out"), out};
        auto r = runCli(args + QStringList{QStringLiteral("--db"), m_db});
        [&] { QVERIFY2(r.exitCode == 0, qPrintable(r.err)); }();
        QFile f(out);
        QByteArray complete;
        if (f.open(QIODevice::ReadOnly))
            complete = f.readAll();
        f.close();
        QFile::remove(out);
        [&] { QVERIFY(!complete.isEmpty()); }();
        // The same model, scheme and options give the same bytes: anything else is partial.
        Scenario s{args, quantizeMarkers(), target, out, [complete](const QByteArray& bytes) { return bytes == complete; }};
        if (auto store = Store::open(m_db)) {
            QString error;
            [&] { QVERIFY2(dumpDatabase(**store, &m_before, &error), qPrintable(error)); }();
        }
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString demo = test::demoDir();
        QVERIFY2(!demo.isEmpty(), "the demo_workspace fixture must run first");
        m_model = demo + QLatin1String("/fashion_cnn.pt");
        m_calib = demo + QLatin1String("/fashion_calib.pt");
        m_db = m_dir.filePath(QStringLiteral("runs.sqlite"));
        // Loading the demo model takes milliseconds; this one (34 MB) takes long enough to be
        // killed at different moments of its load.
        m_big = m_dir.filePath(QStringLiteral("big.pt"));
        auto big = modelfactory::mlp({1024, 2048, 2048, 1024});
        QVERIFY(big && big->save(m_big).ok());
        // Earlier runs that every kill must leave alone: a benchmark and a quantization, complete.
        auto r = runCli(benchArgs(m_model, {QStringLiteral("--min-iters"), QStringLiteral("5"), QStringLiteral("--min-time"),
                                            QStringLiteral("0.1"), QStringLiteral("--warmup"), QStringLiteral("2"), QStringLiteral("--db"), m_db}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto store = Store::open(m_db);
        QVERIFY(store);
        QString error;
        QVERIFY2(dumpDatabase(**store, &m_before, &error), qPrintable(error));
        QCOMPARE(*(*store)->runCount(), 1);
    }

    // The load of the big model, a timed warmup, a steady state of a second.
    void killedDuringBenchmark_data()
    {
        QTest::addColumn<bool>("big");
        QTest::addColumn<QString>("options");
        QTest::newRow("load") << true << QStringLiteral("--input 1x1024 --warmup 2 --min-iters 5 --min-time 0.2");
        QTest::newRow("warmup") << false << QStringLiteral("--warmup 1s --min-iters 5 --min-time 0.2");
        QTest::newRow("steady") << false << QStringLiteral("--warmup 2 --min-iters 5 --min-time 1 --max-time 5");
    }

    void killedDuringBenchmark()
    {
        QFETCH(bool, big);
        QFETCH(QString, options);
        killRepeatedly(Scenario{benchArgs(big ? m_big : m_model, options.split(QLatin1Char(' '))), benchMarkers(),
                                QString::fromLatin1(QTest::currentDataTag()), {}, {}});
    }

    void killedWhileCalibrating()
    {
        const Scenario s = quantizeScenario(QStringLiteral("calibrate"));
        if (!QTest::currentTestFailed())
            killRepeatedly(s);
    }

    // Converting, saving the artifact, measuring its fidelity, recording the run: the moments
    // around the artifact's write.
    void killedWhileSaving()
    {
        const Scenario s = quantizeScenario(QStringLiteral("convert"));
        if (!QTest::currentTestFailed())
            killRepeatedly(s, kKills / 2);
        qInfo("kills after the artifact was complete: %d; temporary files of interrupted artifact writes removed: %d",
              m_wholeArtifacts, m_leftoverTemps);
    }

    // A PDF report of stored runs (the quantizations above against the first benchmark): read
    // the database, render, write the file. A PDF is whole when it ends with its %%EOF marker.
    void killedWhileExporting()
    {
        auto store = Store::open(m_db);
        QVERIFY(store);
        RunFilter complete;
        complete.status = RunStatus::Complete;
        auto runs = (*store)->listRuns(complete);
        QVERIFY(runs);
        QStringList quantized;
        qint64 baseline = 0;
        for (const RunSummary& r : *runs) {
            if (r.kind == QLatin1String("quantize") && quantized.size() < 3)
                quantized << QString::number(r.id);
            else if (r.kind == QLatin1String("bench"))
                baseline = r.id; // newest first: ends at the oldest
        }
        QVERIFY(baseline > 0 && !quantized.isEmpty());
        store->reset();
        const QString out = m_dir.filePath(QStringLiteral("reports/comparison.pdf"));
        QVERIFY(QDir().mkpath(QFileInfo(out).absolutePath()));
        Scenario s{{QStringLiteral("report"), QStringLiteral("--runs"), quantized.join(QLatin1Char(',')), QStringLiteral("--baseline"),
                    QString::number(baseline), QStringLiteral("--out"), out},
                   {{QRegularExpression(QStringLiteral("^Writing the")), QStringLiteral("export")}},
                   QStringLiteral("export"),
                   out,
                   [](const QByteArray& bytes) { return bytes.startsWith("%PDF-") && bytes.right(16).contains("%%EOF"); },
                   false};
        m_wholeArtifacts = m_leftoverTemps = 0;
        killRepeatedly(s);
        qInfo("kills after the report was complete: %d; temporary files of interrupted writes removed: %d", m_wholeArtifacts,
              m_leftoverTemps);
    }

    void cleanupTestCase()
    {
        qInfo("%d kills checked", m_checked);
    }
};

int main(int argc, char** argv)
{
    // Over a hundred processes started and killed: minutes on a loaded machine, longer than
    // Qt Test's default 5 minutes (CTest's own timeout still applies).
    qputenv("QTEST_FUNCTION_TIMEOUT", "1500000");
    QCoreApplication app(argc, argv);
    TestCliCrashSafety test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_cli_crashsafety.moc"
