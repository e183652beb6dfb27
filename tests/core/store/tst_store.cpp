// SPDX-License-Identifier: GPL-3.0-or-later
// The run database on real SQLite files: schema, recording, listing, edits, migrations and
// files we must refuse without touching them.
#include "core/store/schema_p.h"
#include "core/store/sqliteconnection_p.h"
#include "core/store/store.h"
#include "tests/support/runfixtures.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlQuery>
#include <QtTest/QtTest>

#include <csignal>
#include <sys/resource.h>

using namespace qs;

namespace {

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

QString pragma(const Store& store, const QString& name)
{
    auto v = store.connection().scalar(QStringLiteral("PRAGMA %1").arg(name), QStringLiteral("test"));
    return v ? v->toString() : QStringLiteral("error: ") + v.error().message;
}

void compareRuns(const RunRecord& a, const RunRecord& b)
{
    QCOMPARE(a.uuid, b.uuid);
    QCOMPARE(a.kind, b.kind);
    QCOMPARE(a.status, b.status);
    QCOMPARE(a.error, b.error);
    QCOMPARE(a.started, b.started);
    QCOMPARE(a.finished, b.finished);
    QCOMPARE(a.model.path, b.model.path);
    QCOMPARE(a.model.sha256, b.model.sha256);
    QCOMPARE(a.model.params, b.model.params);
    QCOMPARE(a.model.fileBytes, b.model.fileBytes);
    QCOMPARE(a.variant.scheme, b.variant.scheme);
    QCOMPARE(a.variant.engine, b.variant.engine);
    QCOMPARE(a.variant.options, b.variant.options);
    QCOMPARE(a.variant.artifactBytes, b.variant.artifactBytes);
    QCOMPARE(a.variant.coverage, b.variant.coverage);
    QCOMPARE(a.config, b.config);
    QCOMPARE(a.fingerprint, b.fingerprint);
    QCOMPARE(a.result, b.result);
    QCOMPARE(a.metrics, b.metrics);
    QCOMPARE(a.latencyMs, b.latencyMs); // exact: whole ns / 1e6 survive the ns BLOB
    QCOMPARE(a.warmupMs, b.warmupMs);
    QCOMPARE(a.memory.tUs, b.memory.tUs);
    QCOMPARE(a.memory.anonBytes, b.memory.anonBytes);
    QCOMPARE(a.memory.fileBytes, b.memory.fileBytes);
    QCOMPARE(a.memory.markers, b.memory.markers);
    QCOMPARE(a.memory.hz, b.memory.hz);
    QCOMPARE(a.memory.source, b.memory.source);
    QCOMPARE(a.evaluation, b.evaluation);
    QCOMPARE(a.layers.size(), b.layers.size());
    for (int i = 0; i < a.layers.size(); ++i) {
        QCOMPARE(a.layers[i].name, b.layers[i].name);
        QCOMPARE(a.layers[i].data, b.layers[i].data);
    }
    QStringList ta = a.tags, tb = b.tags;
    ta.sort();
    tb.sort();
    QCOMPARE(ta, tb);
    QCOMPARE(a.note, b.note);
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString freshPath() { return m_dir.filePath(QStringLiteral("db%1.sqlite").arg(++m_n)); }

private Q_SLOTS:
    void createsSchema()
    {
        const QString path = freshPath();
        auto store = Store::open(path);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        QCOMPARE(pragma(**store, QStringLiteral("user_version")).toInt(), Store::schemaVersion());
        QCOMPARE(pragma(**store, QStringLiteral("application_id")).toInt(), detail::schema::kApplicationId);
        QCOMPARE(pragma(**store, QStringLiteral("journal_mode")), QStringLiteral("wal"));
        QCOMPARE(pragma(**store, QStringLiteral("foreign_keys")), QStringLiteral("1"));
        QCOMPARE(pragma(**store, QStringLiteral("integrity_check")), QStringLiteral("ok"));
        QCOMPARE(*(*store)->runCount(), 0);
        QCOMPARE(*Store::fileSchemaVersion(path), Store::schemaVersion());
        // Opening again neither migrates nor fails.
        store->reset();
        auto again = Store::open(path);
        QVERIFY(again);
    }

    void recordAndLoad()
    {
        auto store = Store::open(freshPath());
        QVERIFY(store);
        RunRecord run = test::makeRun(7, 5000, 3000);
        run.tags = QStringList{QStringLiteral("baseline"), QStringLiteral("ci")};
        run.note = QStringLiteral("first try\nsecond line");
        run.variant.options = QJsonObject{{QStringLiteral("observer"), QStringLiteral("histogram")}};
        QVERIFY((*store)->recordRun(run));
        QVERIFY(run.id > 0);
        auto loaded = (*store)->loadRun(run.id);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        compareRuns(*loaded, run);

        RunRecord eval = test::makeEvalRun(7, 89.9);
        eval.variant.options = run.variant.options;
        QVERIFY((*store)->recordRun(eval));
        auto loadedEval = (*store)->loadRun(eval.id);
        QVERIFY(loadedEval);
        compareRuns(*loadedEval, eval);
        // Same model and variant: stored once, found by the evaluation lookup.
        QCOMPARE(loadedEval->variant.id, loaded->variant.id);
        QCOMPARE(*(*store)->latestEvaluation(loaded->variant.id), eval.id);
    }

    void nonFiniteMetricsAreUnknown()
    {
        auto store = Store::open(freshPath());
        RunRecord run = test::makeRun(3, 10, 0);
        run.metrics.insert(QStringLiteral("nan_metric"), qQNaN());
        run.metrics.insert(QStringLiteral("inf_metric"), qInf());
        QVERIFY((*store)->recordRun(run));
        auto loaded = (*store)->loadRun(run.id);
        QVERIFY(!loaded->metrics.contains(QStringLiteral("nan_metric")));
        QVERIFY(!loaded->metrics.contains(QStringLiteral("inf_metric")));
        QVERIFY(loaded->memory.isEmpty());
    }

    void beginAndFinish()
    {
        const QString path = freshPath();
        auto store = Store::open(path);
        RunRecord run = test::makeRun(11, 100, 50);
        const RunRecord full = run;
        run.latencyMs.clear();
        run.warmupMs.clear();
        run.memory = {};
        run.metrics.clear();
        QVERIFY((*store)->beginRun(run));
        QVERIFY(run.id > 0);
        QCOMPARE(run.status, RunStatus::Running);

        // Another connection (as another window would) sees it running: its owner, this
        // process, is alive, so no sweep touches it.
        auto other = Store::open(path);
        QVERIFY(other);
        auto list = (*other)->listRuns();
        QCOMPARE(list->size(), 1);
        QCOMPARE(list->first().status, RunStatus::Running);
        QVERIFY(!list->first().finished.isValid());
        // ... and cannot delete it.
        const Status del = (*other)->deleteRuns({run.id});
        QVERIFY(!del);
        QVERIFY2(del.error().message.contains(QStringLiteral("still running")), qPrintable(del.error().message));

        // A tag added while it runs survives the finish.
        QVERIFY((*other)->addTags({run.id}, {QStringLiteral("while-running")}));
        run.status = RunStatus::Complete;
        run.latencyMs = full.latencyMs;
        run.memory = full.memory;
        run.metrics = full.metrics;
        QVERIFY((*store)->finishRun(run));
        auto loaded = (*other)->loadRun(run.id);
        QCOMPARE(loaded->status, RunStatus::Complete);
        QVERIFY(loaded->finished.isValid());
        QCOMPARE(loaded->latencyMs, full.latencyMs);
        QCOMPARE(loaded->tags, QStringList{QStringLiteral("while-running")});

        // Failed runs keep their error text.
        RunRecord failed = test::makeRun(12, 0, 0);
        QVERIFY((*store)->beginRun(failed));
        failed.status = RunStatus::Failed;
        failed.error = QStringLiteral("forward() threw: shape mismatch");
        QVERIFY((*store)->finishRun(failed));
        QCOMPARE((*store)->loadRun(failed.id)->error, failed.error);
        QCOMPARE((*store)->loadRun(failed.id)->status, RunStatus::Failed);
    }

    void staleRunningRowsAreInterrupted()
    {
        const QString path = freshPath();
        auto store = Store::open(path);
        RunRecord done = test::makeRun(20, 50, 20);
        QVERIFY((*store)->recordRun(done));
        RunRecord run = test::makeRun(21, 0, 0);
        QVERIFY((*store)->beginRun(run));
        // Make the owner a process that is gone: pid 0 never names a process; and another
        // whose start time does not match (pid reuse).
        QVERIFY((*store)->connection().exec(QStringLiteral("UPDATE runs SET owner_pid = 999999999 WHERE id = ?"), {run.id}, QStringLiteral("test")));
        RunRecord reused = test::makeRun(22, 0, 0);
        QVERIFY((*store)->beginRun(reused));
        QVERIFY((*store)->connection().exec(QStringLiteral("UPDATE runs SET owner_start = owner_start + 1 WHERE id = ?"), {reused.id}, QStringLiteral("test")));
        store->reset();

        // A read-only open shows them as interrupted without writing ...
        auto ro = Store::open(path, {true, false, 5000});
        QVERIFY2(ro, qPrintable(ro ? QString() : ro.error().message));
        auto list = (*ro)->listRuns();
        for (const RunSummary& s : *list)
            QCOMPARE(s.status, s.id == done.id ? RunStatus::Complete : RunStatus::Interrupted);
        auto raw = (*ro)->connection().scalar(QStringLiteral("SELECT count(*) FROM runs WHERE status = 'running'"), QStringLiteral("test"));
        QCOMPARE(raw->toInt(), 2);
        ro->reset();

        // ... and a writable open records it, with a reason.
        auto rw = Store::open(path);
        raw = (*rw)->connection().scalar(QStringLiteral("SELECT count(*) FROM runs WHERE status = 'interrupted'"), QStringLiteral("test"));
        QCOMPARE(raw->toInt(), 2);
        auto loaded = (*rw)->loadRun(run.id);
        QCOMPARE(loaded->status, RunStatus::Interrupted);
        QVERIFY(loaded->error.contains(QStringLiteral("ended before the run finished")));
        QVERIFY(!loaded->finished.isValid());
        RunSummary filtered = (*rw)->listRuns(RunFilter{{}, {}, {}, RunStatus::Interrupted, -1})->first();
        QVERIFY(filtered.id == run.id || filtered.id == reused.id);
        // The complete run is untouched.
        compareRuns(*(*rw)->loadRun(done.id), done);
        // Finishing a run someone marked interrupted is still possible (the producer was alive
        // after all, e.g. on a clock change); it becomes complete.
        loaded->status = RunStatus::Complete;
        QVERIFY((*rw)->finishRun(*loaded));
        QCOMPARE((*rw)->loadRun(run.id)->status, RunStatus::Complete);
    }

    void listingFilters()
    {
        auto store = Store::open(freshPath());
        QVector<qint64> ids;
        for (int i = 0; i < 6; ++i) {
            RunRecord r = test::makeRun(100 + i, 20, 10, i % 2 ? QStringLiteral("static-int8") : QStringLiteral("fp32"),
                                        i < 3 ? QStringLiteral("resnet.pt") : QStringLiteral("mlp_50%_done.pt"));
            if (i == 4)
                r.tags << QStringLiteral("release");
            if (i == 5)
                r.note = QStringLiteral("measured after the BIOS update");
            QVERIFY((*store)->recordRun(r));
            ids << r.id;
        }
        RunRecord eval = test::makeEvalRun(100, 91.0, QStringLiteral("fp32"), QStringLiteral("resnet.pt"));
        QVERIFY((*store)->recordRun(eval));

        auto all = (*store)->listRuns();
        QCOMPARE(all->size(), 7);
        // Newest first.
        for (int i = 1; i < all->size(); ++i)
            QVERIFY(all->at(i - 1).started >= all->at(i).started);
        const RunSummary& first = *std::find_if(all->begin(), all->end(), [&](const RunSummary& s) { return s.id == ids[1]; });
        QCOMPARE(first.scheme, QStringLiteral("static-int8"));
        QCOMPARE(first.label(), QStringLiteral("static-int8 (onednn)"));
        QVERIFY(first.metric(metric::LatencyP50Ms) > 0);
        QVERIFY(first.metric(metric::ThroughputPerS) > 0);
        QVERIFY(std::isnan(first.metric(metric::Top1)));
        QVERIFY(first.sizeBytes > 0);
        QCOMPARE(first.batch, 1 << (101 % 3));

        QCOMPARE((*store)->listRuns(RunFilter{QStringLiteral("resnet"), {}, {}, {}, -1})->size(), 4);
        // LIKE wildcards in the text are literal.
        QCOMPARE((*store)->listRuns(RunFilter{QStringLiteral("50%_"), {}, {}, {}, -1})->size(), 3);
        QCOMPARE((*store)->listRuns(RunFilter{QStringLiteral("BIOS"), {}, {}, {}, -1})->size(), 1);
        QCOMPARE((*store)->listRuns(RunFilter{QStringLiteral("relea"), {}, {}, {}, -1})->size(), 1);
        QCOMPARE((*store)->listRuns(RunFilter{{}, QStringLiteral("release"), {}, {}, -1})->size(), 1);
        QCOMPARE((*store)->listRuns(RunFilter{{}, QStringLiteral("relea"), {}, {}, -1})->size(), 0);
        QCOMPARE((*store)->listRuns(RunFilter{{}, {}, QStringLiteral("eval"), {}, -1})->size(), 1);
        QCOMPARE((*store)->listRuns(RunFilter{{}, {}, QStringLiteral("eval"), {}, -1})->first().metric(metric::Top1), 91.0);
        QCOMPARE((*store)->listRuns(RunFilter{{}, {}, {}, RunStatus::Complete, 2})->size(), 2);
        QCOMPARE((*store)->listRuns(RunFilter{{}, {}, {}, RunStatus::Failed, -1})->size(), 0);
    }

    void tagsNotesDelete()
    {
        auto store = Store::open(freshPath());
        RunRecord a = test::makeRun(1, 10, 10), b = test::makeRun(2, 10, 10, QStringLiteral("dynamic-int8"), QStringLiteral("other.pt"));
        QVERIFY((*store)->recordRun(a));
        QVERIFY((*store)->recordRun(b));
        QVERIFY((*store)->addTags({a.id, b.id}, {QStringLiteral("x"), QStringLiteral(" y ")}));
        QVERIFY((*store)->addTags({a.id}, {QStringLiteral("x")})); // twice: no duplicate
        QCOMPARE((*store)->loadRun(a.id)->tags, (QStringList{QStringLiteral("x"), QStringLiteral("y")}));
        QVERIFY((*store)->removeTags({a.id}, {QStringLiteral("x")}));
        QCOMPARE((*store)->loadRun(a.id)->tags, QStringList{QStringLiteral("y")});
        QVERIFY(!(*store)->addTags({a.id}, {QStringLiteral("  ")}));
        QVERIFY(!(*store)->addTags({9999}, {QStringLiteral("z")}));
        QVERIFY((*store)->setNote(a.id, QStringLiteral("<b>note</b>")));
        QCOMPARE((*store)->loadRun(a.id)->note, QStringLiteral("<b>note</b>"));
        QVERIFY(!(*store)->setNote(9999, QStringLiteral("x")));

        // Deleting an unknown id deletes nothing.
        Status st = (*store)->deleteRuns({a.id, 9999});
        QVERIFY(!st);
        QVERIFY(st.error().message.contains(QStringLiteral("9999")));
        QCOMPARE(*(*store)->runCount(), 2);
        QVERIFY((*store)->deleteRuns({b.id}));
        QCOMPARE(*(*store)->runCount(), 1);
        // b's model and variant went with it; a's stayed; child rows cascaded.
        const auto& c = (*store)->connection();
        QCOMPARE(c.scalar(QStringLiteral("SELECT count(*) FROM models"), QStringLiteral("t"))->toInt(), 1);
        QCOMPARE(c.scalar(QStringLiteral("SELECT count(*) FROM variants"), QStringLiteral("t"))->toInt(), 1);
        QCOMPARE(c.scalar(QStringLiteral("SELECT count(*) FROM metrics WHERE run_id = ?"), QStringLiteral("t"), {b.id})->toInt(), 0);
        QCOMPARE(c.scalar(QStringLiteral("SELECT count(*) FROM samples WHERE run_id = ?"), QStringLiteral("t"), {b.id})->toInt(), 0);
        QCOMPARE(c.scalar(QStringLiteral("SELECT count(*) FROM tags WHERE run_id = ?"), QStringLiteral("t"), {b.id})->toInt(), 0);
        QCOMPARE(c.scalar(QStringLiteral("PRAGMA foreign_key_check"), QStringLiteral("t"))->isNull(), true);
    }

    void findRun()
    {
        auto store = Store::open(freshPath());
        RunRecord a = test::makeRun(1, 1, 1);
        a.uuid = QStringLiteral("aaaa1111-0000-4000-8000-000000000001");
        RunRecord b = test::makeRun(2, 1, 1);
        b.uuid = QStringLiteral("aaaa2222-0000-4000-8000-000000000002");
        QVERIFY((*store)->recordRun(a));
        QVERIFY((*store)->recordRun(b));
        QCOMPARE(*(*store)->findRun(QString::number(a.id)), a.id);
        QCOMPARE(*(*store)->findRun(QStringLiteral("aaaa2")), b.id);
        QCOMPARE(*(*store)->findRun(QStringLiteral("AAAA1111")), a.id);
        QCOMPARE(*(*store)->findRun(b.uuid), b.id);
        RunRecord digits = test::makeRun(3, 1, 1);
        digits.uuid = QStringLiteral("31415926-0000-4000-8000-000000000003");
        QVERIFY((*store)->recordRun(digits));
        QCOMPARE(*(*store)->findRun(QStringLiteral("31415926")), digits.id); // no run has that number
        QCOMPARE(*(*store)->findRun(QString::number(digits.id)), digits.id);
        auto ambiguous = (*store)->findRun(QStringLiteral("aaaa"));
        QVERIFY(!ambiguous);
        QVERIFY(ambiguous.error().message.contains(QStringLiteral("Several runs")));
        QVERIFY(!(*store)->findRun(QStringLiteral("77")));
        QVERIFY(!(*store)->findRun(QStringLiteral("bbbb")));
        auto junk = (*store)->findRun(QStringLiteral("'; DROP TABLE runs; --"));
        QVERIFY(!junk);
        QCOMPARE(junk.error().kind, Error::Kind::Usage);
        QCOMPARE(*(*store)->runCount(), 3);
    }

    void readOnlyStoreRefusesWrites()
    {
        const QString path = freshPath();
        {
            auto store = Store::open(path);
            RunRecord r = test::makeRun(5, 10, 10);
            QVERIFY((*store)->recordRun(r));
        }
        const QByteArray before = fileHash(path);
        auto ro = Store::open(path, {true, false, 5000});
        QVERIFY(ro);
        QVERIFY((*ro)->isReadOnly());
        QCOMPARE((*ro)->listRuns()->size(), 1);
        RunRecord r = test::makeRun(6, 10, 10);
        const Status st = (*ro)->recordRun(r);
        QVERIFY(!st);
        QCOMPARE(st.error().kind, Error::Kind::Database);
        QVERIFY2(st.error().message.contains(QStringLiteral("read-only")), qPrintable(st.error().message));
        ro->reset();
        QCOMPARE(fileHash(path), before);
        // A missing file is not created by a read-only open.
        auto missing = Store::open(m_dir.filePath(QStringLiteral("missing.sqlite")), {true, false, 5000});
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(QStringLiteral("no run database")));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("missing.sqlite"))));
    }

    void migrations_data()
    {
        QTest::addColumn<int>("from");
        for (int v = 0; v < Store::schemaVersion(); ++v)
            QTest::addRow("from version %d", v) << v;
    }

    void migrations()
    {
        // A database left at every older version (as older builds made it, by the frozen steps)
        // opens, is upgraded in place, and keeps what it held.
        QFETCH(int, from);
        const QString path = freshPath();
        {
            auto c = detail::SqliteConnection::open(path, false, true, 5000);
            QVERIFY(c);
            if (from > 0) {
                QVERIFY((*c)->write([&] { return detail::schema::migrate(**c, 0, from); }, QStringLiteral("test")));
                // Rows as version 1 already had them.
                QVERIFY((*c)->execAll({QStringLiteral("INSERT INTO models (id, name, path, sha256, params, file_bytes, created_ms) "
                                                      "VALUES (1, 'old.pt', '/m/old.pt', '', 10, 100, 1)"),
                                       QStringLiteral("INSERT INTO variants (id, model_id, scheme, created_ms) VALUES (1, 1, 'fp32', 1)"),
                                       QStringLiteral("INSERT INTO runs (id, uuid, kind, variant_id, status, started_ms, finished_ms) "
                                                      "VALUES (1, '00000000-0000-4000-8000-000000000001', 'bench', 1, 'complete', 5, 6)"),
                                       QStringLiteral("INSERT INTO metrics VALUES (1, 'latency_p50_ms', 1.5)"),
                                       QStringLiteral("INSERT INTO tags VALUES (1, 'old')")},
                                      QStringLiteral("test")));
            }
        }
        auto store = Store::open(path);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        QCOMPARE(pragma(**store, QStringLiteral("user_version")).toInt(), Store::schemaVersion());
        QCOMPARE(pragma(**store, QStringLiteral("integrity_check")), QStringLiteral("ok"));
        if (from > 0) {
            auto old = (*store)->loadRun(1);
            QVERIFY(old);
            QCOMPARE(old->model.name, QStringLiteral("old.pt"));
            QCOMPARE(old->metric(metric::LatencyP50Ms), 1.5);
            QCOMPARE(old->tags, QStringList{QStringLiteral("old")});
        }
        // And the upgraded database takes new runs.
        RunRecord r = test::makeRun(1, 10, 10);
        QVERIFY((*store)->recordRun(r));
    }

    void refusedFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text file") << "text" << "is not a Quantscope run database";
        QTest::newRow("random bytes") << "random" << "is not a Quantscope run database";
        QTest::newRow("other program's database") << "foreign" << "SQLite database of another program";
        QTest::newRow("newer version") << "newer" << QStringLiteral("database version %1").arg(Store::schemaVersion() + 5);
        QTest::newRow("folder") << "folder" << "is a folder";
        QTest::newRow("missing folder") << "nofolder" << "does not exist";
    }

    void refusedFiles()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QString path = freshPath();
        if (kind == QLatin1String("text")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("model,latency\nresnet,1.2\n");
        } else if (kind == QLatin1String("random")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray junk(8192, '\0');
            for (int i = 0; i < junk.size(); ++i)
                junk[i] = char((i * 7919) % 251);
            f.write(junk);
        } else if (kind == QLatin1String("foreign") || kind == QLatin1String("newer")) {
            auto c = detail::SqliteConnection::open(path, false, true, 5000);
            QVERIFY(c);
            if (kind == QLatin1String("foreign")) {
                QVERIFY((*c)->execAll({QStringLiteral("CREATE TABLE contacts (name TEXT)"), QStringLiteral("INSERT INTO contacts VALUES ('x')")},
                                      QStringLiteral("test")));
            } else {
                QVERIFY((*c)->write([&] { return detail::schema::migrate(**c, 0, Store::schemaVersion()); }, QStringLiteral("test")));
                QVERIFY((*c)->execAll({QStringLiteral("PRAGMA user_version = %1").arg(Store::schemaVersion() + 5)}, QStringLiteral("test")));
            }
        } else if (kind == QLatin1String("folder")) {
            path = m_dir.path();
        } else if (kind == QLatin1String("nofolder")) {
            path = m_dir.filePath(QStringLiteral("no/such/folder/runs.sqlite"));
        }
        const QByteArray before = fileHash(path);
        auto store = Store::open(path);
        QVERIFY(!store);
        QCOMPARE(store.error().kind, Error::Kind::Database);
        QVERIFY2(store.error().message.contains(expected), qPrintable(store.error().message));
        QVERIFY2(store.error().message.contains(QFileInfo(path).fileName()), qPrintable(store.error().message));
        // Left untouched: same bytes, no WAL or journal created beside it.
        QCOMPARE(fileHash(path), before);
        if (kind != QLatin1String("folder"))
            QVERIFY(!QFile::exists(path + QLatin1String("-wal")));
    }

    void damagedDatabase()
    {
        const QString path = freshPath();
        {
            auto store = Store::open(path);
            for (int i = 0; i < 20; ++i) {
                RunRecord r = test::makeRun(i, 3000, 1000);
                QVERIFY((*store)->recordRun(r));
            }
            // Checkpoint so that the data pages are in the main file.
            QVERIFY((*store)->connection().execAll({QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")}, QStringLiteral("test")));
        }
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.size() > 64 * 1024);
            // Keep the header (page 1), trash pages 2..: b-tree pages become garbage.
            f.seek(4096);
            f.write(QByteArray(int(f.size() - 4096), '\x5a'));
        }
        auto store = Store::open(path);
        Error e;
        if (!store) {
            e = store.error();
        } else {
            auto list = (*store)->listRuns();
            QVERIFY(!list);
            e = list.error();
        }
        QCOMPARE(e.kind, Error::Kind::Database);
        QVERIFY2(e.message.contains(QStringLiteral("damaged")) || e.message.contains(QStringLiteral("not a Quantscope run database")),
                 qPrintable(e.message));
    }

    void lockedDatabaseGivesUpWithAClearMessage()
    {
        const QString path = freshPath();
        auto store = Store::open(path);
        QVERIFY(store);
        QVERIFY((*store)->setBusyTimeoutMs(300));
        // Another writer holds the write lock and does not let go.
        auto holder = detail::SqliteConnection::open(path, false, false, 5000);
        QVERIFY(holder);
        QVERIFY((*holder)->execAll({QStringLiteral("BEGIN EXCLUSIVE")}, QStringLiteral("test")));
        RunRecord r = test::makeRun(1, 10, 10);
        QElapsedTimer t;
        t.start();
        const Status st = (*store)->recordRun(r);
        QVERIFY(!st);
        QCOMPARE(st.error().kind, Error::Kind::Database);
        QVERIFY2(st.error().message.contains(QStringLiteral("busy")), qPrintable(st.error().message));
        QVERIFY(t.elapsed() >= 250);
        // Readers are not blocked by a writer in WAL mode.
        QVERIFY((*store)->listRuns());
        QVERIFY((*holder)->execAll({QStringLiteral("COMMIT")}, QStringLiteral("test")));
        QVERIFY((*store)->recordRun(r));
        QCOMPARE(*(*store)->runCount(), 1);
    }

    void fullDiskWhileRecording()
    {
        // The disk fills up while a big run is written: the write fails with a clear message,
        // the runs already stored are intact, and the database takes runs again afterwards.
        const QString path = freshPath();
        auto store = Store::open(path);
        QVERIFY(store);
        QVector<RunRecord> kept;
        for (quint32 seed = 1; seed <= 3; ++seed) {
            RunRecord r = test::makeRun(seed, 2000, 1000);
            QVERIFY((*store)->recordRun(r));
            kept << r;
        }
        QVERIFY((*store)->connection().execAll({QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")}, QStringLiteral("test")));
        // A file size limit just above the database's size fails the next writes with EFBIG,
        // as a full disk fails them with ENOSPC (SIGXFSZ ignored: the error instead of the signal).
        rlimit saved{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        const auto previous = ::signal(SIGXFSZ, SIG_IGN);
        rlimit small{rlim_t(QFileInfo(path).size() + 16 * 1024), saved.rlim_max};
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        RunRecord big = test::makeRun(9, 100'000, 60'000);
        const Status st = (*store)->recordRun(big);
        ::setrlimit(RLIMIT_FSIZE, &saved);
        ::signal(SIGXFSZ, previous);
        QVERIFY(!st);
        QCOMPARE(st.error().kind, Error::Kind::Database);
        QVERIFY2(st.error().message.contains(QFileInfo(path).fileName()), qPrintable(st.error().message));
        QVERIFY2(st.error().message.contains(QStringLiteral("disk")) || st.error().message.contains(QStringLiteral("full")),
                 qPrintable(st.error().message));
        // Nothing half-stored, nothing lost.
        QCOMPARE(*(*store)->runCount(), 3);
        QVERIFY(!(*store)->findRun(big.uuid));
        for (const RunRecord& r : kept) {
            auto back = (*store)->loadRun(r.id);
            QVERIFY(back);
            compareRuns(*back, r);
        }
        QCOMPARE(pragma(**store, QStringLiteral("integrity_check")), QStringLiteral("ok"));
        store->reset();
        auto reopened = Store::open(path);
        QVERIFY(reopened);
        QCOMPARE(*(*reopened)->runCount(), 3);
        RunRecord after = test::makeRun(10, 100, 100);
        QVERIFY((*reopened)->recordRun(after));
    }

    void otherThreadIsRefused()
    {
        auto store = Store::open(freshPath());
        bool ok = true;
        Error err;
        QThread* t = QThread::create([&] {
            auto r = (*store)->runCount();
            ok = r.ok();
            if (!ok)
                err = r.error();
        });
        t->start();
        t->wait();
        delete t;
        QVERIFY(!ok);
        QCOMPARE(err.kind, Error::Kind::Internal);
        QVERIFY(err.message.contains(QStringLiteral("thread")));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
