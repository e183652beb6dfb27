// SPDX-License-Identifier: GPL-3.0-or-later
#include "memorytimeline.h"

#include <QtCore/QJsonArray>

#include <algorithm>
#include <limits>

namespace qs {

namespace {
struct PhaseNames
{
    Phase phase;
    const char* name;
    const char* title;
};
constexpr PhaseNames kPhases[] = {
    {Phase::Load, "load", "Load"},
    {Phase::FirstInference, "first_inference", "First inference"},
    {Phase::Calibrate, "calibrate", "Calibrate"},
    {Phase::Warmup, "warmup", "Warmup"},
    {Phase::Steady, "steady", "Steady state"},
};
} // namespace

QString phaseName(Phase phase)
{
    for (const auto& p : kPhases) {
        if (p.phase == phase)
            return QLatin1String(p.name);
    }
    return {};
}

QString phaseTitle(Phase phase)
{
    for (const auto& p : kPhases) {
        if (p.phase == phase)
            return QLatin1String(p.title);
    }
    return {};
}

std::optional<Phase> parsePhase(const QString& name)
{
    for (const auto& p : kPhases) {
        if (name == QLatin1String(p.name))
            return p.phase;
    }
    return std::nullopt;
}

qint64 MemoryTimeline::peakBetween(double fromMs, double toMs) const
{
    const qint64 from = qint64(fromMs * 1000.0);
    const qint64 to = qint64(toMs * 1000.0);
    // Samples are in time order: binary search the window.
    auto first = std::lower_bound(tUs.begin(), tUs.end(), from);
    qint64 best = -1;
    for (auto it = first; it != tUs.end() && *it <= to; ++it)
        best = std::max(best, rssAt(int(it - tUs.begin())));
    return best;
}

qint64 MemoryTimeline::peak() const
{
    qint64 best = -1;
    for (int i = 0; i < size(); ++i)
        best = std::max(best, rssAt(i));
    return best;
}

void MemoryTimeline::append(const MemoryTimeline& chunk)
{
    if (hz == 0)
        hz = chunk.hz;
    if (source.isEmpty())
        source = chunk.source;
    tUs += chunk.tUs;
    anonBytes += chunk.anonBytes;
    fileBytes += chunk.fileBytes;
    markers += chunk.markers;
}

QJsonObject MemoryTimeline::toJson() const
{
    QJsonArray t, anon, file, marks;
    for (int i = 0; i < size(); ++i) {
        t.append(tUs[i]);
        anon.append(anonBytes[i] / 1024);
        file.append(fileBytes[i] / 1024);
    }
    for (const MemoryMarker& m : markers)
        marks.append(QJsonObject{{QStringLiteral("t_ms"), m.tMs}, {QStringLiteral("phase"), phaseName(m.phase)}});
    return QJsonObject{{QStringLiteral("hz"), hz},         {QStringLiteral("source"), source},
                       {QStringLiteral("t_us"), t},        {QStringLiteral("anon_kb"), anon},
                       {QStringLiteral("file_kb"), file},  {QStringLiteral("markers"), marks}};
}

Result<MemoryTimeline> MemoryTimeline::fromJson(const QJsonObject& o)
{
    MemoryTimeline tl;
    tl.hz = o.value(QLatin1String("hz")).toInt();
    tl.source = o.value(QLatin1String("source")).toString();
    const QJsonArray t = o.value(QLatin1String("t_us")).toArray();
    const QJsonArray anon = o.value(QLatin1String("anon_kb")).toArray();
    const QJsonArray file = o.value(QLatin1String("file_kb")).toArray();
    if (t.size() != anon.size() || t.size() != file.size())
        return Error::badInput(QStringLiteral("memory_timeline: t_us, anon_kb and file_kb have different lengths (%1, %2, %3).")
                                   .arg(t.size()).arg(anon.size()).arg(file.size()));
    tl.tUs.reserve(t.size());
    tl.anonBytes.reserve(t.size());
    tl.fileBytes.reserve(t.size());
    qint64 last = std::numeric_limits<qint64>::min();
    for (qsizetype i = 0; i < t.size(); ++i) {
        if (!t[i].isDouble() || !anon[i].isDouble() || !file[i].isDouble())
            return Error::badInput(QStringLiteral("memory_timeline: sample %1 is not a number.").arg(i));
        const qint64 ti = qint64(t[i].toDouble());
        if (ti < last)
            return Error::badInput(QStringLiteral("memory_timeline: t_us goes backwards at sample %1.").arg(i));
        last = ti;
        tl.tUs << ti;
        tl.anonBytes << qint64(anon[i].toDouble()) * 1024;
        tl.fileBytes << qint64(file[i].toDouble()) * 1024;
    }
    for (const QJsonValue& v : o.value(QLatin1String("markers")).toArray()) {
        const QJsonObject m = v.toObject();
        const auto phase = parsePhase(m.value(QLatin1String("phase")).toString());
        if (!phase)
            return Error::badInput(QStringLiteral("memory_timeline: unknown phase '%1' in markers.")
                                       .arg(m.value(QLatin1String("phase")).toString()));
        tl.markers << MemoryMarker{m.value(QLatin1String("t_ms")).toDouble(), *phase};
    }
    return tl;
}

} // namespace qs
