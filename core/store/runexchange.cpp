// SPDX-License-Identifier: GPL-3.0-or-later
// The run export file: runs with fingerprint and samples as JSON, for moving runs between
// databases and machines. Reading validates everything (types, required fields, sizes)
// because the file comes from elsewhere: hand-edited, truncated, or hostile.
#include "runexchange.h"

#include "core/common/paths.h"
#include "core/common/version.h"
#include "core/store/atomicfile.h"
#include "core/store/samplecodec.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtCore/QUuid>

#include <cmath>

namespace qs::exchange {

namespace {

QJsonArray ints(const QVector<qint64>& values)
{
    QJsonArray a;
    for (qint64 v : values)
        a.append(double(v)); // exact up to 2^53: ns of 104 days, bytes of 9 PB
    return a;
}

/// Reads typed fields and remembers the first problem, named by its path in the file.
class Checker
{
public:
    explicit Checker(QString file) : m_file(std::move(file)) {}

    bool failed() const { return m_error.has_value(); }
    Error error() const { return *m_error; }

    void fail(const QString& field, const QString& message)
    {
        if (!m_error)
            m_error = Error::badInput(QStringLiteral("%1%2 %3. The file was not imported; nothing was changed.")
                                          .arg(m_file.isEmpty() ? QString() : m_file + QLatin1String(": "), field, message));
    }

    static QString describe(const QJsonValue& v)
    {
        switch (v.type()) {
        case QJsonValue::Null: return QStringLiteral("null");
        case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        case QJsonValue::Double: return QString::number(v.toDouble(), 'g', 12);
        case QJsonValue::String: return QStringLiteral("the text \"%1\"").arg(v.toString().left(40));
        case QJsonValue::Array: return QStringLiteral("a list");
        case QJsonValue::Object: return QStringLiteral("an object");
        case QJsonValue::Undefined: return QStringLiteral("nothing");
        }
        return {};
    }

    /// The value at \a key, or Undefined (with a "missing" error when \a required).
    QJsonValue value(const QJsonObject& o, const QString& at, const QString& key, bool required)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() && required)
            fail(join(at, key), QStringLiteral("is missing (every run needs it)"));
        return v;
    }

    QString string(const QJsonObject& o, const QString& at, const QString& key, bool required = false)
    {
        const QJsonValue v = value(o, at, key, required);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isString())
            fail(join(at, key), QStringLiteral("must be text, found %1").arg(describe(v)));
        return v.toString();
    }

    QJsonObject object(const QJsonObject& o, const QString& at, const QString& key, bool required = false)
    {
        const QJsonValue v = value(o, at, key, required);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isObject())
            fail(join(at, key), QStringLiteral("must be an object, found %1").arg(describe(v)));
        return v.toObject();
    }

    QJsonArray array(const QJsonObject& o, const QString& at, const QString& key, bool required = false)
    {
        const QJsonValue v = value(o, at, key, required);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isArray())
            fail(join(at, key), QStringLiteral("must be a list, found %1").arg(describe(v)));
        return v.toArray();
    }

    /// A whole number (JSON has only doubles) >= \a min; \a fallback when absent.
    qint64 integer(const QJsonValue& v, const QString& field, qint64 min, qint64 fallback)
    {
        if (v.isUndefined() || v.isNull())
            return fallback;
        const double d = v.toDouble(qQNaN());
        if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9007199254740992.0 || d < double(min)) {
            fail(field, min >= 0 ? QStringLiteral("must be a whole number of at least %1, found %2").arg(min).arg(describe(v))
                                 : QStringLiteral("must be a whole number, found %1").arg(describe(v)));
            return fallback;
        }
        return qint64(d);
    }

    QDateTime time(const QJsonObject& o, const QString& at, const QString& key, bool required)
    {
        const QString s = string(o, at, key, required);
        if (s.isEmpty()) {
            if (required && !failed())
                fail(join(at, key), QStringLiteral("must not be empty"));
            return {};
        }
        QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
        if (!t.isValid())
            fail(join(at, key), QStringLiteral("must be an ISO 8601 date and time such as 2024-05-01T12:00:00.000Z, found \"%1\"").arg(s.left(40)));
        return t.toUTC();
    }

    /// A list of whole numbers of at most kMaxSamples entries.
    QVector<qint64> column(const QJsonObject& o, const QString& at, const QString& key, qint64 min)
    {
        const QJsonArray a = array(o, at, key);
        QVector<qint64> out;
        if (failed())
            return out;
        if (a.size() > kMaxSamples) {
            fail(join(at, key), QStringLiteral("has %1 values; at most %2 are accepted").arg(a.size()).arg(kMaxSamples));
            return out;
        }
        out.reserve(a.size());
        for (qsizetype i = 0; i < a.size() && !failed(); ++i)
            out.push_back(integer(a.at(i), QStringLiteral("%1[%2]").arg(join(at, key)).arg(i), min, 0));
        return out;
    }

    static QString join(const QString& at, const QString& key) { return at.isEmpty() ? key : at + QLatin1Char('.') + key; }

