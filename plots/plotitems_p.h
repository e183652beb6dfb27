// SPDX-License-Identifier: GPL-3.0-or-later
// Private to plots/*.cpp (includes qcustomplot.h): small pieces several charts draw alike.
#pragma once

#include <qcustomplot.h>

#include <QtCore/QStringList>

namespace qs::plots::detail {

/// A ticker that writes \a labels at positions 1..n (category axes of bar charts).
QSharedPointer<QCPAxisTickerText> categoryTicker(const QStringList& labels);
/// A vertical line at x = \a x from the bottom to the top of the axis rect, with \a text at the
/// top; both use \a color. Returns the line; the label is its child item in the plot.
QCPItemStraightLine* addVerticalMarker(QCustomPlot* plot, double x, const QString& text, const QColor& color,
                                       Qt::PenStyle style = Qt::DashLine, QCPItemText** label = nullptr);
/// A text item in the plot's coordinates, in \a color, on no background.
QCPItemText* addLabel(QCustomPlot* plot, double x, double y, const QString& text, const QColor& color,
                      Qt::Alignment alignment = Qt::AlignHCenter | Qt::AlignBottom);
/// \a text on two lines when it is long (at the space nearest its middle), so that category
/// labels do not run into their neighbours.
QString wrapLabel(const QString& text, int maxChars = 16);
/// Type-7 percentile of ascending \a sorted (as core's LatencyStats), NaN when empty.
double percentileSorted(const QVector<double>& sorted, double p);

} // namespace qs::plots::detail
