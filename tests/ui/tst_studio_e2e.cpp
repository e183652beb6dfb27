// SPDX-License-Identifier: GPL-3.0-or-later
// The studio end to end, offscreen, through its real widgets: open the demo model, quantize it
// with two schemes, benchmark FP32 and both variants, compare them, export an HTML report; then
// what the widgets and the run database hold. And closing the window during a benchmark: the
// run stops and is recorded as cancelled.
#include "ui/benchmarkpage.h"
#include "ui/comparepage.h"
#include "ui/comparisonview.h"
#include "ui/exportreportdialog.h"
#include "ui/mainwindow.h"
#include "ui/quantizepage.h"
#include "ui/runpickerproxy.h"
#include "ui/sessionrunmodel.h"
#include "ui/studiocontext.h"

#include "core/store/runtablemodel.h"
#include "core/store/store.h"
#include "plots/memorytimelineplot.h"
#include "plots/metricbarplot.h"
#include "plots/tradeoffplot.h"

#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTableView>

#include "tests/support/testsupport.h"

using namespace qs;
using namespace qs::ui;

namespace {
QVector<RunSummary> listRuns(const QString& db, const QString& kind)
{
    auto store = Store::open(db);
    if (!store)
        return {};
    RunFilter filter;
    filter.kind = kind;
    auto runs = (*store)->listRuns(filter);
    return runs ? *runs : QVector<RunSummary>{};
}
} // namespace