private:
    QString m_file;
    std::optional<Error> m_error;
};

} // namespace

QString isoTime(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QJsonObject metricsToJson(const QMap<QString, double>& metrics)
{
    QJsonObject o;
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        if (std::isfinite(it.value()))
            o.insert(it.key(), it.value());
    }
    return o;
}

QJsonObject runToJson(const RunRecord& run)
{
    QJsonObject model{{QStringLiteral("name"), run.model.name},
                      {QStringLiteral("path"), run.model.path},
                      {QStringLiteral("sha256"), run.model.sha256}};
    if (run.model.params >= 0)
        model.insert(QStringLiteral("params"), double(run.model.params));
    if (run.model.fileBytes >= 0)
        model.insert(QStringLiteral("file_bytes"), double(run.model.fileBytes));
    QJsonObject variant{{QStringLiteral("scheme"), run.variant.scheme},
                        {QStringLiteral("engine"), run.variant.engine},
                        {QStringLiteral("options"), run.variant.options},
                        {QStringLiteral("artifact_path"), run.variant.artifactPath},
                        {QStringLiteral("artifact_sha256"), run.variant.artifactSha256},
                        {QStringLiteral("coverage"), run.variant.coverage}};
    if (run.variant.artifactBytes >= 0)
        variant.insert(QStringLiteral("artifact_bytes"), double(run.variant.artifactBytes));
    if (run.variant.paramBytes >= 0)
        variant.insert(QStringLiteral("param_bytes"), double(run.variant.paramBytes));

    QJsonObject o{{QStringLiteral("uuid"), run.uuid},
                  {QStringLiteral("kind"), run.kind},
                  {QStringLiteral("status"), runStatusName(run.status)},
                  {QStringLiteral("error"), run.error},
                  {QStringLiteral("started"), isoTime(run.started)},
                  {QStringLiteral("model"), model},
                  {QStringLiteral("variant"), variant},
                  {QStringLiteral("config"), run.config},
                  {QStringLiteral("fingerprint"), run.fingerprint},
                  {QStringLiteral("result"), run.result},
                  {QStringLiteral("metrics"), metricsToJson(run.metrics)},
                  {QStringLiteral("latency_count"), double(run.latencyMs.size())},
                  {QStringLiteral("latency_ns"), ints(samplecodec::msToNs(run.latencyMs))},
                  {QStringLiteral("warmup_count"), double(run.warmupMs.size())},
                  {QStringLiteral("warmup_ns"), ints(samplecodec::msToNs(run.warmupMs))},
                  {QStringLiteral("evaluation"), run.evaluation},
                  {QStringLiteral("tags"), QJsonArray::fromStringList(run.tags)},
                  {QStringLiteral("note"), run.note}};
    if (run.finished.isValid())
        o.insert(QStringLiteral("finished"), isoTime(run.finished));
    QJsonArray markers;
    for (const MemoryMarker& m : run.memory.markers)
        markers.append(QJsonObject{{QStringLiteral("phase"), phaseName(m.phase)}, {QStringLiteral("t_ms"), m.tMs}});
    o.insert(QStringLiteral("memory"), QJsonObject{{QStringLiteral("count"), run.memory.size()},
                                                   {QStringLiteral("hz"), run.memory.hz},
                                                   {QStringLiteral("source"), run.memory.source},
                                                   {QStringLiteral("t_us"), ints(run.memory.tUs)},
                                                   {QStringLiteral("anon_bytes"), ints(run.memory.anonBytes)},
                                                   {QStringLiteral("file_bytes"), ints(run.memory.fileBytes)},
                                                   {QStringLiteral("markers"), markers}});
    QJsonArray layers;
    for (const LayerResult& l : run.layers)
        layers.append(QJsonObject{{QStringLiteral("name"), l.name}, {QStringLiteral("type"), l.type}, {QStringLiteral("data"), l.data}});
    o.insert(QStringLiteral("layers"), layers);
    return o;
}

