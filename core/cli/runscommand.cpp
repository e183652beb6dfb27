// SPDX-License-Identifier: GPL-3.0-or-later
// quantscope-cli runs list|show|delete|tag|note|export|import: the run database from the shell.
#include "core/cli/command.h"
#include "core/cli/texttable.h"
#include "core/common/paths.h"
#include "core/model/layertablemodel.h"
#include "core/store/atomicfile.h"
#include "core/store/runexchange.h"
#include "core/store/store.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QLocale>

#include <cmath>

namespace qs::cli {

namespace {

const QString kUsage = QStringLiteral("quantscope-cli runs list|show|delete|tag|note|export|import [options] [--db FILE] [--json]");

QString localTime(const QDateTime& t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}

QString num(double v, int decimals)
{
    return std::isfinite(v) ? QLocale::c().toString(v, 'f', decimals) : QString();
}

QJsonObject summaryJson(const RunSummary& s)
{
    return QJsonObject{{QStringLiteral("id"), s.id},
                       {QStringLiteral("uuid"), s.uuid},
                       {QStringLiteral("kind"), s.kind},
                       {QStringLiteral("status"), runStatusName(s.status)},
                       {QStringLiteral("error"), s.error},
                       {QStringLiteral("started"), exchange::isoTime(s.started)},
                       {QStringLiteral("finished"), s.finished.isValid() ? QJsonValue(exchange::isoTime(s.finished)) : QJsonValue()},
                       {QStringLiteral("model"), s.modelName},
                       {QStringLiteral("model_path"), s.modelPath},
                       {QStringLiteral("scheme"), s.scheme},
                       {QStringLiteral("variant"), s.label()},
                       {QStringLiteral("engine"), s.engine},
                       {QStringLiteral("batch"), s.batch},
                       {QStringLiteral("threads"), s.threads},
                       {QStringLiteral("mode"), s.mode},
                       {QStringLiteral("size_bytes"), s.sizeBytes >= 0 ? QJsonValue(double(s.sizeBytes)) : QJsonValue()},
                       {QStringLiteral("imported"), s.imported},
                       {QStringLiteral("metrics"), exchange::metricsToJson(s.metrics)},
                       {QStringLiteral("tags"), QJsonArray::fromStringList(s.tags)},
                       {QStringLiteral("note"), s.note}};
}

/// Runs named on the command line (ids, UUIDs or UUID prefixes; "3,4" counts as two).
Result<QVector<qint64>> resolveRuns(Store& store, const QStringList& args)
{
    QVector<qint64> ids;
    for (const QString& arg : args) {
        for (const QString& part : arg.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto id = store.findRun(part);
            if (!id)
                return id.error();
            if (!ids.contains(*id))
                ids << *id;
        }
    }
    return ids;
}

QString idList(const QVector<qint64>& ids)
{
    QStringList s;
    for (qint64 id : ids)
        s << QString::number(id);
    return s.join(QLatin1String(", "));
}

// ---- list ---------------------------------------------------------------------------------

int runList(Context& ctx, Store& store, const QCommandLineParser& parser)
{
    RunFilter filter;
    filter.text = parser.value(QStringLiteral("filter"));
    filter.tag = parser.value(QStringLiteral("tag"));
    filter.kind = parser.value(QStringLiteral("kind"));
    if (parser.isSet(QStringLiteral("status"))) {
        filter.status = parseRunStatus(parser.value(QStringLiteral("status")));
        if (!filter.status)
            return ctx.fail(Error::usage(QStringLiteral("--status must be running, complete, failed, cancelled or interrupted, not '%1'.")
                                             .arg(parser.value(QStringLiteral("status")))));
    }
    if (parser.isSet(QStringLiteral("limit"))) {
        auto limit = ctx.positiveInt(parser, QStringLiteral("limit"), 0);
        if (!limit)
            return ctx.fail(limit.error());
        filter.limit = *limit;
    }
    auto runs = store.listRuns(filter);
    if (!runs)
        return ctx.fail(runs.error());
    if (ctx.json) {
        QJsonArray a;
        for (const RunSummary& s : *runs)
            a.append(summaryJson(s));
        ctx.printJson(QJsonObject{{QStringLiteral("database"), store.path()}, {QStringLiteral("runs"), a}});
        return 0;
    }
    if (runs->isEmpty()) {
        ctx.out() << "No runs in " << paths::pretty(store.path())
                  << (filter.text.isEmpty() && filter.tag.isEmpty() && filter.kind.isEmpty() && !filter.status ? QString() : QStringLiteral(" match"))
                  << ". `quantscope-cli bench MODEL` records one.\n";
        return 0;
    }
    TextTable table({QStringLiteral("ID"), QStringLiteral("Started"), QStringLiteral("Model"), QStringLiteral("Variant"),
                     QStringLiteral("Kind"), QStringLiteral("Status"), QStringLiteral("Batch"), QStringLiteral("Thr"),
                     QStringLiteral("p50 ms"), QStringLiteral("p99 ms"), QStringLiteral("/s"), QStringLiteral("Peak MB"),
                     QStringLiteral("Size"), QStringLiteral("Top-1 %"), QStringLiteral("Tags")},
                    {true, false, false, false, false, false, true, true, true, true, true, true, true, true, false});
    for (const RunSummary& s : *runs) {
        table.addRow({QString::number(s.id), localTime(s.started), s.modelName, s.label(), s.kind,
                      runStatusName(s.status) + (s.metric(metric::Noisy) > 0 ? QStringLiteral(" (noisy)") : QString()),
                      s.batch > 0 ? QString::number(s.batch) : QString(), s.threads > 0 ? QString::number(s.threads) : QString(),
                      num(s.metric(metric::LatencyP50Ms), 3), num(s.metric(metric::LatencyP99Ms), 3),
                      num(s.metric(metric::ThroughputPerS), 1), num(s.metric(metric::PeakMb), 1),
                      s.sizeBytes >= 0 ? LayerTableModel::humanBytes(s.sizeBytes) : QString(), num(s.metric(metric::Top1), 2),
                      s.tags.join(QLatin1Char(','))});
    }
    ctx.out() << table.render();
    ctx.out().flush();
    return 0;
}

// ---- show ---------------------------------------------------------------------------------


int runShow(Context& ctx, Store& store, const QStringList& args, const QCommandLineParser& parser)
{
    if (args.size() != 1)
        return ctx.fail(Error::usage(QStringLiteral("runs show takes one run (its number or UUID).")));
    auto id = store.findRun(args.first());
    if (!id)
        return ctx.fail(id.error());
    auto run = store.loadRun(*id);
    if (!run)
        return ctx.fail(run.error());
    if (ctx.json) {
        QJsonObject o = exchange::runToJson(*run);
        o.insert(QStringLiteral("id"), run->id);
        if (!parser.isSet(QStringLiteral("samples"))) {
            // Samples make the output megabytes long; counts unless asked.
            o.remove(QStringLiteral("latency_ns"));
            QJsonObject mem = o.value(QLatin1String("memory")).toObject();
            o.remove(QStringLiteral("warmup_ns"));
            for (const char* k : {"t_us", "anon_bytes", "file_bytes"})
                mem.remove(QLatin1String(k));
            o.insert(QStringLiteral("memory"), mem);
        }
        ctx.printJson(o);
        return 0;
    }
    const RunRecord& r = *run;
    const QLocale c = QLocale::c();
    auto bytes = [](qint64 b) { return b >= 0 ? LayerTableModel::humanBytes(b) : QStringLiteral("unknown"); };
    QVector<QPair<QString, QString>> rows{
        {QStringLiteral("Run"), QStringLiteral("%1 (%2)").arg(r.id).arg(r.uuid)},
        {QStringLiteral("Kind"), r.kind},
        {QStringLiteral("Status"), runStatusName(r.status) + (r.error.isEmpty() ? QString() : QStringLiteral(": ") + r.error)},
        {QStringLiteral("Model"), QStringLiteral("%1 (%2, sha256 %3)").arg(r.model.name, paths::pretty(r.model.path), r.model.sha256.left(16))},
        {QStringLiteral("Variant"), QStringLiteral("%1, %2%3").arg(r.variant.label(), bytes(r.variant.artifactBytes),
                                                                   r.variant.artifactPath.isEmpty() || r.variant.artifactPath == r.model.path
                                                                       ? QString()
                                                                       : QStringLiteral(" (%1)").arg(paths::pretty(r.variant.artifactPath)))},
        {QStringLiteral("Started"), localTime(r.started)},
        {QStringLiteral("Finished"), r.finished.isValid() ? QStringLiteral("%1 (%2 s)").arg(localTime(r.finished)).arg(r.started.msecsTo(r.finished) / 1000.0, 0, 'f', 1)
                                                          : QStringLiteral("-")},
    };
    QStringList config;
    for (auto it = r.config.begin(); it != r.config.end(); ++it)
        config << QStringLiteral("%1=%2").arg(it.key(), it.value().isString() ? it.value().toString() : it.value().toVariant().toString());
    if (!config.isEmpty())
        rows << qMakePair(QStringLiteral("Configuration"), config.join(QLatin1Char(' ')));
    const QJsonObject& fp = r.fingerprint;
    if (!fp.isEmpty()) {
        rows << qMakePair(QStringLiteral("Environment"), QStringLiteral("%1, %2 cores; %3; LibTorch %4; %5")
                                                             .arg(fp.value(QLatin1String("cpu")).toString())
                                                             .arg(fp.value(QLatin1String("cores")).toInt())
                                                             .arg(fp.value(QLatin1String("os")).toString(), fp.value(QLatin1String("libtorch")).toString(),
                                                                  fp.value(QLatin1String("blas")).toString()));
    }
    if (!r.latencyMs.isEmpty()) {
        const LatencyStats stats = LatencyStats::compute(r.latencyMs);
        rows << qMakePair(QStringLiteral("Latency samples"), QStringLiteral("%1 (p50 %2 ms, p99 %3 ms)%4")
                                                                 .arg(c.toString(stats.count), num(stats.p50, 3), num(stats.p99, 3),
                                                                      r.warmupMs.isEmpty() ? QString()
                                                                                           : QStringLiteral(", %1 warmup").arg(r.warmupMs.size())));
    }
    if (!r.memory.isEmpty()) {
        const qint64 peak = r.memory.peak();
        QStringList phases;
        for (const MemoryMarker& m : r.memory.markers)
            phases << QStringLiteral("%1 at %2 ms").arg(phaseName(m.phase)).arg(m.tMs, 0, 'f', 1);
        rows << qMakePair(QStringLiteral("Memory samples"), QStringLiteral("%1 over %2 s, peak RSS %3%4")
                                                                .arg(c.toString(r.memory.size()))
                                                                .arg(double(r.memory.tUs.constLast()) / 1e6, 0, 'f', 2)
                                                                .arg(bytes(peak), phases.isEmpty() ? QString() : QStringLiteral("; ") + phases.join(QLatin1String(", "))));
    }
    if (!r.tags.isEmpty())
        rows << qMakePair(QStringLiteral("Tags"), r.tags.join(QLatin1String(", ")));
    if (!r.note.isEmpty())
        rows << qMakePair(QStringLiteral("Note"), r.note);
    ctx.out() << keyValues(rows);
    if (!r.metrics.isEmpty()) {
        TextTable metrics({QStringLiteral("Metric"), QStringLiteral("Value")}, {false, true});
        for (auto it = r.metrics.begin(); it != r.metrics.end(); ++it)
            metrics.addRow({it.key(), c.toString(it.value(), 'g', 6)});
        ctx.out() << "\n" << metrics.render();
    }
    if (!r.layers.isEmpty()) {
        TextTable layers({QStringLiteral("Layer"), QStringLiteral("Type"), QStringLiteral("Results")});
        for (const LayerResult& l : r.layers) {
            QStringList values;
            for (auto it = l.data.begin(); it != l.data.end(); ++it)
                values << QStringLiteral("%1=%2").arg(it.key(), it.value().toVariant().toString());
            layers.addRow({l.name, l.type, values.join(QLatin1Char(' '))});
        }
        ctx.out() << "\n" << layers.render();
    }
    ctx.out().flush();
    return 0;
}

// ---- delete, tag, note --------------------------------------------------------------------

int runDelete(Context& ctx, Store& store, const QStringList& args)
{
    if (args.isEmpty())
        return ctx.fail(Error::usage(QStringLiteral("runs delete takes the runs to delete (numbers or UUIDs).")));
    auto ids = resolveRuns(store, args);
    if (!ids)
        return ctx.fail(ids.error());
    if (Status st = store.deleteRuns(*ids); !st)
        return ctx.fail(st.error());
    if (ctx.json) {
        QJsonArray a;
        for (qint64 id : *ids)
            a.append(id);
        ctx.printJson(QJsonObject{{QStringLiteral("deleted"), a}});
    } else {
        ctx.out() << "Deleted run" << (ids->size() > 1 ? "s " : " ") << idList(*ids) << ".\n";
    }
    return 0;
}

int runTag(Context& ctx, Store& store, const QStringList& args, const QCommandLineParser& parser)
{
    if (args.size() < 2)
        return ctx.fail(Error::usage(QStringLiteral("runs tag takes a run (or runs: 3,4,5) and one or more tags, e.g. `runs tag 12 baseline`.")));
    auto ids = resolveRuns(store, {args.first()});
    if (!ids)
        return ctx.fail(ids.error());
    const QStringList tags = args.mid(1);
    const bool remove = parser.isSet(QStringLiteral("remove"));
    if (Status st = remove ? store.removeTags(*ids, tags) : store.addTags(*ids, tags); !st)
        return ctx.fail(st.error());
    if (ctx.json) {
        QJsonArray a;
        for (qint64 id : *ids)
            a.append(id);
        ctx.printJson(QJsonObject{{QStringLiteral("runs"), a}, {remove ? QStringLiteral("removed") : QStringLiteral("added"), QJsonArray::fromStringList(tags)}});
    } else {
        ctx.out() << (remove ? "Removed " : "Tagged ") << "run" << (ids->size() > 1 ? "s " : " ") << idList(*ids)
                  << (remove ? " tags: " : ": ") << tags.join(QLatin1String(", ")) << "\n";
    }
    return 0;
}

int runNote(Context& ctx, Store& store, const QStringList& args)
{
    if (args.size() != 2)
        return ctx.fail(Error::usage(QStringLiteral("runs note takes a run and the note text (\"\" clears it), e.g. `runs note 12 \"after BIOS update\"`.")));
    auto id = store.findRun(args.first());
    if (!id)
        return ctx.fail(id.error());
    if (Status st = store.setNote(*id, args.at(1)); !st)
        return ctx.fail(st.error());
    if (ctx.json)
        ctx.printJson(QJsonObject{{QStringLiteral("run"), *id}, {QStringLiteral("note"), args.at(1)}});
    else
        ctx.out() << (args.at(1).isEmpty() ? "Cleared the note of run " : "Noted run ") << *id << ".\n";
    return 0;
}

// ---- export, import -----------------------------------------------------------------------

int runExport(Context& ctx, Store& store, const QStringList& args, const QCommandLineParser& parser)
{
    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty())
        return ctx.fail(Error::usage(QStringLiteral("runs export needs --out FILE.json.")));
    QVector<qint64> ids;
    if (parser.isSet(QStringLiteral("all")) || parser.isSet(QStringLiteral("tag"))) {
        auto runs = store.listRuns(RunFilter{{}, parser.value(QStringLiteral("tag")), {}, {}, -1});
        if (!runs)
            return ctx.fail(runs.error());
        for (auto it = runs->rbegin(); it != runs->rend(); ++it)
            ids << it->id;
    }
    auto named = resolveRuns(store, args);
    if (!named)
        return ctx.fail(named.error());
    for (qint64 id : *named) {
        if (!ids.contains(id))
            ids << id;
    }
    exchange::RunFile file;
    if (parser.isSet(QStringLiteral("baseline"))) {
        auto baseline = store.findRun(parser.value(QStringLiteral("baseline")));
        if (!baseline)
            return ctx.fail(baseline.error());
        if (!ids.contains(*baseline))
            ids.prepend(*baseline);
    }
    if (ids.isEmpty())
        return ctx.fail(Error::usage(QStringLiteral("runs export needs runs: their numbers or UUIDs, --tag TAG or --all.")));
    for (qint64 id : ids) {
        auto run = store.loadRun(id);
        if (!run)
            return ctx.fail(run.error());
        file.runs << std::move(*run);
    }
    if (parser.isSet(QStringLiteral("baseline"))) {
        const qint64 baseline = *store.findRun(parser.value(QStringLiteral("baseline")));
        for (const RunRecord& r : file.runs) {
            if (r.id == baseline)
                file.baselineUuid = r.uuid;
        }
    }
    const QByteArray bytes = exchange::toBytes(file);
    if (Status st = writeFileAtomically(out, bytes, QStringLiteral("the run export")); !st)
        return ctx.fail(st.error());
    if (ctx.json) {
        ctx.printJson(QJsonObject{{QStringLiteral("out"), QFileInfo(out).absoluteFilePath()},
                                  {QStringLiteral("runs"), int(file.runs.size())},
                                  {QStringLiteral("bytes"), double(bytes.size())},
                                  {QStringLiteral("baseline"), file.baselineUuid.isEmpty() ? QJsonValue() : QJsonValue(file.baselineUuid)}});
    } else {
        ctx.out() << "Exported " << file.runs.size() << " run" << (file.runs.size() > 1 ? "s" : "") << " to " << paths::pretty(out) << " ("
                  << LayerTableModel::humanBytes(bytes.size()) << ").\n";
    }
    return 0;
}

int runImport(Context& ctx, Store& store, const QStringList& args)
{
    if (args.isEmpty())
        return ctx.fail(Error::usage(QStringLiteral("runs import takes one or more export files (.json).")));
    // Check every file before importing any: a bad second file must not leave the first half done.
    QVector<exchange::RunFile> files;
    for (const QString& path : args) {
        auto file = exchange::readFile(path);
        if (!file)
            return ctx.fail(file.error());
        files << std::move(*file);
    }
    QJsonArray results;
    for (int i = 0; i < files.size(); ++i) {
        auto outcome = store.importRuns(files[i].runs);
        if (!outcome)
            return ctx.fail(outcome.error());
        QJsonArray added, present;
        for (qint64 id : outcome->added)
            added.append(id);
        for (qint64 id : outcome->present)
            present.append(id);
        results.append(QJsonObject{{QStringLiteral("file"), QFileInfo(args[i]).absoluteFilePath()},
                                   {QStringLiteral("added"), added},
                                   {QStringLiteral("already_present"), present},
                                   {QStringLiteral("interrupted"), outcome->interrupted}});
        if (!ctx.json) {
            ctx.out() << paths::pretty(args[i]) << ": imported " << outcome->added.size() << " run" << (outcome->added.size() == 1 ? "" : "s");
            if (!outcome->added.isEmpty())
                ctx.out() << " (" << idList(outcome->added) << ")";
            if (!outcome->present.isEmpty())
                ctx.out() << "; " << outcome->present.size() << " already present (" << idList(outcome->present) << ")";
            if (outcome->interrupted > 0)
                ctx.out() << "; " << outcome->interrupted << " still running when exported, stored as interrupted";
            ctx.out() << ".\n";
        }
    }
    if (ctx.json)
        ctx.printJson(QJsonObject{{QStringLiteral("database"), store.path()}, {QStringLiteral("files"), results}});
    return 0;
}

int runRuns(Context& ctx, const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The run database: list, show, delete, tag and annotate stored runs; export them (with environment and samples) to a "
        "JSON file and import such files from other machines.\n\n"
        "  list [--filter TEXT] [--tag T] [--kind K] [--status S] [--limit N]\n"
        "  show RUN [--samples]\n"
        "  delete RUN...\n"
        "  tag RUN[,RUN...] TAG... [--remove]\n"
        "  note RUN TEXT\n"
        "  export RUN... [--tag T | --all] [--baseline RUN] --out FILE.json\n"
        "  import FILE.json...\n\n"
        "RUN is the number `runs list` shows, a UUID or the start of one."));
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("list, show, delete, tag, note, export or import."));
    parser.addOption({QStringLiteral("filter"), QStringLiteral("list: runs whose model, variant, engine, kind, tag or note contain TEXT."), QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("tag"), QStringLiteral("list/export: runs with this tag."), QStringLiteral("TAG")});
    parser.addOption({QStringLiteral("kind"), QStringLiteral("list: bench, quantize, eval..."), QStringLiteral("KIND")});
    parser.addOption({QStringLiteral("status"), QStringLiteral("list: running, complete, failed, cancelled or interrupted."), QStringLiteral("STATUS")});
    parser.addOption({QStringLiteral("limit"), QStringLiteral("list: the newest N runs."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("samples"), QStringLiteral("show --json: include every latency and memory sample.")});
    parser.addOption({QStringLiteral("remove"), QStringLiteral("tag: remove the tags instead of adding them.")});
    parser.addOption({QStringLiteral("all"), QStringLiteral("export: every run in the database.")});
    parser.addOption({QStringLiteral("baseline"), QStringLiteral("export: save as a comparison against this run."), QStringLiteral("RUN")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("export: the file to write (written whole or not at all)."), QStringLiteral("FILE")});
    ctx.addStoreOptions(parser, Context::StoreUse::Read);
    ctx.addStandardOptions(parser);
    if (int rc = ctx.parse(parser, args, kUsage); rc >= 0)
        return rc;
    QStringList pos = parser.positionalArguments();
    if (pos.isEmpty())
        return ctx.fail(Error::usage(QStringLiteral("runs needs an action. Usage: %1").arg(kUsage)));
    const QString action = pos.takeFirst();
    static const QStringList actions{QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("delete"), QStringLiteral("tag"),
                                     QStringLiteral("note"), QStringLiteral("export"), QStringLiteral("import")};
    if (!actions.contains(action))
        return ctx.fail(Error::usage(QStringLiteral("'%1' is not a runs action: use %2.").arg(action, actions.join(QLatin1String(", ")))));
    if (action == QLatin1String("list") && !pos.isEmpty())
        return ctx.fail(Error::usage(QStringLiteral("runs list takes no arguments; filter with --filter, --tag, --kind, --status.")));
    auto store = ctx.store(action == QLatin1String("import"));
    if (!store)
        return ctx.fail(store.error());
    Store& s = **store;
    if (action == QLatin1String("list"))
        return runList(ctx, s, parser);
    if (action == QLatin1String("show"))
        return runShow(ctx, s, pos, parser);
    if (action == QLatin1String("delete"))
        return runDelete(ctx, s, pos);
    if (action == QLatin1String("tag"))
        return runTag(ctx, s, pos, parser);
    if (action == QLatin1String("note"))
        return runNote(ctx, s, pos);
    if (action == QLatin1String("export"))
        return runExport(ctx, s, pos, parser);
    return runImport(ctx, s, pos);
}

const CommandRegistrar reg({QStringLiteral("runs"), QStringLiteral("List, show, tag, delete, export and import stored runs."), runRuns, 70});

} // namespace

} // namespace qs::cli
