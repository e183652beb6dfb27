// SPDX-License-Identifier: GPL-3.0-or-later
#include "runrecord.h"

namespace qs {

namespace {
const char* const kStatusNames[] = {"running", "complete", "failed", "cancelled", "interrupted"};
}

QString runStatusName(RunStatus status)
{
    return QLatin1String(kStatusNames[int(status)]);
}

RunStatus runStatusFromName(const QString& name, bool* ok)
{
    for (int i = 0; i < int(std::size(kStatusNames)); ++i) {
        if (name == QLatin1String(kStatusNames[i])) {
            if (ok)
                *ok = true;
            return RunStatus(i);
        }
    }
    if (ok)
        *ok = false;
    return RunStatus::Interrupted;
}

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
