// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plots/chartwidget.h"

#include <QtCore/QVector>

#include <limits>

class QCPBars;

namespace qs::plots {

/// \brief A histogram of a layer's weights or activations, as the diagnosis computes it, with
/// the range the quantizer chose.
struct ValueHistogram
{
    QString title;                ///< "features.0 weight"
    double lo = 0;                ///< left edge of the first bin
    double hi = 0;                ///< right edge of the last bin
    QVector<double> counts;       ///< equal-width bins between lo and hi
    double rangeLo = std::numeric_limits<double>::quiet_NaN(); ///< the quantization range
    double rangeHi = std::numeric_limits<double>::quiet_NaN();
    QString rangeLabel;           ///< "int8 range (scale 0.0123)"
};

/// \brief Weight or activation values as bars, the quantization range as two lines and what
/// falls outside it (clipped) shaded: shows at a glance whether a range wastes levels on
/// outliers or clips the bulk.
class ValueHistogramPlot : public ChartWidget
{
    Q_OBJECT
public:
    explicit ValueHistogramPlot(QWidget* parent = nullptr);

    void setHistogram(const ValueHistogram& histogram);
    const ValueHistogram& histogram() const { return m_h; }
    /// Fraction of the counts outside the quantization range (0 without a range).
    double clippedFraction() const;
    /// Logarithmic counts (the tails of weight distributions are invisible on a linear axis).
    void setLogScale(bool log);

protected:
    void rescale() override;
    QString toolTipAt(const QPoint& pos) const override;
    void applyPalette() override;

private:
    ValueHistogram m_h;
    QCPBars* m_inside = nullptr;
    QCPBars* m_outside = nullptr;
    bool m_log = true;
};

} // namespace qs::plots
