#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders resources/icons/quantscope.svg to the PNG sizes the desktop and the studio use.
# Needs rsvg-convert (Debian: librsvg2-bin). The PNGs are committed; run this after editing the SVG.
set -eu
cd "$(dirname "$0")/../resources/icons"
for s in 16 22 24 32 48 64 128 256; do
    mkdir -p "hicolor/${s}x${s}/apps"
    rsvg-convert -w "$s" -h "$s" quantscope.svg -o "hicolor/${s}x${s}/apps/quantscope.png"
done
