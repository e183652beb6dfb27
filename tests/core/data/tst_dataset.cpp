// SPDX-License-Identifier: GPL-3.0-or-later
// Tensor files, IDX files and random inputs as Datasets: layouts, subsets, batching, specs and
// every bad input. Image folders have their own test (tst_imagefolder).
#include "core/data/dataset.h"
#include "core/model/filesniffer.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtCore/QtEndian>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using namespace qs;
using qs::test::TensorFileLayout;
using qs::test::TestTensor;

namespace {

// n images of h x w where pixel value = (sample * 7 + position) % 256; labels sample % 10.
void writeIdxPair(const QString& dir, const QString& prefix, int n, int h, int w, bool gz, int labelCount = -1)
{
    QByteArray pixels;
    for (int i = 0; i < n; ++i)
        for (int p = 0; p < h * w; ++p)
            pixels.append(char((i * 7 + p) % 256));
    QByteArray labels;
    for (int i = 0; i < (labelCount < 0 ? n : labelCount); ++i)
        labels.append(char(i % 10));
    const QByteArray images = test::idxBytes(0x08, {quint32(n), quint32(h), quint32(w)}, pixels);
    const QByteArray lab = test::idxBytes(0x08, {quint32(labelCount < 0 ? n : labelCount)}, labels);
    const QString suffix = gz ? QStringLiteral(".gz") : QString();
    QVERIFY(test::writeBytes(dir + QLatin1Char('/') + prefix + QLatin1String("-images-idx3-ubyte") + suffix, gz ? test::gzipped(images) : images));
    QVERIFY(test::writeBytes(dir + QLatin1Char('/') + prefix + QLatin1String("-labels-idx1-ubyte") + suffix, gz ? test::gzipped(lab) : lab));
}

TestTensor ramp(const QVector<qint64>& shape, double scale = 1.0)
{
    TestTensor t;
    t.shape = shape;
    qint64 n = 1;
    for (qint64 s : shape)
        n *= s;
    for (qint64 i = 0; i < n; ++i)
        t.values << double(i) * scale;
    return t;
}

TestTensor labelsOf(const QVector<double>& values, const QString& dtype = QStringLiteral("int64"))
{
    return TestTensor{{qint64(values.size())}, values, dtype};
}

} // namespace

