#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Screenshots of every studio page on the demo workspace, under Xvfb, into docs/screenshots/
# (light theme; pass "dark" for the dark one). Needs a build: scripts/setup.sh build.
# Usage: scripts/screenshots.sh [light|dark] [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
theme=${1:-light}
build=${2:-$here/build}
suffix=""
[ "$theme" = dark ] && suffix="-dark"
out="$here/docs/screenshots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Variants and settings of the screenshot session stay out of the repository and the user's files.
XDG_CONFIG_HOME="$work/config" QUANTSCOPE_DATA_DIR="${QUANTSCOPE_DATA_DIR:-$build/test-data}" \
    xvfb-run -a -s "-screen 0 1600x1000x24 -dpi 96" \
    "$build/bin/qs_screenshots" --out "$out" --theme "$theme" --suffix "$suffix"
