// SPDX-License-Identifier: GPL-3.0-or-later
// The Compare page on a run database made by the test: picking runs and a baseline, the figures
// and ratios every chart shows, Pareto fronts, memory overlays, environment differences, noisy
// runs, and the Export report dialog.
#include "ui/comparepage.h"
#include "ui/comparisonview.h"
#include "ui/exportreportdialog.h"
#include "ui/runpickerproxy.h"
#include "ui/studiocontext.h"

#include "core/store/runtablemodel.h"
#include "core/store/store.h"
#include "plots/memorytimelineplot.h"
#include "plots/metricbarplot.h"
#include "plots/tradeoffplot.h"
#include "tests/support/runfixtures.h"

#include <QtCore/QJsonArray>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTreeWidget>

using namespace qs;
using namespace qs::ui;

class TestComparePage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    RunRecord m_fp32, m_dynamic, m_static, m_otherModel;

    QString dbPath() const { return m_dir.filePath(QStringLiteral("runs.sqlite")); }

private Q_SLOTS:
    void initTestCase()
    {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QApplication::setOrganizationName(QStringLiteral("quantscope-test"));

        auto store = Store::open(dbPath());
        QVERIFY(store);
        m_fp32 = test::makeRun(3, 400, 300);
        m_dynamic = test::makeRun(6, 400, 300, QStringLiteral("dynamic-int8"));
        m_static = test::makeRun(9, 400, 300, QStringLiteral("static-int8"));
        // static-int8 ran with 2 threads under load and was flagged noisy: the page must say so.
        m_static.config.insert(QStringLiteral("threads"), 2);
        m_static.fingerprint.insert(QStringLiteral("blas"), QStringLiteral("reference BLAS"));
        m_static.metrics.insert(metric::Noisy, 1);
        m_static.result.insert(QStringLiteral("noise_reasons"), QJsonArray{QStringLiteral("IQR/median 14% > 10%")});
        m_otherModel = test::makeRun(12, 100, 0, QStringLiteral("fp32"), QStringLiteral("other.pt"));
        for (RunRecord* r : {&m_fp32, &m_dynamic, &m_static, &m_otherModel})
            QVERIFY((*store)->recordRun(*r));
        RunRecord e0 = test::makeEvalRun(3, 91.2);
        RunRecord e1 = test::makeEvalRun(6, 91.0, QStringLiteral("dynamic-int8"));
        RunRecord e2 = test::makeEvalRun(9, 90.1, QStringLiteral("static-int8"));
        for (RunRecord* r : {&e0, &e1, &e2})
            QVERIFY((*store)->recordRun(*r));
    }

    void pickerModel()
    {
        StudioContext context;
        context.setDatabasePath(dbPath());
        ComparePage page(&context);
        QAbstractItemModelTester sourceTester(page.runModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester tester(page.picker(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reloaded(&page, &ComparePage::runsReloaded);
        QVERIFY(reloaded.wait(10000));
        QCOMPARE(page.runModel()->rowCount(), 7);
        RunPickerProxy* picker = page.picker();
        QCOMPARE(picker->rowCount(), 4); // benchmarks only
        QVERIFY(picker->flags(picker->index(0, 0)) & Qt::ItemIsUserCheckable);
        QVERIFY(!(picker->flags(picker->index(0, 1)) & Qt::ItemIsUserCheckable));

        // Checks follow the run, not the row: sorting and filtering keep them.
        QSignalSpy checked(picker, &RunPickerProxy::checkedChanged);
        int row = -1;
        for (int r = 0; r < picker->rowCount(); ++r)
            row = picker->runId(r) == m_dynamic.id ? r : row;
        QVERIFY(picker->setData(picker->index(row, 0), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(checked.size(), 1);
        picker->sort(RunTableModel::P50Column, Qt::AscendingOrder);
        picker->setText(QStringLiteral("dynamic"));
        QCOMPARE(picker->rowCount(), 1);
        QCOMPARE(picker->index(0, 0).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        picker->setText(QString());
        QCOMPARE(page.checkedRunIds(), QList<qint64>{m_dynamic.id});

        // The baseline list offers the checked runs, FP32 first choice.
        picker->setCheckedRunIds({m_dynamic.id, m_fp32.id});
        auto* baseline = page.findChild<QComboBox*>(QStringLiteral("compareBaseline"));
        QCOMPARE(baseline->count(), 2);
        QCOMPARE(page.baselineRunId(), m_fp32.id);

        page.findChild<QCheckBox*>()->setChecked(false); // all kinds
        QCOMPARE(picker->rowCount(), 7);
    }

    void comparesAgainstTheBaseline()
    {
        StudioContext context;
        context.setDatabasePath(dbPath());
        ComparePage page(&context);
        page.resize(1400, 900);
        page.show();
        QSignalSpy shown(&page, &ComparePage::comparisonShown);
        // As the History page asks for it: through the context's signal (the main window
        // connects it); here the page is called directly.
        page.compare(m_fp32.id, {m_dynamic.id, m_static.id});
        QVERIFY(shown.wait(10000));
        QCOMPARE(page.baselineRunId(), m_fp32.id);
        QCOMPARE(page.checkedRunIds().size(), 3);

        ComparisonView* view = page.view();
        QCOMPARE(view->report().rows.size(), 3);
        QVERIFY(view->report().rows[0].isBaseline);

        // Every figure: one bar per run, the baseline's, and the ratio to it in the label.
        plots::MetricBarPlot* size = view->bars(ComparisonView::Size);
        QCOMPARE(size->bars().size(), 3);
        QVERIFY(size->bars()[0].baseline);
        QCOMPARE(size->bars()[1].value, double(m_dynamic.variant.artifactBytes));
        QVERIFY2(size->barLabel(1).contains(QStringLiteral("smaller")), qPrintable(size->barLabel(1)));
        QVERIFY(size->barLabel(0).contains(QStringLiteral("baseline")));

        plots::MetricBarPlot* latency = view->bars(ComparisonView::Latency);
        QCOMPARE(latency->bars()[1].value, m_dynamic.metric(metric::LatencyP50Ms));
        QCOMPARE(latency->bars()[1].whiskerLow, m_dynamic.metric(metric::LatencyP90Ms));
        QCOMPARE(latency->bars()[1].whiskerHigh, m_dynamic.metric(metric::LatencyP99Ms));
        QVERIFY2(latency->barLabel(1).contains(QStringLiteral("faster")), qPrintable(latency->barLabel(1)));

        QCOMPARE(view->bars(ComparisonView::Throughput)->bars()[2].value, m_static.metric(metric::ThroughputPerS));
        QCOMPARE(view->bars(ComparisonView::PeakMemory)->bars()[0].value, m_fp32.metric(metric::PeakMb) * 1024 * 1024);
        QCOMPARE(view->bars(ComparisonView::Cpu)->bars()[0].value, m_fp32.metric(metric::CpuPercent));

        // Accuracy from each variant's evaluation run, compared by difference.
        plots::MetricBarPlot* acc = view->bars(ComparisonView::Accuracy);
        QCOMPARE(acc->metric().title, QStringLiteral("Top-1 accuracy"));
        QCOMPARE(acc->bars()[2].value, 90.1);
        QVERIFY2(acc->barLabel(2).contains(QStringLiteral("1.10 pt")), qPrintable(acc->barLabel(2)));

        // The noisy run is marked wherever it shows.
        QVERIFY(!latency->bars()[1].noisy);
        QVERIFY(latency->bars()[2].noisy);
        QVERIFY(latency->barLabel(2).contains(QStringLiteral("noisy")));
        QVERIFY(view->accuracyVsLatency()->points()[2].noisy);

        // Trade-offs: both quantized variants beat FP32 on latency and lose accuracy, so all
        // three are on the accuracy-vs-latency front; dynamic is smaller than FP32 and more
        // accurate than static... every point here is a real trade-off.
        QCOMPARE(view->accuracyVsLatency()->points().size(), 3);
        QVERIFY(!view->accuracyVsLatency()->isEmpty());
        QCOMPARE(view->sizeVsAccuracy()->points()[0].x, double(m_fp32.variant.artifactBytes));
        QVERIFY(!view->sizeVsAccuracy()->front().isEmpty());

        // Memory timelines overlaid, one series per run, with their peaks.
        QCOMPARE(view->memory()->seriesCount(), 3);
        QVERIFY(view->memory()->peakBytes(0) > 0);
        QVERIFY(!view->memory()->isEmpty());

        // Environment differences highlighted under the run that has them.
        QTreeWidget* diff = view->differences();
        QTreeWidgetItem* staticItem = nullptr;
        for (int i = 0; i < diff->topLevelItemCount(); ++i) {
            if (diff->topLevelItem(i)->text(0).startsWith(QStringLiteral("static-int8")))
                staticItem = diff->topLevelItem(i);
        }
        QVERIFY(staticItem);
        QStringList lines;
        for (int i = 0; i < staticItem->childCount(); ++i)
            lines << staticItem->child(i)->text(1);
        const QString all = lines.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("threads: 1 -> 2")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("blas"), Qt::CaseInsensitive), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("IQR")), qPrintable(all));
        auto* verdicts = view->findChild<QLabel*>(QStringLiteral("comparisonVerdicts"));
        QVERIFY(verdicts->text().contains(QStringLiteral("smaller")));

        // Another baseline: ratios turn around.
        page.compare(m_dynamic.id, {m_fp32.id});
        QVERIFY(shown.wait(10000));
        QCOMPARE(view->report().rows.size(), 2);
        QVERIFY(view->bars(ComparisonView::Size)->barLabel(1).contains(QStringLiteral("larger")));
    }

    void unknownRunSaysSo()
    {
        StudioContext context;
        context.setDatabasePath(dbPath());
        ComparePage page(&context);
        QSignalSpy failed(&page, &ComparePage::comparisonFailed);
        page.compare(987654, {m_fp32.id});
        QVERIFY(failed.wait(10000));
        QVERIFY2(failed.first().first().value<Error>().message.contains(QStringLiteral("987654")),
                 qPrintable(failed.first().first().value<Error>().message));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("compareStatus"))->text().contains(QStringLiteral("987654")));
        QVERIFY(page.view()->report().rows.isEmpty());
    }

    void exportsEveryFormat_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("needle");
        QTest::newRow("html") << int(report::Format::Html) << QStringLiteral("dynamic-int8");
        QTest::newRow("markdown") << int(report::Format::Markdown) << QStringLiteral("dynamic-int8");
        QTest::newRow("csv") << int(report::Format::Csv) << QStringLiteral("dynamic-int8");
        QTest::newRow("json") << int(report::Format::Json) << QStringLiteral("\"rows\"");
        QTest::newRow("pdf") << int(report::Format::Pdf) << QStringLiteral("%PDF");
    }

    void exportsEveryFormat()
    {
        QFETCH(int, format);
        QFETCH(QString, needle);
        auto store = Store::open(dbPath());
        QVERIFY(store);
        auto report = buildReport(**store, {m_dynamic.id, m_static.id}, m_fp32.id);
        QVERIFY(report);
        ExportReportDialog dialog(*report);
        dialog.setOpenWhenWritten(false);
        dialog.setFormat(report::Format(format));
        // The file name follows the format.
        QVERIFY2(dialog.path().endsWith(QLatin1Char('.') + report::extension(report::Format(format))), qPrintable(dialog.path()));
        const QString path = m_dir.filePath(QStringLiteral("out.") + report::extension(report::Format(format)));
        dialog.setPath(path);
        dialog.setReportTitle(QStringLiteral("Release check"));
        QSignalSpy written(&dialog, &ExportReportDialog::written);
        dialog.accept();
        QVERIFY(written.wait(30000));
        QCOMPARE(written.first().first().toString(), path);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY2(bytes.contains(needle.toUtf8()), bytes.left(300).constData());
        if (format != int(report::Format::Pdf) && format != int(report::Format::Csv))
            QVERIFY(bytes.contains("Release check"));
    }

    void exportDialogKeepsFormatAndNameInStep()
    {
        auto store = Store::open(dbPath());
        QVERIFY(store);
        auto report = buildReport(**store, {m_dynamic.id}, m_fp32.id);
        QVERIFY(report);
        ExportReportDialog dialog(*report);
        dialog.setOpenWhenWritten(false);
        dialog.setFormat(report::Format::Html);
        dialog.setPath(m_dir.filePath(QStringLiteral("typed.md")));
        QCOMPARE(dialog.format(), report::Format::Markdown);
        dialog.setFormat(report::Format::Csv);
        QCOMPARE(QFileInfo(dialog.path()).fileName(), QStringLiteral("typed.csv"));

        // An unwritable place: the dialog says why and stays open, nothing is written.
        const QString bad = m_dir.filePath(QStringLiteral("no/such/folder/r.csv"));
        dialog.setPath(bad);
        QSignalSpy failed(&dialog, &ExportReportDialog::failed);
        dialog.accept();
        QVERIFY(failed.wait(10000));
        QVERIFY(!QFileInfo::exists(bad));
        QVERIFY(!dialog.findChild<QLabel*>(QStringLiteral("reportMessage"))->text().isEmpty());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }
};

QTEST_MAIN(TestComparePage)
#include "tst_comparepage.moc"
