// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/bench/fingerprint.h"

#include <QtWidgets/QWidget>

class QFormLayout;
class QLabel;

namespace qs::ui {

/// \brief The Environment page: the fingerprint every run records, with warnings about what
/// makes figures unfair or noisy (reference BLAS, QNNPACK on x86, high load).
class EnvironmentPage : public QWidget
{
    Q_OBJECT
public:
    explicit EnvironmentPage(QWidget* parent = nullptr);
    const Fingerprint& fingerprint() const { return m_fp; }

public Q_SLOTS:
    void refresh();

private:
    Fingerprint m_fp;
    QFormLayout* m_form;
    QLabel* m_warnings;
};

} // namespace qs::ui
