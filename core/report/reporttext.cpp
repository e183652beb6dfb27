// SPDX-License-Identifier: GPL-3.0-or-later
#include "reporttext_p.h"

#include "core/store/runexchange.h"

#include <QtCore/QJsonArray>

#include <cmath>

namespace qs::report::detail {

QString html(const QString& text)
{
    QString s = text.toHtmlEscaped();
    s.replace(QLatin1Char('\''), QLatin1String("&#39;"));
    return s;
}

QString markdown(const QString& text)
{
    // Cells and list items are inline context: escaping what starts emphasis, code, links,
    // images, raw HTML, entities, strikethrough, math and mentions keeps user text literal
    // (CommonMark lets a backslash escape any ASCII punctuation) and pipes cannot split a cell.
    // The text also follows "- " in list items, where its start would be read as the start of a
    // block: a heading ("# x"), a nested list ("- x", "+ x", "1. x", "1) x"), a thematic break
    // ("---", "- - -") or indented code (leading spaces). So the text is trimmed and such a start
    // escaped ("-0.07 pt" and "3.93x" stay as they are).
    static const QString special = QStringLiteral("\\`*_[]<>|&~!$@");
    QString folded = text;
    for (QChar& c : folded) {
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r') || c == QLatin1Char('\t'))
            c = QLatin1Char(' ');
    }
    folded = folded.trimmed();
    auto spaceAfter = [&](qsizetype i) { return i + 1 >= folded.size() || folded[i + 1] == QLatin1Char(' '); };
    qsizetype digits = 0; // a leading run of digits: "1. " and "1) " start ordered lists
    while (digits < folded.size() && folded[digits].unicode() >= '0' && folded[digits].unicode() <= '9')
        ++digits;
    const bool thematicBreak = folded.count(QLatin1Char('-')) >= 3 && folded.count(QLatin1Char('-')) + folded.count(QLatin1Char(' ')) == folded.size();
    QString s;
    s.reserve(folded.size() + 8);
    for (qsizetype i = 0; i < folded.size(); ++i) {
        const QChar c = folded[i];
        if (special.contains(c) || (i == 0 && c == QLatin1Char('#'))
            || (i == 0 && (c == QLatin1Char('-') || c == QLatin1Char('+')) && (spaceAfter(i) || thematicBreak))
            || (i == digits && i > 0 && (c == QLatin1Char('.') || c == QLatin1Char(')')) && spaceAfter(i)))
            s += QLatin1Char('\\');
        s += c;
    }
    return s;
}

QString csvText(const QString& text)
{
    QString s = text;
    if (!s.isEmpty() && QStringLiteral("=+-@\t\r").contains(s.front()))
        s.prepend(QLatin1Char('\''));
    if (s.contains(QLatin1Char(',')) || s.contains(QLatin1Char('"')) || s.contains(QLatin1Char('\n')) || s.contains(QLatin1Char('\r'))
        || s.contains(QLatin1Char('\'')) || s.startsWith(QLatin1Char(' ')) || s.endsWith(QLatin1Char(' '))) {
        s.replace(QLatin1Char('"'), QLatin1String("\"\""));
        s = QLatin1Char('"') + s + QLatin1Char('"');
    }
    return s;
}

QString csvNumber(double value)
{
    return std::isfinite(value) ? QString::number(value, 'g', 12) : QString();
}

QString megabytes(double bytes)
{
    return std::isfinite(bytes) ? QString::number(bytes / 1e6, 'f', 2) + QStringLiteral(" MB") : QString();
}

QString fixed(double value, int decimals)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QString();
}

QString factor(double ratio, const QString& better, const QString& worse)
{
    if (!std::isfinite(ratio) || ratio <= 0)
        return {};
    const QString r = QString::number(ratio >= 1 ? ratio : 1 / ratio, 'f', 2);
    if (r == QLatin1String("1.00"))
        return QStringLiteral("1.00x");
    return QStringLiteral("%1x %2").arg(r, ratio >= 1 ? better : worse);
}

QString points(double delta)
{
    if (!std::isfinite(delta))
        return {};
    return QStringLiteral("%1%2 pt").arg(delta >= 0 ? QStringLiteral("+") : QString(), QString::number(delta, 'f', 2));
}

