// SPDX-License-Identifier: GPL-3.0-or-later
// Export files: round trip through JSON and between databases, deduplication on re-import,
// and a clear refusal of every kind of bad file.
#include "core/store/runexchange.h"
#include "core/store/sqliteconnection_p.h"
#include "core/store/store.h"
#include "tests/support/runfixtures.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <functional>

using namespace qs;

namespace {

using Mutation = std::function<void(QJsonObject& root)>;

QJsonObject firstRun(const QJsonObject& root)
{
    return root.value(QLatin1String("runs")).toArray().first().toObject();
}

/// Applies \a f to runs[0].
Mutation onRun(std::function<void(QJsonObject&)> f)
{
    return [f](QJsonObject& root) {
        QJsonArray runs = root.value(QLatin1String("runs")).toArray();
        QJsonObject run = runs.first().toObject();
        f(run);
        runs[0] = run;
        root.insert(QStringLiteral("runs"), runs);
    };
}

/// Applies \a f to the object at runs[0].<key>.
Mutation onRunObject(const QString& key, std::function<void(QJsonObject&)> f)
{
    return onRun([key, f](QJsonObject& run) {
        QJsonObject o = run.value(key).toObject();
        f(o);
        run.insert(key, o);
    });
}

struct BadCase
{
    const char* name;
    Mutation mutate;
    const char* expected;
};

const std::vector<BadCase>& badCases()
{
    static const std::vector<BadCase> cases{
        {"format missing", [](QJsonObject& r) { r.remove(QStringLiteral("format")); }, "\"format\" is missing"},
        {"other format", [](QJsonObject& r) { r.insert(QStringLiteral("format"), QStringLiteral("perf-data")); }, "\"format\" is \"perf-data\""},
        {"newer version", [](QJsonObject& r) { r.insert(QStringLiteral("version"), 7); }, "export format version 7"},
        {"version missing", [](QJsonObject& r) { r.remove(QStringLiteral("version")); }, "version is missing"},
        {"version text", [](QJsonObject& r) { r.insert(QStringLiteral("version"), QStringLiteral("1")); }, "version must be a whole number"},
        {"version fraction", [](QJsonObject& r) { r.insert(QStringLiteral("version"), 1.5); }, "version must be a whole number"},
        {"kind unknown", [](QJsonObject& r) { r.insert(QStringLiteral("kind"), QStringLiteral("movie")); }, "kind must be \"runs\" or \"comparison\""},
        {"runs missing", [](QJsonObject& r) { r.remove(QStringLiteral("runs")); }, "runs is missing"},
        {"runs not a list", [](QJsonObject& r) { r.insert(QStringLiteral("runs"), QJsonObject()); }, "runs must be a list"},
        {"run not an object", [](QJsonObject& r) { r.insert(QStringLiteral("runs"), QJsonArray{42}); }, "runs[0] must be an object"},
        {"uuid missing", onRun([](QJsonObject& o) { o.remove(QStringLiteral("uuid")); }), "runs[0].uuid is missing"},
        {"uuid malformed", onRun([](QJsonObject& o) { o.insert(QStringLiteral("uuid"), QStringLiteral("run-1")); }), "runs[0].uuid must be a UUID"},
        {"uuid a number", onRun([](QJsonObject& o) { o.insert(QStringLiteral("uuid"), 12); }), "runs[0].uuid must be text, found 12"},
        {"kind empty", onRun([](QJsonObject& o) { o.insert(QStringLiteral("kind"), QString()); }), "runs[0].kind must not be empty"},
        {"status unknown", onRun([](QJsonObject& o) { o.insert(QStringLiteral("status"), QStringLiteral("done")); }), "runs[0].status must be one of"},
        {"started missing", onRun([](QJsonObject& o) { o.remove(QStringLiteral("started")); }), "runs[0].started is missing"},
        {"started garbage", onRun([](QJsonObject& o) { o.insert(QStringLiteral("started"), QStringLiteral("yesterday")); }), "runs[0].started must be an ISO 8601"},
        {"model missing", onRun([](QJsonObject& o) { o.remove(QStringLiteral("model")); }), "runs[0].model is missing"},
        {"model a list", onRun([](QJsonObject& o) { o.insert(QStringLiteral("model"), QJsonArray()); }), "runs[0].model must be an object"},
        {"model path missing", onRunObject(QStringLiteral("model"), [](QJsonObject& m) { m.remove(QStringLiteral("path")); }), "runs[0].model.path is missing"},
        {"model sha256 bad", onRunObject(QStringLiteral("model"), [](QJsonObject& m) { m.insert(QStringLiteral("sha256"), QStringLiteral("xyz")); }), "runs[0].model.sha256 must be 64 hexadecimal"},
        {"model params negative", onRunObject(QStringLiteral("model"), [](QJsonObject& m) { m.insert(QStringLiteral("params"), -5); }), "runs[0].model.params must be a whole number of at least 0"},
        {"variant scheme missing", onRunObject(QStringLiteral("variant"), [](QJsonObject& v) { v.remove(QStringLiteral("scheme")); }), "runs[0].variant.scheme is missing"},
        {"variant bytes text", onRunObject(QStringLiteral("variant"), [](QJsonObject& v) { v.insert(QStringLiteral("artifact_bytes"), QStringLiteral("4 MB")); }), "runs[0].variant.artifact_bytes must be a whole number"},
        {"config a list", onRun([](QJsonObject& o) { o.insert(QStringLiteral("config"), QJsonArray{1}); }), "runs[0].config must be an object"},
        {"metric text", onRunObject(QStringLiteral("metrics"), [](QJsonObject& m) { m.insert(QStringLiteral("latency_p50_ms"), QStringLiteral("fast")); }), "runs[0].metrics.latency_p50_ms must be a number"},
        {"latency text sample", onRun([](QJsonObject& o) {
             QJsonArray a = o.value(QLatin1String("latency_ns")).toArray();
             a[3] = QStringLiteral("1ms");
             o.insert(QStringLiteral("latency_ns"), a);
         }), "runs[0].latency_ns[3] must be a whole number"},
        {"latency negative", onRun([](QJsonObject& o) {
             QJsonArray a = o.value(QLatin1String("latency_ns")).toArray();
             a[0] = -1;
             o.insert(QStringLiteral("latency_ns"), a);
         }), "runs[0].latency_ns[0] must be a whole number of at least 0"},
        {"latency cut short", onRun([](QJsonObject& o) {
             QJsonArray a = o.value(QLatin1String("latency_ns")).toArray();
             a.removeLast();
             o.insert(QStringLiteral("latency_ns"), a);
         }), "latency_count says"},
        {"memory columns differ", onRunObject(QStringLiteral("memory"), [](QJsonObject& m) {
             QJsonArray a = m.value(QLatin1String("anon_bytes")).toArray();
             a.removeLast();
             m.insert(QStringLiteral("anon_bytes"), a);
         }), "runs[0].memory has lists of different lengths"},
        {"memory count wrong", onRunObject(QStringLiteral("memory"), [](QJsonObject& m) { m.insert(QStringLiteral("count"), 3); }), "count says 3"},
        {"memory time backwards", onRunObject(QStringLiteral("memory"), [](QJsonObject& m) {
             QJsonArray a = m.value(QLatin1String("t_us")).toArray();
             a[5] = 0;
             m.insert(QStringLiteral("t_us"), a);
         }), "runs[0].memory.t_us[5] goes back in time"},
        {"marker without phase", onRunObject(QStringLiteral("memory"), [](QJsonObject& m) {
             m.insert(QStringLiteral("markers"), QJsonArray{QJsonObject{{QStringLiteral("t_ms"), 5}}});
         }), "runs[0].memory.markers[0].phase is missing"},
        {"marker unknown phase", onRunObject(QStringLiteral("memory"), [](QJsonObject& m) {
             m.insert(QStringLiteral("markers"), QJsonArray{QJsonObject{{QStringLiteral("t_ms"), 5}, {QStringLiteral("phase"), QStringLiteral("lunch")}}});
         }), "runs[0].memory.markers[0].phase must be load, first_inference"},
        {"warmup cut short", onRun([](QJsonObject& o) { o.insert(QStringLiteral("warmup_count"), 99); }), "warmup_count says 99"},
        {"layer not an object", onRun([](QJsonObject& o) { o.insert(QStringLiteral("layers"), QJsonArray{QStringLiteral("conv1")}); }), "runs[0].layers[0] must be an object"},
        {"tag a number", onRun([](QJsonObject& o) { o.insert(QStringLiteral("tags"), QJsonArray{1}); }), "runs[0].tags[0] must be a non-empty text"},
        {"note a number", onRun([](QJsonObject& o) { o.insert(QStringLiteral("note"), 3); }), "runs[0].note must be text"},
        {"duplicate uuid", [](QJsonObject& r) {
             QJsonArray runs = r.value(QLatin1String("runs")).toArray();
             runs.append(runs.first());
             r.insert(QStringLiteral("runs"), runs);
         }, "runs[2].uuid repeats the UUID"},
        {"baseline not in file", [](QJsonObject& r) { r.insert(QStringLiteral("baseline"), QStringLiteral("00000000-0000-4000-8000-000000000000")); }, "baseline names the run"},
        {"comparison without baseline", [](QJsonObject& r) { r.insert(QStringLiteral("kind"), QStringLiteral("comparison")); }, "baseline is missing"},
    };
    return cases;
}

exchange::RunFile sampleFile()
{
    exchange::RunFile file;
    file.runs << test::makeRun(1, 500, 200) << test::makeEvalRun(1, 90.1);
    file.runs[0].tags << QStringLiteral("<b>tag</b>");
    file.runs[0].note = QStringLiteral("note with \"quotes\" and ünïcödé");
    return file;
}

} // namespace

