// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/runtablemodel.h"
#include "tests/support/runfixtures.h"

#include <QtCore/QSortFilterProxyModel>
#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>

using namespace qs;

class TestRunTableModel : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void modelFromStore()
    {
        auto store = Store::open(m_dir.filePath(QStringLiteral("runs.sqlite")));
        QVERIFY(store);
        RunTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(RunTableModel::ColumnCount));

        RunRecord fp32 = test::makeRun(1, 200, 100);
        RunRecord int8 = test::makeRun(2, 200, 100, QStringLiteral("static-int8"));
        int8.tags << QStringLiteral("release");
        int8.note = QStringLiteral("line one\nline two");
        int8.metrics.insert(metric::Noisy, 1);
        RunRecord eval = test::makeEvalRun(2, 89.5, QStringLiteral("static-int8"));
        for (RunRecord* r : {&fp32, &int8, &eval})
            QVERIFY((*store)->recordRun(*r));

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QVERIFY(model.reload(**store));
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 3);

        const int row = model.rowOfRun(int8.id);
        QVERIFY(row >= 0);
        auto at = [&](int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role); };
        QCOMPARE(at(RunTableModel::IdColumn).toLongLong(), int8.id);
        QCOMPARE(at(RunTableModel::VariantColumn).toString(), QStringLiteral("static-int8 (onednn)"));
        QCOMPARE(at(RunTableModel::ModelColumn).toString(), QStringLiteral("net.pt"));
        QCOMPARE(at(RunTableModel::ModelColumn, Qt::ToolTipRole).toString(), QStringLiteral("/models/net.pt"));
        QCOMPARE(at(RunTableModel::StatusColumn).toString(), QStringLiteral("complete"));
        QCOMPARE(at(RunTableModel::TagsColumn).toString(), QStringLiteral("release"));
        QCOMPARE(at(RunTableModel::NoteColumn).toString(), QStringLiteral("line one"));
        QCOMPARE(at(RunTableModel::NoteColumn, Qt::ToolTipRole).toString(), int8.note);
        QCOMPARE(at(RunTableModel::P50Column, RunTableModel::SortRole).toDouble(), int8.metric(metric::LatencyP50Ms));
        QCOMPARE(at(RunTableModel::SizeColumn, RunTableModel::SortRole).toLongLong(), int8.variant.artifactBytes);
        QCOMPARE(at(0, RunTableModel::RunIdRole).toLongLong(), int8.id);
        QCOMPARE(at(0, RunTableModel::UuidRole).toString(), int8.uuid);
        QCOMPARE(at(0, RunTableModel::NoisyRole).toBool(), true);
        QCOMPARE(at(0, RunTableModel::TagsRole).toStringList(), QStringList{QStringLiteral("release")});
        QVERIFY(at(RunTableModel::Top1Column).toString().isEmpty());
        const int evalRow = model.rowOfRun(eval.id);
        QCOMPARE(model.index(evalRow, RunTableModel::Top1Column).data().toString(), QStringLiteral("89.50"));
        QCOMPARE(model.index(evalRow, RunTableModel::KindColumn).data().toString(), QStringLiteral("eval"));
        for (int c = 0; c < RunTableModel::ColumnCount; ++c)
            QVERIFY(!model.headerData(c, Qt::Horizontal).toString().isEmpty());

        // Sorting through a proxy on SortRole: numbers as numbers, missing values at one end.
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(RunTableModel::SortRole);
        proxy.sort(RunTableModel::P50Column, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, RunTableModel::IdColumn).data().toLongLong(), fp32.id);
        QCOMPARE(proxy.index(2, RunTableModel::IdColumn).data().toLongLong(), eval.id);

        // Edits go through the store, then a reload (one reset).
        QVERIFY((*store)->deleteRuns({fp32.id}));
        QVERIFY(model.reload(**store, RunFilter{{}, QStringLiteral("release"), {}, {}, -1}));
        QCOMPARE(resets.size(), 2);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowOfRun(fp32.id), -1);
        model.setRuns({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRunTableModel)
#include "tst_runtablemodel.moc"
