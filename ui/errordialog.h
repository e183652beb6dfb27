// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

class QWidget;

namespace qs::ui {

/// Shows \a error: its message, and LibTorch's/SQLite's own words in a details section.
void showError(QWidget* parent, const QString& title, const Error& error);

} // namespace qs::ui
