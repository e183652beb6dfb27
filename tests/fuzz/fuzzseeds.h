// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QMap>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace qs::fuzz {

/// Seed inputs of a target, by file name, made by the project itself (small models from
/// modelfactory, the bad files the loader must explain, sidecars, IDX arrays).
QMap<QString, QByteArray> seeds(const QString& target);
/// Writes every target's seeds to \a dir/<target>/; returns the number of files written.
int writeSeeds(const QString& dir);
/// The targets that have seeds, in the order writeSeeds() writes them.
QStringList targetNames();

/// A torch.save zip archive ("archive/data.pkl" = \a pickle, "archive/version", and storages
/// "archive/data/0" and ".../1" of 256 bytes each): lets the tensorfile target mutate the pickle.
QByteArray torchSaveArchive(const QByteArray& pickle);
/// Where targets write their temporary files: /dev/shm when there is one (no disk writes per
/// input), else the temporary folder.
QString scratchDir();
/// Creates a QCoreApplication when there is none (the libFuzzer programs): Qt finds its image and
/// SQL plugins through it.
void ensureApplication();

} // namespace qs::fuzz
