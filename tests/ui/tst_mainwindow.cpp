// SPDX-License-Identifier: GPL-3.0-or-later
// The studio's first smoke test: the real main window, offscreen, opens the demo model and
// shows its layer table.
#include "ui/environmentpage.h"
#include "ui/inputspeceditor.h"
#include "ui/mainwindow.h"
#include "ui/modelspage.h"
#include "ui/studiocontext.h"

#include "core/model/layertablemodel.h"
#include "plots/layertypeplot.h"

#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QTableView>

#include "tests/support/testsupport.h"

using namespace qs;
using namespace qs::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_settings;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!test::demoDir().isEmpty(), "the demo_workspace fixture must run first");
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        QApplication::setOrganizationName(QStringLiteral("quantscope-test"));
    }

    void opensDemoAndShowsLayers()
    {
        StudioContext context;
        MainWindow window(&context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ModelsPage* page = window.modelsPage();
        QCOMPARE(window.currentPage(), page);

        QSignalSpy changed(&context, &StudioContext::modelChanged);
        context.openDemo(); // cached by the fixture: loads, inspects and probes on a worker
        QVERIFY(changed.wait(60000));
        QVERIFY(context.hasModel());
        QCOMPARE(context.model().info.params, qint64(207018));
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("fashion_cnn")));

        QTableView* table = page->layerTable();
        QVERIFY(table->isVisible());
        QCOMPARE(table->model()->rowCount(), 12);
        QCOMPARE(page->layerModel()->layer(0).name, QStringLiteral("conv1"));
        QCOMPARE(page->layerModel()->layer(0).outputShape, QStringLiteral("1x16x28x28"));
        auto* plot = page->findChild<plots::LayerTypePlot*>();
        QVERIFY(plot);
        QVERIFY(!plot->isEmpty());
        QCOMPARE(plot->rows().last().type, QStringLiteral("Linear"));

        // Filter the table like a user types into the box.
        auto* filter = page->findChild<QLineEdit*>(QStringLiteral("layerFilter"));
        QTest::keyClicks(filter, QStringLiteral("Conv2d"));
        QCOMPARE(table->model()->rowCount(), 2);
        filter->clear();

        // A wrong input spec shows the model's own complaint, naming the layer.
        InputSpecEditor* editor = page->inputEditor();
        QCOMPARE(editor->inputCount(), 1);
        auto* shape = editor->findChild<QLineEdit*>(QStringLiteral("inputShape0"));
        QCOMPARE(shape->text(), QStringLiteral("1x1x28x28"));
        QCOMPARE(editor->findChild<QComboBox*>(QStringLiteral("inputDtype0"))->currentText(), QStringLiteral("float32"));
        shape->setText(QStringLiteral("1x3x28x28"));
        QTest::keyClick(shape, Qt::Key_Return);
        QVERIFY(changed.wait(30000));
        auto* problem = page->findChild<QLabel*>(QStringLiteral("inputProblem"));
        QVERIFY2(problem->text().contains(QStringLiteral("conv1")), qPrintable(problem->text()));
        QVERIFY(problem->isVisible());
        QCOMPARE(table->model()->rowCount(), 12); // the model stays open

        // The environment page shows the fingerprint.
        window.showPage(window.environmentPage());
        QCOMPARE(window.currentPage(), window.environmentPage());
        QVERIFY(window.environmentPage()->fingerprint().engines.contains(QStringLiteral("onednn")));
        QVERIFY(context.recentFiles().value(0).endsWith(QStringLiteral("fashion_cnn.pt")));
    }

    void badFileShowsAnErrorAndKeepsRunning()
    {
        QTemporaryDir dir;
        QVERIFY(test::writeStateDict(dir.filePath(QStringLiteral("weights.pt"))));
        StudioContext context;
        MainWindow window(&context);
        window.show();
        QSignalSpy error(&context, &StudioContext::errorOccurred);
        context.openModel(dir.filePath(QStringLiteral("weights.pt")));
        QVERIFY(error.wait(30000));
        QVERIFY(!context.hasModel());
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorDialog"));
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("state_dict")), qPrintable(box->text()));
        box->close();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
