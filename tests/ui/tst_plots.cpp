// SPDX-License-Identifier: GPL-3.0-or-later
// The chart classes fed with result structs as the pages feed them: what they plot, the labels
// they write, the Pareto front, live appends, and readable colours in a dark palette.
#include "core/bench/runresult.h"
#include "plots/chartpalette.h"
#include "plots/latencyhistogramplot.h"
#include "plots/latencytimelineplot.h"
#include "plots/memorytimelineplot.h"
#include "plots/metricbarplot.h"
#include "plots/metricformat.h"
#include "plots/sensitivityplot.h"
#include "plots/tradeoffplot.h"
#include "plots/valuehistogramplot.h"
#include "ui/theme.h"

#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>

#include <random>

using namespace qs;
using namespace qs::plots;

namespace {
QVector<double> gaussianSamples(int n, double mean, double sd, unsigned seed = 1)
{
    std::mt19937 gen(seed);
    std::normal_distribution<double> dist(mean, sd);
    QVector<double> out;
    for (int i = 0; i < n; ++i)
        out << std::max(0.01, dist(gen));
    return out;
}

// Relative luminance contrast (WCAG) between two colours.
double contrast(const QColor& a, const QColor& b)
{
    auto lum = [](const QColor& c) {
        auto ch = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF());
    };
    const double la = lum(a), lb = lum(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}
} // namespace

