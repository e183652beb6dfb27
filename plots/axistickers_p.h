// SPDX-License-Identifier: GPL-3.0-or-later
// Private to plots/*.cpp (includes qcustomplot.h): axis label formats shared by charts.
#pragma once

#include <qcustomplot.h>

namespace qs::plots {

/// Tick labels in B/kB/MB/GB.
class BytesTicker : public QCPAxisTicker
{
protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;
};

/// Tick labels like 1.2 k / 3.4 M.
class CountTicker : public QCPAxisTicker
{
protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;
};

} // namespace qs::plots
