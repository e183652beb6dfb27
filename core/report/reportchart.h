// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/report/report.h"

#include <QtCore/QPointF>
#include <QtCore/QString>
#include <QtCore/QVector>

namespace qs::report {

/// \brief One drawing primitive of a report chart, in the chart's own coordinates (points,
/// y downwards). Colours are "#rrggbb".
struct ChartItem
{
    enum class Kind { Line, Polyline, Rect, Circle, Text };
    enum class Anchor { Start, Middle, End };
    Kind kind = Kind::Line;
    QVector<QPointF> points; ///< Line: 2; Polyline: n; Rect: top-left, bottom-right; Circle: centre; Text: baseline anchor
    QString stroke;          ///< "" = none
    QString fill;            ///< "" = none
    double width = 1;        ///< stroke width; Circle: radius is `radius`
    double radius = 3;
    bool dashed = false;
    QString text;            ///< plain text (escaped by each backend)
    double fontSize = 10;
    bool bold = false;
    Anchor anchor = Anchor::Start;
    double rotate = 0;       ///< degrees, around the anchor point (axis titles)
};

/// \brief A chart as a list of primitives: built once from the Report, drawn as inline SVG
/// (HTML) or with QPainter (PDF), so that both show the same picture.
struct Chart
{
    QString id;     ///< "size", "latency", "memory", "tradeoff"
    QString title;  ///< "Model size"
    QString caption; ///< what to read from it
    double width = 720;
    double height = 300;
    QVector<ChartItem> items;
};

/// The report's charts: size, latency distributions, memory timelines overlaid, accuracy vs
/// latency. A chart is left out when no run has its data (its absence is explained in
/// \a skipped when given).
QVector<Chart> buildCharts(const Report& report, QStringList* skipped = nullptr);

/// The chart as an `<svg>` element (no XML prologue, no external references).
QString toSvg(const Chart& chart);

/// The colour of row \a index in every chart and table ("#rrggbb").
QString rowColor(int index);

} // namespace qs::report
