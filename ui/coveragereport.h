// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/quant/variant.h"

#include <QtWidgets/QWidget>

class QLabel;
class QTableWidget;

namespace qs::ui {

class MessageBanner;

/// \brief The coverage report of one Variant: what it cost and saved (size before and after,
/// time), how close it stays to FP32 (cosine, SQNR, with a warning when the output collapsed),
/// layers quantized per type, and every layer kept in FP32 with the reason.
class CoverageReport : public QWidget
{
    Q_OBJECT
public:
    explicit CoverageReport(QWidget* parent = nullptr);

    void setVariant(const Variant& variant);
    void clear();
    QTableWidget* typeTable() const { return m_types; }
    QTableWidget* fp32Table() const { return m_fp32; }
    MessageBanner* banner() const { return m_banner; }
    QString summaryText() const;

private:
    QLabel* m_summary;
    MessageBanner* m_banner;
    QTableWidget* m_types;
    QTableWidget* m_fp32;
};

} // namespace qs::ui