class TestRunExchange : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void jsonRoundTrip()
    {
        const exchange::RunFile file = sampleFile();
        const QByteArray bytes = exchange::toBytes(file);
        auto back = exchange::fromBytes(bytes, QStringLiteral("x.json"));
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
        QCOMPARE(back->runs.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const RunRecord &a = file.runs[i], &b = back->runs[i];
            QCOMPARE(b.uuid, a.uuid);
            QCOMPARE(b.kind, a.kind);
            QCOMPARE(b.started, a.started);
            QCOMPARE(b.finished, a.finished);
            QCOMPARE(b.fingerprint, a.fingerprint);
            QCOMPARE(b.config, a.config);
            QCOMPARE(b.metrics, a.metrics);
            QCOMPARE(b.latencyMs, a.latencyMs);
            QCOMPARE(b.warmupMs, a.warmupMs);
            QCOMPARE(b.memory.tUs, a.memory.tUs);
            QCOMPARE(b.memory.anonBytes, a.memory.anonBytes);
            QCOMPARE(b.memory.fileBytes, a.memory.fileBytes);
            QCOMPARE(b.memory.markers, a.memory.markers);
            QCOMPARE(b.memory.hz, a.memory.hz);
            QCOMPARE(b.evaluation, a.evaluation);
            QCOMPARE(b.layers.size(), a.layers.size());
            QCOMPARE(b.tags, a.tags);
            QCOMPARE(b.note, a.note);
            QCOMPARE(b.model.sha256, a.model.sha256);
            QCOMPARE(b.variant.artifactBytes, a.variant.artifactBytes);
        }
        // The documented top-level keys.
        const QJsonObject root = QJsonDocument::fromJson(bytes).object();
        QCOMPARE(root.value(QLatin1String("format")).toString(), QStringLiteral("quantscope-runs"));
        QCOMPARE(root.value(QLatin1String("version")).toInt(), exchange::kVersion);
        QCOMPARE(root.value(QLatin1String("kind")).toString(), QStringLiteral("runs"));
        for (const char* key : {"uuid", "kind", "status", "started", "model", "variant", "config", "fingerprint", "metrics",
                                "latency_ns", "latency_count", "warmup_ns", "warmup_count", "memory", "evaluation", "layers", "tags", "note"})
            QVERIFY2(firstRun(root).contains(QLatin1String(key)), key);
    }

    void importIntoAnotherDatabase()
    {
        // Runs made on one machine (database A), exported, imported into B twice.
        auto a = Store::open(m_dir.filePath(QStringLiteral("a.sqlite")));
        QVector<qint64> ids;
        exchange::RunFile file;
        for (int i = 0; i < 3; ++i) {
            RunRecord r = test::makeRun(50 + i, 1000, 400, i ? QStringLiteral("static-int8") : QStringLiteral("fp32"));
            QVERIFY((*a)->recordRun(r));
            file.runs << *(*a)->loadRun(r.id);
        }
        RunRecord running = test::makeRun(60, 0, 0);
        QVERIFY((*a)->beginRun(running));
        file.runs << *(*a)->loadRun(running.id);
        file.baselineUuid = file.runs.first().uuid;
        const QString path = m_dir.filePath(QStringLiteral("comparison.json"));
        QVERIFY(exchange::writeFile(path, file));
        QVERIFY(QFile::exists(path));

        auto parsed = exchange::readFile(path);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
        QCOMPARE(parsed->baselineUuid, file.baselineUuid);
        auto b = Store::open(m_dir.filePath(QStringLiteral("b.sqlite")));
        // Something already in B stays.
        RunRecord local = test::makeRun(99, 10, 10);
        QVERIFY((*b)->recordRun(local));
        auto first = (*b)->importRuns(parsed->runs);
        QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
        QCOMPARE(first->added.size(), 4);
        QCOMPARE(first->present.size(), 0);
        QCOMPARE(first->interrupted, 1);
        auto second = (*b)->importRuns(parsed->runs);
        QVERIFY(second);
        QCOMPARE(second->added.size(), 0);
        QCOMPARE(second->present, first->added);
        QCOMPARE(*(*b)->runCount(), 5);
        for (int i = 0; i < 3; ++i) {
            const RunRecord& orig = file.runs[i];
            auto copy = (*b)->loadRun(first->added[i]);
            QVERIFY(copy);
            QCOMPARE(copy->uuid, orig.uuid);
            QCOMPARE(copy->latencyMs, orig.latencyMs);
            QVERIFY(copy->memory.anonBytes == orig.memory.anonBytes);
            QCOMPARE(copy->fingerprint, orig.fingerprint);
            QCOMPARE(copy->metrics, orig.metrics);
            QCOMPARE(copy->status, RunStatus::Complete);
        }
        QCOMPARE((*b)->loadRun(first->added[3])->status, RunStatus::Interrupted);
        QVERIFY((*b)->listRuns()->first().imported || (*b)->listRuns()->last().imported);
        // Same model file: one model row, variants per scheme.
        QCOMPARE((*b)->connection().scalar(QStringLiteral("SELECT count(*) FROM variants WHERE model_id = (SELECT model_id FROM variants "
                                                          "WHERE scheme = 'static-int8')"), QStringLiteral("t"))->toInt(), 2);
    }

    void badFiles_data()
    {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < badCases().size(); ++i)
            QTest::newRow(badCases()[i].name) << int(i);
    }

    void badFiles()
    {
        QFETCH(int, index);
        const BadCase& bad = badCases()[size_t(index)];
        QJsonObject root = QJsonDocument::fromJson(exchange::toBytes(sampleFile())).object();
        bad.mutate(root);
        auto r = exchange::fromBytes(QJsonDocument(root).toJson(), QStringLiteral("/tmp/shared/runs.json"));
        QVERIFY(!r);
        QCOMPARE(r.error().kind, Error::Kind::BadInput);
        QVERIFY2(r.error().message.contains(QLatin1String(bad.expected)), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(QStringLiteral("runs.json")), qPrintable(r.error().message));
        QVERIFY(r.error().message.contains(QStringLiteral("Nothing was imported")) || r.error().message.contains(QStringLiteral("nothing was changed")));
    }

    void notJson_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const QByteArray good = exchange::toBytes(sampleFile());
        QTest::newRow("empty") << QByteArray() << "not valid JSON";
        QTest::newRow("truncated") << good.left(good.size() / 2) << "not valid JSON";
        QTest::newRow("array") << QByteArray("[1,2]") << "not an object";
        QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n", 8) << "not valid JSON";
        QTest::newRow("deep nesting") << QByteArray(100000, '[') << "not valid JSON";
    }

    void notJson()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        auto r = exchange::fromBytes(bytes, QStringLiteral("runs.json"));
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(expected), qPrintable(r.error().message));
    }

    void readFileErrors()
    {
        QVERIFY(exchange::readFile(m_dir.filePath(QStringLiteral("nope.json"))).error().message.contains(QStringLiteral("does not exist")));
        QVERIFY(exchange::readFile(m_dir.path()).error().message.contains(QStringLiteral("is a folder")));
    }

    void exportNeverLeavesHalfFiles()
    {
        const exchange::RunFile file = sampleFile();
        // A folder that does not exist, a folder in place of the file.
        Status st = exchange::writeFile(m_dir.filePath(QStringLiteral("missing/x.json")), file);
        QVERIFY(!st);
        QCOMPARE(st.error().kind, Error::Kind::Io);
        QVERIFY(st.error().message.contains(QStringLiteral("does not exist")));
        QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("adir")));
        st = exchange::writeFile(m_dir.filePath(QStringLiteral("adir")), file);
        QVERIFY(!st);
        QVERIFY(st.error().message.contains(QStringLiteral("is a folder")));
        // An existing file is replaced whole.
        const QString path = m_dir.filePath(QStringLiteral("replace.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("old");
        f.close();
        QVERIFY(exchange::writeFile(path, file));
        QVERIFY(exchange::readFile(path));
        const QStringList leftovers = QDir(m_dir.path()).entryList(QDir::Files | QDir::Hidden);
        for (const QString& name : leftovers)
            QVERIFY2(!name.contains(QLatin1String(".new")) && !name.startsWith(QLatin1Char('.')), qPrintable(name));
    }
};

QTEST_GUILESS_MAIN(TestRunExchange)
#include "tst_runexchange.moc"
