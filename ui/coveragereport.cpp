// SPDX-License-Identifier: GPL-3.0-or-later
#include "coveragereport.h"

#include "ui/messagebanner.h"
#include "ui/variantlistmodel.h"

#include "core/common/paths.h"
#include "plots/metricformat.h"

#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QVBoxLayout>

#include <cmath>

namespace qs::ui {

using plots::formatValue;
using plots::Unit;

namespace {
QTableWidget* makeTable(const QStringList& headers, QWidget* parent)
{
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setSortingEnabled(true);
    return t;
}

QTableWidgetItem* item(const QString& text, const QString& tip = {})
{
    auto* i = new QTableWidgetItem(text);
    i->setToolTip(tip.isEmpty() ? text : tip);
    return i;
}
} // namespace

CoverageReport::CoverageReport(QWidget* parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_banner(new MessageBanner(this))
    , m_types(makeTable({tr("Layer type"), tr("Quantized"), tr("Total")}, this))
    , m_fp32(makeTable({tr("Kept in FP32"), tr("Type"), tr("Why"), tr("Detail")}, this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary->setObjectName(QStringLiteral("coverageSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    layout->addWidget(m_banner);
    auto* tables = new QHBoxLayout;
    m_types->setObjectName(QStringLiteral("coverageByType"));
    m_fp32->setObjectName(QStringLiteral("fp32Layers"));
    m_types->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    tables->addWidget(m_types, 2);
    tables->addWidget(m_fp32, 3);
    layout->addLayout(tables, 1);
    clear();
}

void CoverageReport::clear()
{
    m_summary->setText(tr("Quantize the model with one or more schemes; pick a variant to see what it quantized, "
                          "what stayed in FP32 and why."));
    m_banner->setMessage(MessageBanner::Kind::Info, QString());
    m_types->setRowCount(0);
    m_fp32->setRowCount(0);
}

QString CoverageReport::summaryText() const
{
    return m_summary->text();
}

void CoverageReport::setVariant(const Variant& v)
{
    const Coverage& c = v.coverage;
    const Fidelity& f = v.fidelity;
    const QLocale loc;
    auto ratio = [&](qint64 before, qint64 after) {
        return after > 0 ? tr("%1× smaller").arg(loc.toString(double(before) / double(after), 'f', 2)) : QString();
    };
    QString html = tr("<h3 style='margin:0'>%1</h3>").arg(VariantListModel::label(v).toHtmlEscaped());
    html += QStringLiteral("<table cellspacing='0' cellpadding='2'>");
    auto row = [&html](const QString& k, const QString& val) {
        html += QStringLiteral("<tr><td style='padding-right:12px'><i>%1</i></td><td>%2</td></tr>").arg(k, val);
    };
    row(tr("File"), tr("%1 → <b>%2</b> (%3)")
                        .arg(formatValue(double(v.fileBytesBefore), Unit::Bytes), formatValue(double(v.fileBytesAfter), Unit::Bytes),
                             ratio(v.fileBytesBefore, v.fileBytesAfter)));
    row(tr("Weights"), tr("%1 → %2 (%3)")
                           .arg(formatValue(double(v.paramBytesBefore), Unit::Bytes), formatValue(double(v.paramBytesAfter), Unit::Bytes),
                                ratio(v.paramBytesBefore, v.paramBytesAfter)));
    row(tr("Coverage"), tr("%1 of %2 layers, %3 of %4 tensors quantized")
                            .arg(c.quantizedLayers)
                            .arg(c.totalLayers)
                            .arg(c.quantizedTensors)
                            .arg(c.totalTensors));
    if (f.measured) {
        row(tr("Fidelity"), tr("cosine %1, SQNR %2, max |Δ| %3 <small>(%4)</small>")
                                .arg(loc.toString(f.cosine, 'f', 4),
                                     std::isinf(f.sqnrDb) ? tr("∞ (identical)") : formatValue(f.sqnrDb, Unit::Decibel),
                                     loc.toString(f.maxAbsDiff, 'g', 3), f.inputs.toHtmlEscaped()));
    } else {
        row(tr("Fidelity"), tr("not measured: %1").arg(f.note.toHtmlEscaped()));
    }
    row(tr("Runs as"), v.runtime == Variant::Runtime::QuantizedKernels
                           ? tr("LibTorch quantized kernels (%1)").arg(v.engine)
                           : tr("packed weights, dequantized to FP32 at load: the gain is size, not speed"));
    if (!v.calibrationSource.isEmpty())
        row(tr("Calibration"), tr("%1, %2 s").arg(v.calibrationSource.toHtmlEscaped(), loc.toString(v.calibrationSeconds, 'f', 2)));
    row(tr("Took"), tr("%1 s").arg(loc.toString(v.seconds, 'f', 2)));
    if (!c.quantizedOps.isEmpty()) {
        QStringList ops;
        for (auto it = c.quantizedOps.begin(); it != c.quantizedOps.end(); ++it)
            ops << QStringLiteral("%1 ×%2").arg(it.key()).arg(it.value());
        row(tr("Kernels"), ops.join(QStringLiteral(", ")).toHtmlEscaped());
    }
    row(tr("Artifact"), paths::pretty(v.artifactPath).toHtmlEscaped());
    m_summary->setText(html + QStringLiteral("</table>"));

    QStringList warnings = v.warnings;
    if (f.collapsed) {
        m_banner->setMessage(MessageBanner::Kind::Error,
                             tr("<b>The output collapsed</b> (cosine %1, below %2): this variant is broken, whatever its speed. %3 "
                                "Try more or better calibration data, per-channel weights, or keep the sensitive layers in FP32.")
                                 .arg(loc.toString(f.cosine, 'f', 3))
                                 .arg(Fidelity::collapseCosine())
                                 .arg(f.note.toHtmlEscaped()));
    } else if (!warnings.isEmpty()) {
        m_banner->setMessages(MessageBanner::Kind::Warning, warnings);
    } else {
        m_banner->setMessage(MessageBanner::Kind::Info, QString());
    }

    m_types->setSortingEnabled(false);
    m_types->setRowCount(0);
    for (auto it = c.perType.begin(); it != c.perType.end(); ++it) {
        const int r = m_types->rowCount();
        m_types->insertRow(r);
        m_types->setItem(r, 0, item(it.key()));
        auto* q = item(QString::number(it.value().quantized));
        q->setData(Qt::DisplayRole, it.value().quantized);
        auto* t = item(QString::number(it.value().total));
        t->setData(Qt::DisplayRole, it.value().total);
        m_types->setItem(r, 1, q);
        m_types->setItem(r, 2, t);
    }
    m_types->setSortingEnabled(true);
    m_fp32->setSortingEnabled(false);
    m_fp32->clearSpans();
    m_fp32->setRowCount(0);
    for (const Fp32Layer& l : c.fp32Layers) {
        const int r = m_fp32->rowCount();
        m_fp32->insertRow(r);
        m_fp32->setItem(r, 0, item(l.name.isEmpty() ? tr("(root)") : l.name));
        m_fp32->setItem(r, 1, item(l.type));
        m_fp32->setItem(r, 2, item(l.reason));
        m_fp32->setItem(r, 3, item(l.detail));
    }
    if (c.fp32Layers.isEmpty()) {
        // An empty table reads as "nothing loaded"; say that nothing stayed behind.
        m_fp32->insertRow(0);
        auto* none = item(tr("none: every layer with weights was quantized"));
        none->setForeground(palette().brush(QPalette::PlaceholderText));
        m_fp32->setItem(0, 0, none);
        m_fp32->setSpan(0, 0, 1, m_fp32->columnCount());
    }
    m_fp32->setSortingEnabled(true);
    m_types->resizeColumnsToContents();
    m_fp32->resizeColumnsToContents();
}

} // namespace qs::ui
