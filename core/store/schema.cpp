// SPDX-License-Identifier: GPL-3.0-or-later
#include "schema_p.h"

#include "sqliteconnection_p.h"

#include <QtCore/QStringList>

namespace qs::detail::schema {

namespace {

// Version 1: models, variants, runs with their metrics, samples (BLOBs), evaluation,
// per-layer results, tags and notes. Times are milliseconds since the epoch (UTC).
const QStringList kVersion1{
    QStringLiteral(R"(CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        params INTEGER,
        file_bytes INTEGER,
        created_ms INTEGER NOT NULL,
        UNIQUE (sha256, path)))"),
    QStringLiteral(R"(CREATE TABLE variants (
        id INTEGER PRIMARY KEY,
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        scheme TEXT NOT NULL,
        engine TEXT NOT NULL DEFAULT '',
        options TEXT NOT NULL DEFAULT '{}',
        artifact_path TEXT NOT NULL DEFAULT '',
        artifact_sha256 TEXT NOT NULL DEFAULT '',
        artifact_bytes INTEGER,
        param_bytes INTEGER,
        coverage TEXT NOT NULL DEFAULT '{}',
        created_ms INTEGER NOT NULL,
        UNIQUE (model_id, scheme, engine, options, artifact_sha256)))"),
    QStringLiteral(R"(CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        variant_id INTEGER NOT NULL REFERENCES variants(id),
        status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'cancelled', 'interrupted')),
        error TEXT NOT NULL DEFAULT '',
        batch INTEGER,
        threads INTEGER,
        engine TEXT NOT NULL DEFAULT '',
        mode TEXT NOT NULL DEFAULT '',
        config TEXT NOT NULL DEFAULT '{}',
        fingerprint TEXT NOT NULL DEFAULT '{}',
        result TEXT NOT NULL DEFAULT '{}',
        started_ms INTEGER NOT NULL,
        finished_ms INTEGER,
        owner_host TEXT NOT NULL DEFAULT '',
        owner_boot TEXT NOT NULL DEFAULT '',
        owner_pid INTEGER NOT NULL DEFAULT 0,
        owner_start INTEGER NOT NULL DEFAULT 0,
        imported_ms INTEGER,
        note TEXT NOT NULL DEFAULT ''))"),
    QStringLiteral("CREATE INDEX runs_by_start ON runs (started_ms)"),
    QStringLiteral("CREATE INDEX runs_by_variant ON runs (variant_id)"),
    QStringLiteral("CREATE INDEX runs_running ON runs (status) WHERE status = 'running'"),
    QStringLiteral(R"(CREATE TABLE metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (run_id, name)) WITHOUT ROWID)"),
    // Samples as samplecodec BLOBs: latency and warmup in ns, memory as t_us/anon/file columns;
    // memory_meta holds the sampler's rate, source and the phase markers.
    QStringLiteral(R"(CREATE TABLE samples (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        latency BLOB,
        warmup BLOB,
        memory BLOB,
        memory_meta TEXT NOT NULL DEFAULT '{}'))"),
    QStringLiteral(R"(CREATE TABLE evaluations (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        result TEXT NOT NULL DEFAULT '{}'))"),
    QStringLiteral(R"(CREATE TABLE layer_results (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (run_id, position)) WITHOUT ROWID)"),
    QStringLiteral(R"(CREATE TABLE tags (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)) WITHOUT ROWID)"),
    QStringLiteral("CREATE INDEX tags_by_tag ON tags (tag)"),
};

// steps[v] brings a database from version v to v + 1.
const QVector<const QStringList*>& steps()
{
    static const QVector<const QStringList*> s{&kVersion1};
    static_assert(kVersion == 1, "add the new step to steps()");
    return s;
}

} // namespace

Status migrate(const SqliteConnection& c, int from, int to)
{
    Q_ASSERT(from >= 0 && to <= kVersion && from <= to);
    for (int v = from; v < to; ++v) {
        if (Status st = c.execAll(*steps().at(v), QStringLiteral("upgrading it to version %1").arg(v + 1)); !st)
            return st;
    }
    return c.execAll({QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId), QStringLiteral("PRAGMA user_version = %1").arg(to)},
                     QStringLiteral("recording its version"));
}

} // namespace qs::detail::schema