const QVector<SummaryColumn>& summaryColumns()
{
    static const QVector<SummaryColumn> columns = {
        {QStringLiteral("Size"), [](const ReportRow& r) { return megabytes(r.sizeBytes); },
         [](const ReportRow& r) { return factor(r.sizeRatio, QStringLiteral("smaller"), QStringLiteral("larger")); }},
        {QStringLiteral("p50 ms"), [](const ReportRow& r) { return fixed(r.p50Ms, 3); },
         [](const ReportRow& r) { return factor(r.speedup, QStringLiteral("faster"), QStringLiteral("slower")); }},
        {QStringLiteral("p99 ms"), [](const ReportRow& r) { return fixed(r.p99Ms, 3); },
         [](const ReportRow& r) { return factor(r.p99Speedup, QStringLiteral("faster"), QStringLiteral("slower")); }},
        {QStringLiteral("Throughput /s"), [](const ReportRow& r) { return fixed(r.throughput, 1); },
         [](const ReportRow& r) { return factor(r.throughputRatio, QStringLiteral("more"), QStringLiteral("less")); }},
        {QStringLiteral("Peak MiB"), [](const ReportRow& r) { return fixed(r.peakMb, 1); },
         [](const ReportRow& r) { return factor(r.memoryRatio, QStringLiteral("less"), QStringLiteral("more")); }},
        {QStringLiteral("CPU %"), [](const ReportRow& r) { return fixed(r.cpuPercent, 0); },
         [](const ReportRow& r) { return std::isfinite(r.cpuRatio) ? QString::number(r.cpuRatio, 'f', 2) + QStringLiteral("x") : QString(); }},
        {QStringLiteral("Top-1 %"), [](const ReportRow& r) { return fixed(r.top1, 2); },
         [](const ReportRow& r) { return points(r.top1DeltaPt); }},
        {QStringLiteral("Cosine"), [](const ReportRow& r) { return fixed(r.cosine, 4); }, nullptr},
        {QStringLiteral("SQNR dB"), [](const ReportRow& r) { return fixed(r.sqnrDb, 1); }, nullptr},
    };
    return columns;
}

QVector<QPair<QString, QString>> runDetails(const ReportRow& row)
{
    const RunRecord& r = row.run;
    QVector<QPair<QString, QString>> d;
    auto add = [&](const char* label, const QString& value) {
        if (!value.isEmpty())
            d.append({QString::fromLatin1(label), value});
    };
    add("Run", QString::number(r.id));
    add("UUID", r.uuid);
    add("Kind", r.kind);
    add("Status", runStatusName(r.status) + (r.error.isEmpty() ? QString() : QStringLiteral(": ") + r.error));
    add("Started", r.started.isValid() ? exchange::isoTime(r.started) : QString());
    add("Model", r.model.name);
    add("Model path", r.model.path);
    add("Model sha256", r.model.sha256);
    add("Scheme", r.variant.scheme);
    add("Engine", r.engine());
    add("Artifact", r.variant.artifactPath != r.model.path ? r.variant.artifactPath : QString());
    add("Batch", r.batch() > 0 ? QString::number(r.batch()) : QString());
    add("Threads", r.threads() > 0 ? QString::number(r.threads()) : QString());
    add("Mode", r.mode());
    add("Samples", r.latencyMs.isEmpty() ? QString() : QString::number(r.latencyMs.size()));
    add("Accuracy from", row.accuracyRunId > 0 && row.accuracyRunId != r.id ? QStringLiteral("run %1").arg(row.accuracyRunId) : QString());
    add("Tags", r.tags.join(QLatin1String(", ")));
    add("Note", r.note);
    return d;
}

namespace {

QString jsonText(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 10);
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue& e : v.toArray())
            parts << jsonText(e);
        return parts.join(QLatin1String(", "));
    }
    case QJsonValue::Object: {
        QStringList parts;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            parts << it.key() + QLatin1Char('=') + jsonText(it.value());
        return parts.join(QLatin1String(", "));
    }
    default:
        return {};
    }
}

} // namespace

QVector<QPair<QString, QString>> environment(const ReportRow& row)
{
    QVector<QPair<QString, QString>> e;
    const QJsonObject& fp = row.run.fingerprint;
    for (auto it = fp.begin(); it != fp.end(); ++it) {
        const QString value = jsonText(it.value());
        if (!value.isEmpty())
            e.append({it.key(), value});
    }
    return e;
}

} // namespace qs::report::detail
