// SPDX-License-Identifier: GPL-3.0-or-later
// The History page driven like a user on a real run database filled through the Store API:
// filters (against what Store::listRuns() gives for the same filter), sorting, tags, notes,
// delete with its confirmation, compare/export of a selection, re-run into the Benchmark and
// Quantize pages, and a change made by another process (quantscope-cli) showing up by itself.
#include "ui/benchmarkpage.h"
#include "ui/comparepage.h"
#include "ui/exportreportdialog.h"
#include "ui/historyloader.h"
#include "ui/historypage.h"
#include "ui/mainwindow.h"
#include "ui/messagebanner.h"
#include "ui/quantizepage.h"
#include "ui/runfilterproxy.h"
#include "ui/studiocontext.h"

#include "core/bench/benchmarkjob.h"
#include "core/store/benchrecord.h"
#include "core/store/quantizerecord.h"
#include "core/store/runtablemodel.h"

#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QInputDialog>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTableView>

#include "tests/support/runfixtures.h"
#include "tests/support/testsupport.h"

#include <functional>

using namespace qs;
using namespace qs::ui;

namespace {

/// Calls \a act on the next modal dialog of type T once it shows (dialogs run their own loop).
template<typename T>
void answerDialog(std::function<void(T*)> act)
{
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, act] {
        if (auto* d = qobject_cast<T*>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            act(d);
        }
    });
    timer->start();
}

QSet<qint64> ids(const QVector<RunSummary>& runs)
{
    QSet<qint64> s;
    for (const RunSummary& r : runs)
        s.insert(r.id);
    return s;
}

} // namespace

