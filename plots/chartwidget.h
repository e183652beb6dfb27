// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtWidgets/QWidget>

class QCustomPlot;
class QLabel;
class QTimer;

namespace qs::plots {

/// \brief The frame every chart shares: a QCustomPlot inside a QWidget (composed, not
/// inherited), colours from the widget palette (light and dark), zoom and pan, value tooltips,
/// a message when there is nothing to show, and "save as PNG/PDF" for reports.
class ChartWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ChartWidget(QWidget* parent = nullptr);
    ~ChartWidget() override;

    QCustomPlot* plot() const { return m_plot; }

    void setTitle(const QString& title);
    QString title() const { return m_title; }
    /// Shown instead of the chart while there is nothing to plot.
    void setEmptyText(const QString& text);
    bool isEmpty() const { return m_empty; }

    /// Renders at \a width x \a height logical pixels (0: current size) and \a scale (2: sharp on
    /// high-DPI screens and in reports).
    bool savePng(const QString& path, int width = 0, int height = 0, double scale = 2.0);
    bool savePdf(const QString& path, int width = 0, int height = 0);
    /// The chart as PNG bytes, for embedding in HTML reports.
    QByteArray toPng(int width, int height, double scale = 2.0);

    /// Redraws at most every replotIntervalMs(): live charts call it on every update, so that a
    /// stream of samples costs a few redraws a second, never one per chunk.
    void scheduleReplot();
    /// Redraws now (and drops a scheduled redraw).
    void replotNow();
    static constexpr int replotIntervalMs() { return 200; }

    /// Whether auto-scaling follows new data (switched off by the user's zoom or pan, back on
    /// with "Reset zoom").
    bool followsData() const { return m_follow; }

public Q_SLOTS:
    void resetZoom();

protected:
    /// Subclasses say whether there is data; the empty text shows otherwise.
    void setEmpty(bool empty);
    /// The tooltip text for the chart position \a pos (widget pixels of the plot), or empty.
    virtual QString toolTipAt(const QPoint& pos) const;
    /// Re-applies palette colours to axes, grid, legend and background; subclasses extend it
    /// for their series and call the base.
    virtual void applyPalette();
    /// Rescales axes to the data; the default rescales all axes.
    virtual void rescale();
    /// Called before a (scheduled) redraw: subclasses bring derived data (bins, fronts) up to
    /// date here, once per redraw instead of once per update.
    virtual void prepareReplot() {}
    /// For charts whose rescale() places things in pixels (labels beside bars and points): they
    /// are rescaled again when a resize or a redraw changes the axis rect's size.
    void setLayoutDependent(bool dependent) { m_layoutDependent = dependent; }

    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void showToolTip(QMouseEvent* event);
    void scheduledReplot();
    void bringUpToDate();

    QCustomPlot* m_plot;
    QLabel* m_emptyLabel;
    QString m_title;
    bool m_empty = true;
    bool m_follow = true;
    bool m_layoutDependent = false;
    int m_relayouts = 0;
    QSize m_rescaledFor; ///< the axis rect size the last rescale() saw (layout-dependent charts)
    QTimer* m_replotTimer;
};

} // namespace qs::plots