class TestStudioEndToEnd : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    void openDemo(StudioContext& context)
    {
        QSignalSpy changed(&context, &StudioContext::modelChanged);
        context.openDemo(); // cached by the fixture
        QVERIFY(changed.wait(60000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!test::demoDir().isEmpty(), "the demo_workspace fixture must run first");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QApplication::setOrganizationName(QStringLiteral("quantscope-test"));
        StudioContext::setVariantsDir(m_dir.filePath(QStringLiteral("variants")));
    }

    void quantizeBenchmarkCompareExport()
    {
        const QString db = m_dir.filePath(QStringLiteral("runs.sqlite"));
        StudioContext context;
        context.setDatabasePath(db);
        MainWindow window(&context);
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        openDemo(context);
        QSignalSpy recorded(&context, &StudioContext::runRecorded);

        // ---- quantize with two schemes ------------------------------------------------------
        QuantizePage* quantize = window.quantizePage();
        window.showPage(quantize);
        quantize->checkSchemes({QStringLiteral("dynamic-int8"), QStringLiteral("static-int8")});
        quantize->setCalibration(context.demo()->calibDataPath, 128);
        QSignalSpy quantized(quantize, &QuantizePage::quantizeFinished);
        QTest::mouseClick(quantize->findChild<QPushButton*>(QStringLiteral("startQuantize")), Qt::LeftButton);
        QVERIFY(quantized.wait(240000));
        QCOMPARE(context.variants().size(), 2);

        // ---- benchmark FP32 and both variants -----------------------------------------------
        BenchmarkPage* bench = window.benchmarkPage();
        window.showPage(bench);
        bench->checkVariants({QStringLiteral("fp32"), QStringLiteral("dynamic-int8"), QStringLiteral("static-int8")});
        bench->setBatches(QStringLiteral("1"));
        bench->setThreads(QStringLiteral("1"));
        bench->setMinimums(30, 0.3, 5);
        QSignalSpy benchmarked(bench, &BenchmarkPage::benchmarkFinished);
        QTest::mouseClick(bench->findChild<QPushButton*>(QStringLiteral("startBenchmark")), Qt::LeftButton);
        QVERIFY(bench->isRunning());
        QVERIFY(benchmarked.wait(300000));
        QCOMPARE(bench->runModel()->rowCount(), 3);
        for (const RunResult& r : context.runs())
            QVERIFY2(r.status == RunStatus::Complete, qPrintable(r.error));

        // Everything went into the run database as it finished: 2 quantize + 3 bench runs.
        QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 5, 10000);
        const QVector<RunSummary> quantizeRuns = listRuns(db, QStringLiteral("quantize"));
        QCOMPARE(quantizeRuns.size(), 2);
        const QVector<RunSummary> benchRuns = listRuns(db, QStringLiteral("bench"));
        QCOMPARE(benchRuns.size(), 3);
        QStringList schemes;
        for (const RunSummary& r : benchRuns) {
            QCOMPARE(r.status, RunStatus::Complete);
            QVERIFY(std::isfinite(r.metric(metric::LatencyP50Ms)));
            QVERIFY(r.sizeBytes > 0);
            schemes << r.scheme;
        }
        schemes.sort();
        QCOMPARE(schemes, (QStringList{QStringLiteral("dynamic-int8"), QStringLiteral("fp32"), QStringLiteral("static-int8")}));

        // ---- compare: check the three runs in the Compare page's list and press Compare -------
        ComparePage* compare = window.comparePage();
        window.showPage(compare);
        QAbstractItemModelTester tester(compare->picker(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        RunPickerProxy* picker = compare->picker();
        QTRY_COMPARE_WITH_TIMEOUT(picker->rowCount(), 3, 10000);
        for (int r = 0; r < picker->rowCount(); ++r)
            QVERIFY(picker->setData(picker->index(r, 0), Qt::Checked, Qt::CheckStateRole));
        qint64 fp32Id = 0;
        for (const RunSummary& r : benchRuns)
            fp32Id = r.scheme == QLatin1String("fp32") ? r.id : fp32Id;
        QCOMPARE(compare->baselineRunId(), fp32Id); // FP32 is offered as the baseline
        QSignalSpy shown(compare, &ComparePage::comparisonShown);
        QTest::mouseClick(compare->findChild<QPushButton*>(QStringLiteral("compareButton")), Qt::LeftButton);
        QVERIFY(shown.wait(20000));

        ComparisonView* view = compare->view();
        QCOMPARE(view->report().rows.size(), 3);
        QCOMPARE(view->report().rows[0].run.id, fp32Id);
        plots::MetricBarPlot* size = view->bars(ComparisonView::Size);
        for (int i = 1; i < 3; ++i)
            QVERIFY2(size->barLabel(i).contains(QStringLiteral("smaller")), qPrintable(size->barLabel(i)));
        plots::MetricBarPlot* latency = view->bars(ComparisonView::Latency);
        for (const plots::MetricBar& b : latency->bars()) {
            QVERIFY(b.value > 0);
            QVERIFY(b.whiskerHigh >= b.whiskerLow && b.whiskerLow >= b.value);
        }
        // Fidelity from the quantize runs (no evaluation ran): FP32 is its reference.
        plots::MetricBarPlot* accuracy = view->bars(ComparisonView::Accuracy);
        QVERIFY(!accuracy->isEmpty());
        for (int i = 1; i < 3; ++i)
            QVERIFY2(accuracy->bars()[i].value > 0.9 && accuracy->bars()[i].value <= 1.0, qPrintable(accuracy->barLabel(i)));
        QCOMPARE(view->accuracyVsLatency()->points().size(), 3);
        QVERIFY(!view->accuracyVsLatency()->front().isEmpty());
        QCOMPARE(view->memory()->seriesCount(), 3);
        for (int i = 0; i < 3; ++i)
            QVERIFY(view->memory()->peakBytes(i) > 0);

        // ---- export an HTML report through the dialog ---------------------------------------
        QTest::mouseClick(compare->findChild<QPushButton*>(QStringLiteral("exportReportButton")), Qt::LeftButton);
        auto* dialog = compare->findChild<ExportReportDialog*>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        const QString html = m_dir.filePath(QStringLiteral("report.html"));
        dialog->setOpenWhenWritten(false);
        dialog->setFormat(report::Format::Html);
        auto* path = dialog->findChild<QLineEdit*>(QStringLiteral("reportPath"));
        path->clear();
        QTest::keyClicks(path, html);
        QSignalSpy written(dialog, &ExportReportDialog::written);
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("reportExport")), Qt::LeftButton);
        QVERIFY(written.wait(30000));
        QFile file(html);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        for (const char* needle : {"dynamic-int8", "static-int8", "fp32"})
            QVERIFY2(text.contains(QLatin1String(needle)), needle);

        // The export only read the database.
        QCOMPARE(listRuns(db, QString()).size(), 5);
    }

    void closingDuringABenchmarkRecordsItCancelled()
    {
        const QString db = m_dir.filePath(QStringLiteral("close.sqlite"));
        StudioContext context;
        context.setDatabasePath(db);
        auto window = std::make_unique<MainWindow>(&context);
        window->show();
        openDemo(context);
        BenchmarkPage* bench = window->benchmarkPage();
        bench->checkVariants({QStringLiteral("fp32")});
        bench->setBatches(QStringLiteral("1"));
        bench->setMinimums(10000, 60.0, 5); // far longer than the test waits
        bench->start();
        QVERIFY(bench->isRunning());
        // Recorded as running once the run starts.
        QTRY_VERIFY_WITH_TIMEOUT(!listRuns(db, QStringLiteral("bench")).isEmpty(), 60000);
        QCOMPARE(listRuns(db, QStringLiteral("bench")).first().status, RunStatus::Running);

        QVERIFY(window->close()); // cancels and waits for the job
        QVERIFY(!context.jobs()->isBusy());
        const QVector<RunSummary> runs = listRuns(db, QStringLiteral("bench"));
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().status, RunStatus::Cancelled);
        QVERIFY(runs.first().finished.isValid());
        // It stopped at the close, long before its 60 s minimum.
        QVERIFY(runs.first().started.secsTo(runs.first().finished) < 60);
        QCOMPARE(context.runs().size(), 1);
        QCOMPARE(context.runs().first().status, RunStatus::Cancelled);
        window.reset();
    }
};

QTEST_MAIN(TestStudioEndToEnd)
#include "tst_studio_e2e.moc"
