// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/inputspec.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "tests/support/testsupport.h"

using namespace qs;

class TestInputSpec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "1x3x224x224" << "1x3x224x224:float32";
        QTest::newRow("int64") << "1x32:int64" << "1x32:int64";
        QTest::newRow("commas") << "1,3,224,224" << "1x3x224x224:float32";
        QTest::newRow("brackets") << "[1, 3, 8, 8]:float16" << "1x3x8x8:float16";
        QTest::newRow("torch dtype") << "2x4:torch.long" << "2x4:int64";
        QTest::newRow("spaces") << " 4 x 5 : half " << "4x5:float16";
        QTest::newRow("uint8") << "1x28x28:uint8" << "1x28x28:uint8";
    }
    void parse()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const auto spec = TensorSpec::parse(text);
        QVERIFY2(spec.ok(), qPrintable(spec.ok() ? QString() : spec.error().message));
        QCOMPARE(spec->toString(), expected);
    }

    void parseErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << "" << "no shape";
        QTest::newRow("zero dim") << "1x0x3" << "'0' is not a positive dimension";
        QTest::newRow("negative") << "1x-3" << "'-3' is not a positive dimension";
        QTest::newRow("word") << "1xabc" << "'abc'";
        QTest::newRow("dtype") << "1x3:float33" << "unknown dtype 'float33'";
        QTest::newRow("huge") << "100000x100000x100000" << "more than";
    }
    void parseErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, mentions);
        const auto spec = TensorSpec::parse(text);
        QVERIFY(!spec.ok());
        QVERIFY2(spec.error().message.contains(mentions), qPrintable(spec.error().message));
        QCOMPARE(spec.error().exitCode(), 2);
    }

    void parseLine()
    {
        auto two = InputSpec::parseLine(QStringLiteral("1x3x8x8; 1x4:int64"));
        QVERIFY(two.ok());
        QCOMPARE(two->inputs.size(), 2);
        QCOMPARE(two->toEditString(), QStringLiteral("1x3x8x8:float32; 1x4:int64"));
        auto commaSeparated = InputSpec::parseLine(QStringLiteral("1x3x8x8, 1x4:int64"));
        QVERIFY(commaSeparated.ok());
        QCOMPARE(commaSeparated->inputs.size(), 2);
        auto commaDims = InputSpec::parseLine(QStringLiteral("1,3,8,8"));
        QVERIFY(commaDims.ok());
        QCOMPARE(commaDims->inputs.size(), 1);
        QCOMPARE(commaDims->inputs[0].shape, (QVector<qint64>{1, 3, 8, 8}));
        QVERIFY(!InputSpec::parseLine(QStringLiteral("  ")).ok());
    }

    void withBatch()
    {
        auto spec = InputSpec::parse({QStringLiteral("1x3x8x8"), QStringLiteral("1x4:int64")});
        QVERIFY(spec.ok());
        const InputSpec b = spec->withBatch(32);
        QCOMPARE(b.inputs[0].shape.first(), 32);
        QCOMPARE(b.inputs[1].shape.first(), 32);
        QCOMPARE(b.inputs[1].dtype, DType::Int64);
    }

    void sidecarRoundTrip()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("net.pt"));
        QVERIFY(InputSpec::readSidecar(model).ok());
        QVERIFY(InputSpec::readSidecar(model)->isEmpty());
        auto spec = InputSpec::parse({QStringLiteral("2x3x16x16"), QStringLiteral("2x7:int32")});
        QVERIFY(InputSpec::writeFile(*spec, dir.filePath(QStringLiteral("net.json"))).ok());
        auto read = InputSpec::readSidecar(model);
        QVERIFY(read.ok());
        QCOMPARE(read->source, InputSpec::Source::Sidecar);
        QVERIFY(*read == *spec);
    }

    void sidecarNextToFullName()
    {
        QTemporaryDir dir;
        QVERIFY(test::writeBytes(dir.filePath(QStringLiteral("net.pt.json")),
                                 R"({"inputs":[{"shape":[1,10],"dtype":"float32"}]})"));
        auto read = InputSpec::readSidecar(dir.filePath(QStringLiteral("net.pt")));
        QVERIFY(read.ok());
        QCOMPARE(read->toString(), QStringLiteral("1x10:float32"));
    }

    void sidecarErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("{inputs: [") << "not valid JSON";
        QTest::newRow("array") << QByteArray("[1,2]") << "must hold a JSON object";
        QTest::newRow("no inputs") << QByteArray(R"({"shape":[1]})") << "no \"inputs\" list";
        QTest::newRow("bad shape") << QByteArray(R"({"inputs":[{"shape":[1,-2]}]})") << "inputs[0].shape holds [-2]";
        QTest::newRow("fraction") << QByteArray(R"({"inputs":[{"shape":[1.5]}]})") << "not a positive integer";
        QTest::newRow("dtype") << QByteArray(R"({"inputs":[{"shape":[1],"dtype":"complex"}]})") << "inputs[0].dtype 'complex' is unknown";
    }
    void sidecarErrors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        QVERIFY(test::writeBytes(dir.filePath(QStringLiteral("m.json")), json));
        const auto r = InputSpec::readSidecar(dir.filePath(QStringLiteral("m.pt")));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(QStringLiteral("m.json")), "the message names the file");
    }
};

QTEST_GUILESS_MAIN(TestInputSpec)
#include "tst_inputspec.moc"
