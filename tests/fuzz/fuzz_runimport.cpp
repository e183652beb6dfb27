// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON run import (`runs import`): parsing and validating an export file, writing what was
// read and reading it back (same runs), and importing it into a run database (samples packed by
// samplecodec and read back). Inputs that start with the sample BLOB magic "QSV1" also go to
// samplecodec::decode, which reads those BLOBs from a database that may be damaged.
#include "tests/fuzz/fuzztarget.h"

#include "core/store/runexchange.h"
#include "core/store/samplecodec.h"
#include "core/store/store.h"
#include "tests/fuzz/fuzzsupport.h"

#include <QtCore/QTemporaryDir>

QS_FUZZ_TARGET(runimport)
{
    qs::fuzz::ensureApplication(); // QtSql's driver plugin is found through the application
    const QByteArray input = qs::fuzz::bytes(data, size);
    if (input.startsWith("QSV1")) {
        for (int columns = 1; columns <= 3; ++columns) {
            auto decoded = qs::samplecodec::decode(input, columns);
            if (decoded.ok() && decoded->size() != columns)
                __builtin_trap();
        }
        return 0;
    }
    auto file = qs::exchange::fromBytes(input, QStringLiteral("fuzz.json"));
    if (!file.ok()) {
        (void)file.error().toText();
        return 0;
    }
    // What we write must read back the same runs.
    auto again = qs::exchange::fromBytes(qs::exchange::toBytes(*file), QStringLiteral("again.json"));
    if (!again.ok() || again->runs.size() != file->runs.size() || again->baselineUuid != file->baselineUuid)
        __builtin_trap();
    for (int i = 0; i < file->runs.size(); ++i) {
        if (again->runs[i].uuid != file->runs[i].uuid || again->runs[i].latencyMs != file->runs[i].latencyMs
            || again->runs[i].memory.tUs != file->runs[i].memory.tUs)
            __builtin_trap();
    }

    static QTemporaryDir dir(qs::fuzz::scratchDir() + QStringLiteral("/qs-fuzz-runimport-XXXXXX"));
    static auto store = qs::Store::open(dir.filePath(QStringLiteral("runs.db")));
    if (!store.ok())
        __builtin_trap();
    auto imported = (*store)->importRuns(file->runs);
    if (!imported.ok()) {
        (void)imported.error().toText();
        return 0;
    }
    for (qint64 id : imported->added) {
        auto run = (*store)->loadRun(id);
        if (!run.ok())
            __builtin_trap();
        bool found = false;
        for (const auto& r : file->runs) {
            if (r.uuid == run->uuid) {
                found = true;
                if (r.latencyMs.size() != run->latencyMs.size() || r.memory.tUs != run->memory.tUs)
                    __builtin_trap();
            }
        }
        if (!found)
            __builtin_trap();
    }
    // Keep the database small: the next input starts from an empty one.
    if (!(*store)->deleteRuns(imported->added).ok())
        __builtin_trap();
    return 0;
}
