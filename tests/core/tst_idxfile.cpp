// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/data/idxfile.h"

#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>
#include <QtCore/QtEndian>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using namespace qs;

class TestIdxFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsRawAndGzip()
    {
        QByteArray pixels;
        for (int i = 0; i < 3 * 2 * 2; ++i)
            pixels.append(char(i));
        const QByteArray raw = test::idxBytes(0x08, {3, 2, 2}, pixels);
        for (const QByteArray& bytes : {raw, test::gzipped(raw)}) {
            auto a = parseIdx(bytes, QStringLiteral("x.idx"));
            QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
            QCOMPARE(a->shape, (QVector<qint64>{3, 2, 2}));
            QCOMPARE(a->data, pixels);
            QCOMPARE(a->count(), 3);
        }
        auto two = parseIdx(raw, QStringLiteral("x.idx"), 2);
        QVERIFY(two.ok());
        QCOMPARE(two->count(), 2);
        QCOMPARE(two->data.size(), 8);
    }

    void bigEndianElements()
    {
        QByteArray payload;
        for (qint32 v : {1, -2, 65536}) {
            char be[4];
            qToBigEndian(v, be);
            payload.append(be, 4);
        }
        auto a = parseIdx(test::idxBytes(0x0C, {3}, payload), QStringLiteral("i.idx"));
        QVERIFY(a.ok());
        const auto* v = reinterpret_cast<const qint32*>(a->data.constData());
        QCOMPARE(v[0], 1);
        QCOMPARE(v[1], -2);
        QCOMPARE(v[2], 65536);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not idx") << QByteArray("hello world") << "not an IDX file";
        QTest::newRow("bad type") << test::idxBytes(0x07, {1}, QByteArray(1, 'a')) << "element type 0x07";
        QTest::newRow("cut header") << QByteArray("\0\0\x08\x03\0\0", 6) << "cut off inside its header";
        QTest::newRow("cut data") << test::idxBytes(0x08, {10, 28, 28}, QByteArray(100, 'a')) << "promises 10 items";
        QTest::newRow("bad gzip") << QByteArray("\x1f\x8b\x08\0garbagegarbage", 18) << "gzip";
        QTest::newRow("cut gzip") << test::gzipped(test::idxBytes(0x08, {100, 28, 28}, QByteArray(78400, 'a'))).left(40) << "cut off";
        QTest::newRow("zero dim") << test::idxBytes(0x08, {0}, {}) << "dimension 0 is 0";
    }
    void errors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, mentions);
        auto a = parseIdx(bytes, QStringLiteral("bad.idx"));
        QVERIFY(!a.ok());
        QVERIFY2(a.error().message.contains(mentions), qPrintable(a.error().message));
        QVERIFY(a.error().message.contains(QStringLiteral("bad.idx")));
    }

    void fashionMnistFromDebian()
    {
        const QString path = QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
        if (!QFileInfo::exists(path))
            QSKIP("dataset-fashion-mnist is not installed");
        auto labels = readIdxFile(path);
        QVERIFY(labels.ok());
        QCOMPARE(labels->shape, QVector<qint64>{10000});
        auto images = readIdxFile(QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"), 5);
        QVERIFY(images.ok());
        QCOMPARE(images->shape, (QVector<qint64>{5, 28, 28}));
        // The first test label of Fashion-MNIST is 9 (ankle boot).
        QCOMPARE(int(static_cast<unsigned char>(labels->data[0])), 9);
    }
};

QTEST_GUILESS_MAIN(TestIdxFile)
#include "tst_idxfile.moc"
