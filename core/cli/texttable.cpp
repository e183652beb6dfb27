// SPDX-License-Identifier: GPL-3.0-or-later
#include "texttable.h"

namespace qs::cli {

TextTable::TextTable(const QStringList& header, const QVector<bool>& rightAligned) : m_header(header), m_right(rightAligned)
{
    m_right.resize(header.size());
}

void TextTable::addRow(const QStringList& cells)
{
    m_rows << cells;
}

QString TextTable::render() const
{
    QVector<int> width(m_header.size());
    for (int c = 0; c < m_header.size(); ++c)
        width[c] = int(m_header[c].size());
    for (const QStringList& r : m_rows)
        for (int c = 0; c < r.size() && c < width.size(); ++c)
            width[c] = std::max(width[c], int(r[c].size()));
    auto line = [&](const QStringList& cells) {
        QStringList out;
        for (int c = 0; c < width.size(); ++c) {
            const QString cell = cells.value(c);
            out << (m_right[c] ? cell.rightJustified(width[c]) : cell.leftJustified(width[c]));
        }
        // Trailing padding only: a right-aligned first column keeps its leading spaces.
        QString text = out.join(QLatin1String("  "));
        while (text.endsWith(QLatin1Char(' ')))
            text.chop(1);
        return text + QLatin1Char('\n');
    };
    QString text = line(m_header);
    QStringList rule;
    for (int w : width)
        rule << QString(w, QLatin1Char('-'));
    text += rule.join(QLatin1String("  ")) + QLatin1Char('\n');
    for (const QStringList& r : m_rows)
        text += line(r);
    return text;
}

QString keyValues(const QVector<QPair<QString, QString>>& rows)
{
    int w = 0;
    for (const auto& r : rows)
        w = std::max(w, int(r.first.size()));
    QString text;
    for (const auto& r : rows)
        text += (r.first + QLatin1Char(':')).leftJustified(w + 2) + r.second + QLatin1Char('\n');
    return text;
}

} // namespace qs::cli
