// SPDX-License-Identifier: GPL-3.0-or-later
#include <c10/core/Allocator.h>
#include <c10/util/Exception.h>
#include <c10/util/ThreadLocalDebugInfo.h>

#include "allocationtracker_p.h"

#include <atomic>
#include <cstdlib>

namespace qs::detail {

namespace {

class Reporter final : public c10::MemoryReportingInfoBase
{
public:
    explicit Reporter(qint64 budget) : m_budget(budget) {}

    void reportMemoryUsage(void* ptr, int64_t size, int64_t /*totalAllocated*/, int64_t /*totalReserved*/,
                           c10::Device device) override
    {
        if (device.type() != c10::DeviceType::CPU)
            return;
        const int64_t now = m_current.fetch_add(size) + size;
        if (size > 0 && m_budget > 0 && now > m_budget && !m_inRefusal) {
            // The block is allocated but not yet touched (no resident pages). Give it back and fail
            // the allocation the way LibTorch does when malloc fails. c10 still lists the pointer
            // in its profiling table; that entry is overwritten if the address comes back.
            m_current.fetch_sub(size);
            m_refused = size;
            m_refusedTotal = now;
            m_exceeded = true;
            std::free(ptr);
            m_inRefusal = true;
            TORCH_CHECK(false, "Quantscope memory guard: refused to allocate ", size, " bytes (", now,
                        " bytes in this forward would exceed the budget of ", m_budget, " bytes).");
        }
        int64_t peak = m_peak.load();
        while (now > peak && !m_peak.compare_exchange_weak(peak, now)) {
        }
    }

    bool memoryProfilingEnabled() const override { return true; }

    std::atomic<int64_t> m_current{0};
    std::atomic<int64_t> m_peak{0};
    const qint64 m_budget;
    bool m_exceeded = false;
    bool m_inRefusal = false;
    qint64 m_refused = 0;
    qint64 m_refusedTotal = 0;
};

} // namespace

struct AllocationTracker::Impl
{
    std::shared_ptr<Reporter> reporter;
    std::unique_ptr<c10::DebugInfoGuard> guard;
};

AllocationTracker::AllocationTracker(qint64 budgetBytes) : d(std::make_unique<Impl>())
{
    d->reporter = std::make_shared<Reporter>(budgetBytes);
    d->guard = std::make_unique<c10::DebugInfoGuard>(c10::DebugInfoKind::PROFILER_STATE, d->reporter);
}

AllocationTracker::~AllocationTracker() = default;

qint64 AllocationTracker::peakBytes() const
{
    return d->reporter->m_peak.load();
}

bool AllocationTracker::budgetExceeded() const
{
    return d->reporter->m_exceeded;
}

qint64 AllocationTracker::refusedBytes() const
{
    return d->reporter->m_refused;
}

qint64 AllocationTracker::refusedTotal() const
{
    return d->reporter->m_refusedTotal;
}

} // namespace qs::detail
