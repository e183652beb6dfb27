// SPDX-License-Identifier: GPL-3.0-or-later
// Reports built from a real run database: figures and ratios as the stored runs give them (the
// expectations are computed here from the loaded records), every format's content, escaping of
// hostile names, tags and notes, and bad inputs (unknown runs, unknown formats, unwritable paths,
// a full disk) that must leave no file behind and the database as it was.
#include "core/report/reportchart.h"
#include "core/report/reportwriter.h"
#include "core/store/sqliteconnection_p.h"
#include "core/store/store.h"
#include "tests/support/runfixtures.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>
#include <sys/resource.h>

using namespace qs;

namespace {

const QString kHostileModel = QStringLiteral("<script>alert(1)</script>");
const QString kHostileTag = QStringLiteral("a|b <i>x</i>");
const QString kHostileNote = QStringLiteral("He said \"hi\", then | left\n=1+1 & <img src=http://evil.example/x.png> [l](http://evil) *b*");

QByteArray sha(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

QString readText(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// RFC 4180 reader: enough to check that the report's quoting round-trips.
QVector<QStringList> parseCsv(const QString& text)
{
    QVector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
        } else if (c == QLatin1Char('\r')) {
            continue;
        } else if (c == QLatin1Char('\n')) {
            row << field;
            rows << row;
            row.clear();
            field.clear();
        } else {
            field += c;
        }
    }
    return rows;
}

/// The cells of a Markdown table line, split at pipes that are not escaped.
QStringList markdownCells(const QString& line)
{
    QStringList cells;
    QString cur;
    for (int i = 1; i < line.size(); ++i) { // skip the leading pipe
        if (line[i] == QLatin1Char('\\') && i + 1 < line.size()) {
            cur += line[i];
            cur += line[++i];
        } else if (line[i] == QLatin1Char('|')) {
            cells << cur.trimmed();
            cur.clear();
        } else {
            cur += line[i];
        }
    }
    return cells;
}

QString times(double ratio, const char* better, const char* worse)
{
    return ratio >= 1 ? QStringLiteral("%1x %2").arg(QString::number(ratio, 'f', 2), QLatin1String(better))
                      : QStringLiteral("%1x %2").arg(QString::number(1 / ratio, 'f', 2), QLatin1String(worse));
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<Store> m_store;
    qint64 m_fp32 = 0, m_static = 0, m_dynamic = 0, m_hostile = 0, m_hostileBase = 0;
    double m_top1Fp32 = 91.37, m_top1Static = 91.12;

    RunRecord load(qint64 id) { return *m_store->loadRun(id); }
    QString out(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = m_dir.filePath(QStringLiteral("runs.sqlite"));
        auto store = Store::open(m_db);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().toText()));
        m_store = std::move(*store);
        // Seeds that are multiples of 3 give batch 1 (runfixtures): a like-for-like comparison.
        RunRecord fp32 = test::makeRun(3, 3000, 1500, QStringLiteral("fp32"));
        RunRecord st = test::makeRun(6, 3000, 1500, QStringLiteral("static-int8"));
        RunRecord dyn = test::makeRun(9, 3000, 1500, QStringLiteral("dynamic-int8"));
        dyn.metrics[metric::Noisy] = 1;
        dyn.result[QStringLiteral("noise_reasons")] = QJsonArray{QStringLiteral("load average 3.1 on 2 cores")};
        RunRecord fp32Eval = test::makeEvalRun(3, m_top1Fp32, QStringLiteral("fp32"));
        RunRecord stEval = test::makeEvalRun(6, m_top1Static, QStringLiteral("static-int8"));
        for (RunRecord* r : {&fp32, &st, &dyn, &fp32Eval, &stEval})
            QVERIFY(m_store->recordRun(*r));
        m_fp32 = fp32.id;
        m_static = st.id;
        m_dynamic = dyn.id;

