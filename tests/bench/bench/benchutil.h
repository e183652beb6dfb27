// SPDX-License-Identifier: GPL-3.0-or-later
// Small helpers shared by the benchmark programs of tests/bench/bench.
#pragma once

#include <QtCore/QFile>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVector>

#include <algorithm>
#include <cstdio>

namespace qs::benchutil {

inline double median(QVector<double> v)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const int n = int(v.size());
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// "0.52 0.61 0.70" from /proc/loadavg.
inline QString loadavg()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2);
}

/// Value of "--name N" in argv, else \a fallback.
inline double option(const QStringList& args, const char* name, double fallback)
{
    const int i = int(args.indexOf(QLatin1String(name)));
    return i >= 0 && i + 1 < args.size() ? args[i + 1].toDouble() : fallback;
}

inline void print(const QString& line)
{
    std::printf("%s\n", qPrintable(line));
    std::fflush(stdout);
}

} // namespace qs::benchutil