namespace {

const QRegularExpression& hexSha256()
{
    static const QRegularExpression re(QStringLiteral("^([0-9a-f]{64})?$"));
    return re;
}

RunRecord readRun(Checker& c, const QJsonObject& o, const QString& at)
{
    RunRecord run;
    run.uuid = c.string(o, at, QStringLiteral("uuid"), true);
    if (!c.failed() && QUuid::fromString(run.uuid).isNull())
        c.fail(Checker::join(at, QStringLiteral("uuid")), QStringLiteral("must be a UUID such as 3f2c1e9a-8d4b-4c1a-9e57-0b6f4c2d1a77, found \"%1\"").arg(run.uuid.left(40)));
    run.uuid = run.uuid.toLower();
    run.kind = c.string(o, at, QStringLiteral("kind"), true);
    if (!c.failed() && run.kind.isEmpty())
        c.fail(Checker::join(at, QStringLiteral("kind")), QStringLiteral("must not be empty (bench, quantize, eval...)"));
    const QString status = c.string(o, at, QStringLiteral("status"), true);
    const std::optional<RunStatus> parsedStatus = parseRunStatus(status);
    run.status = parsedStatus.value_or(RunStatus::Interrupted);
    if (!c.failed() && !parsedStatus)
        c.fail(Checker::join(at, QStringLiteral("status")),
               QStringLiteral("must be one of running, complete, failed, cancelled, interrupted; found \"%1\"").arg(status.left(40)));
    run.error = c.string(o, at, QStringLiteral("error"));
    run.started = c.time(o, at, QStringLiteral("started"), true);
    run.finished = c.time(o, at, QStringLiteral("finished"), false);

    const QString mat = Checker::join(at, QStringLiteral("model"));
    const QJsonObject model = c.object(o, at, QStringLiteral("model"), true);
    run.model.name = c.string(model, mat, QStringLiteral("name"));
    run.model.path = c.string(model, mat, QStringLiteral("path"), true);
    run.model.sha256 = c.string(model, mat, QStringLiteral("sha256"), true).toLower();
    if (!c.failed() && !hexSha256().match(run.model.sha256).hasMatch())
        c.fail(Checker::join(mat, QStringLiteral("sha256")), QStringLiteral("must be 64 hexadecimal digits, found \"%1\"").arg(run.model.sha256.left(70)));
    run.model.params = c.integer(model.value(QLatin1String("params")), Checker::join(mat, QStringLiteral("params")), 0, -1);
    run.model.fileBytes = c.integer(model.value(QLatin1String("file_bytes")), Checker::join(mat, QStringLiteral("file_bytes")), 0, -1);
    if (!c.failed() && run.model.name.isEmpty())
        run.model.name = QFileInfo(run.model.path).fileName();

    const QString vat = Checker::join(at, QStringLiteral("variant"));
    const QJsonObject variant = c.object(o, at, QStringLiteral("variant"), true);
    run.variant.scheme = c.string(variant, vat, QStringLiteral("scheme"), true);
    if (!c.failed() && run.variant.scheme.isEmpty())
        c.fail(Checker::join(vat, QStringLiteral("scheme")), QStringLiteral("must not be empty (fp32, static-int8...)"));
    run.variant.engine = c.string(variant, vat, QStringLiteral("engine"));
    run.variant.options = c.object(variant, vat, QStringLiteral("options"));
    run.variant.artifactPath = c.string(variant, vat, QStringLiteral("artifact_path"));
    run.variant.artifactSha256 = c.string(variant, vat, QStringLiteral("artifact_sha256")).toLower();
    if (!c.failed() && !hexSha256().match(run.variant.artifactSha256).hasMatch())
        c.fail(Checker::join(vat, QStringLiteral("artifact_sha256")), QStringLiteral("must be 64 hexadecimal digits or empty"));
    run.variant.artifactBytes = c.integer(variant.value(QLatin1String("artifact_bytes")), Checker::join(vat, QStringLiteral("artifact_bytes")), 0, -1);
    run.variant.paramBytes = c.integer(variant.value(QLatin1String("param_bytes")), Checker::join(vat, QStringLiteral("param_bytes")), 0, -1);
    run.variant.coverage = c.object(variant, vat, QStringLiteral("coverage"));

    run.config = c.object(o, at, QStringLiteral("config"));
    run.fingerprint = c.object(o, at, QStringLiteral("fingerprint"));
    run.result = c.object(o, at, QStringLiteral("result"));
    run.evaluation = c.object(o, at, QStringLiteral("evaluation"));
    run.note = c.string(o, at, QStringLiteral("note"));
    const QJsonObject metrics = c.object(o, at, QStringLiteral("metrics"));
    for (auto it = metrics.begin(); it != metrics.end() && !c.failed(); ++it) {
        if (!it.value().isDouble())
            c.fail(QStringLiteral("%1.%2").arg(Checker::join(at, QStringLiteral("metrics")), it.key()),
                   QStringLiteral("must be a number, found %1").arg(Checker::describe(it.value())));
        run.metrics.insert(it.key(), it.value().toDouble());
    }
    const QJsonArray tags = c.array(o, at, QStringLiteral("tags"));
    for (qsizetype i = 0; i < tags.size() && !c.failed(); ++i) {
        if (!tags.at(i).isString() || tags.at(i).toString().trimmed().isEmpty())
            c.fail(QStringLiteral("%1[%2]").arg(Checker::join(at, QStringLiteral("tags"))).arg(i),
                   QStringLiteral("must be a non-empty text, found %1").arg(Checker::describe(tags.at(i))));
        run.tags << tags.at(i).toString();
    }

    // Samples: the counts written beside the lists catch files cut short or edited by hand.
    for (const char* which : {"latency", "warmup"}) {
        const QString key = QLatin1String(which) + QLatin1String("_ns");
        const QVector<qint64> ns = c.column(o, at, key, 0);
        const QString countKey = QLatin1String(which) + QLatin1String("_count");
        const qint64 count = c.integer(o.value(countKey), Checker::join(at, countKey), 0, -1);
        if (!c.failed() && count >= 0 && count != qint64(ns.size()))
            c.fail(Checker::join(at, key), QStringLiteral("has %1 samples but %2 says %3 (the file was cut short or edited)")
                                               .arg(ns.size()).arg(countKey).arg(count));
        (qstrcmp(which, "latency") == 0 ? run.latencyMs : run.warmupMs) = samplecodec::nsToMs(ns);
    }
    const QString memat = Checker::join(at, QStringLiteral("memory"));
    const QJsonObject memory = c.object(o, at, QStringLiteral("memory"));
    run.memory.tUs = c.column(memory, memat, QStringLiteral("t_us"), 0);
    run.memory.anonBytes = c.column(memory, memat, QStringLiteral("anon_bytes"), 0);
    run.memory.fileBytes = c.column(memory, memat, QStringLiteral("file_bytes"), 0);
    const qint64 memoryCount = c.integer(memory.value(QLatin1String("count")), Checker::join(memat, QStringLiteral("count")), 0, -1);
    if (!c.failed()) {
        const qsizetype n = run.memory.tUs.size();
        if (run.memory.anonBytes.size() != n || run.memory.fileBytes.size() != n)
            c.fail(memat, QStringLiteral("has lists of different lengths (t_us %1, anon_bytes %2, file_bytes %3); they must match")
                              .arg(n).arg(run.memory.anonBytes.size()).arg(run.memory.fileBytes.size()));
        else if (memoryCount >= 0 && memoryCount != qint64(n))
            c.fail(Checker::join(memat, QStringLiteral("t_us")), QStringLiteral("has %1 samples but count says %2 (the file was cut short or edited)")
                                                                     .arg(n).arg(memoryCount));
        for (qsizetype i = 1; i < n && !c.failed(); ++i) {
            if (run.memory.tUs[i] < run.memory.tUs[i - 1])
                c.fail(QStringLiteral("%1.t_us[%2]").arg(memat).arg(i), QStringLiteral("goes back in time (%1 after %2)").arg(run.memory.tUs[i]).arg(run.memory.tUs[i - 1]));
        }
    }
    run.memory.hz = int(c.integer(memory.value(QLatin1String("hz")), Checker::join(memat, QStringLiteral("hz")), 0, 0));
    run.memory.source = c.string(memory, memat, QStringLiteral("source"));
    const QJsonArray markers = c.array(memory, memat, QStringLiteral("markers"));
    for (qsizetype i = 0; i < markers.size() && !c.failed(); ++i) {
        const QString mat = QStringLiteral("%1.markers[%2]").arg(memat).arg(i);
        if (!markers.at(i).isObject()) {
            c.fail(mat, QStringLiteral("must be an object with phase and t_ms, found %1").arg(Checker::describe(markers.at(i))));
            break;
        }
        const QJsonObject m = markers.at(i).toObject();
        const QString name = c.string(m, mat, QStringLiteral("phase"), true);
        const std::optional<Phase> phase = parsePhase(name);
        if (!c.failed() && !phase)
            c.fail(Checker::join(mat, QStringLiteral("phase")),
                   QStringLiteral("must be load, first_inference, calibrate, warmup or steady; found \"%1\"").arg(name.left(40)));
        const QJsonValue t = c.value(m, mat, QStringLiteral("t_ms"), true);
        if (!c.failed() && (!t.isDouble() || !std::isfinite(t.toDouble()) || t.toDouble() < 0))
            c.fail(Checker::join(mat, QStringLiteral("t_ms")), QStringLiteral("must be a number of milliseconds >= 0, found %1").arg(Checker::describe(t)));
        run.memory.markers << MemoryMarker{t.toDouble(), phase.value_or(Phase::Load)};
    }
    const QJsonArray layers = c.array(o, at, QStringLiteral("layers"));
    for (qsizetype i = 0; i < layers.size() && !c.failed(); ++i) {
        const QString lat = QStringLiteral("%1.layers[%2]").arg(at).arg(i);
        if (!layers.at(i).isObject()) {
            c.fail(lat, QStringLiteral("must be an object with name, type and data, found %1").arg(Checker::describe(layers.at(i))));
            break;
        }
        const QJsonObject l = layers.at(i).toObject();
        LayerResult r;
        r.name = c.string(l, lat, QStringLiteral("name"), true);
        r.type = c.string(l, lat, QStringLiteral("type"));
        r.data = c.object(l, lat, QStringLiteral("data"));
        run.layers << r;
    }
    return run;
}

} // namespace

