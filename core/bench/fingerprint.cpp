// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/Parallel.h>

#include "fingerprint.h"

#include "core/bench/threading.h"
#include "core/common/engine.h"
#include "core/common/jsonutil.h"
#include "core/common/version.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtCore/QSysInfo>
#include <QtCore/QThread>

#include <dlfcn.h>
#include <unistd.h>

namespace qs {

namespace {

QByteArray readProcFile(const char* path)
{
    // /proc files report size 0: read until EOF.
    QFile f(QString::fromLatin1(path));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

// The ISA flags that decide INT8/FP16 kernel speed, in the order users read them.
const QStringList& interestingFlags()
{
    static const QStringList flags{QStringLiteral("sse4_2"), QStringLiteral("avx"), QStringLiteral("avx2"), QStringLiteral("fma"),
                                   QStringLiteral("f16c"), QStringLiteral("avx512f"), QStringLiteral("avx512bw"),
                                   QStringLiteral("avx512vl"), QStringLiteral("avx512_vnni"), QStringLiteral("avx_vnni"),
                                   QStringLiteral("avx512_bf16"), QStringLiteral("avx512_fp16"), QStringLiteral("amx_tile"),
                                   QStringLiteral("amx_int8"), QStringLiteral("amx_bf16"),
                                   // ARM (Raspberry Pi 5: asimd asimddp fphp asimdhp)
                                   QStringLiteral("neon"), QStringLiteral("asimd"), QStringLiteral("asimddp"),
                                   QStringLiteral("asimdhp"), QStringLiteral("fphp"), QStringLiteral("i8mm"),
                                   QStringLiteral("bf16"), QStringLiteral("sve"), QStringLiteral("sve2")};
    return flags;
}

void readCpuInfo(Fingerprint& fp)
{
    const QString text = QString::fromLatin1(readProcFile("/proc/cpuinfo"));
    QSet<QString> flags;
    QSet<QPair<QString, QString>> physical; // (physical id, core id)
    QString physId;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        const int colon = line.indexOf(QLatin1Char(':'));
        if (colon < 0)
            continue;
        const QString key = line.left(colon).trimmed();
        const QString value = line.mid(colon + 1).trimmed();
        if (fp.cpu.isEmpty() && (key == QLatin1String("model name") || key == QLatin1String("Model") || key == QLatin1String("Hardware")))
            fp.cpu = value;
        else if (key == QLatin1String("flags") || key == QLatin1String("Features")) {
            if (flags.isEmpty()) {
                for (const QString& f : value.split(QLatin1Char(' '), Qt::SkipEmptyParts))
                    flags.insert(f);
            }
        } else if (key == QLatin1String("physical id"))
            physId = value;
        else if (key == QLatin1String("core id"))
            physical.insert({physId, value});
        else if (fp.cpu.isEmpty() && key == QLatin1String("CPU part"))
            fp.cpu = QStringLiteral("ARM CPU part %1").arg(value);
    }
    for (const QString& f : interestingFlags()) {
        if (flags.contains(f))
            fp.isa << f;
    }
    fp.cores = int(sysconf(_SC_NPROCESSORS_ONLN));
    fp.physicalCores = physical.isEmpty() ? fp.cores : int(physical.size());
}

void readOs(Fingerprint& fp)
{
    const QString text = QString::fromUtf8(readProcFile("/etc/os-release"));
    static const QRegularExpression pretty(QStringLiteral(R"re(^PRETTY_NAME="?([^"\n]*)"?$)re"), QRegularExpression::MultilineOption);
    const auto m = pretty.match(text);
    fp.os = m.hasMatch() ? m.captured(1) : QSysInfo::prettyProductName();
    fp.kernel = QSysInfo::kernelVersion();
    fp.arch = QSysInfo::currentCpuArchitecture();
    fp.hostname = QSysInfo::machineHostName();
    const QString mem = QString::fromLatin1(readProcFile("/proc/meminfo"));
    static const QRegularExpression total(QStringLiteral(R"(MemTotal:\s+(\d+) kB)"));
    static const QRegularExpression avail(QStringLiteral(R"(MemAvailable:\s+(\d+) kB)"));
    fp.memoryTotal = total.match(mem).captured(1).toLongLong() * 1024;
    fp.memoryAvailable = avail.match(mem).captured(1).toLongLong() * 1024;
    const QStringList load = QString::fromLatin1(readProcFile("/proc/loadavg")).split(QLatin1Char(' '));
    if (load.size() >= 3) {
        fp.loadavg1 = load[0].toDouble();
        fp.loadavg5 = load[1].toDouble();
        fp.loadavg15 = load[2].toDouble();
    }
}

} // namespace

BlasInfo loadedBlas()
{
    BlasInfo info;
    const QString maps = QString::fromLatin1(readProcFile("/proc/self/maps"));
    QString path;
    for (const QString& line : maps.split(QLatin1Char('\n'))) {
        const int slash = line.indexOf(QLatin1Char('/'));
        if (slash < 0)
            continue;
        const QString p = line.mid(slash);
        const QString file = p.section(QLatin1Char('/'), -1);
        if (file.startsWith(QLatin1String("libopenblas")) || file.startsWith(QLatin1String("libblas.so"))
            || file.startsWith(QLatin1String("libmkl_rt")) || file.startsWith(QLatin1String("libblis"))
            || file.startsWith(QLatin1String("libflexiblas")) || file.startsWith(QLatin1String("libsatlas"))
            || file.startsWith(QLatin1String("libtatlas"))) {
            // Prefer the library libblas.so.3 resolved to (the alternatives link points at one of these).
            if (path.isEmpty() || file.startsWith(QLatin1String("libblas.so")))
                path = p;
        }
    }
    info.path = path;
    using ConfigFn = const char* (*)();
    const auto config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
    if (path.contains(QLatin1String("openblas")) || (config && !path.contains(QLatin1String("/blas/")))) {
        QString variant;
        if (path.contains(QLatin1String("openblas-pthread")))
            variant = QStringLiteral(" (pthread)");
        else if (path.contains(QLatin1String("openblas-openmp")))
            variant = QStringLiteral(" (OpenMP)");
        else if (path.contains(QLatin1String("openblas-serial")))
            variant = QStringLiteral(" (serial)");
        QString version;
        if (config) {
            const QStringList words = QString::fromLatin1(config()).split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (words.size() >= 2 && words[0] == QLatin1String("OpenBLAS"))
                version = QLatin1Char(' ') + words[1];
        }
        info.name = QStringLiteral("OpenBLAS") + version + variant;
    } else if (path.contains(QLatin1String("mkl"))) {
        info.name = QStringLiteral("Intel MKL");
    } else if (path.contains(QLatin1String("blis"))) {
        info.name = QStringLiteral("BLIS");
    } else if (path.contains(QLatin1String("flexiblas"))) {
        info.name = QStringLiteral("FlexiBLAS");
    } else if (path.contains(QLatin1String("atlas"))) {
        info.name = QStringLiteral("ATLAS");
    } else if (path.contains(QLatin1String("/blas/libblas.so"))) {
        info.name = QStringLiteral("Reference BLAS (Netlib)");
        info.reference = true;
    } else if (!path.isEmpty()) {
        info.name = path.section(QLatin1Char('/'), -1);
    } else {
        info.name = QStringLiteral("none loaded");
    }
    return info;
}

Fingerprint captureFingerprint()
{
    Fingerprint fp;
    readCpuInfo(fp);
    readOs(fp);
    fp.libtorch = libtorchVersion();
    fp.engines = engine::available();
    fp.engine = engine::current();
    const BlasInfo blas = loadedBlas();
    fp.blas = blas.name;
    fp.blasPath = blas.path;
    fp.blasIsReference = blas.reference;
    fp.torchThreads = at::get_num_threads();
    fp.interopThreads = at::get_num_interop_threads();
    fp.blasThreads = threading::openblasThreads();
    fp.ompNumThreads = qEnvironmentVariable("OMP_NUM_THREADS");
    fp.openblasNumThreads = qEnvironmentVariable("OPENBLAS_NUM_THREADS");
    fp.mklNumThreads = qEnvironmentVariable("MKL_NUM_THREADS");
    fp.quantscope = version();
    fp.qt = QString::fromLatin1(qVersion());
#if defined(__clang__)
    fp.compiler = QStringLiteral("clang %1.%2.%3").arg(__clang_major__).arg(__clang_minor__).arg(__clang_patchlevel__);
#elif defined(__GNUC__)
    fp.compiler = QStringLiteral("gcc %1.%2.%3").arg(__GNUC__).arg(__GNUC_MINOR__).arg(__GNUC_PATCHLEVEL__);
#endif
    fp.captured = QDateTime::currentDateTimeUtc();
    return fp;
}

QJsonObject Fingerprint::toJson() const
{
    QJsonObject threads{{QStringLiteral("torch"), torchThreads},
                        {QStringLiteral("interop"), interopThreads},
                        {QStringLiteral("blas"), blasThreads},
                        {QStringLiteral("OMP_NUM_THREADS"), ompNumThreads},
                        {QStringLiteral("OPENBLAS_NUM_THREADS"), openblasNumThreads},
                        {QStringLiteral("MKL_NUM_THREADS"), mklNumThreads}};
    return QJsonObject{
        {QStringLiteral("cpu"), cpu},
        {QStringLiteral("arch"), arch},
        {QStringLiteral("cores"), cores},
        {QStringLiteral("physical_cores"), physicalCores},
        {QStringLiteral("isa"), json::fromStrings(isa)},
        {QStringLiteral("os"), os},
        {QStringLiteral("kernel"), kernel},
        {QStringLiteral("hostname"), hostname},
        {QStringLiteral("memory_total"), memoryTotal},
        {QStringLiteral("memory_available"), memoryAvailable},
        {QStringLiteral("libtorch"), libtorch},
        {QStringLiteral("engines"), json::fromStrings(engines)},
        {QStringLiteral("engine"), engine},
        {QStringLiteral("blas"), blas},
        {QStringLiteral("blas_path"), blasPath},
        {QStringLiteral("blas_reference"), blasIsReference},
        {QStringLiteral("threads"), threads},
        {QStringLiteral("loadavg"), QJsonArray{loadavg1, loadavg5, loadavg15}},
        {QStringLiteral("quantscope"), quantscope},
        {QStringLiteral("qt"), qt},
        {QStringLiteral("compiler"), compiler},
        {QStringLiteral("captured"), captured.toString(Qt::ISODateWithMs)},
        {QStringLiteral("warnings"), json::fromStrings(warnings())},
    };
}

Fingerprint Fingerprint::fromJson(const QJsonObject& o)
{
    Fingerprint fp;
    fp.cpu = o.value(QLatin1String("cpu")).toString();
    fp.arch = o.value(QLatin1String("arch")).toString();
    fp.cores = o.value(QLatin1String("cores")).toInt();
    fp.physicalCores = o.value(QLatin1String("physical_cores")).toInt();
    for (const QJsonValue& v : o.value(QLatin1String("isa")).toArray())
        fp.isa << v.toString();
    fp.os = o.value(QLatin1String("os")).toString();
    fp.kernel = o.value(QLatin1String("kernel")).toString();
    fp.hostname = o.value(QLatin1String("hostname")).toString();
    fp.memoryTotal = qint64(o.value(QLatin1String("memory_total")).toDouble());
    fp.memoryAvailable = qint64(o.value(QLatin1String("memory_available")).toDouble());
    fp.libtorch = o.value(QLatin1String("libtorch")).toString();
    for (const QJsonValue& v : o.value(QLatin1String("engines")).toArray())
        fp.engines << v.toString();
    fp.engine = o.value(QLatin1String("engine")).toString();
    fp.blas = o.value(QLatin1String("blas")).toString();
    fp.blasPath = o.value(QLatin1String("blas_path")).toString();
    fp.blasIsReference = o.value(QLatin1String("blas_reference")).toBool();
    const QJsonObject t = o.value(QLatin1String("threads")).toObject();
    fp.torchThreads = t.value(QLatin1String("torch")).toInt();
    fp.interopThreads = t.value(QLatin1String("interop")).toInt();
    fp.blasThreads = t.value(QLatin1String("blas")).toInt(-1);
    fp.ompNumThreads = t.value(QLatin1String("OMP_NUM_THREADS")).toString();
    fp.openblasNumThreads = t.value(QLatin1String("OPENBLAS_NUM_THREADS")).toString();
    fp.mklNumThreads = t.value(QLatin1String("MKL_NUM_THREADS")).toString();
    const QJsonArray load = o.value(QLatin1String("loadavg")).toArray();
    fp.loadavg1 = load.at(0).toDouble();
    fp.loadavg5 = load.at(1).toDouble();
    fp.loadavg15 = load.at(2).toDouble();
    fp.quantscope = o.value(QLatin1String("quantscope")).toString();
    fp.qt = o.value(QLatin1String("qt")).toString();
    fp.compiler = o.value(QLatin1String("compiler")).toString();
    fp.captured = QDateTime::fromString(o.value(QLatin1String("captured")).toString(), Qt::ISODateWithMs);
    return fp;
}

QStringList Fingerprint::warnings() const
{
    QStringList w;
    if (blasIsReference)
        w << QStringLiteral("The loaded BLAS is Debian's reference BLAS (%1): FP32 Linear layers run 7-20x slower than with "
                            "OpenBLAS, so FP32 baselines are unfair. Install libopenblas0-pthread.").arg(blasPath);
    const bool x86 = arch.startsWith(QLatin1String("x86")) || arch == QLatin1String("i386");
    if (x86 && engine == QLatin1String("qnnpack"))
        w << QStringLiteral("The quantized engine is QNNPACK on x86: it is built for ARM and is often slower than FP32 here. "
                            "Use onednn on x86.");
    if (cores > 0 && loadavg1 > cores)
        w << QStringLiteral("The load average (%1) is above the number of cores (%2): timings will be noisy.")
                 .arg(loadavg1, 0, 'f', 2).arg(cores);
    if (blasThreads > 0 && torchThreads > 0 && blasThreads != torchThreads)
        w << QStringLiteral("OpenBLAS uses %1 threads while LibTorch uses %2: set both with --threads.")
                 .arg(blasThreads).arg(torchThreads);
    return w;
}

QStringList Fingerprint::differences(const Fingerprint& a, const Fingerprint& b)
{
    QStringList d;
    auto cmp = [&d](const char* name, const QString& x, const QString& y) {
        if (x != y)
            d << QStringLiteral("%1: %2 -> %3").arg(QLatin1String(name), x.isEmpty() ? QStringLiteral("-") : x,
                                                    y.isEmpty() ? QStringLiteral("-") : y);
    };
    cmp("cpu", a.cpu, b.cpu);
    cmp("arch", a.arch, b.arch);
    cmp("cores", QString::number(a.cores), QString::number(b.cores));
    cmp("isa", a.isa.join(QLatin1Char(' ')), b.isa.join(QLatin1Char(' ')));
    cmp("os", a.os, b.os);
    cmp("kernel", a.kernel, b.kernel);
    cmp("libtorch", a.libtorch, b.libtorch);
    cmp("engine", a.engine, b.engine);
    cmp("blas", a.blas, b.blas);
    cmp("torch threads", QString::number(a.torchThreads), QString::number(b.torchThreads));
    cmp("blas threads", QString::number(a.blasThreads), QString::number(b.blasThreads));
    cmp("hostname", a.hostname, b.hostname);
    return d;
}

} // namespace qs
