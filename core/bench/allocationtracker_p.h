// SPDX-License-Identifier: GPL-3.0-or-later
// Private to core: bytes LibTorch's CPU allocator hands out while a forward runs.
#pragma once

#include <QtCore/QtGlobal>

#include <memory>

namespace qs::detail {

/// \brief Counts the bytes LibTorch's default CPU allocator allocates (and frees) on the
/// calling thread while alive, through c10's memory-reporting hook (c10::MemoryReportingInfoBase,
/// the hook the profiler's profile_memory uses). With a budget it also refuses an allocation
/// that would take the live total past it, before the memory is touched: the forward then fails
/// with a c10::Error instead of the process being killed by the out-of-memory killer.
///
/// What it sees: tensors (activations, outputs, temporaries) allocated through
/// c10::GetDefaultCPUAllocator() on this thread. What it does not see: oneDNN scratchpads,
/// OpenBLAS buffers, QNNPACK/XNNPACK workspaces, allocations on intra-op worker threads.
class AllocationTracker
{
public:
    explicit AllocationTracker(qint64 budgetBytes = 0);
    ~AllocationTracker();
    AllocationTracker(const AllocationTracker&) = delete;
    AllocationTracker& operator=(const AllocationTracker&) = delete;

    /// Highest net bytes allocated since construction.
    qint64 peakBytes() const;
    /// An allocation was refused because of the budget.
    bool budgetExceeded() const;
    /// The size of the refused allocation and the live total it would have made.
    qint64 refusedBytes() const;
    qint64 refusedTotal() const;

    struct Impl;

private:
    std::unique_ptr<Impl> d;
};

} // namespace qs::detail
