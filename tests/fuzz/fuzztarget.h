// SPDX-License-Identifier: GPL-3.0-or-later
// A fuzz target's body is written once with QS_FUZZ_TARGET(name) and built two ways:
//  - with -DQS_FUZZ=ON (clang): as a libFuzzer program, `fuzz_<name>`;
//  - always: into tst_fuzz_regressions, which replays the seed corpus and every input that
//    once crashed (tests/fuzz/regressions/<name>/) through the same function.
#pragma once

#include <QtCore/QByteArray>

#include <cstddef>
#include <cstdint>

namespace qs::fuzz {

using TargetFn = int (*)(const uint8_t* data, size_t size);

struct Target
{
    const char* name;
    TargetFn fn;
};

/// Registers a target for the regression test (a no-op in the libFuzzer programs).
bool registerTarget(const char* name, TargetFn fn);
/// The bytes as a QByteArray without copying.
inline QByteArray bytes(const uint8_t* data, size_t size)
{
    return QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
}

} // namespace qs::fuzz

#if defined(QS_LIBFUZZER)
#define QS_FUZZ_TARGET(name)                                                                       \
    static int qsFuzz_##name(const uint8_t* data, size_t size);                                    \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)                        \
    {                                                                                              \
        return qsFuzz_##name(data, size);                                                          \
    }                                                                                              \
    static int qsFuzz_##name(const uint8_t* data, size_t size)
#else
#define QS_FUZZ_TARGET(name)                                                                       \
    static int qsFuzz_##name(const uint8_t* data, size_t size);                                    \
    static const bool qsFuzzRegistered_##name = qs::fuzz::registerTarget(#name, &qsFuzz_##name);   \
    static int qsFuzz_##name(const uint8_t* data, size_t size)
#endif
