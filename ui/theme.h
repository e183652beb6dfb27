// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>
#include <QtGui/QPalette>

namespace qs::ui {

/// \brief The studio's colours: the desktop's (default), or a light or dark palette of our own
/// for people whose desktop does not say (and for tests and screenshots of both).
enum class Theme { System, Light, Dark };

QString themeName(Theme theme); ///< "system", "light", "dark"
Theme parseTheme(const QString& name);
/// The dark palette the studio uses (Fusion-based; charts read their colours from it).
QPalette darkPalette();
QPalette lightPalette();
/// Applies \a theme to the application (palette and, for Light/Dark, the Fusion style) and
/// remembers it in the settings.
void applyTheme(Theme theme);
/// The theme last applied (from the settings at start-up).
Theme currentTheme();

} // namespace qs::ui