        RunRecord hb = test::makeRun(12, 500, 200, QStringLiteral("fp32"), kHostileModel);
        RunRecord h = test::makeRun(15, 500, 200, QStringLiteral("static-int8"), kHostileModel);
        h.tags << kHostileTag;
        h.note = kHostileNote;
        h.model.path = QStringLiteral("/models/<img src=x onerror=alert(2)>/\"q\"|p.pt");
        QVERIFY(m_store->recordRun(hb));
        QVERIFY(m_store->recordRun(h));
        m_hostileBase = hb.id;
        m_hostile = h.id;
    }

    void figuresAndRatios()
    {
        auto report = buildReport(*m_store, {m_static, m_dynamic}, m_fp32);
        QVERIFY2(report, qPrintable(report ? QString() : report.error().toText()));
        QCOMPARE(report->rows.size(), 3);
        QCOMPARE(report->rows[0].run.id, m_fp32);
        QVERIFY(report->rows[0].isBaseline);
        QCOMPARE(report->rows[1].run.id, m_static);
        QCOMPARE(report->rows[2].run.id, m_dynamic);
        const RunRecord base = load(m_fp32), st = load(m_static);
        const ReportRow& row = report->rows[1];
        QCOMPARE(row.sizeBytes, double(st.variant.artifactBytes));
        QCOMPARE(row.sizeRatio, double(base.variant.artifactBytes) / double(st.variant.artifactBytes));
        QCOMPARE(row.speedup, base.metric(metric::LatencyP50Ms) / st.metric(metric::LatencyP50Ms));
        QCOMPARE(row.p99Speedup, base.metric(metric::LatencyP99Ms) / st.metric(metric::LatencyP99Ms));
        QCOMPARE(row.throughputRatio, st.metric(metric::ThroughputPerS) / base.metric(metric::ThroughputPerS));
        QCOMPARE(row.memoryRatio, base.metric(metric::PeakMb) / st.metric(metric::PeakMb));
        QCOMPARE(row.cpuRatio, st.metric(metric::CpuPercent) / base.metric(metric::CpuPercent));
        // Accuracy comes from the evaluation runs of the same variants.
        QCOMPARE(row.top1, m_top1Static);
        QCOMPARE(report->rows[0].top1, m_top1Fp32);
        QVERIFY(qAbs(row.top1DeltaPt - (m_top1Static - m_top1Fp32)) < 1e-9);
        QVERIFY(row.accuracyRunId != row.run.id && row.accuracyRunId > 0);
        QVERIFY(!std::isfinite(report->rows[2].top1)); // no evaluation of that variant
        // The verdict, as the issue words it.
        QVERIFY2(row.verdict.startsWith(QStringLiteral("static-int8 (onednn): ")), qPrintable(row.verdict));
        QVERIFY2(row.verdict.contains(QStringLiteral("%1x smaller").arg(row.sizeRatio, 0, 'f', 1)), qPrintable(row.verdict));
        QVERIFY2(row.verdict.contains(QStringLiteral("%1x faster").arg(row.speedup, 0, 'f', 1)), qPrintable(row.verdict));
        QVERIFY2(row.verdict.contains(QStringLiteral("%1 pt top-1").arg(row.top1DeltaPt, 0, 'f', 2)), qPrintable(row.verdict));
        // The noisy run says so; the clean ones carry no flags.
        QVERIFY(report->rows[2].verdict.endsWith(QStringLiteral("(noisy)")));
        QVERIFY(report->rows[2].noise.join(QLatin1Char(' ')).contains(QStringLiteral("load average 3.1")));
        QVERIFY(row.noise.isEmpty());
        // Baseline given by id only: added in front.
        auto implicit = buildReport(*m_store, {m_static}, m_fp32);
        QVERIFY(implicit);
        QCOMPARE(implicit->rows.size(), 2);
        QCOMPARE(implicit->rows[0].run.id, m_fp32);
    }

    void formatFromPath_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("format"); // -1: refused
        QTest::newRow("html") << "a/report.html" << int(report::Format::Html);
        QTest::newRow("HTM") << "REPORT.HTM" << int(report::Format::Html);
        QTest::newRow("pdf") << "r.pdf" << int(report::Format::Pdf);
        QTest::newRow("md") << "r.md" << int(report::Format::Markdown);
        QTest::newRow("markdown") << "r.markdown" << int(report::Format::Markdown);
        QTest::newRow("csv") << "r.Csv" << int(report::Format::Csv);
        QTest::newRow("json") << "r.json" << int(report::Format::Json);
        QTest::newRow("txt") << "r.txt" << -1;
        QTest::newRow("none") << "report" << -1;
        QTest::newRow("empty") << "" << -1;
        QTest::newRow("dir.html/x") << "dir.html/x" << -1;
    }
    void formatFromPath()
    {
        QFETCH(QString, path);
        QFETCH(int, format);
        auto f = report::formatFromPath(path);
        if (format < 0) {
            QVERIFY(!f);
            QCOMPARE(f.error().kind, Error::Kind::Usage);
            QVERIFY2(f.error().message.contains(QStringLiteral(".html")), qPrintable(f.error().message));
        } else {
            QVERIFY(f);
            QCOMPARE(int(*f), format);
            // Every format's own extension maps back to it; the dialog's filters list them all.
            QCOMPARE(*report::formatFromPath(QStringLiteral("x.") + report::extension(*f)), *f);
        }
        QCOMPARE(report::nameFilters().size(), report::formats().size());
    }

    void html()
    {
        const QString path = out(QStringLiteral("r.html"));
        QVERIFY(report::write(*m_store, {m_static, m_dynamic}, m_fp32, report::Format::Html, path));
        const QString text = readText(path);
        QVERIFY(text.startsWith(QStringLiteral("<!DOCTYPE html>")));
        const RunRecord base = load(m_fp32), st = load(m_static), dyn = load(m_dynamic);
        for (const RunRecord* r : {&base, &st, &dyn}) {
            QVERIFY(text.contains(QString::number(double(r->variant.artifactBytes) / 1e6, 'f', 2) + QStringLiteral(" MB")));
            QVERIFY(text.contains(QString::number(r->metric(metric::LatencyP50Ms), 'f', 3)));
            QVERIFY(text.contains(QString::number(r->metric(metric::LatencyP99Ms), 'f', 3)));
            QVERIFY(text.contains(QString::number(r->metric(metric::ThroughputPerS), 'f', 1)));
            QVERIFY(text.contains(QString::number(r->metric(metric::PeakMb), 'f', 1)));
            QVERIFY(text.contains(r->uuid));
        }
        const double sizeRatio = double(base.variant.artifactBytes) / double(st.variant.artifactBytes);
        QVERIFY(text.contains(times(sizeRatio, "smaller", "larger")));
        QVERIFY(text.contains(times(base.metric(metric::LatencyP50Ms) / st.metric(metric::LatencyP50Ms), "faster", "slower")));
        QVERIFY(text.contains(QString::number(m_top1Static, 'f', 2)));
        QVERIFY(text.contains(QStringLiteral("%1 pt").arg(QString::number(m_top1Static - m_top1Fp32, 'f', 2))));
        // The four charts, inline; the environment; the noise flag.
        QCOMPARE(text.count(QStringLiteral("<svg ")), 4);
        for (const char* title : {"Model size", "Latency distribution", "Memory over time", "Accuracy vs latency"})
            QVERIFY2(text.contains(QLatin1String(title)), title);
        QVERIFY(text.contains(QStringLiteral("Test CPU @ 3 GHz")));
        QVERIFY(text.contains(QStringLiteral("load average 3.1 on 2 cores")));
        // Self-contained: nothing fetched from anywhere, nothing run.
        QVERIFY(!text.contains(QStringLiteral("http://")) && !text.contains(QStringLiteral("https://")));
        QVERIFY(!QRegularExpression(QStringLiteral(R"(<[^>]*\s(src|href|xlink:href|action)\s*=)"), QRegularExpression::CaseInsensitiveOption)
                     .match(text)
                     .hasMatch());
        QVERIFY(!text.contains(QStringLiteral("<script"), Qt::CaseInsensitive));
        QVERIFY(!text.contains(QStringLiteral("<link"), Qt::CaseInsensitive));
        QVERIFY(!text.contains(QStringLiteral("url("), Qt::CaseInsensitive));
        QVERIFY(!text.contains(QStringLiteral("@import"), Qt::CaseInsensitive));
    }

    void htmlEscapesUserText()
    {
        const QString path = out(QStringLiteral("hostile.html"));
        QVERIFY(report::write(*m_store, {m_hostile}, m_hostileBase, report::Format::Html, path));
        const QString text = readText(path);
        QVERIFY(text.contains(QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt;")));
        QVERIFY(!text.contains(QStringLiteral("<script"), Qt::CaseInsensitive));
        QVERIFY(!text.contains(QStringLiteral("<img"), Qt::CaseInsensitive));
        QVERIFY(!text.contains(QStringLiteral("<i>x</i>")));
        QVERIFY(text.contains(QStringLiteral("a|b &lt;i&gt;x&lt;/i&gt;")));
        QVERIFY(text.contains(QStringLiteral("He said &quot;hi&quot;, then | left")));
        // Still no element with a source or a link, though the note and path hold URLs as text.
        QVERIFY(!QRegularExpression(QStringLiteral(R"(<[^>]*\s(src|href)\s*=)"), QRegularExpression::CaseInsensitiveOption).match(text).hasMatch());
    }

    void markdown()
    {
        const QString path = out(QStringLiteral("r.md"));
        QVERIFY(report::write(*m_store, {m_static, m_dynamic}, m_fp32, report::Format::Markdown, path));
        const QString text = readText(path);
        const RunRecord base = load(m_fp32), st = load(m_static);
        QVERIFY(text.startsWith(QStringLiteral("# ")));
        QVERIFY(text.contains(times(double(base.variant.artifactBytes) / double(st.variant.artifactBytes), "smaller", "larger")));
        QVERIFY(text.contains(QString::number(st.metric(metric::LatencyP50Ms), 'f', 3)));
        QVERIFY(text.contains(QStringLiteral("%1 pt").arg(QString::number(m_top1Static - m_top1Fp32, 'f', 2))));
        // Every line of the summary table has as many cells as its header.
        const QStringList lines = text.split(QLatin1Char('\n'));
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; ++i)
            header = lines[i].startsWith(QStringLiteral("| Run | Size")) ? i : -1;
        QVERIFY(header > 0);
        const int columns = int(markdownCells(lines[header]).size());
        QVERIFY(columns > 10);
        for (int i = header + 1; i <= header + 4; ++i)
            QCOMPARE(markdownCells(lines[i]).size(), columns);
    }

    void markdownEscapesUserText()
    {
        const QString path = out(QStringLiteral("hostile.md"));
        QVERIFY(report::write(*m_store, {m_hostile}, m_hostileBase, report::Format::Markdown, path));
        const QString text = readText(path);
        // No unescaped markup at all: every <, [, * and pipe inside user text has its backslash.
        QVERIFY(!QRegularExpression(QStringLiteral(R"((?<!\\)<(script|img|i>))")).match(text).hasMatch());
        QVERIFY(!text.contains(QStringLiteral("[l](")));
        QVERIFY(text.contains(QStringLiteral("\\[l\\](http://evil) \\*b\\*")));
        QVERIFY(text.contains(QStringLiteral("\\<script\\>alert(1)\\</script\\>")));
        // Table lines keep their shape: hostile pipes are escaped, the note's line break folded.
        for (const QString& line : text.split(QLatin1Char('\n'))) {
            if (line.startsWith(QStringLiteral("| ")) && line.contains(QStringLiteral("He said"))) {
                const int runColumns = 10;
                QCOMPARE(markdownCells(line).size(), runColumns);
                QVERIFY(line.contains(QStringLiteral("then \\| left =1+1 \\& \\<img")));
            }
        }
    }

    void csv()
    {
        const QString path = out(QStringLiteral("r.csv"));
        QVERIFY(report::write(*m_store, {m_static, m_dynamic, m_hostile}, m_fp32, report::Format::Csv, path));
        const QVector<QStringList> rows = parseCsv(readText(path));
        QCOMPARE(rows.size(), 5); // header + baseline + 3
        const QStringList head = rows[0];
        for (const QStringList& r : rows)
            QCOMPARE(r.size(), head.size());
        auto col = [&](const char* name) { return int(head.indexOf(QLatin1String(name))); };
        for (const char* name : {"run_id", "label", "size_bytes", "latency_p50_ms", "ratio_size", "ratio_speedup_p50", "top1", "top1_delta_pt", "note", "tags"})
            QVERIFY2(col(name) >= 0, name);
        const RunRecord base = load(m_fp32), st = load(m_static), h = load(m_hostile);
        QCOMPARE(rows[1][col("run_id")].toLongLong(), m_fp32);
        QCOMPARE(rows[1][col("baseline")], QStringLiteral("1"));
        QCOMPARE(rows[2][col("run_id")].toLongLong(), m_static);
        QCOMPARE(rows[2][col("size_bytes")].toDouble(), double(st.variant.artifactBytes));
        QVERIFY(qAbs(rows[2][col("latency_p50_ms")].toDouble() / st.metric(metric::LatencyP50Ms) - 1) < 1e-9);
        QVERIFY(qAbs(rows[2][col("ratio_size")].toDouble() / (double(base.variant.artifactBytes) / double(st.variant.artifactBytes)) - 1) < 1e-9);
        QVERIFY(qAbs(rows[2][col("ratio_speedup_p50")].toDouble() / (base.metric(metric::LatencyP50Ms) / st.metric(metric::LatencyP50Ms)) - 1) < 1e-9);
        QVERIFY(qAbs(rows[2][col("top1_delta_pt")].toDouble() - (m_top1Static - m_top1Fp32)) < 1e-9);
        QCOMPARE(rows[3][col("top1")], QString()); // unknown: empty, not 0 or nan
        // Hostile text round-trips through the quoting; formulas are disarmed.
        QCOMPARE(rows[4][col("note")], h.note);
        QCOMPARE(rows[4][col("tags")], kHostileTag);
        QCOMPARE(rows[4][col("model")], kHostileModel);
        RunRecord formula = test::makeRun(18, 10, 10, QStringLiteral("fp32"), QStringLiteral("=HYPERLINK(\"http://x\")"));
        QVERIFY(m_store->recordRun(formula));
        QVERIFY(report::write(*m_store, {formula.id}, m_fp32, report::Format::Csv, path));
        const QVector<QStringList> f = parseCsv(readText(path));
        QCOMPARE(f[2][col("model")], QStringLiteral("'=HYPERLINK(\"http://x\")"));
        QVERIFY(m_store->deleteRuns({formula.id}));
    }

    void json()
    {
        const QString path = out(QStringLiteral("r.json"));
        QVERIFY(report::write(*m_store, {m_static, m_hostile}, m_fp32, report::Format::Json, path));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(o.value(QStringLiteral("report_format")).toInt(), Report::kJsonFormat);
        const QJsonArray rows = o.value(QStringLiteral("rows")).toArray();
        QCOMPARE(rows.size(), 3);
        const RunRecord base = load(m_fp32), st = load(m_static);
        const QJsonObject r = rows[1].toObject();
        QCOMPARE(qint64(r.value(QStringLiteral("run_id")).toDouble()), m_static);
        QCOMPARE(r.value(QStringLiteral("figures")).toObject().value(QStringLiteral("latency_p50_ms")).toDouble(), st.metric(metric::LatencyP50Ms));
        QCOMPARE(r.value(QStringLiteral("ratios")).toObject().value(QStringLiteral("size")).toDouble(),
                 double(base.variant.artifactBytes) / double(st.variant.artifactBytes));
        QVERIFY(r.value(QStringLiteral("environment")).toObject().contains(QStringLiteral("cpu")));
        QCOMPARE(rows[2].toObject().value(QStringLiteral("note")).toString(), kHostileNote);
        QCOMPARE(rows[2].toObject().value(QStringLiteral("model")).toString(), kHostileModel);
        // Read back: the same report.
        auto back = Report::fromJson(o);
        QVERIFY(back);
        QCOMPARE(back->rows.size(), 3);
        QCOMPARE(back->rows[1].verdict, r.value(QStringLiteral("verdict")).toString());
        QCOMPARE(back->rows[1].sizeRatio, r.value(QStringLiteral("ratios")).toObject().value(QStringLiteral("size")).toDouble());
    }

    void pdf()
    {
        const QString path = out(QStringLiteral("r.pdf"));
        QVERIFY(report::write(*m_store, {m_static, m_dynamic, m_hostile}, m_fp32, report::Format::Pdf, path));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (pdftotext.isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed: the PDF's text is not checked");
        QProcess p;
        p.start(pdftotext, {path, QStringLiteral("-")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        // Whitespace differs in extracted text: compare with it removed.
        const QString text = QString::fromUtf8(p.readAllStandardOutput()).remove(QRegularExpression(QStringLiteral("\\s")));
        const RunRecord base = load(m_fp32), st = load(m_static);
        for (const QString& expected :
             {QStringLiteral("Verdicts"), QStringLiteral("static-int8(onednn)"), QString::number(st.metric(metric::LatencyP50Ms), 'f', 3),
              times(double(base.variant.artifactBytes) / double(st.variant.artifactBytes), "smaller", "larger").remove(QLatin1Char(' ')),
              QStringLiteral("<script>alert(1)</script>"), QStringLiteral("TestCPU@3GHz"), QStringLiteral("loadaverage3.1on2cores")}) {
            QVERIFY2(text.contains(expected), qPrintable(expected));
        }
    }

    void charts()
    {
        auto r = buildReport(*m_store, {m_static}, m_fp32);
        QVERIFY(r);
        QStringList skipped;
        const QVector<report::Chart> charts = report::buildCharts(*r, &skipped);
        QCOMPARE(charts.size(), 4);
        QVERIFY(skipped.isEmpty());
        // A run without samples or accuracy: the charts it cannot feed are left out, and said so.
        RunRecord bare = test::makeRun(21, 0, 0, QStringLiteral("fp32"));
        bare.metrics.clear();
        bare.variant.artifactBytes = -1;
        bare.model.fileBytes = -1;
        const Report only = buildReport(QVector<RunRecord>{bare}, 0);
        QCOMPARE(report::buildCharts(only, &skipped).size(), 0);
        QCOMPARE(skipped.size(), 4);
        QVERIFY(report::render(only, report::Format::Html));
    }

    void badInputs()
    {
        const QByteArray before = sha(m_db);
        const QString path = out(QStringLiteral("bad.html"));
        // Unknown runs, as ids and as the baseline.
        Status st = report::write(*m_store, {987654}, m_fp32, report::Format::Html, path);
        QVERIFY(!st);
        QCOMPARE(st.error().kind, Error::Kind::BadInput);
        QVERIFY2(st.error().message.contains(QStringLiteral("987654")), qPrintable(st.error().message));
        st = report::write(*m_store, {m_static}, 987655, report::Format::Html, path);
        QVERIFY(!st);
        QVERIFY(st.error().message.contains(QStringLiteral("987655")));
        QVERIFY(!QFile::exists(path));
        // No runs at all.
        QVERIFY(!report::render(Report(), report::Format::Html));
        // Unwritable places: a folder that does not exist, a folder, /proc (refused even to root).
        for (const QString& bad : {out(QStringLiteral("missing/dir/r.html")), m_dir.path(), QStringLiteral("/proc/qs-report.html")}) {
            st = report::write(*m_store, {m_static}, m_fp32, report::Format::Html, bad);
            QVERIFY2(!st, qPrintable(bad));
            QCOMPARE(st.error().kind, Error::Kind::Io);
            QVERIFY2(st.error().message.contains(QStringLiteral("report")), qPrintable(st.error().message));
        }
        QVERIFY(!QFile::exists(out(QStringLiteral("missing"))));
        QCOMPARE(sha(m_db), before);
    }

    void lockedDatabaseStillReports()
    {
        // Another process writing (holding the write lock) does not stop a report: it only reads.
        auto holder = detail::SqliteConnection::open(m_db, false, false, 5000);
        QVERIFY(holder);
        QVERIFY((*holder)->execAll({QStringLiteral("BEGIN IMMEDIATE")}, QStringLiteral("test")));
        const QString path = out(QStringLiteral("locked.md"));
        const Status st = report::write(*m_store, {m_static}, m_fp32, report::Format::Markdown, path);
        QVERIFY((*holder)->execAll({QStringLiteral("COMMIT")}, QStringLiteral("test")));
        QVERIFY2(st, qPrintable(st ? QString() : st.error().toText()));
        QVERIFY(QFile::exists(path));
    }

    void fullDiskKeepsOldFile()
    {
        const QString path = out(QStringLiteral("full.html"));
        {
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("previous report");
        }
        const QByteArray before = sha(m_db);
        // A 16 kB file size limit fails the write with EFBIG, as a full disk fails it with ENOSPC.
        rlimit saved{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        const auto previousHandler = ::signal(SIGXFSZ, SIG_IGN);
        rlimit small{16 * 1024, saved.rlim_max};
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        const Status st = report::write(*m_store, {m_static, m_dynamic}, m_fp32, report::Format::Html, path);
        ::setrlimit(RLIMIT_FSIZE, &saved);
        ::signal(SIGXFSZ, previousHandler);
        QVERIFY(!st);
        QCOMPARE(st.error().kind, Error::Kind::Io);
        QVERIFY2(st.error().message.contains(QStringLiteral("disk full")), qPrintable(st.error().message));
        QCOMPARE(readText(path), QStringLiteral("previous report"));
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("full.html*")}, QDir::Files).size(), 1); // no temporary left
        QCOMPARE(sha(m_db), before);
    }
};

QTEST_MAIN(TestReport)
#include "tst_report.moc"
