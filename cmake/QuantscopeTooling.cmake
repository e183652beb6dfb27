# SPDX-License-Identifier: GPL-3.0-or-later
# Compiler launcher, warnings, sanitizers and the LibTorch target fix-ups shared by every target.

find_program(QS_CCACHE ccache)
if(QS_CCACHE)
    # Precompiled headers and ccache only cooperate with this sloppiness; base_dir lets
    # several checkouts (worktrees, fresh clones) share one cache.
    set(CMAKE_CXX_COMPILER_LAUNCHER
        "${CMAKE_COMMAND}" -E env
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}" "${QS_CCACHE}")
endif()

# LibTorch loads Qt 5 (libtorch_cpu -> libopencv_highgui -> libQt5Widgets) beside our Qt 6.
# When a program keeps an out-of-line copy of a Qt 6 inline function whose mangled name Qt 5 also
# uses (QByteArray::append(const char*), operator==(const QString&, const QString&), QMutex's
# destructor), the linker exports that copy, unversioned, because a Qt 5 library it read for the
# link refers to the name, and Qt 5's own calls then bind to our Qt 6 copy: the sanitizer builds
# crashed in Qt 5's static initialisers (docs/sanitizers.md). Hidden inline functions are never
# exported.
add_compile_options(-fvisibility-inlines-hidden)

if(QS_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()

if(QS_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "QS_FUZZ needs clang's libFuzzer: configure with -DCMAKE_CXX_COMPILER=clang++")
    endif()
    # Everything is instrumented for coverage and checked by ASan/UBSan; the fuzz programs link
    # libFuzzer's main (tests/fuzz/CMakeLists.txt).
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()

# Warnings for our own code only (qs_warnings is applied per target).
add_library(qs_warnings INTERFACE)
target_compile_options(qs_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter)

macro(qs_fix_torch_target)
    # LibTorch's headers are not ours: keep their warnings out of our builds.
    set_property(TARGET torch APPEND PROPERTY INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${TORCH_INCLUDE_DIRS})
endmacro()
