// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/inspector.h"
#include "core/model/layerfilterproxy.h"
#include "core/model/layertablemodel.h"
#include "core/model/modelfactory.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>

using namespace qs;

class TestLayerTableModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelAndProxy()
    {
        LayerTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        LayerFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        auto cnn = modelfactory::smallCnn(10);
        QVERIFY(cnn.ok());
        model.setModelInfo(inspectModel(*cnn));
        QCOMPARE(model.rowCount(), 12);
        QCOMPARE(model.columnCount(), int(LayerTableModel::ColumnCount));
        QCOMPARE(model.index(0, LayerTableModel::NameColumn).data().toString(), QStringLiteral("conv1"));
        QCOMPARE(model.index(0, LayerTableModel::TypeColumn).data().toString(), QStringLiteral("Conv2d"));
        QCOMPARE(model.index(0, LayerTableModel::ParamsColumn).data(LayerTableModel::SortRole).toLongLong(), 160);
        QCOMPARE(model.headerData(LayerTableModel::MacsColumn, Qt::Horizontal).toString(), QStringLiteral("MACs"));

        proxy.setFilterFixedString(QStringLiteral("fc"));
        QCOMPARE(proxy.rowCount(), 2);
        // Matches the Linear type and the linear-int8/16 schemes of the convolutions.
        proxy.setFilterFixedString(QStringLiteral("linear"));
        QCOMPARE(proxy.rowCount(), 4);
        proxy.setFilterFixedString(QStringLiteral("dynamic-int8"));
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setFilterFixedString(QString());
        proxy.sort(LayerTableModel::ParamsColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, LayerTableModel::NameColumn).data().toString(), QStringLiteral("fc1"));
        QCOMPARE(proxy.index(1, LayerTableModel::NameColumn).data().toString(), QStringLiteral("conv2"));
        proxy.setLeafOnly(true);
        QCOMPARE(proxy.rowCount(), 12);

        model.setModelInfo(ModelInfo{});
        QCOMPARE(model.rowCount(), 0);
    }

    void humanUnits()
    {
        QCOMPARE(LayerTableModel::humanBytes(999), QStringLiteral("999 B"));
        QCOMPARE(LayerTableModel::humanBytes(848900), QStringLiteral("848.9 kB"));
        QCOMPARE(LayerTableModel::humanBytes(12340000), QStringLiteral("12.34 MB"));
        QCOMPARE(LayerTableModel::humanCount(9999), QStringLiteral("9999"));
        QCOMPARE(LayerTableModel::humanCount(207018), QStringLiteral("207.0 k"));
        QCOMPARE(LayerTableModel::humanCount(25000000), QStringLiteral("25.00 M"));
    }
};

QTEST_GUILESS_MAIN(TestLayerTableModel)
#include "tst_layertablemodel.moc"