class TestHistoryPage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<StudioContext> m_context;
    std::unique_ptr<BenchmarkPage> m_bench;
    std::unique_ptr<QuantizePage> m_quantize;
    std::unique_ptr<HistoryPage> m_page;

    QSet<qint64> shownIds() const
    {
        QSet<qint64> s;
        for (int r = 0; r < m_page->proxy()->rowCount(); ++r)
            s.insert(m_page->proxy()->index(r, 0).data(RunTableModel::RunIdRole).toLongLong());
        return s;
    }

    /// Waits until the page shows what the database holds now.
    bool settle()
    {
        if (m_page->loader()->isBusy()) {
            QSignalSpy idle(m_page->loader(), &HistoryLoader::idle);
            if (!idle.wait(10000))
                return false;
        }
        return true;
    }

    qint64 storeId(const QString& scheme, const QString& model)
    {
        RunFilter f;
        auto runs = m_store->listRuns(f);
        for (const RunSummary& r : *runs) {
            if (r.scheme == scheme && r.modelName == model && r.kind == QLatin1String("bench"))
                return r.id;
        }
        return 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QApplication::setOrganizationName(QStringLiteral("quantscope-test"));
        m_db = m_dir.filePath(QStringLiteral("runs.db"));
        auto store = Store::open(m_db);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        m_store = std::move(*store);

        // 24 benchmarks of two models and four schemes, evaluations, tags, notes, a failed run.
        const QStringList schemes{QStringLiteral("fp32"), QStringLiteral("dynamic-int8"), QStringLiteral("static-int8"),
                                  QStringLiteral("weight-int4")};
        for (int i = 0; i < 24; ++i) {
            RunRecord r = test::makeRun(quint32(i + 1), 50, 20, schemes[i % 4], i < 12 ? QStringLiteral("resnet.pt") : QStringLiteral("bert.pt"));
            if (i == 5) {
                r.status = RunStatus::Failed;
                r.error = QStringLiteral("out of memory");
            }
            if (i % 3 == 0)
                r.tags = {QStringLiteral("baseline")};
            if (i == 7)
                r.note = QStringLiteral("after the BLAS upgrade");
            QVERIFY(m_store->recordRun(r));
        }
        for (int i = 0; i < 4; ++i) {
            RunRecord e = test::makeEvalRun(quint32(100 + i), 90.0 - i, schemes[i]);
            QVERIFY(m_store->recordRun(e));
        }

        m_context = std::make_unique<StudioContext>();
        m_context->setDatabasePath(m_db);
        m_bench = std::make_unique<BenchmarkPage>(m_context.get());
        m_quantize = std::make_unique<QuantizePage>(m_context.get());
        m_page = std::make_unique<HistoryPage>(m_context.get());
        m_page->setRerunPages(m_bench.get(), m_quantize.get());
        new QAbstractItemModelTester(m_page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_page.get());
        new QAbstractItemModelTester(m_page->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_page.get());
        m_page->resize(1300, 800);
        m_page->show();
        QVERIFY(settle());
    }

    void cleanupTestCase()
    {
        m_page.reset();
        m_quantize.reset();
        m_bench.reset();
        m_context.reset();
    }

    void init()
    {
        m_page->filterEdit()->clear();
        m_page->tagFilter()->setCurrentIndex(0);
        m_page->kindFilter()->setCurrentIndex(0);
        m_page->statusFilter()->setCurrentIndex(0);
        m_page->table()->clearSelection();
    }

    void listsEveryRun()
    {
        auto count = m_store->runCount();
        QCOMPARE(m_page->model()->rowCount(), *count);
        QCOMPARE(m_page->proxy()->rowCount(), *count);
        QVERIFY(m_page->findChild<QLabel*>(QStringLiteral("historyCount"))->text().contains(QString::number(*count)));
        // Newest first by default.
        const QModelIndex first = m_page->proxy()->index(0, RunTableModel::StartedColumn);
        const QModelIndex last = m_page->proxy()->index(m_page->proxy()->rowCount() - 1, RunTableModel::StartedColumn);
        QVERIFY(first.data(RunTableModel::SortRole).toLongLong() >= last.data(RunTableModel::SortRole).toLongLong());
    }

    void filtersLikeTheStore_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("status");
        QTest::newRow("model name") << "bert" << "" << "" << "";
        QTest::newRow("scheme, any case") << "INT8" << "" << "" << "";
        QTest::newRow("engine") << "onednn" << "" << "" << "";
        QTest::newRow("note text") << "blas up" << "" << "" << "";
        QTest::newRow("tag text") << "basel" << "" << "" << "";
        QTest::newRow("tag combo") << "" << "baseline" << "" << "";
        QTest::newRow("kind combo") << "" << "" << "eval" << "";
        QTest::newRow("status combo") << "" << "" << "" << "failed";
        QTest::newRow("all together") << "resnet" << "baseline" << "bench" << "complete";
        QTest::newRow("nothing matches") << "no such model" << "" << "" << "";
    }

    void filtersLikeTheStore()
    {
        QFETCH(QString, text);
        QFETCH(QString, tag);
        QFETCH(QString, kind);
        QFETCH(QString, status);
        QTest::keyClicks(m_page->filterEdit(), text);
        for (auto [box, value] : {std::pair{m_page->tagFilter(), tag}, std::pair{m_page->kindFilter(), kind},
                                  std::pair{m_page->statusFilter(), status}}) {
            const int i = box->findData(value);
            QVERIFY2(i >= 0, qPrintable(value));
            box->setCurrentIndex(i);
        }
        RunFilter f;
        f.text = text;
        f.tag = tag;
        f.kind = kind;
        f.status = parseRunStatus(status);
        auto expected = m_store->listRuns(f);
        QVERIFY(expected);
        QCOMPARE(shownIds(), ids(*expected));
        if (text == QLatin1String("no such model"))
            QCOMPARE(m_page->proxy()->rowCount(), 0);
        else
            QVERIFY(m_page->proxy()->rowCount() > 0);
    }

    void filterFindsRunIds()
    {
        const qint64 id = m_page->model()->run(3).id;
        QTest::keyClicks(m_page->filterEdit(), QStringLiteral("#%1").arg(id));
        QVERIFY(shownIds().contains(id));
    }

    void sortsByClickedColumn_data()
    {
        QTest::addColumn<int>("column");
        QTest::newRow("p50") << int(RunTableModel::P50Column);
        QTest::newRow("throughput") << int(RunTableModel::ThroughputColumn);
        QTest::newRow("model") << int(RunTableModel::ModelColumn);
        QTest::newRow("id") << int(RunTableModel::IdColumn);
    }

    void sortsByClickedColumn()
    {
        QFETCH(int, column);
        QHeaderView* header = m_page->table()->horizontalHeader();
        const QPoint at(header->sectionViewportPosition(column) + header->sectionSize(column) / 2, header->height() / 2);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(header->sortIndicatorSection(), column);
        for (int pass = 0; pass < 2; ++pass) {
            const Qt::SortOrder order = header->sortIndicatorOrder();
            const QAbstractItemModel* m = m_page->proxy();
            for (int r = 1; r < m->rowCount(); ++r) {
                const QVariant a = m->index(r - 1, column).data(RunTableModel::SortRole);
                const QVariant b = m->index(r, column).data(RunTableModel::SortRole);
                const QPartialOrdering o = a.userType() == QMetaType::QString
                    ? (QString::compare(a.toString(), b.toString(), Qt::CaseInsensitive) < 0   ? QPartialOrdering::Less
                           : QString::compare(a.toString(), b.toString(), Qt::CaseInsensitive) > 0 ? QPartialOrdering::Greater
                                                                                                 : QPartialOrdering::Equivalent)
                    : QVariant::compare(a, b);
                QVERIFY2(order == Qt::AscendingOrder ? o != QPartialOrdering::Greater : o != QPartialOrdering::Less,
                         qPrintable(QStringLiteral("row %1: %2 vs %3").arg(r).arg(a.toString(), b.toString())));
            }
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at); // the other direction
        }
        m_page->table()->sortByColumn(RunTableModel::StartedColumn, Qt::DescendingOrder);
    }

    void tagsTheSelectionThroughTheDialog()
    {
        const qint64 a = storeId(QStringLiteral("dynamic-int8"), QStringLiteral("resnet.pt"));
        const qint64 b = storeId(QStringLiteral("static-int8"), QStringLiteral("bert.pt"));
        QVERIFY(a && b);
        m_page->selectRuns({a, b});
        QCOMPARE(m_page->selectedRuns().size(), 2);
        QVERIFY(m_page->tagAction()->isEnabled());
        answerDialog<QInputDialog>([](QInputDialog* d) {
            d->setTextValue(QStringLiteral("nightly, int8 study"));
            d->accept();
        });
        QSignalSpy shown(m_page.get(), &HistoryPage::runsShown);
        m_page->tagAction()->trigger();
        QVERIFY(shown.wait(10000));
        for (qint64 id : {a, b}) {
            const RunRecord r = *m_store->loadRun(id);
            QVERIFY2(r.tags.contains(QStringLiteral("nightly")) && r.tags.contains(QStringLiteral("int8 study")), qPrintable(r.tags.join(',')));
            QVERIFY(m_page->model()->run(m_page->model()->rowOfRun(id)).tags.contains(QStringLiteral("nightly")));
        }
        // The selection survives the reload, and the new tag is offered as a filter.
        QCOMPARE(m_page->selectedRuns().size(), 2);
        QVERIFY(m_page->tagFilter()->findData(QStringLiteral("nightly")) >= 0);

        // Removing it again, also through its dialog.
        QVERIFY(m_page->untagAction()->isEnabled());
        answerDialog<QInputDialog>([](QInputDialog* d) {
            d->setTextValue(QStringLiteral("nightly"));
            d->accept();
        });
        m_page->untagAction()->trigger();
        QVERIFY(shown.wait(10000));
        QVERIFY(!m_store->loadRun(a)->tags.contains(QStringLiteral("nightly")));
        QVERIFY(m_store->loadRun(a)->tags.contains(QStringLiteral("int8 study")));
    }

    void editsTheNote()
    {
        const qint64 id = storeId(QStringLiteral("fp32"), QStringLiteral("bert.pt"));
        m_page->selectRuns({id});
        QPlainTextEdit* note = m_page->noteEdit();
        QVERIFY(note->isEnabled());
        auto* save = m_page->findChild<QPushButton*>(QStringLiteral("saveNote"));
        QVERIFY(!save->isEnabled()); // nothing to save yet
        note->setFocus();
        note->selectAll();
        QTest::keyClicks(note, QStringLiteral("thermal throttling suspected"));
        QVERIFY(save->isEnabled());
        QSignalSpy shown(m_page.get(), &HistoryPage::runsShown);
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY(shown.wait(10000));
        QCOMPARE(m_store->loadRun(id)->note, QStringLiteral("thermal throttling suspected"));
        const int row = m_page->model()->rowOfRun(id);
        QCOMPARE(m_page->model()->index(row, RunTableModel::NoteColumn).data().toString(), QStringLiteral("thermal throttling suspected"));
        QVERIFY(!save->isEnabled());
        // The text filter finds notes.
        QTest::keyClicks(m_page->filterEdit(), QStringLiteral("throttling"));
        QCOMPARE(shownIds(), QSet<qint64>{id});
    }

    void deletesOnlyAfterConfirmation()
    {
        const int before = *m_store->runCount();
        const QVector<qint64> doomed{storeId(QStringLiteral("weight-int4"), QStringLiteral("resnet.pt")),
                                     storeId(QStringLiteral("weight-int4"), QStringLiteral("bert.pt"))};
        m_page->selectRuns(doomed);
        QVERIFY(m_page->deleteAction()->isEnabled());

        // Cancel: nothing happens.
        answerDialog<QMessageBox>([](QMessageBox* box) { box->button(QMessageBox::Cancel)->click(); });
        m_page->deleteAction()->trigger();
        QVERIFY(settle());
        QCOMPARE(*m_store->runCount(), before);

        // Delete: both go, from the database and the table.
        answerDialog<QMessageBox>([](QMessageBox* box) {
            for (QAbstractButton* b : box->buttons()) {
                if (box->buttonRole(b) == QMessageBox::DestructiveRole)
                    b->click();
            }
        });
        QSignalSpy shown(m_page.get(), &HistoryPage::runsShown);
        m_page->deleteAction()->trigger();
        QVERIFY(shown.wait(10000));
        QCOMPARE(*m_store->runCount(), before - 2);
        for (qint64 id : doomed)
            QCOMPARE(m_page->model()->rowOfRun(id), -1);
        QCOMPARE(m_page->model()->rowCount(), before - 2);
    }

    void comparesAndExportsTheSelection()
    {
        const qint64 fp32 = storeId(QStringLiteral("fp32"), QStringLiteral("resnet.pt"));
        const qint64 dyn = storeId(QStringLiteral("dynamic-int8"), QStringLiteral("resnet.pt"));
        const qint64 stat = storeId(QStringLiteral("static-int8"), QStringLiteral("resnet.pt"));
        m_page->selectRuns({dyn});
        QVERIFY(!m_page->compareAction()->isEnabled()); // one run is nothing to compare
        m_page->selectRuns({dyn, fp32, stat});
        QVERIFY(m_page->compareAction()->isEnabled());
        QCOMPARE(m_page->compareBaseline(), fp32); // the FP32 benchmark is the natural baseline
        QSignalSpy compare(m_page.get(), &HistoryPage::compareRequested);
        QSignalSpy exported(m_page.get(), &HistoryPage::exportRequested);
        m_page->compareAction()->trigger();
        QCOMPARE(compare.size(), 1);
        QCOMPARE(compare.at(0).at(0).toLongLong(), fp32);
        auto others = compare.at(0).at(1).value<QList<qint64>>();
        std::sort(others.begin(), others.end());
        QList<qint64> expected{dyn, stat};
        std::sort(expected.begin(), expected.end());
        QCOMPARE(others, expected);
        m_page->exportAction()->trigger();
        QCOMPARE(exported.size(), 1);
        QCOMPARE(exported.at(0).at(0).value<QList<qint64>>().size(), 3);
        // The report is read on the worker, then the export dialog opens with it.
        QTRY_VERIFY_WITH_TIMEOUT(m_page->findChild<ExportReportDialog*>(QStringLiteral("exportReportDialog")), 10000);
        auto* dialog = m_page->findChild<ExportReportDialog*>(QStringLiteral("exportReportDialog"));
        QVERIFY(dialog->isVisible());
        dialog->reject();
    }

    void compareOpensTheComparePage()
    {
        // The real window: History's "Compare" brings up the Compare page with the selection.
        MainWindow window(m_context.get());
        window.show();
        HistoryPage* history = window.historyPage();
        window.showPage(history);
        QSignalSpy shown(history, &HistoryPage::runsShown);
        QVERIFY(shown.wait(10000));
        const qint64 fp32 = storeId(QStringLiteral("fp32"), QStringLiteral("bert.pt"));
        const qint64 dyn = storeId(QStringLiteral("dynamic-int8"), QStringLiteral("bert.pt"));
        history->selectRuns({dyn, fp32});
        QSignalSpy compared(window.comparePage(), &ComparePage::comparisonShown);
        history->compareAction()->trigger();
        QCOMPARE(window.currentPage(), static_cast<QWidget*>(window.comparePage()));
        QVERIFY(compared.wait(20000));
    }

    void showsWhatAnotherProcessWrites()
    {
        if (qEnvironmentVariableIsEmpty("QS_CLI"))
            QSKIP("QS_CLI is not set");
        const qint64 id = storeId(QStringLiteral("static-int8"), QStringLiteral("resnet.pt"));
        QSignalSpy shown(m_page.get(), &HistoryPage::runsShown);
        const test::CliResult cli = test::runCli({QStringLiteral("runs"), QStringLiteral("tag"), QString::number(id),
                                                  QStringLiteral("from-cli"), QStringLiteral("--db"), m_db});
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.err));
        // Nobody told the page: it notices the commit by polling the database.
        QVERIFY(shown.wait(HistoryLoader::pollIntervalMs() * 5));
        QTRY_VERIFY(m_page->model()->run(m_page->model()->rowOfRun(id)).tags.contains(QStringLiteral("from-cli")));
    }

    void reloadsWhenTheStudioRecords()
    {
        RunRecord r = test::makeRun(500, 50, 20, QStringLiteral("fp32"), QStringLiteral("vit.pt"));
        QVERIFY(m_store->recordRun(r));
        QSignalSpy shown(m_page.get(), &HistoryPage::runsShown);
        Q_EMIT m_context->runRecorded(r.id);
        QVERIFY(shown.wait(10000));
        QVERIFY(m_page->model()->rowOfRun(r.id) >= 0);
    }

    void rerunOfMissingFilesSaysWhy()
    {
        // The fixture runs name /models/*.pt, which do not exist here.
        const qint64 id = storeId(QStringLiteral("dynamic-int8"), QStringLiteral("resnet.pt"));
        m_page->selectRuns({id});
        QVERIFY(m_page->setUpAgainAction()->isEnabled());
        m_page->setUpAgainAction()->trigger();
        QTRY_VERIFY(m_page->banner()->kind() == MessageBanner::Kind::Error && m_page->banner()->isVisibleTo(m_page.get()));
        QVERIFY2(m_page->banner()->text().contains(QStringLiteral("not there any more")), qPrintable(m_page->banner()->text()));
        // Evaluations cannot be re-run from the studio: the action says so by being off.
        m_page->kindFilter()->setCurrentIndex(m_page->kindFilter()->findData(QStringLiteral("eval")));
        m_page->selectRuns({m_page->proxy()->index(0, 0).data(RunTableModel::RunIdRole).toLongLong()});
        QVERIFY(!m_page->setUpAgainAction()->isEnabled());
    }

    void rerunPutsTheConfigurationBack()
    {
        const QString demo = test::demoDir();
        if (demo.isEmpty())
            QSKIP("the demo fixture is not prepared");
        const QString model = demo + QStringLiteral("/fashion_cnn.pt");
        // A benchmark of the demo model at batch 8, 2 threads, isolated, recorded like the CLI does.
        RunConfig c;
        c.modelPath = model;
        c.variant = QStringLiteral("fp32");
        c.batch = 8;
        c.threads = 2;
        c.warmupIterations = 7;
        c.minIterations = 33;
        c.minSeconds = 0.5;
        c.mode = RunMode::Isolated;
        c.samplerHz = 100;
        RunResult result;
        result.config = c;
        result.status = RunStatus::Complete;
        result.started = QDateTime::currentDateTimeUtc();
        result.finished = result.started.addSecs(1);
        RunRecord bench = benchRunRecord(result);
        QVERIFY(m_store->recordRun(bench));
        QuantizeOptions q;
        q.scheme = QStringLiteral("dynamic-int8");
        q.calibrationSamples = 64;
        q.excludes = {QStringLiteral("fc2")};
        RunRecord quant = quantizeRunRecord(q, model, QString());
        quant.status = RunStatus::Complete;
        QVERIFY(m_store->recordRun(quant));
        QSignalSpy shown(m_page.get(), &HistoryPage::runsShown);
        m_page->reload();
        QVERIFY(shown.wait(10000));

        QSignalSpy ready(m_page.get(), &HistoryPage::showPageRequested);
        m_page->selectRuns({bench.id});
        m_page->setUpAgainAction()->trigger();
        QVERIFY(ready.wait(60000)); // opens the demo model first
        QCOMPARE(ready.at(0).at(0).value<QWidget*>(), static_cast<QWidget*>(m_bench.get()));
        auto sweep = m_bench->sweep();
        QVERIFY2(sweep, qPrintable(sweep ? QString() : sweep.error().message));
        QCOMPARE(sweep->batches, QVector<qint64>{8});
        QCOMPARE(sweep->threads, QVector<int>{2});
        QCOMPARE(sweep->protocol.minIterations, 33);
        QCOMPARE(sweep->protocol.warmupIterations, 7);
        QCOMPARE(sweep->protocol.minSeconds, 0.5);
        QCOMPARE(sweep->protocol.mode, RunMode::Isolated);
        QCOMPARE(sweep->protocol.samplerHz, 100);
        QCOMPARE(sweep->targets.size(), 1);
        QCOMPARE(sweep->targets.first().variant, QStringLiteral("fp32"));

        m_page->selectRuns({quant.id});
        m_page->setUpAgainAction()->trigger();
        QVERIFY(ready.wait(10000));
        QCOMPARE(ready.last().at(0).value<QWidget*>(), static_cast<QWidget*>(m_quantize.get()));
        QCOMPARE(m_quantize->checkedSchemes(), QStringList{QStringLiteral("dynamic-int8")});
        QCOMPARE(m_context->excludedLayers(), QStringList{QStringLiteral("fc2")});
        auto options = m_quantize->options();
        QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
        QCOMPARE(options->first().scheme, QStringLiteral("dynamic-int8"));
    }
};

QTEST_MAIN(TestHistoryPage)
#include "tst_historypage.moc"