Result<RunRecord> runFromJson(const QJsonObject& o, const QString& at)
{
    Checker c({});
    RunRecord run = readRun(c, o, at);
    if (c.failed())
        return c.error();
    return run;
}

QByteArray toBytes(const RunFile& file)
{
    QJsonArray runs;
    for (const RunRecord& r : file.runs)
        runs.append(runToJson(r));
    QJsonObject o{{QStringLiteral("format"), kFormat},
                  {QStringLiteral("version"), kVersion},
                  {QStringLiteral("kind"), file.baselineUuid.isEmpty() ? QStringLiteral("runs") : QStringLiteral("comparison")},
                  {QStringLiteral("generator"), QStringLiteral("quantscope %1").arg(version())},
                  {QStringLiteral("exported"), isoTime(QDateTime::currentDateTimeUtc())},
                  {QStringLiteral("runs"), runs}};
    if (!file.baselineUuid.isEmpty())
        o.insert(QStringLiteral("baseline"), file.baselineUuid);
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

Result<RunFile> fromBytes(const QByteArray& bytes, const QString& fileName)
{
    const QString shown = paths::pretty(fileName);
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error::badInput(QStringLiteral("%1 is not a Quantscope run export: it is not valid JSON (%2 at byte %3). Nothing was imported.")
                                   .arg(shown, pe.errorString()).arg(pe.offset));
    if (!doc.isObject())
        return Error::badInput(QStringLiteral("%1 is not a Quantscope run export: the JSON is not an object. Nothing was imported.").arg(shown));
    const QJsonObject root = doc.object();
    Checker c(shown);
    const QString format = c.string(root, {}, QStringLiteral("format"));
    if (format != kFormat)
        return Error::badInput(QStringLiteral("%1 is not a Quantscope run export: \"format\" is %2 instead of \"%3\". Nothing was imported.")
                                   .arg(shown, format.isEmpty() ? QStringLiteral("missing") : QStringLiteral("\"%1\"").arg(format.left(40)), kFormat));
    RunFile file;
    file.version = int(c.integer(c.value(root, {}, QStringLiteral("version"), true), QStringLiteral("version"), 1, 0));
    if (c.failed())
        return c.error();
    if (file.version > kVersion)
        return Error::badInput(QStringLiteral("%1 was written by a newer Quantscope (export format version %2; this build reads versions up to %3). "
                                              "Update Quantscope to import it. Nothing was imported.").arg(shown).arg(file.version).arg(kVersion));
    const QString kind = c.string(root, {}, QStringLiteral("kind"));
    if (!c.failed() && !kind.isEmpty() && kind != QLatin1String("runs") && kind != QLatin1String("comparison"))
        c.fail(QStringLiteral("kind"), QStringLiteral("must be \"runs\" or \"comparison\", found \"%1\"").arg(kind.left(40)));
    const QJsonArray runs = c.array(root, {}, QStringLiteral("runs"), true);
    if (!c.failed() && runs.size() > kMaxRuns)
        c.fail(QStringLiteral("runs"), QStringLiteral("holds %1 runs; at most %2 are accepted in one file").arg(runs.size()).arg(kMaxRuns));
    QSet<QString> uuids;
    for (qsizetype i = 0; i < runs.size() && !c.failed(); ++i) {
        const QString at = QStringLiteral("runs[%1]").arg(i);
        if (!runs.at(i).isObject()) {
            c.fail(at, QStringLiteral("must be an object, found %1").arg(Checker::describe(runs.at(i))));
            break;
        }
        RunRecord run = readRun(c, runs.at(i).toObject(), at);
        if (!c.failed() && uuids.contains(run.uuid))
            c.fail(Checker::join(at, QStringLiteral("uuid")), QStringLiteral("repeats the UUID of an earlier run (%1)").arg(run.uuid));
        uuids.insert(run.uuid);
        file.runs << std::move(run);
    }
    file.baselineUuid = c.string(root, {}, QStringLiteral("baseline")).toLower();
    if (!c.failed() && !file.baselineUuid.isEmpty() && !uuids.contains(file.baselineUuid))
        c.fail(QStringLiteral("baseline"), QStringLiteral("names the run %1, which is not in the file").arg(file.baselineUuid));
    if (!c.failed() && kind == QLatin1String("comparison") && file.baselineUuid.isEmpty())
        c.fail(QStringLiteral("baseline"), QStringLiteral("is missing (a comparison names its baseline run)"));
    if (c.failed())
        return c.error();
    return file;
}

Result<RunFile> readFile(const QString& path)
{
    const QString shown = paths::pretty(path);
    QFile f(path);
    const QFileInfo fi(path);
    if (!fi.exists())
        return Error::badInput(QStringLiteral("%1 does not exist.").arg(shown));
    if (fi.isDir())
        return Error::badInput(QStringLiteral("%1 is a folder; give the export file (.json).").arg(shown));
    if (fi.size() > kMaxFileBytes)
        return Error::badInput(QStringLiteral("%1 is %2 MB; run exports above %3 MB are refused. Export fewer runs per file.")
                                   .arg(shown).arg(fi.size() >> 20).arg(kMaxFileBytes >> 20));
    if (!f.open(QIODevice::ReadOnly))
        return Error::badInput(QStringLiteral("Cannot read %1: %2.").arg(shown, f.errorString()));
    return fromBytes(f.readAll(), path);
}

Status writeFile(const QString& path, const RunFile& file)
{
    return writeFileAtomically(path, toBytes(file), QStringLiteral("the run export"));
}

} // namespace qs::exchange