class TestPlots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formatting_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("baseline");
        QTest::addColumn<bool>("lowerIsBetter");
        QTest::addColumn<bool>("byDifference");
        QTest::addColumn<QString>("expected");
        QTest::newRow("faster") << 1.0 << 2.1 << true << false << QStringLiteral("2.10× faster");
        QTest::newRow("slower") << 3.0 << 2.0 << true << false << QStringLiteral("1.50× slower");
        QTest::newRow("more throughput") << 300.0 << 100.0 << false << false << QStringLiteral("3.00× faster");
        QTest::newRow("same") << 1.001 << 1.0 << true << false << QStringLiteral("same");
        QTest::newRow("accuracy drop") << 89.5 << 89.93 << false << true << QStringLiteral("−0.43 pt");
        QTest::newRow("accuracy gain") << 90.1 << 89.9 << false << true << QStringLiteral("+0.20 pt");
        QTest::newRow("no baseline") << 1.0 << qQNaN() << true << false << QString();
    }
    void formatting()
    {
        QFETCH(double, value);
        QFETCH(double, baseline);
        QFETCH(bool, lowerIsBetter);
        QFETCH(bool, byDifference);
        QFETCH(QString, expected);
        MetricSpec spec{QStringLiteral("x"), Unit::Milliseconds, lowerIsBetter, byDifference, QStringLiteral("faster"), QStringLiteral("slower")};
        QCOMPARE(formatComparison(value, baseline, spec), expected);
    }

    void histogramFillsInAndCountsEverySample()
    {
        LatencyHistogramPlot plot;
        QVERIFY(plot.isEmpty());
        const QVector<double> samples = gaussianSamples(2000, 1.5, 0.1);
        // Streamed in chunks as a benchmark sends them: nothing is drawn per chunk...
        for (int i = 0; i < samples.size(); i += 100)
            plot.addSamples(samples.mid(i, 100));
        QVERIFY(!plot.isEmpty());
        QCOMPARE(plot.sampleCount(), 2000);
        QVERIFY(plot.bins().isEmpty());
        // ...but once per redraw, a few times a second.
        QTRY_VERIFY_WITH_TIMEOUT(!plot.bins().isEmpty(), 2000);
        int total = plot.overflow();
        for (const auto& b : plot.bins())
            total += b.count;
        QCOMPARE(total, 2000);
        QVERIFY(plot.overflow() > 0); // the range stops at the 99.5th percentile
        QVERIFY(plot.overflow() <= 11);
        QVERIFY(plot.bins().size() >= 8 && plot.bins().size() <= 60);
        plot.clear();
        QCOMPARE(plot.sampleCount(), 0);
        QVERIFY(plot.isEmpty());
    }

    void timelineKeepsWarmupApart()
    {
        LatencyTimelinePlot plot;
        plot.addWarmup({10.0, 3.0, 2.0});
        plot.addSteady(gaussianSamples(500, 1.0, 0.05));
        QCOMPARE(plot.warmupCount(), 3);
        QCOMPARE(plot.steadyCount(), 500);
        plot.replotNow();
        QVERIFY(!plot.isEmpty());
    }

    void memoryTimelineMarksPhasesAndPeak()
    {
        MemoryTimelinePlot plot;
        const int s = plot.addSeries(QStringLiteral("fp32"));
        MemoryTimeline chunk;
        chunk.hz = 1000;
        for (int i = 0; i < 500; ++i) {
            chunk.tUs << i * 1000;
            chunk.anonBytes << 100'000'000 + (i == 250 ? 40'000'000 : i * 10'000);
            chunk.fileBytes << 20'000'000;
        }
        chunk.markers << MemoryMarker{0, Phase::Load} << MemoryMarker{100, Phase::Warmup} << MemoryMarker{200, Phase::Steady};
        // Streamed in two pieces, as RunUpdates bring it.
        MemoryTimeline first = chunk, second;
        first.tUs.resize(300);
        first.anonBytes.resize(300);
        first.fileBytes.resize(300);
        second.tUs = chunk.tUs.mid(300);
        second.anonBytes = chunk.anonBytes.mid(300);
        second.fileBytes = chunk.fileBytes.mid(300);
        plot.append(s, first);
        plot.append(s, second);
        plot.replotNow();
        QCOMPARE(plot.peakBytes(s), qint64(160'000'000));
        QCOMPARE(plot.markerCount(), 6); // a line and a label per phase
        // A second run turns it into an overlay without phase lines.
        const int t = plot.addSeries(QStringLiteral("int8"));
        plot.append(t, second);
        plot.replotNow();
        QCOMPARE(plot.seriesCount(), 2);
        QCOMPARE(plot.markerCount(), 0);
    }

    void barsCarryRatiosAndWhiskers()
    {
        MetricBarPlot plot;
        plot.setMetric({tr("p50 latency"), Unit::Milliseconds, true, false, QStringLiteral("faster"), QStringLiteral("slower")});
        plot.setBars({{QStringLiteral("fp32"), 2.0, 2.2, 2.6, true, false, {}},
                      {QStringLiteral("static-int8"), 0.8, 0.9, 1.4, false, false, {}},
                      {QStringLiteral("dynamic-int8"), 2.5, 2.6, 3.0, false, true, {}}});
        QVERIFY(!plot.isEmpty());
        QVERIFY2(plot.barLabel(0).contains(QStringLiteral("baseline")), qPrintable(plot.barLabel(0)));
        QVERIFY2(plot.barLabel(1).contains(QStringLiteral("2.50× faster")), qPrintable(plot.barLabel(1)));
        QVERIFY2(plot.barLabel(2).contains(QStringLiteral("1.25× slower")), qPrintable(plot.barLabel(2)));
        QVERIFY(plot.barLabel(2).contains(QStringLiteral("noisy")));
        // A figure nobody measured is shown as such, not as 0.
        plot.setBars({{QStringLiteral("fp32"), qQNaN(), qQNaN(), qQNaN(), true, false, {}}});
        QVERIFY(plot.isEmpty());
    }

    void paretoFront_data()
    {
        QTest::addColumn<QVector<QPointF>>("points");
        QTest::addColumn<QVector<int>>("front");
        // x = latency (lower better), y = accuracy (higher better)
        QTest::newRow("one dominates") << QVector<QPointF>{{1, 90}, {2, 89}} << QVector<int>{0};
        QTest::newRow("trade-off") << QVector<QPointF>{{2, 90}, {1, 89}, {3, 88}} << QVector<int>{1, 0};
        QTest::newRow("ties stay") << QVector<QPointF>{{1, 90}, {1, 90}} << QVector<int>{0, 1};
    }
    void paretoFront()
    {
        QFETCH(QVector<QPointF>, points);
        QFETCH(QVector<int>, front);
        QVector<TradeoffPoint> pts;
        for (const QPointF& p : points)
            pts << TradeoffPoint{QStringLiteral("v"), p.x(), p.y()};
        QCOMPARE(TradeoffPlot::paretoFront(pts, true, false), front);
    }

    void sensitivityRanksLayers()
    {
        SensitivityPlot plot;
        plot.setScores({{QStringLiteral("fc1"), QStringLiteral("Linear"), 0.2, false, {}},
                        {QStringLiteral("conv1"), QStringLiteral("Conv2d"), 1.5, true, {}},
                        {QStringLiteral("fc2"), QStringLiteral("Linear"), 0.4, false, {}}},
                       {tr("top-1 drop"), Unit::Plain, true, false, {}, {}});
        QCOMPARE(plot.scores().last().layer, QStringLiteral("conv1")); // most sensitive on top
    }

    void valueHistogramShadesClipping()
    {
        ValueHistogramPlot plot;
        ValueHistogram h;
        h.lo = -1;
        h.hi = 1;
        h.counts = {1, 2, 10, 50, 50, 10, 2, 1};
        h.rangeLo = -0.5;
        h.rangeHi = 0.5;
        plot.setHistogram(h);
        QCOMPARE(plot.clippedFraction(), 6.0 / 126.0);
    }

    void darkPaletteKeepsChartsReadable()
    {
        LatencyHistogramPlot plot;
        plot.setPalette(ui::darkPalette());
        plot.resize(500, 300);
        plot.setSamples(gaussianSamples(300, 2.0, 0.2));
        QVERIFY(isDark(plot.palette()));
        QVERIFY(contrast(textColor(plot.palette()), backgroundColor(plot.palette())) > 7.0);
        // Series colours stand out from the dark background too.
        QVERIFY(contrast(seriesColor(0), backgroundColor(plot.palette())) > 3.0);
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("h.png"));
        QVERIFY(plot.savePng(png, 500, 300, 1.0));
        const QImage img(png);
        QCOMPARE(img.size(), QSize(500, 300));
        // The saved image uses the dark background, not a white one.
        QVERIFY(qGray(img.pixel(5, 5)) < 80);
        QVERIFY(plot.savePdf(dir.filePath(QStringLiteral("h.pdf")), 500, 300));
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("h.pdf"))).size() > 1000);
    }
};

QTEST_MAIN(TestPlots)
#include "tst_plots.moc"
