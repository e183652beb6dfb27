// SPDX-License-Identifier: GPL-3.0-or-later
// profile's RecordFunction callbacks allocate nothing while a forward runs. They used to (a context
// per op call, names as QStrings, hash nodes, boxed inputs): those allocations landed between the
// forward's tensors, moved them on glibc's heap, and the profiled forwards page-faulted where the
// unprofiled ones did not (FP32 demo CNN: 40% slower under the profiler; docs/benchmarks.md).
// Counted here through a replaced global operator new (what std::make_unique, std::vector, Qt's
// hash spans and c10's intrusive objects use), so this test is its own executable.
// LibTorch before Qt: Qt's keyword macros (slots) break its headers.
#include <ATen/record_function.h>
#include <torch/script.h>

#include "core/bench/opprofiler_p.h"
#include "core/model/modelfactory.h"
#include "core/model/torchmodel_p.h"
#include "core/quant/quantizer.h"

#include <QtTest/QtTest>

#include <cstdlib>
#include <new>

namespace {
thread_local bool t_counting = false;
thread_local qint64 t_news = 0;

void* counted(std::size_t n)
{
    if (t_counting)
        ++t_news;
    if (void* p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}
} // namespace

void* operator new(std::size_t n) { return counted(n); }
void* operator new[](std::size_t n) { return counted(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too, so that every allocation and its release pair up (ASan checks it).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept
{
    try {
        return counted(n);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept
{
    try {
        return counted(n);
    } catch (...) {
        return nullptr;
    }
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace qs;

namespace {

// Operator-new calls of one forward of \a m.
qint64 newsIn(torch::jit::Module& m, const std::vector<c10::IValue>& inputs)
{
    t_news = 0;
    t_counting = true;
    m.forward(inputs);
    t_counting = false;
    return t_news;
}

std::unique_ptr<at::ObserverContext> noStart(const at::RecordFunction&) { return nullptr; }
void noEnd(const at::RecordFunction&, at::ObserverContext*) { }

} // namespace

class TestOpProfileAlloc : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recordingAForwardAllocatesNothing()
    {
        auto fp32 = modelfactory::smallCnn(10, 4);
        QVERIFY(fp32.ok());
        QuantizeOptions q;
        q.scheme = QStringLiteral("static-int8");
        q.calibration = QuantizeOptions::Calibration::Random;
        q.calibrationSamples = 32;
        q.inputs = *InputSpec::parse({ "1x1x28x28" });
        auto variant = quantizeModel(*fp32, q);
        QVERIFY(variant.ok());
        torch::NoGradGuard noGrad;
        const std::vector<c10::IValue> inputs { torch::randn({ 32, 1, 28, 28 }) };
        for (const TorchModel* model : { &*fp32, &variant->model }) {
            torch::jit::Module& m = qs::detail::moduleOf(*model);
            m.eval();
            for (int i = 0; i < 5; ++i)
                m.forward(inputs);
            // What LibTorch itself allocates in a forward with a (no-op) callback installed: the
            // profiler's callbacks must not add to it.
            const auto handle = at::addThreadLocalCallback(
                at::RecordFunctionCallback(&noStart, &noEnd).scopes({ at::RecordScope::FUNCTION }));
            const qint64 withNoOp = newsIn(m, inputs);
            at::removeCallback(handle);
            const qint64 plain = newsIn(m, inputs);
            qint64 recorded = -1;
            const qint64 calls = qs::detail::recordForward([&] { recorded = newsIn(m, inputs); }, 1000);
            QVERIFY2(calls >= 8, qPrintable(QString::number(calls)));
            QVERIFY2(recorded == withNoOp,
                qPrintable(QStringLiteral("%1 op calls recorded with %2 operator-new calls; %3 with a no-op callback, "
                                          "%4 without callbacks")
                               .arg(calls)
                               .arg(recorded)
                               .arg(withNoOp)
                               .arg(plain)));
            // A recorder too small for the forward drops calls rather than growing.
            qint64 small = -1;
            qs::detail::recordForward([&] { small = newsIn(m, inputs); }, 2);
            QCOMPARE(small, withNoOp);
        }
    }
};

QTEST_GUILESS_MAIN(TestOpProfileAlloc)
#include "tst_opprofile_alloc.moc"
