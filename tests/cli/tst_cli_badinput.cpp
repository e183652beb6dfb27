// SPDX-License-Identifier: GPL-3.0-or-later
// The bad-input table (docs/bad-input.md), row by row: quantscope-cli on bad models, inputs,
// calibration and evaluation data, databases and export files. Each row checks the exit code, the
// words of the message the user sees, that nothing crashed, and what is kept (no half-written
// output, the database and the user's files unchanged). The rows' names are the table's.
#include "core/store/runexchange.h"
#include "core/store/sqliteconnection_p.h"
#include "core/store/store.h"
#include "tests/support/runfixtures.h"
#include "tests/support/testsupport.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QtTest>

using namespace qs;
using test::TestTensor;

class TestCliBadInput : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_dir;
    QString m_demo;
    QString m_db;

    QString at(const QString& name) const { return m_dir + QLatin1Char('/') + name; }
    QString expand(QString s) const
    {
        return s.replace(QLatin1String("@model"), m_demo + QLatin1String("/fashion_cnn.pt"))
            .replace(QLatin1String("@calib"), m_demo + QLatin1String("/fashion_calib.pt"))
            .replace(QLatin1String("@test"), m_demo + QLatin1String("/fashion_test.pt"))
            .replace(QLatin1String("@db"), m_db)
            .replace(QLatin1String("@/"), m_dir + QLatin1Char('/'));
    }
    static QByteArray hashOf(const QString& path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
    }
    static int runCount(const QString& db)
    {
        Store::Options o;
        o.readOnly = true;
        o.create = false;
        auto store = Store::open(db, o);
        if (!store)
            return -1;
        auto n = (*store)->runCount();
        return n ? *n : -1;
    }
    static void writeImage(const QString& path, int w, int h)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QImage img(w, h, QImage::Format_Grayscale8);
        img.fill(90);
        QVERIFY(img.save(path));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("QS_CLI").isEmpty());
        m_demo = test::demoDir();
        QVERIFY2(!m_demo.isEmpty(), "the demo_workspace fixture must run first");
        m_dir = m_tmp.path();
        const QString model = m_demo + QLatin1String("/fashion_cnn.pt");

        // Models.
        QVERIFY(test::writeBytes(at("empty.pt"), {}));
        QVERIFY(test::writeStateDict(at("weights.pth")));
        QVERIFY(test::writePickledModule(at("module.pt")));
        QVERIFY(test::writeOnnxHeader(at("net.onnx")));
        QVERIFY(test::writeTruncatedCopy(model, at("cut.pt"), 0.3));
        // A model whose code does not compile and whose debug records are cut short: LibTorch's
        // error text for it used to abort the CLI (found by fuzzing); now its records fail their
        // checks before LibTorch reads it.
        QVERIFY(QFile::copy(QStringLiteral(QS_FUZZ_REGRESSIONS_DIR "/modelloader/code-error-with-damaged-debug-pkl-aborts-in-noexcept-what"),
                            at("damaged_code.pt")));
        QVERIFY(test::writeBytes(at("legacy.pt"), QByteArray("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.\x80\x02", 17)));
        QVERIFY(test::writeBytes(at("notes.pt"), "these are my notes, not a model\n"));
        QVERIFY(test::writeScriptModule(at("throws.pt"),
                                        "def forward(self, x: Tensor) -> Tensor:\n"
                                        "    assert bool(x.sum() < -1.0e30), 'this model always fails'\n"
                                        "    return x\n"));
        // Input specs: a copy of the demo model next to a broken sidecar.
        QVERIFY(QDir().mkpath(at("badjson")) && QFile::copy(model, at("badjson/m.pt")));
        QVERIFY(test::writeBytes(at("badjson/m.json"), "{inputs: ["));
        QVERIFY(QDir().mkpath(at("negative")) && QFile::copy(model, at("negative/m.pt")));
        QVERIFY(test::writeBytes(at("negative/m.json"), R"({"inputs":[{"shape":[1,-2,28,28]}]})"));

        // Calibration and evaluation data.
        QVERIFY(test::writeTruncatedCopy(m_demo + QLatin1String("/fashion_calib.pt"), at("cut_data.pt"), 0.3));
        QVERIFY(test::writeInputs(at("wrong_shape.pt"), {20, 784}));
        QVERIFY(test::writeInputs(at("nan.pt"), {20, 1, 28, 28}, 1.0, -1, 0, QStringLiteral("float32"), true));
        QVERIFY(test::writePlainPickle(at("plain.pkl")));
        QVERIFY(test::writeTensorFile(at("label_count.pt"), {TestTensor{{4, 1, 28, 28}, QVector<double>(4 * 784, 0.1)}},
                                      TestTensor{{3}, {0, 1, 2}, QStringLiteral("int64")}));
        QVERIFY(test::writeTensorFile(at("negative_label.pt"), {TestTensor{{2, 1, 28, 28}, QVector<double>(2 * 784, 0.1)}},
                                      TestTensor{{2}, {3, -1}, QStringLiteral("int64")}));
        QVERIFY(test::writeTensorFile(at("float_labels.pt"), {TestTensor{{2, 1, 28, 28}, QVector<double>(2 * 784, 0.1)}},
                                      TestTensor{{2}, {0.5, 1}, QStringLiteral("float32")}));
        QVERIFY(QDir().mkpath(at("no_images/shirts")));
        QVERIFY(test::writeBytes(at("no_images/shirts/readme.txt"), "nothing here"));
        writeImage(at("broken_image/shirt/a.png"), 28, 28);
        QVERIFY(test::writeBytes(at("broken_image/shirt/b.png"), "\x89PNG\r\n\x1a\n but then nothing"));
        writeImage(at("sizes/shirt/a.png"), 28, 28);
        writeImage(at("sizes/shoe/b.png"), 32, 28);
        QVERIFY(test::writeBytes(at("cut-images-idx3-ubyte"), test::idxBytes(0x08, {10, 28, 28}, QByteArray(5 * 784, '\x10'))));
        QVERIFY(test::writeBytes(at("short-images-idx3-ubyte"), test::idxBytes(0x08, {3, 28, 28}, QByteArray(3 * 784, '\x10'))));
        QVERIFY(test::writeBytes(at("short-labels-idx1-ubyte"), test::idxBytes(0x08, {2}, QByteArray("\x01\x02", 2))));

        // The run database (with two runs) and files that are not one.
        m_db = at("runs.sqlite");
        {
            auto store = Store::open(m_db);
            QVERIFY(store);
            for (quint32 seed : {1u, 2u}) {
                RunRecord r = test::makeRun(seed, 50, 20);
                QVERIFY((*store)->recordRun(r));
            }
        }
        QVERIFY(test::writeBytes(at("notes.sqlite"), "my notes\n"));
        {
            auto store = Store::open(at("newer.sqlite"));
            QVERIFY(store);
            QVERIFY((*store)->connection().execAll({QStringLiteral("PRAGMA user_version = 99")}, QStringLiteral("test")));
        }
        {
            // A real database whose pages were overwritten in the middle (a bad disk, a bad copy).
            QVERIFY(QFile::copy(m_db, at("damaged.sqlite")));
            QFile f(at("damaged.sqlite"));
            QVERIFY(f.open(QIODevice::ReadWrite) && f.size() > 8192);
            f.seek(4096);
            f.write(QByteArray(f.size() - 4096, '\xa5'));
        }

        // Export files.
        exchange::RunFile file;
        file.runs << test::makeRun(7, 20, 10);
        const QByteArray good = exchange::toBytes(file);
        QVERIFY(test::writeBytes(at("cut.json"), good.left(good.size() / 2)));
        QJsonObject root = QJsonDocument::fromJson(good).object();
        QJsonArray runs = root.value(QLatin1String("runs")).toArray();
        QJsonObject run = runs.first().toObject();
        run.insert(QStringLiteral("status"), QStringLiteral("finished"));
        runs[0] = run;
        root.insert(QStringLiteral("runs"), runs);
        QVERIFY(test::writeBytes(at("bad_status.json"), QJsonDocument(root).toJson()));
        root = QJsonDocument::fromJson(good).object();
        root.insert(QStringLiteral("version"), 7);
        QVERIFY(test::writeBytes(at("newer.json"), QJsonDocument(root).toJson()));
        root = QJsonDocument::fromJson(good).object();
        run = root.value(QLatin1String("runs")).toArray().first().toObject();
        QJsonObject memory = run.value(QLatin1String("memory")).toObject();
        QJsonArray t = memory.value(QLatin1String("t_us")).toArray();
        t[5] = 1;
        memory.insert(QStringLiteral("t_us"), t);
        run.insert(QStringLiteral("memory"), memory);
        root.insert(QStringLiteral("runs"), QJsonArray{run});
        QVERIFY(test::writeBytes(at("backwards.json"), QJsonDocument(root).toJson()));
        QVERIFY(test::writeBytes(at("previous.json"), "the previous export\n"));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QStringList>("says");
        QTest::addColumn<QString>("keeps");
        // keeps: "absent:PATH" (nothing written under that name), "same:PATH" (the file is
        // unchanged), "runs+N" (N runs were added to the database @db: a failed run is recorded as
        // failed), "" (the database is unchanged too).
        auto row = [](const char* name, const QString& args, int code, const QStringList& says, const QString& keeps = {}) {
            QTest::newRow(name) << args.split(QLatin1Char(' '), Qt::SkipEmptyParts) << code << says << keeps;
        };
        // Models.
        row("model-missing", "inspect @/missing.pt", 3, {"missing.pt does not exist"});
        row("model-folder", "inspect @/badjson", 3, {"is a folder"});
        row("model-empty", "inspect @/empty.pt", 3, {"empty.pt is empty"}, "same:@/empty.pt");
        row("model-state-dict", "inspect @/weights.pth", 3, {"state_dict", "torch.jit.script(model).save"}, "same:@/weights.pth");
        row("model-pickled-module", "inspect @/module.pt", 3, {"module.pt", "torch.jit.script(model).save"});
        row("model-onnx", "inspect @/net.onnx", 3, {"ONNX is not supported"});
        row("model-truncated", "inspect @/cut.pt", 3, {"damaged zip"}, "same:@/cut.pt");
        row("model-code-damaged", "inspect @/damaged_code.pt", 3, {"damaged_code.pt is a damaged TorchScript archive", "does not match its checksum"},
            "same:@/damaged_code.pt");
        row("model-legacy-torch-save", "inspect @/legacy.pt", 3, {"legacy"});
        row("model-text-file", "inspect @/notes.pt", 3, {"not a TorchScript model"});
        row("model-forward-throws", "bench @/throws.pt --input 1x4 --warmup 1 --min-iters 2 --min-time 0 --db @db", 4, {"this model always fails"}, "runs+1");
        // Inputs.
        row("input-wrong-shape", "inspect @model --input 1x3x28x28", 3, {"in layer 'conv1'"});
        row("input-bad-syntax", "inspect @model --input 1xAx28", 2, {"1xAx28"});
        row("input-sidecar-not-json", "inspect @/badjson/m.pt", 3, {"m.json", "not valid JSON"}, "same:@/badjson/m.json");
        row("input-sidecar-negative-dim", "inspect @/negative/m.pt", 3, {"m.json", "holds [-2]"});
        // Calibration data.
        row("calib-missing", "quantize @model --scheme static-int8 --calib @/nope.pt --out @/q.pt --db @db", 3, {"nope.pt"}, "absent:@/q.pt");
        row("calib-wrong-shape", "quantize @model --scheme static-int8 --calib @/wrong_shape.pt --out @/q.pt --db @db", 3,
            {"wrong_shape.pt", "the data has 784 float32, the model takes 1x28x28 float32"}, "absent:@/q.pt");
        row("calib-nan", "quantize @model --scheme static-int8 --calib @/nan.pt --out @/q.pt --db @db", 3, {"nan.pt", "NaN"}, "absent:@/q.pt");
        row("calib-not-tensors", "quantize @model --scheme static-int8 --calib @/plain.pkl --out @/q.pt --db @db", 3, {"plain.pkl"},
            "absent:@/q.pt");
        row("calib-empty-file", "quantize @model --scheme static-int8 --calib @/empty.pt --out @/q.pt --db @db", 3, {"empty.pt is empty (0 bytes)"},
            "absent:@/q.pt");
        row("calib-none-for-static", "quantize @model --scheme static-int8 --out @/q.pt --db @db", 2, {"static-int8 needs calibration data", "--calib"}, "absent:@/q.pt");
        // Evaluation data.
        row("data-truncated", "eval @model --data @/cut_data.pt --db @db", 3, {"cut_data.pt"}, "runs+0");
        row("data-label-count", "eval @model --data @/label_count.pt --db @db", 3, {"3 labels for 4 inputs"}, "runs+0");
        row("data-negative-label", "eval @model --data @/negative_label.pt --db @db", 3, {"negative label (-1 at sample 1)"}, "runs+0");
        row("data-fractional-labels", "eval @model --data @/float_labels.pt --db @db", 3, {"not whole numbers"}, "runs+0");
        row("data-state-dict", "eval @model --data @/weights.pth --db @db", 3, {"a state_dict of a model is not data"}, "runs+0");
        row("data-model-as-data", "eval @model --data @model --db @db", 3, {"is a TorchScript model, not data"}, "runs+0");
        row("data-legacy-torch-save", "eval @model --data @/legacy.pt --db @db", 3, {"legacy format"}, "runs+0");
        row("data-folder-without-images", "eval @model --data @/no_images --db @db", 3, {"has no images", "readme.txt"}, "runs+0");
        row("data-unreadable-image", "eval @model --data @/broken_image --channels gray --db @db", 3,
            {"1 unreadable image(s)", "b.png", "--skip-unreadable"}, "same:@/broken_image/shirt/b.png");
        row("data-images-differ-in-size", "eval @model --data @/sizes --channels gray --db @db", 3, {"differ in size", "--resize"}, "runs+0");
        row("data-idx-truncated", "eval @model --data @/cut-images-idx3-ubyte --db @db", 3, {"cut-images-idx3-ubyte"}, "runs+0");
        row("data-idx-label-count", "eval @model --data @/short-images-idx3-ubyte --db @db", 3, {"2 labels for the 3 images"}, "runs+0");
        // The run database.
        row("db-not-sqlite", "runs list --db @/notes.sqlite", 5, {"is not a Quantscope run database"}, "same:@/notes.sqlite");
        row("db-newer-version", "runs list --db @/newer.sqlite", 5, {"database version 99"}, "same:@/newer.sqlite");
        row("db-missing-for-reading", "runs list --db @/typo.sqlite", 5, {"typo.sqlite"}, "absent:@/typo.sqlite");
        row("db-damaged", "runs list --db @/damaged.sqlite", 5, {"damaged.sqlite"}, "same:@/damaged.sqlite");
        // Export files.
        row("import-cut-short", "runs import @/cut.json --db @db", 3, {"not valid JSON", "Nothing was imported"}, "runs+0");
        row("import-bad-field", "runs import @/bad_status.json --db @db", 3, {"runs[0].status must be one of"}, "runs+0");
        row("import-newer-format", "runs import @/newer.json --db @db", 3, {"newer Quantscope", "version 7"}, "runs+0");
        row("import-time-goes-back", "runs import @/backwards.json --db @db", 3, {"runs[0].memory.t_us[5] goes back in time"}, "runs+0");
        row("export-missing-folder", "runs export --all --out @/no/dir/x.json --db @db", 6, {"does not exist"}, "absent:@/no/dir/x.json");
        row("export-out-is-a-folder", "runs export --all --out @/badjson --db @db", 6, {"badjson"}, "same:@/badjson/m.json");
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QStringList, says);
        QFETCH(QString, keeps);
        for (QString& a : args)
            a = expand(a);
        keeps = expand(keeps);
        const QString keptPath = keeps.section(QLatin1Char(':'), 1);
        const QByteArray before = keeps.startsWith(QLatin1String("same:")) ? hashOf(keptPath) : QByteArray();
        const int runsBefore = runCount(m_db);
        QVERIFY(runsBefore >= 0);

        const auto r = test::runCli(args + QStringList{QStringLiteral("--json"), QStringLiteral("-q")});
        // What the user sees, in the test log (docs/bad-input.md quotes it).
        qInfo().noquote() << r.err.trimmed();
        QVERIFY2(r.exitCode == exitCode, qPrintable(QStringLiteral("exit code %1, expected %2: %3").arg(r.exitCode).arg(exitCode).arg(r.err)));
        for (const QString& s : says)
            QVERIFY2(r.err.contains(s), qPrintable(QStringLiteral("'%1' not in: %2").arg(s, r.err)));
        QVERIFY2(!r.err.contains(QStringLiteral("internal error"), Qt::CaseInsensitive), qPrintable(r.err));
        // Only Quantscope's message. The one exception: Debian's Qt leaves libpng's default error
        // function in place, which prints "libpng error: ..." itself on stderr (no Qt handler sees it).
        QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
        lines.removeIf([](const QString& l) { return l.startsWith(QLatin1String("libpng error: ")); });
        QVERIFY2(!lines.isEmpty() && lines.first().startsWith(QLatin1String("quantscope-cli: ")), qPrintable(r.err));
        // With --json the error is also on stdout, with the same exit code.
        const QJsonObject e = test::parseJsonObject(r.out).value(QLatin1String("error")).toObject();
        QCOMPARE(e.value(QLatin1String("exit_code")).toInt(), exitCode);

        if (keeps.startsWith(QLatin1String("absent:")))
            QVERIFY2(!QFileInfo::exists(keptPath), qPrintable(keptPath));
        else if (keeps.startsWith(QLatin1String("same:")))
            QCOMPARE(hashOf(keptPath), before);
        else if (keeps.startsWith(QLatin1String("runs+")))
            QCOMPARE(runCount(m_db), runsBefore + keeps.mid(5).toInt());
        else
            QCOMPARE(runCount(m_db), runsBefore);
        // Nothing half-written is left in the folder (temporary files of atomic writes).
        for (const QString& f : QDir(m_dir).entryList(QDir::Files | QDir::Hidden))
            QVERIFY2(!f.contains(QLatin1String(".tmp")) && !f.endsWith(QLatin1String("~")), qPrintable(f));
    }
};

QTEST_GUILESS_MAIN(TestCliBadInput)
#include "tst_cli_badinput.moc"
