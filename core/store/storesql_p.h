// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QVariant>

// Small conversions between the Store's value types and SQLite columns, shared by store*.cpp.
namespace qs::detail::sql {

inline QVariant ms(const QDateTime& t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

inline QDateTime time(const QVariant& v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

/// NULL for "unknown" (-1) sizes and counts.
inline QVariant count(qint64 n)
{
    return n >= 0 ? QVariant(n) : QVariant(QMetaType(QMetaType::LongLong));
}

inline qint64 count(const QVariant& v)
{
    return v.isNull() ? -1 : v.toLongLong();
}

inline QString text(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

inline QString text(const QJsonArray& a)
{
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

inline QJsonObject object(const QVariant& v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

inline QJsonArray array(const QVariant& v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).array();
}

/// "?, ?, ?" for an IN list of \a n values.
inline QString placeholders(int n)
{
    QString s;
    s.reserve(n * 3);
    for (int i = 0; i < n; ++i)
        s += i ? QLatin1String(", ?") : QLatin1String("?");
    return s;
}

} // namespace qs::detail::sql
