// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGui/QColor>
#include <QtGui/QPalette>

namespace qs::plots {

/// \brief Series colours that stay apart for colour-blind readers and on light and dark
/// backgrounds (Okabe & Ito), plus the chart chrome taken from the widget palette.
QColor seriesColor(int index);
/// The colour of a baseline (FP32) series.
QColor baselineColor(const QPalette& palette);
/// Text, grid and background colours derived from \a palette.
QColor textColor(const QPalette& palette);
QColor gridColor(const QPalette& palette);
QColor backgroundColor(const QPalette& palette);
bool isDark(const QPalette& palette);

} // namespace qs::plots
