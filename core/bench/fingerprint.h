// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QDateTime>
#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QStringList>

namespace qs {

/// \brief The environment a Run was measured in: CPU, ISA, OS, LibTorch, engines, BLAS,
/// threads and load. Kept with every run, compared between runs.
struct Fingerprint
{
    QString cpu;            ///< "Intel(R) Xeon(R) Platinum 8480+"
    QString arch;           ///< "x86_64", "aarch64"
    int cores = 0;          ///< logical CPUs online
    int physicalCores = 0;
    QStringList isa;        ///< the flags that matter for INT8: avx2, avx512f, avx512_vnni, amx_int8, neon, dotprod...
    QString os;             ///< "Debian GNU/Linux 12 (bookworm)"
    QString kernel;         ///< "6.1.0-18-amd64"
    QString hostname;
    qint64 memoryTotal = 0;     ///< bytes
    qint64 memoryAvailable = 0; ///< bytes
    QString libtorch;       ///< "1.13.0"
    QStringList engines;    ///< ["onednn", "qnnpack"]
    QString engine;         ///< the quantized engine selected when captured
    QString blas;           ///< "OpenBLAS 0.3.21 (pthread)" or "Reference BLAS (Netlib)"
    QString blasPath;       ///< the file mapped into the process
    bool blasIsReference = false; ///< Netlib's reference BLAS: FP32 baselines are unfairly slow
    int torchThreads = 0;
    int interopThreads = 0;
    int blasThreads = -1;
    QString ompNumThreads;      ///< environment values as set ("" when unset)
    QString openblasNumThreads;
    QString mklNumThreads;
    double loadavg1 = 0, loadavg5 = 0, loadavg15 = 0;
    QString quantscope;
    QString qt;
    QString compiler;
    QDateTime captured;

    QJsonObject toJson() const;
    static Fingerprint fromJson(const QJsonObject& object);
    /// Things that make figures unfair or noisy: reference BLAS, QNNPACK on x86, high load.
    QStringList warnings() const;
    /// Fields that differ between two fingerprints, as "name: a -> b" (load and time excluded).
    static QStringList differences(const Fingerprint& a, const Fingerprint& b);
};

/// Reads the current process's environment (/proc/cpuinfo, /proc/self/maps, /etc/os-release...).
Fingerprint captureFingerprint();

/// The BLAS library mapped into this process: {display name, path, is reference}.
struct BlasInfo
{
    QString name;
    QString path;
    bool reference = false;
};
BlasInfo loadedBlas();

} // namespace qs

Q_DECLARE_METATYPE(qs::Fingerprint)
