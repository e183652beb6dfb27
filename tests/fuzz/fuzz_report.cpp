// SPDX-License-Identifier: GPL-3.0-or-later
// The report writer's escaping: a comparison of runs whose every user-controlled text (model
// names, paths, schemes, engines, uuids, kinds, errors, tags, notes, modes, noise reasons,
// environment keys and values, the title, the database, the notes) comes from the input, built
// with buildReport() and rendered as HTML (browser flavour with inline SVG charts, and the rich
// text flavour the PDF lays out), Markdown, CSV and JSON. Each output is checked:
//  - HTML: tokenized as well-formed (known tags and attributes only, quoted attribute values,
//    balanced elements, no raw '<' or '>' in text, only the entities we write), valid Unicode,
//    and every user text appears exactly as html() escapes it, which decodes back to it;
//  - Markdown: every table line has its table's number of cells (pipes escaped), no carriage
//    return, no bullet whose user text starts a block (heading, list, quote, code), every user
//    text present as markdown() escapes it;
//  - CSV: RFC 4180 parse, every line the header's number of fields, every user text intact
//    (behind the apostrophe that disarms a formula), no field a spreadsheet would run;
//  - JSON: parses, every user text and object round-trips, and Report::fromJson reads it back.
// PDF is left out: it needs a QGuiApplication, and the fuzz programs cannot have QtGui
// (tests/fuzz/CMakeLists.txt); it lays out the rich-text flavour checked here.
//
// Input: byte 0 chooses the shape (bits 0-1: 1-4 runs; 2: fingerprints; 3: noisy runs;
// 4: failed/running statuses; 5: different models; 6: accuracy; 7: memory timelines). The rest is
// split at NUL bytes into texts, used in order and cyclically, so that a short input still puts
// hostile text everywhere.
#include "tests/fuzz/fuzztarget.h"

#include "core/report/report.h"
#include "core/report/reportchart.h"
#include "core/report/reporttext_p.h"
#include "core/store/runexchange.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QSet>

#include <cstdio>

namespace {

using qs::Report;
using qs::ReportRow;
using qs::RunRecord;
namespace detail = qs::report::detail;

[[noreturn]] void fail(const char* what)
{
    fprintf(stderr, "report escaping invariant violated: %s\n", what);
    __builtin_trap();
}

#define QS_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail(#cond);                                                                           \
    } while (0)

class Texts
{
public:
    explicit Texts(const QByteArray& bytes)
    {
        for (const QByteArray& part : bytes.split('\0'))
            m_parts << QString::fromUtf8(part);
        if (m_parts.isEmpty())
            m_parts << QString();
    }
    QString next() { return m_parts[m_next++ % m_parts.size()]; }

private:
    QStringList m_parts;
    qsizetype m_next = 0;
};

bool loneSurrogate(const QString& s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s[i].isHighSurrogate()) {
            if (i + 1 >= s.size() || !s[i + 1].isLowSurrogate())
                return true;
            ++i;
        } else if (s[i].isLowSurrogate()) {
            return true;
        }
    }
    return false;
}

// ---- HTML ----------------------------------------------------------------------------------------

const QSet<QString>& htmlTags()
{
    static const QSet<QString> tags{"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "b", "i", "ul", "li",
                                    "table", "tr", "th", "td", "span", "br", "figure", "figcaption", "font", "img", "svg",
                                    "line", "polyline", "rect", "circle", "text"};
    return tags;
}

const QSet<QString>& htmlAttributes()
{
    static const QSet<QString> attrs{"lang", "charset", "http-equiv", "content", "name", "class", "style", "width", "height",
                                     "border", "cellspacing", "cellpadding", "align", "nowrap", "color", "src", "role", "viewbox",
                                     "font-family", "x", "y", "x1", "y1", "x2", "y2", "points", "fill", "stroke", "stroke-width",
                                     "stroke-dasharray", "stroke-linejoin", "cx", "cy", "r", "font-size", "text-anchor",
                                     "font-weight", "transform"};
    return attrs;
}

