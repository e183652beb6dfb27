// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core (and its tests): the op recorder profileOps() uses, one forward at a time.
#pragma once

#include <QtCore/QtGlobal>

#include <functional>

namespace qs::detail {

/// \brief Calls \a forward once with profileOps()'s RecordFunction callbacks installed on this
/// thread, its buffers reserved beforehand for \a expectedCalls op calls, and returns the number of
/// op calls recorded. The callbacks allocate nothing while \a forward runs (tst_opprofile_alloc
/// checks it): allocations between a forward's tensors change the heap the forward runs on.
qint64 recordForward(const std::function<void()>& forward, qint64 expectedCalls);

} // namespace qs::detail
