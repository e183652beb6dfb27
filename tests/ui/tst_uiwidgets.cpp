// SPDX-License-Identifier: GPL-3.0-or-later
// The studio's smaller widgets on their own: the exclusion proxy (with QAbstractItemModelTester),
// the per-input spec editor, the message banner and the benchmark live view fed with the
// RunUpdates a benchmark streams.
#include "core/model/layertablemodel.h"
#include "plots/latencyhistogramplot.h"
#include "plots/latencytimelineplot.h"
#include "plots/memorytimelineplot.h"
#include "ui/benchmarkliveview.h"
#include "ui/exclusionproxymodel.h"
#include "ui/inputspeceditor.h"
#include "ui/messagebanner.h"
#include "ui/theme.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>

using namespace qs;
using namespace qs::ui;

namespace {
ModelInfo smallModel()
{
    ModelInfo info;
    info.name = QStringLiteral("net.pt");
    auto layer = [](const QString& name, const QString& type, int depth, bool leaf, qint64 params) {
        LayerInfo l;
        l.name = name;
        l.type = type;
        l.depth = depth;
        l.leaf = leaf;
        l.params = params;
        l.bytes = params * 4;
        return l;
    };
    info.layers = {layer(QStringLiteral("features"), QStringLiteral("Sequential"), 1, false, 0),
                   layer(QStringLiteral("features.0"), QStringLiteral("Conv2d"), 2, true, 160),
                   layer(QStringLiteral("features.1"), QStringLiteral("ReLU"), 2, true, 0),
                   layer(QStringLiteral("fc1"), QStringLiteral("Linear"), 1, true, 1000),
                   layer(QStringLiteral("fc2"), QStringLiteral("Linear"), 1, true, 100)};
    return info;
}
} // namespace