bool isVoid(const QString& tag)
{
    return tag == QLatin1String("meta") || tag == QLatin1String("br") || tag == QLatin1String("img");
}

/// Checks an entity at s[i] == '&'; returns its length.
qsizetype entityLength(const QString& s, qsizetype i)
{
    static const char* const named[] = {"&amp;", "&lt;", "&gt;", "&quot;"};
    for (const char* n : named) {
        const QLatin1String e(n);
        if (QStringView(s).mid(i).startsWith(e))
            return e.size();
    }
    qsizetype j = i + 1;
    if (j < s.size() && s[j] == QLatin1Char('#')) {
        ++j;
        const qsizetype digits = j;
        while (j < s.size() && s[j].isDigit() && s[j].unicode() < 128)
            ++j;
        if (j > digits && j - digits <= 7 && j < s.size() && s[j] == QLatin1Char(';'))
            return j + 1 - i;
    }
    fail("HTML: '&' that does not start one of the entities the writer uses");
}

/// A strict tokenizer for what htmlDocument() writes: well-formed, known elements and attributes.
void checkHtml(const QString& doc)
{
    QS_CHECK(!loneSurrogate(doc));
    QS_CHECK(doc.startsWith(QLatin1String("<!DOCTYPE html>\n")));
    QStringList open;
    qsizetype i = QLatin1String("<!DOCTYPE html>\n").size();
    auto isNameChar = [](QChar c) { return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-'); };
    while (i < doc.size()) {
        const QChar c = doc[i];
        if (c == QLatin1Char('&')) {
            i += entityLength(doc, i);
            continue;
        }
        QS_CHECK(c != QLatin1Char('>'));
        if (c != QLatin1Char('<')) {
            ++i;
            continue;
        }
        ++i;
        const bool closing = i < doc.size() && doc[i] == QLatin1Char('/');
        if (closing)
            ++i;
        const qsizetype nameStart = i;
        while (i < doc.size() && isNameChar(doc[i]))
            ++i;
        const QString tag = doc.mid(nameStart, i - nameStart);
        if (!htmlTags().contains(tag))
            fail("HTML: an element the writer does not write (injected tag?)");
        if (closing) {
            QS_CHECK(i < doc.size() && doc[i] == QLatin1Char('>'));
            ++i;
            QS_CHECK(!open.isEmpty() && open.last() == tag);
            open.removeLast();
            continue;
        }
        bool selfClosing = false;
        for (;;) {
            while (i < doc.size() && doc[i] == QLatin1Char(' '))
                ++i;
            QS_CHECK(i < doc.size());
            if (doc[i] == QLatin1Char('>')) {
                ++i;
                break;
            }
            if (doc[i] == QLatin1Char('/')) {
                QS_CHECK(i + 1 < doc.size() && doc[i + 1] == QLatin1Char('>'));
                selfClosing = true;
                i += 2;
                break;
            }
            const qsizetype attrStart = i;
            while (i < doc.size() && (isNameChar(doc[i]) || doc[i] == QLatin1Char('B')))
                ++i;
            const QString attr = doc.mid(attrStart, i - attrStart).toLower();
            if (attr.isEmpty() || !htmlAttributes().contains(attr))
                fail("HTML: an attribute the writer does not write (injected attribute?)");
            if (i < doc.size() && doc[i] == QLatin1Char('=')) {
                ++i;
                QS_CHECK(i < doc.size() && doc[i] == QLatin1Char('"'));
                ++i;
                while (i < doc.size() && doc[i] != QLatin1Char('"')) {
                    QS_CHECK(doc[i] != QLatin1Char('<') && doc[i] != QLatin1Char('>'));
                    i += doc[i] == QLatin1Char('&') ? entityLength(doc, i) : 1;
                }
                QS_CHECK(i < doc.size());
                ++i;
            }
        }
        if (tag == QLatin1String("style")) {
            // Our constant CSS: raw text up to </style>.
            const qsizetype end = doc.indexOf(QLatin1String("</style>"), i);
            QS_CHECK(end > 0 && !QStringView(doc).mid(i, end - i).contains(QLatin1Char('<')));
            i = end + QLatin1String("</style>").size();
            continue;
        }
        if (!selfClosing && !isVoid(tag))
            open << tag;
    }
    QS_CHECK(open.isEmpty());
}

/// Decodes what html() writes (the check that escaping loses nothing).
QString htmlDecode(const QString& s)
{
    QString out = s;
    out.replace(QLatin1String("&lt;"), QLatin1String("<"));
    out.replace(QLatin1String("&gt;"), QLatin1String(">"));
    out.replace(QLatin1String("&quot;"), QLatin1String("\""));
    out.replace(QLatin1String("&#39;"), QLatin1String("'"));
    out.replace(QLatin1String("&amp;"), QLatin1String("&"));
    return out;
}

// ---- Markdown ------------------------------------------------------------------------------------

/// Cells of a table line, split at pipes that no backslash escapes.
int markdownCells(const QString& line)
{
    int cells = 0;
    for (qsizetype i = 1; i < line.size(); ++i) { // after the leading pipe
        if (line[i] == QLatin1Char('\\'))
            ++i;
        else if (line[i] == QLatin1Char('|'))
            ++cells;
    }
    return cells;
}

/// Whether Markdown text at the start of a list item's content would open a block instead of
/// staying a paragraph: ATX heading, bullet or ordered list, block quote, indented code, thematic
/// break, fenced code.
bool startsBlock(QStringView s)
{
    qsizetype i = 0;
    while (i < s.size() && s[i] == QLatin1Char(' '))
        ++i;
    if (i >= 4 && i < s.size())
        return true;
    s = s.mid(i);
    if (s.isEmpty())
        return false;
    const QChar c = s[0];
    auto spaceAfter = [&](qsizetype i) { return i + 1 >= s.size() || s[i + 1] == QLatin1Char(' ') || s[i + 1] == QLatin1Char('\t'); };
    if (c == QLatin1Char('#') || c == QLatin1Char('>') || c == QLatin1Char('`') || c == QLatin1Char('~') || c == QLatin1Char('\t'))
        return true;
    if ((c == QLatin1Char('-') || c == QLatin1Char('+') || c == QLatin1Char('*') || c == QLatin1Char('_')) && spaceAfter(0))
        return true;
    for (QChar rule : {QLatin1Char('-'), QLatin1Char('*'), QLatin1Char('_')}) { // thematic breaks: "---", "- - -"
        if (c == rule && s.count(rule) >= 3 && s.count(rule) + s.count(QLatin1Char(' ')) + s.count(QLatin1Char('\t')) == s.size())
            return true;
    }
    qsizetype d = 0;
    while (d < s.size() && d < 10 && s[d].unicode() >= '0' && s[d].unicode() <= '9')
        ++d;
    return d > 0 && d < s.size() && (s[d] == QLatin1Char('.') || s[d] == QLatin1Char(')')) && spaceAfter(d);
}

void checkMarkdown(const QString& doc, const QStringList& texts)
{
    QS_CHECK(!loneSurrogate(doc));
    QS_CHECK(!doc.contains(QLatin1Char('\r')));
    int columns = -1;
    for (const QString& line : doc.split(QLatin1Char('\n'))) {
        if (!line.startsWith(QLatin1Char('|'))) {
            columns = -1;
            const qsizetype bullet = line.indexOf(QLatin1String("- "));
            if (bullet >= 0 && QStringView(line).left(bullet).trimmed().isEmpty()) {
                QStringView item = QStringView(line).mid(bullet + 2);
                if (item.startsWith(QLatin1String("**")) || item.startsWith(QLatin1String("noise: ")))
                    continue;
                if (startsBlock(item))
                    fail("Markdown: a list item's user text starts a block (heading, list, quote or code)");
            }
            continue;
        }
        QS_CHECK(line.endsWith(QLatin1String(" |")));
        const int cells = markdownCells(line);
        if (columns < 0)
            columns = cells;
        else if (cells != columns)
            fail("Markdown: a table line with more or fewer cells than its header");
    }
    for (const QString& t : texts) {
        const QString escaped = detail::markdown(t);
        QS_CHECK(!escaped.contains(QLatin1Char('\n')) && !escaped.contains(QLatin1Char('\r')));
        QS_CHECK(!startsBlock(escaped));
        // Undo the backslashes: the text itself with line breaks as spaces (and its outer white space trimmed).
        QString plain;
        for (qsizetype i = 0; i < escaped.size(); ++i) {
            if (escaped[i] == QLatin1Char('\\'))
                ++i;
            if (i < escaped.size())
                plain += escaped[i];
        }
        QString folded = t;
        folded.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('\r'), QLatin1Char(' ')).replace(QLatin1Char('\t'), QLatin1Char(' '));
        QS_CHECK(plain.trimmed() == folded.trimmed());
    }
}

