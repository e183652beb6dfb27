// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QMap>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include "tests/fuzz/fuzzsupport.h"

namespace qs::fuzz {

/// Seed inputs of a target, by file name, made by the project itself (small models from
/// modelfactory, the bad files the loader must explain, sidecars, IDX arrays).
QMap<QString, QByteArray> seeds(const QString& target);
/// Writes every target's seeds to \a dir/<target>/; returns the number of files written.
int writeSeeds(const QString& dir);
/// The targets that have seeds, in the order writeSeeds() writes them.
QStringList targetNames();


} // namespace qs::fuzz
