// SPDX-License-Identifier: GPL-3.0-or-later
#include "environmentpage.h"

#include "ui/messagebanner.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QTimer>
#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QVBoxLayout>

namespace qs::ui {

EnvironmentPage::EnvironmentPage(QWidget* parent)
    : QWidget(parent), m_form(new QFormLayout), m_warnings(new MessageBanner(this)), m_refreshed(new QLabel(this)), m_loadTimer(new QTimer(this))
{
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(tr("<h2>Environment</h2>Recorded with every run, so that figures from different machines "
                                "and settings are never compared blindly."), this);
    title->setWordWrap(true);
    layout->addWidget(title);
    m_warnings->setObjectName(QStringLiteral("environmentWarnings"));
    layout->addWidget(m_warnings);
    auto* formHost = new QWidget(this);
    formHost->setLayout(m_form);
    m_form->setLabelAlignment(Qt::AlignRight);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(formHost);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 1);
    auto* buttons = new QHBoxLayout;
    auto* refreshButton = new QPushButton(tr("Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("refreshEnvironment"));
    refreshButton->setShortcut(QKeySequence::Refresh);
    refreshButton->setToolTip(tr("Read the environment again (F5); the load average also refreshes every 5 s while this page shows"));
    auto* copy = new QPushButton(tr("Copy as JSON"), this);
    copy->setToolTip(tr("The fingerprint as quantscope-cli env --json prints it"));
    buttons->addWidget(refreshButton);
    buttons->addWidget(copy);
    buttons->addStretch();
    m_refreshed->setForegroundRole(QPalette::PlaceholderText);
    buttons->addWidget(m_refreshed);
    layout->addLayout(buttons);
    connect(refreshButton, &QPushButton::clicked, this, &EnvironmentPage::refresh);
    connect(copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(QString::fromUtf8(QJsonDocument(m_fp.toJson()).toJson())); });
    // Load changes while people look at it: keep it current, but only while visible.
    m_loadTimer->setInterval(5000);
    connect(m_loadTimer, &QTimer::timeout, this, &EnvironmentPage::refresh);
    refresh();
}

void EnvironmentPage::showEvent(QShowEvent* event)
{
    refresh();
    m_loadTimer->start();
    QWidget::showEvent(event);
}

void EnvironmentPage::hideEvent(QHideEvent* event)
{
    m_loadTimer->stop();
    QWidget::hideEvent(event);
}

void EnvironmentPage::refresh()
{
    m_fp = captureFingerprint();
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    // Rows behind a warning are drawn in the warning colour so the eye finds the cause.
    auto add = [this](const QString& label, const QString& value, bool warn = false) {
        auto* l = new QLabel(value);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);
        if (warn) {
            l->setText(QStringLiteral("<span style='color:#D55E00'><b>%1</b></span>").arg(value));
            l->setToolTip(tr("This makes measured figures unfair or noisy: see the warnings above"));
        }
        m_form->addRow(label, l);
    };
    add(tr("CPU:"), tr("%1 (%2)").arg(m_fp.cpu, m_fp.arch));
    add(tr("Cores:"), tr("%1 logical, %2 physical").arg(m_fp.cores).arg(m_fp.physicalCores));
    add(tr("ISA:"), m_fp.isa.join(QLatin1Char(' ')));
    add(tr("OS:"), tr("%1, kernel %2").arg(m_fp.os, m_fp.kernel));
    add(tr("Memory:"), tr("%1 GB total, %2 GB available").arg(double(m_fp.memoryTotal) / 1e9, 0, 'f', 1)
                           .arg(double(m_fp.memoryAvailable) / 1e9, 0, 'f', 1));
    add(tr("LibTorch:"), m_fp.libtorch);
    const bool x86 = m_fp.arch.contains(QLatin1String("x86"));
    add(tr("Quantized engines:"), tr("%1 (selected: %2)").arg(m_fp.engines.join(QLatin1String(", ")), m_fp.engine),
        x86 && m_fp.engine == QLatin1String("qnnpack"));
    add(tr("BLAS:"), tr("%1<br><small>%2</small>").arg(m_fp.blas.toHtmlEscaped(), m_fp.blasPath.toHtmlEscaped()), m_fp.blasIsReference);
    add(tr("Threads:"), tr("LibTorch %1 (inter-op %2), OpenBLAS %3").arg(m_fp.torchThreads).arg(m_fp.interopThreads).arg(m_fp.blasThreads));
    add(tr("Thread variables:"), tr("OMP_NUM_THREADS=%1, OPENBLAS_NUM_THREADS=%2, MKL_NUM_THREADS=%3")
                                     .arg(m_fp.ompNumThreads.isEmpty() ? tr("unset") : m_fp.ompNumThreads,
                                          m_fp.openblasNumThreads.isEmpty() ? tr("unset") : m_fp.openblasNumThreads,
                                          m_fp.mklNumThreads.isEmpty() ? tr("unset") : m_fp.mklNumThreads));
    add(tr("Load average:"),
        tr("%1  %2  %3 (1, 5, 15 min; %4 cores)").arg(m_fp.loadavg1).arg(m_fp.loadavg5).arg(m_fp.loadavg15).arg(m_fp.cores),
        m_fp.cores > 0 && m_fp.loadavg1 > m_fp.cores);
    add(tr("Quantscope:"), tr("%1 (Qt %2, %3)").arg(m_fp.quantscope, m_fp.qt, m_fp.compiler));
    const QStringList w = m_fp.warnings();
    if (w.isEmpty())
        m_warnings->setMessage(MessageBanner::Kind::Positive, tr("No warnings: figures measured here are fair."));
    else
        m_warnings->setMessages(MessageBanner::Kind::Warning, w);
    m_refreshed->setText(tr("Read at %1").arg(QLocale().toString(QTime::currentTime(), QLocale::ShortFormat)));
}

} // namespace qs::ui
