// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarkliveview.h"

#include "core/bench/latencystats.h"
#include "plots/latencyhistogramplot.h"
#include "plots/latencytimelineplot.h"
#include "plots/memorytimelineplot.h"
#include "plots/metricformat.h"

#include <QtCore/QTimer>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QVBoxLayout>

namespace qs::ui {

using plots::formatValue;
using plots::Unit;

namespace {
enum FigureRow { P50, P90, P99, Throughput, Forwards, Peak, FigureCount };
} // namespace

BenchmarkLiveView::BenchmarkLiveView(QWidget* parent)
    : QWidget(parent)
    , m_header(new QLabel(this))
    , m_phase(new QLabel(this))
    , m_histogram(new plots::LatencyHistogramPlot(this))
    , m_timeline(new plots::LatencyTimelinePlot(this))
    , m_memory(new plots::MemoryTimelinePlot(this))
    , m_figureTimer(new QTimer(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_header->setObjectName(QStringLiteral("liveHeader"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setText(tr("<b>No run yet.</b> Configure a benchmark on the left and press Run."));
    m_header->setWordWrap(true);
    m_phase->setObjectName(QStringLiteral("livePhase"));
    layout->addWidget(m_header);
    layout->addWidget(m_phase);

    // Figures in one row: the numbers people read first, charts below for the shape.
    auto* figures = new QGridLayout;
    const QStringList names{tr("p50"), tr("p90"), tr("p99"), tr("throughput"), tr("forwards"), tr("peak memory")};
    const QStringList tips{tr("Median latency of the steady state"), tr("90th percentile latency"),
                           tr("99th percentile latency: the slow tail"), tr("Samples per second: batch / mean latency"),
                           tr("Steady-state forwards measured so far"), tr("Highest resident memory of the process during the run")};
    for (int i = 0; i < FigureCount; ++i) {
        auto* name = new QLabel(names[i], this);
        name->setForegroundRole(QPalette::PlaceholderText);
        name->setToolTip(tips[i]);
        auto* value = new QLabel(QStringLiteral("–"), this);
        value->setObjectName(QStringLiteral("figure_%1").arg(i));
        QFont f = value->font();
        f.setPointSizeF(f.pointSizeF() * 1.35);
        f.setBold(true);
        value->setFont(f);
        value->setToolTip(tips[i]);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        figures->addWidget(name, 0, i);
        figures->addWidget(value, 1, i);
        m_figures << value;
    }
    layout->addLayout(figures);

    auto* charts = new QSplitter(Qt::Vertical, this);
    auto* top = new QSplitter(Qt::Horizontal, charts);
    top->addWidget(m_histogram);
    top->addWidget(m_timeline);
    charts->addWidget(top);
    charts->addWidget(m_memory);
    charts->setChildrenCollapsible(false);
    layout->addWidget(charts, 1);
    m_histogram->setObjectName(QStringLiteral("liveHistogram"));
    m_timeline->setObjectName(QStringLiteral("liveTimeline"));
    m_memory->setObjectName(QStringLiteral("liveMemory"));

    // Figures follow the charts' pace: a few times a second, whatever the update rate.
    m_figureTimer->setInterval(plots::ChartWidget::replotIntervalMs());
    connect(m_figureTimer, &QTimer::timeout, this, [this] {
        if (m_dirty)
            refreshFigures();
    });
}

void BenchmarkLiveView::startRun(int index, int count, const RunConfig& config)
{
    m_config = config;
    m_steady.clear();
    m_peakBytes = m_baselineBytes = -1;
    m_elapsedMs = 0;
    m_histogram->clear();
    m_timeline->clear();
    m_memory->clear();
    m_memory->addSeries(config.label());
    m_header->setText(tr("<b>Run %1 of %2:</b> %3 <span>(%4)</span>")
                          .arg(index + 1)
                          .arg(count)
                          .arg(config.label().toHtmlEscaped(), runModeName(config.mode)));
    m_phase->setText(tr("Loading…"));
    for (QLabel* l : std::as_const(m_figures))
        l->setText(QStringLiteral("–"));
    m_figureTimer->start();
}

void BenchmarkLiveView::addUpdate(const RunUpdate& u)
{
    if (!u.newWarmupMs.isEmpty())
        m_timeline->addWarmup(u.newWarmupMs);
    if (!u.newLatencyMs.isEmpty()) {
        m_timeline->addSteady(u.newLatencyMs);
        m_histogram->addSamples(u.newLatencyMs);
        m_steady += u.newLatencyMs;
    }
    if (!u.newMemory.isEmpty() || !u.newMemory.markers.isEmpty()) {
        m_memory->append(0, u.newMemory);
        if (m_baselineBytes < 0 && !u.newMemory.isEmpty())
            m_baselineBytes = u.newMemory.rssAt(0);
        m_peakBytes = std::max(m_peakBytes, u.newMemory.peak());
    }
    m_elapsedMs = u.elapsedMs;
    QString phase = phaseTitle(u.phase);
    if (u.phase == Phase::Steady)
        phase += QStringLiteral(": ") + plots::countText(u.steadyIterations, tr("forward"), tr("forwards"));
    m_phase->setText(tr("%1 · %2 s elapsed").arg(phase, QLocale().toString(u.elapsedMs / 1000.0, 'f', 1)));
    m_dirty = true;
}

void BenchmarkLiveView::finishRun(const RunResult& r)
{
    m_figureTimer->stop();
    m_config = r.config;
    m_steady = r.latencyMs;
    m_histogram->setSamples(r.latencyMs);
    m_timeline->setSamples(r.warmupLatencyMs, r.latencyMs);
    if (!r.timeline.isEmpty())
        m_memory->setTimeline(r.config.label(), r.timeline);
    m_peakBytes = r.memory.peakBytes > 0 ? r.memory.peakBytes : r.timeline.peak();
    QString status;
    switch (r.status) {
    case RunStatus::Complete:
        status = r.noisy ? tr("complete, <b>noisy</b>: %1").arg(r.noiseReasons.join(QStringLiteral("; ")).toHtmlEscaped()) : tr("complete");
        break;
    case RunStatus::Failed: status = tr("<b>failed</b>: %1").arg(r.error.toHtmlEscaped()); break;
    case RunStatus::Cancelled: status = tr("<b>cancelled</b>"); break;
    case RunStatus::Running: status = tr("running"); break;
    case RunStatus::Interrupted: status = tr("<b>interrupted</b>: %1").arg(r.error.toHtmlEscaped()); break;
    }
    m_phase->setTextFormat(Qt::RichText);
    m_phase->setText(tr("%1 · %2 steady forwards in %3 s%4")
                         .arg(status)
                         .arg(r.iterations())
                         .arg(QLocale().toString(r.phase(Phase::Steady) ? r.phase(Phase::Steady)->durationMs() / 1000.0 : 0, 'f', 1))
                         .arg(r.stopReason.isEmpty() ? QString() : tr(" (stopped by %1)").arg(r.stopReason)));
    refreshFigures();
    if (r.latency.count > 0) {
        setFigure(P50, formatValue(r.latency.p50, Unit::Milliseconds));
        setFigure(P90, formatValue(r.latency.p90, Unit::Milliseconds));
        setFigure(P99, formatValue(r.latency.p99, Unit::Milliseconds));
        setFigure(Throughput, formatValue(r.throughputPerSec, Unit::PerSecond));
    }
}

void BenchmarkLiveView::showResult(const RunResult& r)
{
    m_header->setText(tr("<b>%1</b> <span>(%2, %3)</span>")
                          .arg(r.config.label().toHtmlEscaped(), runModeName(r.config.mode),
                               QLocale().toString(r.started.toLocalTime(), QLocale::ShortFormat)));
    m_memory->clear();
    finishRun(r);
}

QString BenchmarkLiveView::headline() const
{
    return m_header->text();
}

void BenchmarkLiveView::setFigure(int row, const QString& value)
{
    m_figures[row]->setText(value);
}

void BenchmarkLiveView::refreshFigures()
{
    m_dirty = false;
    // Percentiles of a few thousand samples cost well under a millisecond: recomputed, not kept.
    const LatencyStats s = LatencyStats::compute(m_steady);
    if (s.count > 0) {
        setFigure(P50, formatValue(s.p50, Unit::Milliseconds));
        setFigure(P90, formatValue(s.p90, Unit::Milliseconds));
        setFigure(P99, formatValue(s.p99, Unit::Milliseconds));
        setFigure(Throughput, formatValue(s.mean > 0 ? double(m_config.batch) * 1000.0 / s.mean : qQNaN(), Unit::PerSecond));
    }
    setFigure(Forwards, QLocale().toString(s.count));
    setFigure(Peak, m_peakBytes > 0 ? formatValue(double(m_peakBytes), Unit::Bytes) : QStringLiteral("–"));
}

} // namespace qs::ui
