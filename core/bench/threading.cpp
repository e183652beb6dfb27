// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/Parallel.h>

#include "threading.h"

#include <dlfcn.h>

#include <cstdlib>

namespace qs::threading {

namespace {
using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();

template<typename Fn>
Fn blasSymbol(const char* name)
{
    return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}
} // namespace

void setComputeThreads(int threads)
{
    if (threads < 1)
        threads = 1;
    const QByteArray n = QByteArray::number(threads);
    qputenv("OMP_NUM_THREADS", n);
    qputenv("OPENBLAS_NUM_THREADS", n);
    qputenv("MKL_NUM_THREADS", n);
    if (at::get_num_threads() != threads)
        at::set_num_threads(threads);
    if (auto set = blasSymbol<SetThreadsFn>("openblas_set_num_threads"))
        set(threads);
}

void setDefaultThreadEnvironment(int threads)
{
    const QByteArray n = QByteArray::number(threads);
    for (const char* var : {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"}) {
        if (!qEnvironmentVariableIsSet(var))
            qputenv(var, n);
    }
}

int torchThreads()
{
    return at::get_num_threads();
}

int openblasThreads()
{
    if (auto get = blasSymbol<GetThreadsFn>("openblas_get_num_threads"))
        return get();
    return -1;
}

} // namespace qs::threading