class TestUiWidgets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exclusionProxy_data()
    {
        QTest::addColumn<QStringList>("patterns");
        QTest::addColumn<QStringList>("excluded");
        QTest::newRow("none") << QStringList{} << QStringList{};
        QTest::newRow("one layer") << QStringList{QStringLiteral("fc2")} << QStringList{QStringLiteral("fc2")};
        QTest::newRow("a type") << QStringList{QStringLiteral("Linear")} << QStringList{QStringLiteral("fc1"), QStringLiteral("fc2")};
        QTest::newRow("a parent covers its children")
            << QStringList{QStringLiteral("features")}
            << QStringList{QStringLiteral("features"), QStringLiteral("features.0"), QStringLiteral("features.1")};
        QTest::newRow("glob") << QStringList{QStringLiteral("fc*")} << QStringList{QStringLiteral("fc1"), QStringLiteral("fc2")};
        QTest::newRow("glob is anchored") << QStringList{QStringLiteral("c1")} << QStringList{};
    }
    void exclusionProxy()
    {
        QFETCH(QStringList, patterns);
        QFETCH(QStringList, excluded);
        LayerTableModel layers;
        ExclusionProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&layers);
        layers.setModelInfo(smallModel());
        proxy.setPatterns(patterns);
        QStringList got;
        for (int r = 0; r < proxy.rowCount(); ++r) {
            const QModelIndex schemes = proxy.index(r, LayerTableModel::SchemesColumn);
            const bool kept = schemes.data().toString() == QStringLiteral("kept in FP32");
            QCOMPARE(proxy.index(r, 0).data(Qt::FontRole).value<QFont>().italic(), kept);
            if (kept)
                got << proxy.index(r, 0).data(LayerTableModel::NameRole).toString();
        }
        QCOMPARE(got, excluded);
        layers.setModelInfo(ModelInfo{}); // a reset through the proxy
        QCOMPARE(proxy.rowCount(), 0);
    }

    void inputEditorOneRowPerInput()
    {
        InputSpecEditor editor;
        auto spec = InputSpec::parseLine(QStringLiteral("1x3x224x224; 1x32:int64"));
        QVERIFY(spec);
        editor.setSpec(*spec);
        QCOMPARE(editor.inputCount(), 2);
        QVERIFY(!editor.isModified());
        auto* dtype = editor.findChild<QComboBox*>(QStringLiteral("inputDtype1"));
        QVERIFY(dtype);
        QCOMPARE(dtype->currentText(), QStringLiteral("int64"));
        dtype->setCurrentText(QStringLiteral("int32"));
        QVERIFY(editor.isModified());
        auto got = editor.spec();
        QVERIFY(got);
        QCOMPARE(got->inputs[1].dtype, DType::Int32);
        QCOMPARE(got->inputs[0].shape, (QVector<qint64>{1, 3, 224, 224}));

        // A bad shape names its row.
        editor.setInput(0, QStringLiteral("1xAx3"), DType::Float32);
        auto bad = editor.spec();
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.startsWith(QStringLiteral("Input 1")), qPrintable(bad.error().message));

        // Enter in a shape asks for a check.
        QSignalSpy apply(&editor, &InputSpecEditor::applyRequested);
        auto* shape = editor.findChild<QLineEdit*>(QStringLiteral("inputShape1"));
        QTest::keyClick(shape, Qt::Key_Return);
        QCOMPARE(apply.count(), 1);
    }

    void bannerHidesWhenEmpty()
    {
        QWidget host;
        auto* banner = new MessageBanner(&host);
        host.show();
        banner->setMessages(MessageBanner::Kind::Warning, {QStringLiteral("load <high>"), QStringLiteral("qnnpack on x86")});
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(QStringLiteral("&lt;high&gt;"))); // escaped
        banner->setMessage(MessageBanner::Kind::Info, QString());
        QVERIFY(!banner->isVisible());
        // The tint follows a dark palette.
        host.setPalette(darkPalette());
        banner->setMessage(MessageBanner::Kind::Warning, QStringLiteral("x"));
        QVERIFY(banner->palette().color(QPalette::Window).lightness() < 100);
    }

    void liveViewFillsInFromUpdates()
    {
        BenchmarkLiveView view;
        view.resize(900, 600);
        view.show();
        RunConfig config;
        config.modelPath = QStringLiteral("/tmp/net.pt");
        config.variant = QStringLiteral("fp32");
        config.batch = 4;
        view.startRun(0, 2, config);
        QVERIFY(view.headline().contains(QStringLiteral("Run 1 of 2")));

        RunUpdate u;
        u.config = config;
        u.phase = Phase::Warmup;
        u.newWarmupMs = {5.0, 2.0, 2.0};
        u.newMemory.tUs = {0, 1000, 2000};
        u.newMemory.anonBytes = {100'000'000, 110'000'000, 120'000'000};
        u.newMemory.fileBytes = {10'000'000, 10'000'000, 10'000'000};
        u.newMemory.markers = {MemoryMarker{0, Phase::Load}, MemoryMarker{1, Phase::Warmup}};
        view.addUpdate(u);
        for (int i = 0; i < 20; ++i) {
            RunUpdate s;
            s.phase = Phase::Steady;
            s.steadyIterations = (i + 1) * 10;
            s.newLatencyMs = QVector<double>(10, 2.0 + 0.01 * i);
            s.newMemory.tUs = {3000 + i * 1000};
            s.newMemory.anonBytes = {115'000'000};
            s.newMemory.fileBytes = {10'000'000};
            view.addUpdate(s);
        }
        QCOMPARE(view.steadySamples(), 200);
        QCOMPARE(view.timeline()->warmupCount(), 3);
        QCOMPARE(view.histogram()->sampleCount(), 200);
        // Figures refresh on their own timer, not per update.
        auto* forwards = view.findChild<QLabel*>(QStringLiteral("figure_4"));
        QTRY_COMPARE_WITH_TIMEOUT(forwards->text(), QStringLiteral("200"), 2000);
        QCOMPARE(view.memory()->peakBytes(0), qint64(130'000'000));

        RunResult r;
        r.config = config;
        r.status = RunStatus::Complete;
        r.latencyMs = QVector<double>(200, 2.0);
        r.warmupLatencyMs = {5.0, 2.0, 2.0};
        r.finalize();
        view.finishRun(r);
        QCOMPARE(view.findChild<QLabel*>(QStringLiteral("figure_0"))->text(), QStringLiteral("2.00 ms"));
        QVERIFY(view.findChild<QLabel*>(QStringLiteral("livePhase"))->text().contains(QStringLiteral("complete")));
    }
};

QTEST_MAIN(TestUiWidgets)
#include "tst_uiwidgets.moc"
