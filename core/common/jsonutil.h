// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QStringList>

#include <vector>

namespace qs::json {

QJsonArray fromStrings(const QStringList& list);
QJsonArray fromInts(const std::vector<qint64>& values);
QByteArray pretty(const QJsonObject& object);

} // namespace qs::json
