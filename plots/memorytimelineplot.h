// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plots/chartwidget.h"

#include "core/bench/memorytimeline.h"

#include <QtCore/QVector>

class QCPGraph;
class QCPItemTracer;
class QCPItemText;
class QCPAbstractItem;

namespace qs::plots {

/// \brief Resident memory over time: one Run with its phases (load, calibrate, warmup, steady)
/// marked and its peak labelled, or several Runs overlaid to compare their footprints.
///
/// Fed with core's MemoryTimeline, in one piece or in the chunks a running benchmark streams.
class MemoryTimelinePlot : public ChartWidget
{
    Q_OBJECT
public:
    explicit MemoryTimelinePlot(QWidget* parent = nullptr);

    void clear();
    /// Adds a series; returns its index. \a baseline draws it in the baseline colour.
    int addSeries(const QString& label, bool baseline = false);
    /// Appends streamed samples and phase markers to series \a index.
    void append(int index, const MemoryTimeline& chunk);
    /// One run at once (clears first).
    void setTimeline(const QString& label, const MemoryTimeline& timeline);

    int seriesCount() const { return int(m_series.size()); }
    /// Highest resident set of series \a index, in bytes (-1 when empty).
    qint64 peakBytes(int index) const;
    /// Markers drawn for series 0 (phase markers are drawn for single-run charts only).
    int markerCount() const { return int(m_markerItems.size()); }

protected:
    void prepareReplot() override;
    void rescale() override;
    QString toolTipAt(const QPoint& pos) const override;
    void applyPalette() override;

private:
    struct Series
    {
        QString label;
        bool baseline = false;
        QCPGraph* rss = nullptr;
        QCPGraph* anon = nullptr; ///< single-run charts only
        QCPItemTracer* peak = nullptr;
        QCPItemText* peakLabel = nullptr;
        qint64 peakBytes = -1;
        double peakMs = 0;
        QVector<MemoryMarker> markers;
        int drawnMarkers = 0;
    };
    QColor colorOf(int index) const;
    /// The legend beside the axis rect (overlays) or inside its corner (one run).
    void placeLegend(bool outside);

    QVector<Series> m_series;
    QVector<QCPAbstractItem*> m_markerItems;
};

} // namespace qs::plots
