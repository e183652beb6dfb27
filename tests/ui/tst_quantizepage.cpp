// SPDX-License-Identifier: GPL-3.0-or-later
// The Quantize page driven like a user: layers picked on the Models page stay in FP32, two
// schemes at once, progress, the coverage report of each variant.
#include "ui/coveragereport.h"
#include "ui/mainwindow.h"
#include "ui/messagebanner.h"
#include "ui/modelspage.h"
#include "ui/quantizepage.h"
#include "ui/studiocontext.h"
#include "ui/variantlistmodel.h"

#include "core/model/layertablemodel.h"

#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTableWidget>

#include "tests/support/testsupport.h"

using namespace qs;
using namespace qs::ui;

class TestQuantizePage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!test::demoDir().isEmpty(), "the demo_workspace fixture must run first");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QApplication::setOrganizationName(QStringLiteral("quantscope-test"));
        StudioContext::setVariantsDir(m_dir.filePath(QStringLiteral("variants")));
    }

    void quantizesTwoSchemesWithExclusions()
    {
        StudioContext context;
        MainWindow window(&context);
        window.show();
        QSignalSpy changed(&context, &StudioContext::modelChanged);
        context.openDemo();
        QVERIFY(changed.wait(60000));

        // Pick fc2 in the layer table and keep it in FP32, as a user would.
        ModelsPage* models = window.modelsPage();
        QTableView* table = models->layerTable();
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            if (table->model()->index(r, LayerTableModel::NameColumn).data().toString() == QStringLiteral("fc2"))
                table->selectRow(r);
        }
        QCOMPARE(models->selectedLayers(), QStringList{QStringLiteral("fc2")});
        QTest::mouseClick(models->findChild<QPushButton*>(QStringLiteral("keepFp32Button")), Qt::LeftButton);
        QCOMPARE(context.excludedLayers(), QStringList{QStringLiteral("fc2")});
        QVERIFY(models->findChild<QLabel*>(QStringLiteral("excludedLabel"))->text().contains(QStringLiteral("fc2")));

        QuantizePage* page = window.quantizePage();
        window.showPage(page);
        QAbstractItemModelTester tester(page->variantModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto* excluded = page->findChild<QListWidget*>(QStringLiteral("excludedLayers"));
        QCOMPARE(excluded->count(), 1);
        QCOMPARE(excluded->item(0)->text(), QStringLiteral("fc2"));
        // The demo's calibration set is preselected.
        QCOMPARE(page->findChild<QLineEdit*>(QStringLiteral("calibrationPath"))->text(), context.demo()->calibDataPath);

        page->checkSchemes({QStringLiteral("dynamic-int8"), QStringLiteral("static-int8")});
        auto opts = page->options();
        QVERIFY2(opts, opts ? "" : qPrintable(opts.error().message));
        QCOMPARE(opts->size(), 2);
        QCOMPARE(opts->at(0).excludes, QStringList{QStringLiteral("fc2")});

        QSignalSpy done(page, &QuantizePage::quantizeFinished);
        QSignalSpy ready(page, &QuantizePage::variantReady);
        QTest::mouseClick(page->findChild<QPushButton*>(QStringLiteral("startQuantize")), Qt::LeftButton);
        QVERIFY(page->isRunning());
        QVERIFY(!window.jobText().isEmpty()); // the status bar says what runs
        QVERIFY(done.wait(240000));
        QCOMPARE(ready.count(), 2);
        QCOMPARE(context.variants().size(), 2);
        QCOMPARE(page->variantModel()->rowCount(), 2);

        for (int r = 0; r < 2; ++r) {
            const Variant& v = page->variantModel()->variant(r);
            QVERIFY(QFileInfo::exists(v.artifactPath));
            QVERIFY(v.fileBytesAfter < v.fileBytesBefore);
            QVERIFY2(v.fidelity.measured && !v.fidelity.collapsed, qPrintable(v.fidelity.note));
            bool fc2Excluded = false;
            for (const Fp32Layer& l : v.coverage.fp32Layers)
                fc2Excluded = fc2Excluded || (l.name == QStringLiteral("fc2") && l.reason == Fp32Layer::Excluded);
            QVERIFY2(fc2Excluded, qPrintable(v.scheme));
        }

        // The coverage report of the selected variant lists fc2 as kept in FP32, and why.
        page->variantTable()->selectRow(0);
        CoverageReport* report = page->report();
        QVERIFY(report->summaryText().contains(QStringLiteral("smaller")));
        QTableWidget* fp32 = report->fp32Table();
        QStringList reasons;
        for (int r = 0; r < fp32->rowCount(); ++r)
            reasons << fp32->item(r, 0)->text() + QLatin1Char(':') + fp32->item(r, 2)->text();
        QVERIFY2(reasons.contains(QStringLiteral("fc2:excluded")), qPrintable(reasons.join(QLatin1Char(' '))));
        QVERIFY(report->typeTable()->rowCount() >= 1);
        QVERIFY(!report->banner()->isVisible() || report->banner()->kind() != MessageBanner::Kind::Error);
    }

    void badOptionsSayWhatToFix()
    {
        StudioContext context;
        MainWindow window(&context);
        QuantizePage* page = window.quantizePage();
        QVERIFY(!page->options()); // no model
        QSignalSpy changed(&context, &StudioContext::modelChanged);
        context.openDemo();
        QVERIFY(changed.wait(60000));
        page->checkSchemes({});
        QVERIFY(page->options().error().message.contains(QStringLiteral("scheme")));
        page->checkSchemes({QStringLiteral("static-int8")});
        page->setCalibration(QString(), 200); // "None"
        auto o = page->options();
        QVERIFY(!o);
        QVERIFY2(o.error().message.contains(QStringLiteral("calibration")), qPrintable(o.error().message));
        QVERIFY(!page->findChild<QPushButton*>(QStringLiteral("startQuantize"))->isEnabled());
    }
};

QTEST_MAIN(TestQuantizePage)
#include "tst_quantizepage.moc"
