// SPDX-License-Identifier: GPL-3.0-or-later
#include "runrecord.h"

namespace qs {

QString VariantRecord::label() const
{
    if (engine.isEmpty())
        return scheme;
    return QStringLiteral("%1 (%2)").arg(scheme, engine);
}

int RunRecord::batch() const
{
    return config.value(QLatin1String("batch")).toInt(0);
}

int RunRecord::threads() const
{
    return config.value(QLatin1String("threads")).toInt(0);
}

QString RunRecord::engine() const
{
    const QString e = config.value(QLatin1String("engine")).toString();
    return e.isEmpty() ? variant.engine : e;
}

QString RunRecord::mode() const
{
    return config.value(QLatin1String("mode")).toString();
}

namespace metric {
const QStringList& headline()
{
    static const QStringList names{LatencyMeanMs, LatencyP50Ms, LatencyP99Ms, ThroughputPerS, PeakMb,
                                   CpuPercent,    Noisy,        Top1,         Cosine};
    return names;
}
} // namespace metric

} // namespace qs
