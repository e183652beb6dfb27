#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Quantscope on a fresh Debian 12 machine, in one command:
#
#   scripts/setup.sh studio   install what is missing, build (Release), start the studio on the demo workspace
#   scripts/setup.sh test     install what is missing, build (Release), run the whole test suite
#   scripts/setup.sh package  install what is missing, build (Release), make the Debian package
#
# Everything comes from Debian's packages. Running it again is quick: installed packages are
# skipped (no apt-get update when nothing is missing) and the build is incremental.
# Options: --build-dir DIR (default: ./build), --no-install (skip the package check).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"
shift || true
build_dir="$here/build"
install=1
while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir) build_dir="$(realpath -m "$2")"; shift 2 ;;
        --no-install) install=0; shift ;;
        *) echo "setup.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done

case "$mode" in
    studio|test|build|package) ;;
    *) echo "usage: scripts/setup.sh studio|test|build|package [--build-dir DIR] [--no-install]" >&2; exit 2 ;;
esac

# What the build and the studio need (runtime libraries come with the -dev packages).
packages=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libgl-dev
    libqcustomplot-dev
    libtorch-dev
    libopenblas0-pthread
    zlib1g-dev
    dataset-fashion-mnist
)
# What the tests need besides: Debian's PyTorch (the same 1.13 build) as the reference that
# parameter counts, quantized outputs and accuracy are compared with, and X for screenshots.
# The packaging test also validates the desktop file and the AppStream metadata.
if [ "$mode" = test ]; then
    packages+=(python3-torch xvfb xauth desktop-file-utils appstream)
fi
# The benchmark programs (tests/bench/bench) compare isolated peaks with /usr/bin/time -v.
if [ "$mode" = test ]; then
    packages+=(time)
fi
# The report tests read the text of the PDF reports back with pdftotext.
if [ "$mode" = test ]; then
    packages+=(poppler-utils)
fi
if [ "$mode" = studio ]; then
    packages+=(xvfb xauth)
fi

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ "$install" -eq 1 ]; then
    missing=()
    for p in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== Installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
fi

# FP32 baselines are only fair with an optimized BLAS behind libblas.so.3.
blas="$(readlink -f /usr/lib/"$(gcc -dumpmachine)"/libblas.so.3 2>/dev/null || true)"
case "$blas" in
    *openblas*) ;;
    *) echo "warning: libblas.so.3 resolves to '$blas', not OpenBLAS: FP32 timings will be 7-20x too slow." >&2
       echo "         Fix: sudo update-alternatives --auto libblas.so.3-$(gcc -dumpmachine)" >&2 ;;
esac

echo "== Building in $build_dir"
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir"

case "$mode" in
    build)
        ;;
    package)
        (cd "$build_dir" && cpack -G DEB)
        echo "== Package: $(ls "$build_dir"/quantscope_*.deb)"
        echo "   Install it with: sudo apt install $(ls "$build_dir"/quantscope_*.deb)"
        ;;
    test)
        echo "== Running the test suite"
        cd "$build_dir"
        # The demo fixture trains the Fashion-MNIST CNN once per build tree (about a minute).
        ctest --output-on-failure -j "$(nproc)" --timeout 1200
        ;;
    studio)
        echo "== Starting the studio on the demo workspace"
        if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
            echo "No display found: starting under xvfb-run (the window is invisible; set DISPLAY to see it)." >&2
            exec xvfb-run -a -s "-screen 0 1600x1000x24" "$build_dir/bin/quantscope" --demo
        fi
        exec "$build_dir/bin/quantscope" --demo
        ;;
esac
