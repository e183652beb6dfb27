// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/bench/fingerprint.h"
#include "core/bench/threading.h"
#include "core/common/engine.h"

#include <QtCore/QJsonArray>
#include <QtTest/QtTest>

using namespace qs;

class TestFingerprint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void capturesTheMachine()
    {
        const Fingerprint fp = captureFingerprint();
        QVERIFY(!fp.cpu.isEmpty());
        QVERIFY(fp.cores >= 1);
        QVERIFY(fp.physicalCores >= 1 && fp.physicalCores <= fp.cores);
        QVERIFY(!fp.os.isEmpty());
        QCOMPARE(fp.libtorch, QStringLiteral("1.13.0"));
        QVERIFY(fp.engines.contains(QStringLiteral("onednn")));
        QVERIFY(fp.engines.contains(QStringLiteral("qnnpack")));
        QVERIFY(!fp.engines.contains(QStringLiteral("none")));
#if defined(__x86_64__)
        QVERIFY(fp.isa.contains(QStringLiteral("avx2")));
#endif
        QVERIFY(fp.captured.isValid());
    }

    void blasIsWhatIsMapped()
    {
        const BlasInfo blas = loadedBlas();
        // LibTorch links libblas.so.3, so a BLAS is always mapped; the project installs OpenBLAS.
        QVERIFY2(!blas.path.isEmpty(), "no BLAS in /proc/self/maps");
        QFile maps(QStringLiteral("/proc/self/maps"));
        QVERIFY(maps.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromLatin1(maps.readAll()).contains(blas.path));
        QVERIFY2(blas.name.startsWith(QStringLiteral("OpenBLAS")) || blas.reference, qPrintable(blas.name));
        QCOMPARE(blas.reference, blas.path.contains(QStringLiteral("/blas/libblas")));
    }

    void jsonKeys()
    {
        const QJsonObject o = captureFingerprint().toJson();
        for (const char* key : {"cpu", "cores", "isa", "os", "libtorch", "engines", "blas", "threads", "loadavg"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QVERIFY(o.value(QLatin1String("isa")).isArray());
        QVERIFY(o.value(QLatin1String("engines")).isArray());
        QCOMPARE(o.value(QLatin1String("loadavg")).toArray().size(), 3);
        QVERIFY(o.value(QLatin1String("threads")).toObject().contains(QLatin1String("OPENBLAS_NUM_THREADS")));
    }

    void jsonRoundTrip()
    {
        const Fingerprint a = captureFingerprint();
        const Fingerprint b = Fingerprint::fromJson(a.toJson());
        QCOMPARE(b.toJson(), a.toJson());
        QVERIFY(Fingerprint::differences(a, b).isEmpty());
    }

    void differencesAndWarnings()
    {
        Fingerprint a = captureFingerprint();
        Fingerprint b = a;
        b.blas = QStringLiteral("Reference BLAS (Netlib)");
        b.blasIsReference = true;
        b.blasPath = QStringLiteral("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3");
        b.engine = QStringLiteral("qnnpack");
        b.arch = QStringLiteral("x86_64");
        b.loadavg1 = b.cores + 1.5;
        const QStringList diff = Fingerprint::differences(a, b);
        QVERIFY(diff.join(QLatin1Char('\n')).contains(QStringLiteral("blas: ")));
        const QString warnings = b.warnings().join(QLatin1Char('\n'));
        QVERIFY2(warnings.contains(QStringLiteral("reference BLAS")), qPrintable(warnings));
        QVERIFY(warnings.contains(QStringLiteral("libopenblas0-pthread")));
        QVERIFY(warnings.contains(QStringLiteral("QNNPACK on x86")));
        QVERIFY(warnings.contains(QStringLiteral("load average")));
    }

    void threadsAreBoundEverywhere()
    {
        threading::setComputeThreads(1);
        QCOMPARE(threading::torchThreads(), 1);
        if (threading::openblasThreads() >= 0)
            QCOMPARE(threading::openblasThreads(), 1);
        QCOMPARE(qEnvironmentVariable("OPENBLAS_NUM_THREADS"), QStringLiteral("1"));
        QCOMPARE(qEnvironmentVariable("OMP_NUM_THREADS"), QStringLiteral("1"));
        threading::setComputeThreads(2);
        QCOMPARE(threading::torchThreads(), 2);
        if (threading::openblasThreads() >= 0)
            QCOMPARE(threading::openblasThreads(), 2);
        const Fingerprint fp = captureFingerprint();
        QCOMPARE(fp.torchThreads, 2);
        QCOMPARE(fp.openblasNumThreads, QStringLiteral("2"));
    }

    void engines()
    {
        QVERIFY(engine::select(QStringLiteral("qnnpack")).ok());
        QCOMPARE(engine::current(), QStringLiteral("qnnpack"));
        QVERIFY(engine::select(QString()).ok());
        QCOMPARE(engine::current(), engine::fastest());
#if defined(__x86_64__)
        QCOMPARE(engine::fastest(), QStringLiteral("onednn"));
#endif
        const Status bad = engine::select(QStringLiteral("fbgemm"));
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.contains(QStringLiteral("Available engines: ")));
    }
};

QTEST_GUILESS_MAIN(TestFingerprint)
#include "tst_fingerprint.moc"
