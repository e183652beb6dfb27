// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/samplecodec.h"

#include <QtCore/QRandomGenerator>
#include <QtTest/QtTest>

#include <limits>

using namespace qs;

class TestSampleCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("pattern");
        QTest::newRow("empty") << 0 << 0;
        QTest::newRow("one") << 1 << 0;
        QTest::newRow("latencies") << 100000 << 0;
        QTest::newRow("extremes") << 64 << 1;
        QTest::newRow("random 64-bit") << 5000 << 2;
    }

    void roundTrip()
    {
        QFETCH(int, rows);
        QFETCH(int, pattern);
        QRandomGenerator rng(42);
        QVector<qint64> a, b, c;
        for (int i = 0; i < rows; ++i) {
            switch (pattern) {
            case 0:
                a.push_back(1'000'000 + rng.bounded(50'000));
                b.push_back(qint64(i) * 1000);
                c.push_back(80'000'000 + (i % 7) * 4096);
                break;
            case 1: {
                const qint64 ext[] = {0, -1, 1, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max(), -42};
                a.push_back(ext[i % 6]);
                b.push_back(ext[(i + 3) % 6]);
                c.push_back(ext[(i * 5) % 6]);
                break;
            }
            default:
                a.push_back(qint64(rng.generate64()));
                b.push_back(qint64(rng.generate64()));
                c.push_back(qint64(rng.generate64()));
            }
        }
        const QByteArray one = samplecodec::encode(a);
        auto back = samplecodec::decode(one, 1);
        QVERIFY(back);
        QCOMPARE(back->at(0), a);
        const QByteArray three = samplecodec::encode({&a, &b, &c});
        auto cols = samplecodec::decode(three, 3);
        QVERIFY(cols);
        QCOMPARE(cols->at(0), a);
        QCOMPARE(cols->at(1), b);
        QCOMPARE(cols->at(2), c);
        if (pattern == 0 && rows > 1000) {
            // Compact: latencies near 1 ms in at most 3 bytes each, a steady timeline in ~2.
            QVERIFY2(one.size() < rows * 3 + 16, qPrintable(QString::number(one.size())));
            QVERIFY2(three.size() < rows * 7 + 16, qPrintable(QString::number(three.size())));
        }
    }

    void millisecondsRoundTrip()
    {
        // Samples the clocks give as whole ns, divided by 1e6, come back identical.
        QVector<double> ms;
        for (qint64 ns : {qint64(1), qint64(999), qint64(1'234'567), qint64(98'765'432'109), qint64(3'600'000'000'000)})
            ms << double(ns) / 1e6;
        QCOMPARE(samplecodec::nsToMs(samplecodec::msToNs(ms)), ms);
    }

    void refusesDamagedBlobs_data()
    {
        QTest::addColumn<QByteArray>("blob");
        QTest::addColumn<int>("columns");
        QTest::addColumn<QString>("expected");
        QVector<qint64> v{1, 2, 300000, -5};
        const QByteArray good = samplecodec::encode(v);
        QTest::newRow("bad magic") << QByteArray("XXXX\x01\x00\x00\x00\x00", 9) << 1 << "unknown sample format";
        QTest::newRow("too short") << QByteArray("QSV") << 1 << "unknown sample format";
        QTest::newRow("truncated") << good.left(good.size() - 1) << 1 << "truncated";
        QTest::newRow("trailing") << good + QByteArray("\x00", 1) << 1 << "trailing";
        QTest::newRow("wrong columns") << good << 3 << "columns";
        QByteArray lie = good;
        lie[5] = char(0xff);
        lie[6] = char(0xff);
        lie[7] = char(0xff);
        QTest::newRow("huge row count") << lie << 1 << "rows announced";
        QByteArray overlong("QSV1\x01\x01\x00\x00\x00", 9);
        overlong += QByteArray(11, char(0x80));
        overlong += '\x01';
        QTest::newRow("overlong varint") << overlong << 1 << "64 bits";
    }

    void refusesDamagedBlobs()
    {
        QFETCH(QByteArray, blob);
        QFETCH(int, columns);
        QFETCH(QString, expected);
        auto r = samplecodec::decode(blob, columns);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(expected), qPrintable(r.error().message));
    }
};

QTEST_GUILESS_MAIN(TestSampleCodec)
#include "tst_samplecodec.moc"
