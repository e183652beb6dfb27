// SPDX-License-Identifier: GPL-3.0-or-later
// The Layers page on the demo CNN, driven like a user: per-layer sensitivity (top-1 and SQNR)
// on a few hundred test images, the ranked chart and table, the accuracy-aware fallback with
// its steps, the weight and activation ranges with their histograms, cancellation.
#include "ui/fallbackstepmodel.h"
#include "ui/layerspage.h"
#include "ui/messagebanner.h"
#include "ui/rangetablemodel.h"
#include "ui/sensitivitytablemodel.h"
#include "ui/studiocontext.h"

#include "plots/sensitivityplot.h"
#include "plots/tradeoffplot.h"
#include "plots/valuehistogramplot.h"

#include <QtCore/QFileInfo>
#include <QtCore/QSortFilterProxyModel>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>

#include "tests/support/testsupport.h"

#include <cmath>

using namespace qs;
using namespace qs::ui;

class TestLayersPage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<StudioContext> m_context;
    std::unique_ptr<LayersPage> m_page;
    QString m_testData;

private Q_SLOTS:
    void initTestCase()
    {
        const QString demo = test::demoDir();
        QVERIFY2(!demo.isEmpty(), "the demo_workspace fixture must run first");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QApplication::setOrganizationName(QStringLiteral("quantscope-test"));
        StudioContext::setVariantsDir(m_dir.filePath(QStringLiteral("variants")));
        m_context = std::make_unique<StudioContext>();
        m_page = std::make_unique<LayersPage>(m_context.get());
        new QAbstractItemModelTester(m_page->sensitivityModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_page.get());
        new QAbstractItemModelTester(m_page->stepModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_page.get());
        new QAbstractItemModelTester(m_page->rangeModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_page.get());
        m_page->resize(1300, 850);
        m_page->show();
        QVERIFY(!m_page->findChild<QPushButton*>(QStringLiteral("rankLayers"))->isEnabled()); // no model yet
        QSignalSpy changed(m_context.get(), &StudioContext::modelChanged);
        m_context->openModel(demo + QStringLiteral("/fashion_cnn.pt"));
        QVERIFY(changed.wait(60000));
        m_testData = demo + QStringLiteral("/fashion_test.pt");
    }

    void cleanupTestCase()
    {
        m_page.reset();
        m_context.reset();
    }

    void offersTheDemoData()
    {
        auto* data = m_page->findChild<QLineEdit*>(QStringLiteral("diagnosisData"));
        QCOMPARE(QFileInfo(data->text()), QFileInfo(m_testData));
        QVERIFY(m_page->findChild<QPushButton*>(QStringLiteral("rankLayers"))->isEnabled());
        QVERIFY(m_page->sensitivityPlot()->isEmpty());
    }

    void ranksLayersByTop1()
    {
        m_page->setScheme(QStringLiteral("static-int8"));
        m_page->setMetric(DiagnosisMetric::Top1);
        m_page->setData(m_testData, 300);
        QSignalSpy ready(m_page.get(), &LayersPage::sensitivityReady);
        QSignalSpy finished(m_page.get(), &LayersPage::diagnosisFinished);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("rankLayers")), Qt::LeftButton);
        QVERIFY(m_page->isRunning());
        QVERIFY(finished.wait(600000));
        QVERIFY2(ready.size() == 1, qPrintable(m_page->findChild<MessageBanner*>(QStringLiteral("layersBanner"))->text()));
        const SensitivityResult r = ready.at(0).at(0).value<SensitivityResult>();
        QCOMPARE(r.metric, DiagnosisMetric::Top1);
        QCOMPARE(r.samples, 300);
        QVERIFY(r.layers.size() >= 2);

        // The table: one row per layer, ranked.
        const SensitivityTableModel* table = m_page->sensitivityModel();
        QCOMPARE(table->rowCount(), r.layers.size());
        for (int i = 0; i < table->rowCount(); ++i) {
            QCOMPARE(table->index(i, SensitivityTableModel::RankColumn).data().toInt(), r.layers[i].rank);
            QCOMPARE(table->index(i, SensitivityTableModel::LayerColumn).data().toString(), r.layers[i].name);
            if (r.layers[i].quantized) {
                const double drop = table->index(i, SensitivityTableModel::CostColumn).data(SensitivityTableModel::SortRole).toDouble();
                QVERIFY(std::abs(drop - r.layers[i].figures.top1DropPoints.value_or(qQNaN())) < 1e-9);
            }
        }
        QCOMPARE(table->headerData(SensitivityTableModel::CostColumn, Qt::Horizontal).toString(), QStringLiteral("Top-1 drop (pt)"));

        // The chart: every quantized layer, the most sensitive on top (plotted last).
        const auto scores = m_page->sensitivityPlot()->scores();
        int quantized = 0;
        for (const LayerSensitivity& l : r.layers)
            quantized += l.quantized ? 1 : 0;
        QCOMPARE(scores.size(), quantized);
        QVERIFY(!m_page->sensitivityPlot()->isEmpty());
        QCOMPARE(scores.last().layer, r.layers.first().name);
        for (int i = 1; i < scores.size(); ++i)
            QVERIFY(scores[i - 1].value <= scores[i].value);

        // The summary says what was measured and what FP32 scored.
        const QString summary = m_page->summary()->text();
        QVERIFY2(summary.contains(QStringLiteral("static-int8")) && summary.contains(QStringLiteral("FP32 top-1"))
                     && summary.contains(r.layers.first().name),
                 qPrintable(summary));
        QCOMPARE(m_page->tabs()->currentIndex(), 0);
    }

    void findsAFallbackWithItsSteps()
    {
        // SQNR against FP32 falls with every quantized layer: a high bar forces layers back to FP32.
        m_page->setMetric(DiagnosisMetric::Sqnr);
        m_page->setData(m_testData, 200);
        QSignalSpy ranked(m_page.get(), &LayersPage::sensitivityReady);
        QSignalSpy finished(m_page.get(), &LayersPage::diagnosisFinished);
        m_page->analyze();
        QVERIFY(finished.wait(600000));
        QCOMPARE(ranked.size(), 1);
        const SensitivityResult s = ranked.at(0).at(0).value<SensitivityResult>();
        QCOMPARE(s.metric, DiagnosisMetric::Sqnr);
        const double allSqnr = s.allQuantized.sqnrDb;
        QVERIFY(std::isfinite(allSqnr));

        m_page->setBudget(std::floor(allSqnr) + 6); // 6 dB cleaner than all-INT8
        QSignalSpy found(m_page.get(), &LayersPage::fallbackReady);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("findFallback")), Qt::LeftButton);
        QVERIFY(finished.wait(600000));
        QVERIFY2(found.size() == 1, qPrintable(m_page->findChild<MessageBanner*>(QStringLiteral("layersBanner"))->text()));
        const FallbackResult f = found.at(0).at(0).value<FallbackResult>();
        QVERIFY(f.steps.size() >= 2);
        QCOMPARE(f.steps.first().action, QStringLiteral("quantize every layer"));
        QVERIFY(!f.steps.first().withinBudget);

        // The steps table: one row per step, each later step naming its layer.
        const FallbackStepModel* steps = m_page->stepModel();
        QCOMPARE(steps->rowCount(), f.steps.size());
        for (int i = 1; i < steps->rowCount(); ++i) {
            QVERIFY(!f.steps[i].layer.isEmpty());
            QVERIFY(steps->index(i, FallbackStepModel::ActionColumn).data().toString().contains(f.steps[i].layer));
        }
        QCOMPARE(steps->index(0, FallbackStepModel::BudgetColumn).data().toString(), QStringLiteral("outside"));
        QCOMPARE(steps->headerData(FallbackStepModel::ResultColumn, Qt::Horizontal).toString(), QStringLiteral("SQNR"));

        // Kept layers are marked in the ranking, its chart and the verdict.
        const SensitivityTableModel* table = m_page->sensitivityModel();
        int kept = 0;
        for (int i = 0; i < table->rowCount(); ++i) {
            const bool isKept = f.fp32Layers.contains(table->index(i, 0).data(SensitivityTableModel::LayerNameRole).toString());
            QCOMPARE(table->index(i, 0).data(SensitivityTableModel::KeptRole).toBool(), isKept);
            kept += isKept ? 1 : 0;
        }
        QCOMPARE(kept, f.fp32Layers.size());
        int keptBars = 0;
        for (const auto& score : m_page->sensitivityPlot()->scores())
            keptBars += score.keptFp32 ? 1 : 0;
        QCOMPARE(keptBars, f.fp32Layers.size());
        int accepted = 0;
        for (const FallbackStep& st : f.steps)
            accepted += st.accepted && std::isfinite(FallbackStepModel::figure(st, f.metric)) && st.figures.fileBytes > 0 ? 1 : 0;
        QCOMPARE(m_page->stepPlot()->points().size(), accepted);
        QVERIFY(accepted >= 1);
        QCOMPARE(m_page->fallbackBanner()->kind(), f.met ? MessageBanner::Kind::Positive : MessageBanner::Kind::Warning);
        for (const QString& layer : f.fp32Layers)
            QVERIFY2(m_page->fallbackBanner()->text().contains(layer), qPrintable(m_page->fallbackBanner()->text()));
        QCOMPARE(m_page->tabs()->currentIndex(), 1);
    }

    // The plotted histogram is the row's: same counts, same extent, the scheme's range as its lines.
    static void checkPlotShowsRow(const LayersPage& page, int row)
    {
        const plots::ValueHistogram want = page.rangeModel()->histogram(row);
        const plots::ValueHistogram& shown = page.histogramPlot()->histogram();
        QCOMPARE(shown.title, want.title);
        QCOMPARE(shown.counts, want.counts);
        QCOMPARE(shown.lo, want.lo);
        QCOMPARE(shown.hi, want.hi);
        QVERIFY(!page.histogramPlot()->isEmpty());
    }

    void showsWeightAndActivationRanges()
    {
        m_page->setScheme(QStringLiteral("static-int8"));
        m_page->setData(m_testData, 300);
        m_page->setBins(48);
        QSignalSpy ready(m_page.get(), &LayersPage::rangesReady);
        QSignalSpy finished(m_page.get(), &LayersPage::diagnosisFinished);
        QTest::mouseClick(m_page->findChild<QPushButton*>(QStringLiteral("showRanges")), Qt::LeftButton);
        QVERIFY(m_page->isRunning());
        QVERIFY(finished.wait(600000));
        QVERIFY2(ready.size() == 1, qPrintable(m_page->findChild<MessageBanner*>(QStringLiteral("layersBanner"))->text()));
        const LayerDiagnosis r = ready.at(0).at(0).value<LayerDiagnosis>();
        QCOMPARE(r.scheme, QStringLiteral("static-int8"));
        QCOMPARE(r.bins, 48);
        QVERIFY(r.weights.size() >= 2);
        QVERIFY(!r.activations.isEmpty()); // static INT8 ranges activations on the calibration set
        QVERIFY2(r.calibrationSource.contains(QStringLiteral("calib")), qPrintable(r.calibrationSource)); // the demo's training images

        // One row per weight, then per activation, in model order; their numbers as the diagnosis has them.
        const RangeTableModel* model = m_page->rangeModel();
        QCOMPARE(model->rowCount(), r.weights.size() + r.activations.size());
        for (int i = 0; i < r.weights.size(); ++i) {
            QCOMPARE(model->index(i, RangeTableModel::TensorColumn).data().toString(), r.weights[i].tensor);
            QCOMPARE(model->index(i, RangeTableModel::KindColumn).data().toString(), QStringLiteral("weight"));
            QCOMPARE(model->index(i, 0).data(RangeTableModel::QuantizedRole).toBool(), r.weights[i].quantized);
            QCOMPARE(model->histogram(i).counts.size(), 48);
        }
        const int a0 = int(r.weights.size());
        for (int i = 0; i < r.activations.size(); ++i) {
            const ActivationDiagnosis& a = r.activations[i];
            QCOMPARE(model->index(a0 + i, RangeTableModel::KindColumn).data().toString(), QStringLiteral("activation"));
            QCOMPARE(model->index(a0 + i, RangeTableModel::SqnrColumn).data(RangeTableModel::SortRole).toDouble(), a.sqnrDb);
            const plots::ValueHistogram h = model->histogram(a0 + i);
            QCOMPARE(h.rangeLo, a.range.clipMin);
            QCOMPARE(h.rangeHi, a.range.clipMax);
            double total = 0;
            for (double c : h.counts)
                total += c;
            QCOMPARE(qint64(total), a.histogram.total());
            QVERIFY(a.histogram.total() > 0);
        }

        // The page opens on the tensor the scheme hurts most, its histogram plotted with the range.
        QCOMPARE(m_page->tabs()->currentIndex(), 2);
        const int worst = model->worstRow();
        QVERIFY(worst >= 0);
        for (int i = 0; i < model->rowCount(); ++i) {
            if (model->index(i, 0).data(RangeTableModel::QuantizedRole).toBool())
                QVERIFY(model->index(i, RangeTableModel::SqnrColumn).data(RangeTableModel::SortRole).toDouble()
                        >= model->index(worst, RangeTableModel::SqnrColumn).data(RangeTableModel::SortRole).toDouble());
        }
        QTableView* table = m_page->rangeTable();
        auto* proxy = qobject_cast<QSortFilterProxyModel*>(table->model());
        QVERIFY(proxy);
        QCOMPARE(proxy->mapToSource(table->currentIndex()).row(), worst);
        checkPlotShowsRow(*m_page, worst);
        QVERIFY(std::isfinite(m_page->histogramPlot()->histogram().rangeLo));
        const QString summary = m_page->rangeSummary()->text();
        QVERIFY2(summary.contains(model->index(worst, RangeTableModel::TensorColumn).data().toString().toHtmlEscaped())
                     && summary.contains(QStringLiteral("observer")),
                 qPrintable(summary));

        // Picking another row, as a user clicks it, plots that one.
        const QModelIndex activation = proxy->mapFromSource(model->index(a0 == worst ? a0 + 1 < model->rowCount() ? a0 + 1 : 0 : a0, 0));
        table->setCurrentIndex(activation);
        checkPlotShowsRow(*m_page, proxy->mapToSource(activation).row());
        // Sorting by SQNR puts the worst first and keeps the plot on the picked row.
        table->sortByColumn(RangeTableModel::SqnrColumn, Qt::AscendingOrder);
        QCOMPARE(proxy->mapToSource(proxy->index(0, 0)).row(), worst);
        checkPlotShowsRow(*m_page, proxy->mapToSource(table->currentIndex()).row());
        auto* log = m_page->findChild<QCheckBox*>(QStringLiteral("histogramLog"));
        QVERIFY(log->isChecked());
        log->click();
        QVERIFY(!m_page->histogramPlot()->isEmpty());

        // A weight-only scheme: weights with their per-block ranges (one block a row: per channel), no activations.
        m_page->setScheme(QStringLiteral("weight-int4"));
        ready.clear();
        m_page->showRanges();
        QVERIFY(finished.wait(600000));
        QCOMPARE(ready.size(), 1);
        const LayerDiagnosis w = ready.at(0).at(0).value<LayerDiagnosis>();
        QVERIFY(w.activations.isEmpty());
        QCOMPARE(model->rowCount(), w.weights.size());
        for (int i = 0; i < w.weights.size(); ++i) {
            if (w.weights[i].quantized)
                QVERIFY(w.weights[i].range.kind == QuantRange::Kind::PerBlock || w.weights[i].range.kind == QuantRange::Kind::PerChannel);
        }
        checkPlotShowsRow(*m_page, model->worstRow());
        m_page->setScheme(QStringLiteral("static-int8"));
    }

    void cancels()
    {
        m_page->setMetric(DiagnosisMetric::Top1);
        m_page->setData(m_testData, 10000);
        const int rowsBefore = m_page->sensitivityModel()->rowCount();
        QSignalSpy finished(m_page.get(), &LayersPage::diagnosisFinished);
        QSignalSpy ready(m_page.get(), &LayersPage::sensitivityReady);
        m_page->analyze();
        auto* cancel = m_page->findChild<QPushButton*>(QStringLiteral("cancelDiagnosis"));
        QTRY_VERIFY_WITH_TIMEOUT(cancel->isEnabled(), 60000); // the data is read, the job runs
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(finished.wait(120000));
        QCOMPARE(ready.size(), 0);
        QVERIFY(m_page->findChild<MessageBanner*>(QStringLiteral("layersBanner"))->text().contains(QStringLiteral("Cancelled")));
        QCOMPARE(m_page->sensitivityModel()->rowCount(), rowsBefore);
        QVERIFY(!m_page->isRunning());
    }
};

QTEST_MAIN(TestLayersPage)
#include "tst_layerspage.moc"
