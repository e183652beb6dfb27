// SPDX-License-Identifier: GPL-3.0-or-later
#include "welcomewidget.h"

#include "ui/studiocontext.h"

#include "core/common/paths.h"

#include <QtWidgets/QLabel>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>

namespace qs::ui {

WelcomeWidget::WelcomeWidget(StudioContext* context, QWidget* parent)
    : QWidget(parent), m_context(context), m_recent(new QListWidget(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(48, 36, 48, 36);
    auto* title = new QLabel(tr("<h1>Quantscope</h1>"), this);
    auto* intro = new QLabel(tr("Measure what quantization does to a TorchScript model: size, latency, memory and accuracy "
                                "of FP32 and its INT8, FP16 and compressed variants, side by side."), this);
    intro->setWordWrap(true);
    auto* open = new QPushButton(tr("Open a model…"), this);
    open->setObjectName(QStringLiteral("openModelButton"));
    open->setToolTip(tr("Open a TorchScript file (.pt, .pth, .ts, .zip) — or drop one onto the window"));
    auto* demo = new QPushButton(tr("Open the demo workspace"), this);
    demo->setObjectName(QStringLiteral("openDemoButton"));
    demo->setToolTip(tr("A small CNN trained on Fashion-MNIST by Quantscope itself, with test and calibration sets "
                        "(about a minute to prepare the first time)"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open);
    buttons->addWidget(demo);
    buttons->addStretch();
    auto* recentLabel = new QLabel(tr("<b>Recent models</b>"), this);
    m_recent->setObjectName(QStringLiteral("recentList"));
    m_recent->setMaximumWidth(720);

    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addSpacing(24);
    layout->addWidget(recentLabel);
    layout->addWidget(m_recent, 1);

    connect(open, &QPushButton::clicked, this, &WelcomeWidget::openRequested);
    connect(demo, &QPushButton::clicked, context, &StudioContext::openDemo);
    connect(m_recent, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { m_context->openModel(item->data(Qt::UserRole).toString()); });
    connect(context, &StudioContext::recentFilesChanged, this, &WelcomeWidget::refreshRecent);
    refreshRecent();
}

void WelcomeWidget::refreshRecent()
{
    m_recent->clear();
    for (const QString& f : m_context->recentFiles()) {
        auto* item = new QListWidgetItem(paths::pretty(f), m_recent);
        item->setData(Qt::UserRole, f);
        item->setToolTip(f);
    }
    if (m_recent->count() == 0) {
        auto* item = new QListWidgetItem(tr("No recent models yet."), m_recent);
        item->setFlags(Qt::NoItemFlags);
    }
}

} // namespace qs::ui
