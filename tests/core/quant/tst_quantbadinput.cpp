// SPDX-License-Identifier: GPL-3.0-or-later
// Every bad input of quantization: a clear message that names the file/value, the right exit
// code, no crash and no file left behind.
#include <QtCore/QDir>
#include <QtTest/QtTest>

#include "core/common/engine.h"
#include "quantfixtures.h"

using namespace qs;

class TestQuantBadInput : public QObject
{
    Q_OBJECT
    test::QuantFixtures m_fx;
    QString m_dynamicVariant, m_int4Variant;

    enum class Case {
        StaticWithoutData,
        CalibWrongShapeWithSpec,
        CalibWrongShapeNoSpec,
        CalibWrongDtype,
        CalibNaN,
        CalibMissing,
        CalibNotTensors,
        CalibEmpty,
        RandomWithoutSpec,
        AlreadyQuantized,
        AlreadyWeightOnlyVariant,
        UnwritableOutput,
        OutputIsTheModel,
        OutputIsAFolder,
        UnknownScheme,
        BadBlock,
        BlockOnWrongScheme,
        BadPattern,
        PatternMatchesNothing,
        UnknownEngine,
    };

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fx.make());
        // Variants to quantize again.
        auto mlp = loadModel(m_fx.mlpPath);
        QVERIFY(mlp.ok());
        QuantizeOptions o = m_fx.options(QStringLiteral("mlp"), QStringLiteral("dynamic-int8"));
        QVERIFY(quantizeModel(*mlp, o).ok());
        m_dynamicVariant = o.outPath;
        o = m_fx.options(QStringLiteral("mlp"), QStringLiteral("weight-int4"));
        QVERIFY(quantizeModel(*mlp, o).ok());
        m_int4Variant = o.outPath;
    }

    void badInput_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QStringList>("says");
        auto row = [](const char* name, Case c, int exit, const QStringList& says) {
            QTest::newRow(name) << int(c) << exit << says;
        };
        row("static without data", Case::StaticWithoutData, 2, { "static-int8 needs calibration data", "--calib" });
        row("calibration of the wrong shape (spec known)", Case::CalibWrongShapeWithSpec, 3,
            { "cnn_calib.pt", "1x28x28 float32", "the model takes 64 float32" });
        row("calibration of the wrong shape (no spec)", Case::CalibWrongShapeNoSpec, 3,
            { "cnn_calib.pt", "does not fit" });
        row("calibration of the wrong dtype", Case::CalibWrongDtype, 3,
            { "int_calib.pt", "64 int64", "the model takes 64 float32" });
        row("calibration with NaN", Case::CalibNaN, 3, { "nan_calib.pt", "NaN or Inf" });
        row("calibration file missing", Case::CalibMissing, 3, { "nowhere.pt", "does not exist" });
        row("calibration file of no tensors", Case::CalibNotTensors, 3, { "plain.pt" });
        row("calibration file empty", Case::CalibEmpty, 3, { "empty.pt", "empty" });
        row("random calibration without a shape", Case::RandomWithoutSpec, 2,
            { "needs the model's input shape", "--input" });
        row("already quantized", Case::AlreadyQuantized, 3,
            { "already quantized", "quantized::linear_dynamic", "FP32 original" });
        row("already a weight-only variant", Case::AlreadyWeightOnlyVariant, 3,
            { "already a Quantscope weight-only variant" });
        row("unwritable output", Case::UnwritableOutput, 6, { "not a writable folder", "Choose another output path" });
        row("output is the model", Case::OutputIsTheModel, 2, { "is the model itself" });
        row("output is a folder", Case::OutputIsAFolder, 6, { "is a folder" });
        row("unknown scheme", Case::UnknownScheme, 2,
            { "Unknown scheme 'int3'", "dynamic-int8", "kmeans-4", "linear-int16" });
        row("bad block size", Case::BadBlock, 2, { "Block size 100", "32, 64 or 128" });
        row("block on a scheme without blocks", Case::BlockOnWrongScheme, 2, { "weight-int8 and weight-int4 only" });
        row("bad pattern", Case::BadPattern, 2, { "fc[1", "unbalanced brackets" });
        row("pattern that matches nothing", Case::PatternMatchesNothing, 2,
            { "'conv9' matches no layer", "fc1, fc2, fc3", "Linear" });
        row("unknown engine", Case::UnknownEngine, 2, { "fbgemm", "not available", "onednn" });
    }

    void badInput()
    {
        QFETCH(int, which);
        QFETCH(int, exitCode);
        QFETCH(QStringList, says);
        const Case c = Case(which);
        QString model = QStringLiteral("mlp");
        QuantizeOptions o = m_fx.options(model, QStringLiteral("static-int8"));
        o.outPath = m_fx.dir.filePath(QStringLiteral("out/bad.pt"));
        QString modelPath = m_fx.mlpPath;
        switch (c) {
        case Case::StaticWithoutData:
            o.calibration = QuantizeOptions::Calibration::None;
            break;
        case Case::CalibWrongShapeWithSpec:
            o.calibrationPath = m_fx.cnnCalib;
            break;
        case Case::CalibWrongShapeNoSpec:
            o.calibrationPath = m_fx.cnnCalib;
            o.inputs = {};
            break;
        case Case::CalibWrongDtype:
            o.calibrationPath = m_fx.dir.filePath(QStringLiteral("int_calib.pt"));
            QVERIFY(test::writeInputs(o.calibrationPath, { 50, 64 }, 10.0, -1, 0, QStringLiteral("int64")));
            break;
        case Case::CalibNaN:
            o.calibrationPath = m_fx.dir.filePath(QStringLiteral("nan_calib.pt"));
            QVERIFY(test::writeInputs(o.calibrationPath, { 50, 64 }, 1.0, -1, 0, QStringLiteral("float32"), true));
            break;
        case Case::CalibMissing:
            o.calibrationPath = m_fx.dir.filePath(QStringLiteral("nowhere.pt"));
            break;
        case Case::CalibNotTensors:
            o.calibrationPath = m_fx.dir.filePath(QStringLiteral("plain.pt"));
            QVERIFY(test::writePlainPickle(o.calibrationPath));
            break;
        case Case::CalibEmpty:
            o.calibrationPath = m_fx.dir.filePath(QStringLiteral("empty.pt"));
            QVERIFY(test::writeBytes(o.calibrationPath, {}));
            break;
        case Case::RandomWithoutSpec:
            o.calibration = QuantizeOptions::Calibration::Random;
            o.inputs = {};
            break;
        case Case::AlreadyQuantized:
            modelPath = m_dynamicVariant;
            o.scheme = QStringLiteral("dynamic-int8");
            break;
        case Case::AlreadyWeightOnlyVariant:
            modelPath = m_int4Variant;
            o.scheme = QStringLiteral("kmeans-4");
            break;
        case Case::UnwritableOutput: {
            // Inside a regular file: no folder can be made there (not even by root).
            const QString file = m_fx.dir.filePath(QStringLiteral("afile"));
            QVERIFY(test::writeBytes(file, "x"));
            o.outPath = file + QStringLiteral("/sub/bad.pt");
            break;
        }
        case Case::OutputIsTheModel:
            o.outPath = m_fx.mlpPath;
            break;
        case Case::OutputIsAFolder:
            o.outPath = m_fx.dir.path();
            break;
        case Case::UnknownScheme:
            o.scheme = QStringLiteral("int3");
            break;
        case Case::BadBlock:
            o.scheme = QStringLiteral("weight-int4");
            o.blockSize = 100;
            break;
        case Case::BlockOnWrongScheme:
            o.scheme = QStringLiteral("kmeans-2");
            o.blockSize = 32;
            break;
        case Case::BadPattern:
            o.scheme = QStringLiteral("weight-int8");
            o.excludes = QStringList { QStringLiteral("fc[1") };
            break;
        case Case::PatternMatchesNothing:
            o.scheme = QStringLiteral("weight-int8");
            o.excludes = QStringList { QStringLiteral("conv9") };
            break;
        case Case::UnknownEngine:
            o.engine = QStringLiteral("fbgemm");
            break;
        }
        auto fp32 = loadModel(modelPath);
        QVERIFY(fp32.ok());
        const QStringList before
            = QDir(m_fx.dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        auto q = quantizeModel(*fp32, o);
        QVERIFY2(!q.ok(), "must fail");
        const Error& e = q.error();
        for (const QString& s : says)
            QVERIFY2(e.message.contains(s), qPrintable(QStringLiteral("'%1' not in: %2").arg(s, e.message)));
        QCOMPARE(e.exitCode(), exitCode);
        // Nothing written, not even a temporary file.
        if (c != Case::OutputIsTheModel && c != Case::OutputIsAFolder)
            QVERIFY(!QFileInfo::exists(o.outPath));
        QCOMPARE(QDir(m_fx.dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), before);
        QVERIFY(!QFileInfo::exists(m_fx.dir.filePath(QStringLiteral("out"))));
        QVERIFY(engine::select({}).ok());
    }

    void failingSchemeDoesNotWriteAndTheModelStaysUsable()
    {
        // A scheme that fails half-way (at calibration) leaves the FP32 model intact.
        auto fp32 = loadModel(m_fx.mlpPath);
        QVERIFY(fp32.ok());
        const QVector<float> before = test::outputOn(*fp32, m_fx.mlpCalib, 0, 4);
        QuantizeOptions o = m_fx.options(QStringLiteral("mlp"), QStringLiteral("static-int8"));
        o.calibrationPath = m_fx.cnnCalib;
        o.inputs = {};
        QVERIFY(!quantizeModel(*fp32, o).ok());
        QCOMPARE(test::outputOn(*fp32, m_fx.mlpCalib, 0, 4), before);
        // ... and quantizing it again works.
        o.calibrationPath = m_fx.mlpCalib;
        QVERIFY(quantizeModel(*fp32, o).ok());
        QCOMPARE(test::outputOn(*fp32, m_fx.mlpCalib, 0, 4), before);
    }
};

QTEST_GUILESS_MAIN(TestQuantBadInput)
#include "tst_quantbadinput.moc"
