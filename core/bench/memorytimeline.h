// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"

#include <QtCore/QJsonObject>
#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <QtCore/QVector>

#include <optional>

namespace qs {

/// \brief The phases of a Run, in the order they happen.
enum class Phase { Load, FirstInference, Calibrate, Warmup, Steady };

/// "load", "first_inference", "calibrate", "warmup", "steady"
QString phaseName(Phase phase);
/// "Load", "First inference", ... for people.
QString phaseTitle(Phase phase);
std::optional<Phase> parsePhase(const QString& name);

/// \brief Where a phase starts on a memory timeline.
struct MemoryMarker
{
    double tMs = 0; ///< same clock as the samples (the run's start is 0)
    Phase phase = Phase::Load;
    bool operator==(const MemoryMarker& o) const { return tMs == o.tMs && phase == o.phase; }
};

/// \brief The resident set of the process over time, anonymous and file-backed apart, with
/// phase markers. Parallel arrays (one entry per sample) so that 60,000 samples stay compact
/// (three 8-byte numbers each) and can be stored as BLOBs or streamed in chunks.
///
/// anonymous = RssAnon (heap, tensors, thread stacks); file = RssFile + RssShmem (mapped
/// libraries and files). Both come from /proc/self/statm: resident - shared, and shared.
struct MemoryTimeline
{
    int hz = 0;          ///< requested sampling rate (0: no sampler ran)
    QString source;      ///< "statm"
    QVector<qint64> tUs; ///< microseconds since the run's start, ascending
    QVector<qint64> anonBytes;
    QVector<qint64> fileBytes;
    QVector<MemoryMarker> markers;

    int size() const { return int(tUs.size()); }
    bool isEmpty() const { return tUs.isEmpty(); }
    qint64 rssAt(int i) const { return anonBytes[i] + fileBytes[i]; }
    /// Highest anonymous + file-backed resident set between two times (inclusive), or -1
    /// when no sample falls in between.
    qint64 peakBetween(double fromMs, double toMs) const;
    /// Highest resident set of all samples, or -1.
    qint64 peak() const;
    /// Appends a chunk streamed later (samples and markers).
    void append(const MemoryTimeline& chunk);

    /// `{"hz", "source", "t_us": [...], "anon_kb": [...], "file_kb": [...], "markers": [{"t_ms", "phase"}]}`
    QJsonObject toJson() const;
    /// Refuses arrays of different lengths, non-numbers and times that go backwards.
    static Result<MemoryTimeline> fromJson(const QJsonObject& object);
};

} // namespace qs

Q_DECLARE_METATYPE(qs::MemoryTimeline)