class TestDataset : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tensorFileLayouts_data()
    {
        QTest::addColumn<int>("layout");
        QTest::addColumn<bool>("withLabels");
        QTest::addColumn<bool>("expectLabels");
        QTest::newRow("dict with labels") << int(TensorFileLayout::Dict) << true << true;
        QTest::newRow("dict without labels") << int(TensorFileLayout::Dict) << false << false;
        QTest::newRow("tuple (X, y)") << int(TensorFileLayout::Tuple) << true << true;
        QTest::newRow("list [X, y]") << int(TensorFileLayout::List) << true << true;
        QTest::newRow("tuple (X,)") << int(TensorFileLayout::Tuple) << false << false;
        QTest::newRow("bare tensor") << int(TensorFileLayout::Bare) << false << false;
    }
    void tensorFileLayouts()
    {
        QFETCH(int, layout);
        QFETCH(bool, withLabels);
        QFETCH(bool, expectLabels);
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("data.pt"));
        std::optional<TestTensor> labels;
        if (withLabels)
            labels = labelsOf({3, 1, 4, 1, 5});
        QVERIFY(test::writeTensorFile(path, {ramp({5, 2, 3})}, labels, TensorFileLayout(layout)));
        auto data = Dataset::open(path);
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        QCOMPARE(data->size(), 5);
        QCOMPARE(data->info().kind, DatasetInfo::Kind::TensorFile);
        QCOMPARE(data->hasLabels(), expectLabels);
        QCOMPARE(data->info().inputSpec.toString(), QStringLiteral("1x2x3:float32"));
        if (expectLabels) {
            QCOMPARE(data->labels(), (QVector<qint64>{3, 1, 4, 1, 5}));
            QCOMPARE(data->info().labelMax, 5);
        }
        QVector<qint64> shape;
        const QVector<float> v = test::datasetValues(*data, 1, 2, 0, &shape);
        QCOMPARE(shape, (QVector<qint64>{2, 2, 3}));
        QCOMPARE(v.size(), 12);
        QCOMPARE(v.first(), 6.0f); // sample 1 starts at element 6
        QCOMPARE(v.last(), 17.0f);
    }

    void multiInputDictAndClasses()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("two.pt"));
        TestTensor ids = ramp({4, 6});
        ids.dtype = QStringLiteral("int64");
        QVERIFY(test::writeTensorFile(path, {ramp({4, 3}), ids}, labelsOf({0, 1, 1, 0}), TensorFileLayout::Dict,
                                      {QStringLiteral("cat"), QStringLiteral("dog")}));
        auto data = Dataset::open(path);
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        QCOMPARE(data->info().inputSpec.toString(), QStringLiteral("1x3:float32, 1x6:int64"));
        QCOMPARE(data->info().classNames, (QStringList{QStringLiteral("cat"), QStringLiteral("dog")}));
        QVERIFY(data->info().summary().contains(QLatin1String("2 classes")));
        QCOMPARE(test::datasetValues(*data, 3, 1, 1).first(), 18.0f);
    }

    void oneHotAndIntegralFloatLabels()
    {
        QTemporaryDir tmp;
        const QString oneHot = tmp.filePath(QStringLiteral("onehot.pt"));
        QVERIFY(test::writeTensorFile(oneHot, {ramp({3, 2})}, TestTensor{{3, 3}, {0, 0, 1, 1, 0, 0, 0, 1, 0}, QStringLiteral("float32")}));
        auto a = Dataset::open(oneHot);
        QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
        QCOMPARE(a->labels(), (QVector<qint64>{2, 0, 1}));
        const QString floats = tmp.filePath(QStringLiteral("float.pt"));
        QVERIFY(test::writeTensorFile(floats, {ramp({3, 2})}, labelsOf({2, 0, 1}, QStringLiteral("float32"))));
        auto b = Dataset::open(floats);
        QVERIFY(b.ok());
        QCOMPARE(b->labels(), (QVector<qint64>{2, 0, 1}));
    }

    void subsets()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("d.pt"));
        QVector<double> labels;
        for (int i = 0; i < 100; ++i)
            labels << i % 10;
        QVERIFY(test::writeTensorFile(path, {ramp({100, 1})}, labelsOf(labels)));

        DatasetOptions first;
        first.limit = 7;
        auto a = Dataset::open(path, first);
        QVERIFY(a.ok());
        QCOMPARE(a->size(), 7);
        QCOMPARE(a->info().totalSamples, 100);
        QCOMPARE(test::datasetValues(*a, 0, 100), (QVector<float>{0, 1, 2, 3, 4, 5, 6}));

        DatasetOptions pct;
        pct.fraction = 0.25;
        pct.seed = 42;
        auto b = Dataset::open(path, pct);
        auto c = Dataset::open(path, pct);
        QVERIFY(b.ok() && c.ok());
        QCOMPARE(b->size(), 25);
        const QVector<float> vb = test::datasetValues(*b, 0, 25);
        QCOMPARE(vb, test::datasetValues(*c, 0, 25)); // seeded: the same subset every time
        QVERIFY(std::is_sorted(vb.begin(), vb.end()));   // original order kept
        for (qint64 i = 0; i < 25; ++i) {
            QCOMPARE(qint64(vb[int(i)]), b->sourceIndex(i));
            QCOMPARE(b->labels()[int(i)], b->sourceIndex(i) % 10);
        }
        pct.seed = 43;
        auto other = Dataset::open(path, pct);
        QVERIFY(other.ok());
        QVERIFY(test::datasetValues(*other, 0, 25) != vb);

        // Batches that do not divide the size: the last one is short, nothing is lost.
        qint64 seen = 0;
        for (qint64 f = 0; f < b->size(); f += 8)
            seen += test::datasetValues(*b, f, 8).size();
        QCOMPARE(seen, 25);

        const Dataset sub = a->subset(3);
        QCOMPARE(sub.size(), 3);
        QCOMPARE(a->size(), 7); // the original is untouched

        DatasetOptions bad;
        bad.fraction = 1.5;
        auto refused = Dataset::open(path, bad);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, Error::Kind::Usage);
    }

    void idxPairs_data()
    {
        QTest::addColumn<bool>("gz");
        QTest::newRow("raw") << false;
        QTest::newRow("gzip") << true;
    }
    void idxPairs()
    {
        QFETCH(bool, gz);
        QTemporaryDir tmp;
        writeIdxPair(tmp.path(), QStringLiteral("t10k"), 12, 4, 5, gz);
        const QString images = tmp.filePath(QStringLiteral("t10k-images-idx3-ubyte") + QString(gz ? ".gz" : ""));
        auto data = Dataset::open(images);
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        QCOMPARE(data->info().kind, DatasetInfo::Kind::Idx);
        QCOMPARE(data->size(), 12);
        QVERIFY(data->hasLabels());
        QVERIFY(data->info().labelsPath.contains(QLatin1String("t10k-labels-idx1-ubyte")));
        QCOMPARE(data->labels()[11], 1);
        QCOMPARE(data->info().inputSpec.toString(), QStringLiteral("1x1x4x5:float32"));
        QVector<qint64> shape;
        const QVector<float> v = test::datasetValues(*data, 2, 1, 0, &shape);
        QCOMPARE(shape, (QVector<qint64>{1, 1, 4, 5}));
        QCOMPARE(v[0], 14.0f / 255.0f); // scaled to [0, 1] by default
        QCOMPARE(v[3], 17.0f / 255.0f);

        DatasetOptions raw;
        raw.scale = false;
        raw.mean = {10};
        raw.std = {2};
        auto unscaled = Dataset::open(images, raw);
        QVERIFY(unscaled.ok());
        QCOMPARE(test::datasetValues(*unscaled, 2, 1)[0], (14.0f - 10.0f) / 2.0f);

        // A folder of IDX files is read too (the test split when there are several).
        writeIdxPair(tmp.path(), QStringLiteral("train"), 3, 4, 5, gz);
        auto folder = Dataset::open(tmp.path());
        QVERIFY2(folder.ok(), qPrintable(folder.ok() ? QString() : folder.error().message));
        QCOMPARE(folder->size(), 12);
    }

    void idxWithoutLabelsAndFirstN()
    {
        QTemporaryDir tmp;
        writeIdxPair(tmp.path(), QStringLiteral("x"), 20, 2, 2, false);
        QVERIFY(QFile::remove(tmp.filePath(QStringLiteral("x-labels-idx1-ubyte"))));
        DatasetOptions o;
        o.limit = 5;
        auto data = Dataset::open(tmp.filePath(QStringLiteral("x-images-idx3-ubyte")), o);
        QVERIFY(data.ok());
        QVERIFY(!data->hasLabels());
        QCOMPARE(data->size(), 5);
        QVERIFY(data->info().notes.join(' ').contains(QLatin1String("no labels")));
    }

    void randomInputs()
    {
        DatasetOptions o;
        o.randomCount = 10;
        o.seed = 5;
        auto a = Dataset::open(QStringLiteral("random:1x3x4x4"), o);
        QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
        QCOMPARE(a->info().kind, DatasetInfo::Kind::Random);
        QCOMPARE(a->size(), 10);
        QVERIFY(!a->hasLabels());
        const QVector<float> all = test::datasetValues(*a, 0, 10);
        QCOMPARE(all.size(), 10 * 48);
        // Sample 7 is the same whether read alone or in a batch: results do not depend on batch size.
        const QVector<float> seven = test::datasetValues(*a, 7, 1);
        QCOMPARE(seven, all.mid(7 * 48, 48));
        QVERIFY(all.mid(0, 48) != seven);
        o.seed = 6;
        auto b = Dataset::open(QStringLiteral("random:1x3x4x4"), o);
        QVERIFY(test::datasetValues(*b, 7, 1) != seven);

        // "random" alone takes the model's spec; limit sets the count.
        InputSpec spec = *InputSpec::parse({QStringLiteral("1x8"), QStringLiteral("1x4:int64")});
        DatasetOptions n;
        n.limit = 3;
        auto c = Dataset::open(QStringLiteral("random"), n, spec);
        QVERIFY(c.ok());
        QCOMPARE(c->size(), 3);
        QCOMPARE(c->info().inputSpec.toString(), QStringLiteral("1x8:float32, 1x4:int64"));
        QCOMPARE(test::datasetValues(*c, 0, 3, 1), QVector<float>(12, 0.0f));
        auto none = Dataset::open(QStringLiteral("random"));
        QVERIFY(!none.ok());
        QVERIFY(none.error().message.contains(QLatin1String("random:SHAPE")));
    }

    void checkAgainstModelSpec()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("d.pt"));
        QVERIFY(test::writeTensorFile(path, {ramp({4, 1, 28, 28})}, labelsOf({0, 1, 2, 3})));
        auto data = Dataset::open(path);
        QVERIFY(data.ok());
        bool reshapable = true;
        QVERIFY(data->checkAgainst(*InputSpec::parse({QStringLiteral("1x1x28x28")}), &reshapable).ok());
        QVERIFY(!reshapable);
        QVERIFY(data->checkAgainst(*InputSpec::parse({QStringLiteral("64x1x28x28")})).ok()); // batch does not matter

        Status flat = data->checkAgainst(*InputSpec::parse({QStringLiteral("1x784")}), &reshapable);
        QVERIFY(!flat.ok());
        QVERIFY(reshapable);

        Status wrong = data->checkAgainst(*InputSpec::parse({QStringLiteral("1x3x32x32")}), &reshapable);
        QVERIFY(!wrong.ok());
        QVERIFY(!reshapable);
        QVERIFY2(wrong.error().message.contains(QLatin1String("1x28x28 float32")), qPrintable(wrong.error().message));
        QVERIFY(wrong.error().message.contains(QLatin1String("3x32x32")));
        QVERIFY(wrong.error().message.contains(QLatin1String("d.pt")));

        Status arity = data->checkAgainst(*InputSpec::parse({QStringLiteral("1x1x28x28"), QStringLiteral("1x4:int64")}));
        QVERIFY(!arity.ok());
        QVERIFY(arity.error().message.contains(QLatin1String("takes 2")));
    }

    void badInputs_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("label count") << "label-count" << "3 labels for 5 inputs";
        QTest::newRow("negative label") << "negative" << "negative label (-1 at sample 2)";
        QTest::newRow("fractional labels") << "fractional" << "not whole numbers";
        QTest::newRow("state dict") << "state-dict" << "no \"inputs\"";
        QTest::newRow("truncated file") << "truncated" << "is a damaged zip archive";
        QTest::newRow("tensor data cut off") << "short-storage" << "the data of a tensor is cut off";
        QTest::newRow("zip without version") << "no-version" << "has no version record";
        QTest::newRow("zip of a newer format") << "version-99" << "format version record says '99'";
        QTest::newRow("legacy format") << "legacy" << "legacy format";
        QTest::newRow("model as data") << "model" << "is a TorchScript model, not data";
        QTest::newRow("missing") << "missing" << "does not exist";
        QTest::newRow("empty file") << "empty" << "is empty";
        QTest::newRow("single image") << "image" << "is a single image";
        QTest::newRow("unknown bytes") << "unknown" << "not a data file";
        QTest::newRow("idx labels as data") << "idx-labels" << "IDX labels file";
        QTest::newRow("idx label count") << "idx-count" << "7 labels for the 9 images";
        QTest::newRow("inputs disagree") << "disagree" << "disagree on the sample count";
        QTest::newRow("no samples") << "zero" << "holds no samples";
    }
    void badInputs()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        QString path = tmp.filePath(QStringLiteral("bad.pt"));
        if (kind == QLatin1String("label-count")) {
            QVERIFY(test::writeTensorFile(path, {ramp({5, 2})}, labelsOf({0, 1, 2})));
        } else if (kind == QLatin1String("negative")) {
            QVERIFY(test::writeTensorFile(path, {ramp({3, 2})}, labelsOf({0, 1, -1})));
        } else if (kind == QLatin1String("fractional")) {
            QVERIFY(test::writeTensorFile(path, {ramp({2, 2})}, labelsOf({0.5, 1}, QStringLiteral("float32"))));
        } else if (kind == QLatin1String("state-dict")) {
            QVERIFY(test::writeStateDict(path));
        } else if (kind == QLatin1String("truncated")) {
            const QString full = tmp.filePath(QStringLiteral("full.pt"));
            QVERIFY(test::writeTensorFile(full, {ramp({50, 20})}, labelsOf(QVector<double>(50, 1))));
            QVERIFY(test::writeTruncatedCopy(full, path, 0.6));
        } else if (kind == QLatin1String("short-storage")) {
            // A whole zip whose tensor record is shorter than the pickle says: LibTorch would make
            // a tensor over memory past the record (found by fuzzing).
            const QString full = tmp.filePath(QStringLiteral("full.pt"));
            QVERIFY(test::writeTensorFile(full, {ramp({50, 20})}));
            QFile f(full);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray zip = f.readAll();
            QVector<QPair<QString, QByteArray>> entries;
            for (const QString& name : zipEntries(zip, nullptr)) {
                const QByteArray content = zipStoredEntry(zip, name);
                entries.append({name, name.contains(QLatin1String("/data/")) ? content.left(16) : content});
            }
            QVERIFY(entries.size() >= 3);
            QVERIFY(test::writeZip(path, entries));
        } else if (kind == QLatin1String("no-version") || kind == QLatin1String("version-99")) {
            // LibTorch's reader leaks when it refuses these: they are refused before it (fuzzing).
            QVector<QPair<QString, QByteArray>> entries{{QStringLiteral("archive/data.pkl"), QByteArray("\x80\x02K\x01.", 5)}};
            if (kind == QLatin1String("version-99"))
                entries.append({QStringLiteral("archive/version"), QByteArray("99\n")});
            QVERIFY(test::writeZip(path, entries));
        } else if (kind == QLatin1String("legacy")) {
            QVERIFY(test::writeBytes(path, QByteArray("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15)));
        } else if (kind == QLatin1String("model")) {
            QVERIFY(test::writeScriptedModule(path, QStringLiteral("def forward(self, x):\n    return x\n")));
        } else if (kind == QLatin1String("missing")) {
            path = tmp.filePath(QStringLiteral("nothing.pt"));
        } else if (kind == QLatin1String("empty")) {
            path = tmp.filePath(QStringLiteral("empty.bin"));
            QVERIFY(test::writeBytes(path, QByteArray()));
        } else if (kind == QLatin1String("image")) {
            path = tmp.filePath(QStringLiteral("cat.png"));
            QVERIFY(test::writeBytes(path, QByteArray("\x89PNG\r\n\x1a\n", 8)));
        } else if (kind == QLatin1String("unknown")) {
            path = tmp.filePath(QStringLiteral("notes.txt"));
            QVERIFY(test::writeBytes(path, QByteArray("hello world")));
        } else if (kind == QLatin1String("idx-labels")) {
            writeIdxPair(tmp.path(), QStringLiteral("t"), 4, 2, 2, true);
            path = tmp.filePath(QStringLiteral("t-labels-idx1-ubyte.gz"));
        } else if (kind == QLatin1String("idx-count")) {
            writeIdxPair(tmp.path(), QStringLiteral("t"), 9, 2, 2, false, 7);
            path = tmp.filePath(QStringLiteral("t-images-idx3-ubyte"));
        } else if (kind == QLatin1String("disagree")) {
            QVERIFY(test::writeTensorFile(path, {ramp({4, 2}), ramp({3, 2})}));
        } else if (kind == QLatin1String("zero")) {
            QVERIFY(test::writeTensorFile(path, {TestTensor{{0, 3}, {}, QStringLiteral("float32")}}));
        }
        auto data = Dataset::open(path);
        QVERIFY(!data.ok());
        QCOMPARE(data.error().kind, Error::Kind::BadInput);
        QVERIFY2(data.error().message.contains(expected), qPrintable(data.error().message));
        // Every message names the file.
        QVERIFY2(data.error().message.contains(QFileInfo(path).fileName()), qPrintable(data.error().message));
    }

    void filesSavedByPython()
    {
        if (!test::pythonTorchAvailable())
            QSKIP("/usr/bin/python3 with torch is not installed");
        QTemporaryDir tmp;
        QString error;
        const auto out = test::runPython(QStringLiteral(R"(
import sys, torch
d = sys.argv[1]
x = torch.arange(24, dtype=torch.float32).reshape(4, 2, 3)
y = torch.tensor([2, 0, 1, 2])
torch.save({"inputs": x, "labels": y, "classes": ["a", "b", "c"]}, d + "/dict.pt")
torch.save((x[::2], y[::2]), d + "/tuple.pt")                       # views of a larger storage
torch.save(x.to(torch.uint8), d + "/bare.pt")
torch.save({"inputs": x}, d + "/legacy.pt", _use_new_zipfile_serialization=False)
print("ok")
)"), {tmp.path()}, &error);
        QVERIFY2(out, qPrintable(error));
        auto dict = Dataset::open(tmp.filePath("dict.pt"));
        QVERIFY2(dict.ok(), qPrintable(dict.ok() ? QString() : dict.error().message));
        QCOMPARE(dict->labels(), (QVector<qint64>{2, 0, 1, 2}));
        QCOMPARE(dict->info().classNames, (QStringList{"a", "b", "c"}));
        QCOMPARE(test::datasetValues(*dict, 3, 1).first(), 18.0f);

        auto tuple = Dataset::open(tmp.filePath("tuple.pt"));
        QVERIFY2(tuple.ok(), qPrintable(tuple.ok() ? QString() : tuple.error().message));
        QCOMPARE(tuple->size(), 2);
        QCOMPARE(tuple->labels(), (QVector<qint64>{2, 1}));
        QCOMPARE(test::datasetValues(*tuple, 1, 1).first(), 12.0f); // x[2]

        auto bare = Dataset::open(tmp.filePath("bare.pt"));
        QVERIFY(bare.ok());
        QCOMPARE(bare->info().inputSpec.toString(), QStringLiteral("1x2x3:uint8"));

        auto legacy = Dataset::open(tmp.filePath("legacy.pt"));
        QVERIFY(!legacy.ok());
        QVERIFY2(legacy.error().message.contains("legacy format"), qPrintable(legacy.error().message));
    }

    void demoTestSet()
    {
        const QString dir = test::demoDir();
        if (dir.isEmpty())
            QSKIP("the demo fixture is not prepared");
        auto data = Dataset::open(dir + QLatin1String("/fashion_test.pt"));
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        QCOMPARE(data->size(), 10000);
        QVERIFY(data->hasLabels());
        QCOMPARE(data->info().labelMax, 9);
        QCOMPARE(data->info().inputSpec.toString(), QStringLiteral("1x1x28x28:float32"));
        QCOMPARE(data->info().bytesInMemory, qint64(10000) * 784 * 4 + 10000 * 8);
    }
};

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
