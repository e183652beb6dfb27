// SPDX-License-Identifier: GPL-3.0-or-later
#include "chartpalette.h"

namespace qs::plots {

QColor seriesColor(int index)
{
    static const QColor colors[] = {QColor(0x00, 0x72, 0xB2), QColor(0xE6, 0x9F, 0x00), QColor(0x00, 0x9E, 0x73),
                                    QColor(0xD5, 0x5E, 0x00), QColor(0xCC, 0x79, 0xA7), QColor(0x56, 0xB4, 0xE9),
                                    QColor(0xF0, 0xE4, 0x42), QColor(0x99, 0x99, 0x99)};
    return colors[std::abs(index) % 8];
}

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor baselineColor(const QPalette& palette)
{
    return isDark(palette) ? QColor(0xB0, 0xB0, 0xB0) : QColor(0x55, 0x55, 0x55);
}

QColor textColor(const QPalette& palette)
{
    return palette.color(QPalette::WindowText);
}

QColor gridColor(const QPalette& palette)
{
    QColor c = palette.color(QPalette::WindowText);
    c.setAlpha(40);
    return c;
}

QColor backgroundColor(const QPalette& palette)
{
    return palette.color(QPalette::Base);
}

} // namespace qs::plots
