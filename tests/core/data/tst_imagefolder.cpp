// SPDX-License-Identifier: GPL-3.0-or-later
// Image folders as Datasets: the ImageFolder layout and its label order, transforms (resize,
// center crop, channel order, grayscale, normalization), skipped and broken files.
#include "core/data/dataset.h"

#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using namespace qs;

namespace {

QString writeImage(const QString& path, int w, int h, QRgb color, const char* format = "PNG")
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QImage img(w, h, QImage::Format_RGB888);
    img.fill(color);
    if (!img.save(path, format))
        return {};
    return path;
}

// A grey image whose pixel (x, y) is 10 * x + y: crop offsets can be read back from values.
QString writeCoordinateImage(const QString& path, int w, int h)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QImage img(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.scanLine(y)[x] = uchar(10 * x + y);
    return img.save(path, "PNG") ? path : QString();
}

Result<Dataset> openFolder(const QString& dir, const DatasetOptions& o = {})
{
    return Dataset::open(dir, o);
}

} // namespace

class TestImageFolder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void layoutLabelsAndSkippedFiles()
    {
        QTemporaryDir tmp;
        const QString root = tmp.path();
        // Class folders sort by name: "a_cat" is label 0 although written second.
        QVERIFY(!writeImage(root + "/b_dog/1.png", 4, 4, qRgb(200, 100, 50)).isEmpty());
        QVERIFY(!writeImage(root + "/b_dog/sub/0.png", 4, 4, qRgb(200, 100, 50)).isEmpty());
        QVERIFY(!writeImage(root + "/a_cat/z.png", 4, 4, qRgb(10, 20, 30)).isEmpty());
        QVERIFY(!writeImage(root + "/a_cat/a.jpg", 4, 4, qRgb(10, 20, 30), "JPEG").isEmpty());
        QVERIFY(!writeImage(root + "/.ipynb_checkpoints/x.png", 4, 4, qRgb(0, 0, 0)).isEmpty());
        QVERIFY(test::writeBytes(root + "/README.txt", "not an image"));
        QVERIFY(test::writeBytes(root + "/b_dog/notes.md", "# notes"));
        QVERIFY(QDir(root).mkpath("c_empty"));

        auto data = openFolder(root);
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        QCOMPARE(data->info().kind, DatasetInfo::Kind::ImageFolder);
        QCOMPARE(data->size(), 4);
        QCOMPARE(data->info().classNames, (QStringList{"a_cat", "b_dog", "c_empty"}));
        // torchvision's order: by folder, then sorted(os.walk): b_dog/1.png before b_dog/sub/0.png.
        QCOMPARE(data->labels(), (QVector<qint64>{0, 0, 1, 1}));
        QCOMPARE(data->info().skippedFiles, 2);
        QVERIFY(data->info().notes.join(' ').contains("not images skipped"));
        QVERIFY(data->info().notes.join(' ').contains(".ipynb_checkpoints"));
        QVERIFY(data->info().notes.join(' ').contains("'c_empty' has no images"));
        QCOMPARE(data->info().inputSpec.toString(), QStringLiteral("1x3x4x4:float32"));

        QVector<qint64> shape;
        const QVector<float> v = test::datasetValues(*data, 1, 3, 0, &shape); // z.png, 1.png, sub/0.png
        QCOMPARE(shape, (QVector<qint64>{3, 3, 4, 4}));
        QCOMPARE(v[0], 10.0f / 255.0f);       // R plane of z.png
        QCOMPARE(v[16], 20.0f / 255.0f);      // G plane
        QCOMPARE(v[32], 30.0f / 255.0f);      // B plane
        QCOMPARE(v[48], 200.0f / 255.0f);     // R of 1.png
        // JPEG decodes too (lossy: close to the colour).
        const QVector<float> jpg = test::datasetValues(*data, 0, 1);
        QVERIFY(std::abs(jpg[0] * 255.0f - 10.0f) < 6.0f);
    }

    void channelOrderGrayscaleAndNormalization_data()
    {
        QTest::addColumn<int>("color");
        QTest::addColumn<bool>("scale");
        QTest::addColumn<QVector<double>>("mean");
        QTest::addColumn<QVector<double>>("stdDev");
        QTest::addColumn<QVector<float>>("expected"); // first value of each channel
        QTest::newRow("rgb") << int(DatasetOptions::Color::Rgb) << true << QVector<double>{} << QVector<double>{}
                             << QVector<float>{10 / 255.f, 20 / 255.f, 30 / 255.f};
        QTest::newRow("bgr") << int(DatasetOptions::Color::Bgr) << true << QVector<double>{} << QVector<double>{}
                             << QVector<float>{30 / 255.f, 20 / 255.f, 10 / 255.f};
        // PIL's L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16 = 18 for (10, 20, 30).
        QTest::newRow("grayscale") << int(DatasetOptions::Color::Grayscale) << true << QVector<double>{} << QVector<double>{}
                                   << QVector<float>{18 / 255.f};
        QTest::newRow("unscaled") << int(DatasetOptions::Color::Rgb) << false << QVector<double>{} << QVector<double>{}
                                  << QVector<float>{10, 20, 30};
        QTest::newRow("imagenet normalization")
            << int(DatasetOptions::Color::Rgb) << true << QVector<double>{0.485, 0.456, 0.406} << QVector<double>{0.229, 0.224, 0.225}
            << QVector<float>{float((10 / 255. - 0.485) / 0.229), float((20 / 255. - 0.456) / 0.224), float((30 / 255. - 0.406) / 0.225)};
        QTest::newRow("one mean for all") << int(DatasetOptions::Color::Rgb) << false << QVector<double>{10} << QVector<double>{5}
                                          << QVector<float>{0, 2, 4};
    }
    void channelOrderGrayscaleAndNormalization()
    {
        QFETCH(int, color);
        QFETCH(bool, scale);
        QFETCH(QVector<double>, mean);
        QFETCH(QVector<double>, stdDev);
        QFETCH(QVector<float>, expected);
        QTemporaryDir tmp;
        QVERIFY(!writeImage(tmp.path() + "/only/x.png", 3, 2, qRgb(10, 20, 30)).isEmpty());
        DatasetOptions o;
        o.color = DatasetOptions::Color(color);
        o.scale = scale;
        o.mean = mean;
        o.std = stdDev;
        auto data = openFolder(tmp.path(), o);
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        QCOMPARE(data->info().inputSpec.inputs.first().shape, (QVector<qint64>{1, expected.size(), 2, 3}));
        const QVector<float> v = test::datasetValues(*data, 0, 1);
        for (int c = 0; c < expected.size(); ++c)
            QVERIFY2(qAbs(v[c * 6] - expected[c]) < 1e-6f, qPrintable(QStringLiteral("channel %1: %2 vs %3").arg(c).arg(v[c * 6]).arg(expected[c])));
    }

    void resizeAndCenterCrop_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("crop");
        QTest::addColumn<int>("firstValue"); // 10 * left + top of the crop
        // torchvision: top = int(round((h - crop) / 2.0)) with Python's ties-to-even rounding.
        QTest::newRow("6x6 crop 2") << 6 << 6 << 2 << 22;
        QTest::newRow("7x7 crop 2: 2.5 rounds to 2") << 7 << 7 << 2 << 22;
        QTest::newRow("9x9 crop 2: 3.5 rounds to 4") << 9 << 9 << 2 << 44;
        QTest::newRow("8x5 crop 3") << 8 << 5 << 3 << 10 * 2 + 1;
    }
    void resizeAndCenterCrop()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, crop);
        QFETCH(int, firstValue);
        QTemporaryDir tmp;
        QVERIFY(!writeCoordinateImage(tmp.path() + "/k/img.png", width, height).isEmpty());
        DatasetOptions o;
        o.color = DatasetOptions::Color::Grayscale;
        o.scale = false;
        o.cropWidth = crop;
        o.cropHeight = crop;
        auto data = openFolder(tmp.path(), o);
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        const QVector<float> v = test::datasetValues(*data, 0, 1);
        QCOMPARE(v.size(), crop * crop);
        QCOMPARE(int(v[0]), firstValue);
        QCOMPARE(int(v[1]), firstValue + 10); // next column
    }

    void resizeShorterSide()
    {
        QTemporaryDir tmp;
        QVERIFY(!writeImage(tmp.path() + "/a/wide.png", 40, 30, qRgb(90, 90, 90)).isEmpty());
        QVERIFY(!writeImage(tmp.path() + "/a/tall.png", 30, 40, qRgb(90, 90, 90)).isEmpty());
        DatasetOptions o;
        o.resize = 20; // 40x30 -> 26x20 and 30x40 -> 20x26: different, so a crop is needed
        auto different = openFolder(tmp.path(), o);
        QVERIFY(!different.ok());
        QVERIFY2(different.error().message.contains("differ in size"), qPrintable(different.error().message));
        QVERIFY(different.error().message.contains("--resize"));
        o.cropWidth = o.cropHeight = 16;
        auto data = openFolder(tmp.path(), o);
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        QCOMPARE(data->info().inputSpec.toString(), QStringLiteral("1x3x16x16:float32"));
        const QVector<float> v = test::datasetValues(*data, 0, 2);
        QCOMPARE(v.size(), 2 * 3 * 16 * 16);
        for (float x : v)
            QVERIFY(qAbs(x - 90.0f / 255.0f) < 1.5f / 255.0f); // a flat colour stays flat through scaling

        o.cropWidth = o.cropHeight = 32;
        auto tooBig = openFolder(tmp.path(), o);
        QVERIFY(!tooBig.ok());
        QVERIFY(tooBig.error().message.contains("but the crop is 32x32"));
    }

    void flatFolderHasNoLabels()
    {
        QTemporaryDir tmp;
        for (int i = 0; i < 3; ++i)
            QVERIFY(!writeImage(tmp.filePath(QStringLiteral("img%1.png").arg(i)), 5, 5, qRgb(i, i, i)).isEmpty());
        auto data = openFolder(tmp.path());
        QVERIFY(data.ok());
        QCOMPARE(data->size(), 3);
        QVERIFY(!data->hasLabels());
        QVERIFY(data->info().classNames.isEmpty());
    }

    void emptyAndBrokenFolders()
    {
        QTemporaryDir tmp;
        const QString empty = tmp.filePath("empty");
        QVERIFY(QDir().mkpath(empty + "/cls"));
        QVERIFY(test::writeBytes(empty + "/cls/list.csv", "a,b"));
        auto none = openFolder(empty);
        QVERIFY(!none.ok());
        QCOMPARE(none.error().kind, Error::Kind::BadInput);
        QVERIFY2(none.error().message.contains("has no images"), qPrintable(none.error().message));
        QVERIFY(none.error().message.contains("1 other file(s) skipped"));
        QVERIFY(none.error().message.contains("<class>"));

        const QString broken = tmp.filePath("broken");
        QVERIFY(!writeImage(broken + "/a/good.png", 4, 4, qRgb(1, 2, 3)).isEmpty());
        QVERIFY(test::writeBytes(broken + "/a/bad.png", "this is not a png"));
        auto refused = openFolder(broken);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains("bad.png"), qPrintable(refused.error().message));
        QVERIFY(refused.error().message.contains("--skip-unreadable"));
        DatasetOptions skip;
        skip.skipUnreadable = true;
        auto skipped = openFolder(broken, skip);
        QVERIFY(skipped.ok());
        QCOMPARE(skipped->size(), 1);
        QCOMPARE(skipped->info().skippedFiles, 1);

        // A file whose header is fine but whose pixels are cut off fails when its batch is read,
        // with the file's name.
        const QString cut = tmp.filePath("cut");
        const QString full = writeImage(cut + "/a/full.png", 64, 64, qRgb(1, 2, 3));
        QVERIFY(!full.isEmpty());
        QImage noise(64, 64, QImage::Format_RGB888);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64 * 3; ++x)
                noise.scanLine(y)[x] = uchar((x * 31 + y * 17) % 251);
        QVERIFY(noise.save(cut + "/a/noise.png"));
        QVERIFY(test::writeTruncatedCopy(cut + "/a/noise.png", cut + "/a/truncated.png", 0.4));
        QVERIFY(QFile::remove(cut + "/a/noise.png"));
        auto lazy = openFolder(cut);
        QVERIFY2(lazy.ok(), qPrintable(lazy.ok() ? QString() : lazy.error().message));
        QString error;
        const QVector<float> v = test::datasetValues(*lazy, 0, 2, 0, nullptr, &error);
        QVERIFY(v.isEmpty());
        QVERIFY2(error.contains("truncated.png"), qPrintable(error));
    }

    void badOptions()
    {
        QTemporaryDir tmp;
        QVERIFY(!writeImage(tmp.path() + "/a/x.png", 4, 4, qRgb(1, 2, 3)).isEmpty());
        DatasetOptions o;
        o.mean = {0.1, 0.2};
        auto two = openFolder(tmp.path(), o);
        QVERIFY(!two.ok());
        QCOMPARE(two.error().kind, Error::Kind::Usage);
        QVERIFY(two.error().message.contains("--mean has 2 values"));
        o.mean = {0.5};
        o.std = {0};
        QVERIFY(!openFolder(tmp.path(), o).ok());
    }
};

QTEST_GUILESS_MAIN(TestImageFolder)
#include "tst_imagefolder.moc"
