// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/error.h"
#include "core/store/runrecord.h"

#include <QtCore/QJsonObject>

namespace qs::exchange {

/// The "format" value of a run export file, and the newest format version this build writes and
/// reads (docs/export-format.md describes it).
inline const QString kFormat = QStringLiteral("quantscope-runs");
constexpr int kVersion = 1;
/// Limits that keep a hostile or damaged file from exhausting memory.
constexpr qint64 kMaxFileBytes = qint64(1) << 30;
constexpr int kMaxSamples = 20'000'000;
constexpr int kMaxRuns = 100'000;

/// \brief The content of an export file: runs, and for a comparison the baseline run's UUID.
struct RunFile
{
    QVector<RunRecord> runs;
    QString baselineUuid; ///< set for "comparison" files
    int version = kVersion;
};

/// "2024-05-01T12:00:00.000Z" (empty for an invalid time): how the format writes times.
QString isoTime(const QDateTime& t);
/// Finite metrics as a JSON object (NaN/Inf mean "unknown" and are left out).
QJsonObject metricsToJson(const QMap<QString, double>& metrics);

/// One run as the export format writes it (with fingerprint and all samples).
QJsonObject runToJson(const RunRecord& run);
/// A run from the export format; errors name the field ("runs[2].memory.t_us[5]") via \a where.
Result<RunRecord> runFromJson(const QJsonObject& object, const QString& where);

/// The whole file: runs, or a comparison of runs against \a baselineUuid.
QByteArray toBytes(const RunFile& file);
/// Parses and validates a file's bytes; \a fileName only names it in messages. Never crashes on
/// bad input: every problem is an Error naming the field and what was expected.
Result<RunFile> fromBytes(const QByteArray& bytes, const QString& fileName);

/// Reads \a path (size-checked) and parses it.
Result<RunFile> readFile(const QString& path);
/// Writes the file atomically (temp file + rename).
Status writeFile(const QString& path, const RunFile& file);

} // namespace qs::exchange