// ---- CSV -----------------------------------------------------------------------------------------

QVector<QStringList> parseCsv(const QString& text)
{
    QVector<QStringList> rows;
    QStringList row;
    QString field;
    qsizetype i = 0;
    while (i < text.size()) {
        if (text[i] == QLatin1Char('"')) {
            ++i;
            for (;;) {
                QS_CHECK(i < text.size()); // an unterminated quote
                if (text[i] == QLatin1Char('"')) {
                    if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                        field += QLatin1Char('"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
        } else {
            while (i < text.size() && text[i] != QLatin1Char(',') && text[i] != QLatin1Char('\r') && text[i] != QLatin1Char('\n')) {
                QS_CHECK(text[i] != QLatin1Char('"')); // a quote inside an unquoted field
                field += text[i++];
            }
        }
        QS_CHECK(i < text.size()); // every line ends with CRLF
        if (text[i] == QLatin1Char(',')) {
            row << field;
            field.clear();
            ++i;
            continue;
        }
        QS_CHECK(text[i] == QLatin1Char('\r') && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n'));
        i += 2;
        row << field;
        field.clear();
        rows << row;
        row.clear();
    }
    return rows;
}

/// What a CSV field holding \a text must read: the text, behind an apostrophe when it would start a formula.
QString csvExpected(const QString& text)
{
    if (!text.isEmpty() && QStringLiteral("=+-@\t\r").contains(text.front()))
        return QLatin1Char('\'') + text;
    return text;
}

void checkCsv(const QString& doc, const Report& r)
{
    QS_CHECK(!loneSurrogate(doc));
    const QVector<QStringList> rows = parseCsv(doc);
    QS_CHECK(rows.size() == r.rows.size() + 1);
    const QStringList& head = rows[0];
    for (const QStringList& row : rows)
        QS_CHECK(row.size() == head.size());
    auto column = [&](const char* name) {
        const qsizetype c = head.indexOf(QLatin1String(name));
        QS_CHECK(c >= 0);
        return c;
    };
    const QString sep = QStringLiteral("; ");
    for (int i = 0; i < r.rows.size(); ++i) {
        const ReportRow& x = r.rows[i];
        const QStringList& f = rows[i + 1];
        QS_CHECK(f[column("uuid")] == csvExpected(x.run.uuid));
        QS_CHECK(f[column("label")] == csvExpected(x.label));
        QS_CHECK(f[column("kind")] == csvExpected(x.run.kind));
        QS_CHECK(f[column("model")] == csvExpected(x.run.model.name));
        QS_CHECK(f[column("model_path")] == csvExpected(x.run.model.path));
        QS_CHECK(f[column("scheme")] == csvExpected(x.run.variant.scheme));
        QS_CHECK(f[column("engine")] == csvExpected(x.run.engine()));
        QS_CHECK(f[column("mode")] == csvExpected(x.run.mode()));
        QS_CHECK(f[column("verdict")] == csvExpected(x.verdict));
        QS_CHECK(f[column("environment_differences")] == csvExpected(x.environment.join(sep)));
        QS_CHECK(f[column("noise")] == csvExpected(x.noise.join(sep)));
        QS_CHECK(f[column("tags")] == csvExpected(x.run.tags.join(sep)));
        QS_CHECK(f[column("note")] == csvExpected(x.run.note));
    }
}

// ---- JSON ----------------------------------------------------------------------------------------

void checkJson(const QByteArray& bytes, const Report& r)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    QS_CHECK(error.error == QJsonParseError::NoError && doc.isObject());
    const QJsonObject o = doc.object();
    QS_CHECK(o.value(QLatin1String("title")).toString() == r.title);
    QS_CHECK(o.value(QLatin1String("database")).toString() == r.database);
    QS_CHECK(o.value(QLatin1String("generator")).toString() == r.generator);
    QS_CHECK(o.value(QLatin1String("notes")).toArray() == QJsonArray::fromStringList(r.notes));
    const QJsonArray rows = o.value(QLatin1String("rows")).toArray();
    QS_CHECK(rows.size() == r.rows.size());
    for (int i = 0; i < r.rows.size(); ++i) {
        const ReportRow& x = r.rows[i];
        const QJsonObject j = rows[i].toObject();
        auto text = [&](const char* key) { return j.value(QLatin1String(key)).toString(); };
        QS_CHECK(text("uuid") == x.run.uuid);
        QS_CHECK(text("label") == x.label);
        QS_CHECK(text("kind") == x.run.kind);
        QS_CHECK(text("model") == x.run.model.name);
        QS_CHECK(text("model_path") == x.run.model.path);
        QS_CHECK(text("model_sha256") == x.run.model.sha256);
        QS_CHECK(text("scheme") == x.run.variant.scheme);
        QS_CHECK(text("engine") == x.run.engine());
        QS_CHECK(text("verdict") == x.verdict);
        QS_CHECK(text("note") == x.run.note);
        QS_CHECK(j.value(QLatin1String("config")).toObject() == x.run.config);
        QS_CHECK(j.value(QLatin1String("environment")).toObject() == x.run.fingerprint);
        QS_CHECK(j.value(QLatin1String("tags")).toArray() == QJsonArray::fromStringList(x.run.tags));
        QS_CHECK(j.value(QLatin1String("noise")).toArray() == QJsonArray::fromStringList(x.noise));
        QS_CHECK(j.value(QLatin1String("environment_differences")).toArray() == QJsonArray::fromStringList(x.environment));
    }
    auto back = Report::fromJson(o);
    QS_CHECK(back.ok());
    QS_CHECK(back->title == r.title && back->database == r.database && back->notes == r.notes && back->rows.size() == r.rows.size());
    for (int i = 0; i < r.rows.size(); ++i) {
        const ReportRow& a = back->rows[i];
        const ReportRow& b = r.rows[i];
        QS_CHECK(a.label == b.label && a.verdict == b.verdict && a.run.model.name == b.run.model.name && a.run.model.path == b.run.model.path
                 && a.run.variant.scheme == b.run.variant.scheme && a.run.tags == b.run.tags && a.run.note == b.run.note
                 && a.run.fingerprint == b.run.fingerprint && a.noise == b.noise && a.environment == b.environment);
    }
}

} // namespace

QS_FUZZ_TARGET(report)
{
    if (size < 1)
        return 0;
    const quint8 shape = data[0];
    Texts t(qs::fuzz::bytes(data + 1, size - 1));
    const int runs = 1 + (shape & 3);
    const bool fingerprints = shape & 0x04, noisy = shape & 0x08, statuses = shape & 0x10, models = shape & 0x20,
               accuracy = shape & 0x40, timelines = shape & 0x80;

    QStringList texts; // every user text, for the per-format checks
    auto user = [&]() {
        const QString s = t.next();
        texts << s;
        return s;
    };
    const QString title = user();
    const QString database = user();
    const QString note = user();
    const QDateTime started = QDateTime::fromSecsSinceEpoch(1764000000, Qt::UTC);

    QVector<RunRecord> records;
    for (int i = 0; i < runs; ++i) {
        RunRecord r;
        r.id = i + 1;
        r.uuid = user();
        r.kind = user();
        r.status = statuses && i > 0 ? (i % 2 ? qs::RunStatus::Failed : qs::RunStatus::Running) : qs::RunStatus::Complete;
        r.error = user();
        r.started = started.addSecs(i);
        r.model.name = models || i == 0 ? user() : records[0].model.name;
        r.model.path = user();
        r.model.sha256 = models ? user() : QStringLiteral("0123abcd");
        r.model.fileBytes = 4000000;
        r.variant.id = i + 1;
        r.variant.scheme = user();
        r.variant.engine = user();
        r.variant.artifactPath = user();
        r.variant.artifactBytes = 4000000 / (i + 1);
        r.config = QJsonObject{{QStringLiteral("batch"), 1 + i % 2}, {QStringLiteral("threads"), 1 + i}, {QStringLiteral("mode"), user()}};
        if (i % 2)
            r.config.insert(QStringLiteral("engine"), user());
        r.metrics.insert(qs::metric::LatencyP50Ms, 1.5 / (i + 1));
        r.metrics.insert(qs::metric::LatencyP99Ms, 2.5 / (i + 1));
        r.metrics.insert(qs::metric::ThroughputPerS, 600.0 * (i + 1));
        r.metrics.insert(qs::metric::PeakMb, 120.0 - i);
        r.metrics.insert(qs::metric::CpuPercent, 95.0);
        if (accuracy) {
            r.metrics.insert(qs::metric::Top1, 91.0 - 0.1 * i);
            r.metrics.insert(qs::metric::Cosine, 1.0 - 0.001 * i);
        }
        if (noisy) {
            r.metrics.insert(qs::metric::Noisy, 1);
            r.result.insert(QStringLiteral("noise_reasons"), QJsonArray{user()});
        }
        r.latencyMs = {1.0 + i, 1.2 + i, 1.1 + i, 3.0 + i};
        if (timelines) {
            r.memory.hz = 100;
            r.memory.tUs = {0, 10000, 20000};
            r.memory.anonBytes = {1 << 20, 3 << 20, 2 << 20};
            r.memory.fileBytes = {1 << 20, 1 << 20, 1 << 20};
        }
        if (fingerprints) {
            r.fingerprint = QJsonObject{{QStringLiteral("cpu"), user()},
                                        {QStringLiteral("arch"), QStringLiteral("x86_64")},
                                        {QStringLiteral("os"), user()},
                                        {QStringLiteral("hostname"), user()},
                                        {QStringLiteral("blas"), user()},
                                        {QStringLiteral("engines"), QJsonArray{user(), QStringLiteral("onednn")}},
                                        {QStringLiteral("threads"), QJsonObject{{QStringLiteral("OMP_NUM_THREADS"), user()}}},
                                        {QStringLiteral("loadavg"), QJsonArray{0.5 * i, 0.2, 0.1}}};
            const QString key = user();
            if (!key.isEmpty())
                r.fingerprint.insert(key, user());
        }
        r.tags = QStringList{user(), user()};
        r.note = user();
        records << r;
    }
    // Without accuracy of their own, every second run takes it from an evaluation run of its
    // variant (which adds a note naming the run's label).
    QMap<qint64, RunRecord> evaluations;
    for (int i = 1; i < runs && !accuracy; i += 2) {
        RunRecord e;
        e.id = 100 + i;
        e.kind = QStringLiteral("eval");
        e.status = qs::RunStatus::Complete;
        e.variant.id = records[i].variant.id;
        e.metrics.insert(qs::metric::Top1, 90.5);
        evaluations.insert(e.variant.id, e);
    }
    Report report = qs::buildReport(records, 0, evaluations, title);
    QS_CHECK(report.rows.size() == runs);
    const ReportRow& base = report.rows.first();
    // Text built around user text keeps the user text as it is (no %N in it taken for a placeholder).
    if (title.isEmpty())
        QS_CHECK(report.title == base.run.model.name + QStringLiteral(": %1 compared with ").arg(runs - 1) + base.label);
    for (const ReportRow& row : report.rows) {
        QS_CHECK(row.verdict.startsWith(row.label + QLatin1String(": ")));
        if (row.accuracyRunId != row.run.id)
            QS_CHECK(report.notes.contains(row.label + QStringLiteral(": accuracy from evaluation run %1 of the same variant.").arg(row.accuracyRunId)));
    }
    report.database = database;
    report.notes << note;
    for (const ReportRow& row : report.rows)
        texts << row.label << row.verdict;

    // HTML, both flavours, with the SVG charts inline in the browser one.
    for (auto flavor : {detail::HtmlFlavor::Browser, detail::HtmlFlavor::RichText}) {
        const QString html = detail::htmlDocument(report, flavor);
        checkHtml(html);
        for (const ReportRow& row : report.rows) {
            const QString& m = row.run.model.name;
            if (!m.isEmpty())
                QS_CHECK(html.contains(QStringLiteral("<tr><th>Model</th><td>%1</td></tr>").arg(detail::html(m))));
            if (!row.run.note.isEmpty())
                QS_CHECK(html.contains(QStringLiteral("<tr><th>Note</th><td>%1</td></tr>").arg(detail::html(row.run.note))));
        }
        QS_CHECK(html.contains(QStringLiteral("<h1>%1</h1>").arg(detail::html(report.title))));
        QS_CHECK(html.contains(QStringLiteral(" runs compared with the baseline <b>") + detail::html(base.label) + QStringLiteral("</b> (run 1). Created ")
                               + detail::html(qs::exchange::isoTime(report.created)) + QStringLiteral(" by ") + detail::html(report.generator)
                               + QStringLiteral(" from ") + detail::html(report.database.isEmpty() ? QStringLiteral("records") : report.database)
                               + QStringLiteral(".</p>\n")));
    }
    for (const QString& s : texts)
        QS_CHECK(htmlDecode(detail::html(s)) == s);
    for (const qs::report::Chart& c : qs::report::buildCharts(report)) {
        const QString svg = qs::report::toSvg(c);
        QS_CHECK(!loneSurrogate(svg));
        for (const qs::report::ChartItem& it : c.items) {
            QS_CHECK(!loneSurrogate(it.text));
            // The memory chart's legend: "<label, maybe shortened> (peak N MiB)".
            const qsizetype peak = it.text.lastIndexOf(QLatin1String(" (peak "));
            if (c.id == QLatin1String("memory") && peak >= 0) {
                QString label = it.text.left(peak);
                if (label.endsWith(QChar(0x2026)))
                    label.chop(1);
                bool found = false;
                for (const ReportRow& row : report.rows)
                    found = found || row.label.startsWith(label);
                if (!found)
                    fail("SVG: a memory chart legend that is not a run's label");
            }
        }
    }

    const QString markdown = detail::markdownDocument(report);
    QS_CHECK(markdown.contains(QStringLiteral(" runs compared with the baseline **") + detail::markdown(base.label) + QStringLiteral("** (run 1). Created ")
                               + qs::exchange::isoTime(report.created) + QStringLiteral(" by ") + detail::markdown(report.generator)
                               + QStringLiteral(".\n")));
    checkMarkdown(markdown, texts);
    checkCsv(detail::csvDocument(report), report);
    // What render(Format::Json) writes (render() itself would pull the PDF writer, and QtGui, in).
    checkJson(QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented), report);
    return 0;
}
