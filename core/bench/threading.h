// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QString>

namespace qs::threading {

/// \brief Fixes the number of compute threads everywhere it matters: LibTorch's intra-op pool
/// (and OpenMP through it), OpenBLAS's own pool (which at::set_num_threads does not bound) and
/// the OMP/OPENBLAS/MKL environment variables that child processes inherit.
void setComputeThreads(int threads);

/// \brief Sets the environment variables only: for the start of main(), before OpenBLAS spins
/// up its pool. Does not override variables the user set.
void setDefaultThreadEnvironment(int threads);

/// LibTorch's intra-op thread count.
int torchThreads();
/// OpenBLAS's thread count, or -1 when OpenBLAS is not the loaded BLAS.
int openblasThreads();

} // namespace qs::threading
