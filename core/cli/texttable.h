// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QStringList>
#include <QtCore/QVector>

namespace qs::cli {

/// \brief Aligned plain-text columns for terminal output.
class TextTable
{
public:
    explicit TextTable(const QStringList& header, const QVector<bool>& rightAligned = {});
    void addRow(const QStringList& cells);
    QString render() const;

private:
    QStringList m_header;
    QVector<bool> m_right;
    QVector<QStringList> m_rows;
};

/// "key:  value" lines with keys padded to one width.
QString keyValues(const QVector<QPair<QString, QString>>& rows);

} // namespace qs::cli
