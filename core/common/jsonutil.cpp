// SPDX-License-Identifier: GPL-3.0-or-later
#include "jsonutil.h"

#include <QtCore/QJsonDocument>

namespace qs::json {

QJsonArray fromStrings(const QStringList& list)
{
    QJsonArray a;
    for (const QString& s : list)
        a.append(s);
    return a;
}

QJsonArray fromInts(const std::vector<qint64>& values)
{
    QJsonArray a;
    for (qint64 v : values)
        a.append(v);
    return a;
}

QByteArray pretty(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

} // namespace qs::json
