// SPDX-License-Identifier: GPL-3.0-or-later
// The memory sampler and the /proc readers: a monotonic timeline with phase markers that sees
// memory come and go, and a resettable high-water mark.
#include "core/bench/memorysampler.h"
#include "core/bench/procfs.h"

#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtCore/QThread>
#include <QtTest/QtTest>

#include <cstdlib>
#include <cstring>
#include <sys/mman.h>

using namespace qs;

namespace {

// Anonymous memory that really is resident (touched) and really goes away (munmap).
struct Block
{
    explicit Block(size_t bytes) : size(bytes)
    {
        data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (data != MAP_FAILED)
            std::memset(data, 1, size);
    }
    ~Block()
    {
        if (data != MAP_FAILED)
            munmap(data, size);
    }
    void* data;
    size_t size;
};

constexpr qint64 kMiB = 1024 * 1024;

} // namespace

class TestMemorySampler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void statmMatchesStatus()
    {
        // statm's resident - shared is RssAnon of /proc/self/status.
        procfs::StatmReader reader;
        QVERIFY(reader.isOpen());
        const procfs::Rss rss = reader.read();
        QVERIFY(rss.anon > 0);
        QVERIFY(rss.file > 0);
        QFile f(QStringLiteral("/proc/self/status"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString status = QString::fromLatin1(f.readAll());
        const QRegularExpression re(QStringLiteral(R"(RssAnon:\s+(\d+) kB)"));
        const qint64 anon = re.match(status).captured(1).toLongLong() * 1024;
        QVERIFY(anon > 0);
        // Both read a moment apart (and the kernel's per-CPU counters lag a little): within 2 MiB.
        QVERIFY2(qAbs(anon - rss.anon) < 2 * kMiB, qPrintable(QStringLiteral("%1 vs %2").arg(anon).arg(rss.anon)));
        QVERIFY(procfs::threadCount() >= 1);
        QVERIFY(procfs::memAvailable() > 0);
    }

    void timelineIsMonotonicWithMarkersAndSeesMemory()
    {
        MemorySampler sampler(1000);
        sampler.start();
        QVERIFY(sampler.isRunning());
        sampler.mark(Phase::Load);
        const qint64 before = sampler.sampleNow();
        QThread::msleep(60);
        MemoryTimeline streamed = sampler.takeNew();
        qint64 during = 0;
        {
            sampler.mark(Phase::Warmup);
            Block block(64 * kMiB);
            QVERIFY(block.data != MAP_FAILED);
            // Idle priority: on a busy machine the sampler may wait a while for a core.
            sampler.yieldToWork();
            const int samples = sampler.timeline().size();
            QTRY_VERIFY_WITH_TIMEOUT(sampler.timeline().size() >= samples + 20, 30000);
            during = sampler.sampleNow();
            sampler.mark(Phase::Steady);
        }
        QThread::msleep(60);
        const qint64 after = sampler.sampleNow();
        streamed.append(sampler.takeNew());
        const double elapsed = sampler.elapsedMs();
        sampler.stop();
        QVERIFY(!sampler.isRunning());
        const MemoryTimeline tl = sampler.timeline();

        QCOMPARE(tl.hz, 1000);
        QCOMPARE(tl.source, QStringLiteral("statm"));
        QCOMPARE(tl.anonBytes.size(), tl.tUs.size());
        QCOMPARE(tl.fileBytes.size(), tl.tUs.size());
        for (int i = 1; i < tl.size(); ++i)
            QVERIFY2(tl.tUs[i] >= tl.tUs[i - 1], qPrintable(QStringLiteral("sample %1 goes back in time").arg(i)));
        // At most one sample per millisecond (a busy machine gives fewer: the sampler yields to the work).
        QVERIFY2(tl.size() >= 23 && tl.size() <= elapsed * 1.1 + 10, qPrintable(QStringLiteral("%1 samples in %2 ms").arg(tl.size()).arg(elapsed)));
        QCOMPARE(tl.markers.size(), 3);
        QCOMPARE(tl.markers[0].phase, Phase::Load);
        QCOMPARE(tl.markers[1].phase, Phase::Warmup);
        QCOMPARE(tl.markers[2].phase, Phase::Steady);
        QVERIFY(tl.markers[0].tMs <= tl.markers[1].tMs && tl.markers[1].tMs <= tl.markers[2].tMs);
        // The block is seen while it lives, and gone after.
        QVERIFY2(during - before > 60 * kMiB, qPrintable(QString::number(during - before)));
        QVERIFY2(during - after > 60 * kMiB, qPrintable(QString::number(during - after)));
        QVERIFY(tl.peakBetween(tl.markers[1].tMs, tl.markers[2].tMs) >= during - kMiB);
        // Streaming in chunks loses nothing.
        QCOMPARE(streamed.tUs, tl.tUs);
        QCOMPARE(streamed.anonBytes, tl.anonBytes);
        QCOMPARE(streamed.markers, tl.markers);
        QVERIFY(sampler.threadCpuSeconds() >= 0);
    }

    void zeroRateTakesOnlyExplicitSamples()
    {
        MemorySampler sampler(0);
        sampler.start();
        QVERIFY(!sampler.isRunning());
        sampler.sampleNow();
        QThread::msleep(20);
        sampler.sampleNow();
        QCOMPARE(sampler.timeline().size(), 2);
    }

    void peakResets()
    {
        if (!procfs::resetPeakRss())
            QSKIP("/proc/self/clear_refs is not writable here: per-phase peaks fall back to the sampler");
        qint64 highWater = 0;
        {
            Block block(96 * kMiB);
            QVERIFY(block.data != MAP_FAILED);
            highWater = procfs::peakRss();
        }
        const qint64 current = procfs::currentRss().total();
        QVERIFY2(procfs::peakRss() >= current + 90 * kMiB, "VmHWM remembers the freed block");
        QVERIFY(procfs::resetPeakRss());
        const qint64 reset = procfs::peakRss();
        QVERIFY2(reset < highWater - 90 * kMiB, qPrintable(QStringLiteral("%1 after reset, %2 before").arg(reset).arg(highWater)));
    }
};

QTEST_GUILESS_MAIN(TestMemorySampler)
#include "tst_memorysampler.moc"
