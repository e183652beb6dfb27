// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/fingerprint.h"

#include <QtWidgets/QWidget>

class QFormLayout;
class QLabel;
class QTimer;

namespace qs::ui {

class MessageBanner;

/// \brief The Environment page: the fingerprint every run records, with warnings about what
/// makes figures unfair or noisy (reference BLAS, QNNPACK on x86, high load).
class EnvironmentPage : public QWidget
{
    Q_OBJECT
public:
    explicit EnvironmentPage(QWidget* parent = nullptr);
    const Fingerprint& fingerprint() const { return m_fp; }
    MessageBanner* warnings() const { return m_warnings; }

public Q_SLOTS:
    void refresh();

private:
    Fingerprint m_fp;
    QFormLayout* m_form;
    MessageBanner* m_warnings;
    QLabel* m_refreshed;
    QTimer* m_loadTimer;

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;
};

} // namespace qs::ui
